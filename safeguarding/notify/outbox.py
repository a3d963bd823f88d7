"""The one email outbox (ADR 8): every email the hub sends, and the one rule for sending it.

Writing: a service that decides to email someone calls :func:`email_queue` (or :func:`emails_queue`)
in its own transaction. The row is the email, fully written (subject, body, attachments such as a
calendar invitation); nothing is rendered later. A key makes a writer that runs twice write once.

Sending: :func:`outbox_send` sends the pending rows that are due, oldest first, in batches. It runs in
the ``notify.deliver_emails`` task every minute (beat), and, for the rows a web request wrote, right
after that request commits (``send_after_commit``: an email is not a minute late because of the
schedule). The reminder sweep never sends: its notifications wait for the task.

At most once per row: a batch is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` (two workers never
hold the same row) and each row is marked sent in the transaction of its send. An email can go twice
only if the process dies after the mail server accepted it and before that commit.

The retry policy (one, for every email):

- each try of a row counts an attempt, whether it succeeds or fails;
- a failed try leaves the row pending with its error and the time of its next try: 1, 4, 16, 64 and
  256 minutes after the 1st to 5th failures, then every 6 hours (:func:`retry_delay`), about 30 hours
  in all. The 10th failed attempt (``MAX_ATTEMPTS``) marks it failed: it is never tried again by
  itself, the error is logged, and an administrator sees it in the admin (Outbox emails, status
  "failed") and may send it again;
- a refusal of the address (``SMTPRecipientsRefused``) is about that row only: the batch goes on and
  the others are sent. Any other failure while sending (the connection drops, a timeout) counts
  against the row being sent and ends the run; the rows not yet tried stay as they were;
- when the mail server cannot be reached at all, no row is tried and none counts an attempt: an
  outage delays email, it never uses up the attempts;
- a row for a person (``recipient``) who no longer takes email (deactivated, an API client, no
  address) is cancelled, not sent.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification, OutboxEmail

log = logging.getLogger(__name__)

Status = OutboxEmail.Status
BATCH = 100
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_TIMEOUT_SECONDS = 10  # when EMAIL_TIMEOUT is not set: never hang a request or a worker on the mail server
ERROR_LENGTH = 500
NOTIFICATION_TOPICS = frozenset({"notification", "digest"})


def retry_delay(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th failed attempt: 1, 4, 16, 64, 256 minutes, then 6 hours."""
    return min(FIRST_RETRY * 4 ** max(attempts - 1, 0), LONGEST_WAIT)


def wants_email(user) -> bool:
    return bool(user.email) and user.is_active and not user.is_api_client


def attachment(filename: str, content: str | bytes, mimetype: str) -> dict:
    """An attachment as the outbox stores it: text as it is, bytes in base64."""
    if isinstance(content, bytes):
        try:
            return {"filename": filename, "mimetype": mimetype, "content": content.decode(), "base64": False}
        except UnicodeDecodeError:
            return {"filename": filename, "mimetype": mimetype, "content": base64.b64encode(content).decode(),
                    "base64": True}
    return {"filename": filename, "mimetype": mimetype, "content": content, "base64": False}


def one_line(text: str) -> str:
    """Typed text for an email header or a calendar property: every run of whitespace (line breaks,
    U+2028 and the like included) becomes one space, and other control characters are dropped, so it
    cannot start a header or a property of its own."""
    spaced = " ".join(str(text).split())
    return "".join(c for c in spaced if unicodedata.category(c) != "Cc")


# one_line in SQL, for rows written set-wise (:func:`emails_insert_sql`): the characters ``str.split()`` takes for
# whitespace, and the control characters (Unicode category Cc) it then drops. tests/notify/test_outbox_sql.py
# checks both against Python over every code point, and the SQL against :func:`one_line`.
SPACE_CHARACTERS = r"[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
CONTROL_CHARACTERS = r"[\u0001-\u001f\u007f-\u009f]"  # (PostgreSQL text never holds U+0000)


def one_line_sql(expr: str) -> str:
    """SQL giving :func:`one_line` of the SQL expression ``expr``: runs of whitespace become one space, the
    ends are trimmed, then other control characters are dropped (in that order, as in Python)."""
    return (f"regexp_replace(regexp_replace(regexp_replace({expr}, '{SPACE_CHARACTERS}+', ' ', 'g'), "
            f"'^ | $', '', 'g'), '{CONTROL_CHARACTERS}', '', 'g')")


