"""``/api/v1/children/``: partner agencies see, search and record only the children they work with.

Real tokens (``api_client_create``), the real policy, PostgreSQL and the ApiCallLog/RecordView tables.
"""

import datetime
import json
import re
import uuid
from html.parser import HTMLParser

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from cases.identifiers import make_nhs_number, make_upn
from cases.models import Child, Involvement
from safeguarding.accounts.models import ApiCallLog
from safeguarding.accounts.services import api_client_revoke
from safeguarding.audit.models import CaseEvent, RecordView
from tests.factories import (
    ChildFactory,
    ClosedInvolvementFactory,
    InvolvementFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/children/"


def detail(child_or_id):
    return f"{LIST}{getattr(child_or_id, 'public_id', child_or_id)}/"


def assert_error_shape(resp, status):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert {"status", "code", "message", "fields"} <= set(err), err
    assert err["status"] == status
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["fields"], dict)
    return err


def ids(resp):
    return {r["id"] for r in resp.json()["results"]}


@pytest.fixture
def school_child(school):
    child = ChildFactory(
        legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=datetime.date(2016, 5, 4)
    )
    InvolvementFactory(child=child, agency=school)
    return child


@pytest.fixture
def police_child(police):
    child = ChildFactory(legal_first_names="Noah", legal_surname="Pemberton")
    InvolvementFactory(child=child, agency=police)
    return child


