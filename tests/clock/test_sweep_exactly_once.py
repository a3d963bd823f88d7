"""Exactly once under faults, against the real Redis broker and real Celery workers
(celery.contrib.testing), with committed data (the workers run in other threads, on their own database
connections): a sweep run twice, two workers at once, a worker killed between claim and send, and the
advisory lock.

Each test uses a queue of its own on the broker, so workers of other test runs sharing the Redis
server never take these tasks (nor these workers theirs).
"""

import datetime
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from kombu import Connection

from safeguarding.celery import app
from safeguarding.clock import reminders, workdays
from safeguarding.clock.models import Deadline, ReminderClaim, SweepRun
from safeguarding.clock.tasks import sweep as sweep_task
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, Role, make_user

LONG_AGO = timezone.make_aware(datetime.datetime(2020, 1, 6, 12))


# --- helpers (also used by test_sweep_outage.py) -----------------------------------------------------


def wait_for(predicate, timeout: float = 60.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")


@pytest.fixture
def sweep_queue():
    """A private broker queue, and the states of the clock.sweep tasks the workers finished."""
    name = f"sgh-test-sweep-{uuid.uuid4().hex[:12]}"
    finished: list[str] = []
    worker_threads: set[str] = set()
    lock = threading.Lock()

    def on_postrun(sender=None, task=None, state=None, **kwargs):
        if task is not None and task.name == "clock.sweep":
            with lock:
                finished.append(state)
                worker_threads.add(threading.current_thread().name)  # each worker runs its tasks in its own thread

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield SimpleNamespace(name=name, finished=finished, worker_threads=worker_threads)
    finally:
        task_postrun.disconnect(on_postrun)
        r = redis.Redis.from_url(settings.REDIS_URL)
        leftovers = list(r.scan_iter(match=f"*{name}*"))  # the queue and kombu's binding keys for it
        if leftovers:
            r.delete(*leftovers)


@contextmanager
def prompt_shutdown():
    """Workers without kombu's event loop wait for the broker in ``connection.drain_events(timeout=2.0)``
    (celery.worker.loops.synloop, a fixed number) and notice that they are to stop only between two such
    waits: stopping one took 4 seconds, most of a test's time. While this is open, the consumers wait at most
    0.1 s at a time (they loop again at once when nothing came), so they stop in a fraction of a second."""
    drain_events = Connection.drain_events

    def drain_briefly(self, timeout=None, **kwargs):
        return drain_events(self, timeout=min(timeout, 0.1) if timeout else timeout, **kwargs)

    with mock.patch.object(Connection, "drain_events", drain_briefly):
        yield


@contextmanager
def workers(queue, n: int = 1):
    """``n`` real Celery workers (solo pool, each in its own thread) consuming ``queue``.

    Starting a worker with ``queues=`` selects them on the app itself (``app.amqp.queues``); that is
    undone afterwards, or later workers in this process (tests/kernel) would consume only this queue.
    The workers poll the broker without kombu's event loop (``use_eventloop=False``): that loop is a
    process-wide global, so two workers in one process would share it and one of them would starve."""
    queues = app.amqp.queues
    selected_before = queues._consume_from
    try:
        with ExitStack() as stack:
            stack.enter_context(prompt_shutdown())
            for i in range(n):
                stack.enter_context(start_worker(
                    app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[queue.name],
                    hostname=f"sweep{i}-{queue.name}@test", use_eventloop=False,
                ))
            yield
    finally:
        queues._consume_from = selected_before
        queues.pop(queue.name, None)


def sweep_on_workers(queue, n: int = 1):
    """Queue ``n`` clock.sweep tasks for the running workers and wait until they have all run."""
    already = len(queue.finished)
    for _ in range(n):
        sweep_task.apply_async(queue=queue.name)
    wait_for(lambda: len(queue.finished) >= already + n,
             what=lambda: f"{n} sweep task(s) to finish (finished: {queue.finished[already:]})")
    states = queue.finished[already:]
    assert states == ["SUCCESS"] * n, states
    return states


def run_sweeps(queue, n: int = 1, *, n_workers: int = 1):
    """Start real workers, let them run ``n`` clock.sweep tasks, stop them."""
    with workers(queue, n_workers):
        return sweep_on_workers(queue, n)


def make_deadline(due, *, person, team, label="ICPC", opened=LONG_AGO) -> Deadline:
    child = ChildFactory()
    return Deadline.objects.create(
        rule_key="icpc", subject_type=ContentType.objects.get_for_model(child), subject_id=child.pk,
        label=f"{label} for {child.local_child_id}", anchor_date=workdays.add_working_days(due, -15),
        due_date=due, responsible_person=person, responsible_team=team, created_at=opened,
    )


def deadlines_due_in_every_stage(person, team, per_kind: int = 1) -> dict[int, set[str]]:
    """Deadlines relative to the real today (the workers sweep as of today), one or more of each kind;
    returns deadline id -> the stages today's sweep must remind once."""
    today = timezone.localdate()
    kinds = [
        (workdays.add_working_days(today, 5), {"due_soon:5"}),
        (workdays.add_working_days(today, 1), {"due_soon:1"}),
        (today, {"due_today"}),
        (workdays.add_working_days(today, -1), {"overdue"}),
        (workdays.add_working_days(today, -4), {"overdue", f"escalated:{settings.ESCALATE_AFTER_WORKING_DAYS}"}),
    ]
    out = {}
    for _ in range(per_kind):
        for due, stages in kinds:
            out[make_deadline(due, person=person, team=team).pk] = stages
    return out


def assert_each_reminder_once(expected: dict[int, set[str]], person, managers):
    claims = Counter(ReminderClaim.objects.values_list("deadline_id", "stage"))
    assert set(claims) == {(d, s) for d, stages in expected.items() for s in stages}
    assert set(claims.values()) == {1}
    assert not ReminderClaim.objects.filter(sent_at__isnull=True).exists()
    to_person = sum(1 for stages in expected.values() for s in stages if not s.startswith("escalated"))
    escalations = sum(1 for stages in expected.values() for s in stages if s.startswith("escalated"))
    assert Notification.objects.filter(recipient=person).count() == to_person
    for manager in managers:
        assert Notification.objects.filter(recipient=manager).count() == escalations
    assert Notification.objects.count() == to_person + escalations * len(managers)
    duplicates = Counter(Notification.objects.values_list("recipient_id", "url", "subject"))
    assert max(duplicates.values()) == 1


@pytest.fixture
def people(la, team):
    worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker")
    managers = [make_user(la, Role.TEAM_MANAGER, team=team, full_name=f"Manager {i}") for i in range(2)]
    return SimpleNamespace(person=worker, managers=managers, team=team)


# --- the tests ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_sweep_task_run_twice_delivers_every_reminder_once(people, sweep_queue):
    expected = deadlines_due_in_every_stage(people.person, people.team)
    run_sweeps(sweep_queue, 2)

    runs = list(SweepRun.objects.order_by("started_at"))
    assert len(runs) == 2 and all(r.finished_at for r in runs)
    reminders_due = sum(len(s) for s in expected.values())
    assert (runs[0].claimed, runs[0].sent) == (reminders_due, reminders_due)
    assert (runs[1].claimed, runs[1].sent, runs[1].retried) == (0, 0, 0)
    assert_each_reminder_once(expected, people.person, people.managers)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_every_reminder_once(people, sweep_queue, monkeypatch):
    monkeypatch.setattr(reminders, "BATCH", 7)  # many small delivery batches, so that the sweeps interleave
    expected = deadlines_due_in_every_stage(people.person, people.team, per_kind=12)
    run_sweeps(sweep_queue, 8, n_workers=2)
    assert len(sweep_queue.worker_threads) == 2, sweep_queue.worker_threads  # both workers ran sweeps

    runs = SweepRun.objects.filter(finished_at__isnull=False)
    assert sum(r.sent for r in runs) == sum(len(s) for s in expected.values())
    assert_each_reminder_once(expected, people.person, people.managers)


@pytest.mark.django_db(transaction=True)
@override_settings(REMINDER_CLAIM_LEASE_SECONDS=0)
def test_concurrent_sweeps_that_steal_every_unsent_claim_still_deliver_each_once(people, monkeypatch):
    """The harshest case: eight threads sweep at once, again and again for a second and a half, each on
    its own database connection, with a lease of 0 s, so every sweep that gets the lock takes over every
    claim not yet marked sent, including those another sweep is delivering at that moment."""
    monkeypatch.setattr(reminders, "BATCH", 5)
    write_batch = reminders._write_batch

    def slow_write_batch(*args, **kwargs):  # widen the window between locking a batch and committing it
        settled = write_batch(*args, **kwargs)
        time.sleep(0.02)
        return settled

    monkeypatch.setattr(reminders, "_write_batch", slow_write_batch)
    expected = deadlines_due_in_every_stage(people.person, people.team, per_kind=10)
    start = threading.Barrier(8)
    results: list = []
    errors: list = []

    def sweeper():
        try:
            start.wait(timeout=30)
            until = time.monotonic() + 1.5  # keep sweeping while others deliver
            while time.monotonic() < until:
                results.append(reminders.sweep())
                time.sleep(0.005)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    ran = [r for r in results if r is not None]
    assert ran, "no sweep got the lock"
    assert sum(r.sent for r in ran) == sum(len(s) for s in expected.values())
    assert_each_reminder_once(expected, people.person, people.managers)


class WorkerKilled(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["after the claim committed", "inside the delivery transaction"])
def test_a_worker_killed_between_claim_and_send(people, sweep_queue, monkeypatch, where):
    expected = deadlines_due_in_every_stage(people.person, people.team, per_kind=2)
    reminders_due = sum(len(s) for s in expected.values())

    # 1. A sweep claims (committed) and its worker dies before anything is delivered.
    if where == "after the claim committed":
        dead = reminders.claim(worker="dying-worker")
        assert dead.run.claimed == reminders_due
    else:
        write_batch = reminders._write_batch

        def killed(*args, **kwargs):  # the batch is written, and the worker dies before its commit
            write_batch(*args, **kwargs)
            raise WorkerKilled

        with monkeypatch.context() as m:
            m.setattr(reminders, "_write_batch", killed)
            with pytest.raises(WorkerKilled):
                reminders.sweep(worker="dying-worker")
    dead_run = SweepRun.objects.get(worker="dying-worker")
    token = f"dying-worker#{dead_run.pk}"
    assert dead_run.finished_at is None
    assert ReminderClaim.objects.filter(sent_at__isnull=True, claimed_by=token).count() == reminders_due
    assert not Notification.objects.exists()

    with workers(sweep_queue):
        # 2. A sweep within the lease does not steal the claims (their worker may only be slow).
        sweep_on_workers(sweep_queue)
        within = SweepRun.objects.exclude(pk=dead_run.pk).get()
        assert (within.claimed, within.retried, within.sent) == (0, 0, 0)
        assert ReminderClaim.objects.filter(sent_at__isnull=True, claimed_by=token).count() == reminders_due
        assert not Notification.objects.exists()

        # 3. Once the lease has run out, the next sweep on a real worker takes them over and delivers each once.
        lease = datetime.timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
        ReminderClaim.objects.update(claimed_at=timezone.now() - lease - datetime.timedelta(seconds=1))
        sweep_on_workers(sweep_queue)
        retry = SweepRun.objects.exclude(pk__in=[dead_run.pk, within.pk]).get()
        assert (retry.claimed, retry.retried, retry.sent) == (0, reminders_due, reminders_due)
        assert set(ReminderClaim.objects.values_list("attempts", flat=True)) == {2}
        assert_each_reminder_once(expected, people.person, people.managers)

        # 4. The "dead" worker coming back to life later sends nothing twice.
        if where == "after the claim committed":
            assert reminders.deliver(dead).sent == 0
        sweep_on_workers(sweep_queue)
        assert_each_reminder_once(expected, people.person, people.managers)


@pytest.mark.django_db
def test_while_another_sweep_holds_the_advisory_lock_a_sweep_claims_nothing(people):
    expected = deadlines_due_in_every_stage(people.person, people.team)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [reminders.ADVISORY_LOCK_KEY])
        assert reminders.sweep() is None
        assert reminders.claim() is None
        assert not SweepRun.objects.exists()
        assert not ReminderClaim.objects.exists()
        assert not Notification.objects.exists()
        assert Deadline.objects.filter(status=Deadline.Status.OVERDUE).count() == 0  # nothing marked either
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [reminders.ADVISORY_LOCK_KEY])
    finally:
        other.close()
    run = reminders.sweep()
    assert run.sent == sum(len(s) for s in expected.values())
    assert_each_reminder_once(expected, people.person, people.managers)
