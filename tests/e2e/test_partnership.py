"""The partnership business unit triages a referral and follows the rapid review day by day (issue 12): the
dashboard, the triage page and the rapid review's timeline with what is late, each checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import partnership as pf

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_the_business_unit_triages_and_sees_the_rapid_review_on_its_timeline(page, la, police, police_officer,
                                                                             business_unit):
    pf.referral(referrer=police_officer, agency=police, la=la, aware_on=timezone.localdate() - timedelta(days=14))
    log_in(page, business_unit)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Safeguarding partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding partnership")
    assert_accessible(page, "partnership dashboard")

    page.get_by_role("link", name="Referral for a case review from Northmoor Police").click()
    assert_accessible(page, "triage page")
    page.get_by_label("Serious incident (rapid review)").check()
    page.get_by_label("Rationale").fill("A child was seriously harmed; neglect is suspected.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("main")).to_contain_text("The triage decision has been recorded.")

    page.get_by_role("link", name="Rapid review in Northmoor Borough Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapid review")
    timeline = page.get_by_role("table", name="Day by day")
    expect(timeline.get_by_role("row", name="Rapid review: consult the statutory partners")).to_contain_text("Late")
    expect(timeline).to_contain_text("National rule: 5 working days after the local authority becoming aware")
    assert_accessible(page, "rapid review page")
