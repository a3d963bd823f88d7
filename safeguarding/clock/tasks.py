from celery import shared_task

from . import reminders


@shared_task(name="clock.sweep", ignore_result=True, acks_late=True)
def sweep():
    """The reminder sweep (beat runs it every few minutes; running it twice is harmless)."""
    reminders.sweep()
