"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

- One Chromium for the session, a fresh context (cookies, storage) and page for every test.
- Signing in is a session cookie made with Django's test client (helpers.log_in); only the login
  and session-timeout tests use the form.
- Missing Chromium or axe-core FAILS the tests with a message saying what to do: `make test`
  installs both. Never `playwright install` (the machine has no outside network).
- Every page a test opens is watched: an uncaught script error, a Content-Security-Policy refusal
  or a static file that fails to load fails the test.
"""

import functools
import os

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from . import helpers  # noqa: E402
from .helpers import CHROMIUM_ARGS, chromium_path, missing_prerequisites  # noqa: E402

DEFAULT_TIMEOUT_MS = 10_000
# an expectation passes as soon as it holds; the wait only matters on a machine busy with the whole
# suite (a form posted and its page rendered took more than 5 s once in CI with 2 workers under load)
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    # Everything in this folder is a browser test, whether or not its module says so.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.e2e)


@functools.cache
def prerequisite_problems() -> tuple[str, ...]:
    return tuple(missing_prerequisites())


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # Missing Chromium or axe-core is a FAILED test with the reason (not a skip, not a setup error):
    # the fixtures below stand aside and every browser test fails here, before its body runs.
    problems = prerequisite_problems()
    if problems and item.get_closest_marker("e2e"):
        pytest.fail("The browser tests cannot run:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def playwright_driver():
    if prerequisite_problems():
        yield None
        return
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver):
    if playwright_driver is None:
        yield None
        return
    try:
        b = playwright_driver.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # a broken Chromium is a failure with a reason, not a skip
        pytest.fail(f"Chromium at {chromium_path()} would not start: {exc}", pytrace=False)
    yield b
    b.close()


@pytest.fixture
def context(browser, live_server):
    if browser is None:  # prerequisites missing: pytest_runtest_call fails the test
        yield None
        return
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    helpers.live_server_url = live_server.url
    yield ctx
    ctx.close()


@pytest.fixture
def page_problems():
    """What went wrong in the browser during the test (checked when the test ends)."""
    return []


@pytest.fixture
def page(context, page_problems):
    if context is None:
        yield None
        return
    p = context.new_page()

    def on_console(msg):
        text = msg.text
        if msg.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            page_problems.append(f"CSP: {text}")

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            page_problems.append(f"{response.status} for {response.url}")

    p.on("pageerror", lambda exc: page_problems.append(f"script error: {exc}"))
    p.on("console", on_console)
    p.on("response", on_response)
    yield p
    problems = list(page_problems)
    p.close()
    assert not problems, "Problems in the browser:\n  " + "\n  ".join(problems)
