"""The session timeout warning (WCAG 2.2.1 Timing Adjustable): a modal dialog that takes focus, passes
axe, and whose "Stay signed in" keeps the session; left alone, the page signs the person out."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, log_in_with_form

pytestmark = pytest.mark.e2e


def timeout_dialog(page):
    return page.get_by_role("dialog", name="You’re about to be signed out")


@pytest.fixture
def one_minute_sessions(settings):
    """Sessions end after a minute idle and the warning shows for the whole of it: the dialog opens
    as soon as a page loads (static/js/app.js counts from the page load)."""
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_WARNING_MINUTES = 1
    settings.SESSION_COOKIE_AGE = 60


def test_warning_opens_with_focus_passes_axe_and_stay_signed_in_keeps_the_session(
        page, social_worker, one_minute_sessions):
    log_in_with_form(page, social_worker)
    dialog = timeout_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_be_focused()
    expect(dialog).to_contain_text("For your security, we will sign you out in 1 minute.")
    expect(dialog).to_have_accessible_description(re.compile(r"^For your security, we will sign you out in"))
    # modal (showModal), so the rest of the page is inert and Tab stays in the dialog
    assert dialog.evaluate("d => d.matches(':modal')")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    assert_accessible(page, "session timeout dialog open")

    with page.expect_response(lambda r: r.url.endswith("/accounts/keepalive/")) as keepalive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.status == 204
    assert not keepalive.value.request.redirected_from

    # still signed in: another page opens as Sam, not the login form
    page.goto("/children/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    expect(page.get_by_role("banner")).to_contain_text("Sam Worker")


def test_warning_timeline_with_a_fake_clock(page, social_worker, settings):
    """The real timings (2 minutes, warning in the last minute), with the page's clock run forward."""
    settings.SESSION_IDLE_MINUTES = 2
    settings.SESSION_WARNING_MINUTES = 1
    settings.SESSION_COOKIE_AGE = 120
    page.clock.install()
    log_in_with_form(page, social_worker)
    dialog = timeout_dialog(page)
    expect(dialog).to_be_hidden()

    page.clock.fast_forward(50_000)
    expect(dialog).to_be_hidden()  # 70 seconds left: not yet
    page.clock.fast_forward(15_000)
    expect(dialog).to_be_visible()
    expect(dialog).to_be_focused()
    # about 55 seconds left (the fake clock also moves with real time, hence the tolerance)
    countdown = page.locator("#session-timeout-countdown")
    expect(countdown).to_have_text(re.compile(r"^5[0-5] seconds$"))
    page.clock.fast_forward(10_000)
    expect(countdown).to_have_text(re.compile(r"^4[0-5] seconds$"))

    with page.expect_response(lambda r: r.url.endswith("/accounts/keepalive/")) as keepalive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keepalive.value.status == 204
    expect(dialog).to_be_hidden()
    # the count starts again from the keep-alive
    page.clock.fast_forward(50_000)
    expect(dialog).to_be_hidden()

    # Escape means "I'm still here" as well
    page.clock.fast_forward(15_000)
    expect(dialog).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/accounts/keepalive/")):
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # left alone to the end, the page signs Sam out
    page.clock.fast_forward(65_000)
    expect(dialog).to_be_visible()
    page.clock.fast_forward(60_000)
    expect(page).to_have_url(re.compile(r"/accounts/signed-out/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    assert_accessible(page, "signed-out page")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
