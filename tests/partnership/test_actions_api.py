"""``/api/v1/partnership/actions/`` (ADR 24): an agency's system (token) and its safeguarding lead (session) see and
update the actions their agency owns, with evidence uploaded as multipart; another agency's action is the 404 of a
missing one; the list reads in a fixed number of statements."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from rest_framework.test import APIClient

from partnership.models import PartnershipSeat, ReviewAction
from safeguarding.accounts.models import Role
from safeguarding.accounts.services import api_client_create
from safeguarding.uploads.models import Upload
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, pdf_bytes, upload_root  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/partnership/actions/"


@pytest.fixture
def plan(la, police, police_officer, business_unit, school, health):
    with freeze_time("2027-01-11 12:00"):
        referral = pf.learning_review_referral(business_unit=business_unit, referrer=police_officer, agency=police,
                                               la=la, aware_on=date(2027, 1, 8))
        review = pf.practice_review(business_unit=business_unit, referral=referral, decided_on=date(2027, 1, 11))
        ours = pf.action(business_unit=business_unit, review=review, agency=school, due_on=date(2027, 2, 1))
        theirs = pf.action(business_unit=business_unit, review=review, agency=health, due_on=date(2027, 2, 1),
                           recommendation=ours.recommendation)
    _, token = api_client_create(agency=school, name="School MIS")
    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    return {"ours": ours, "theirs": theirs, "system": system, "lead": lead, "review": review, "bu": business_unit,
            "school": school}


@freeze_time("2027-02-03 12:00")
def test_an_agencys_system_lists_its_own_actions_with_what_is_overdue(plan):
    response = plan["system"].get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [str(plan["ours"].public_id)]
    assert rows[0]["overdue"] is True and rows[0]["review"] == "LR 2027-01" and rows[0]["evidence_count"] == 0
    assert plan["system"].get(f"{URL}?overdue=false").json()["results"] == []
    assert plan["system"].get(f"{URL}{plan['theirs'].public_id}/").status_code == 404
    assert plan["system"].get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404


@freeze_time("2027-02-03 12:00")
def test_the_list_reads_in_a_fixed_number_of_statements(plan, client_for):
    client = APIClient()
    client.force_login(plan["bu"])
    client.get(URL)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(URL).json()["results"]) == 2
    pf.action(business_unit=plan["bu"], review=plan["review"], agency=plan["school"], due_on=date(2027, 2, 1),
              recommendation=plan["ours"].recommendation)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(URL).json()["results"]) == 3
    assert len(three) == len(two)


@freeze_time("2027-02-03 12:00")
def test_an_agency_completes_its_action_with_evidence_uploaded_as_multipart(plan):
    url = f"{URL}{plan['ours'].public_id}/"
    refused = plan["system"].post(f"{url}update/", {"status": "complete", "completed_on": "2027-02-02"},
                                  format="json")
    assert refused.status_code == 400 and "no_evidence_reason" in refused.json()["error"]["fields"]
    session = APIClient()
    session.force_login(plan["lead"])  # in the frozen time: a session older than the idle limit is ended
    sent = session.post(f"{url}evidence/", {"file": _pdf(), "description": "Audit"}, format="multipart")
    assert sent.status_code == 201 and sent.json()["scan_status"] == "pending"
    assert Upload.objects.of(plan["ours"]).count() == 1
    done = plan["system"].post(f"{url}update/", {"status": "complete", "completed_on": "2027-02-02",
                                                 "progress_note": "Audit done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "complete" and done.json()["evidence_count"] == 1
    assert ReviewAction.objects.get(pk=plan["ours"].pk).status == ReviewAction.Status.COMPLETE
    again = plan["system"].post(f"{url}evidence/", {"file": _pdf()}, format="multipart")
    assert again.status_code == 404  # closed: no longer updatable, and looks missing
    assert plan["system"].post(f"{URL}{plan['theirs'].public_id}/update/", {"status": "in_progress"},
                               format="json").status_code == 404


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("audit.pdf", pdf_bytes(), content_type="application/pdf")
