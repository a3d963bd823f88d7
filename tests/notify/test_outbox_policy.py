"""The one outbox's rule (ADR 8, safeguarding/notify/outbox.py): each row at most once, the retry policy
(back-off, then failed and visible in the admin), the outbox task run twice and by two workers at once,
attachments, and a query count that does not grow with the number of emails."""

from __future__ import annotations

import datetime
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.notify import outbox, tasks
from safeguarding.notify.models import OutboxEmail
from safeguarding.notify.outbox import MAX_ATTEMPTS, email_queue, outbox_send, retry_delay
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

HERE = "tests.notify.test_outbox_policy"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class RefusesNobody(locmem.EmailBackend):
    """Refuses nobody@example.org for good, as a mail server does for a mailbox that is gone."""

    def send_messages(self, email_messages):
        for m in email_messages:
            if "nobody@example.org" in m.to:
                raise smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"5.1.1 No such user")})
        return super().send_messages(email_messages)


class SlowServer(locmem.EmailBackend):
    """Takes a little while per message and counts every message it accepts, from any thread."""

    lock = threading.Lock()
    accepted: list[str] = []

    def send_messages(self, email_messages):
        time.sleep(0.01)
        with self.lock:
            type(self).accepted.extend(m.to[0] for m in email_messages)
        return len(email_messages)


def queue(n: int, *, to: str = "person{}@example.org", topic: str = "test") -> list[OutboxEmail]:
    return [email_queue(to=to.format(i), subject=f"Email {i}", body="Body", topic=topic, key=f"test:{to.format(i)}",
                        send_after_commit=False) for i in range(n)]


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = LOCMEM


def test_the_back_off_grows_then_stays_at_six_hours():
    assert [retry_delay(n) for n in range(1, MAX_ATTEMPTS)] == [datetime.timedelta(minutes=m) for m in (
        1, 4, 16, 64, 256, 360, 360, 360, 360)]
    total = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), datetime.timedelta())
    assert datetime.timedelta(hours=29) < total < datetime.timedelta(hours=30)  # about a day and a quarter


