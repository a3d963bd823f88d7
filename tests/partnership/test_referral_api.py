"""The referral API (``/api/v1/partnership/referrals/``; issue 12, section 1): an agency's own system (a token) or
its people (a session) refer a case for review through ``referral_make``, and read the referrals their agency made
with the triage outcome. Another agency's referral is the 404 of a missing one; errors are the one error shape; a
person who works in no agency may not refer."""

import json
import uuid
from datetime import date

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from partnership import services
from partnership.models import Referral
from safeguarding.accounts.models import Membership, Role
from safeguarding.accounts.services import api_client_create
from tests.factories import UserFactory, make_user
from tests.factories import partnership as pf

LIST = "/api/v1/partnership/referrals/"
NOW = "2027-04-01 12:00"


def _token_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _post(client, data):
    return client.post(LIST, data=json.dumps(data), content_type="application/json")


def _body(la, **over):
    return {"local_authority": str(la.public_id), "aware_on": "2027-03-31",
            "what_happened": "A child of four was admitted to hospital with a head injury.",
            "criteria_reason": "Serious harm; neglect is suspected.",
            "children": [{"first_names": "Ava", "surname": "Example", "date_of_birth": "2023-05-01"}], **over}


@pytest.fixture
def police_system(police):
    client, token = api_client_create(agency=police, name="Police case system")
    return client.user, _token_client(token)


@pytest.fixture
def health_referral(la, health):
    with freeze_time(NOW):
        return pf.referral(referrer=make_user(health, Role.PARTNER_PRACTITIONER), agency=health, la=la,
                           aware_on=date(2027, 3, 30))


@freeze_time(NOW)
def test_an_agencys_system_refers_a_case_and_reads_only_its_agencys_referrals(la, police, police_officer,
                                                                              police_system, health_referral):
    user, system = police_system
    made = _post(system, _body(la))
    assert made.status_code == 201, made.json()
    out = made.json()
    referral = Referral.objects.get(public_id=out["id"])
    assert (referral.referring_agency, referral.local_authority, referral.referred_by) == (police, la, user)
    assert referral.aware_on == date(2027, 3, 31) and referral.kind == Referral.Kind.CASE_REVIEW
    assert out["referring_agency"] == {"id": str(police.public_id), "name": police.name}
    assert out["triage"] == "pending" and out["triaged_on"] is None
    assert out["children"] == [{"first_names": "Ava", "surname": "Example", "date_of_birth": "2023-05-01",
                                "nhs_number": "", "upn": ""}]
    # a colleague's referral for the same agency is the agency's too; the health referral is not
    colleague = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=date(2027, 3, 29))
    listed = system.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [str(colleague.public_id), out["id"]]
    assert system.get(f"{LIST}{out['id']}/").json()["what_happened"].startswith("A child of four")
    theirs = system.get(f"{LIST}{health_referral.public_id}/")
    missing = system.get(f"{LIST}{uuid.uuid4()}/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


@freeze_time(NOW)
def test_the_agency_reads_the_triage_outcome_and_nothing_of_the_rationale(la, police, police_officer, business_unit,
                                                                          police_system):
    _user, system = police_system
    referral = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=date(2027, 3, 29))
    services.referral_triage(actor=business_unit, referral=referral, triage=Referral.Triage.LEARNING_REVIEW,
                             rationale="Below the criteria; the health visitor's notes are private.")
    out = system.get(f"{LIST}{referral.public_id}/").json()
    assert (out["triage"], out["triaged_on"]) == ("learning_review", "2027-04-01")
    assert "private" not in json.dumps(out) and "rationale" not in json.dumps(out)


@freeze_time(NOW)
@pytest.mark.parametrize(("change", "field"), [
    ({"aware_on": "2027-04-02"}, "aware_on"),                                        # the service: not in the future
    ({"children": []}, "children"),                                                   # the serializer: at least one
    ({"children": [{"surname": "Example", "nhs_number": "1234567890"}]}, "children-0-nhs_number"),  # check digit
    ({"kind": "care_leaver_death",
      "children": [{"surname": "Example", "date_of_birth": "2000-01-01"}]}, "children-0-date_of_birth"),  # over 25
    ("police", "local_authority"),                                                    # not a local authority
    ({"local_authority": str(uuid.UUID(int=1))}, "local_authority"),                  # no such agency
    ("health", "referring_agency"),                                                   # not the caller's agency
])
def test_refusals_are_400s_in_the_one_error_shape_and_write_nothing(la, police, health, police_system, change,
                                                                    field):
    _user, system = police_system
    if change == "police":
        change = {"local_authority": str(police.public_id)}
    elif change == "health":
        change = {"referring_agency": str(health.public_id)}
    response = _post(system, _body(la, **change))
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["fields"], error
    assert not Referral.objects.exists()


@freeze_time(NOW)
def test_someone_in_two_agencies_names_the_one_they_refer_for(la, police, health, police_officer, client_for):
    Membership.objects.create(user=police_officer, agency=health, roles=[Role.PARTNER_PRACTITIONER])
    client = client_for(police_officer)
    unnamed = client.post(LIST, data=json.dumps(_body(la)), content_type="application/json")
    assert unnamed.status_code == 400 and "referring_agency" in unnamed.json()["error"]["fields"]
    named = client.post(LIST, data=json.dumps(_body(la, referring_agency=str(health.public_id))),
                        content_type="application/json")
    assert named.status_code == 201 and named.json()["referring_agency"]["id"] == str(health.public_id)


@freeze_time(NOW)
def test_a_staff_member_without_an_agency_may_not_refer_and_sees_nothing(la, client_for, health_referral):
    client = client_for(UserFactory(is_staff=True))
    refused = client.post(LIST, data=json.dumps(_body(la)), content_type="application/json")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{health_referral.public_id}/").status_code == 404
    assert Referral.objects.count() == 1


@freeze_time(NOW)
def test_the_list_reads_in_a_fixed_number_of_statements(la, police, police_officer, police_system,
                                                        django_assert_max_num_queries):
    _user, system = police_system
    for day in (27, 28, 29, 30):
        pf.referral(referrer=police_officer, agency=police, la=la, aware_on=date(2027, 3, day))
    with django_assert_max_num_queries(8):
        assert len(system.get(LIST).json()["results"]) == 4
