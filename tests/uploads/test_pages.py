"""The kernel's page pieces as an app wraps them (tests/uploads/urls.py), and the administrators' pages."""

import re

import pytest
from django.urls import reverse

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.audit.models import RecordView
from safeguarding.uploads import services
from safeguarding.uploads.models import ScanStatus, Upload
from safeguarding.uploads.policies import upload_oversight_policy
from tests.factories import make_user
from tests.uploads.conftest import named, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.uploads.urls")]


def receive(actor, owner, data=None, name="Letter.pdf", status=None):
    upload = services.upload_receive(actor=actor, file=named(data or pdf_bytes(), name), purpose="evidence",
                                     owner=owner)
    if status:
        Upload.objects.filter(pk=upload.pk).update(scan_status=status)
        upload.refresh_from_db()
    return upload


def main(response) -> str:
    """The page's main content (the header names the person, the head carries their CSRF token)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def download_url(upload):
    return reverse("tu-download", args=[upload.owner.public_id, upload.public_id])


# --- adding -------------------------------------------------------------------------------------------


def test_the_upload_page_takes_a_file_and_checks_its_bytes(la, social_worker, client_for):
    client, url = client_for(social_worker), reverse("tu-add", args=[la.public_id])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert "It can be a PDF, Word, Excel, PowerPoint" in page and "or HEIC file, up to 20.0\xa0MB" in page
    assert 'accept=".csv,.doc' in page

    refused = client.post(url, {"file": named(b"<html><body>hi</body></html>", "notes.pdf", "application/pdf")})
    assert refused.status_code == 200 and "The selected file must be a PDF" in refused.content.decode()
    assert not Upload.objects.exists()

    done = client.post(url, {"file": named(pdf_bytes(), "Letter.pdf"), "description": "From the school"}, follow=True)
    assert "The file has been uploaded." in done.content.decode()
    upload = Upload.objects.get()
    assert (upload.original_name, upload.description, upload.owner) == ("Letter.pdf", "From the school", la)


def test_a_file_over_the_limit_is_dropped_while_it_arrives(la, social_worker, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = client_for(social_worker).post(reverse("tu-add", args=[la.public_id]),
                                              {"file": named(b"a" * 5000, "big.txt")})
    assert response.status_code == 200
    assert "The selected file must be smaller than 1000\xa0bytes" in response.content.decode()
    assert not Upload.objects.exists()


def test_the_list_says_where_each_scan_stands(la, social_worker, client_for, django_assert_num_queries):
    receive(social_worker, la, name="ready.pdf", status=ScanStatus.CLEAN)
    receive(social_worker, la, name="waiting.pdf")
    receive(social_worker, la, name="bad.pdf", status=ScanStatus.INFECTED)
    client = client_for(social_worker)
    client.get(reverse("tu-list", args=[la.public_id]))  # the session and the caches warm
    # the session, the person, their memberships, the agency, the uploads (with their people), notifications
    with django_assert_num_queries(6):
        page = client.get(reverse("tu-list", args=[la.public_id])).content.decode()
    assert page.count(" (download)") == 1 and "Virus found" in page and "Waiting for virus scan" in page
    assert "Virus scanning is not set up on this hub yet, so the file cannot be opened." in page
    assert page.count(">Withdraw<") == 3


# --- downloading ----------------------------------------------------------------------------------------


def test_a_download_is_an_attachment_of_the_sniffed_type_and_is_logged(la, social_worker, client_for):
    upload = receive(social_worker, la, pdf_bytes("body"), name="Notes from visit.EXE", status=ScanStatus.CLEAN)
    response = client_for(social_worker).get(download_url(upload))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes("body")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Notes from visit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    [view] = RecordView.objects.all()
    assert (view.user, view.via, view.record) == (social_worker, RecordView.Via.PAGE, upload)


def test_a_pending_file_says_so_and_is_not_served(la, social_worker, client_for):
    upload = receive(social_worker, la)
    response = client_for(social_worker).get(download_url(upload))
    assert response.status_code == 409
    assert "virus scanning is not set up on this hub yet" in response.content.decode()
    assert not RecordView.objects.exists()


def test_forbidden_looks_exactly_like_missing(la, other_la, social_worker, client_for):
    upload = receive(social_worker, la, status=ScanStatus.CLEAN)
    elsewhere = receive(make_user(other_la, Role.SOCIAL_WORKER), other_la, status=ScanStatus.CLEAN)
    missing = client_for(social_worker).get(reverse("tu-download", args=[la.public_id, "nothing-here"]))
    assert missing.status_code == 404 and "Page not found" in main(missing)
    attempts = [
        (make_user(la, Role.ADMINISTRATOR), download_url(upload)),  # sees the record, may not download
        (make_user(other_la, Role.SOCIAL_WORKER), download_url(upload)),  # not their agency's record
        (social_worker, reverse("tu-download", args=[la.public_id, elsewhere.public_id])),  # another record's file
    ]
    for person, url in attempts:
        response = client_for(person).get(url)
        assert (response.status_code, main(response)) == (404, main(missing)), url
    assert not RecordView.objects.exists()


def test_withdrawing_through_the_page(la, social_worker, client_for):
    upload = receive(social_worker, la, status=ScanStatus.CLEAN)
    client, url = client_for(social_worker), reverse("tu-withdraw", args=[la.public_id, upload.public_id])
    assert "Enter why the file is being withdrawn" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Sent to the wrong record"}).status_code == 302
    upload.refresh_from_db()
    assert upload.withdrawal_reason == "Sent to the wrong record"
    assert "already been withdrawn" in client.get(url).content.decode()
    assert client.get(download_url(upload)).status_code == 409


# --- administrators -------------------------------------------------------------------------------------


def test_the_quarantine_page_is_for_administrators_and_names_no_file(la, social_worker, administrator, client_for,
                                                                     django_assert_num_queries):
    infected = receive(social_worker, la, name="Jamie Smith medical.pdf", status=ScanStatus.INFECTED)
    Upload.objects.filter(pk=infected.pk).update(scan_signature="Win.Test.EICAR_HDB-1")
    receive(social_worker, la, name="waiting.pdf")
    receive(social_worker, la, name="fine.pdf", status=ScanStatus.CLEAN)
    client = client_for(administrator)
    client.get(reverse("uploads:quarantine"))
    # the session, the person, their memberships, the counts, the rows (with their uploaders), notifications
    with django_assert_num_queries(6):
        response = client.get(reverse("uploads:quarantine"))
    page = response.content.decode()
    assert response.status_code == 200 and infected.reference in page and "Win.Test.EICAR_HDB-1" in page
    assert "Jamie" not in page and "fine.pdf" not in page and "waiting.pdf" not in page
    assert "Virus scanning is not set up: CLAMD_URL is not set" in page
    assert "Waiting for a virus scan: 1" in page and "Virus found: 1" in page
    assert client_for(social_worker).get(reverse("uploads:quarantine")).status_code == 404


def test_the_quarantine_page_shows_a_working_scanner(scanning, administrator, client_for):
    page = client_for(administrator).get(reverse("uploads:quarantine")).content.decode()
    assert "ClamAV answers: ClamAV " in page


def test_an_administrator_asks_for_a_failed_scan_again(la, social_worker, administrator, client_for):
    upload = receive(social_worker, la, status=ScanStatus.FAILED)
    Upload.objects.filter(pk=upload.pk).update(scan_attempts=10)
    url = reverse("uploads:scan_again", args=[upload.public_id])
    assert client_for(social_worker).get(url).status_code == 404
    client = client_for(administrator)
    assert client.post(url).status_code == 302
    upload.refresh_from_db()
    assert upload.scan_attempts == 0
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    assert "nothing to try again" in client.get(url).content.decode()


@pytest.mark.parametrize("role, oversees", [
    (Role.ADMINISTRATOR, True), (Role.SOCIAL_WORKER, False), (Role.TEAM_MANAGER, False),
    (Role.SERVICE_MANAGER, False), (Role.LADO_OFFICER, False), (Role.CONFERENCE_CHAIR, False), (Role.IRO, False),
    (Role.PARTNERSHIP_BUSINESS_UNIT, False), (Role.PARTNER_PRACTITIONER, False)])
def test_oversight_policy_matrix(la, social_worker, role, oversees):
    upload = receive(social_worker, la, status=ScanStatus.FAILED)
    ctx = AccessContext.for_user(make_user(la, role))
    for action in upload_oversight_policy.actions:
        assert upload_oversight_policy.can(ctx, action, upload) is oversees
        assert upload_oversight_policy.visible(ctx, action).filter(pk=upload.pk).exists() is oversees
        if oversees:
            assert upload_oversight_policy.get_for(ctx, upload.public_id, action) == upload
        else:
            with pytest.raises(Exception, match="No such record"):
                upload_oversight_policy.get_for(ctx, upload.public_id, action)
    assert not upload_oversight_policy.can(AccessContext.for_user(None), "oversee", upload)
