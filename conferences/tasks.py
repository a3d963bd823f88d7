from celery import shared_task

from . import invitations


@shared_task(name="conferences.send_invitations", ignore_result=True)
def send_invitations():
    """Retry calendar invitations a mail outage left unsent (normally they go out on commit)."""
    invitations.send_pending()