def test_a_refused_address_is_retried_on_the_schedule_then_failed_and_shown_in_the_admin(client, la, settings):
    settings.EMAIL_BACKEND = f"{HERE}.RefusesNobody"
    with freeze_time("2026-11-25 10:00") as clock:
        [gone] = queue(1, to="nobody@example.org")
        [fine] = queue(1, to="somebody@example.org")
        start = timezone.now()
        waited = datetime.timedelta()
        for attempt in range(1, MAX_ATTEMPTS):
            result = outbox_send()
            gone.refresh_from_db()
            assert (gone.status, gone.attempts) == ("pending", attempt)
            assert gone.next_attempt_at == timezone.now() + retry_delay(attempt)
            assert result.retrying == 1 and result.failed == 0
            clock.tick(retry_delay(attempt) - datetime.timedelta(seconds=1))
            assert outbox_send().retrying == 0  # not a second early
            clock.tick(datetime.timedelta(seconds=1))
            waited += retry_delay(attempt)
        result = outbox_send()
        assert (result.failed, result.retrying, result.sent) == (1, 0, 0)
        gone.refresh_from_db()
        assert (gone.status, gone.attempts, gone.sent_at) == ("failed", MAX_ATTEMPTS, None)
        assert "550" in gone.last_error and timezone.now() - start == waited
        clock.tick(datetime.timedelta(days=7))
        assert outbox_send().settled == 0  # failed is for good: never tried again by itself
    fine.refresh_from_db()
    assert (fine.status, fine.attempts) == ("sent", 1)  # sent on the first run, never again
    assert [m.to for m in mail.outbox] == [["somebody@example.org"]]

    # visible to an administrator, who may send it again
    admin = make_user(la, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/notify/outboxemail/?status__exact=failed")
    assert page.status_code == 200
    html = page.content.decode()
    assert "nobody@example.org" in html and "somebody@example.org" not in html
    detail = client.get(f"/admin/notify/outboxemail/{gone.pk}/change/").content.decode()
    assert "5.1.1 No such user" in detail
    assert client.post(f"/admin/notify/outboxemail/{gone.pk}/change/", {"to": "x@example.org"}).status_code == 403
    resp = client.post("/admin/notify/outboxemail/", {"action": "send_again", "index": 0,
                                                      "_selected_action": [gone.pk, fine.pk]})
    assert resp.status_code == 302
    gone.refresh_from_db()
    fine.refresh_from_db()
    assert (gone.status, gone.attempts, gone.to) == ("pending", 0, "nobody@example.org")
    assert fine.status == "sent"  # only failed emails are sent again
    settings.EMAIL_BACKEND = LOCMEM  # the mailbox exists again
    assert outbox_send().sent == 1
    assert [m.to for m in mail.outbox] == [["somebody@example.org"], ["nobody@example.org"]]


def test_the_outbox_task_run_twice_sends_each_email_once():
    queue(3)
    tasks.deliver_emails()
    tasks.deliver_emails()
    tasks.deliver_emails.apply()
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.org" for i in range(3)]
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_an_email_with_the_same_key_is_written_once():
    first = email_queue(to="a@example.org", subject="S", body="B", topic="test", key="test:once",
                        send_after_commit=False)
    again = email_queue(to="a@example.org", subject="S", body="B", topic="test", key="test:once",
                        send_after_commit=False)
    assert first is not None and again is None
    assert OutboxEmail.objects.count() == 1


def test_attachments_go_as_written_and_headers_stay_on_one_line():
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    email_queue(to="a@example.org", subject="Line one\r\nBcc: everyone@example.org", body="Body", topic="test",
                attachments=[outbox.attachment("invitation.ics", calendar.encode(), "text/calendar; method=REQUEST"),
                             outbox.attachment("tiny.pdf", b"%PDF-\xff\x00", "application/pdf")],
                send_after_commit=False)
    assert outbox_send().sent == 1
    [m] = mail.outbox
    assert m.subject == "Line one Bcc: everyone@example.org" and m.bcc == []
    assert m.attachments == [("invitation.ics", calendar, "text/calendar; method=REQUEST"),
                             ("tiny.pdf", b"%PDF-\xff\x00", "application/pdf")]
    assert "Bcc" not in {k for k, _v in m.message().items()}


def test_sending_costs_the_same_queries_for_2_or_40_emails():
    counts = {}
    for n in (2, 40):
        queue(n, to=f"batch{n}-{{}}@example.org")
        with CaptureQueriesContext(connection) as ctx:
            assert outbox_send().sent == n
        counts[n] = len(ctx.captured_queries)
    # one batch (fewer than outbox.BATCH): savepoint, claim (with the recipients), mark sent, release
    assert counts[2] == counts[40] == 4, counts


def test_only_the_rows_asked_for_are_sent():
    a, b = queue(2)
    c = email_queue(to="other@example.org", subject="S", body="B", topic="other", group="thing:1",
                    send_after_commit=False)
    assert outbox_send(ids=[a.pk]).sent == 1
    assert outbox_send(topic="other", group="thing:2").sent == 0
    assert outbox_send(topic="other", group="thing:1").sent == 1
    assert outbox_send(topic="test").sent == 1
    assert [m.to[0] for m in mail.outbox] == [a.to, c.to, b.to]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(settings, monkeypatch):
    """Committed rows and two real threads, each with its own database connection, sending at once in
    small batches: SKIP LOCKED gives each batch to one of them."""
    settings.EMAIL_BACKEND = f"{HERE}.SlowServer"
    SlowServer.accepted = []
    monkeypatch.setattr(outbox, "BATCH", 3)
    queue(30)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(outbox_send())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(SlowServer.accepted) == sorted(f"person{i}@example.org" for i in range(30))  # each exactly once
    assert sum(r.sent for r in results) == 30
    assert all(r.sent > 0 for r in results), [r.sent for r in results]  # both really worked
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("sent", 1)}
