from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, recipient, subject: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    """An in-app notification, and an email sent once the surrounding transaction commits."""
    n = Notification.objects.create(recipient=recipient, subject=subject[:200], body=body, url=url)
    if email and recipient.email and not recipient.is_api_client:
        transaction.on_commit(lambda: _send_email(n.pk))
    return n


def _send_email(notification_id: int) -> None:
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    send_mail(
        subject=f"Safeguarding Hub: {n.subject}",
        message=f"{n.body}{link}\n\nSign in to the hub to read more. Do not reply to this email.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[n.recipient.email],
        fail_silently=False,
    )
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())


@transaction.atomic
def notification_mark_read(*, recipient, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
