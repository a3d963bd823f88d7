"""Page-test helpers: an HTML checker every visited page goes through (no inline script), and a
Redis database of our own for /healthz (this xdist worker's, not a running `make run`'s) so no heartbeat interferes."""

import re
from html.parser import HTMLParser

import pytest
import redis

from safeguarding.health import HEARTBEAT_KEY


class PageChecker(HTMLParser):
    """Collects what a strict Content-Security-Policy would block or what a test wants to read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.event_handlers: list[tuple[str, str]] = []
        self.js_urls: list[str] = []
        self.script_srcs: list[str] = []
        self._script_depth = 0
        self._script_has_src = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.event_handlers.append((tag, name))
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.js_urls.append(value)
        if tag == "script":
            self._script_depth = 1
            self._script_has_src = bool(a.get("src"))
            self._buffer = []
            if a.get("src"):
                self.script_srcs.append(a["src"])

    def handle_endtag(self, tag):
        if tag == "script" and self._script_depth:
            text = "".join(self._buffer).strip()
            if not self._script_has_src and text:
                self.inline_scripts.append(text[:200])
            if not self._script_has_src and not text:
                self.inline_scripts.append("<empty inline script>")
            self._script_depth = 0

    def handle_data(self, data):
        if self._script_depth:
            self._buffer.append(data)


def check_html(resp):
    """Fail if an HTML page carries inline script of any kind. Returns the page's text."""
    if "text/html" not in resp.get("Content-Type", ""):
        return resp.content.decode()
    html = resp.content.decode()
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    assert checker.inline_scripts == [], (
        f"inline <script> on {resp.wsgi_request.path}: {checker.inline_scripts}"
    )
    assert checker.event_handlers == [], f"inline event handlers on {resp.wsgi_request.path}"
    assert checker.js_urls == [], f"javascript: URLs on {resp.wsgi_request.path}"
    for src in checker.script_srcs:
        assert src.startswith("/static/"), f"script from {src} on {resp.wsgi_request.path}"
    return html


def normalised(html: str) -> str:
    """The page without the per-request CSRF tokens (masked afresh on every render)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'<meta name="csrf-token" content="[^"]+">', '<meta name="csrf-token" content="">', html)


@pytest.fixture
def page(client_for):
    """page(user) -> a client whose get/post check every HTML answer for inline script."""

    class Checked:
        def __init__(self, user):
            self.c = client_for(user)

        def get(self, *a, **kw):
            resp = self.c.get(*a, **kw)
            check_html(resp)
            return resp

        def post(self, *a, **kw):
            resp = self.c.post(*a, **kw)
            check_html(resp)
            return resp

    return Checked


@pytest.fixture
def health_redis(settings, db):
    """A clean Redis database for /healthz, and a reminder sweep that has just finished."""
    from django.utils import timezone

    from safeguarding.clock.models import SweepRun

    SweepRun.objects.create(finished_at=timezone.now())
    # this worker's own Redis database (tests/conftest.py gives each xdist worker one)
    r = redis.Redis.from_url(settings.REDIS_URL)
    r.delete(HEARTBEAT_KEY)
    yield r
    r.delete(HEARTBEAT_KEY)
