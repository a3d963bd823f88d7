"""The agency API of the rapid review (``/api/v1/partnership/requests/``; issue 12, sections 2 and 5; ADR 23): an
agency's lead (a session) or the agency's own system (a token, seated as the lead) reads the requests to its
agency and answers them: chronology entries, files (the kernel's scanned upload service) and the information
form. Another agency's request is the 404 of a missing one; a request that takes nothing more is a 400."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from rest_framework.test import APIClient

from partnership import services
from partnership.models import PartnershipSeat
from safeguarding.accounts.models import Role
from safeguarding.accounts.services import api_client_create
from safeguarding.uploads.models import Upload
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401 (fixtures)

LIST = "/api/v1/partnership/requests/"


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


@pytest.fixture
def scene(la, police, police_officer, business_unit, health, school):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=date(2027, 3, 24))
    with freeze_time("2027-03-30 12:00"):
        to_school, to_health = services.agencies_request(actor=business_unit, review=review, agencies=[school, health])
    client, token = api_client_create(agency=health, name="Health record system")
    pf.seat(client.user, health, PartnershipSeat.Kind.AGENCY_LEAD)   # the business unit seats the agency's system
    school_lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(school_lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    return review, to_school, to_health, token, school_lead


def _token_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


@freeze_time("2027-04-01 12:00")
def test_an_agencys_system_answers_the_request_to_its_agency(scene, school, health):
    review, to_school, to_health, token, school_lead = scene
    system = _token_client(token)
    listed = system.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [str(to_health.public_id)]
    assert listed["results"][0]["due"] == "2027-04-05" and listed["results"][0]["open"] is True
    assert system.get(f"{LIST}{to_school.public_id}/").status_code == 404   # another agency's: missing
    assert _post(system, f"{LIST}{to_school.public_id}/chronology/", {"happened_on": "2027-03-01",
                                                                      "entry": "x"}).status_code == 404
    made = _post(system, f"{LIST}{to_health.public_id}/chronology/", {"happened_on": "2027-02-01",
                                                                      "entry": "Missed appointment"})
    assert made.status_code == 201 and made.json()["after_meeting"] is False
    bad = _post(system, f"{LIST}{to_health.public_id}/chronology/", {"happened_on": "2027-05-01", "entry": "Later"})
    assert bad.status_code == 400 and "happened_on" in bad.json()["error"]["fields"]
    sent = system.post(f"{LIST}{to_health.public_id}/files/", {"file": named(pdf_bytes(), "chronology.pdf"),
                                                               "description": "Our chronology"}, format="multipart")
    assert sent.status_code == 201 and sent.json()["scan_status"] == "pending"
    assert Upload.objects.of(to_health).count() == 1
    refused = system.post(f"{LIST}{to_health.public_id}/files/", {"file": named(b"<html></html>", "x.html")},
                          format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()["error"]["fields"]
    returned = _post(system, f"{LIST}{to_health.public_id}/information/", {"information": "Missed appointments"})
    assert returned.status_code == 200
    detail = returned.json()
    assert (detail["returned_on"], detail["open"]) == ("2027-04-01", False)
    assert [e["entry"] for e in detail["entries"]] == ["Missed appointment"]
    assert [f["name"] for f in detail["files"]] == ["chronology.pdf"]
    again = _post(system, f"{LIST}{to_health.public_id}/chronology/", {"happened_on": "2027-03-01", "entry": "More"})
    assert again.status_code == 400   # the form is returned: the request takes nothing more


def test_after_the_meeting_an_entry_is_a_late_addition(scene, business_unit, school, health):
    review, to_school, to_health, token, school_lead = scene
    with freeze_time("2027-04-07 16:00"):
        services.rapid_review_meeting_record(actor=business_unit, review=review, held_on=date(2027, 4, 7),
                                             attendance=[(school, "Head teacher")])
    with freeze_time("2027-04-08 10:00"):
        system = _token_client(token)
        made = _post(system, f"{LIST}{to_health.public_id}/chronology/", {"happened_on": "2027-03-20",
                                                                          "entry": "A&E attendance"})
        assert made.status_code == 201 and made.json()["after_meeting"] is True
        assert system.get(f"{LIST}{to_health.public_id}/").json()["meeting_held_on"] == "2027-04-07"


@freeze_time("2027-04-01 12:00")
def test_a_lead_with_a_session_and_the_business_unit_list_in_fixed_statements(scene, business_unit, police, la,
                                                                               police_officer):
    review, to_school, to_health, token, school_lead = scene
    lead = APIClient()
    lead.force_login(school_lead)
    assert [r["agency"] for r in lead.get(LIST).json()["results"]] == [school.name for school in [to_school.agency]]
    unit = APIClient()
    unit.force_login(business_unit)
    unit.get(LIST)
    with CaptureQueriesContext(connection) as two:
        assert unit.get(LIST).json()["count"] == 2
    services.agencies_request(actor=business_unit, review=review, agencies=[police])
    with CaptureQueriesContext(connection) as three:
        assert unit.get(LIST).json()["count"] == 3
    assert len(three) == len(two), [q["sql"] for q in three.captured_queries]
    outsider = APIClient()
    outsider.force_login(police_officer)
    assert outsider.get(LIST).json()["count"] == 0
    assert outsider.get(f"{LIST}{to_school.public_id}/").status_code == 404
