"""Virus scans against a real clamd with the test signatures (tests/uploads/clamd_server.py)."""

import pytest

from safeguarding.audit.models import CaseEvent
from safeguarding.audit.selectors import events_for
from safeguarding.notify.models import Notification, OutboxEmail
from safeguarding.uploads import services, storage, tasks
from safeguarding.uploads.models import ScanStatus, Upload
from tests.uploads.clamd_server import EICAR, SIGNATURES
from tests.uploads.conftest import named, pdf_bytes

pytestmark = pytest.mark.django_db


def receive(actor, owner, data, name="notes.txt"):
    return services.upload_receive(actor=actor, file=named(data, name), purpose="evidence", owner=owner)


def test_a_clean_file_passes_and_opens(scanning, la, social_worker):
    upload = receive(social_worker, la, pdf_bytes())
    assert tasks.scan.apply((upload.pk,)).get() == ScanStatus.CLEAN
    upload.refresh_from_db()
    assert (upload.scan_status, upload.scan_attempts, upload.scan_signature) == (ScanStatus.CLEAN, 1, "")
    assert upload.scanned_at is not None
    services.upload_open(actor=social_worker, upload=upload, allowed=True).file.close()
    # run twice: the answer stands, recorded once
    assert tasks.scan.apply((upload.pk,)).get() == ScanStatus.CLEAN
    assert [e.code for e in events_for(upload)] == ["upload.scan_clean", "upload.received"]


def test_an_infected_file_is_kept_never_served_and_people_are_told(scanning, la, social_worker, administrator):
    # the test virus inside an ordinary text file, as a plain-text upload
    upload = receive(social_worker, la, b"Minutes of the meeting\n" + EICAR + b"\n", "Minutes for Jamie Smith.txt")
    assert upload.content_type == "text/plain"
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.INFECTED
    upload.refresh_from_db()
    assert upload.scan_status == ScanStatus.INFECTED and upload.scan_signature in SIGNATURES
    assert storage.path_of(upload.storage_name).exists()  # kept, as evidence of what was sent
    with pytest.raises(services.UploadUnavailable, match="infected"):
        services.upload_open(actor=social_worker, upload=upload, allowed=True)

    told = {n.recipient: n for n in Notification.objects.all()}
    assert set(told) == {social_worker, administrator}
    assert told[administrator].url == "/uploads/quarantine/"
    for note in told.values():
        assert upload.reference in note.body and upload.scan_signature in note.body
        assert "Jamie" not in note.subject + note.body and "Minutes" not in note.subject + note.body
    assert CaseEvent.objects.filter(code="upload.infected").count() == 1
    # final: another attempt changes nothing and tells nobody again
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.INFECTED
    assert Notification.objects.count() == 2
    emails = OutboxEmail.objects.all()
    assert {e.recipient for e in emails} == {social_worker, administrator}
    assert all("Jamie" not in e.subject + e.body and "Minutes" not in e.subject + e.body for e in emails)


def test_exactly_the_test_file_is_found_too(scanning, la, social_worker):
    upload = receive(social_worker, la, EICAR, "eicar.txt")
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.INFECTED


def test_an_unreachable_clamd_fails_the_scan_which_is_tried_again(scanning, settings, la, social_worker, tmp_path,
                                                                  administrator):
    upload = receive(social_worker, la, pdf_bytes())
    settings.CLAMD_URL = f"unix://{tmp_path / 'gone.sock'}"
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.FAILED
    upload.refresh_from_db()
    assert upload.scan_attempts == 1 and "cannot reach clamd" in upload.scan_error
    assert upload.scan_next_attempt_at is not None and not Notification.objects.exists()
    with pytest.raises(services.UploadUnavailable, match="failed"):
        services.upload_open(actor=social_worker, upload=upload, allowed=True)

    # the attempts run out: the administrators are told, once
    Upload.objects.filter(pk=upload.pk).update(scan_attempts=settings.UPLOAD_SCAN_MAX_ATTEMPTS - 1)
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.FAILED
    upload.refresh_from_db()
    assert upload.scan_next_attempt_at is None and services.uploads_claim_for_scan() == []
    [note] = Notification.objects.all()
    assert note.recipient == administrator and upload.reference in note.body

    # clamd is back; an administrator asks for the scan again; it passes
    settings.CLAMD_URL = scanning.unix_url
    services.upload_scan_again(actor=administrator, upload=upload, allowed=True)
    upload.refresh_from_db()
    assert upload.scan_attempts == 0 and upload.scan_next_attempt_at is None
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.CLEAN


def test_a_file_changed_on_disk_never_passes(scanning, la, social_worker):
    upload = receive(social_worker, la, pdf_bytes())
    storage.path_of(upload.storage_name).write_bytes(pdf_bytes("altered"))
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.FAILED
    upload.refresh_from_db()
    assert "SHA-256 differs" in upload.scan_error


def test_too_long_for_clamd_is_a_failure_not_a_pass(scanning, la, social_worker):
    from tests.uploads.clamd_server import STREAM_MAX_BYTES

    upload = receive(social_worker, la, b"plain words\n" * (STREAM_MAX_BYTES // 12 + 100), "long.txt")
    assert services.upload_scan(upload_id=upload.pk) == ScanStatus.FAILED
    upload.refresh_from_db()
    assert "size limit" in upload.scan_error
