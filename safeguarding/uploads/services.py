"""The upload service: receive a file, scan it, open it for a reader the caller's policy allows,
withdraw it. Every app that takes files uses these (ADR 18); the kernel imports no app, so the *caller*
decides who may do what (its policy) and says so with ``allowed``.

    upload = upload_receive(actor=user, file=form.cleaned_data["file"], purpose="evidence", owner=referral)
    opened = upload_open(actor=user, upload=upload, allowed=referral_policy.can(ctx, "view", referral))
    upload_withdraw(actor=user, upload=upload, reason="Wrong file", allowed=...)

- ``upload_receive``: the bytes go to ``UPLOAD_ROOT`` under a random name, hashed (SHA-256) and counted
  (at most the purpose's limit, ``UPLOAD_MAX_BYTES`` at most); the type is sniffed from the bytes and must
  be one the purpose accepts. The upload starts *pending*: quarantined until a virus scan passes. With
  ``CLAMD_URL`` set, a scan is queued when the transaction commits (and the sweep catches any that were
  not); without it the upload stays pending, and pending files are never served (unless
  ``UPLOAD_SERVE_UNSCANNED``, development only).
- ``upload_scan``: one attempt (the Celery task's body): INSTREAM to clamd, then *clean*, *infected*
  (kept, never served; the uploader and the administrators are told) or *failed* (tried again later,
  with a growing wait, up to ``UPLOAD_SCAN_MAX_ATTEMPTS``; then the administrators are told).
- ``upload_open``: the file for one reader, logged in the view log (who, when, page or API); the
  caller's ``allowed=False`` is the same 404 as a missing file.
- ``upload_withdraw``: never a delete; the reason is kept with the upload and in its history.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import Membership, Role
from safeguarding.audit.models import RecordView
from safeguarding.audit.services import record_event, record_view
from safeguarding.notify.services import notify_many
from safeguarding.pages import when
from safeguarding.records import stamp

from . import clamd, events, storage
from .models import TO_SCAN, ScanStatus, Upload
from .sniff import sniff
from .types import FILE_TYPES, get_purpose

log = logging.getLogger(__name__)

__all__ = ["upload_receive", "upload_scan", "upload_open", "upload_withdraw", "upload_scan_again",
           "uploads_claim_for_scan", "OpenedUpload", "UploadUnavailable", "download_name", "scanning_configured"]

NO_SUCH_FILE = "No such file"
VIA_PAGE, VIA_API = RecordView.Via.PAGE, RecordView.Via.API
FINAL = (ScanStatus.CLEAN, ScanStatus.INFECTED)
PENDING_GRACE = timedelta(minutes=2)  # the scan queued at commit goes first; the sweep only catches lost ones
SCAN_CLAIM = timedelta(minutes=15)  # a scan the sweep queued is not queued again before this
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


def scanning_configured() -> bool:
    return bool(settings.CLAMD_URL)


# --- receiving ------------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    """What the uploader called the file, for people to read: the last path part, no control characters,
    at most 255 characters (keeping the extension). Never used as a path."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:250 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:255]
    return name or "file"


@transaction.atomic
def _record(*, actor, owner: Model, purpose: str, description: str, name: str, received: storage.Received,
            media_type: str, storage_name: str) -> Upload:
    upload = Upload(owner=owner, purpose=purpose, description=description, original_name=name,
                    content_type=media_type, size=received.size, sha256=received.sha256,
                    storage_name=storage_name, uploaded_by=actor)
    stamp(upload, actor, "Uploaded")
    upload.save()
    record_event(events.RECEIVED, actor=actor, subject=upload, payload={
        "purpose": purpose, "content_type": media_type, "size": received.size, "sha256": received.sha256})
    transaction.on_commit(partial(_queue_scan, upload.pk))
    return upload


