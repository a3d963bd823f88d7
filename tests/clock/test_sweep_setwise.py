"""The sweep delivers set-wise (issue 9): a fixed number of statements however many reminders, stages and
recipients; one statement writes a batch's notifications and emails and marks its claims sent; and what it
writes is, word for word, what the reminder rule says (``expected_message`` below, the rule as it was
written in Python before delivery moved into SQL), on a real calendar with bank holidays and closure days.
"""

import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.accounts.models import Membership, User
from safeguarding.clock import reminders, rules, workdays
from safeguarding.clock.models import Deadline, LocalClosureDay, ReminderClaim
from safeguarding.clock.services import closures
from safeguarding.notify import services as notify_services
from safeguarding.notify.models import DeliveryPreference, Notification, OutboxEmail
from safeguarding.notify.outbox import wants_email
from tests.factories import ChildFactory, Role, TeamFactory, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


# --- the rule, in Python (the oracle) ---------------------------------------------------------------------
def _long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def expected_message(deadline: Deadline, stage: str, today: datetime.date, closed) -> tuple[str, str]:
    """Subject and body of the reminder for ``stage`` of ``deadline``, as of ``today``."""
    rule = rules.all_rules().get(deadline.rule_key)
    what = rule.description if rule else deadline.label
    due = _long_date(deadline.due_date)
    if stage.startswith("due_soon"):
        left = workdays.working_days_between(today, deadline.due_date, closed)
        return (f"Due soon: {deadline.label}",
                f"{what} is due on {due}, in {_plural(left, 'working day')}.")
    if stage == "due_today":
        return f"Due today: {deadline.label}", f"{what} is due today, {due}."
    if stage == "overdue":
        return (f"Overdue: {deadline.label}",
                f"{what} was due on {due}. Record when it was met, or the reason for the delay.")
    late = workdays.working_days_between(deadline.due_date, today, closed)
    who = deadline.responsible_person.display_name if deadline.responsible_person else "Nobody"
    team = deadline.responsible_team.name if deadline.responsible_team else "the responsible team"
    return (f"Escalated, overdue: {deadline.label}",
            f"{what} was due on {due} and is still not met, {_plural(late, 'working day')} later. "
            f"{who} is responsible. You are told as a manager of {team}.")


def managers_of(team) -> list[User]:
    if team is None:
        return []
    return list(User.objects.filter(is_active=True, memberships__is_active=True, memberships__team=team,
                                    memberships__roles__contains=[Role.TEAM_MANAGER]).distinct())


def expected_notifications(today: datetime.date, claims) -> Counter:
    """(recipient, subject, body, url) of every notification the sweep should write for ``claims``."""
    closed = closures()
    out: Counter = Counter()
    for c in claims:
        d = Deadline.objects.select_related("responsible_person", "responsible_team").get(pk=c.deadline_id)
        if not d.is_open:
            continue
        if c.stage.startswith("escalated"):
            recipients = [m.pk for m in managers_of(d.responsible_team)]
        else:
            recipients = [d.responsible_person_id] if d.responsible_person_id else []
        subject, body = expected_message(d, c.stage, today, closed)
        for r in recipients:
            out[(r, subject[:200], body, f"/deadlines/{d.public_id}/")] += 1
    return out


def written_notifications(since_id: int = 0) -> Counter:
    return Counter(Notification.objects.filter(pk__gt=since_id).values_list("recipient_id", "subject", "body", "url"))


LONG_AGO = D(2020, 1, 6)


def make_deadline(due, *, person=None, team=None, label=None, rule_key="icpc", opened=LONG_AGO,
                  status=Deadline.Status.OPEN) -> Deadline:
    child = ChildFactory()
    return Deadline.objects.create(
        rule_key=rule_key, subject_type=ContentType.objects.get_for_model(child), subject_id=child.pk,
        label=label or f"ICPC for {child.local_child_id}", anchor_date=due - datetime.timedelta(days=21),
        due_date=due, status=status, met_on=due if status == Deadline.Status.MET_LATE else None,
        responsible_person=person, responsible_team=team, created_at=at_noon(opened),
    )


