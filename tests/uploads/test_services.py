"""The upload service without a scanner: receiving, refusing, opening, withdrawing, the sweep's pick."""

import hashlib
import io
import os
import stat
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from safeguarding.accounts.models import NotDeletable
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.audit.selectors import events_for
from safeguarding.uploads import services, storage
from safeguarding.uploads.models import ScanStatus, Upload
from safeguarding.uploads.selectors import downloads_of, upload_of, upload_rows, uploads_of
from tests.uploads.conftest import docx_bytes, named, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def receive(actor, owner, data=None, name="letter.pdf", purpose="evidence", **kwargs):
    data = pdf_bytes() if data is None else data
    return services.upload_receive(actor=actor, file=named(data, name), purpose=purpose, owner=owner, **kwargs)


# --- receiving ------------------------------------------------------------------------------------------


def test_a_received_file_is_kept_outside_the_web_root_under_a_random_name(la, social_worker, upload_root, settings):
    data = pdf_bytes("the letter")
    upload = receive(social_worker, la, data, name="../../etc/Letter from school.pdf", description=" The letter ")

    assert (upload.content_type, upload.size, upload.sha256) == ("application/pdf", len(data),
                                                                 hashlib.sha256(data).hexdigest())
    assert upload.original_name == "Letter from school.pdf" and upload.description == "The letter"
    assert upload.scan_status == ScanStatus.PENDING and upload.uploaded_by == social_worker
    assert upload.owner == la and list(uploads_of(la)) == [upload]
    path = storage.path_of(upload.storage_name)
    assert path.read_bytes() == data and upload_root in path.parents
    assert "Letter" not in str(path) and len(path.name) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not os.listdir(upload_root / "incoming")  # nothing left half-received
    assert [e.code for e in events_for(upload)] == ["upload.received"]
    assert upload.history.first().history_user == social_worker
    assert not str(upload_root.resolve()).startswith(str(settings.STATIC_ROOT))


def test_the_type_is_the_bytes_not_the_name_nor_the_browser(la, social_worker):
    # a PDF called .exe, sent as an executable, is a PDF (and downloads as one)
    upload = services.upload_receive(actor=social_worker, owner=la, purpose="evidence",
                                     file=named(pdf_bytes(), "report.exe", "application/x-msdownload"))
    assert upload.content_type == "application/pdf" and services.download_name(upload) == "report.pdf"
    # a web page called .pdf, sent as a PDF, is refused
    with pytest.raises(ValidationError) as refused:
        services.upload_receive(actor=social_worker, owner=la, purpose="evidence",
                                file=named(b"<html><script>alert(1)</script></html>", "report.pdf", "application/pdf"))
    assert refused.value.message_dict == {"file": [
        "The selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument, rich text, plain text, CSV, JPEG, "
        "PNG or HEIC file"]}


def test_each_purpose_accepts_its_own_types(la, social_worker):
    assert receive(social_worker, la, docx_bytes(microsoft_order=False), "notes.docx",
                   purpose="document").content_type.endswith("wordprocessingml.document")
    with pytest.raises(ValidationError, match="must be a JPEG, PNG or HEIC file"):
        receive(social_worker, la, pdf_bytes(), "photo.pdf", purpose="image")
    assert receive(social_worker, la, png_bytes(), "photo", purpose="image").content_type == "image/png"


def test_too_large_and_empty_files_are_refused_and_nothing_is_kept(la, social_worker, settings, upload_root):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as too_large:
        receive(social_worker, la, b"a" * 101, "big.txt")
    assert too_large.value.message_dict == {"file": ["The selected file must be smaller than 100\xa0bytes"]}
    assert receive(social_worker, la, b"a" * 100, "fits.txt").size == 100
    with pytest.raises(ValidationError, match="The selected file is empty"):
        receive(social_worker, la, b"", "empty.txt")
    with pytest.raises(ValidationError, match="Select a file"):
        services.upload_receive(actor=social_worker, file=None, purpose="evidence", owner=la)
    assert Upload.objects.count() == 1
    assert len(list((upload_root / "store").rglob("*.*"))) == 0  # no stray files (the kept one has no dot)
    assert len([p for p in (upload_root / "store").rglob("*") if p.is_file()]) == 1
    assert not os.listdir(upload_root / "incoming")


def test_a_failed_record_leaves_no_file(la, social_worker, upload_root, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError):
        receive(social_worker, la)
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


def test_programming_errors_are_not_validation_errors(la, social_worker):
    with pytest.raises(ValueError, match="Unknown upload purpose"):
        receive(social_worker, la, purpose="nonsense")
    with pytest.raises(ValueError, match="saved owner"):
        receive(social_worker, type(la)(name="unsaved"))


