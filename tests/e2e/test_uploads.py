"""Uploading evidence as an app wraps the kernel's pieces (tests/uploads/urls.py), in a browser, with a real
clamd: a wrong type refused, a clean file scanned and downloaded, the EICAR test file found and withheld,
the administrator's quarantine page at phone width. Each page passes axe."""

import pytest
from playwright.sync_api import expect

from safeguarding.audit.models import RecordView
from safeguarding.uploads import tasks
from safeguarding.uploads.models import ScanStatus, Upload
from tests.uploads.clamd_server import EICAR
from tests.uploads.conftest import _upload_root_base, clamd, pdf_bytes, upload_root  # noqa: F401 (fixtures)

from .helpers import assert_accessible, error_summary, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.urls("tests.uploads.urls")]


def test_upload_scan_and_download_in_the_browser(page, la, social_worker, administrator, settings, clamd,  # noqa: F811
                                                 monkeypatch, tmp_path):
    settings.CLAMD_URL = clamd.unix_url
    # the scan queued at commit runs at once, in the server (no broker, no worker)
    monkeypatch.setattr(tasks.scan, "apply_async", lambda args, **kwargs: tasks.scan.apply(args))
    (tmp_path / "page.pdf").write_bytes(b"<html><body>not a pdf</body></html>")
    (tmp_path / "Letter.pdf").write_bytes(pdf_bytes("from the school"))
    (tmp_path / "Minutes.txt").write_bytes(b"Minutes\n" + EICAR + b"\n")

    log_in(page, social_worker, f"/agency-files/{la.public_id}/")
    expect(page.get_by_text("No files have been uploaded.")).to_be_visible()
    page.get_by_role("link", name="Add a file").click()
    page.get_by_label("Upload a file").set_input_files(tmp_path / "page.pdf")
    page.get_by_role("button", name="Upload the file").click()
    expect(error_summary(page)).to_contain_text("The selected file must be a PDF, Word")
    assert_accessible(page, "the upload form with an error")

    page.get_by_label("Upload a file").set_input_files(tmp_path / "Letter.pdf")
    page.get_by_label("What is this file?").fill("Letter from the school")
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text("The file has been uploaded.")).to_be_visible()
    expect(page.get_by_text("Ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Letter.pdf (download)").click()
    assert download.value.suggested_filename == "Letter.pdf"
    assert open(download.value.path(), "rb").read() == pdf_bytes("from the school")
    assert RecordView.objects.filter(user=social_worker).count() == 1

    page.get_by_role("link", name="Add a file").click()
    page.get_by_label("Upload a file").set_input_files(tmp_path / "Minutes.txt")
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text("Virus found")).to_be_visible()
    expect(page.get_by_text("Kept in quarantine. It can never be opened.")).to_be_visible()
    expect(page.get_by_role("link", name="Minutes.txt (download)")).to_have_count(0)
    assert_accessible(page, "the files, one with a virus")
    assert Upload.objects.get(original_name="Minutes.txt").scan_status == ScanStatus.INFECTED

    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, administrator, "/uploads/quarantine/")
    expect(page.get_by_text("ClamAV answers: ClamAV")).to_be_visible()
    expect(page.get_by_text("Virus found: 1")).to_be_visible()
    expect(page.get_by_text("Minutes.txt")).to_have_count(0)
    assert_accessible(page, "files in quarantine, at phone width")
