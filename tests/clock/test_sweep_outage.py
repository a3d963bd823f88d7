"""Redis down (issue 3, section 3): the web app keeps working and says so on /healthz; deadlines are
still opened; when the broker is back, the next sweep (on a real worker) writes what fell due during
the outage, once, and the outbox task (on a real worker) emails it, once.

The outage is real, not mocked: REDIS_URL, the cache and the Celery broker point at a closed port.
"""

import datetime

import pytest
from celery.exceptions import OperationalError
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from kombu import Connection

from safeguarding.clock import services, workdays
from safeguarding.clock.models import Deadline, ReminderClaim
from safeguarding.notify.models import Notification
from safeguarding.notify.services import notify
from tests.clock.test_sweep_exactly_once import run_sweeps, sweep_queue  # noqa: F401 - a fixture
from tests.clock.test_sweep_sends_no_email import run_outbox_task_on_workers
from tests.factories import ChildFactory

CLOSED = "redis://127.0.0.1:1/0"
REDIS_DOWN = override_settings(
    REDIS_URL=CLOSED,
    CELERY_BROKER_URL=CLOSED,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED,
                        "KEY_PREFIX": "sgh", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}},
)


def test_the_closed_port_really_is_closed():
    with Connection(CLOSED, connect_timeout=1) as conn, pytest.raises((OperationalError, OSError)):
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def _open_icpc(child, due, *, person, team) -> Deadline:
    """An ICPC deadline (15 working days after the strategy discussion) that falls due on ``due``."""
    deadline = services.deadline_open(subject=child, rule_key="icpc", anchor_date=workdays.add_working_days(due, -15),
                                      label=f"ICPC for {child.full_name}", responsible_person=person,
                                      responsible_team=team)
    if workdays.is_working_day(due):
        assert deadline.due_date == due
    else:  # the suite runs at a weekend: "due today" needs a deadline due on a closed day
        Deadline.objects.filter(pk=deadline.pk).update(due_date=due)
    return deadline


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_app_works_and_reminders_due_in_the_outage_go_out_once_after(
    client_for, social_worker, team, team_manager, sweep_queue  # noqa: F811
):
    today = timezone.localdate()
    with REDIS_DOWN:
        sw = client_for(social_worker)
        assert sw.get("/").status_code == 200
        assert sw.get("/notifications/").status_code == 200

        health = sw.get("/healthz")
        assert health.status_code == 503
        assert "broker" in health.json()["down"]
        assert health.json()["checks"]["broker"]["ok"] is False
        assert health.json()["checks"]["database"]["ok"] is True

        # Deadlines are opened, and people notified (in the app and by email), as usual.
        late = _open_icpc(ChildFactory(), workdays.add_working_days(today, -4), person=social_worker, team=team)
        due_today = _open_icpc(ChildFactory(), today, person=social_worker, team=team)
        tomorrow = _open_icpc(ChildFactory(), workdays.add_working_days(today, 1), person=social_worker, team=team)
        note = notify(recipient=social_worker, subject="A new referral", url="/children/")
        note.refresh_from_db()
        assert note.emailed_at is not None
        assert [m.to for m in mail.outbox] == [[social_worker.email]]
        # The deadlines were opened before the reminders that fell due in the outage (a fortnight ago).
        Deadline.objects.update(created_at=timezone.now() - datetime.timedelta(days=14))
        assert not ReminderClaim.objects.exists()

    # The broker is back: the next sweep, on a real worker, sends what is still meaningful, once.
    run_sweeps(sweep_queue, 2)
    stages = {(c.deadline_id, c.stage) for c in ReminderClaim.objects.all()}
    assert stages == {(late.pk, "overdue"), (late.pk, "escalated:3"), (due_today.pk, "due_today"),
                      (tomorrow.pk, "due_soon:1")}
    assert not ReminderClaim.objects.filter(sent_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=social_worker).exclude(pk=note.pk).count() == 3
    assert Notification.objects.filter(recipient=team_manager).count() == 1
    assert Deadline.objects.get(pk=late.pk).status == Deadline.Status.OVERDUE
    # ... not emailed by the sweep (ADR 8), but by the outbox task on a worker, once each
    assert [m.subject for m in mail.outbox] == ["Safeguarding Hub: A new referral"]
    run_outbox_task_on_workers(sweep_queue, 2)
    reminder_emails = [m for m in mail.outbox if "A new referral" not in m.subject]
    assert sorted(m.subject for m in reminder_emails) == sorted(
        f"Safeguarding Hub: {n.subject}" for n in Notification.objects.exclude(pk=note.pk))

    health = client_for(social_worker).get("/healthz")
    assert health.json()["checks"]["broker"]["ok"] is True
    assert health.json()["checks"]["sweep"]["ok"] is True
