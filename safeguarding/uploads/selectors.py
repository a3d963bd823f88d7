"""Reads of uploads, shaped for pages. They decide nothing about access: the caller has already
fetched the owner through its own policy, and passes it in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, QuerySet
from django.http import Http404

from safeguarding.audit.selectors import views_of
from safeguarding.pages import uuid_or_404, when

from . import clamd
from .models import ScanStatus, Upload
from .services import NO_SUCH_FILE, scanning_configured, servable
from .types import purpose_label, type_label

ROW_RELATED = ("uploaded_by", "withdrawn_by")
QUARANTINE_LIMIT = 200


def uploads_of(owner: Model, *, include_withdrawn: bool = True) -> QuerySet:
    """The uploads of one record, oldest first (one query, the people joined)."""
    qs = Upload.objects.of(owner).select_related(*ROW_RELATED)
    return qs if include_withdrawn else qs.live()


def live_upload_count(owner_model: type[Model], *, owner_key: str = "pk"):
    """An expression for a queryset of ``owner_model``: how many live uploads (not withdrawn, not found infected)
    each row owns. A subquery, so a list's counts cost no statement of their own."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    files = (Upload.objects.filter(owner_type=ContentType.objects.get_for_model(owner_model),
                                   owner_id=OuterRef(owner_key), withdrawn_at__isnull=True)
             .exclude(scan_status=ScanStatus.INFECTED).order_by().values("owner_id")
             .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(files), 0)


def upload_of(owner: Model, public_id) -> Upload:
    """One upload *of this owner* by its public id; the same Http404 when it is missing or belongs to
    another record (so a link cannot reach another record's file through a record one may see)."""
    try:
        return Upload.objects.of(owner).select_related(*ROW_RELATED).get(public_id=uuid_or_404(public_id, NO_SUCH_FILE))
    except Upload.DoesNotExist:
        raise Http404(NO_SUCH_FILE) from None


@dataclass
class UploadRow:
    """An upload as a page lists it: what it is, where its scan stands, and the links a page offers."""

    upload: Upload
    name: str
    type_label: str
    size: int
    uploaded_by: str
    uploaded_at: str
    status: str
    status_colour: str
    status_hint: str
    download_url: str
    withdraw_url: str


def _status(upload: Upload) -> tuple[str, str, str]:
    if upload.withdrawn:
        return "Withdrawn", "grey", f"Withdrawn by {upload.withdrawn_by} on {when(upload.withdrawn_at)}: " \
                                    f"{upload.withdrawal_reason}"
    if upload.scan_status == ScanStatus.INFECTED:
        return "Virus found", "red", "Kept in quarantine. It can never be opened."
    if upload.scan_status == ScanStatus.FAILED:
        return "Scan failed", "orange", "The virus scan is being tried again. The file can be opened once it passes."
    if upload.scan_status == ScanStatus.PENDING:
        hint = ("The file can be opened once the virus scan has passed." if scanning_configured() else
                "Virus scanning is not set up on this hub yet, so the file cannot be opened.")
        if settings.UPLOAD_SERVE_UNSCANNED:
            hint = "Not scanned yet: this development hub opens unscanned files (UPLOAD_SERVE_UNSCANNED)."
        return "Waiting for virus scan", "yellow", hint
    return "Ready", "green", ""


def upload_rows(owner: Model, *, download_url: Callable[[Upload], str],
                withdraw_url: Callable[[Upload], str] | None = None, include_withdrawn: bool = True) -> list[UploadRow]:
    """The rows of ``templates/uploads/_uploads.html`` for one record: one query. ``download_url`` and
    ``withdraw_url`` give the app's own URLs (its views check its policy); a link is offered only where
    it can work (no download link for a file that cannot be served, no withdraw link once withdrawn)."""
    rows = []
    for upload in uploads_of(owner, include_withdrawn=include_withdrawn):
        status, colour, hint = _status(upload)
        rows.append(UploadRow(
            upload=upload, name=upload.original_name, type_label=type_label(upload.content_type), size=upload.size,
            uploaded_by=str(upload.uploaded_by), uploaded_at=when(upload.uploaded_at),
            status=status, status_colour=colour, status_hint=hint,
            download_url="" if servable(upload) else download_url(upload),
            withdraw_url=withdraw_url(upload) if withdraw_url and not upload.withdrawn else ""))
    return rows


