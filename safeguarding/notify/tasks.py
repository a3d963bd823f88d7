from celery import shared_task

from . import services


@shared_task(name="notify.deliver_emails", ignore_result=True)
def deliver_emails():
    """The one outbox (ADR 8), every minute (beat): send every due email (notifications, digests, calendar
    invitations) under the one retry policy. Running it twice, or in two workers at once, sends nothing
    twice (rows are claimed with SKIP LOCKED and marked sent in the transaction of the send)."""
    services.deliver_pending_emails()


@shared_task(name="notify.send_digests", ignore_result=True)
def send_digests():
    """The daily digest (beat, at DIGEST_HOUR): written to the outbox and sent. Running it twice sends
    nothing twice."""
    services.send_digests()
