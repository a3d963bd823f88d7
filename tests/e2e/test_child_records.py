"""Adding an agency involvement, a person in the child's life and a chronology entry through the forms."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import ChildFactory

from .helpers import assert_accessible, error_summary, log_in, tab

pytestmark = pytest.mark.e2e


def date_group(page, label):
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(label)}"))


def fill_date(group, day, month, year):
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def expect_errors(page, links: dict[str, str]):
    """The error summary has focus and links each message to its field."""
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(len(links))
    for message, href in links.items():
        expect(summary.get_by_role("link", name=message)).to_have_attribute("href", href)
        expect(page.locator(f"{href}")).to_be_attached()


def test_add_an_involvement_a_person_and_a_chronology_entry(page, la, team, social_worker, school):
    child = ChildFactory(
        legal_first_names="Leah", legal_surname="Brennan", date_of_birth=datetime.date(2014, 8, 30),
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
    )
    child_url = f"/children/{child.public_id}/"
    log_in(page, social_worker, child_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leah Brennan")

    # --- an agency involvement -----------------------------------------------------------------
    tab(page, "Agencies").click()
    expect(page.locator("#agencies")).to_contain_text("No agencies are recorded yet.")
    page.locator("#agencies").get_by_role("link", name="Add an agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an agency involvement")
    assert_accessible(page, "involvement form")
    page.get_by_role("button", name="Save").click()
    expect_errors(page, {
        "Select the agency": "#id_agency",
        "Enter the professional's role": "#id_role",
        "Enter the start date": "#id_start_date_day",
    })
    expect(page).to_have_title("Error: Add an agency involvement – Safeguarding Hub")
    assert_accessible(page, "involvement form with errors")

    page.get_by_label("Agency").select_option(label="Oakfield Primary School")
    page.get_by_label("Professional's role").fill("Designated safeguarding lead")
    page.get_by_label("Professional's name").fill("Dee Safeguarding-Lead")
    fill_date(date_group(page, "Start date"), 1, 9, 2024)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(child_url)}#agencies$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Oakfield Primary School has been added to the involved agencies.")
    agencies = page.locator("#agencies")
    expect(agencies).to_be_visible()  # the redirect's #agencies opens the right tab
    row = agencies.get_by_role("row").filter(has_text="Oakfield Primary School")
    expect(row).to_contain_text("Dee Safeguarding-Lead")
    expect(row).to_contain_text("Designated safeguarding lead")
    expect(row).to_contain_text("1 Sep 2024")
    expect(tab(page, "Agencies")).to_have_text("Agencies (1)")

    # --- a person in the child's life ----------------------------------------------------------
    tab(page, "People").click()
    page.locator("#people").get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person in the child's life")
    assert_accessible(page, "relationship form")
    page.get_by_label("First names").fill("Kerry")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    expect_errors(page, {
        "Enter the person's surname": "#id_surname",
        "Enter a valid email address.": "#id_email",
    })
    expect(page.get_by_label("First names")).to_have_value("Kerry")
    assert_accessible(page, "relationship form with errors")

    page.get_by_label("Surname").fill("Brennan")
    page.get_by_label("Email").fill("")
    page.get_by_label("Relationship to the child").select_option(label="Mother")
    page.get_by_label("Has parental responsibility").check()
    page.get_by_label("Lives with the child").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(child_url)}#people$"))
    expect(page.get_by_role("alert")).to_contain_text("Kerry Brennan has been added.")
    row = page.locator("#people").get_by_role("row").filter(has_text="Kerry Brennan")
    expect(row.get_by_role("cell")).to_have_text(["Kerry Brennan", "Mother", "Yes", "Yes"])
    expect(tab(page, "People")).to_have_text("People (1)")

    # --- a chronology entry ----------------------------------------------------------------------
    tab(page, "Chronology").click()
    page.locator("#chronology").get_by_role("link", name="Add to the chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to the chronology")
    # Sam works for one agency, so it is chosen already
    expect(page.get_by_label("Recording agency")).to_have_value(str(la.pk))
    expect(page.get_by_label("Routine")).to_be_checked()
    assert_accessible(page, "chronology form")
    fill_date(date_group(page, "Date"), 31, 2, 2025)
    page.get_by_role("button", name="Save").click()
    expect_errors(page, {
        "The date of the event must be a real date": "#id_occurred_on_day",
        "Enter a summary of what happened": "#id_summary",
    })
    assert_accessible(page, "chronology form with errors")

    fill_date(date_group(page, "Date"), 14, 3, 2025)
    page.get_by_label("Significant", exact=True).check()
    page.get_by_label("What happened").fill("Home visit: Leah said she feels safe with her mother.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(child_url)}#chronology$"))
    expect(page.get_by_role("alert")).to_contain_text("The chronology entry has been added.")
    entry = page.locator("#chronology .app-timeline__item")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading")).to_have_text("14 March 2025 · Northmoor Borough Council Significant")
    expect(entry).to_contain_text("Home visit: Leah said she feels safe with her mother.")
    expect(entry).to_contain_text("Recorded by Sam Worker")
    expect(tab(page, "Chronology")).to_have_text("Chronology (1)")
    assert_accessible(page, "child page after adding records")