def test_long_and_odd_names_are_tidied_for_people(la, social_worker):
    upload = receive(social_worker, la, name="C:\\Users\\sam\\" + "x" * 300 + "\x07.pdf")
    assert upload.original_name.endswith(".pdf") and len(upload.original_name) <= 255
    assert "\\" not in upload.original_name and "\x07" not in upload.original_name
    nameless = io.BytesIO(pdf_bytes())  # a file object without a name (a caller's own, not a page's)
    assert services.upload_receive(actor=social_worker, file=nameless, purpose="evidence", owner=la).original_name \
        == "file"


# --- without a scanner ----------------------------------------------------------------------------------


def test_without_clamd_nothing_is_queued_and_the_file_stays_pending(
        la, social_worker, django_capture_on_commit_callbacks, monkeypatch):
    from safeguarding.uploads import tasks

    queued = []
    monkeypatch.setattr(tasks.scan, "apply_async", lambda *a, **k: queued.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        upload = receive(social_worker, la)
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.PENDING
    assert services.uploads_claim_for_scan() == [] and queued == []
    upload.refresh_from_db()
    assert upload.scan_status == ScanStatus.PENDING and upload.scan_attempts == 0


def test_with_clamd_set_the_scan_is_queued_at_commit_and_a_broker_outage_is_survived(
        la, social_worker, settings, django_capture_on_commit_callbacks, monkeypatch):
    from safeguarding.uploads import tasks

    settings.CLAMD_URL = "tcp://127.0.0.1:9"
    queued = []
    monkeypatch.setattr(tasks.scan, "apply_async", lambda args, **k: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        upload = receive(social_worker, la)
    assert queued == [(upload.pk,)]

    def down(*a, **k):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.scan, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert receive(social_worker, la).scan_status == ScanStatus.PENDING  # the sweep will queue it


def test_the_sweep_picks_lost_and_due_scans_once(la, social_worker, settings):
    settings.CLAMD_URL = "tcp://127.0.0.1:9"
    now = timezone.now()
    fresh, lost, due, waiting, spent, clean = (receive(social_worker, la) for _ in range(6))
    Upload.objects.filter(pk=lost.pk).update(uploaded_at=now - timedelta(minutes=10))
    Upload.objects.filter(pk=due.pk).update(scan_status=ScanStatus.FAILED, scan_attempts=2,
                                            scan_next_attempt_at=now - timedelta(seconds=1))
    Upload.objects.filter(pk=waiting.pk).update(scan_status=ScanStatus.FAILED, scan_attempts=2,
                                                scan_next_attempt_at=now + timedelta(minutes=5))
    Upload.objects.filter(pk=spent.pk).update(scan_status=ScanStatus.FAILED, uploaded_at=now - timedelta(days=1),
                                              scan_attempts=settings.UPLOAD_SCAN_MAX_ATTEMPTS)
    Upload.objects.filter(pk=clean.pk).update(scan_status=ScanStatus.CLEAN, uploaded_at=now - timedelta(days=1))

    assert sorted(services.uploads_claim_for_scan()) == sorted([lost.pk, due.pk])
    assert services.uploads_claim_for_scan() == []  # claimed: not queued again while they wait in the queue
    assert fresh.pk  # the commit-time task has it


def test_the_sweep_task_queues_what_it_claims(la, social_worker, settings, monkeypatch):
    from safeguarding.uploads import tasks

    settings.CLAMD_URL = "tcp://127.0.0.1:9"
    upload = receive(social_worker, la)
    Upload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - timedelta(hours=1))
    queued = []
    monkeypatch.setattr(tasks.scan, "apply_async", lambda args, **k: queued.append(args))
    assert tasks.scan_sweep.apply().get() == 1 and queued == [(upload.pk,)]
    assert tasks.scan_sweep.apply().get() == 0  # run twice: nothing more


def test_retry_waits_grow_to_six_hours():
    waits = [services.retry_wait(n) for n in range(1, 11)]
    assert waits[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert waits[-1] == timedelta(hours=6) and waits == sorted(waits)


# --- opening --------------------------------------------------------------------------------------------


def test_only_a_clean_file_opens_and_each_open_is_logged(la, social_worker, colleague):
    upload = receive(social_worker, la, pdf_bytes("secret"))
    with pytest.raises(services.UploadUnavailable) as pending:
        services.upload_open(actor=social_worker, upload=upload, allowed=True)
    assert pending.value.reason == ScanStatus.PENDING and "virus scanning is not set up" in pending.value.message

    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    upload.refresh_from_db()
    with pytest.raises(Http404):  # the caller's policy said no: the same as a missing file
        services.upload_open(actor=colleague, upload=upload, allowed=False)
    opened = services.upload_open(actor=colleague, upload=upload, allowed=True, via=services.VIA_API)
    with opened.file as f:
        assert f.read() == pdf_bytes("secret")
    assert (opened.filename, opened.content_type, opened.size) == ("letter.pdf", "application/pdf", upload.size)
    [view] = downloads_of(upload)
    assert (view.user, view.via, view.what) == (colleague, RecordView.Via.API, "download (application/pdf)")


def test_infected_and_failed_files_never_open(la, social_worker, settings):
    settings.UPLOAD_SERVE_UNSCANNED = True  # not even in development
    upload = receive(social_worker, la)
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.INFECTED)
    upload.refresh_from_db()
    with pytest.raises(services.UploadUnavailable, match="infected"):
        services.upload_open(actor=social_worker, upload=upload, allowed=True)
    assert not RecordView.objects.exists()


def test_unscanned_files_open_only_when_development_allows_it(la, social_worker, settings):
    upload = receive(social_worker, la)
    settings.UPLOAD_SERVE_UNSCANNED = True
    services.upload_open(actor=social_worker, upload=upload, allowed=True).file.close()
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.FAILED)
    upload.refresh_from_db()
    services.upload_open(actor=social_worker, upload=upload, allowed=True).file.close()
    settings.UPLOAD_SERVE_UNSCANNED = False
    with pytest.raises(services.UploadUnavailable, match="failed"):
        services.upload_open(actor=social_worker, upload=upload, allowed=True)