def upload_rows_of_many(owners: list[Model], *, download_url: Callable[[Model, Upload], str],
                        include_withdrawn: bool = True) -> dict[int, list[UploadRow]]:
    """``upload_rows`` for several records of one model in one query: {owner pk: rows} (owners without files
    are left out). ``download_url(owner, upload)`` gives the app's own URL (its view checks its policy)."""
    if not owners:
        return {}
    by_pk = {o.pk: o for o in owners}
    qs = Upload.objects.filter(owner_type=ContentType.objects.get_for_model(owners[0], for_concrete_model=True),
                               owner_id__in=list(by_pk)).select_related(*ROW_RELATED).order_by("uploaded_at", "id")
    out: dict[int, list[UploadRow]] = {}
    for upload in qs if include_withdrawn else qs.live():
        owner = by_pk[upload.owner_id]
        status, colour, hint = _status(upload)
        out.setdefault(owner.pk, []).append(UploadRow(
            upload=upload, name=upload.original_name, type_label=type_label(upload.content_type), size=upload.size,
            uploaded_by=str(upload.uploaded_by), uploaded_at=when(upload.uploaded_at),
            status=status, status_colour=colour, status_hint=hint,
            download_url="" if servable(upload) else download_url(owner, upload), withdraw_url=""))
    return out


def downloads_of(upload: Upload, *, limit: int = 500):
    """Who opened this file, and when (the view log)."""
    return views_of(upload, limit=limit)


# --- oversight (administrators) ---------------------------------------------------------------------------


@dataclass
class QuarantineRow:
    upload: Upload
    purpose: str
    type_label: str
    uploaded_at: str
    status: str
    status_colour: str
    detail: str


def quarantine(scoped: QuerySet) -> tuple[list[QuarantineRow], dict[str, int]]:
    """The uploads whose scan is not clean (newest first, at most ``QUARANTINE_LIMIT``) and the count in
    each status: two queries. ``scoped`` is ``upload_oversight_policy.visible(ctx)``."""
    not_clean = scoped.exclude(scan_status=ScanStatus.CLEAN)
    counts = {row["scan_status"]: row["n"] for row in
              not_clean.order_by().values("scan_status").annotate(n=Count("pk"))}
    rows = []
    for u in not_clean.select_related("uploaded_by").order_by("-uploaded_at", "-id")[:QUARANTINE_LIMIT]:
        label = ScanStatus(u.scan_status).label
        colour = {"infected": "red", "failed": "orange"}.get(u.scan_status, "yellow")
        if u.scan_status == ScanStatus.INFECTED:
            detail = f"{u.scan_signature} (found {when(u.scanned_at)})" if u.scanned_at else u.scan_signature
        elif u.scan_status == ScanStatus.FAILED:
            left = settings.UPLOAD_SCAN_MAX_ATTEMPTS - u.scan_attempts
            detail = (f"{u.scan_attempts} attempt{'s' if u.scan_attempts != 1 else ''}: {u.scan_error[:200]}. "
                      + (f"Next try after {when(u.scan_next_attempt_at)}." if left > 0 and u.scan_next_attempt_at
                         else "No more automatic tries."))
        else:
            detail = "" if scanning_configured() else "Virus scanning is not set up (CLAMD_URL)."
        rows.append(QuarantineRow(upload=u, purpose=purpose_label(u.purpose), type_label=type_label(u.content_type),
                                  uploaded_at=when(u.uploaded_at), status=label, status_colour=colour, detail=detail))
    return rows, {s.value: counts.get(s.value, 0) for s in ScanStatus if s != ScanStatus.CLEAN}


@dataclass(frozen=True)
class ScannerStatus:
    configured: bool
    answering: bool = False
    version: str = ""
    problem: str = ""


def scanner_status(*, timeout: float = 2) -> ScannerStatus:
    """Whether clamd answers at CLAMD_URL, and its version and signature date (one VERSION command)."""
    if not scanning_configured():
        return ScannerStatus(configured=False)
    try:
        return ScannerStatus(configured=True, answering=True,
                             version=clamd.command(settings.CLAMD_URL, "VERSION", timeout=timeout))
    except (clamd.ClamdError, ValueError, OSError) as exc:
        return ScannerStatus(configured=True, problem=str(exc))
