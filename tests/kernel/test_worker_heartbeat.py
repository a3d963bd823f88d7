"""The worker heartbeat, end to end: a real Celery worker on the real Redis broker runs the task
that /healthz reads. No mocks: the broker is REDIS_URL, the worker is celery.contrib.testing's."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from safeguarding.celery import app
from safeguarding.health import HEARTBEAT_KEY
from safeguarding.tasks import heartbeat


@pytest.fixture
def clean_heartbeat(db):
    from django.utils import timezone

    from safeguarding.clock.models import SweepRun

    SweepRun.objects.create(finished_at=timezone.now())  # the sweep is not what this test is about
    r = redis.Redis.from_url(settings.REDIS_URL)
    r.delete(HEARTBEAT_KEY)
    yield r
    r.delete(HEARTBEAT_KEY)


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_worker_down_then_up_after_a_real_worker_beats(client, clean_heartbeat):
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json()["down"] == ["worker"]

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _run_and_wait(clean_heartbeat)

    up = client.get("/healthz")
    assert up.status_code == 200, up.json()
    assert up.json()["checks"]["worker"]["ok"] is True


def _run_and_wait(r, timeout=20.0):
    import time

    heartbeat.delay()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if r.get(HEARTBEAT_KEY) is not None:
            return
        time.sleep(0.1)
    raise AssertionError("the worker never ran the heartbeat task")