def new_child_payload(la, **over):
    data = {
        "legal_first_names": "Isla",
        "legal_surname": "Fairbairn",
        "date_of_birth": "2015-09-14",
        "nhs_number": make_nhs_number("943476591") or make_nhs_number("943476592"),
        "upn": make_upn("938123420101"),
        "local_authority": str(la.public_id),
        "involvement_role": "School (designated safeguarding lead)",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


# --- list, retrieve and the policy ---------------------------------------------------------------


def test_list_shows_only_children_with_an_open_involvement_of_the_clients_agency(
    school,
    police,
    school_api,
    school_child,
    police_child,
):
    ended = ChildFactory()
    ClosedInvolvementFactory(child=ended, agency=school)
    in_error = ChildFactory()
    InvolvementFactory(child=in_error, agency=school, entered_in_error_at=timezone.now())
    future_end = ChildFactory()
    InvolvementFactory(
        child=future_end, agency=school, end_date=timezone.localdate() + datetime.timedelta(days=5)
    )
    ChildFactory()  # nobody's

    resp = school_api.get(LIST)

    assert resp.status_code == 200, resp.content
    assert ids(resp) == {str(school_child.public_id), str(future_end.public_id)}
    row = next(r for r in resp.json()["results"] if r["id"] == str(school_child.public_id))
    assert row["legal_surname"] == "Hartley"
    assert row["date_of_birth"] == "2016-05-04"
    assert row["local_authority"] == school_child.local_authority.name
    assert row["nhs_number"] == school_child.nhs_number


def test_retrieve_of_a_child_the_agency_does_not_work_with_is_the_same_404_as_a_missing_id(
    school_api,
    school_child,
    police_child,
):
    ok = school_api.get(detail(school_child))
    assert ok.status_code == 200
    assert ok.json()["id"] == str(school_child.public_id)

    forbidden = school_api.get(detail(police_child))
    missing = school_api.get(detail(uuid.uuid4()))
    not_a_uuid = school_api.get(detail("not-a-uuid"))

    err = assert_error_shape(forbidden, 404)
    assert err["code"] == "not_found"
    assert forbidden.json() == missing.json() == not_a_uuid.json()
    assert missing.status_code == not_a_uuid.status_code == 404
    assert police_child.legal_surname not in forbidden.content.decode()


def test_a_closed_involvement_no_longer_gives_access(school, school_api):
    child = ChildFactory()
    ClosedInvolvementFactory(child=child, agency=school)
    assert_error_shape(school_api.get(detail(child)), 404)


def test_retrieve_writes_a_record_view_via_the_api_and_a_404_does_not(
    school_client, school_api, school_child, police_child
):
    client, _ = school_client
    assert school_api.get(detail(school_child)).status_code == 200
    assert school_api.get(detail(police_child)).status_code == 404

    views = list(RecordView.objects.all())
    assert len(views) == 1
    assert views[0].record == school_child
    assert views[0].user == client.user
    assert views[0].via == RecordView.Via.API == "api"


def test_aliases_entered_in_error_are_not_shown(school_api, school_child):
    from cases.services import child_alias_add, record_mark_entered_in_error
    from safeguarding.accounts.models import Role
    from tests.factories import make_user

    actor = make_user(school_child.local_authority, Role.SOCIAL_WORKER)
    school_child.allocated_social_worker = actor
    school_child.save(update_fields=["allocated_social_worker"])
    live = child_alias_add(child=school_child, actor=actor, name="Milly Hart")
    wrong = child_alias_add(child=school_child, actor=actor, name="Wrong Person")
    record_mark_entered_in_error(record=wrong, actor=actor, reason="Another child's alias")

    listed = school_api.get(LIST).json()["results"][0]["aliases"]
    retrieved = school_api.get(detail(school_child)).json()["aliases"]
    assert listed == retrieved == [live.name]


# --- filters and pagination ------------------------------------------------------------------------


@pytest.fixture
def searchable(school):
    a = ChildFactory(
        legal_first_names="Oliver",
        legal_surname="Brennan",
        date_of_birth=datetime.date(2014, 3, 2),
        nhs_number=make_nhs_number("401023457") or make_nhs_number("401023458"),
        upn=make_upn("938123420555"),
    )
    b = ChildFactory(
        legal_first_names="Ruby", legal_surname="Castellano", date_of_birth=datetime.date(2012, 11, 20)
    )
    c = ChildFactory(
        legal_first_names="Oliver", legal_surname="Dunmore", date_of_birth=datetime.date(2014, 3, 2)
    )
    for ch in (a, b, c):
        InvolvementFactory(child=ch, agency=school)
    hidden = ChildFactory(
        legal_first_names="Oliver", legal_surname="Brennan", date_of_birth=datetime.date(2014, 3, 2)
    )
    return a, b, c, hidden


def test_filter_by_name(school_api, searchable):
    a, b, c, hidden = searchable
    assert ids(school_api.get(LIST, {"name": "brennan"})) == {str(a.public_id)}
    assert ids(school_api.get(LIST, {"name": "Oliver"})) == {str(a.public_id), str(c.public_id)}
    assert ids(school_api.get(LIST, {"name": "Castelano"})) == {str(b.public_id)}  # misspelt: similar name
    assert ids(school_api.get(LIST, {"name": "Zebedee"})) == set()


def test_filter_by_date_of_birth(school_api, searchable):
    a, b, c, hidden = searchable
    assert ids(school_api.get(LIST, {"date_of_birth": "2014-03-02"})) == {str(a.public_id), str(c.public_id)}
    assert ids(school_api.get(LIST, {"date_of_birth": "2012-11-20"})) == {str(b.public_id)}
    assert_error_shape(school_api.get(LIST, {"date_of_birth": "2nd March"}), 400)


def test_filter_by_nhs_number_and_upn_normalised(school_api, searchable):
    a, b, c, hidden = searchable
    spaced = f"{a.nhs_number[:3]} {a.nhs_number[3:6]} {a.nhs_number[6:]}"
    assert ids(school_api.get(LIST, {"nhs_number": spaced})) == {str(a.public_id)}
    assert ids(school_api.get(LIST, {"upn": a.upn.lower()})) == {str(a.public_id)}
    assert ids(school_api.get(LIST, {"upn": b.upn})) == {str(b.public_id)}
    # a child the agency does not work with is not found by its identifiers either
    assert ids(school_api.get(LIST, {"nhs_number": hidden.nhs_number})) == set()
    assert ids(school_api.get(LIST, {"upn": hidden.upn})) == set()


def test_pagination_shape(school, school_api):
    for _ in range(3):
        InvolvementFactory(child=ChildFactory(), agency=school)

    first = school_api.get(LIST, {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert "page=2" in body["next"]

    second = school_api.get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] is not None
    assert not ({r["id"] for r in body["results"]} & {r["id"] for r in second["results"]})

    assert_error_shape(school_api.get(LIST, {"page": 99}), 404)


# --- create -------------------------------------------------------------------------------------


def test_create_records_the_child_and_an_open_involvement_of_the_clients_agency(
    la, school, school_client, school_api
):
    payload = new_child_payload(la)

    resp = school_api.post(LIST, payload, format="json")

    assert resp.status_code == 201, resp.content
    body = resp.json()
    child = Child.objects.get(public_id=body["id"])
    assert (child.legal_first_names, child.legal_surname) == ("Isla", "Fairbairn")
    assert child.date_of_birth == datetime.date(2015, 9, 14)
    assert child.nhs_number == payload["nhs_number"]
    assert child.upn == payload["upn"]
    assert child.local_authority == la
    assert child.created_by == school_client[0].user
    inv = Involvement.objects.get(child=child)
    assert inv.agency == school
    assert inv.end_date is None and inv.entered_in_error_at is None
    assert inv.role == "School (designated safeguarding lead)"
    assert inv.start_date == timezone.localdate()
    assert CaseEvent.objects.filter(code="child.created", subject_id=child.pk).exists()

    again = school_api.get(detail(child))
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert str(child.public_id) in ids(school_api.get(LIST))


def test_create_with_a_local_authority_that_is_not_one_is_400(la, school, school_api):
    resp = school_api.post(LIST, new_child_payload(la, local_authority=str(school.public_id)), format="json")
    err = assert_error_shape(resp, 400)
    assert "local_authority" in err["fields"]
    assert not Child.objects.exists()


def _wrong_check_digit():
    good = make_nhs_number("943476591") or make_nhs_number("943476592")
    return good[:9] + str((int(good[9]) + 1) % 10)


@pytest.mark.parametrize(
    ("nhs", "message"),
    [
        ("12345", "NHS number must be 10 digits long; you entered 5"),
        ("485-777-345X", "NHS number must contain only numbers"),
        (_wrong_check_digit(), "the last digit does not match"),
    ],
)
def test_create_with_an_invalid_nhs_number_is_400_with_a_clear_message(la, school_api, nhs, message):
    resp = school_api.post(LIST, new_child_payload(la, nhs_number=nhs), format="json")
    err = assert_error_shape(resp, 400)
    assert err["code"] == "invalid"
    assert set(err["fields"]) == {"nhs_number"}
    assert any(message in m for m in err["fields"]["nhs_number"]), err
    assert not Child.objects.exists()


def _wrong_check_letter():
    good = make_upn("938123420101")
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    return letters[(letters.index(good[0]) + 1) % 23] + good[1:]


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("A1234", "Unique pupil number must be 13 characters long; you entered 5"),
        ("I938123420101", "must start with a check letter"),
        ("A93812342X101", "Characters 2 to 12 of a unique pupil number must be numbers"),
        (_wrong_check_letter(), "the check letter does not match"),
    ],
)
def test_create_with_an_invalid_upn_is_400_with_a_clear_message(la, school_api, upn, message):
    resp = school_api.post(LIST, new_child_payload(la, upn=upn), format="json")
    err = assert_error_shape(resp, 400)
    assert set(err["fields"]) == {"upn"}
    assert any(message in m for m in err["fields"]["upn"]), err
    assert not Child.objects.exists()


