"""The reminder sweep: exactly-once reminders through a ledger, under a PostgreSQL advisory lock.

Stages per open deadline (settings: REMINDER_DAYS_BEFORE, ESCALATE_AFTER_WORKING_DAYS):
- ``due_soon:N`` when it falls due within N working days (only the tightest band applies, so a
  deadline opened 2 days before it is due gets one "due soon" reminder, not two);
- ``due_today`` on the due date;
- ``overdue`` after the due date, to the responsible person (the deadline is marked overdue);
- ``escalated:N`` N working days after the due date, to the managers of the responsible team.

1. **Claim** (one transaction, under ``pg_try_advisory_xact_lock``): one ``INSERT … SELECT … ON
   CONFLICT DO NOTHING`` per stage writes ledger rows keyed (deadline, stage). A reminder whose row
   exists is never claimed again, so a sweep that runs twice, or late after an outage, claims each
   reminder once; reminders that fell due during an outage are claimed by the first sweep after it.
2. **Deliver** (its own transactions, ``SELECT … FOR UPDATE SKIP LOCKED``): for a batch of unsent
   claims, create the in-app notifications and mark the claims sent in one commit. A worker killed
   before the commit leaves its claims unsent; once their lease (REMINDER_CLAIM_LEASE_SECONDS) has
   run out, the next sweep delivers them. Emails go out after the commit through the notification
   outbox (safeguarding.notify), so a broker or mail outage delays them without losing them.

The number of queries of a sweep does not depend on how many deadlines there are.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.accounts.models import Role
from safeguarding.notify.models import Notification
from safeguarding.notify.services import queue_emails

from . import rules, workdays
from .models import Deadline, ReminderClaim, SweepRun
from .services import closures

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x5347480  # "SGH" + 0: the reminder sweep
BATCH = 500


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def stage_windows(today: date, closed: frozenset[date]) -> list[tuple[str, Q]]:
    """(stage key, condition on Deadline) for every stage, as of ``today``."""
    windows: list[tuple[str, Q]] = []
    thresholds = sorted({n for n in settings.REMINDER_DAYS_BEFORE if n > 0}, reverse=True)
    for i, n in enumerate(thresholds):
        upper = workdays.add_working_days(today, n, closed)
        lower_n = thresholds[i + 1] if i + 1 < len(thresholds) else 0
        lower = workdays.add_working_days(today, lower_n, closed)
        windows.append((f"due_soon:{n}", Q(due_date__gt=lower, due_date__lte=upper)))
    windows.append(("due_today", Q(due_date=today)))
    windows.append(("overdue", Q(due_date__lt=today)))
    n = settings.ESCALATE_AFTER_WORKING_DAYS
    windows.append((f"escalated:{n}", Q(due_date__lte=workdays.add_working_days(today, -n, closed))))
    return windows


def _claim(today: date, closed: frozenset[date], token: str) -> int:
    """Write ledger rows for every reminder due now. Returns how many were newly claimed."""
    claimed = 0
    open_deadlines = Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES)
    now = timezone.now()
    for stage, condition in stage_windows(today, closed):
        select_sql, params = open_deadlines.filter(condition).values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ReminderClaim._meta.db_table} (deadline_id, stage, claimed_at, claimed_by, attempts) "
                f"SELECT sub.id, %s, %s, %s, 1 FROM ({select_sql}) AS sub(id) "
                "ON CONFLICT (deadline_id, stage) DO NOTHING",
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
    from simple_history.utils import bulk_update_with_history

    late = list(Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__lt=today).only("pk", "status"))
    for d in late:
        d.status = Deadline.Status.OVERDUE
    if late:
        bulk_update_with_history(late, Deadline, ["status"], default_change_reason="Past its due date")
    return len(late)


def _message(deadline: Deadline, stage: str, today: date) -> tuple[str, str]:
    rule = rules.get(deadline.rule_key)
    due = f"{deadline.due_date:%A %-d %B %Y}"
    if stage.startswith("due_soon"):
        return f"Due soon: {deadline.label}", f"{rule.description} is due on {due}."
    if stage == "due_today":
        return f"Due today: {deadline.label}", f"{rule.description} is due today, {due}."
    if stage == "overdue":
        return f"Overdue: {deadline.label}", (f"{rule.description} was due on {due}. Record when it was met, or "
                                              "the reason for the delay.")
    return (f"Escalated, overdue: {deadline.label}",
            f"{rule.description} was due on {due} and is still not met. You are told as the manager of "
            f"{deadline.responsible_person or deadline.responsible_team or 'the responsible team'}.")


def _managers_by_team(team_ids: set[int]) -> dict[int, list]:
    User = get_user_model()
    out: dict[int, list] = {t: [] for t in team_ids}
    if not team_ids:
        return out
    rows = (User.objects.filter(is_active=True, memberships__is_active=True, memberships__team_id__in=team_ids,
                                memberships__roles__contains=[Role.TEAM_MANAGER])
            .values_list("pk", "memberships__team_id"))
    for user_id, team_id in rows:
        out[team_id].append(user_id)
    return out


def _deliver_batch(token: str, today: date) -> int:
    """Deliver one batch of this sweep's unsent claims; returns how many."""
    with transaction.atomic():
        claims = list(
            ReminderClaim.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sent_at__isnull=True, claimed_by=token)
            .select_related("deadline", "deadline__responsible_person", "deadline__responsible_team")
            .order_by("id")[:BATCH]
        )
        if not claims:
            return 0
        managers = _managers_by_team({c.deadline.responsible_team_id for c in claims
                                      if c.deadline.responsible_team_id and c.stage.startswith("escalated")})
        notes: list[Notification] = []
        now = timezone.now()
        for claim in claims:
            d = claim.deadline
            if claim.stage.startswith("escalated"):
                recipients = managers.get(d.responsible_team_id, [])
            else:
                recipients = [d.responsible_person_id] if d.responsible_person_id else []
            subject, body = _message(d, claim.stage, today)
            notes.extend(
                Notification(recipient_id=r, subject=subject[:200], body=body, url=f"/deadlines/{d.public_id}/",
                             email_pending=True, created_at=now)
                for r in recipients
            )
            claim.sent_at = now
        Notification.objects.bulk_create(notes)
        ReminderClaim.objects.bulk_update(claims, ["sent_at"])
        transaction.on_commit(queue_emails)
    return len(claims)


def sweep(*, today: date | None = None, worker: str | None = None) -> SweepRun | None:
    """One sweep. Returns its SweepRun, or None when another sweep holds the lock."""
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
        run.claimed = _claim(today, closed, token)
    while True:
        delivered = _deliver_batch(token, today)
        run.sent += delivered
        if delivered < BATCH:
            break
    run.finished_at = timezone.now()
    run.save(update_fields=["marked_overdue", "claimed", "sent", "retried", "finished_at"])
    return run