def upload_receive(*, actor, file, purpose: str, owner: Model, description: str = "") -> Upload:
    """Keep ``file`` for ``owner`` (any saved record), quarantined until a virus scan passes.

    Raises ValidationError on ``file`` (GOV.UK's wording) when the file is empty, too large or of a type
    the purpose does not accept; nothing is kept then. The caller has checked its own policy (may this
    person add a file to this record?) and records its own event on the owner if it wants one."""
    rules = get_purpose(purpose)
    if owner is None or owner.pk is None:
        raise ValueError("upload_receive needs a saved owner record")
    if not getattr(actor, "pk", None):
        raise ValueError("upload_receive needs the person uploading")
    if file is None:
        raise ValidationError({"file": "Select a file"})
    name = _clean_name(getattr(file, "name", "") or "")
    try:
        received = storage.receive(file, limit=rules.limit)
    except storage.TooLarge:
        raise ValidationError({"file": f"The selected file must be smaller than {filesizeformat(rules.limit)}"},
                              code="too_large") from None
    try:
        if received.size == 0:
            raise ValidationError({"file": "The selected file is empty"}, code="empty")
        media_type = sniff(received.path)
        if media_type not in rules.types:
            raise ValidationError({"file": f"The selected file must be a {rules.kinds} file"},
                                  code="type")
    except BaseException:
        storage.discard_received(received)
        raise
    storage_name = storage.new_storage_name()
    storage.keep(received, storage_name)
    try:
        return _record(actor=actor, owner=owner, purpose=purpose, description=description.strip()[:500],
                       name=name, received=received, media_type=media_type, storage_name=storage_name)
    except BaseException:
        storage.forget(storage_name)  # no record was written: the bytes go too
        raise


def _queue_scan(upload_id: int) -> None:
    """After commit: queue the scan. A broker that is down loses nothing: the sweep queues it later."""
    if not scanning_configured():
        return
    from .tasks import scan

    try:
        scan.apply_async((upload_id,), retry=False)
    except Exception:  # noqa: BLE001 (any broker failure: the sweep will queue it)
        log.warning("could not queue the virus scan of upload %s; the sweep will", upload_id, exc_info=True)


# --- scanning -------------------------------------------------------------------------------------------


