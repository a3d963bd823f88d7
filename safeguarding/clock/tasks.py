from celery import shared_task
from django.conf import settings

from . import reminders


@shared_task(name="clock.sweep", ignore_result=True, acks_late=True, expires=settings.SWEEP_EVERY_SECONDS)
def sweep():
    """The reminder sweep (beat runs it every few minutes; running it twice is harmless).

    A sweep left in the queue longer than one interval expires unrun: after a worker outage the queue
    may hold many, and the next one sent sends everything that fell due meanwhile."""
    reminders.sweep()
