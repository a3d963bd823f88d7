"""A social worker finds a child by name and by NHS number, sees why each result matched, and opens
the child's page (every tab)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    AdultFactory,
    ChildFactory,
    ChronologyEntryFactory,
    InvolvementFactory,
    RelationshipFactory,
)

from .helpers import assert_accessible, error_summary, log_in, tab

pytestmark = pytest.mark.e2e


@pytest.fixture
def okafor_children(la, team, other_team, social_worker, other_social_worker, school):
    amara = ChildFactory(
        legal_first_names="Amara", legal_surname="Okafor", date_of_birth=datetime.date(2016, 5, 9),
        nhs_number="9434765919", local_authority=la, allocated_social_worker=social_worker,
        allocated_team=team,
    )
    tobi = ChildFactory(
        legal_first_names="Tobi", legal_surname="Okafor", date_of_birth=datetime.date(2013, 1, 22),
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
    )
    # Same surname, but Sam has no reason to see this child: it must not be found.
    hidden = ChildFactory(
        legal_first_names="Ngozi", legal_surname="Okafor", local_authority=la,
        allocated_social_worker=other_social_worker, allocated_team=other_team,
    )
    RelationshipFactory(child=amara, adult=AdultFactory(first_names="Chioma", surname="Okafor"))
    InvolvementFactory(child=amara, agency=school, role="Designated safeguarding lead")
    ChronologyEntryFactory(child=amara, source_agency=school, recorded_by=social_worker,
                           summary="Amara arrived at school with a bruise on her arm.")
    return amara, tobi, hidden


def results_table(page):
    return page.get_by_role("main").get_by_role("table")


def test_social_worker_searches_by_name_and_nhs_number_and_opens_the_child(
        page, social_worker, okafor_children):
    amara, tobi, hidden = okafor_children
    log_in(page, social_worker)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    expect(page.get_by_role("search", name="Find a child")).to_be_visible()
    assert_accessible(page, "empty search form")

    # --- by name
    page.get_by_label("Name").fill("okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 children found")).to_be_visible()
    rows = results_table(page).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Amara Okafor")).to_contain_text("Surname contains “okafor”")
    expect(rows.filter(has_text="Tobi Okafor")).to_contain_text("22 Jan 2013")
    expect(results_table(page)).not_to_contain_text("Ngozi")
    expect(page.get_by_role("columnheader", name="Why it matched")).to_be_visible()
    assert_accessible(page, "search results by name")

    # --- an NHS number that fails its check digit
    page.get_by_label("Name").fill("")
    page.get_by_label("NHS number").fill("485 777 3456")
    page.get_by_role("button", name="Search").click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    message = "This is not a valid NHS number: the last digit does not match, check it for a typing mistake"
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#id_nhs_number")
    expect(page.locator("#id_nhs_number-error")).to_contain_text(message)
    expect(page.get_by_label("NHS number")).to_have_attribute("aria-describedby", "id_nhs_number-error")
    expect(page).to_have_title("Error: Find a child – Safeguarding Hub")
    expect(page.get_by_role("main").get_by_role("table")).to_have_count(0)
    assert_accessible(page, "search with an invalid NHS number")
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("NHS number")).to_be_focused()

    # --- by NHS number, typed with spaces
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    row = results_table(page).locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Amara Okafor")
    expect(row).to_contain_text("9 May 2016")
    expect(row).to_contain_text("NHS number matches")
    assert_accessible(page, "search results by NHS number")

    # --- the child's page, tab by tab
    row.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    expect(page).to_have_title("Amara Okafor – Safeguarding Hub")
    summary_panel = page.locator("#summary")
    expect(tab(page, "Summary")).to_have_attribute("aria-selected", "true")
    expect(summary_panel).to_be_visible()
    expect(summary_panel).to_contain_text("943 476 5919")  # shown in the NHS 3-3-4 grouping
    expect(summary_panel).to_contain_text("Sam Worker, Assessment Team A")
    assert_accessible(page, "child page, summary tab")

    for name, panel_id, text in (
        ("People", "people", "Chioma Okafor"),
        ("Agencies", "agencies", "Oakfield Primary School"),
        ("Chronology", "chronology", "Amara arrived at school with a bruise on her arm."),
        ("History", "history", "Created"),
    ):
        tab(page, name).click()
        panel = page.locator(f"#{panel_id}")
        expect(tab(page, name)).to_have_attribute("aria-selected", "true")
        expect(panel).to_be_visible()
        expect(summary_panel).to_be_hidden()
        expect(panel).to_contain_text(text)
        assert_accessible(page, f"child page, {name} tab")

    # the tabs' counts are right
    expect(tab(page, "People")).to_have_text("People (1)")
    expect(tab(page, "Agencies")).to_have_text("Agencies (1)")
    expect(tab(page, "Chronology")).to_have_text("Chronology (1)")
    expect(page).to_have_url(re.compile(rf"/children/{amara.public_id}/#history$"))
