"""Reads that do not write (issue 9): the session row is saved only when the session changes or its idle
timer needs pushing back, and an API client's ``last_used_at`` at most once a minute."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.accounts.models import ApiClient
from safeguarding.accounts.services import api_client_create
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/children/"


def _writes(ctx, table):
    return [q["sql"] for q in ctx.captured_queries
            if table in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def _expiry(c):
    return Session.objects.get(session_key=c.session.session_key).expire_date


def test_a_page_opened_again_within_the_minute_does_not_write_the_session(client_for, social_worker):
    c = client_for(social_worker)
    with freeze_time(timezone.now()) as clock:
        c.get("/")  # the first request after signing in may save it (its expiry was set at login)
        saved = _expiry(c)
        clock.tick(datetime.timedelta(seconds=50))
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/").status_code == 200
        assert _writes(ctx, "django_session") == []
        assert _expiry(c) == saved

        # once more than the refresh window has passed since that save, the end is pushed back
        clock.tick(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1))
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/").status_code == 200
        assert len(_writes(ctx, "django_session")) == 1
        idle = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        assert _expiry(c) - timezone.now() == idle + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)


def test_a_session_never_ends_sooner_than_the_idle_time_after_the_last_request(client_for, social_worker):
    """Whatever the moment of the last request, what is left of the session is at least the idle time the
    session-timeout warning counts down from, and at most a minute more."""
    c = client_for(social_worker)
    idle = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    refresh = datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    with freeze_time(timezone.now()) as clock:
        for step in (0, 10, 25, 40, 55, 70, 5, 59, 61, 120):
            clock.tick(datetime.timedelta(seconds=step))
            assert c.get("/").status_code == 200
            left = _expiry(c) - timezone.now()
            assert idle <= left <= idle + refresh, (step, left)


def test_a_changed_session_is_saved_at_once(client_for, social_worker):
    c = client_for(social_worker)
    c.get("/")
    with CaptureQueriesContext(connection) as ctx:
        c.post("/accounts/keepalive/")
    assert len(_writes(ctx, "django_session")) == 1


def test_last_used_at_is_written_at_most_once_a_minute():
    client, token = api_client_create(agency=SchoolFactory(), name="School MIS")
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with freeze_time(timezone.now()) as clock:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST).status_code == 200
        assert len(_writes(ctx, '"accounts_apiclient"')) == 1
        first = ApiClient.objects.get(pk=client.pk).last_used_at
        assert first == timezone.now()

        clock.tick(datetime.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST).status_code == 200
        assert _writes(ctx, '"accounts_apiclient"') == []
        assert ApiClient.objects.get(pk=client.pk).last_used_at == first

        clock.tick(datetime.timedelta(seconds=2))
        assert api.get(LIST).status_code == 200
        assert ApiClient.objects.get(pk=client.pk).last_used_at == timezone.now()


def test_two_callers_at_once_write_last_used_at_once():
    """Two workers that both read a stale ``last_used_at``: the conditional update lets only one write."""
    from safeguarding.accounts.authentication import _note_use

    client, _ = api_client_create(agency=SchoolFactory(), name="School MIS")
    a, b = ApiClient.objects.get(pk=client.pk), ApiClient.objects.get(pk=client.pk)
    with freeze_time(timezone.now()) as clock:
        _note_use(a)
        first = ApiClient.objects.get(pk=client.pk).last_used_at
        clock.tick(datetime.timedelta(seconds=1))
        _note_use(b)  # b still holds last_used_at None, but the row is fresh: nothing is written
        assert ApiClient.objects.get(pk=client.pk).last_used_at == first
