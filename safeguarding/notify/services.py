"""In-app notifications and their emails.

Every notification is written to the database first (in the caller's transaction). Emails leave
through an outbox: ``email_pending`` rows are emailed after commit (only the notifications that
transaction wrote, so a request never works through somebody else's backlog), by the periodic
``deliver_pending_emails`` when that failed (a mail outage), or once a day by ``send_digests`` for people
who chose a digest. Nothing depends on the broker being up, and a mail outage never breaks the request
that notified: the email stays pending and goes out later, once.

Emails go only to active people with an address who are not API clients. An address the mail server
refuses for good (``SMTPRecipientsRefused``) is given up (the in-app notification stays); any other
failure stops the batch and leaves the rest pending.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import DeliveryPreference, Notification

log = logging.getLogger(__name__)
OUTBOX_BATCH = 200
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_TIMEOUT_SECONDS = 10  # when EMAIL_TIMEOUT is not set: never hang a request or a worker on the mail server


def wants_email(user) -> bool:
    return bool(user.email) and user.is_active and not user.is_api_client


def notify(*, recipient, subject: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    """An in-app notification, emailed after the surrounding transaction commits."""
    pending = email and wants_email(recipient)
    n = Notification.objects.create(recipient=recipient, subject=subject[:200], body=body, url=url,
                                    email_pending=pending)
    if pending:
        transaction.on_commit(partial(send_now, [n.pk]))
    return n


def notify_many(items: Iterable[tuple[int, str, str, str]], *, email: bool = True) -> list[Notification]:
    """Many notifications at once, as ``(recipient_id, subject, body, url)``: two queries however many
    there are, and one email batch after commit."""
    items = list(items)
    if not items:
        return []
    emailable: set[int] = set()
    if email:
        emailable = set(get_user_model().objects.filter(
            pk__in={recipient_id for recipient_id, *_ in items}, is_active=True, is_api_client=False,
        ).exclude(email="").values_list("pk", flat=True))
    now = timezone.now()
    notes = Notification.objects.bulk_create([
        Notification(recipient_id=recipient_id, subject=subject[:200], body=body, url=url, created_at=now,
                     email_pending=recipient_id in emailable)
        for recipient_id, subject, body, url in items
    ])
    pending = [n.pk for n in notes if n.email_pending]
    if pending:
        transaction.on_commit(partial(send_now, pending))
    return notes


def send_now(notification_ids: list[int]) -> None:
    """After commit: email these notifications (if their people want them at once). A failure is logged
    and leaves them pending for the periodic retry; it never reaches the caller."""
    try:
        for start in range(0, len(notification_ids), OUTBOX_BATCH):
            _processed, ok = _email_batch(notification_ids[start:start + OUTBOX_BATCH])
            if not ok:
                break
    except Exception:  # noqa: BLE001 - a mail or database hiccup must not break the request that notified
        log.exception("email delivery failed; the outbox task will retry")


def _digest_users():
    return DeliveryPreference.objects.filter(user=OuterRef("recipient"), delivery=DeliveryPreference.Delivery.DIGEST)


def _pending():
    return Notification.objects.filter(email_pending=True, emailed_at__isnull=True)


def _email_text(n: Notification) -> str:
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    return f"{n.body}{link}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _connection():
    kwargs = {}
    if settings.EMAIL_BACKEND == SMTP_BACKEND and not getattr(settings, "EMAIL_TIMEOUT", None):
        kwargs["timeout"] = SMTP_TIMEOUT_SECONDS
    return get_connection(fail_silently=False, **kwargs)


def _send(messages: list[tuple[int, EmailMessage]]) -> tuple[list[int], list[int], bool]:
    """Send over one connection. Returns (keys sent, keys refused for good, whether the server stayed
    usable). Stops at the first failure that is not about one address."""
    sent: list[int] = []
    refused: list[int] = []
    try:
        with _connection() as conn:
            for key, msg in messages:
                try:
                    conn.send_messages([msg])
                except smtplib.SMTPRecipientsRefused:
                    log.warning("the mail server refused the address of notification email %s; not retried", key)
                    refused.append(key)
                    continue
                sent.append(key)
    except Exception:  # noqa: BLE001 - any mail failure leaves the rest pending
        log.exception("email delivery failed after %s of %s; the rest stay pending", len(sent), len(messages))
        return sent, refused, False
    return sent, refused, True


def _email_batch(notification_ids: list[int]) -> tuple[int, bool]:
    """Email those of ``notification_ids`` still pending for people who want them at once. The rows are
    locked (SKIP LOCKED: two workers never send the same one) and marked in the transaction of the send.
    Returns (how many were settled, whether the mail server stayed usable)."""
    with transaction.atomic():
        notes = list(
            _pending().filter(pk__in=notification_ids).filter(~Exists(_digest_users()))
            .select_for_update(skip_locked=True, of=("self",)).select_related("recipient").order_by("pk")
        )
        if not notes:
            return 0, True
        dropped = [n.pk for n in notes if not wants_email(n.recipient)]
        messages = [
            (n.pk, EmailMessage(
                subject=f"Safeguarding Hub: {_one_line(n.subject)}",
                body=f"{_email_text(n)}\n\nSign in to the hub to read more. Do not reply to this email.",
                from_email=settings.DEFAULT_FROM_EMAIL, to=[n.recipient.email],
            ))
            for n in notes if wants_email(n.recipient)
        ]
        sent, refused, ok = _send(messages) if messages else ([], [], True)
        if sent:
            Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
        if dropped or refused:
            Notification.objects.filter(pk__in=dropped + refused).update(email_pending=False)
    return len(sent) + len(dropped) + len(refused), ok


def deliver_pending_emails() -> int:
    """The periodic retry: email every pending notification of people who want them at once, oldest
    first, in batches. Returns how many were emailed or given up."""
    total = 0
    while True:
        ids = list(_pending().filter(~Exists(_digest_users())).order_by("pk")
                   .values_list("pk", flat=True)[:OUTBOX_BATCH])
        if not ids:
            return total
        processed, ok = _email_batch(ids)
        total += processed
        # stop when the mail server failed, or when another worker holds some of these rows
        if not ok or processed < len(ids) or len(ids) < OUTBOX_BATCH:
            return total


def send_digests() -> int:
    """One email per person who chose the daily digest, listing everything not yet emailed to them.
    Returns how many digests were sent."""
    recipients = list(
        _pending().filter(Exists(_digest_users())).order_by("recipient_id")
        .values_list("recipient_id", flat=True).distinct()
    )
    sent = 0
    for recipient_id in recipients:
        ok = True
        with transaction.atomic():
            notes = list(
                _pending().filter(recipient_id=recipient_id).filter(Exists(_digest_users()))
                .select_for_update(skip_locked=True, of=("self",)).select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not notes:
                continue
            person = notes[0].recipient
            ids = [n.pk for n in notes]
            if not wants_email(person):
                Notification.objects.filter(pk__in=ids).update(email_pending=False)
                continue
            lines = [f"- {_one_line(n.subject)}\n  {_email_text(n)}" for n in notes]
            digest = EmailMessage(
                subject=f"Safeguarding Hub: your daily digest ({len(notes)})",
                body="What is new for you in Safeguarding Hub:\n\n" + "\n\n".join(lines)
                + "\n\nSign in to the hub to read more. Do not reply to this email.",
                from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email],
            )
            done, refused, ok = _send([(recipient_id, digest)])
            if done:
                Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
                sent += 1
            elif refused:
                Notification.objects.filter(pk__in=ids).update(email_pending=False)
        if not ok:
            break  # the mail server is down: the rest wait for the next run
    return sent


@transaction.atomic
def delivery_set(*, user, delivery: str) -> DeliveryPreference:
    """How ``user`` gets notification emails: ``immediate`` or ``digest``."""
    if delivery not in DeliveryPreference.Delivery.values:
        raise ValueError(f"unknown delivery {delivery!r}")
    pref, _ = DeliveryPreference.objects.select_for_update().get_or_create(user=user)
    if pref.delivery != delivery:
        pref.delivery = delivery
        pref.save(update_fields=["delivery"])
    return pref


def delivery_of(user) -> str:
    """The person's choice (immediate unless they chose the digest)."""
    pref = DeliveryPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref or DeliveryPreference.Delivery.IMMEDIATE


@transaction.atomic
def notification_mark_read(*, recipient, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
