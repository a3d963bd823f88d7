"""Pages the stories above pass by, each checked with axe: notifications, the duplicate check, changing a
child's details (with an error), changing the allocation, and the accessibility statement."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from safeguarding.notify.services import notify
from tests.factories import ChildFactory

from .helpers import assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e


def fill_date(group, day, month, year):
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_other_pages_pass_axe(page, la, team, social_worker, colleague):
    mine = {"local_authority": la, "allocated_social_worker": social_worker, "allocated_team": team}
    child = ChildFactory(legal_first_names="Jayden", legal_surname="Smith",
                         date_of_birth=datetime.date(2015, 3, 4), **mine)
    twin = ChildFactory(legal_first_names="Jaden", legal_surname="Smith",
                        date_of_birth=datetime.date(2015, 4, 3), **mine)
    notify(recipient=social_worker, subject="Jayden Smith has a new chronology entry",
           body="Recorded by Oakfield Primary School.", url=f"/children/{child.public_id}/", email=False)
    log_in(page, social_worker)

    # --- notifications
    page.get_by_role("banner").get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    row = page.get_by_role("table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Unread")
    assert_accessible(page, "notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("table").locator("tbody tr").get_by_role("cell").nth(2)).to_have_text("Read")
    expect(page.get_by_role("banner").get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # --- the duplicate check
    page.goto(f"/children/{child.public_id}/")
    page.get_by_role("link", name="Check for duplicate records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    matches = page.get_by_role("table", name="Possible matches")
    expect(matches.get_by_role("link", name="Jaden Smith")).to_have_attribute(
        "href", f"/children/{twin.public_id}/")
    assert_accessible(page, "duplicate check")

    # --- changing the child's details: the reason is required
    page.goto(f"/children/{child.public_id}/")
    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Jayden Smith's details")
    expect(page.get_by_label("Surname (legal)")).to_have_value("Smith")
    assert_accessible(page, "edit form")
    page.get_by_label("Preferred name").fill("Jay")
    page.get_by_role("button", name="Save").click()
    reason_error = error_summary(page).get_by_role("link", name="Say why you are changing the record")
    expect(reason_error).to_have_attribute("href", "#id_reason")
    assert_accessible(page, "edit form with an error")
    # (the date of birth is typed again: see test_edit_form_shows_the_date_of_birth_as_recorded)
    fill_date(page.get_by_role("group", name=re.compile(r"^Date of birth")), 4, 3, 2015)
    page.get_by_label("Why are you changing the record?").fill("Jayden asked to be called Jay.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The record has been updated.")
    expect(page.locator("#summary")).to_contain_text("Jay")

    # --- changing the allocation
    page.get_by_role("link", name="Change allocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change allocation")
    assert_accessible(page, "allocation form")
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page)).to_contain_text("Say why the allocation is changing")
    assert_accessible(page, "allocation form with an error")
    page.get_by_label("Social worker").select_option(label="Cal Colleague")
    page.get_by_label("Reason").fill("Sam is on leave for a month.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The allocation has been changed.")
    expect(page.locator("#summary")).to_contain_text("Cal Colleague, Assessment Team A")

    # --- the accessibility statement, from the footer
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page, "accessibility statement")


def test_edit_form_shows_the_date_of_birth_as_recorded(page, la, team, social_worker):
    child = ChildFactory(legal_first_names="Ellie", legal_surname="Marsh",
                         date_of_birth=datetime.date(2015, 12, 14), local_authority=la,
                         allocated_social_worker=social_worker, allocated_team=team)
    log_in(page, social_worker, f"/children/{child.public_id}/edit/")
    dob = page.get_by_role("group", name=re.compile(r"^Date of birth"))
    page.get_by_label("Why are you changing the record?").fill("Checking the record.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The record has been updated.", timeout=2_000)
    child.refresh_from_db()
    assert child.date_of_birth == datetime.date(2015, 12, 14)
    page.goto(f"/children/{child.public_id}/edit/")
    expect(dob.get_by_label("Day")).to_have_value("14", timeout=1_000)
    expect(dob.get_by_label("Month")).to_have_value("12", timeout=1_000)
    expect(dob.get_by_label("Year")).to_have_value("2015", timeout=1_000)
