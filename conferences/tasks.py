from celery import shared_task

from . import invitations


@shared_task(name="conferences.send_invitations", ignore_result=True)
def send_invitations():
    """No longer scheduled: calendar invitations leave through the kernel's one outbox, sent by
    ``notify.deliver_emails`` (ADR 8). Kept so that a message already queued under this name still
    runs (it sends this topic's due rows, under the same rule)."""
    invitations.send_pending()