# --- a world with every kind of recipient ----------------------------------------------------------------
@pytest.fixture
def world(la, team, other_team, team_manager):
    """Three teams: ``team`` with two managers; ``other_team`` with one manager, one whose membership ended
    and one who left; ``quiet`` with none. Their people: at once, on the daily digest, deactivated, with no
    full name."""
    make_user(la, Role.TEAM_MANAGER, team=team, full_name="Dee Deputy")
    make_user(la, Role.TEAM_MANAGER, Role.SOCIAL_WORKER, team=other_team, full_name="Otto Other")
    former = make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Former Manager")
    Membership.objects.filter(user=former).update(is_active=False)
    make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Left The Council", is_active=False)
    quiet = TeamFactory(agency=la, name="Quiet Team")
    people = [
        make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Ida Immediate"),
        make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Dora Digest"),
        make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Gone Away", is_active=False),
        make_user(la, Role.SOCIAL_WORKER, team=quiet, full_name=""),
    ]
    DeliveryPreference.objects.create(user=people[1], delivery=DeliveryPreference.Delivery.DIGEST)
    return {"people": people, "teams": [team, other_team, quiet]}


TODAY = D(2026, 11, 25)  # a Wednesday
# (due date, status, reminders TODAY's sweep claims)
KINDS = [
    (workdays.add_working_days(TODAY, 5), Deadline.Status.OPEN, 1),  # due_soon:5
    (workdays.add_working_days(TODAY, 1), Deadline.Status.OPEN, 1),  # due_soon:1
    (TODAY, Deadline.Status.OPEN, 1),  # due_today
    (workdays.add_working_days(TODAY, -1), Deadline.Status.OPEN, 1),  # overdue (marked now)
    (workdays.add_working_days(TODAY, -4), Deadline.Status.OVERDUE, 2),  # overdue and escalated:3
    (workdays.add_working_days(TODAY, -4), Deadline.Status.MET_LATE, 0),
    (workdays.add_working_days(TODAY, 20), Deadline.Status.OPEN, 0),
]


def make_reminders(world, n: int) -> int:
    """Deadlines of every kind, for every pair of person and team (and none), until TODAY's sweep has exactly
    ``n`` reminders to deliver. Returns how many deadlines were made."""
    people, teams = world["people"], world["teams"]
    owners = [(p, t) for p in [*people, None] for t in [*teams, None]]  # 20 pairs, visited with a stride of 7
    child = ChildFactory()
    ct = ContentType.objects.get_for_model(child)
    rows, reminders_due = [], 0
    while reminders_due < n:
        i = len(rows)
        due, status, count = KINDS[i % len(KINDS)]
        if reminders_due + count > n:
            due, status, count = KINDS[0]
        person, team = owners[i * 7 % len(owners)]
        rows.append(Deadline(
            rule_key="icpc", subject_type=ct, subject_id=child.pk, label=f"Deadline {i}", anchor_date=due, due_date=due,
            status=status, met_on=due if status == Deadline.Status.MET_LATE else None, responsible_person=person,
            responsible_team=team, created_at=at_noon(D(2026, 10, 1)),
        ))
        reminders_due += count
    Deadline.objects.bulk_create(rows)
    return len(rows)


def sweep_captured():
    with freeze_time(at_noon(TODAY)), CaptureQueriesContext(connection) as ctx:
        run = reminders.sweep()
    return run, [q["sql"] for q in ctx.captured_queries]


