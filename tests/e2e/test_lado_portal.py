"""The LADO referral portal in Chromium (issue 11): someone from a sports club with no account registers on a
phone, verifies their email by the link the outbox sent, chooses a password, signs in and refers a coach; the
LADO finds the referral on the workbench. axe-core on every page."""

import datetime
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from safeguarding.accounts import middleware
from safeguarding.notify.models import OutboxEmail
from tests.factories.lado import lado_officer_of

from .helpers import assert_accessible, fill_login_form, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def public(monkeypatch):
    """The registration pages are open without an account (the kernel's PUBLIC_URL_NAMES: asked of the lead,
    ADR 19); the rate limits start from nothing."""
    monkeypatch.setattr(middleware, "PUBLIC_URL_NAMES",
                        middleware.PUBLIC_URL_NAMES | {"lado:register", "lado:register_sent", "lado:verify"})
    cache.clear()


def test_a_coach_registers_refers_and_the_lado_sees_it(page, la):
    officer = lado_officer_of(la, full_name="Lee Lado")
    page.set_viewport_size(PHONE)
    page.goto("/lado/portal/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register to refer to the LADO")
    assert_accessible(page, "registering, on a phone")
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select your role")
    assert_accessible(page, "registering, with errors")
    page.get_by_label("Your full name").fill("Sam Whistle")
    page.get_by_label("Your work email address").fill("sam@juniorsfc.example")
    page.get_by_label("Your organisation").fill("Northmoor Juniors FC")
    page.get_by_label("Kind of organisation").select_option(label="Sports and leisure clubs")
    page.get_by_label("Designated safeguarding lead", exact=True).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page, "check your email")

    link = re.search(r"(/lado/portal/verify/[^/]+/)", OutboxEmail.objects.get(to="sam@juniorsfc.example").body)[1]
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a password")
    assert_accessible(page, "choosing a password")
    page.get_by_label("Choose a password").fill("a whistle and a long pitch")
    page.get_by_role("button", name="Finish registering").click()
    fill_login_form(page, "sam@juniorsfc.example", "a whistle and a long pitch")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your referrals to the LADO")
    assert_accessible(page, "the portal, no referrals yet")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Make a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral to the LADO")
    page.get_by_label("Name of the setting").fill("Northmoor Juniors FC")
    page.get_by_label("Kind of setting").select_option(label="Sports and leisure clubs")
    page.get_by_label("First names").first.fill("Craig")
    page.get_by_label("Last name").first.fill("Dunmore")
    page.get_by_label("Their job or role").fill("Under-11s coach")
    page.get_by_label("Volunteer").check()
    page.get_by_label("Their employer").fill("Northmoor Juniors FC")
    page.get_by_label("What happened?").fill("A player's parent found messages from the coach asking the boy to "
                                             "keep secrets.")
    today = datetime.date.today()
    knew = page.get_by_role("group", name="When did the employer first know?")
    knew.get_by_label("Day").fill(str(today.day))
    knew.get_by_label("Month").fill(str(today.month))
    knew.get_by_label("Year").fill(str(today.year))
    child = page.get_by_role("group", name="Child 1")
    child.get_by_label("First names").fill("Leo")
    child.get_by_label("Age or school year").fill("10")
    assert_accessible(page, "the referral form")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral LADO-")
    expect(page.locator("#status")).to_contain_text("Received")
    assert_accessible(page, "the referral's status")
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Referral ")

    log_in(page, officer, "/lado/")
    expect(page.locator("#new-referrals")).to_contain_text(reference)
    expect(page.locator("#new-referrals")).to_contain_text("On time")
    assert_accessible(page, "the LADO workbench")
