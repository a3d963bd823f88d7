"""Practice reviews and action plans in the browser (ADR 24): the business unit adds a recommendation and an
action on the review page and finds it on the action tracker, filtered by agency; the school's safeguarding lead
uploads evidence and completes it. Each page is checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.models import PartnershipSeat, ReviewAction
from safeguarding.accounts.models import Role
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, pdf_bytes, upload_root  # noqa: F401 (fixtures)

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def _date(page, group: str, day):
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_the_review_page_the_tracker_and_an_agency_completing_its_action(page, la, police, police_officer,
                                                                        business_unit, school, tmp_path):
    today = timezone.localdate()
    referral = pf.learning_review_referral(business_unit=business_unit, referrer=police_officer, agency=police,
                                           la=la, aware_on=today - timedelta(days=10))
    review = pf.practice_review(business_unit=business_unit, referral=referral, decided_on=today - timedelta(days=7))
    log_in(page, business_unit, f"/partnership/reviews/{review.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(review.reference)
    assert_accessible(page, "the review page")

    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation").fill("Schools tell the health visitor when attendance falls.")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.get_by_role("main")).to_contain_text("Recommendation 1 has been added.")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What is to be done").fill("Update the attendance policy")
    page.get_by_label("Agency that owns it").select_option(label="Oakfield Primary School")
    _date(page, "Due by", today + timedelta(days=20))
    assert_accessible(page, "the action form")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("main")).to_contain_text("Action 1 has been added.")
    expect(page.get_by_role("main")).to_contain_text("Update the attendance policy")

    page.goto("/partnership/actions/")
    page.get_by_label("Agency").select_option(label="Oakfield Primary School")
    page.get_by_role("button", name="Show the actions").click()
    expect(page.get_by_role("table", name="Actions")).to_contain_text("Update the attendance policy")
    expect(page.locator("#tracker-counts")).to_contain_text("1 action for Oakfield Primary School: 0 overdue")
    assert_accessible(page, "the action tracker")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page, "the action tracker at 320px")

    lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    page.set_viewport_size({"width": 1024, "height": 800})
    agency_page = page
    log_in(agency_page, lead, "/partnership/actions/mine/")
    assert_accessible(agency_page, "the agency's actions")
    agency_page.get_by_role("link", name="1. Update the attendance policy").click()
    agency_page.get_by_role("radio", name="Complete").check()
    _date(agency_page, "When it was completed (if complete)", today)
    agency_page.get_by_role("button", name="Save").click()
    expect(agency_page.get_by_role("main")).to_contain_text("Upload evidence that the action is complete")
    assert_accessible(agency_page, "the action page with its error")
    agency_page.get_by_role("link", name="Upload evidence of completion").click()
    (tmp_path / "policy.pdf").write_bytes(pdf_bytes("attendance policy"))
    agency_page.get_by_label("Upload a file").set_input_files(tmp_path / "policy.pdf")
    agency_page.get_by_role("button", name="Upload the file").click()
    expect(agency_page.get_by_role("main")).to_contain_text("policy.pdf")
    agency_page.get_by_role("radio", name="Complete").check()
    _date(agency_page, "When it was completed (if complete)", today)
    agency_page.get_by_role("button", name="Save").click()
    expect(agency_page.get_by_role("main")).to_contain_text("The action has been updated.")
    assert ReviewAction.objects.get().status == ReviewAction.Status.COMPLETE
