"""In-app notifications and their emails.

Every notification is written to the database first (in the caller's transaction). Emails leave
through an outbox: ``email_pending`` rows are sent after commit by ``deliver_pending_emails`` (at once,
for people who want that) or by ``send_digests`` (once a day, for people who chose a digest). A
periodic task retries what a mail outage left unsent, so nothing depends on the broker being up.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import DeliveryPreference, Notification

log = logging.getLogger(__name__)
OUTBOX_BATCH = 200


def notify(*, recipient, subject: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    """An in-app notification, emailed after the surrounding transaction commits."""
    wants_email = email and bool(recipient.email) and not recipient.is_api_client
    n = Notification.objects.create(recipient=recipient, subject=subject[:200], body=body, url=url,
                                    email_pending=wants_email)
    if wants_email:
        transaction.on_commit(queue_emails)
    return n


def queue_emails() -> None:
    """Send what is pending now; anything that fails stays pending for the periodic retry."""
    try:
        deliver_pending_emails()
    except Exception:  # noqa: BLE001 - a mail outage must not break the request that notified
        log.exception("email delivery failed; the outbox task will retry")


def _digest_users():
    return DeliveryPreference.objects.filter(user=OuterRef("recipient"), delivery=DeliveryPreference.Delivery.DIGEST)


def _email_text(n: Notification) -> str:
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    return f"{n.body}{link}"


def deliver_pending_emails() -> int:
    """Email pending notifications of people who want them at once. Each is claimed with SKIP LOCKED
    and marked in the same transaction as its send, so two workers never send the same one."""
    ids = list(
        Notification.objects.filter(email_pending=True, emailed_at__isnull=True)
        .exclude(Exists(_digest_users())).values_list("pk", flat=True)[:OUTBOX_BATCH]
    )
    sent = 0
    for pk in ids:
        with transaction.atomic():
            n = (Notification.objects.select_for_update(skip_locked=True).select_related("recipient")
                 .filter(pk=pk, emailed_at__isnull=True).first())
            if n is None:
                continue
            send_mail(
                subject=f"Safeguarding Hub: {n.subject}",
                message=f"{_email_text(n)}\n\nSign in to the hub to read more. Do not reply to this email.",
                from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[n.recipient.email], fail_silently=False,
            )
            n.emailed_at = timezone.now()
            n.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def send_digests() -> int:
    """One email per person who chose the daily digest, listing everything not yet emailed."""
    recipients = (
        Notification.objects.filter(email_pending=True, emailed_at__isnull=True)
        .filter(Exists(_digest_users())).values_list("recipient_id", flat=True).distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        with transaction.atomic():
            notes = list(
                Notification.objects.select_for_update(skip_locked=True).select_related("recipient")
                .filter(recipient_id=recipient_id, email_pending=True, emailed_at__isnull=True).order_by("created_at")
            )
            if not notes:
                continue
            lines = [f"- {n.subject}\n  {_email_text(n)}" for n in notes]
            send_mail(
                subject=f"Safeguarding Hub: your daily digest ({len(notes)})",
                message="What is new for you in Safeguarding Hub:\n\n" + "\n\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[notes[0].recipient.email],
                fail_silently=False,
            )
            now = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
            sent += 1
    return sent


@transaction.atomic
def delivery_set(*, user, delivery: str) -> DeliveryPreference:
    pref, _ = DeliveryPreference.objects.select_for_update().get_or_create(user=user)
    if pref.delivery != delivery:
        pref.delivery = delivery
        pref.save(update_fields=["delivery"])
    return pref


@transaction.atomic
def notification_mark_read(*, recipient, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
