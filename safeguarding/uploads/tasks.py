"""Thin Celery tasks: the scan of one upload, and the sweep that queues the scans still to do."""

from celery import shared_task

from . import services

SCAN_SWEEP_EVERY_SECONDS = 5 * 60


@shared_task(name="uploads.scan", ignore_result=True, acks_late=True)
def scan(upload_id: int) -> str:
    """One virus scan attempt (running it twice is harmless: a final answer is never changed)."""
    return services.upload_scan(upload_id=upload_id)


@shared_task(name="uploads.scan_sweep", ignore_result=True, acks_late=True, expires=SCAN_SWEEP_EVERY_SECONDS)
def scan_sweep() -> int:
    """Queue the scans that are due: pending uploads whose commit-time scan was lost (or that waited for
    CLAMD_URL to be set), and failed scans whose wait is over."""
    ids = services.uploads_claim_for_scan()
    for upload_id in ids:
        scan.apply_async((upload_id,))
    return len(ids)
