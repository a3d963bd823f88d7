"""My deadlines -> a deadline -> record it met late, with a reason, in Chromium; axe on every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.clock import services
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory

from .helpers import assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e


def fill_date(group, d: datetime.date):
    group.get_by_label("Day").fill(str(d.day))
    group.get_by_label("Month").fill(str(d.month))
    group.get_by_label("Year").fill(str(d.year))


def test_record_a_deadline_met_late_with_a_reason(page, la, team, social_worker, colleague, team_manager):
    today = timezone.localdate()
    child = ChildFactory(legal_first_names="Leah", legal_surname="Brennan", local_authority=la,
                         allocated_social_worker=social_worker, allocated_team=team)
    # a strategy discussion six weeks ago: the initial conference (15 working days) is now overdue
    icpc = services.deadline_open(subject=child, rule_key="icpc", anchor_date=today - datetime.timedelta(days=42),
                                  label="Initial conference for Leah Brennan", responsible_person=social_worker,
                                  responsible_team=team)
    services.deadline_open(subject=child, rule_key="assessment", anchor_date=today, label="Assessment for Leah Brennan",
                           responsible_person=social_worker, responsible_team=team)
    services.deadline_open(subject=child, rule_key="core_group_first", anchor_date=today,
                           label="Someone else's core group", responsible_person=colleague, responsible_team=team)
    late_day = icpc.due_date + datetime.timedelta(days=1)

    log_in(page, social_worker)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My deadlines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My deadlines")
    expect(page).to_have_title("My deadlines – Safeguarding Hub")
    counts = page.get_by_role("table", name="Your deadlines")
    expect(counts.get_by_role("row", name=re.compile("^Overdue"))).to_contain_text("1")
    expect(counts.get_by_role("row", name=re.compile("^All open"))).to_contain_text("2")
    expect(page.get_by_role("link", name="Someone else's core group")).to_have_count(0)
    assert_accessible(page, "My deadlines")

    # the filters: overdue only
    page.get_by_label("Show").select_option(label="Overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(page.get_by_role("heading", name=re.compile("^Overdue: 1 deadline"))).to_be_visible()
    expect(page.get_by_role("link", name="Assessment for Leah Brennan")).to_have_count(0)
    assert_accessible(page, "My deadlines, overdue only")

    page.get_by_role("link", name="Initial conference for Leah Brennan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial conference for Leah Brennan")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Initial child protection conference held")
    history = page.get_by_role("table", name="History")
    expect(history).to_contain_text("Deadline opened: Initial child protection conference")
    expect(history).not_to_contain_text("icpc")
    assert_accessible(page, "deadline page")

    page.get_by_role("button", name="Record it as met").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that this deadline was met")
    assert_accessible(page, "record met form")

    fill_date(page.get_by_role("group", name=re.compile("^When was it met")), late_day)
    page.get_by_role("button", name="Record as met").click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    message = f"This was due on {icpc.due_date.day} {icpc.due_date:%B %Y}: say why it was late"
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#id_late_reason")
    expect(page).to_have_title("Error: Record that this deadline was met – Safeguarding Hub")
    assert_accessible(page, "record met form with errors")

    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("Why was it late? (optional)")).to_be_focused()
    page.get_by_label("Why was it late? (optional)").fill("The chair was ill; the conference was held the next day")
    page.get_by_role("button", name="Record as met").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Initial conference for Leah Brennan")
    expect(page.get_by_role("alert")).to_contain_text("The deadline has been recorded as met.")
    expect(page.get_by_role("main").locator(".govuk-tag").first).to_have_text("Met late")
    history = page.get_by_role("table", name="History")
    latest = history.get_by_role("row").nth(1)
    expect(latest).to_contain_text(social_worker.full_name)
    expect(latest).to_contain_text("Met late")
    expect(latest).to_contain_text("The chair was ill; the conference was held the next day")
    expect(page.get_by_role("button", name="Record it as met")).to_have_count(0)
    assert_accessible(page, "deadline page after recording it met late")

    d = Deadline.objects.get(pk=icpc.pk)
    assert (d.status, d.met_on) == (Deadline.Status.MET_LATE, late_day)


def test_a_team_manager_reviews_team_deadlines_and_accepts_a_late_reason(page, la, team, social_worker, colleague,
                                                                          team_manager):
    today = timezone.localdate()
    child = ChildFactory(legal_first_names="Noah", legal_surname="Pemberton", local_authority=la,
                         allocated_social_worker=social_worker, allocated_team=team)
    late = services.deadline_open(subject=child, rule_key="core_group_first", label="Core group for Noah Pemberton",
                                  anchor_date=today - datetime.timedelta(days=42), responsible_person=social_worker,
                                  responsible_team=team)
    services.deadline_meet(deadline=late, met_on=late.due_date + datetime.timedelta(days=2), actor=social_worker,
                           late_reason="Two agencies could not attend the first date")
    services.deadline_open(subject=child, rule_key="rcpc_first", anchor_date=today, label="Review for Noah Pemberton",
                           responsible_person=colleague, responsible_team=team)

    log_in(page, team_manager, "/deadlines/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team deadlines")
    by_person = page.get_by_role("table", name="By person")
    expect(by_person.get_by_role("row", name=re.compile(social_worker.full_name))).to_contain_text("1")
    assert_accessible(page, "Team deadlines")

    by_person.get_by_role("link", name=re.compile(colleague.full_name)).click()
    expect(page.get_by_role("link", name="Review for Noah Pemberton")).to_be_visible()
    assert_accessible(page, "Team deadlines for one person")

    page.get_by_label("Show").select_option(label="Met late")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Show everyone's deadlines").click()
    page.get_by_role("link", name="Core group for Noah Pemberton").click()
    page.get_by_role("button", name="Accept the reason for the delay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept the reason for the delay")
    assert_accessible(page, "accept late form")
    page.get_by_label("Your note (optional)").fill("Agreed: multi-agency availability")
    page.get_by_role("button", name="Accept the reason").click()
    expect(page.get_by_role("alert")).to_contain_text("The reason for the delay has been accepted.")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"Reason accepted by{team_manager.full_name}")

    page.goto("/deadlines/")
    page.get_by_role("link", name="Add your deadlines to your calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    assert_accessible(page, "calendar page without a link")
    page.get_by_role("button", name="Create a calendar link").click()
    expect(page.get_by_label("Calendar link")).to_have_value(re.compile(r"/calendar/[A-Za-z0-9_-]{43}\.ics$"))
    assert_accessible(page, "calendar page showing the new link")


def test_cancel_page_and_a_person_without_a_team(page, la, team, social_worker, team_manager, chair):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    dl = services.deadline_open(subject=child, rule_key="icpc", anchor_date=timezone.localdate(), label="ICPC",
                                responsible_person=social_worker, responsible_team=team)
    log_in(page, team_manager, f"/deadlines/{dl.public_id}/cancel/")
    page.get_by_role("button", name="Cancel the deadline").click()
    expect(error_summary(page)).to_be_focused()
    assert_accessible(page, "cancel form with errors")
    page.get_by_label("Why does this deadline no longer apply?").fill("The strategy discussion was recorded twice")
    page.get_by_role("button", name="Cancel the deadline").click()
    expect(page.get_by_role("alert")).to_contain_text("The deadline has been cancelled.")
    expect(page.get_by_role("table", name="History")).to_contain_text("The strategy discussion was recorded twice")
    assert_accessible(page, "cancelled deadline")

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    log_in(page, chair, "/deadlines/team/")
    expect(page.get_by_role("main")).to_contain_text("You are not a member of a team")
    assert_accessible(page, "Team deadlines for a person with no team")
