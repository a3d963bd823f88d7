"""Breaking the glass: a restricted child, a social worker who is not named on it, a reason, and the
manager who sees it in the record's access log."""

import re

import pytest
from playwright.sync_api import expect

from safeguarding.access.models import BreakGlass
from tests.factories import RestrictedChildFactory

from .helpers import assert_accessible, error_summary, log_in, log_out

pytestmark = pytest.mark.e2e

REASON = "Strategy discussion this afternoon: I need the family history before it starts."


def test_break_the_glass_then_the_manager_sees_it_in_the_access_log(
        page, la, team, social_worker, team_manager, service_manager):
    child = RestrictedChildFactory(
        legal_first_names="Mia", legal_surname="Thornbury", local_authority=la, allocated_team=team,
        named=[team_manager],
    )
    # --- search finds the record but does not show who it is
    log_in(page, social_worker, "/children/?name=Thornbury")
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    row = page.get_by_role("main").get_by_role("table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Restricted record")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Hidden")
    expect(row).not_to_contain_text("Mia")
    expect(row).not_to_contain_text(child.local_child_id)
    assert_accessible(page, "search with a restricted result")

    # the child's own address leads to the break-glass form too
    page.goto(f"/children/{child.public_id}/")
    expect(page).to_have_url(re.compile(rf"/children/{child.public_id}/break-glass/$"))
    page.go_back()
    row.get_by_role("link", name="Ask to see this record").click()

    # --- the break-glass form
    expect(page.get_by_role("heading", level=1)).to_have_text("This record is restricted")
    expect(page.get_by_role("main")).not_to_contain_text("Mia")
    expect(page.get_by_role("main")).to_contain_text("Your name, the time and your reason will be recorded")
    assert_accessible(page, "break-glass form")
    page.get_by_label("Why do you need to see this record?").fill("urgent")
    page.get_by_role("button", name="Open the record").click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Explain why in at least 10 characters")).to_have_attribute(
        "href", "#id_reason")
    expect(page).to_have_title("Error: Restricted record – Safeguarding Hub")
    assert_accessible(page, "break-glass form with an error")
    assert not BreakGlass.objects.exists()

    page.get_by_label("Why do you need to see this record?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    expect(page).to_have_url(re.compile(rf"/children/{child.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia Thornbury")
    expect(page.get_by_role("main")).to_contain_text("Restricted record: every view is logged.")
    # a social worker does not see the access log link
    expect(page.get_by_role("link", name="Who has looked at this record")).to_have_count(0)
    assert_accessible(page, "restricted child's page after breaking the glass")
    # the service manager is told
    assert service_manager.notifications.filter(subject__contains="breaking the glass").count() == 1

    log_out(page)

    # --- the team manager, named on the record, reads the access log
    log_in(page, team_manager, f"/children/{child.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia Thornbury")
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at this record")
    glass = page.get_by_role("table", name="Break-glass openings")
    expect(glass.locator("tbody tr")).to_have_count(1)
    expect(glass.locator("tbody tr").get_by_role("cell").nth(1)).to_have_text("Sam Worker")
    expect(glass.locator("tbody tr")).to_contain_text(REASON)
    views = page.get_by_role("table", name=re.compile("Every view of this child's record"))
    sam_views = views.locator("tbody tr").filter(has_text="Sam Worker")
    expect(sam_views).to_have_count(1)
    expect(sam_views).to_contain_text("Break glass")
    expect(views.locator("tbody tr").filter(has_text="Tess Manager")).not_to_contain_text("Break glass")
    assert_accessible(page, "access log")
