"""Signing in and out through the real login form (MFA is off when DJANGO_ENV=test)."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import PASSWORD, assert_accessible, error_summary, fill_login_form, log_out

pytestmark = pytest.mark.e2e


def test_sign_in_with_a_wrong_then_the_right_password_and_sign_out(page, social_worker):
    page.goto("/")
    # not signed in: the home page sends us to the login form, remembering where we were going
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2F$"))
    expect(page).to_have_title("Sign in – Safeguarding Hub")
    assert_accessible(page, "login form")

    fill_login_form(page, social_worker.email, "not the password at all")
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text(
        "Enter a correct email address and password. Passwords are case-sensitive.")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title("Error: Sign in – Safeguarding Hub")
    expect(page.get_by_role("banner")).not_to_contain_text("Sam Worker")
    assert_accessible(page, "login form with an error")

    fill_login_form(page, social_worker.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Worker")
    banner = page.get_by_role("banner")
    expect(banner.locator(".app-header__name")).to_have_text("Sam Worker")
    expect(banner).to_contain_text("Northmoor Borough Council")
    expect(banner).to_contain_text("Social worker")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", "page")
    assert_accessible(page, "home page")
    # keyboard: the first Tab reaches the skip link, which takes focus to the main content
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    log_out(page)
    expect(page.get_by_role("alert").filter(has_text="You have signed out.")).to_be_visible()
    expect(page.get_by_role("banner")).not_to_contain_text("Sam Worker")
    assert_accessible(page, "login page after signing out")

    # the session really has ended
    page.goto("/children/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fchildren%2F$"))


def test_too_many_wrong_passwords_lock_the_account_for_a_while(page, social_worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    page.goto("/accounts/login/")
    for attempt in range(3):
        fill_login_form(page, social_worker.email, f"wrong password {attempt}")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in for now")
    expect(page).to_have_title("Too many attempts to sign in – Safeguarding Hub")
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    assert_accessible(page, "locked out")

    # even the right password is refused now
    page.goto("/accounts/login/")
    fill_login_form(page, social_worker.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in for now")