def retry_wait(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a scan is tried again: 5, 10, 20 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def upload_scan(*, upload_id: int) -> str:
    """One scan attempt for one upload; returns its scan status afterwards. Safe to run twice, or at
    the same time as another attempt: a final answer (clean, infected) is never changed. The file is
    streamed to clamd outside any transaction; the answer is then written under the row's lock."""
    upload = Upload.objects.filter(pk=upload_id).only("scan_status", "storage_name", "sha256", "size").first()
    if upload is None:
        return ""
    if upload.scan_status in FINAL or not scanning_configured():
        return upload.scan_status
    try:
        verdict = clamd.instream(settings.CLAMD_URL,
                                 storage.verified_chunks(upload.storage_name, sha256=upload.sha256, size=upload.size),
                                 timeout=settings.CLAMD_TIMEOUT_SECONDS)
    except (clamd.ClamdError, storage.Unreadable, ValueError) as exc:
        return _scan_failed(upload_id, str(exc))
    return _scan_done(upload_id, verdict)


@transaction.atomic
def _scan_done(upload_id: int, verdict: clamd.Verdict) -> str:
    upload = Upload.objects.select_for_update().get(pk=upload_id)
    if upload.scan_status in FINAL:
        return upload.scan_status
    upload.scan_attempts += 1
    upload.scanned_at = timezone.now()
    upload.scan_next_attempt_at = None
    upload.scan_error = ""
    if verdict.infected:
        upload.scan_status, upload.scan_signature = ScanStatus.INFECTED, verdict.signature[:200]
        stamp(upload, None, f"Virus found: {upload.scan_signature}")
    else:
        upload.scan_status = ScanStatus.CLEAN
        stamp(upload, None, "Virus scan passed")
    upload.save()
    if verdict.infected:
        record_event(events.INFECTED, actor=None, subject=upload, payload={"signature": upload.scan_signature})
        _tell_about_infection(upload)
    else:
        record_event(events.SCANNED_CLEAN, actor=None, subject=upload)
    return upload.scan_status


@transaction.atomic
def _scan_failed(upload_id: int, error: str) -> str:
    upload = Upload.objects.select_for_update().get(pk=upload_id)
    if upload.scan_status in FINAL:
        return upload.scan_status
    upload.scan_attempts += 1
    upload.scan_status = ScanStatus.FAILED
    upload.scan_error = error[:2000]
    gave_up = upload.scan_attempts >= settings.UPLOAD_SCAN_MAX_ATTEMPTS
    upload.scan_next_attempt_at = None if gave_up else timezone.now() + retry_wait(upload.scan_attempts)
    stamp(upload, None, f"Virus scan failed (attempt {upload.scan_attempts})")
    upload.save()
    log.warning("virus scan of upload %s failed (attempt %s): %s", upload.pk, upload.scan_attempts, error)
    record_event(events.SCAN_FAILED, actor=None, subject=upload,
                 payload={"attempt": upload.scan_attempts, "error": upload.scan_error[:500]})
    if gave_up:
        record_event(events.SCAN_GAVE_UP, actor=None, subject=upload, payload={"attempts": upload.scan_attempts})
        _tell_administrators(upload, "A file could not be virus scanned",
                             f"The virus scan of an uploaded file (reference {upload.reference}) failed "
                             f"{upload.scan_attempts} times, the last time with: {upload.scan_error[:300]}. "
                             "The file stays in quarantine until a scan passes. Check that ClamAV (clamd) is "
                             "running and reachable at CLAMD_URL, then ask for the scan to be tried again.")
    return upload.scan_status


def _administrator_ids() -> set[int]:
    return set(Membership.objects.filter(
        is_active=True, agency__is_active=True, user__is_active=True, user__is_api_client=False,
        roles__contains=[Role.ADMINISTRATOR]).values_list("user_id", flat=True))


def _tell_administrators(upload: Upload, subject: str, body: str, *, besides: set[int] = frozenset()) -> None:
    url = reverse("uploads:quarantine")
    notify_many([(pk, subject, body, url) for pk in sorted(_administrator_ids() - set(besides))])


def _owner_url(upload: Upload) -> str:
    owner = upload.owner
    get_url = getattr(owner, "get_absolute_url", None)
    try:
        return get_url() if callable(get_url) else ""
    except Exception:  # noqa: BLE001 (a link is a courtesy; the notification must not fail for it)
        return ""


def _tell_about_infection(upload: Upload) -> None:
    """The uploader and every administrator. No names and no file name (ADR 5: emails carry no names;
    a file's name may be a child's)."""
    notify_many([(upload.uploaded_by_id, "A file you uploaded contained a virus",
                  f"The file you uploaded on {when(upload.uploaded_at)} (reference {upload.reference}) contained "
                  f"a virus ({upload.scan_signature}). It has been kept in quarantine and can never be opened "
                  "from the hub. Ask your IT service to check your device before you upload the file again.",
                  _owner_url(upload))])
    _tell_administrators(upload, "A virus was found in an uploaded file",
                         f"The virus scan found {upload.scan_signature} in a file uploaded on "
                         f"{when(upload.uploaded_at)} (reference {upload.reference}). The file is kept in "
                         "quarantine and is never served. The person who uploaded it has been told.",
                         besides={upload.uploaded_by_id})


def uploads_claim_for_scan(*, limit: int = 200) -> list[int]:
    """The sweep's pick: uploads to scan now (pending ones the commit-time queue may have lost, failed
    ones whose wait is over), each claimed for ``SCAN_CLAIM`` so that the next sweep does not queue it
    again while it waits in the queue. One UPDATE; none when scanning is not configured."""
    if not scanning_configured():
        return []
    now = timezone.now()
    due = (Upload.objects.filter(TO_SCAN)
           .filter(Q(scan_attempts__lt=settings.UPLOAD_SCAN_MAX_ATTEMPTS))
           .filter(Q(scan_next_attempt_at__isnull=True, uploaded_at__lte=now - PENDING_GRACE)
                   | Q(scan_next_attempt_at__lte=now))
           .order_by("uploaded_at").values("pk")[:limit])
    with transaction.atomic():
        ids = list(Upload.objects.select_for_update(skip_locked=True).filter(pk__in=due).values_list("pk", flat=True))
        Upload.objects.filter(pk__in=ids).update(scan_next_attempt_at=now + SCAN_CLAIM)
    return ids


@transaction.atomic
def upload_scan_again(*, actor, upload: Upload, allowed: bool) -> Upload:
    """An administrator's "try the scan again" after the attempts ran out (or at any time for a failed
    scan): the attempts start again from zero. Nothing changes for a scan that is not failed."""
    if not allowed:
        raise Http404(NO_SUCH_FILE)
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.scan_status != ScanStatus.FAILED:
        return upload
    upload.scan_attempts = 0
    upload.scan_next_attempt_at = None
    stamp(upload, actor, "Virus scan to be tried again")
    upload.save(update_fields=["scan_attempts", "scan_next_attempt_at"])
    transaction.on_commit(partial(_queue_scan, upload.pk))
    return upload


# --- reading --------------------------------------------------------------------------------------------


class UploadUnavailable(Exception):
    """The reader may see the file's record, but the file cannot be opened (yet, or ever)."""

    def __init__(self, upload: Upload, reason: str):
        self.upload, self.reason = upload, reason
        super().__init__(reason)

    @property
    def message(self) -> str:
        return {
            "withdrawn": "This file has been withdrawn. It is kept, but can no longer be opened here.",
            "infected": "A virus was found in this file. It is kept in quarantine and can never be opened.",
            ScanStatus.PENDING: ("This file is waiting for a virus scan. It can be opened once the scan has passed."
                                 if scanning_configured() else
                                 "This file is waiting for a virus scan, and virus scanning is not set up on this "
                                 "hub yet, so it cannot be opened. An administrator can set it up."),
            ScanStatus.FAILED: "The virus scan of this file has not worked yet. It is being tried again; "
                               "the file can be opened once the scan has passed.",
            "missing": "This file cannot be found in the hub's storage. An administrator has been told.",
        }.get(self.reason, "This file cannot be opened.")


@dataclass
class OpenedUpload:
    upload: Upload
    file: object  # a binary file object: the response closes it
    filename: str
    content_type: str
    size: int


def download_name(upload: Upload) -> str:
    """The name a download is given: the uploader's name with the extension of the type found in the
    bytes (``notes.exe`` that is a PDF downloads as ``notes.pdf``)."""
    file_type = FILE_TYPES.get(upload.content_type)
    stem = upload.original_name
    if "." in stem.strip("."):
        stem = stem.rsplit(".", 1)[0]
    stem = re.sub(r"[\x00-\x1f\x7f\"\\/]", "", stem).strip() or "file"
    return f"{stem}{file_type.extension if file_type else ''}"


def servable(upload: Upload, *, allow_withdrawn: bool = False) -> str:
    """Why ``upload`` cannot be served ('' when it can), the caller's policy apart."""
    if upload.withdrawn and not allow_withdrawn:
        return "withdrawn"
    if upload.scan_status == ScanStatus.INFECTED:
        return "infected"
    if upload.scan_status != ScanStatus.CLEAN and not settings.UPLOAD_SERVE_UNSCANNED:
        return upload.scan_status
    return ""


def upload_open(*, actor, upload: Upload, allowed: bool, via: str = VIA_PAGE,
                allow_withdrawn: bool = False) -> OpenedUpload:
    """Open ``upload`` for ``actor``, whom the caller's policy allows (``allowed``) or not (Http404,
    exactly as for a missing file). UploadUnavailable when it cannot be served: pending or failed scan,
    a virus found, withdrawn (unless ``allow_withdrawn``: a policy may let a manager read what was
    withdrawn). Each open is one row in the view log (who, when, page or API)."""
    if not allowed or upload is None or not getattr(actor, "pk", None):
        raise Http404(NO_SUCH_FILE)
    reason = servable(upload, allow_withdrawn=allow_withdrawn)
    if reason:
        raise UploadUnavailable(upload, reason)
    try:
        handle = storage.open_kept(upload.storage_name)
    except storage.Unreadable as exc:
        log.error("upload %s cannot be opened: %s", upload.pk, exc)
        raise UploadUnavailable(upload, "missing") from exc
    record_view(user=actor, record=upload, via=via, what=f"download ({upload.content_type})")
    return OpenedUpload(upload=upload, file=handle, filename=download_name(upload), content_type=upload.content_type,
                        size=upload.size)


# --- withdrawing ----------------------------------------------------------------------------------------


@transaction.atomic
def upload_withdraw(*, actor, upload: Upload, reason: str, allowed: bool) -> Upload:
    """Withdraw ``upload`` (it is kept, with the reason, and no longer served). Http404 when the caller's
    policy does not allow it; nothing changes for an upload already withdrawn."""
    if not allowed:
        raise Http404(NO_SUCH_FILE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the file is being withdrawn"})
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.withdrawn:
        return upload
    upload.withdrawn_at, upload.withdrawn_by, upload.withdrawal_reason = timezone.now(), actor, reason
    stamp(upload, actor, f"Withdrawn: {reason}")
    upload.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record_event(events.WITHDRAWN, actor=actor, subject=upload, payload={"reason": reason})
    return upload
