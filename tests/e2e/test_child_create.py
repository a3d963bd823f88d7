"""Adding a child who may already be recorded: the duplicate warning, its reasons, and the override."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases import events
from cases.models import Child
from safeguarding.audit.models import CaseEvent
from tests.factories import ChildFactory

from .helpers import assert_accessible, error_summary, log_in, tab

pytestmark = pytest.mark.e2e

WARNING = ("This child may already be recorded. Check the possible matches below; if this is a different "
           "child, confirm it and save again.")


def test_creating_a_similar_child_warns_then_saves_once_confirmed(page, la, team, social_worker):
    jayden = ChildFactory(
        legal_first_names="Jayden", legal_surname="Smith", date_of_birth=datetime.date(2015, 3, 4),
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
    )
    log_in(page, social_worker)
    mine = page.get_by_role("table", name="Children allocated to you")
    expect(mine.get_by_role("link", name="Jayden Smith")).to_be_visible()
    assert_accessible(page, "home page with allocated children")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Add a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child")
    assert_accessible(page, "empty add-a-child form")

    page.get_by_label("First names (legal)").fill("Jaden")
    page.get_by_label("Surname (legal)").fill("Smith")
    dob = page.get_by_role("group", name=re.compile(r"^Date of birth"))
    dob.get_by_label("Day").fill("3")
    dob.get_by_label("Month").fill("4")
    dob.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Save").click()

    # --- the warning, with the candidate and why it may be the same child
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=WARNING)).to_have_attribute("href", "#id_confirm_not_duplicate")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This child may already be recorded.")
    matches = page.get_by_role("table", name="Possible matches")
    expect(matches.locator("tbody tr")).to_have_count(1)
    candidate = matches.locator("tbody tr").first
    expect(candidate.get_by_role("link", name="Jayden Smith")).to_have_attribute(
        "href", f"/children/{jayden.public_id}/")
    expect(candidate).to_contain_text(jayden.local_child_id)
    expect(candidate).to_contain_text("4 Mar 2015")
    expect(candidate).to_contain_text(re.compile(r"Similar name \(\d+%\)"))
    expect(candidate).to_contain_text("Day and month of birth transposed")
    # what was typed is kept
    expect(page.get_by_label("First names (legal)")).to_have_value("Jaden")
    expect(dob.get_by_label("Day")).to_have_value("3")
    confirm = page.get_by_label("I have checked the possible matches and this is a different child")
    expect(confirm).not_to_be_checked()
    expect(page).to_have_title("Error: Add a child – Safeguarding Hub")
    assert_accessible(page, "duplicate warning")
    assert Child.objects.count() == 1

    # the confirmation and its button sit right under the possible matches, not below the whole form
    warning_box = page.locator(".govuk-warning-text").bounding_box()
    button = page.get_by_role("button", name="Save: this is a different child")
    assert confirm.bounding_box()["y"] - warning_box["y"] < 600
    assert button.bounding_box()["y"] < page.get_by_label("First names (legal)").bounding_box()["y"]

    # --- confirm it is a different child
    confirm.check()
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaden Smith")
    jaden = Child.objects.get(legal_first_names="Jaden", legal_surname="Smith")
    expect(page).to_have_url(re.compile(rf"/children/{jaden.public_id}/$"))
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_contain_text(f"Jaden Smith has been added ({jaden.local_child_id}).")
    expect(page.locator("#summary")).to_contain_text("3 April 2015")
    expect(page.locator("#summary")).to_contain_text("Sam Worker, Assessment Team A")
    assert_accessible(page, "new child's page with the success banner")

    assert jaden.date_of_birth == datetime.date(2015, 4, 3)
    assert jaden.allocated_social_worker == social_worker
    assert CaseEvent.objects.filter(code=events.DUPLICATE_WARNING_OVERRIDDEN, subject_id=jaden.pk).exists()
    # the override is on the record's history for everyone to see
    tab(page, "History").click()
    expect(page.locator("#history")).to_contain_text("Created despite a duplicate warning")


def test_an_exact_copy_of_another_teams_child_is_warned_with_the_minimal_row(
        page, la, team, other_social_worker, social_worker):
    held = ChildFactory(
        legal_first_names="Jayden", legal_surname="Smith", date_of_birth=datetime.date(2015, 3, 4),
        local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
    )
    log_in(page, other_social_worker, "/children/new/")
    page.get_by_label("First names (legal)").fill("Jayden")
    page.get_by_label("Surname (legal)").fill("Smith")
    dob = page.get_by_role("group", name=re.compile(r"^Date of birth"))
    dob.get_by_label("Day").fill("4")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Save").click()

    expect(error_summary(page).get_by_role("link", name=WARNING)).to_be_visible()
    candidate = page.get_by_role("table", name="Possible matches").locator("tbody tr")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text(f"Jayden Smith ({held.local_child_id})")
    expect(candidate).to_contain_text("Held by Assessment Team A, Northmoor Borough Council")
    expect(candidate).to_contain_text("Same name")
    expect(candidate.get_by_role("link", name="Jayden Smith", exact=True)).to_have_count(0)
    expect(candidate.get_by_role("link", name=re.compile("^Request access"))).to_have_attribute(
        "href", f"/children/{held.public_id}/request-access/")
    assert_accessible(page, "duplicate warning with another team's child")
    assert Child.objects.count() == 1
    assert CaseEvent.objects.filter(code=events.CHILD_SIGHTED, subject_id=held.pk).count() == 1
