"""The rules page in a browser: reached by a member of staff, checked with axe with and without
overrides (the red "National rule overridden" tag and the warning), the back link home."""

import datetime

import pytest
from playwright.sync_api import expect

from safeguarding.clock.models import LocalClosureDay

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_rules_page_passes_axe(page, settings, social_worker):
    settings.STATUTORY_RULE_OVERRIDES = {}
    LocalClosureDay.objects.create(date=datetime.date.today() + datetime.timedelta(days=10),
                                   name="Council offices closed")
    log_in(page, social_worker, "/rules/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory timescales")
    cp = page.get_by_role("region", name="Child protection")
    expect(cp.get_by_role("row", name="Initial child protection conference held")).to_contain_text(
        "15 working days after the strategy discussion that started the s47 enquiry")
    expect(page.get_by_role("table", name="Bank holidays and local closure days", exact=False)).to_contain_text(
        "Council offices closed")
    assert_accessible(page, "no overrides")

    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "narrow screen")

    page.get_by_role("link", name="Back to home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {social_worker.display_name}")


def test_rules_page_with_overrides_passes_axe(page, settings, chair):
    settings.STATUTORY_RULE_OVERRIDES = {
        "icpc": {"amount": 20, "override_national": True, "note": "Agreed by the partnership"},
        "conference_minutes": {"amount": 10, "note": "Guernsey procedure"},
    }
    log_in(page, chair, "/rules/")
    icpc = page.get_by_role("row", name="Initial child protection conference held")
    expect(icpc.locator(".govuk-tag--red")).to_have_text("National rule overridden")
    expect(icpc).to_contain_text("Agreed by the partnership")
    minutes = page.get_by_role("row", name="Conference record (minutes) sent")
    expect(minutes.locator(".govuk-tag")).to_have_text("Changed locally")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This service has changed 1 national rule")
    assert_accessible(page, "national and local overrides")
