from celery import shared_task

from .health import write_heartbeat


@shared_task(name="safeguarding.tasks.heartbeat", ignore_result=True)
def heartbeat():
    """Run by beat on a worker: /healthz reports the worker down when this stops arriving."""
    write_heartbeat()
