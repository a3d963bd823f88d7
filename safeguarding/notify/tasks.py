from celery import shared_task

from . import services


@shared_task(name="notify.deliver_emails", ignore_result=True)
def deliver_emails():
    """Retry emails a mail outage left unsent (normally they go out when the notification commits)."""
    services.deliver_pending_emails()


@shared_task(name="notify.send_digests", ignore_result=True)
def send_digests():
    """The daily digest (beat, at DIGEST_HOUR). Running it twice sends nothing twice."""
    services.send_digests()
