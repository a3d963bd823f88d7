from celery import shared_task

from . import services


@shared_task(name="notify.deliver_emails", ignore_result=True)
def deliver_emails():
    """Retry emails a mail or broker outage left unsent (normally they go out at commit)."""
    services.deliver_pending_emails()


@shared_task(name="notify.send_digests", ignore_result=True)
def send_digests():
    services.send_digests()
