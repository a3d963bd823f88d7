"""The sweep's query count does not grow with the number of deadlines or reminders (up to one delivery
batch, reminders.BATCH; beyond that a fixed number per batch). The sweep writes the reminder emails to
the outbox and sends none itself (ADR 8)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.clock import reminders, workdays
from safeguarding.clock.models import Deadline, ReminderClaim
from safeguarding.notify.models import DeliveryPreference, Notification, OutboxEmail
from tests.factories import ChildFactory, Role, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
# (due date, status) of each kind of deadline, and the reminders each gets on TODAY
KINDS = [
    (workdays.add_working_days(TODAY, 5), Deadline.Status.OPEN, 1),  # due_soon:5
    (workdays.add_working_days(TODAY, 1), Deadline.Status.OPEN, 1),  # due_soon:1
    (TODAY, Deadline.Status.OPEN, 1),  # due_today
    (workdays.add_working_days(TODAY, -1), Deadline.Status.OPEN, 1),  # overdue (marked now)
    (workdays.add_working_days(TODAY, -4), Deadline.Status.OVERDUE, 2),  # overdue and escalated:3
    (workdays.add_working_days(TODAY, -4), Deadline.Status.MET_LATE, 0),
    (workdays.add_working_days(TODAY, 20), Deadline.Status.OPEN, 0),
]


@pytest.fixture
def world(la, team, other_team, team_manager):
    """Two teams, each with a manager, several people, one of whom wants a digest."""
    child = ChildFactory()
    people = [make_user(la, Role.SOCIAL_WORKER, team=t) for t in (team, other_team) for _ in range(3)]
    make_user(la, Role.TEAM_MANAGER, team=other_team)
    DeliveryPreference.objects.create(user=people[1], delivery=DeliveryPreference.Delivery.DIGEST)
    return child, people, [team, other_team]


def make_deadlines(world, n: int) -> int:
    """``n`` deadlines spread over every kind; returns how many reminders TODAY's sweep should claim."""
    child, people, teams = world
    ct = ContentType.objects.get_for_model(child)
    created = timezone.make_aware(datetime.datetime(2026, 10, 1, 12))
    rows, expected = [], 0
    for i in range(n):
        due, status, reminders_due = KINDS[i % len(KINDS)]
        rows.append(Deadline(
            rule_key="icpc", subject_type=ct, subject_id=child.pk, label=f"Deadline {i}", anchor_date=due,
            due_date=due, status=status, met_on=due if status == Deadline.Status.MET_LATE else None,
            responsible_person=people[i % len(people)], responsible_team=teams[i % len(teams)], created_at=created,
        ))
        expected += reminders_due
    Deadline.objects.bulk_create(rows)
    return expected


def count_sweep(django_capture_on_commit_callbacks):
    """The queries of one sweep, including anything run after its commits (there is nothing: its emails
    wait in the outbox for the outbox task)."""
    with freeze_time(timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))):
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
            run = reminders.sweep()
    return run, len(ctx.captured_queries)


def test_one_sweep_takes_the_same_number_of_queries_for_5_or_200_deadlines(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    counts = {}
    for n in (5, 200):
        ReminderClaim.objects.all().delete()
        Notification.objects.all().delete()
        OutboxEmail.objects.all().delete()
        Deadline.objects.all().update(status=Deadline.Status.CANCELLED)
        expected = make_deadlines(world, n)
        emails_before = len(mailoutbox)
        run, counts[n] = count_sweep(django_capture_on_commit_callbacks)
        assert run.claimed == run.sent == expected
        assert Notification.objects.count() >= expected  # escalations go to each manager of the team
        assert len(mailoutbox) == emails_before  # the sweep sends no email, not even after its commits
        # ... but writes one for each notification of a person who wants them straight away
        immediate = Notification.objects.exclude(recipient__delivery_preference__delivery="digest")
        assert OutboxEmail.objects.filter(status="pending").count() == immediate.count() > 0
        assert set(immediate.values_list("email__status", flat=True)) == {"pending"}
        print(f"\nsweep of {n} deadlines ({expected} reminders): {counts[n]} queries")
    assert counts[5] == counts[200]


def test_a_sweep_with_nothing_to_do_is_a_handful_of_queries(world):
    with CaptureQueriesContext(connection) as ctx:
        run = reminders.sweep(today=TODAY)
    assert run.claimed == 0
    # closure days, the lock, the run, overdue, stale claims, one insert per stage (5), the run again, one
    # (empty) delivery batch, the run finished, and two savepoints (SAVEPOINT and RELEASE) of the test transaction
    assert len(ctx.captured_queries) <= 17, [q["sql"][:120] for q in ctx.captured_queries]