def test_a_missing_file_is_unavailable_not_a_crash(la, social_worker):
    upload = receive(social_worker, la)
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    upload.refresh_from_db()
    storage.path_of(upload.storage_name).unlink()
    with pytest.raises(services.UploadUnavailable, match="missing"):
        services.upload_open(actor=social_worker, upload=upload, allowed=True)


# --- withdrawing; never deleting ------------------------------------------------------------------------


def test_withdrawing_keeps_the_file_and_says_why(la, social_worker, team_manager):
    upload = receive(social_worker, la)
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    with pytest.raises(Http404):
        services.upload_withdraw(actor=social_worker, upload=upload, reason="Wrong file", allowed=False)
    with pytest.raises(ValidationError) as no_reason:
        services.upload_withdraw(actor=social_worker, upload=upload, reason="  ", allowed=True)
    assert no_reason.value.message_dict == {"reason": ["Enter why the file is being withdrawn"]}

    withdrawn = services.upload_withdraw(actor=social_worker, upload=upload, reason="Wrong file", allowed=True)
    again = services.upload_withdraw(actor=social_worker, upload=withdrawn, reason="Again", allowed=True)
    assert (again.withdrawal_reason, again.withdrawn_by) == ("Wrong file", social_worker)
    assert CaseEvent.objects.filter(code="upload.withdrawn").count() == 1
    assert withdrawn.history.first().history_change_reason == "Withdrawn: Wrong file"
    assert storage.path_of(upload.storage_name).exists()
    assert list(uploads_of(la, include_withdrawn=False)) == [] and list(uploads_of(la)) == [withdrawn]

    with pytest.raises(services.UploadUnavailable, match="withdrawn"):
        services.upload_open(actor=social_worker, upload=withdrawn, allowed=True)
    # an app's policy may let a manager read what was withdrawn
    services.upload_open(actor=team_manager, upload=withdrawn, allowed=True, allow_withdrawn=True).file.close()

    with pytest.raises(NotDeletable):
        withdrawn.delete()
    with pytest.raises(NotDeletable):
        Upload.objects.all().delete()


# --- reads for pages ------------------------------------------------------------------------------------


def test_an_upload_is_reached_only_through_its_own_owner(la, other_la, social_worker):
    mine, theirs = receive(social_worker, la), receive(social_worker, other_la)
    assert upload_of(la, mine.public_id) == mine
    for public_id in (theirs.public_id, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            upload_of(la, public_id)


def test_rows_offer_only_the_links_that_work(la, social_worker, django_assert_num_queries):
    ready, waiting, infected, withdrawn = (receive(social_worker, la, name=f"{n}.pdf") for n in "abcd")
    Upload.objects.filter(pk__in=[ready.pk, withdrawn.pk]).update(scan_status=ScanStatus.CLEAN)
    Upload.objects.filter(pk=infected.pk).update(scan_status=ScanStatus.INFECTED)
    services.upload_withdraw(actor=social_worker, upload=withdrawn, reason="Duplicate", allowed=True)
    with django_assert_num_queries(1):  # the uploads with their people (the owner's content type is cached)
        rows = upload_rows(la, download_url=lambda u: f"/d/{u.pk}", withdraw_url=lambda u: f"/w/{u.pk}")
    assert [(r.name, r.status, bool(r.download_url), bool(r.withdraw_url)) for r in rows] == [
        ("a.pdf", "Ready", True, True), ("b.pdf", "Waiting for virus scan", False, True),
        ("c.pdf", "Virus found", False, True), ("d.pdf", "Withdrawn", False, False)]
    assert "not set up" in rows[1].status_hint and "Duplicate" in rows[3].status_hint
