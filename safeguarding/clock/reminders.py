"""The reminder sweep: exactly-once reminders through a ledger, under a PostgreSQL advisory lock.

Stages per open deadline (settings: REMINDER_DAYS_BEFORE, ESCALATE_AFTER_WORKING_DAYS), all evaluated
as of the day of the sweep (so a sweep after an outage sends only what is still meaningful: a
deadline now 4 working days overdue gets "overdue" and "escalated", not "due soon" or "due today"):

- ``due_soon:N`` when it falls due in N working days or fewer, down to the next tighter band (the
  bands do not overlap). Only the tightest band applies to a deadline opened inside a looser one: a
  band other than the tightest reminds only deadlines that were already open N working days before
  their due date. So with bands 5 and 1 a deadline opened 10 working days before it is due gets two
  "due soon" reminders (5 and 1 working days before), one opened 2 working days before it is due gets
  one (``due_soon:1``, the day before);
- ``due_today`` on the due date;
- ``overdue`` after the due date, to the responsible person (the deadline is marked overdue, with a
  history row);
- ``escalated:N`` from the N-th working day after the due date (bank holidays and local closure days
  do not count), to the team managers of the responsible team.

The ledger key is (deadline, stage). A deadline recomputed to a later date is reminded by its new due
date, but a stage it has already been reminded at is not sent again.

1. **Claim** (:func:`claim`: one transaction, under ``pg_try_advisory_xact_lock``): mark overdue
   deadlines (one ``UPDATE … RETURNING`` feeding the history insert), take over claims whose lease
   (REMINDER_CLAIM_LEASE_SECONDS) ran out, and write ledger rows with one ``INSERT … SELECT … ON
   CONFLICT DO NOTHING`` per stage. A reminder whose row exists is never claimed again, so a sweep that
   runs twice, or late after an outage, claims each reminder once.
2. **Deliver** (:func:`deliver`: one statement per batch of BATCH claims, each in its own transaction;
   :func:`delivery_sql`): lock the sweep's unsent claims (``FOR UPDATE SKIP LOCKED``), mark them sent
   (one ``UPDATE``), and write the notifications and the emails of the people who get them straight away
   (``INSERT … SELECT`` from the claims joined to their deadlines and recipients, through
   ``notify.services.notify_set_sql``), all in one commit. The words are rendered in SQL, working days
   included (:func:`working_days_between_sql`). A worker killed before that commit leaves its claims
   unsent; once their lease has run out the next sweep takes them over (counted as ``retried``) and
   delivers them. The sweep never sends an email itself (ADR 8): the outbox task
   (``notify.deliver_emails``, every minute) sends them, so a slow or failing mail server never holds
   the sweep, and a broker or mail outage delays the emails without losing them.

The statements of a sweep do not depend on how many deadlines or reminders there are (a fixed number up to
BATCH reminders, far above a day's; one more per BATCH after a long outage at a large scale);
tests/clock/test_sweep_setwise.py holds it to that.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Case, DateField, F, Q, Value, When
from django.utils import timezone

from safeguarding.accounts.models import Membership, Role, Team
from safeguarding.notify.services import notify_set_sql

from . import rules, workdays
from .models import Deadline, ReminderClaim, SweepRun
from .services import closures

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x5347480  # "SGH" + 0: the reminder sweep
# Claims per delivery statement: a bound on one transaction, far above one day's reminders (about 26,000 at
# 1,000,000 open deadlines); only a sweep after a long outage at a large scale takes more than one.
BATCH = 100_000
OVERDUE_REASON = "Past its due date"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def nth_working_day_on_or_before(day: date, n: int, closed: frozenset[date]) -> date:
    """The n-th working day counting back from ``day`` (``day`` itself counts when it is a working day).

    ``x < nth_working_day_on_or_before(day, n)`` exactly when there are at least n working days in
    ``(x, day]``, whether or not ``x`` is a working day. ``n <= 0`` gives the day after ``day``."""
    if n <= 0:
        return day + timedelta(days=1)
    if workdays.is_working_day(day, closed):
        return workdays.add_working_days(day, -(n - 1), closed)
    return workdays.add_working_days(day, -n, closed)


def _opened_in_time(lower: date, upper: date, n: int, closed: frozenset[date]) -> Q:
    """Deadlines due in ``(lower, upper]`` that were open at least n working days before their due date.

    One comparison with a ``CASE`` on the due date (not an ``OR`` per day), so that the candidates are read
    from the index ``deadline_open_due`` alone."""
    opened_before = []
    day = lower + timedelta(days=1)
    while day <= upper:
        opened_before.append(When(due_date=day, then=Value(nth_working_day_on_or_before(day, n, closed))))
        day += timedelta(days=1)
    return Q(created_at__date__lt=Case(*opened_before, default=None, output_field=DateField()))


def stage_windows(today: date, closed: frozenset[date]) -> list[tuple[str, Q]]:
    """(stage key, condition on Deadline) for every stage, as of ``today``."""
    windows: list[tuple[str, Q]] = []
    thresholds = sorted({n for n in settings.REMINDER_DAYS_BEFORE if n > 0}, reverse=True)
    for i, n in enumerate(thresholds):
        upper = workdays.add_working_days(today, n, closed)
        tightest = i + 1 == len(thresholds)
        lower = workdays.add_working_days(today, 0 if tightest else thresholds[i + 1], closed)
        condition = Q(due_date__gt=lower, due_date__lte=upper)
        if not tightest:
            condition &= _opened_in_time(lower, upper, n, closed)
        windows.append((f"due_soon:{n}", condition))
    windows.append(("due_today", Q(due_date=today)))
    windows.append(("overdue", Q(due_date__lt=today)))
    n = settings.ESCALATE_AFTER_WORKING_DAYS
    escalate_before = min(today, nth_working_day_on_or_before(today, n, closed))  # overdue, whatever n is
    windows.append((f"escalated:{n}", Q(due_date__lt=escalate_before)))
    return windows


def _claim_stages(today: date, closed: frozenset[date], token: str) -> int:
    """Write ledger rows for every reminder due now. Returns how many were newly claimed."""
    claimed = 0
    open_deadlines = Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES)
    now = timezone.now()
    for stage, condition in stage_windows(today, closed):
        select_sql, params = (
            open_deadlines.filter(condition).order_by().values_list("pk", "due_date").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ReminderClaim._meta.db_table} "
                "(deadline_id, due_date, stage, claimed_at, claimed_by, attempts) "
                f"SELECT sub.id, sub.due_date, %s, %s, %s, 1 FROM ({select_sql}) AS sub(id, due_date) "
                "ON CONFLICT (deadline_id, due_date, stage) DO NOTHING",
                [stage, now, token, *params],
            )
            claimed += cursor.rowcount
    return claimed


def _reclaim_stale(token: str) -> int:
    """Claims whose worker died before marking them sent: take them over (they are retried)."""
    stale_before = timezone.now() - timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    return ReminderClaim.objects.filter(sent_at__isnull=True, claimed_at__lt=stale_before).update(
        claimed_by=token, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )


def _mark_overdue(today: date) -> int:
    """Open deadlines past their due date become overdue, each with a history row: one statement,
    however many there are (``UPDATE … RETURNING`` feeding ``INSERT … SELECT`` into the history)."""
    history = Deadline.history.model
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in history.tracked_fields)
    sql = (
        f"WITH late AS (UPDATE {qn(Deadline._meta.db_table)} SET status = %s "
        f"WHERE status = %s AND due_date < %s RETURNING {columns}) "
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {columns}, %s, %s, '~', NULL FROM late"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Deadline.Status.OVERDUE, Deadline.Status.OPEN, today, timezone.now(), OVERDUE_REASON])
        return cursor.rowcount


# --- delivery, set-wise ----------------------------------------------------------------------------
# Working days in SQL. W(x), the working days from EPOCH (a Monday) up to and including x, is the weekdays
# (arithmetic) less the closed weekdays (bank holidays and local closure days; ``width_bucket`` counts how many
# of the sorted list fall on or before x, a binary search). Then, exactly as workdays.working_days_between:
# forwards (end >= start) W(end) - W(start); backwards -(W(start - 1) - W(end - 1)).
EPOCH = date(1900, 1, 1)  # a Monday
CALENDAR_YEARS_AHEAD = 10  # bank holidays are listed from EPOCH to the end of this many years after today


def _working_day_number(day: str) -> str:
    days = f"(({day}) - DATE '{EPOCH.isoformat()}')"
    weeks = f"floor({days} / 7.0)::int"
    return f"(5 * {weeks} + least({days} - 7 * {weeks} + 1, 5) - width_bucket({day}, %(closed)s::date[]))"


def working_days_between_sql(start: str, end: str) -> str:
    """SQL for ``workdays.working_days_between(start, end, closed)`` of two SQL date expressions; needs the
    parameter ``closed`` (:func:`closed_weekdays`). Exact for dates from EPOCH to the end of the calendar
    (CALENDAR_YEARS_AHEAD years after today); no deadline is due outside it."""
    return (f"(CASE WHEN ({end}) >= ({start}) THEN {_working_day_number(end)} - {_working_day_number(start)} "
            f"ELSE {_working_day_number(f'({end}) - 1')} - {_working_day_number(f'({start}) - 1')} END)")


@lru_cache(maxsize=4)
def _bank_holidays_to(year: int) -> frozenset[date]:
    return frozenset(day for day, _name in workdays.bank_holidays(EPOCH, date(year, 12, 31)))


def closed_weekdays(today: date, closed: frozenset[date]) -> list[date]:
    """The weekdays nobody works, sorted (for :func:`working_days_between_sql`): England & Wales bank holidays
    from EPOCH to CALENDAR_YEARS_AHEAD years after ``today``, and the local closure days."""
    return sorted(_bank_holidays_to(today.year + CALENDAR_YEARS_AHEAD) | {d for d in closed if d.weekday() < 5})


def _plural_sql(n: str, word: str) -> str:
    return f"({n})::text || ' {word}' || CASE WHEN ({n}) = 1 THEN '' ELSE 's' END"


def _words_sql() -> tuple[str, str]:
    """(subject, body) of a reminder in SQL, over ``c`` (the claim), ``d`` (its deadline), ``r`` (its rule),
    ``p`` (the responsible person) and ``t`` (the responsible team); as of the parameter ``today``. No names
    but the responsible person's, to the managers (ADR 5: deadline labels carry none)."""
    what = "coalesce(r.description, d.label)"
    due = "to_char(d.due_date, 'FMDay FMDD FMMonth FMYYYY')"
    left = working_days_between_sql("%(today)s::date", "d.due_date")
    late = working_days_between_sql("d.due_date", "%(today)s::date")
    who = "CASE WHEN p.id IS NULL THEN 'Nobody' ELSE coalesce(nullif(p.full_name, ''), p.email) END"
    team = "coalesce(t.name, 'the responsible team')"
    subject = ("CASE WHEN starts_with(c.stage, 'due_soon') THEN 'Due soon: ' "
               "WHEN c.stage = 'due_today' THEN 'Due today: ' WHEN c.stage = 'overdue' THEN 'Overdue: ' "
               "ELSE 'Escalated, overdue: ' END || d.label")
    body = (
        f"CASE WHEN starts_with(c.stage, 'due_soon') THEN {what} || ' is due on ' || {due} || ', in ' || "
        f"{_plural_sql(left, 'working day')} || '.' "
        f"WHEN c.stage = 'due_today' THEN {what} || ' is due today, ' || {due} || '.' "
        f"WHEN c.stage = 'overdue' THEN {what} || ' was due on ' || {due} || "
        "'. Record when it was met, or the reason for the delay.' "
        f"ELSE {what} || ' was due on ' || {due} || ' and is still not met, ' || {_plural_sql(late, 'working day')} "
        f"|| ' later. ' || {who} || ' is responsible. You are told as a manager of ' || {team} || '.' END"
    )
    return subject, body


