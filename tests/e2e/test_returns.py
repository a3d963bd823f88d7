"""A service manager opens Statutory returns from the menu, checks the data quality of the year in progress, follows
a failed rule to the child's record and comes back; axe on each page, also at 320 pixels (ADR 27). The
validators are the real ones (.venv-validators)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import ChildInNeedEpisode
from returns.years import CollectionYear
from safeguarding.accounts.models import Role
from safeguarding.clock import workdays
from tests.factories import make_user
from tests.factories.states import ActivePlanFactory

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_the_service_manager_checks_the_returns_data_quality(page, la):
    today = timezone.localdate()
    year = CollectionYear.containing(today)
    day = max(year.start + datetime.timedelta(days=14), today - datetime.timedelta(days=30))
    held = workdays.add_working_days(day - datetime.timedelta(days=1), 1)  # a working day in this year
    plan = ActivePlanFactory(held_on=held, child__local_authority=la)
    # the child's episode of need entered in error: the census has no referral for the plan (rules 8600, 8610)
    ChildInNeedEpisode.objects.filter(child=plan.child).update(entered_in_error_at=timezone.now())
    manager = make_user(la, Role.SERVICE_MANAGER, full_name="Sue Manager")

    log_in(page, manager)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statutory returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    expect(page.get_by_role("link", name=f"Download the CIN census {year.label} (XML)")).to_be_visible()
    assert_accessible(page, "returns")

    # the page runs both DfE validators on the year's returns (6 s on a quiet 2-core machine, longer under
    # load): wait for it as a person would, not the default 10 s
    page.get_by_role("link", name=f"Check the data quality of {year.label}").click(timeout=60_000)
    page.wait_for_load_state(timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Data quality {year.label}")
    failed = page.get_by_role("table", name="CIN census: rules failed")
    expect(failed).to_contain_text("8600")
    assert_accessible(page, "data quality")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page, "data quality at 320 pixels")

    failed.get_by_role("link", name=plan.child.local_child_id).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.child.display_name)
    page.go_back()
    page.get_by_role("link", name="Back to statutory returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
