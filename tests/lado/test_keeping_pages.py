"""The keeping pages and the referrer API's download (ADR 22): transfers and their acknowledgement from the case,
legal holds, the LADO manager's retention review (a fixed number of statements) and disposal with its
confirmation, the advice about the personnel record, evidence shared with the invited police officer (and
nobody else: the same 404 as a missing file), and a referrer downloading their own file through the API, logged."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from lado import services
from lado.models import Disposal, LadoCase, LegalHold, Transfer
from safeguarding.accounts.models import Role
from safeguarding.audit.models import RecordView
from safeguarding.uploads.models import ScanStatus, Upload
from tests.factories import LocalAuthorityFactory, PoliceFactory, make_user
from tests.factories.lado import (
    ConcludedCaseFactory,
    EvaluatedCaseFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def same(response) -> str:
    return re.sub(r'(name="csrf-token" content|name="csrfmiddlewaretoken" value)="[^"]+"', "",
                  response.content.decode())


@pytest.fixture
def w():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado")
    referrer = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer")
    police = make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Pat Police")
    case = EvaluatedCaseFactory(local_authority=la, referrer=referrer, officer=officer)
    invitation = services.case_invite(actor=officer, case=case, user=police, kind="police")
    return {"la": la, "officer": officer, "manager": lado_manager_of(la, full_name="Mo Manager"),
            "referrer": referrer, "police": police, "case": LadoCase.objects.get(pk=case.pk),
            "invitation": invitation,
            "not invited": make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER)}


def url(name, *args):
    return reverse(f"lado:{name}", args=[str(getattr(a, "public_id", a)) for a in args])


def test_the_lado_transfers_a_case_from_its_page(w, client_for):
    case, lado = w["case"], client_for(w["officer"])
    page = text(lado.get(url("case", case)))
    assert "Other authorities" in page and url("transfer_new", case) in page
    form = lado.post(url("transfer_new", case), {"kind": "transfer"})
    assert form.status_code == 200 and "Select what lies in the other authority" in text(form)
    today = date.today()
    done = lado.post(url("transfer_new", case), {
        "kind": "transfer", "grounds": ["setting"], "authority": "Southvale City Council",
        "contact_name": "Sol Southvale", "contact_email": "lado@southvale.example", "sent_on_day": today.day,
        "sent_on_month": today.month, "sent_on_year": today.year, "what_was_sent": "The referral and the evaluation."})
    assert done.status_code == 302 and done["Location"] == url("case", case) + "#cross-border"
    transfer = Transfer.objects.get()
    page = text(lado.get(url("case", case)))
    assert "Transferred" in page and "Southvale City Council" in page and "Transferred to another authority" in page
    assert url("transfer_new", case) not in page  # closed here
    ack = lado.post(url("transfer_acknowledge", case, transfer), {
        "acknowledged_on_day": today.day, "acknowledged_on_month": today.month, "acknowledged_on_year": today.year,
        "by_whom": "Sol Southvale"})
    assert ack.status_code == 302
    assert "by Sol Southvale" in text(lado.get(url("case", case)))
    # the invited police officer reads the transfer, and works nothing
    invited = client_for(w["police"])
    assert "Southvale City Council" in text(invited.get(url("case", case)))
    assert invited.get(url("transfer_acknowledge", case, transfer)).status_code == 404


def test_legal_holds_placed_by_the_team_released_by_the_manager(w, client_for):
    case = w["case"]
    lado = client_for(w["officer"])
    assert "Enter why the records must be kept" in text(lado.post(url("case_hold", case), {"reason": ""}))
    assert lado.post(url("case_hold", case), {"reason": "A civil claim"}).status_code == 302
    hold = LegalHold.objects.get()
    page = text(lado.get(url("case", case)))
    assert "On hold" in page and url("hold_release", hold) not in page  # the officer does not release
    assert lado.get(url("hold_release", hold)).status_code == 404
    manager = client_for(w["manager"])
    assert url("hold_release", hold) in text(manager.get(url("case", case)))
    assert manager.post(url("hold_release", hold), {"release_reason": "Settled"}).status_code == 302
    hold.refresh_from_db()
    assert not hold.in_force and manager.get(url("hold_release", hold)).status_code == 404
    assert client_for(w["police"]).get(url("case_hold", case)).status_code == 404
    entry = case.subject
    assert lado.post(url("entry_hold", entry), {"reason": "Subject access dispute"}).status_code == 302
    assert LegalHold.objects.get(entry=entry).reason == "Subject access dispute"
    assert client_for(w["police"]).get(url("entry_hold", entry)).status_code == 404


def _old(la, officer, surname, year):
    with freeze_time(f"{year}-05-08 10:00"):
        return ConcludedCaseFactory(local_authority=la, officer=officer, data={
            "subject_surname": surname, "subject_date_of_birth": date(1950, 6, 1)}, children=[
            {"first_names": "Ella", "surname": "Price", "date_of_birth": date(2003, 5, 2)}])


def test_the_manager_reviews_and_disposes_with_a_confirmation(w, client_for):
    la, officer = w["la"], w["officer"]
    first = _old(la, officer, "Ashby", 2011)
    manager = client_for(w["manager"])
    assert client_for(officer).get(url("retention")).status_code == 404
    assert client_for(w["referrer"]).get(url("dispose", first.subject)).status_code == 404

    def count():
        with CaptureQueriesContext(connection) as q:
            resp = manager.get(url("retention"))
        assert resp.status_code == 200
        return len(q), text(resp)

    few, page = count()
    assert "Ashby" in page and url("dispose", first.subject) in page and "The retention policy" in page
    for n, surname in enumerate(("Barker", "Crane", "Dray")):
        _old(la, officer, surname, 2010 + n)
    services.legal_hold_place(actor=officer, record=LadoCase.objects.get(referral__subject_surname="Dray"),
                              reason="Inquiry")
    more, page = count()
    assert more == few and "On legal hold" in page
    assert RecordView.objects.filter(user=w["manager"], what="retention review").count() == 5

    refused = manager.post(url("dispose", first.subject), {"reason": "Past retention"})
    assert "Confirm that the personal details are to be removed" in text(refused)
    done = manager.post(url("dispose", first.subject), {"reason": "Past retention", "confirm": "on"})
    assert done.status_code == 302 and Disposal.objects.count() == 1
    assert "Ashby" not in text(manager.get(url("retention")))
    entry_page = text(client_for(officer).get(url("index_entry", first.subject)))
    assert "Disposed of under the LADO's retention policy" in entry_page and "Ashby" not in entry_page
    held = LadoCase.objects.get(referral__subject_surname="Dray").subject
    assert "A legal hold is in force" in text(manager.get(url("dispose", held)))


def test_the_personnel_record_advice_after_a_malicious_outcome(w, client_for):
    case = ConcludedCaseFactory(local_authority=w["la"], officer=w["officer"], category="malicious")
    lado = client_for(w["officer"])
    assert url("personnel_advice", case) in text(lado.get(url("case", case)))
    today = date.today()
    assert lado.post(url("personnel_advice", case), {"told_on_day": today.day, "told_on_month": today.month,
                                                     "told_on_year": today.year, "told_whom": "The head teacher"}
                     ).status_code == 302
    assert "The head teacher was told on" in text(lado.get(url("case", case)))
    assert "Only a false or malicious outcome" in text(lado.get(url("personnel_advice", w["case"])))


def test_the_lado_shares_a_file_and_only_the_invited_officer_downloads_it(w, client_for, upload_root):  # noqa: F811
    case, officer = w["case"], w["officer"]
    upload = services.evidence_add(actor=officer, owner=case, file=named(pdf_bytes(), "Strategy notes.pdf"))
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    lado = client_for(officer)
    done = lado.post(url("evidence_share", case), {"uploads": [str(upload.public_id)],
                                                    "invitations": [str(w["invitation"].public_id)]})
    assert done.status_code == 302
    police = client_for(w["police"])
    page = text(police.get(url("case", case)))
    assert "Files the LADO shared with you" in page and "Strategy notes.pdf" in page
    got = police.get(url("shared_file", case, upload))
    assert got.status_code == 200 and b"".join(got.streaming_content) == pdf_bytes()
    assert RecordView.objects.filter(user=w["police"], record_id=upload.pk, what__startswith="download").count() == 1
    # a police officer not invited, and the referrer: the 404 of a missing file
    other = client_for(w["not invited"])
    refused = other.get(url("shared_file", case, upload))
    missing = other.get(url("shared_file", case, "00000000-0000-0000-0000-000000000000"))
    assert refused.status_code == missing.status_code == 404 and same(refused) == same(missing)
    assert client_for(w["referrer"]).get(url("shared_file", case, upload)).status_code == 404
    assert police.get(url("evidence_share", case)).status_code == 404
    share = case.evidence_shares.get()
    assert lado.post(url("evidence_unshare", case, share), {"reason": "Sent too early"}).status_code == 302
    assert police.get(url("shared_file", case, upload)).status_code == 404


def test_a_referrer_downloads_their_own_file_through_the_api_and_not_another_s(w, upload_root):  # noqa: F811
    referral = w["case"].referral
    mine = services.evidence_add(actor=w["referrer"], owner=referral, file=named(pdf_bytes(), "Statement.pdf"))
    lados = services.evidence_add(actor=w["officer"], owner=referral, file=named(pdf_bytes(), "Notes.pdf"))
    api = APIClient()
    api.force_login(w["referrer"])
    where = f"/api/v1/lado/referrals/{referral.public_id}/evidence/"
    pending = api.get(f"{where}{mine.public_id}/")
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "unavailable"
    Upload.objects.filter(pk__in=[mine.pk, lados.pk]).update(scan_status=ScanStatus.CLEAN)
    got = api.get(f"{where}{mine.public_id}/", HTTP_ACCEPT="application/pdf")
    assert got.status_code == 200 and b"".join(got.streaming_content) == pdf_bytes()
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert RecordView.objects.get(user=w["referrer"], record_id=mine.pk, what__startswith="download").via == "api"
    refused, missing = api.get(f"{where}{lados.public_id}/"), api.get(f"{where}{'0' * 8}-0000-0000-0000-{'0' * 12}/")
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    other = APIClient()
    other.force_login(RegisteredReferrerFactory(local_authority=w["la"]))
    assert other.get(f"{where}{mine.public_id}/").status_code == 404