def delivery_sql(token: str, today: date, closed: frozenset[date]) -> tuple[str, dict]:
    """The one statement, and its parameters, that delivers a batch (up to BATCH) of the claims of the sweep
    ``token``, as of ``today``:

    - ``mine``: up to ``batch`` of the sweep's unsent claims, oldest first, locked (``FOR UPDATE SKIP LOCKED``:
      a claim another transaction holds is left to it);
    - ``settled``: marks them all sent (one ``UPDATE``), whether or not there is anyone to remind;
    - ``due``: those whose deadline is still open (a deadline met or cancelled since it was claimed reminds
      nobody), with the words of their reminder;
    - ``recipients``: the responsible person, or for an escalation each active manager (an active
      membership with the team manager role) of the responsible team; a reminder with nobody to go to
      has one row without a recipient (``nobody``);
    - notify's CTEs (:func:`safeguarding.notify.services.notify_set_sql`): the notifications, and the emails
      of people who get them straight away, in the outbox for its task.

    It returns how many claims it settled, how many notifications and emails it wrote, and the open
    reminders that had nobody to go to (how many, and up to ten of their deadlines)."""
    User = get_user_model()
    subject, body = _words_sql()
    claims, deadlines = ReminderClaim._meta.db_table, Deadline._meta.db_table
    notify_ctes, notify_params = notify_set_sql("reminder_to", with_subject=True)
    all_rules = rules.all_rules()
    params = {
        **notify_params, "token": token, "batch": BATCH, "now": timezone.now(), "today": today,
        "closed": closed_weekdays(today, closed), "rule_keys": list(all_rules),
        "rule_texts": [r.description for r in all_rules.values()], "manager_role": Role.TEAM_MANAGER.value,
        "open_statuses": [str(s) for s in Deadline.OPEN_STATUSES],
    }
    sql = (
        "WITH mine AS MATERIALIZED ("
        f"SELECT id, deadline_id, stage FROM {claims} WHERE claimed_by = %(token)s AND sent_at IS NULL "
        "ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED), "
        f"settled AS (UPDATE {claims} AS sent SET sent_at = %(now)s FROM mine WHERE sent.id = mine.id "
        "RETURNING sent.id), "
        "due AS MATERIALIZED ("
        "SELECT c.id AS claim_id, c.stage, d.id AS deadline_id, d.responsible_person_id, d.responsible_team_id, "
        "d.subject_type_id, d.subject_id, "
        f"'/deadlines/' || d.public_id || '/' AS url, {subject} AS subject, {body} AS body "
        f"FROM mine c JOIN {deadlines} d ON d.id = c.deadline_id "
        "LEFT JOIN unnest(%(rule_keys)s::text[], %(rule_texts)s::text[]) AS r(key, description) ON r.key = d.rule_key "
        f"LEFT JOIN {User._meta.db_table} p ON p.id = d.responsible_person_id "
        f"LEFT JOIN {Team._meta.db_table} t ON t.id = d.responsible_team_id "
        "WHERE d.status = ANY(%(open_statuses)s::text[])), "
        # every open reminder's recipients, or one row with none (the reminder had nobody to go to)
        "recipients AS MATERIALIZED ("
        "SELECT claim_id, deadline_id, responsible_person_id AS recipient_id, subject, body, url, subject_type_id, "
        "subject_id FROM due "
        "WHERE NOT starts_with(stage, 'escalated') "
        "UNION ALL "
        "SELECT DISTINCT due.claim_id, due.deadline_id, m.user_id, due.subject, due.body, due.url, "
        "due.subject_type_id, due.subject_id FROM due "
        f"LEFT JOIN ({Membership._meta.db_table} m JOIN {User._meta.db_table} u ON u.id = m.user_id AND u.is_active) "
        "ON m.team_id = due.responsible_team_id AND m.is_active AND m.roles @> ARRAY[%(manager_role)s]::varchar[] "
        "WHERE starts_with(due.stage, 'escalated')), "
        "reminder_to AS (SELECT * FROM recipients WHERE recipient_id IS NOT NULL), "
        f"{notify_ctes}, "
        "nobody AS (SELECT claim_id, deadline_id FROM recipients WHERE recipient_id IS NULL) "
        "SELECT (SELECT count(*) FROM settled), (SELECT count(*) FROM notify_notes), "
        "(SELECT count(*) FROM notify_emails), (SELECT count(*) FROM nobody), "
        "ARRAY(SELECT deadline_id FROM nobody ORDER BY claim_id LIMIT 10)"
    )
    return sql, params