def test_a_sweep_takes_the_same_statements_for_5_or_200_reminders_across_stages_and_recipients(world):
    statements, delivered = {}, {}
    for n in (5, 200):
        ReminderClaim.objects.all().delete()
        Notification.objects.all().delete()
        OutboxEmail.objects.all().delete()
        Deadline.objects.all().update(status=Deadline.Status.CANCELLED, met_on=None)
        make_reminders(world, n)
        run, statements[n] = sweep_captured()
        assert run.claimed == run.sent == n
        claims = list(ReminderClaim.objects.all())
        kinds = {c.stage.split(":")[0] for c in claims}
        assert kinds == {"due_soon", "due_today", "overdue", "escalated"} if n == 200 else len(kinds) >= 3
        expected = expected_notifications(TODAY, claims)
        assert written_notifications() == expected
        immediate = [r for (r, *_rest), k in expected.items() for _ in range(k)
                     if wants_email(User.objects.get(pk=r)) and notify_services.delivery_of(User.objects.get(pk=r))
                     == DeliveryPreference.Delivery.IMMEDIATE]
        assert OutboxEmail.objects.filter(status="pending").count() == len(immediate)
        delivered[n] = (Notification.objects.count(), OutboxEmail.objects.count())
        assert Notification.objects.values("recipient").distinct().count() >= (7 if n == 200 else 2)
        print(f"\nsweep of {n} reminders ({delivered[n][0]} notifications, {delivered[n][1]} emails): "
              f"{len(statements[n])} statements")
    assert delivered[200] > delivered[5]
    assert len(statements[5]) == len(statements[200])
    assert [s.split()[0] for s in statements[5]] == [s.split()[0] for s in statements[200]]
    # one statement delivers: it marks the claims sent and writes the notifications and their emails
    writers = [s for s in statements[200] if "notify_notification" in s or "notify_outboxemail" in s]
    assert len(writers) == 1
    assert all(f"{word} " in writers[0] for word in ("UPDATE clock_reminderclaim", "INSERT INTO notify_notification",
                                                     "INSERT INTO notify_outboxemail"))


def test_a_sweep_of_1_000_reminders_takes_one_delivery_statement(world):
    """Five times the larger sweep above, still one delivery statement (the bench sweeps a million)."""
    make_reminders(world, 1_000)
    run, statements = sweep_captured()
    assert run.claimed == run.sent == 1_000
    assert len([s for s in statements if "notify_notification" in s]) == 1
    assert written_notifications() == expected_notifications(TODAY, ReminderClaim.objects.all())


def test_beyond_a_batch_one_more_statement_per_batch(world, monkeypatch):
    monkeypatch.setattr(reminders, "BATCH", 40)
    make_reminders(world, 100)
    run, statements = sweep_captured()
    assert run.claimed == run.sent == 100
    assert len([s for s in statements if "notify_notification" in s]) == 3  # 40, 40 and 20
    assert written_notifications() == expected_notifications(TODAY, ReminderClaim.objects.all())
    assert not ReminderClaim.objects.filter(sent_at__isnull=True).exists()