def emails_insert_sql(source: str) -> str:
    """The set-wise :func:`emails_queue`: an ``INSERT … SELECT`` (to use as a data-modifying CTE) writing one
    pending outbox row for every row of the query or CTE ``source``, whose columns are ``id`` (taken from
    the table's sequence by the writer, so that what it writes in the same statement can point to the
    row), ``key``, ``topic``, ``recipient_id``, ``to``, ``subject`` and ``body``. The subject goes through
    :func:`one_line` and is cut to 255 characters, as :func:`email_new` does; no attachments, no group.
    Needs the parameter ``outbox_now`` (the rows' ``created_at``). Returns the ids written. Nothing is sent
    after commit: the ``notify.deliver_emails`` task sends these rows."""
    return (
        f'INSERT INTO {OutboxEmail._meta.db_table} (id, key, topic, "group", recipient_id, "to", subject, body, '
        "attachments, status, created_at, next_attempt_at, attempts, last_error, sent_at) "
        f"SELECT e.id, e.key, e.topic, '', e.recipient_id, e.\"to\", left({one_line_sql('e.subject')}, 255), e.body, "
        f"'[]'::jsonb, '{Status.PENDING.value}', %(outbox_now)s, NULL, 0, '', NULL FROM {source} AS e RETURNING id"
    )


def email_new(*, to: str, subject: str, body: str, topic: str, key: str | None = None, group: str = "",
              recipient=None, attachments: Iterable[dict] = ()) -> OutboxEmail:
    """An unsaved outbox row (for :func:`emails_queue`)."""
    row = OutboxEmail(to=to, subject=one_line(subject)[:255], body=body, topic=topic, group=group,
                      recipient=recipient, attachments=list(attachments))
    if key is not None:
        row.key = key
    return row


def emails_queue(rows: list[OutboxEmail], *, send_after_commit: bool = True) -> list[OutboxEmail]:
    """Write these outbox rows in the caller's transaction. A row whose key is already in the outbox is
    not written again (writers that may race on a key hold a lock on what the key is about, as the
    conference services do). Returns the rows written. With ``send_after_commit`` they are sent once the
    caller's transaction commits (never inside it); otherwise the ``notify.deliver_emails`` task sends them."""
    if not rows:
        return []
    keys = [r.key for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("two outbox rows with the same key")
    chosen = [k for k in keys if not k.startswith("uuid:")]  # generated keys are new by construction
    existing = set(OutboxEmail.objects.filter(key__in=chosen).values_list("key", flat=True)) if chosen else set()
    written = OutboxEmail.objects.bulk_create([r for r in rows if r.key not in existing])
    if written and send_after_commit:
        transaction.on_commit(partial(send_after_commit_of, [r.pk for r in written]))
    return written


def email_queue(*, to: str, subject: str, body: str, topic: str, key: str | None = None, group: str = "",
                recipient=None, attachments: Iterable[dict] = (), send_after_commit: bool = True) -> OutboxEmail | None:
    """One email, written in the caller's transaction and sent after it commits. None when an email with
    this key is already in the outbox."""
    rows = emails_queue([email_new(to=to, subject=subject, body=body, topic=topic, key=key, group=group,
                                   recipient=recipient, attachments=attachments)],
                        send_after_commit=send_after_commit)
    return rows[0] if rows else None


def send_after_commit_of(ids: list[int]) -> None:
    """After commit: send these rows. A failure is logged and leaves them to the task; it never reaches
    the request that wrote them."""
    try:
        outbox_send(ids=ids)
    except Exception:  # noqa: BLE001 - a mail or database hiccup must not break the request
        log.exception("sending the outbox after commit failed; the outbox task will retry")


@dataclass
class Sent:
    """What one :func:`outbox_send` did."""

    sent: int = 0
    retrying: int = 0  # failed this time, pending for a later try
    failed: int = 0  # failed for good (MAX_ATTEMPTS)
    cancelled: int = 0  # the person no longer takes email
    stopped: bool = False  # the mail server failed: the rest wait for the next run

    @property
    def settled(self) -> int:
        """Rows that left the queue: sent, failed for good or cancelled."""
        return self.sent + self.failed + self.cancelled


def outbox_send(*, ids: Iterable[int] | None = None, topic: str | None = None, group: str | None = None) -> Sent:
    """Send the due pending rows (only ``ids``, ``topic`` or ``group`` when given), oldest first, batch
    by batch, until none is due or the mail server fails."""
    total = Sent()
    ids = list(ids) if ids is not None else None
    while True:
        batch, claimed = _send_batch(ids=ids, topic=topic, group=group)
        total.sent += batch.sent
        total.retrying += batch.retrying
        total.failed += batch.failed
        total.cancelled += batch.cancelled
        if batch.stopped:
            total.stopped = True
            return total
        if claimed < BATCH:
            return total


def _due(ids, topic, group):
    qs = OutboxEmail.objects.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
                                    status=Status.PENDING)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if topic is not None:
        qs = qs.filter(topic=topic)
    if group is not None:
        qs = qs.filter(group=group)
    return qs