def _write_batch(cursor, token: str, today: date, closed: frozenset[date]) -> int:
    """Run :func:`delivery_sql` in the caller's transaction; returns how many claims it settled."""
    cursor.execute(*delivery_sql(token, today, closed))
    settled, notes, emails, nobody, examples = cursor.fetchone()
    if nobody:
        log.warning("%s reminders had nobody to go to (deadlines %s)", nobody, ", ".join(map(str, examples)))
    log.debug("reminder delivery: %s claims settled, %s notifications, %s emails queued", settled, notes, emails)
    return settled


def _deliver_batch(token: str, today: date, closed: frozenset[date]) -> int:
    """Deliver one batch of this sweep's unsent claims in one transaction; returns how many claims it settled."""
    with transaction.atomic(), connection.cursor() as cursor:
        return _write_batch(cursor, token, today, closed)


@dataclass
class Claimed:
    """What :func:`claim` hands to :func:`deliver`."""

    run: SweepRun
    token: str
    today: date
    closed: frozenset[date]


def claim(*, today: date | None = None, worker: str | None = None) -> Claimed | None:
    """Step 1, committed on return: the sweep's run row and its claims. None when another sweep holds
    the lock (it then claims nothing)."""
    today = today or timezone.localdate()
    closed = closures()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                log.info("reminder sweep skipped: another sweep holds the lock")
                return None
        run = SweepRun.objects.create(worker=worker or worker_name())
        token = f"{run.worker}#{run.pk}"
        run.marked_overdue = _mark_overdue(today)
        run.retried = _reclaim_stale(token)
        run.claimed = _claim_stages(today, closed, token)
        run.save(update_fields=["marked_overdue", "retried", "claimed"])
    return Claimed(run=run, token=token, today=today, closed=closed)


def deliver(claimed: Claimed) -> SweepRun:
    """Step 2: deliver every claim of this sweep, batch by batch, then mark the run finished."""
    run = claimed.run
    while True:
        delivered = _deliver_batch(claimed.token, claimed.today, claimed.closed)
        run.sent += delivered
        if delivered < BATCH:
            break
    run.finished_at = timezone.now()
    run.save(update_fields=["sent", "finished_at"])
    return run


def sweep(*, today: date | None = None, worker: str | None = None) -> SweepRun | None:
    """One sweep. Returns its SweepRun, or None when another sweep holds the lock."""
    claimed = claim(today=today, worker=worker)
    if claimed is None:
        return None
    run = deliver(claimed)
    log.info("reminder sweep: %s claimed, %s retried, %s sent, %s marked overdue",
             run.claimed, run.retried, run.sent, run.marked_overdue)
    return run