# --- the words -------------------------------------------------------------------------------------------
def test_the_words_in_sql_are_the_rules_words_on_a_real_calendar(la, team, other_team, team_manager, social_worker):
    """Christmas and New Year (25 and 28 December, 1 January), a closure day on the 29th, due dates on
    closed days, long ago and far ahead, an unknown rule, no one responsible, a person with no name, and
    labels with line breaks and control characters; swept on several days."""
    LocalClosureDay.objects.create(date=D(2026, 12, 29), name="Council closure")
    LocalClosureDay.objects.create(date=D(2027, 1, 2), name="A Saturday closure (counts for nothing)")
    unnamed = make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="")
    make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Otto Other")
    owners = [(social_worker, team), (None, team), (unnamed, other_team), (social_worker, None)]
    dues = [D(2026, 12, 23), D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31),
            D(2027, 1, 1), D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 6), D(2027, 1, 8), D(2026, 12, 14),
            D(2026, 11, 21), D(2025, 12, 24), D(1998, 3, 2)]
    labels = ["ICPC for LC0001234", "Review for LC7\r\nBcc: x@evil.test", "Tab\there\u2028and\x07bell  ",
              "L" * 290 + " end"]
    i = 0
    for due in dues:
        for person, t in owners:
            make_deadline(due, person=person, team=t, label=labels[i % len(labels)],
                          rule_key=["icpc", "rcpc_first", "not_a_rule_any_more"][i % 3])
            i += 1
    nobody_responsible = 0
    for day in (D(2026, 12, 22), D(2026, 12, 30), D(2027, 1, 4), D(2027, 1, 7)):
        before_notes = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        before_claims = set(ReminderClaim.objects.values_list("pk", flat=True))
        with freeze_time(at_noon(day)):
            run = reminders.sweep()
        new_claims = ReminderClaim.objects.exclude(pk__in=before_claims)
        assert run.sent == new_claims.count() > 0
        expected = expected_notifications(day, new_claims)
        assert written_notifications(before_notes) == expected, day
        nobody_responsible += sum(k for (_r, _s, body, _u), k in expected.items() if "Nobody is responsible" in body)
    assert nobody_responsible > 0
    stages = set(ReminderClaim.objects.values_list("stage", flat=True))
    assert stages == {"due_soon:5", "due_soon:1", "due_today", "overdue", "escalated:3"}

    # and each email is the one notify_many would write for its notification
    emails = 0
    for note in Notification.objects.select_related("recipient", "email"):
        if note.email is None:
            assert not (wants_email(note.recipient) and notify_services.delivery_of(note.recipient) == "immediate")
            continue
        python = notify_services._email_of(note, note.recipient)
        assert (note.email.to, note.email.recipient_id, note.email.topic, note.email.subject, note.email.body) == (
            python.to, python.recipient_id, python.topic, python.subject, python.body)
        assert "\n" not in note.email.subject and "\x07" not in note.email.subject
        emails += 1
    assert emails > 50


def test_working_days_in_sql_are_workdays_working_days_between():
    closed = frozenset({D(2026, 12, 29), D(2027, 1, 2), D(2027, 1, 1), D(2026, 12, 7)})  # a Saturday; a bank holiday
    pairs = []
    for s in range(60):
        start = D(2026, 11, 20) + datetime.timedelta(days=s)
        pairs += [(start, start + datetime.timedelta(days=k)) for k in range(-30, 31)]
    pairs += [(D(2026, 12, 30), D(1999, 12, 31)), (D(1999, 12, 31), D(2026, 12, 30)), (D(2026, 1, 1), D(2031, 6, 30)),
              (D(1900, 1, 1), D(1900, 1, 8)), (D(2026, 4, 2), D(2026, 4, 7))]
    sql = reminders.working_days_between_sql("s", "e")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM unnest(%(starts)s::date[], %(ends)s::date[]) WITH ORDINALITY AS x(s, e, n) "
                       "ORDER BY n", {"starts": [a for a, _b in pairs], "ends": [b for _a, b in pairs],
                                      "closed": reminders.closed_weekdays(D(2026, 12, 30), closed)})
        got = [row[0] for row in cursor.fetchall()]
    assert got == [workdays.working_days_between(a, b, closed) for a, b in pairs]


# --- plans ---------------------------------------------------------------------------------------------
def test_the_claims_read_their_candidates_from_the_open_deadlines_index_alone(world):
    """Every stage's candidates come from ``deadline_open_due`` (an index-only scan: no heap read per open
    deadline); the planner may prefer a sequential scan of a small test table, so it is told not to."""
    make_reminders(world, 50)
    with freeze_time(at_noon(TODAY)), CaptureQueriesContext(connection) as ctx:
        reminders.claim()
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT INTO clock_reminderclaim")]
    assert len(inserts) == 5
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql in inserts:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using deadline_open_due on clock_deadline" in plan, plan
        transaction.set_rollback(True)
