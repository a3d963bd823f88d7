"""Evidence on a referral and a case (issue 11): the kernel's upload service behind the LADO's policy.

The referrer sends files on their own referral and sees only those; the LADO team adds to any referral or case
and sees every file; the people invited into a case see none (the LADO has no way to share a file with them).
Files wait in quarantine until their virus scan passes (one real clamd scan of an EICAR file), every download is
logged, a file is withdrawn with a reason, never deleted. The world is shared per module; files go to a
temporary UPLOAD_ROOT per test (the uploads tests' fixtures)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lado import services
from lado.models import LadoCase, Referral
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.notify.models import Notification
from safeguarding.uploads.models import ScanStatus, Upload
from safeguarding.uploads.services import upload_scan
from tests.factories import LocalAuthorityFactory, PoliceFactory, make_user
from tests.factories.lado import EvaluatedCaseFactory, RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world
from tests.uploads.conftest import (  # noqa: F401 (fixtures: a temporary UPLOAD_ROOT, the real clamd)
    EICAR,
    _upload_root_base,
    clamd,
    named,
    pdf_bytes,
    png_bytes,
    scanning,  # noqa: F811
    upload_root,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_evidence")]


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def same(response) -> str:
    """A page without what changes from one response to the next (the CSRF token)."""
    return re.sub(r'(name="csrf-token" content|name="csrfmiddlewaretoken" value)="[^"]+"', "",
                  response.content.decode())


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado")
    referrer = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer")
    police = make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Pat Police")
    case = EvaluatedCaseFactory(local_authority=la, referrer=referrer, officer=officer)
    services.case_invite(actor=officer, case=case, user=police, kind="police")
    return {"la": la, "officer": officer, "referrer": referrer, "police": police,
            "other": RegisteredReferrerFactory(local_authority=la, full_name="Rob Other"),
            "case": LadoCase.objects.get(pk=case.pk), "referral": Referral.objects.get(pk=case.referral_id)}


world = shared_world(_build)


def add(actor, owner, data=None, name="Letter.pdf", status=None):
    upload = services.evidence_add(actor=actor, owner=owner, file=named(data or pdf_bytes(), name),
                                   description="From the school")
    if status:
        Upload.objects.filter(pk=upload.pk).update(scan_status=status)
        upload.refresh_from_db()
    return upload


def url(name, owner, upload=None):
    return reverse(f"lado:{name}", args=[owner.public_id, *([upload.public_id] if upload else [])])


def test_the_referrer_sends_a_file_from_their_referral_page(world, client_for):
    referral, client = world["referral"], client_for(world["referrer"])
    page = text(client.get(reverse("lado:portal_referral", args=[referral.public_id])))
    assert "You have not sent any files." in page and url("referral_evidence_new", referral) in page
    form = client.get(url("referral_evidence_new", referral)).content.decode()
    assert 'enctype="multipart/form-data"' in form and "Back to your referral" in form

    done = client.post(url("referral_evidence_new", referral),
                       {"file": named(png_bytes(), "bruise.png", "image/png"), "description": "Photo of the arm"})
    assert done.status_code == 302 and done["Location"] == reverse("lado:portal_referral", args=[referral.public_id])
    upload = Upload.objects.get()
    assert (upload.owner, upload.purpose, upload.content_type, upload.scan_status) == (
        referral, "evidence", "image/png", ScanStatus.PENDING)
    event = CaseEvent.objects.get(code="lado.evidence_added")
    assert (event.payload["by"], event.payload["upload"]) == ("referrer", upload.pk)
    told = Notification.objects.get(recipient=world["officer"], subject__startswith="New evidence")
    assert told.subject == f"New evidence on referral {referral.reference}" and "bruise" not in told.body

    page = text(client.get(reverse("lado:portal_referral", args=[referral.public_id])))
    assert "bruise.png" in page and "Waiting for virus scan" in page and "Photo of the arm" in page


def test_the_lado_sees_every_file_and_the_referrer_only_their_own(world, client_for):
    referral, officer, referrer = world["referral"], world["officer"], world["referrer"]
    theirs = add(referrer, referral, name="Statement.pdf", status=ScanStatus.CLEAN)
    ours = add(officer, referral, name="Notes of the call.pdf", status=ScanStatus.CLEAN)

    lado_page = text(client_for(officer).get(url("referral", referral)))
    assert "Statement.pdf" in lado_page and "Notes of the call.pdf" in lado_page
    portal = client_for(referrer)
    own_page = text(portal.get(reverse("lado:portal_referral", args=[referral.public_id])))
    assert "Statement.pdf" in own_page and "Notes of the call" not in own_page

    # the referrer downloads their own file, and reaches the LADO's exactly as a missing one
    assert portal.get(url("referral_evidence_file", referral, theirs)).status_code == 200
    refused = portal.get(url("referral_evidence_file", referral, ours))
    missing = portal.get(reverse("lado:referral_evidence_file", args=[referral.public_id,
                                                                      "00000000-0000-0000-0000-000000000000"]))
    assert refused.status_code == missing.status_code == 404 and same(refused) == same(missing)
    assert portal.get(url("referral_evidence_withdraw", referral, ours)).status_code == 404
    # another referrer reaches neither the referral nor its files
    other = client_for(world["other"])
    assert other.get(url("referral_evidence_file", referral, theirs)).status_code == 404
    assert other.get(url("referral_evidence_new", referral)).status_code == 404


def test_a_download_is_the_file_served_safely_and_logged(world, client_for):
    referral, officer = world["referral"], world["officer"]
    upload = add(world["referrer"], referral, name="notes.exe", status=ScanStatus.CLEAN)
    response = client_for(officer).get(url("referral_evidence_file", referral, upload))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf" and 'filename="notes.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    view = RecordView.objects.get(user=officer, record_id=upload.pk, what__startswith="download")
    assert view.what == "download (application/pdf)"


def test_a_file_waiting_for_its_scan_cannot_be_opened(world, client_for):
    referral = world["referral"]
    upload = add(world["referrer"], referral)
    response = client_for(world["officer"]).get(url("referral_evidence_file", referral, upload))
    assert response.status_code == 409 and "waiting for a virus scan" in text(response)
    assert not RecordView.objects.filter(record_id=upload.pk, what__startswith="download").exists()


def test_the_referrer_withdraws_their_file_with_a_reason(world, client_for):
    referral = world["referral"]
    upload = add(world["referrer"], referral, status=ScanStatus.CLEAN)
    client, where = client_for(world["referrer"]), url("referral_evidence_withdraw", referral, upload)
    assert "Enter why the file is being withdrawn" in text(client.post(where, {"reason": ""}))
    done = client.post(where, {"reason": "Wrong pupil's letter"})
    assert done.status_code == 302
    upload.refresh_from_db()
    assert upload.withdrawn and upload.withdrawal_reason == "Wrong pupil's letter"
    assert CaseEvent.objects.filter(code="lado.evidence_withdrawn", subject_id=referral.pk).count() == 1
    assert client.get(url("referral_evidence_file", referral, upload)).status_code == 409  # kept, not served
    again = client.post(where, {"reason": "Again"}, follow=True)
    assert "This file has already been withdrawn." in text(again)


def test_evidence_on_the_case_is_the_lado_s_only(world, client_for):
    case, referral, officer, police = world["case"], world["referral"], world["officer"], world["police"]
    add(world["referrer"], referral, name="From the school.pdf")
    lado = client_for(officer)
    done = lado.post(url("case_evidence_new", case), {"file": named(pdf_bytes(), "Strategy notes.pdf")})
    assert done.status_code == 302 and done["Location"] == url("case", case) + "#evidence"
    upload = Upload.objects.of(case).get()
    page = text(lado.get(url("case", case)))
    assert "Evidence on the case" in page and "Strategy notes.pdf" in page
    assert "Evidence sent with the referral" in page and "From the school.pdf" in page

    # invited into the case: no evidence section, no file, no upload page
    invited = client_for(police)
    page = text(invited.get(url("case", case)))
    assert "Strategy notes" not in page and "Evidence on the case" not in page and 'id="evidence' not in page
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    for name in ("case_evidence_file", "case_evidence_withdraw"):
        assert invited.get(url(name, case, upload)).status_code == 404
    assert invited.get(url("case_evidence_new", case)).status_code == 404
    # the referrer never adds to the case
    assert client_for(world["referrer"]).get(url("case_evidence_new", case)).status_code == 404


def test_the_services_re_check_the_policy(world):
    referral, case = world["referral"], world["case"]
    for actor, owner in ((world["other"], referral), (world["police"], case), (world["referrer"], case)):
        with pytest.raises(ValidationError):
            add(actor, owner)
    ours = add(world["officer"], referral)
    with pytest.raises(ValidationError):
        services.evidence_withdraw(actor=world["referrer"], owner=referral, upload=ours, reason="Not mine")
    with pytest.raises(Upload.DoesNotExist):  # a file of the referral is not a file of the case
        services.evidence_withdraw(actor=world["officer"], owner=case, upload=ours, reason="Wrong record")
    assert Upload.objects.count() == 1 and not Upload.objects.get().withdrawn


def test_a_refused_file_type_is_kept_nowhere(world, client_for):
    response = client_for(world["referrer"]).post(
        url("referral_evidence_new", world["referral"]),
        {"file": named(b"<html><script>alert(1)</script></html>", "letter.pdf", "application/pdf")})
    assert response.status_code == 200 and "The selected file must be a PDF" in text(response)
    assert not Upload.objects.exists() and not CaseEvent.objects.filter(code="lado.evidence_added").exists()


def test_the_pages_list_files_in_a_fixed_number_of_statements(world, client_for):
    referral, case, officer = world["referral"], world["case"], world["officer"]
    client = client_for(officer)

    def count(where):
        with CaptureQueriesContext(connection) as q:
            assert client.get(where).status_code == 200
        return len(q)

    add(officer, referral)
    add(officer, case)
    one = (count(url("referral", referral)), count(url("case", case)))
    for _ in range(3):
        add(world["referrer"], referral)
        add(officer, case)
    assert (count(url("referral", referral)), count(url("case", case))) == one


def test_a_virus_is_found_by_the_real_clamd_and_never_served(world, client_for, scanning):  # noqa: F811
    referral = world["referral"]
    upload = add(world["referrer"], referral, data=EICAR, name="eicar.txt")
    assert upload.content_type == "text/plain"
    assert upload_scan(upload_id=upload.pk) == ScanStatus.INFECTED
    page = text(client_for(world["officer"]).get(url("referral", referral)))
    assert "Virus found" in page and f'href="{url("referral_evidence_file", referral, upload)}"' not in page
    response = client_for(world["officer"]).get(url("referral_evidence_file", referral, upload))
    assert response.status_code == 409 and "A virus was found in this file" in text(response)