def test_create_missing_fields_lists_each_one(school_api):
    err = assert_error_shape(school_api.post(LIST, {}, format="json"), 400)
    assert {"legal_surname", "local_authority", "involvement_role"} <= set(err["fields"])


def test_create_without_any_date_of_birth_is_400(la, school_api):
    resp = school_api.post(LIST, new_child_payload(la, date_of_birth=None), format="json")
    err = assert_error_shape(resp, 400)
    assert "date_of_birth" in err["fields"]


def test_create_with_an_nhs_number_already_recorded_is_400(la, school_api):
    existing = ChildFactory()  # not a child the school works with: still blocked, never duplicated
    resp = school_api.post(LIST, new_child_payload(la, nhs_number=existing.nhs_number, upn=""), format="json")
    err = assert_error_shape(resp, 400)
    assert set(err["fields"]) == {"nhs_number"}
    assert "already recorded" in err["fields"]["nhs_number"][0]
    assert Child.objects.count() == 1


def test_a_similar_child_is_409_with_candidates_then_201_with_confirm_not_duplicate(
    la, school_api, school_child
):
    payload = new_child_payload(
        la,
        legal_first_names="Amelia",
        legal_surname="Hartly",
        date_of_birth="2016-04-05",
        nhs_number="",
        upn="",
    )

    first = school_api.post(LIST, payload, format="json")

    err = assert_error_shape(first, 409)
    assert err["code"] == "possible_duplicate"
    assert "confirm_not_duplicate" in err["message"]
    candidates = err["candidates"]
    assert [c["id"] for c in candidates] == [str(school_child.public_id)]
    assert candidates[0]["name"] == "Amelia Hartley"
    assert candidates[0]["date_of_birth"] == "2016-05-04"
    assert any("similar name" in r for r in candidates[0]["reasons"])
    assert "day and month of birth transposed" in candidates[0]["reasons"]
    assert Child.objects.count() == 1

    second = school_api.post(LIST, {**payload, "confirm_not_duplicate": True}, format="json")

    assert second.status_code == 201, second.content
    created = Child.objects.get(public_id=second.json()["id"])
    assert created.pk != school_child.pk
    assert CaseEvent.objects.filter(code="child.duplicate_warning_overridden", subject_id=created.pk).exists()


