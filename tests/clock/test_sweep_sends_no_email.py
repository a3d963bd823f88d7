"""The reminder sweep sends no email itself (issue 8, section 3; ADR 8): it writes the notifications and
their emails to the one outbox, and the outbox task (``notify.deliver_emails``) sends them, once, however
often it runs and on however many workers.

Real Celery workers on the real Redis broker, with committed data (as in test_sweep_exactly_once.py).
The mail server is a tripwire during the sweep: any connection to it fails the test.
"""

import threading

import pytest
from celery.signals import task_postrun
from django.core import mail
from django.core.mail.backends import locmem
from django.test import override_settings

from safeguarding.notify import tasks as notify_tasks
from safeguarding.notify.models import Notification, OutboxEmail
from tests.clock.test_sweep_exactly_once import (  # noqa: F401 - fixtures
    deadlines_due_in_every_stage,
    people,
    run_sweeps,
    sweep_queue,
    wait_for,
    workers,
)

HERE = "tests.clock.test_sweep_sends_no_email"


class Tripwire(locmem.EmailBackend):
    """Counts every time anyone opens a connection to the mail server or sends through it."""

    lock = threading.Lock()
    touched = 0

    def open(self):
        with self.lock:
            type(self).touched += 1
        return super().open()

    def send_messages(self, email_messages):
        with self.lock:
            type(self).touched += 1
        return super().send_messages(email_messages)


def run_outbox_task_on_workers(queue, n: int, *, n_workers: int = 1):
    """Start real workers on ``queue``, queue ``n`` notify.deliver_emails tasks, wait until all have run."""
    finished: list[str] = []
    lock = threading.Lock()

    def on_postrun(sender=None, task=None, state=None, **kwargs):
        if task is not None and task.name == "notify.deliver_emails":
            with lock:
                finished.append(state)

    task_postrun.connect(on_postrun, weak=False)
    try:
        with workers(queue, n_workers):
            for _ in range(n):
                notify_tasks.deliver_emails.apply_async(queue=queue.name)
            wait_for(lambda: len(finished) >= n, what=lambda: f"{n} outbox task(s) to finish ({finished})")
    finally:
        task_postrun.disconnect(on_postrun)
    assert finished == ["SUCCESS"] * n, finished


@pytest.mark.django_db(transaction=True)
def test_the_sweep_writes_the_emails_and_the_outbox_task_sends_each_once(people, sweep_queue):  # noqa: F811
    deadlines_due_in_every_stage(people.person, people.team)
    Tripwire.touched = 0
    with override_settings(EMAIL_BACKEND=f"{HERE}.Tripwire"):
        run_sweeps(sweep_queue, 2)
        assert Tripwire.touched == 0  # the sweep never opened a connection to the mail server
    assert mail.outbox == []

    notes = Notification.objects.all()
    assert notes.count() >= 6
    # every reminder's email is in the outbox, waiting for the outbox task
    assert OutboxEmail.objects.filter(status="pending").count() == notes.count()
    assert set(notes.values_list("email__status", flat=True)) == {"pending"}

    # the outbox task, run three times on two workers at once: each email once
    run_outbox_task_on_workers(sweep_queue, 3, n_workers=2)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (n.recipient.email, f"Safeguarding Hub: {n.subject}") for n in notes.select_related("recipient"))
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