def _message(row: OutboxEmail, connection) -> EmailMessage:
    msg = EmailMessage(subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to],
                       connection=connection)
    for a in row.attachments:
        content = base64.b64decode(a["content"]) if a.get("base64") else a["content"]
        msg.attach(a["filename"], content, a["mimetype"])
    return msg


def _connection():
    kwargs = {}
    if settings.EMAIL_BACKEND == SMTP_BACKEND and not getattr(settings, "EMAIL_TIMEOUT", None):
        kwargs["timeout"] = SMTP_TIMEOUT_SECONDS
    return get_connection(fail_silently=False, **kwargs)


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]


def _deliver(rows: list[OutboxEmail]) -> tuple[list[OutboxEmail], list[tuple[OutboxEmail, str]], bool]:
    """Send ``rows`` over one connection. Returns (sent, [(failed row, error)], whether the run must stop)."""
    sent: list[OutboxEmail] = []
    failed: list[tuple[OutboxEmail, str]] = []
    try:
        with _connection() as conn:
            for row in rows:
                try:
                    conn.send_messages([_message(row, conn)])
                except smtplib.SMTPRecipientsRefused as exc:
                    log.warning("outbox email %s: the mail server refused the address; it will be retried", row.pk)
                    failed.append((row, _error(exc)))
                    continue
                except Exception as exc:  # noqa: BLE001 - anything else: this row counts, the run stops
                    log.warning("outbox email %s failed (%s); the rest wait for the next run", row.pk,
                                type(exc).__name__)
                    failed.append((row, _error(exc)))
                    return sent, failed, True
                sent.append(row)
    except Exception:  # noqa: BLE001 - the server could not be reached (or closing failed): nothing more now
        log.exception("email delivery failed after %s of %s; the rest stay pending", len(sent), len(rows))
        return sent, failed, True
    return sent, failed, False


def _send_batch(*, ids, topic, group) -> tuple[Sent, int]:
    """Claim one batch (SKIP LOCKED), send it, and record the outcome of each row in the same transaction."""
    result = Sent()
    with transaction.atomic():
        rows = list(_due(ids, topic, group).select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient").order_by("id")[:BATCH])
        if not rows:
            return result, 0
        cancelled = [r for r in rows if r.recipient_id is not None and not wants_email(r.recipient)]
        to_send = [r for r in rows if r not in cancelled]
        sent, failed, result.stopped = _deliver(to_send) if to_send else ([], [], False)
        now = timezone.now()
        if sent:
            OutboxEmail.objects.filter(pk__in=[r.pk for r in sent]).update(
                status=Status.SENT, sent_at=now, attempts=F("attempts") + 1)
            notes = [r.pk for r in sent if r.topic in NOTIFICATION_TOPICS]
            if notes:
                Notification.objects.filter(email_id__in=notes).update(emailed_at=now)
        given_up = [r.pk for r in cancelled]
        for row, error in failed:
            row.attempts += 1
            row.last_error = error
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Status.FAILED
                log.error("outbox email %s (%s) failed for good after %s attempts: %s", row.pk, row.topic,
                          row.attempts, error)
                given_up.append(row.pk)
                result.failed += 1
            else:
                row.next_attempt_at = now + retry_delay(row.attempts)
                result.retrying += 1
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if cancelled:
            OutboxEmail.objects.filter(pk__in=[r.pk for r in cancelled]).update(
                status=Status.CANCELLED, last_error="The person no longer takes email")
        if given_up:  # the in-app notification stays; it is no longer waiting for an email
            Notification.objects.filter(email_id__in=given_up).update(email_pending=False)
        result.sent, result.cancelled = len(sent), len(cancelled)
    return result, len(rows)


@transaction.atomic
def outbox_email_retry(*, email: OutboxEmail) -> OutboxEmail:
    """An administrator sends a failed email again: pending, with a fresh set of attempts."""
    email = OutboxEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != Status.FAILED:
        return email
    email.status, email.attempts, email.next_attempt_at = Status.PENDING, 0, None
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    Notification.objects.filter(email=email).update(email_pending=True)
    return email
