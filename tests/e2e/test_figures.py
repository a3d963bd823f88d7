"""A service manager opens Figures from the menu, reads the timeliness trend and its tables, drills into the
late deadlines of a team, and comes back; axe on every page, and the page fits 320 pixels without scrolling
sideways."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.accounts.models import Role
from safeguarding.clock import services
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory, make_user

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_the_service_manager_reads_the_timeliness_figures_and_drills_down(page, la, team):
    today = timezone.localdate()
    for weeks, late in ((3, False), (4, True), (6, False)):
        child = ChildFactory(local_authority=la, allocated_team=team)
        d = services.deadline_open(subject=child, rule_key="icpc", anchor_date=today, label=f"Conference {weeks}",
                                   responsible_team=team)
        due = today - datetime.timedelta(weeks=weeks)
        Deadline.objects.filter(pk=d.pk).update(due_date=due)
        d.refresh_from_db()
        services.deadline_meet(deadline=d, met_on=due + datetime.timedelta(days=2 if late else 0),
                               late_reason="Chair ill" if late else "")
    manager = make_user(la, Role.SERVICE_MANAGER, full_name="Sue Manager")

    log_in(page, manager)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Figures")
    expect(page.get_by_role("link", name="Child protection")).to_be_visible()
    assert_accessible(page, "Figures")
    page.get_by_role("link", name="Timeliness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeliness: Child protection")
    by_team = page.get_by_role("table", name=re.compile("team by team: the numbers"))
    row = by_team.get_by_role("row", name=re.compile("Assessment Team A"))
    expect(row).to_contain_text("67")
    expect(page.get_by_role("img", name=re.compile("month by month"))).to_be_visible()
    assert_accessible(page, "Timeliness figures")

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadlines behind the figure")
    expect(page.locator("#drill-total")).to_contain_text("3 deadlines")
    expect(page.get_by_role("link", name="Conference 4")).to_be_visible()
    assert_accessible(page, "The deadlines behind a figure")
    page.get_by_role("link", name="Back to the figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeliness: Child protection")

    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Back to figures").click()
    page.get_by_role("link", name="Child protection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child protection figures")
    expect(page.get_by_role("img", name=re.compile("by category"))).to_be_visible()
    assert_accessible(page, "Child protection figures")
