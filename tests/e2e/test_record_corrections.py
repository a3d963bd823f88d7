"""Correcting and closing records in the browser: a chronology entry marked entered in error, an
agency's involvement ended, a possible duplicate linked, and a colleague given time-limited access."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import ChildAccessGrant, ChronologyEntry, DuplicateLink, Involvement
from tests.factories import ChildFactory, ChronologyEntryFactory, InvolvementFactory

from .helpers import assert_accessible, error_summary, log_in, tab

pytestmark = pytest.mark.e2e


def date_group(page, label):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(label)}"))


def fill_date(group, d: datetime.date):
    group.get_by_label("Day").fill(str(d.day))
    group.get_by_label("Month").fill(str(d.month))
    group.get_by_label("Year").fill(str(d.year))


def expect_errors(page, links: dict[str, str]):
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(len(links))
    for message, href in links.items():
        expect(summary.get_by_role("link", name=message)).to_have_attribute("href", href)
        expect(page.locator(href)).to_be_attached()


@pytest.fixture
def child(la, team, social_worker):
    return ChildFactory(legal_first_names="Leah", legal_surname="Brennan", date_of_birth=datetime.date(2014, 8, 30),
                        local_authority=la, allocated_social_worker=social_worker, allocated_team=team)


def test_mark_a_chronology_entry_entered_in_error(page, social_worker, child, school):
    entry = ChronologyEntryFactory(child=child, source_agency=school, recorded_by=social_worker,
                                   occurred_on=datetime.date(2025, 3, 14), summary="Leah was absent all week.")
    child_url = f"/children/{child.public_id}/"
    log_in(page, social_worker, child_url)
    tab(page, "Chronology").click()
    item = page.locator("#chronology .app-timeline__item")
    item.get_by_role(
        "link", name="Mark as entered in error (entry of 14 March 2025 from Oakfield Primary School)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mark this chronology entry as entered in error")
    expect(page.get_by_role("main")).to_contain_text("Leah was absent all week.")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This cannot be undone. The entry stays in the record's history, marked as entered in error.")
    expect(page.get_by_role("link", name="Back to Leah Brennan")).to_have_attribute("href", f"{child_url}#chronology")
    assert_accessible(page, "entered in error form")

    page.get_by_role("button", name="Mark as entered in error").click()
    expect_errors(page, {
        "Say why this was entered in error": "#id_reason",
        "Confirm that you understand this cannot be undone": "#id_confirm",
    })
    expect(page).to_have_title("Error: Mark this chronology entry as entered in error – Safeguarding Hub")
    assert_accessible(page, "entered in error form with errors")

    page.get_by_label("Why was this entered in error?").fill("Recorded on Leah's record instead of her cousin's")
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Mark as entered in error").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(child_url)}#chronology$"))
    expect(page.get_by_role("alert")).to_contain_text("The chronology entry has been marked as entered in error.")
    item = page.locator("#chronology .app-timeline__item")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Entered in error Recorded on Leah's record instead of her cousin's")
    expect(item.get_by_role("link", name=re.compile("Mark as entered in error"))).to_have_count(0)
    assert_accessible(page, "child page with an entry entered in error")

    entry = ChronologyEntry.objects.get(pk=entry.pk)
    assert (entry.entered_in_error_by, entry.entered_in_error_reason) == (
        social_worker, "Recorded on Leah's record instead of her cousin's")


def test_end_an_agency_involvement(page, social_worker, child, school):
    inv = InvolvementFactory(child=child, agency=school, role="Class teacher", start_date=datetime.date(2024, 9, 2))
    child_url = f"/children/{child.public_id}/"
    log_in(page, social_worker, child_url)
    tab(page, "Agencies").click()
    page.locator("#agencies").get_by_role(
        "link", name="End involvement of Oakfield Primary School as Class teacher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End Oakfield Primary School's involvement")
    assert_accessible(page, "end involvement form")

    page.get_by_role("button", name="End involvement").click()
    expect_errors(page, {
        "Enter the end date": "#id_end_date_day",
        "Say why the agency's involvement has ended": "#id_reason",
    })
    assert_accessible(page, "end involvement form with errors")

    ended = timezone.localdate() - datetime.timedelta(days=3)
    fill_date(date_group(page, "End date"), ended)
    page.get_by_label("Why has the agency's involvement ended?").fill("Leah moved to Northmoor Academy")
    page.get_by_role("button", name="End involvement").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(child_url)}#agencies$"))
    expect(page.get_by_role("alert")).to_contain_text("Oakfield Primary School's involvement has been ended.")
    row = page.locator("#agencies").get_by_role("row").filter(has_text="Oakfield Primary School")
    expect(row).to_contain_text(f"ended {ended.day} {ended:%b %Y}")
    expect(row).to_contain_text("Leah moved to Northmoor Academy")
    expect(page.locator("#agencies").get_by_role("link", name=re.compile("^End involvement"))).to_have_count(0)
    assert_accessible(page, "child page after ending an involvement")
    inv = Involvement.objects.get(pk=inv.pk)
    assert (inv.end_date, inv.end_reason) == (ended, "Leah moved to Northmoor Academy")


def test_link_a_possible_duplicate(page, social_worker, child, la, team):
    twin = ChildFactory(legal_first_names="Lea", legal_surname="Brennan", date_of_birth=datetime.date(2014, 8, 31),
                        local_authority=la, allocated_team=team)
    log_in(page, social_worker, f"/children/{child.public_id}/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    reason = page.get_by_label(f"Why do you believe Lea Brennan ({twin.local_child_id}) is the same child?")
    button = page.get_by_role("button", name=f"Link as possible duplicate (Lea Brennan, {twin.local_child_id})")
    button.click()
    # an empty reason: the one-purpose page shows the error in the GOV.UK pattern
    expect(page.get_by_role("heading", level=1)).to_have_text("Link as a possible duplicate")
    expect_errors(page, {"Say why you believe these are the same child": "#id_reason"})
    assert_accessible(page, "duplicate link form with errors")

    page.get_by_label(re.compile("is the same child")).fill("Same school, same mother, born a day apart")
    page.get_by_role("button", name="Link as possible duplicate").click()
    expect(page).to_have_url(re.compile(rf"/children/{child.public_id}/#summary$"))
    expect(page.get_by_role("alert")).to_contain_text("are linked as possible duplicates")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Linked as a possible duplicate of Lea Brennan")
    page.locator(".govuk-inset-text").get_by_role("link", name=re.compile("Lea Brennan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lea Brennan")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Linked as a possible duplicate of Leah Brennan")
    assert DuplicateLink.objects.get().reason == "Same school, same mother, born a day apart"

    # back on the duplicates page, the candidate shows as linked; the form is gone
    page.goto(f"/children/{child.public_id}/duplicates/")
    expect(page.get_by_role("main")).to_contain_text("Already linked as a possible duplicate.")
    expect(reason).to_have_count(0)
    assert_accessible(page, "duplicates page after linking")


def test_grant_a_colleague_access_from_the_access_log(page, team_manager, other_social_worker, child):
    log_in(page, team_manager, f"/children/{child.public_id}/")
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at this record")
    page.get_by_role("link", name="Give someone access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give someone access to this record")
    assert_accessible(page, "access grant form")

    too_late = timezone.localdate() + datetime.timedelta(days=91)
    page.get_by_label("Email address").fill("nobody@example.org")
    fill_date(date_group(page, "Access ends on"), too_late)
    page.get_by_role("button", name="Give access").click()
    latest = timezone.localdate() + datetime.timedelta(days=90)
    expect_errors(page, {
        "No active person with that email": "#id_email",
        f"Access can be given for up to 90 days: enter a date on or before {latest.day} {latest:%B %Y}":
            "#id_until_day",
        "Say why this person needs access": "#id_reason",
    })
    assert_accessible(page, "access grant form with errors")

    until = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Email address").fill(other_social_worker.email)
    fill_date(date_group(page, "Access ends on"), until)
    page.get_by_label("Why do they need access?").fill("Covering Sam's visits while Sam is on leave")
    page.get_by_role("button", name="Give access").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at this record")
    expect(page.get_by_role("alert")).to_contain_text(
        f"Olly Other can see this record until the end of {until.day} {until:%B %Y}.")
    grants = page.get_by_role("table", name="Access grants")
    row = grants.locator("tbody tr").filter(has_text="Olly Other")
    expect(row).to_contain_text("Covering Sam's visits while Sam is on leave")
    expect(row).to_contain_text("Tess Manager")
    expect(row.get_by_role("link", name="Revoke Olly Other's access")).to_be_visible()
    assert_accessible(page, "access log with a grant")
    grant = ChildAccessGrant.objects.get()
    assert (grant.user, grant.granted_by) == (other_social_worker, team_manager)
