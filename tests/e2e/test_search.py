"""A social worker finds a child by name and by NHS number, sees why each result matched, and opens
the child's page (every tab). A child of the same authority held by another team is found as a minimal
row with a way to ask for access (finding is not opening); another authority's child is not found."""

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
def okafor_children(la, other_la, team, other_team, social_worker, other_social_worker, school):
    amara = ChildFactory(
        legal_first_names="Amara", legal_surname="Okafor", date_of_birth=datetime.date(2016, 5, 9),
        nhs_number="9434765919", local_authority=la, allocated_social_worker=social_worker,
        allocated_team=team,
    )
    tobi = ChildFactory(
        legal_first_names="Tobi", legal_surname="Okafor", date_of_birth=datetime.date(2013, 1, 22),
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
    )
    # Same surname, held by another team of Sam's authority: found as a minimal row, not opened.
    theirs = ChildFactory(
        legal_first_names="Ngozi", legal_surname="Okafor", date_of_birth=datetime.date(2011, 7, 30),
        local_authority=la, allocated_social_worker=other_social_worker, allocated_team=other_team,
    )
    # Same surname, another authority: Sam may not record children there, so it is not found.
    ChildFactory(legal_first_names="Chidi", legal_surname="Okafor", local_authority=other_la)
    RelationshipFactory(child=amara, adult=AdultFactory(first_names="Chioma", surname="Okafor"))
    InvolvementFactory(child=amara, agency=school, role="Designated safeguarding lead")
    ChronologyEntryFactory(child=amara, source_agency=school, recorded_by=social_worker,
                           summary="Amara arrived at school with a bruise on her arm.")
    return amara, tobi, theirs


def results_table(page):
    return page.get_by_role("main").get_by_role("table")


def test_social_worker_searches_by_name_and_nhs_number_and_opens_the_child(
        page, social_worker, okafor_children):
    amara, tobi, theirs = okafor_children
    log_in(page, social_worker)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    expect(page.get_by_role("search", name="Find a child")).to_be_visible()
    assert_accessible(page, "empty search form")

    # --- by name
    page.get_by_label("Name").fill("okafor")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="3 children found")).to_be_visible()
    rows = results_table(page).locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Amara Okafor")).to_contain_text("Surname contains “okafor”")
    expect(rows.filter(has_text="Tobi Okafor")).to_contain_text("22 Jan 2013")
    expect(results_table(page)).not_to_contain_text("Chidi")
    expect(page.get_by_role("columnheader", name="Why it matched")).to_be_visible()
    # another team's child: the minimal row, no link to the record, a way to ask for access
    ngozi = rows.filter(has_text="Ngozi Okafor")
    expect(ngozi).to_contain_text("30 Jul 2011")
    expect(ngozi).to_contain_text(f"{theirs.local_child_id} · held by Child in Need Team B, Northmoor Borough Council")
    expect(ngozi.get_by_role("link", name="Ngozi Okafor", exact=True)).to_have_count(0)
    expect(ngozi.get_by_role("link", name=re.compile("^Request access"))).to_have_attribute(
        "href", f"/children/{theirs.public_id}/request-access/")
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


def test_another_teams_child_is_found_and_the_social_worker_asks_for_access(
        page, other_social_worker, social_worker, team_manager, okafor_children):
    from cases.models import ChildAccessRequest
    from safeguarding.notify.models import Notification

    amara, tobi, theirs = okafor_children  # Amara and Tobi are Sam's; Olly Other is in another team
    log_in(page, other_social_worker, "/children/?name=Amara")
    row = results_table(page).locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Amara Okafor")
    expect(row).to_contain_text("held by Assessment Team A, Northmoor Borough Council")
    expect(row.get_by_role("link", name="Amara Okafor", exact=True)).to_have_count(0)
    assert_accessible(page, "search with a minimal row")

    row.get_by_role("link", name=re.compile("^Request access")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for access to this record")
    expect(page.get_by_role("main")).to_contain_text(amara.local_child_id)
    assert_accessible(page, "request access form")

    page.get_by_role("button", name="Send the request").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link", name="Say why you need to see this record")).to_be_visible()
    assert_accessible(page, "request access form with an error")

    page.get_by_label("Why do you need to see this record?").fill("Referred to my team by the school today")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        "Your request for access has been sent.")
    assert ChildAccessRequest.objects.filter(child=amara, requested_by=other_social_worker).exists()
    assert {n.recipient for n in Notification.objects.all()} == {social_worker, team_manager}
