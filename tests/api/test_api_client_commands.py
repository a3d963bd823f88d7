"""``create_api_client`` and ``revoke_api_client``: the token is shown once, kept only as a hash, and
stops working when the client is revoked."""

import hashlib
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from safeguarding.accounts.models import ApiClient, Membership, Role

pytestmark = pytest.mark.django_db

LIST = "/api/v1/children/"


def create(agency_name, name):
    out = io.StringIO()
    call_command("create_api_client", "--agency", agency_name, "--name", name, stdout=out)
    return out.getvalue()


def token_from(output):
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    tokens = [line for line in lines if line.startswith("sgh_")]
    assert len(tokens) == 1, output
    return tokens[0]


def api(token):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


def test_create_prints_the_token_once_and_the_token_works(school):
    output = create(school.name, "School MIS")

    token = token_from(output)
    assert output.count(token) == 1
    assert "shown once" in output
    client = ApiClient.objects.get(agency=school, name="School MIS")
    assert str(client.public_id) in output
    assert client.is_active
    assert client.user.is_api_client
    assert not client.user.has_usable_password()
    membership = Membership.objects.get(user=client.user)
    assert (membership.agency, membership.roles) == (school, [Role.API_CLIENT])

    assert api(token).get(LIST).status_code == 200


def test_the_database_holds_only_a_sha256_hash_of_the_token(school):
    token = token_from(create(school.name, "School MIS"))
    _, prefix, secret = token.split("_", 2)

    client = ApiClient.objects.get(name="School MIS")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.token_prefix == prefix
    for field in ApiClient._meta.concrete_fields:
        value = str(field.value_from_object(client))
        assert token not in value and secret not in value, field.name

    history = list(client.history.all().values())
    assert history, "API clients keep their history"
    for row in history:
        for key, value in row.items():
            assert token not in str(value) and secret not in str(value), key
        assert "token_hash" not in row

    # and nowhere else in the database either: every row of every table
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.all().values_list():
            text = repr(row)
            assert secret not in text, f"{model._meta.label} holds the token in plain"


def test_a_duplicate_name_for_the_same_agency_is_an_error(school, police):
    first = token_from(create(school.name, "School MIS"))
    with pytest.raises(CommandError, match="already has an API client called 'School MIS'"):
        create(school.name, "School MIS")
    assert ApiClient.objects.filter(name="School MIS").count() == 1
    assert api(first).get(LIST).status_code == 200

    # the same name in another agency is a different client
    token_from(create(police.name, "School MIS"))
    assert ApiClient.objects.filter(name="School MIS").count() == 2


def test_an_unknown_agency_is_an_error(db):
    with pytest.raises(CommandError, match="No active agency called 'Nowhere Council'"):
        create("Nowhere Council", "Anything")
    assert not ApiClient.objects.exists()


def test_an_inactive_agency_is_an_error(school):
    type(school).objects.filter(pk=school.pk).update(is_active=False)
    with pytest.raises(CommandError):
        create(school.name, "School MIS")
    assert not ApiClient.objects.exists()


def test_revoke_makes_the_token_stop_working(school):
    token = token_from(create(school.name, "School MIS"))
    assert api(token).get(LIST).status_code == 200

    out = io.StringIO()
    call_command(
        "revoke_api_client",
        "--agency",
        school.name,
        "--name",
        "School MIS",
        "--reason",
        "replaced",
        stdout=out,
    )

    assert "Revoked" in out.getvalue()
    client = ApiClient.objects.get(name="School MIS")
    assert client.revoked_at is not None
    assert client.history.first().history_change_reason == "replaced"
    resp = api(token).get(LIST)
    assert resp.status_code == 401
    assert resp.json()["error"]["status"] == 401

    again = io.StringIO()
    call_command("revoke_api_client", "--agency", school.name, "--name", "School MIS", stdout=again)
    assert "already revoked" in again.getvalue()


def test_revoking_one_client_leaves_the_others_working(school, police):
    school_token = token_from(create(school.name, "School MIS"))
    police_token = token_from(create(police.name, "Police case system"))
    call_command("revoke_api_client", "--agency", school.name, "--name", "School MIS", stdout=io.StringIO())
    assert api(school_token).get(LIST).status_code == 401
    assert api(police_token).get(LIST).status_code == 200


def test_revoke_of_an_unknown_client_is_an_error(school):
    with pytest.raises(CommandError):
        call_command("revoke_api_client", "--agency", school.name, "--name", "No such client")


def test_each_client_gets_a_different_token(school):
    a = token_from(create(school.name, "One"))
    b = token_from(create(school.name, "Two"))
    assert a != b
    assert a.split("_")[1] != b.split("_")[1]
