"""A LADO meeting's minutes, actions and the case's parallel processes in Chromium (issue 11, section 3; ADR 21):
the LADO writes and issues the minutes (both versions), agrees an action for the detective and records the police
investigation; the detective marks their action done. axe-core on every page, the forms at 320 px too."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lado import services
from safeguarding.accounts.models import Role
from tests.factories import PoliceFactory, make_user
from tests.factories.lado import EvaluatedCaseFactory, lado_officer_of

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}


def _fill_date(page, group: str, day) -> None:
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def test_minutes_actions_and_a_parallel_process(page, la):
    officer = lado_officer_of(la, full_name="Lee Lado")
    police = make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Pat Police")
    case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    services.case_invite(actor=officer, case=case, user=police, kind="police")
    meeting = services.meeting_book(
        actor=officer, case=case, kind="strategy", starts_at=timezone.now() - timedelta(hours=2), venue="Civic Centre",
        invitees=[{"role": "lado", "name": "Lee Lado", "email": officer.email, "user": officer},
                  {"role": "police", "name": "Pat Police", "email": police.email, "user": police}])
    services.meeting_hold(actor=officer, meeting=meeting, attended=[], notes="Minutes to follow.")
    meeting_url = f"/lado/cases/{case.public_id}/meetings/{meeting.public_id}/"

    log_in(page, officer, meeting_url)
    page.get_by_role("link", name="Write the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write the minutes")
    page.set_viewport_size(PHONE)
    assert_accessible(page, "writing the minutes, on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Why the meeting was held and the allegation").fill("A pupil's account of a PE lesson.")
    page.get_by_label("Information shared by the police and children's social care").fill("A previous report.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The draft minutes are saved.")
    page.get_by_role("link", name="Issue the minutes (PDFs)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue the minutes")
    assert_accessible(page, "issuing the minutes")
    page.get_by_label("Share the employer's version with the referrer on the referral portal").check()
    page.get_by_role("button", name="Issue the minutes").click()
    expect(page.get_by_role("link", name="Download the full minutes (PDF)")).to_be_visible()
    expect(page.locator("#minutes")).to_be_visible()

    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what is to be done")
    assert_accessible(page, "adding an action, with errors")
    page.get_by_label("What is to be done").fill("Interview the pupil")
    page.locator("#id_owner").select_option(label="Pat Police")
    _fill_date(page, "Due by", timezone.localdate() + timedelta(days=7))
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#action-list")).to_contain_text("Interview the pupil")
    assert_accessible(page, "the meeting with its minutes and actions")

    page.goto(f"/lado/cases/{case.public_id}/")
    page.get_by_role("link", name="Record a parallel process").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a parallel process")
    assert_accessible(page, "recording a parallel process")
    page.get_by_label("Police investigation").check()
    page.get_by_label("Who leads it").fill("Child abuse investigation unit")
    page.get_by_label("Their reference (optional)").fill("NP/26/777")
    _fill_date(page, "When did it start?", timezone.localdate())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#process-list")).to_contain_text("NP/26/777")
    assert_accessible(page, "the case with its parallel processes")

    # the detective: their own action and the police investigation
    log_in(page, police, meeting_url)
    page.locator("#action-list").get_by_role("link", name="Update action 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the action")
    assert_accessible(page, "the owner updating their action")
    page.get_by_label("Done").check()
    _fill_date(page, "Date it was done", timezone.localdate())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#action-list")).to_contain_text("Done")
    page.goto(f"/lado/cases/{case.public_id}/")
    page.locator("#process-list").get_by_role("link", name="Update the police investigation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update the process")
    assert_accessible(page, "the detective updating the investigation")