def test_duplicate_check_only_uses_children_the_client_can_see(la, school_api, police_child):
    payload = new_child_payload(
        la,
        legal_first_names=police_child.legal_first_names,
        legal_surname=police_child.legal_surname,
        date_of_birth=police_child.date_of_birth.isoformat(),
        nhs_number="",
        upn="",
    )
    resp = school_api.post(LIST, payload, format="json")
    # a 409 naming the police's child would reveal a record the school may not see
    assert resp.status_code == 201, resp.content


def test_an_unborn_child_can_be_recorded(la, school_api):
    edd = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    resp = school_api.post(
        LIST,
        new_child_payload(
            la,
            date_of_birth=None,
            expected_date_of_birth=edd,
            legal_first_names="",
            legal_surname="Unborn Fairbairn",
        ),
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["is_unborn"] is True
    assert Child.objects.get(
        public_id=resp.json()["id"]
    ).expected_date_of_birth == datetime.date.fromisoformat(edd)


def test_malformed_json_and_wrong_methods_get_the_one_error_shape(school_api, school_child):
    bad = school_api.post(LIST, "{not json", content_type="application/json")
    assert_error_shape(bad, 400)
    assert_error_shape(school_api.delete(detail(school_child)), 405)
    assert_error_shape(school_api.put(detail(school_child), {}, format="json"), 405)
    assert_error_shape(school_api.post(LIST, "legal_surname=X", content_type="text/plain"), 415)
    assert Child.objects.count() == 1
    assert list(ApiCallLog.objects.order_by("id").values_list("status_code", flat=True)) == [
        400,
        405,
        405,
        415,
    ]


# --- authentication -------------------------------------------------------------------------------


def test_a_revoked_token_is_401(school_client, school_api, school_child):
    client, token = school_client
    assert school_api.get(LIST).status_code == 200

    api_client_revoke(client=client, reason="contract ended")

    err = assert_error_shape(school_api.get(LIST), 401)
    assert err["code"] == "authentication_failed"
    assert_error_shape(school_api.get(detail(school_child)), 401)
    assert_error_shape(school_api.post(LIST, {}, format="json"), 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer sgh_nothing",
        "Bearer not-a-token",
        "Bearer sgh_000000000000_wrongsecret",
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "   ",
        "garbage",
    ],
)
def test_a_malformed_or_wrong_authorization_header_is_401(client, header, school_child):
    resp = client.get(LIST, HTTP_AUTHORIZATION=header)
    err = assert_error_shape(resp, 401)
    assert err["message"]
    assert resp["WWW-Authenticate"] == "Bearer"


