"""Helpers for the browser tests: where Chromium and axe-core are, signing in and out, and axe.

Signing in: ``log_in`` gives the browser a session made on the server side (Django's test client,
``force_login``) and opens the home page as that person; only the login and session-timeout tests go
through the form (``log_in_with_form``), the form being what they are about.

The Content-Security-Policy allows scripts from our own origin only, so axe-core is not added with
a <script> tag: its source is evaluated through the DevTools protocol (``page.evaluate``), which
the page's CSP does not govern.
"""

import os
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# The machine has no outside network: nothing in Chromium may try to reach one.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# tests/factories: UserFactory gives everyone this password.
PASSWORD = "correct horse battery staple"


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing_prerequisites() -> list[str]:
    """What the browser tests need and do not have, each with what to do about it."""
    problems = []
    chromium = chromium_path()
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        problems.append(
            f"Chromium not found (or not executable) at {chromium}: run 'make test' (it installs Debian's "
            "chromium package) or set CHROMIUM_PATH. Never 'playwright install'."
        )
    if not AXE_PATH.is_file():
        problems.append(f"axe-core not found at {AXE_PATH}: run 'make test' (it runs 'npm ci') or 'npm ci'.")
    return problems


@cache
def axe_source() -> str:
    problems = missing_prerequisites()
    if not AXE_PATH.is_file():
        raise AssertionError(problems[-1])
    return AXE_PATH.read_text(encoding="utf-8")


_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : String(t))),
      summary: n.failureSummary || "",
      html: n.html,
    })),
  }));
}
"""


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA rules) on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(axe_source())
    return page.evaluate(_AXE_RUN, WCAG_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(node['target'])}")
            lines.append(f"       {node['html'][:200]}")
            for line in node["summary"].splitlines():
                if line.strip():
                    lines.append(f"       {line.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page, state: str = "") -> None:
    """Fail with a readable list of axe-core violations (id, impact, target selectors, help)."""
    violations = axe_violations(page)
    if violations:
        where = f"{page.url} ({page.title()})" + (f", {state}" if state else "")
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {where}:\n{format_violations(violations)}"
        )


# The live server's URL, set by the ``context`` fixture (tests/e2e/conftest.py) for session cookies.
live_server_url = ""


def session_cookie(user) -> dict:
    """A signed-in session for ``user``, made as Django's login view makes one, as a Playwright cookie."""
    client = Client()
    client.force_login(user)
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    return {
        "name": morsel.key,
        "value": morsel.value,
        "url": live_server_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def log_in(page: Page, user, path: str = "/") -> None:
    """Sign in as ``user`` without the form (a stored session) and open ``path``: the home page (the
    default), which must greet them, or the page the test goes to next, whose header must name them as
    the person signed in (one page load instead of the home page and then that page).

    Replaces any session the browser had, so a test may sign in as someone else at any point."""
    assert live_server_url, "the context fixture sets live_server_url"
    page.context.add_cookies([session_cookie(user)])
    page.goto(path)
    if path == "/":
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.display_name}")
    else:
        expect(page.get_by_role("banner").locator(".app-header__name")).to_have_text(user.display_name)


def log_in_with_form(page: Page, user, password: str = PASSWORD) -> None:
    """Sign in through the real form and check we land on the home page as that person."""
    page.goto("/accounts/login/")
    fill_login_form(page, user.email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.display_name}")


def fill_login_form(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def log_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Safeguarding Hub")


# static/js/record-autosave.js saves a section this long after the typing stops (DEBOUNCE_MS).
AUTOSAVE_PAUSE_MS = 1_500


def after_the_autosave_pause(page: Page) -> None:
    """Move the page's clock (``page.clock.install()`` before the page loaded) on past the pause the live
    record waits for after typing, instead of waiting it out: the save then starts at once. The clock
    otherwise runs at real pace."""
    page.clock.fast_forward(AUTOSAVE_PAUSE_MS)


def tab(page: Page, name: str):
    """A GOV.UK tab on the child page, by the start of its label ("People" for "People (2)")."""
    return page.get_by_role("tab", name=re.compile(rf"^{re.escape(name)}\b"))


def error_summary(page: Page):
    return page.locator(".govuk-error-summary")
