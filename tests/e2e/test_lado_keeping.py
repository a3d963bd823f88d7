"""The LADO's keeping pages in Chromium (ADR 22), axe-core on each: the officer tells another authority's LADO and
then transfers a case (errors first), records the acknowledgement, places a legal hold, shares a file with the
invited police officer, who opens the case and sees it; the LADO manager reviews the records past their retention
date (one on hold), disposes of one after confirming, and releases the hold; on a phone (320 px) for the review."""

import datetime

import pytest
from freezegun import freeze_time
from playwright.sync_api import expect

from lado import services
from safeguarding.accounts.models import Role
from safeguarding.uploads.models import ScanStatus, Upload
from tests.factories import PoliceFactory, make_user
from tests.factories.lado import (
    ConcludedCaseFactory,
    EvaluatedCaseFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401 (fixtures)

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def _date(group, day: datetime.date):
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_the_officer_transfers_a_case_holds_and_shares(page, la, upload_root):  # noqa: F811
    officer = lado_officer_of(la, full_name="Lee Lado")
    police = make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Pat Police")
    case = EvaluatedCaseFactory(local_authority=la, officer=officer,
                                referrer=RegisteredReferrerFactory(local_authority=la))
    services.case_invite(actor=officer, case=case, user=police, kind="police")
    upload = services.evidence_add(actor=officer, owner=case, file=named(pdf_bytes(), "Strategy notes.pdf"))
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    today = datetime.date.today()

    log_in(page, officer, f"/lado/cases/{case.public_id}/")
    page.get_by_role("link", name="Share files with the people invited").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share files with the people invited into the case")
    assert_accessible(page, "sharing files")
    page.get_by_label("Strategy notes.pdf").check()
    page.get_by_label("Pat Police (Police)").check()
    page.get_by_role("button", name="Share the files").click()
    expect(page.locator("#share-list")).to_contain_text("Strategy notes.pdf with Pat Police")

    page.get_by_role("link", name="Place a legal hold on this case").click()
    assert_accessible(page, "placing a legal hold")
    page.get_by_label("Why must the records be kept?").fill("A civil claim against the school")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator("#hold-list")).to_contain_text("A civil claim against the school")

    page.get_by_role("link", name="Tell another authority's LADO, or transfer the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell another authority's LADO, or transfer the case")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what lies in the other authority")
    assert_accessible(page, "a transfer, with errors")
    page.get_by_label("Notification: the case stays open here").check()
    page.get_by_label("The person lives in that authority").check()
    page.get_by_label("The other local authority").fill("Southvale City Council")
    page.get_by_label("Their LADO's name").fill("Sol Southvale")
    _date(page.get_by_role("group", name="When was it sent?"), today)
    page.get_by_label("What was sent to them").fill("The referral and the evaluation.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#transfers")).to_contain_text("Notified")
    assert_accessible(page, "the case, with a notification, a hold and a shared file")
    page.get_by_role("link", name="Record the acknowledgement").click()
    assert_accessible(page, "the acknowledgement")
    _date(page.get_by_role("group", name="When did they acknowledge it?"), today)
    page.get_by_label("Who acknowledged it?").fill("Sol Southvale")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#transfers")).to_contain_text("by Sol Southvale")

    log_in(page, police, f"/lado/cases/{case.public_id}/")
    expect(page.locator("#shared-list")).to_contain_text("Strategy notes.pdf")
    expect(page.locator("#hold-list")).to_have_count(0)
    assert_accessible(page, "the case as the invited police officer sees it")


def test_the_manager_reviews_and_disposes_on_a_phone(page, la):
    officer, manager = lado_officer_of(la, full_name="Lee Lado"), lado_manager_of(la, full_name="Mo Manager")
    old = {}
    for surname, year in (("Ashby", 2011), ("Barker", 2012)):
        with freeze_time(f"{year}-05-08 10:00"):
            old[surname] = ConcludedCaseFactory(local_authority=la, officer=officer, data={
                "subject_surname": surname, "subject_date_of_birth": datetime.date(1950, 6, 1)}, children=[
                {"first_names": "Ella", "surname": "Price", "date_of_birth": datetime.date(2003, 5, 2)}])
    hold = services.legal_hold_place(actor=officer, record=old["Barker"].subject, reason="An inquiry")

    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, manager, "/lado/")
    page.get_by_role("link", name="Records past their retention date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records past their retention date")
    expect(page.locator("#retention-list")).to_contain_text("On legal hold")
    assert_accessible(page, "the retention review, on a phone")
    page.get_by_role("link", name="Dispose of Gareth Ashby's records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispose of this person's records")
    page.get_by_role("button", name="Remove the personal details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the record is disposed of")
    assert_accessible(page, "disposal, with errors")
    page.get_by_label("Why are these records disposed of?").fill("Past the retention date; no hold.")
    page.get_by_label("I confirm that the personal details").check()
    page.get_by_role("button", name="Remove the personal details").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The personal details have been removed")
    expect(page.locator("#retention-list")).not_to_contain_text("Ashby")

    page.goto(f"/lado/legal-holds/{hold.public_id}/release/")
    assert_accessible(page, "releasing a hold")
    page.get_by_label("Why is the hold released?").fill("The inquiry has closed.")
    page.get_by_role("button", name="Release the hold").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The legal hold has been released")
