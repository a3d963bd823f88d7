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
2. **Deliver** (:func:`deliver`: its own transactions, ``SELECT … FOR UPDATE SKIP LOCKED``): for a
   batch of this sweep's unsent claims, create the in-app notifications, write their emails to the one
   outbox and mark the claims sent, in one commit. A worker killed before that commit leaves its claims
   unsent; once their lease has run out the next sweep takes them over (counted as ``retried``) and
   delivers them. The sweep never sends an email itself (ADR 8): the outbox task
   (``notify.deliver_emails``, every minute) sends them, so a slow or failing mail server never holds
   the sweep, and a broker or mail outage delays the emails without losing them.

The number of queries of a sweep does not depend on how many deadlines there are (a fixed number per
batch of BATCH reminders).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.accounts.models import Role
from safeguarding.notify.services import notify_many

from . import rules, workdays
from .models import Deadline, ReminderClaim, SweepRun
from .services import closures

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x5347480  # "SGH" + 0: the reminder sweep
BATCH = 500
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
    """Deadlines due in ``(lower, upper]`` that were open at least n working days before their due date."""
    terms = Q(pk__in=[])
    day = lower + timedelta(days=1)
    while day <= upper:
        terms |= Q(due_date=day, created_at__date__lt=nth_working_day_on_or_before(day, n, closed))
        day += timedelta(days=1)
    return terms


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
            open_deadlines.filter(condition).values_list("pk", "due_date").query.sql_with_params()
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


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def message(deadline: Deadline, stage: str, today: date, closed: frozenset[date] = frozenset(),
            all_rules: dict[str, rules.Rule] | None = None) -> tuple[str, str]:
    """Subject and body of the reminder for ``stage`` of ``deadline``, as of ``today``."""
    rule = (all_rules if all_rules is not None else rules.all_rules()).get(deadline.rule_key)
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


def _managers_by_team(team_ids: set[int]) -> dict[int, list[int]]:
    User = get_user_model()
    out: dict[int, list[int]] = {t: [] for t in team_ids}
    if not team_ids:
        return out
    rows = (User.objects.filter(is_active=True, memberships__is_active=True, memberships__team_id__in=team_ids,
                                memberships__roles__contains=[Role.TEAM_MANAGER])
            .order_by().values_list("pk", "memberships__team_id").distinct())
    for user_id, team_id in rows:
        out[team_id].append(user_id)
    return out


def _deliver_batch(token: str, today: date, closed: frozenset[date]) -> int:
    """Deliver one batch of this sweep's unsent claims; returns how many claims it settled."""
    with transaction.atomic():
        # Lock the batch by id alone, then load it: joining and sorting every unsent claim for each batch
        # (what the planner does when a large claim outruns the ledger's statistics, e.g. the first sweep
        # after an outage) made a big sweep quadratic (docs/performance.md, finding 5).
        ids = list(
            ReminderClaim.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, claimed_by=token)
            .order_by("id").values_list("id", flat=True)[:BATCH]
        )
        claims = list(
            ReminderClaim.objects.filter(id__in=ids)
            .select_related("deadline", "deadline__responsible_person", "deadline__responsible_team")
            .order_by("id")
        )
        if not claims:
            return 0
        managers = _managers_by_team({c.deadline.responsible_team_id for c in claims
                                      if c.deadline.responsible_team_id and c.stage.startswith("escalated")})
        all_rules = rules.all_rules()
        items: list[tuple[int, str, str, str]] = []
        for claim in claims:
            d = claim.deadline
            if not d.is_open:
                continue  # met or cancelled since it was claimed: nothing to remind anyone of
            if claim.stage.startswith("escalated"):
                recipients = managers.get(d.responsible_team_id, [])
            else:
                recipients = [d.responsible_person_id] if d.responsible_person_id else []
            if not recipients:
                log.warning("reminder %s for deadline %s has nobody to go to", claim.stage, d.pk)
            subject, body = message(d, claim.stage, today, closed, all_rules)
            items.extend((r, subject, body, f"/deadlines/{d.public_id}/") for r in recipients)
        notify_many(items, send_after_commit=False)  # the outbox task sends the emails, never the sweep
        ReminderClaim.objects.filter(pk__in=[c.pk for c in claims]).update(sent_at=timezone.now())
    return len(claims)


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
