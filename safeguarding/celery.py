import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

app = Celery("safeguarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["safeguarding"], related_name="tasks")


@worker_ready.connect
def first_heartbeat(**_kwargs) -> None:
    """A worker that has just started says so at once: /healthz (and `make run`'s banner, which waits for
    it) need not wait for beat's first heartbeat, up to WORKER_HEARTBEAT_SECONDS later."""
    from .health import write_heartbeat

    try:
        write_heartbeat()
    except Exception:  # noqa: BLE001 - the broker just answered the worker; beat's heartbeat follows anyway
        logging.getLogger(__name__).warning("The worker's first heartbeat could not be written", exc_info=True)
