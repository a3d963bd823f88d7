"""The partnership business unit triages a referral and follows the rapid review day by day (issue 12): the
dashboard, the triage page and the rapid review's timeline with what is late, each checked with axe-core."""

import re
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


def test_the_business_unit_records_the_meeting_and_writes_and_sends_the_report(page, la, police, health, school,
                                                                              police_officer, business_unit):
    """The meeting page (with its warning that the chronology freezes), the report page and the sending page,
    each checked with axe-core; the review page then shows the meeting and the report as sent."""
    from partnership import services

    today = timezone.localdate()
    review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                             aware_on=today - timedelta(days=14))
    services.agencies_request(actor=business_unit, review=review, agencies=[school, health],
                              requested_on=today - timedelta(days=12), late_reason="Demo")
    log_in(page, business_unit)
    page.goto(f"/partnership/rapid-reviews/{review.public_id}/")
    page.get_by_role("link", name="Record the meeting").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the rapid review meeting")
    expect(page.get_by_role("main")).to_contain_text("freezes the merged chronology")
    assert_accessible(page, "meeting page")
    page.get_by_role("group", name="The day the meeting was held").get_by_label("Day").fill(str(today.day))
    page.get_by_label(f"Who attended for {health.name}").fill("Named nurse")
    page.get_by_label("Why was the meeting late?").fill("The agencies were late")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("main")).to_contain_text("The meeting has been recorded and the chronology frozen.")

    page.get_by_role("link", name="Write the report").click()
    assert_accessible(page, "report page")
    page.get_by_label("What the rapid review found").fill("Information was not shared between agencies.")
    page.get_by_label("Local child safeguarding practice review").check()
    page.get_by_label("Rationale for the decision").fill("Serious harm with multi-agency learning.")
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_role("main")).to_contain_text("The report has been saved.")

    page.get_by_role("link", name="Send the report to the rapid review panel").click()
    assert_accessible(page, "send the report page")
    page.get_by_label("Why was it late?").fill("The meeting was late")
    page.get_by_role("button", name="Record it sent").click()
    expect(page.get_by_role("main")).to_contain_text("The report has been sent and kept as a PDF.")
    expect(page.get_by_role("link", name=re.compile("Report sent to the rapid review panel"))).to_be_visible()
    assert_accessible(page, "rapid review page with the meeting and the report")
def _date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_professional_difference_raised_answered_and_in_the_register(page, la, police, police_officer,
                                                                      social_worker, business_unit):
    """The police raise a difference with the local authority (ADR 25), the social worker answers it at stage 1,
    and the business unit finds it in the register: each page checked with axe-core."""
    today = timezone.localdate()
    log_in(page, police_officer)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Escalations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalations")
    assert_accessible(page, "my escalations")
    page.get_by_role("link", name="Raise a professional difference").click()
    page.get_by_role("button", name="Raise it").click()   # nothing filled: the errors say what to do
    expect(page.get_by_role("alert")).to_contain_text("Choose the agency you disagree with")
    assert_accessible(page, "raise page with errors")
    page.get_by_label("The agency you disagree with").select_option(label=la.name)
    page.get_by_label("Roles and responsibilities").check()
    page.get_by_label("The theme").fill("Strategy discussions without the police")
    page.get_by_label("What is the difference?").fill("Two strategy discussions went ahead without us.")
    _date(page, "When did you raise it?", today)
    page.get_by_role("button", name="Raise it").click()
    expect(page.get_by_role("main")).to_contain_text("The professional difference has been raised.")
    expect(page.locator("#escalation-stage")).to_contain_text("Stage 1: practitioners")
    assert_accessible(page, "escalation page")

    url = page.url
    page.context.clear_cookies()
    log_in(page, social_worker)
    page.goto(url)
    page.get_by_role("link", name="Respond at this stage").click()
    page.get_by_label("Your response").fill("The invitations went to an old address: fixed.")
    _date(page, "Date of the response", today)
    assert_accessible(page, "respond page")
    page.get_by_role("button", name="Send the response").click()
    expect(page.locator("#escalation-steps")).to_contain_text("The invitations went to an old address")

    page.context.clear_cookies()
    log_in(page, business_unit)
    page.goto("/partnership/escalations/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalation register")
    expect(page.get_by_role("table", name="Escalations")).to_contain_text("Strategy discussions without the police")
    expect(page.get_by_role("table", name="Raised by agency and quarter")).to_contain_text(police.name)
    assert_accessible(page, "escalation register")