def test_a_token_with_a_known_prefix_but_wrong_secret_is_401(client, school_client, school_child):
    token = school_client[1]
    scheme, prefix, secret = token.split("_", 2)
    forged = f"{scheme}_{prefix}_{'x' * len(secret)}"
    assert forged != token
    assert_error_shape(client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {forged}"), 401)
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_scheme_name_is_case_insensitive(client, school_client, school_child):
    resp = client.get(LIST, HTTP_AUTHORIZATION=f"bearer {school_client[1]}")
    assert resp.status_code == 200, resp.content


def test_no_credentials_at_all_is_401(client):
    assert_error_shape(client.get(LIST), 401)


# --- the call log ----------------------------------------------------------------------------------


def test_every_call_by_a_client_is_logged(la, school_client, school_api, school_child, police_child):
    client, _ = school_client
    school_api.get(LIST)
    school_api.get(detail(school_child))
    school_api.get(detail(police_child))
    school_api.post(LIST, {}, format="json")
    school_api.post(LIST, new_child_payload(la), format="json")

    rows = list(
        ApiCallLog.objects.order_by("at", "id").values_list(
            "client_id", "method", "endpoint", "status_code", "path"
        )
    )
    assert rows == [
        (client.pk, "GET", "api:children-list", 200, LIST),
        (client.pk, "GET", "api:children-detail", 200, detail(school_child)),
        (client.pk, "GET", "api:children-detail", 404, detail(police_child)),
        (client.pk, "POST", "api:children-list", 400, LIST),
        (client.pk, "POST", "api:children-list", 201, LIST),
    ]


def test_a_call_with_a_revoked_token_is_logged_against_the_client(school_client, school_api):
    client, _ = school_client
    api_client_revoke(client=client, reason="contract ended")

    assert school_api.get(LIST).status_code == 401

    log = ApiCallLog.objects.get()
    assert (log.client_id, log.method, log.endpoint, log.status_code) == (
        client.pk,
        "GET",
        "api:children-list",
        401,
    )


def test_calls_by_unidentified_callers_and_by_staff_are_not_client_calls(client, client_for, social_worker):
    client.get(LIST, HTTP_AUTHORIZATION="Bearer sgh_000000000000_nope")
    client_for(social_worker).get(LIST)
    assert not ApiCallLog.objects.exists()


def test_each_client_is_logged_as_itself(school_client, police_client, bearer):
    bearer(school_client[1]).get(LIST)
    bearer(police_client[1]).get(LIST)
    bearer(police_client[1]).get(LIST)
    assert ApiCallLog.objects.filter(client=school_client[0]).count() == 1
    assert ApiCallLog.objects.filter(client=police_client[0]).count() == 2


def test_last_used_is_recorded(school_client, school_api):
    client, _ = school_client
    assert client.last_used_at is None
    school_api.get(LIST)
    client.refresh_from_db()
    assert client.last_used_at is not None


# --- staff through their session -------------------------------------------------------------------


def test_session_staff_use_the_api_through_the_policy(client_for, social_worker, other_social_worker, team):
    mine = ChildFactory(allocated_social_worker=social_worker)
    theirs = ChildFactory(allocated_social_worker=other_social_worker)
    api = client_for(social_worker)

    listed = api.get(LIST)
    assert listed.status_code == 200
    assert ids(listed) == {str(mine.public_id)}
    assert api.get(detail(mine)).status_code == 200
    assert api.get(detail(theirs)).json() == api.get(detail(uuid.uuid4())).json()
    assert api.get(detail(theirs)).status_code == 404
    # the list row and the retrieve are each a read of the child's record
    views = [(v.user, v.record, v.via, v.what) for v in RecordView.objects.order_by("id")]
    assert views == [(social_worker, mine, "api", "api children list"), (social_worker, mine, "api", "api child")]


def test_session_partner_practitioner_sees_their_agencys_children(
    client_for, school_dsl, school_child, police_child
):
    assert ids(client_for(school_dsl).get(LIST)) == {str(school_child.public_id)}


def test_a_role_that_may_not_create_gets_404_not_403(client_for, school_dsl, la):
    resp = client_for(school_dsl).post(
        LIST, json.dumps(new_child_payload(la)), content_type="application/json"
    )
    assert_error_shape(resp, 404)
    assert not Child.objects.exists()


def test_a_social_worker_creating_through_the_api_gets_the_child_allocated_and_can_see_it(
    client_for, social_worker, team, la
):
    api = client_for(social_worker)
    resp = api.post(LIST, json.dumps(new_child_payload(la)), content_type="application/json")
    assert resp.status_code == 201, resp.content
    child = Child.objects.get(public_id=resp.json()["id"])
    assert (child.allocated_social_worker, child.allocated_team) == (social_worker, team)
    assert not Involvement.objects.filter(child=child).exists()
    assert api.get(detail(child)).status_code == 200


def test_staff_cannot_create_a_child_in_another_local_authority(client_for, social_worker, other_la):
    resp = client_for(social_worker).post(
        LIST, json.dumps(new_child_payload(other_la)), content_type="application/json"
    )
    assert_error_shape(resp, 400)
    assert "your own local authority" in resp.json()["error"]["fields"]["local_authority"][0]
    assert not Child.objects.exists()


def test_an_api_client_cannot_use_pages(school_client):
    from django.test import Client

    c = Client()
    c.force_login(school_client[0].user)
    resp = c.get("/children/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


def test_every_child_listed_through_the_api_is_logged_as_a_view(school_api, school_child, police_child, school_client):
    assert school_api.get(LIST).status_code == 200
    views = list(RecordView.objects.all())
    assert [(v.record, v.user, v.via) for v in views] == [(school_child, school_client[0].user, "api")]


# --- schema and docs ----------------------------------------------------------------------------


def test_schema_is_valid_openapi_3_with_the_children_paths_and_the_bearer_scheme(client):
    resp = client.get("/api/v1/schema/")
    assert resp.status_code == 200
    schema = yaml.safe_load(resp.content)
    assert str(schema["openapi"]).startswith("3.")
    validate_schema(schema)  # drf-spectacular's bundled OpenAPI 3 JSON schema
    assert "/api/v1/children/" in schema["paths"]
    assert "/api/v1/children/{public_id}/" in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/children/"])
    params = {p["name"] for p in schema["paths"]["/api/v1/children/"]["get"]["parameters"]}
    assert {"name", "date_of_birth", "nhs_number", "upn", "page", "page_size"} <= params
    schemes = schema["components"]["securitySchemes"]
    bearer_schemes = [
        k for k, v in schemes.items() if v.get("type") == "http" and v.get("scheme") == "bearer"
    ]
    assert bearer_schemes, schemes
    get_security = schema["paths"]["/api/v1/children/"]["get"]["security"]
    assert any(bearer_schemes[0] in s for s in get_security)

    as_json = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert as_json.status_code == 200
    assert as_json.json()["paths"].keys() == schema["paths"].keys()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []
        self.inline_scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href"):
            if a.get(name):
                self.refs.append((tag, a[name]))
        if tag == "script":
            self._in_script = not a.get("src")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def test_docs_page_loads_nothing_from_a_cdn(client):
    resp = client.get("/api/v1/docs/")
    assert resp.status_code == 200
    html = resp.content.decode()
    parser = _Refs()
    parser.feed(html)
    assert parser.refs, "the docs page should load Swagger UI"
    assert parser.inline_scripts == []
    for tag, ref in parser.refs:
        assert not re.match(r"^(https?:)?//", ref), f"{tag} loads {ref} from another site"
        assert ref.startswith("/static/") or ref.startswith("/api/v1/docs/") or ref.startswith("data:"), ref
    scripts = [r for t, r in parser.refs if t == "script"]
    assert any(r.startswith("/static/drf_spectacular_sidecar/") for r in scripts), scripts
    for ref in scripts:
        if ref.startswith("/static/"):
            assert finders.find(ref.removeprefix("/static/").split("?")[0]), (
                f"{ref} is not a local static file"
            )
    assert "cdn" not in html.lower()


# --- finding is not opening: the 409 shows no more than the minimal row ------------------------------


def test_staff_get_another_teams_copy_as_a_minimal_candidate_and_the_sighting_is_logged(
    client_for, la, team, other_social_worker, social_worker
):
    held = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=datetime.date(2016, 5, 4),
                        local_authority=la, allocated_team=team, allocated_social_worker=social_worker)
    api = client_for(other_social_worker)
    payload = new_child_payload(la, legal_first_names="Amelia", legal_surname="Hartley", date_of_birth="2016-05-04",
                                nhs_number="", upn="")

    resp = api.post(LIST, json.dumps(payload), content_type="application/json")

    err = assert_error_shape(resp, 409)
    [candidate] = err["candidates"]
    assert candidate == {
        "id": None, "local_child_id": held.local_child_id, "name": "Amelia Hartley", "date_of_birth": "2016-05-04",
        "expected_date_of_birth": None, "held_by": "Assessment Team A, Northmoor Borough Council",
        "can_open": False, "restricted": False, "message": "Held by another team: ask the holder for access",
        "reasons": ["same name", "same date of birth"],
    }
    assert str(held.public_id) not in resp.content.decode()
    assert held.nhs_number not in resp.content.decode()
    seen = CaseEvent.objects.get(code="child.sighted")
    assert (seen.subject, seen.actor, seen.payload["via"]) == (held, other_social_worker, "API duplicate check")
    assert not RecordView.objects.exists()
    assert api.get(detail(held)).status_code == 404
    assert Child.objects.count() == 1


def test_a_restricted_copy_is_only_a_restricted_candidate(client_for, la, team, other_social_worker, service_manager):
    from tests.factories import RestrictedChildFactory

    hidden = RestrictedChildFactory(legal_first_names="Ruby", legal_surname="Castellano",
                                    date_of_birth=datetime.date(2012, 11, 20), local_authority=la,
                                    allocated_team=team, named=[service_manager])
    payload = new_child_payload(la, legal_first_names="Ruby", legal_surname="Castellano", date_of_birth="2012-11-20",
                                nhs_number="", upn="")

    resp = client_for(other_social_worker).post(LIST, json.dumps(payload), content_type="application/json")

    [candidate] = assert_error_shape(resp, 409)["candidates"]
    assert candidate == {
        "id": None, "local_child_id": None, "name": None, "date_of_birth": None, "expected_date_of_birth": None,
        "held_by": None, "can_open": False, "restricted": True,
        "message": "A restricted record matches: contact the service manager", "reasons": [],
    }
    body = resp.content.decode()
    for secret in (hidden.local_child_id, str(hidden.public_id), "Assessment Team A"):
        assert secret not in body


def test_a_candidate_the_caller_may_open_is_shown_in_full(client_for, la, team, social_worker):
    mine = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=datetime.date(2016, 5, 4),
                        local_authority=la, allocated_team=team, allocated_social_worker=social_worker)
    payload = new_child_payload(la, legal_first_names="Amelia", legal_surname="Hartley", date_of_birth="2016-05-04",
                                nhs_number="", upn="")
    resp = client_for(social_worker).post(LIST, json.dumps(payload), content_type="application/json")
    [candidate] = assert_error_shape(resp, 409)["candidates"]
    assert candidate["id"] == str(mine.public_id) and candidate["can_open"] is True
    assert not CaseEvent.objects.filter(code="child.sighted").exists()


# --- date bounds, the same as on the pages ------------------------------------------------------------


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"date_of_birth": "1899-12-31"}, "date_of_birth", "Date of birth must be 1 January 1900 or later"),
    ({"date_of_birth": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "date_of_birth",
     "Date of birth must be today or in the past"),
    ({"date_of_birth": None, "expected_date_of_birth": "1800-01-01"}, "expected_date_of_birth",
     "Expected date of birth must be no more than a month ago: if the baby has been born, enter the date of "
     "birth instead"),
    ({"date_of_birth": None, "expected_date_of_birth": (timezone.localdate() + datetime.timedelta(days=301))
      .isoformat()}, "expected_date_of_birth", "Expected date of birth must be within the next 10 months"),
])
def test_dates_out_of_bounds_are_400_at_the_field(la, school_api, over, field, message):
    resp = school_api.post(LIST, new_child_payload(la, **over), format="json")
    err = assert_error_shape(resp, 400)
    assert err["fields"] == {field: [message]}
    assert not Child.objects.exists()
