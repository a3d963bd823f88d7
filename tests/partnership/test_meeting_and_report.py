"""The rapid review meeting, the report and the National Panel's response (issue 12, section 2; ADR 23): the
meeting freezes the merged chronology (what comes after is a late addition, shown apart), each step is met by
its own action, the report is kept as sent, and the Panel's response is recorded once. Services first, then
the files agencies send with their submission (the kernel's scanned upload service) and their downloads."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat, RapidReview, ReportIssue
from partnership.selectors.report import chronology_parts
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.clock.models import Deadline
from safeguarding.uploads.models import ScanStatus, Upload
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401 (fixtures)

D = date
AWARE = D(2027, 3, 24)   # Wednesday before Easter: Working Day 1; the meeting is due on WD9, Wednesday 7 April


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


@pytest.fixture
def scene(la, police, police_officer, business_unit, health, school):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=AWARE)
    with freeze_time("2027-03-30 12:00"):
        to_school, to_health = services.agencies_request(actor=business_unit, review=review, agencies=[school, health])
    school_lead = make_user(school, Role.PARTNER_PRACTITIONER)
    health_lead = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(school_lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    pf.seat(health_lead, health, PartnershipSeat.Kind.AGENCY_LEAD)
    delegate = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(delegate, health)
    with freeze_time("2027-04-01 12:00"):
        services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=D(2027, 3, 1),
                                      entry="Absent from school")
    return review, to_school, to_health, school_lead, health_lead, delegate


MEETING_DAY = D(2027, 4, 7)


def meet(review, bu, school, health, on=MEETING_DAY, **kw):
    return services.rapid_review_meeting_record(actor=bu, review=review, held_on=on, attendance=[
        (school, "Head teacher"), (health, "Named nurse; GP")], **kw)


def test_the_meeting_freezes_the_chronology_and_later_contributions_are_late_additions(
        scene, business_unit, school, health):
    review, to_school, to_health, school_lead, health_lead, delegate = scene
    with freeze_time("2027-04-07 15:00"):
        with pytest.raises(ValidationError) as e:   # a delegate sees the review but does not run it
            meet(review, delegate, school, health)
        assert "held_on" in e.value.message_dict
        with pytest.raises(ValidationError) as e:
            services.rapid_review_meeting_record(actor=business_unit, review=review, held_on=D(2027, 4, 8),
                                                 attendance=[(school, "  ")])
        assert set(e.value.message_dict) == {"held_on", "attendance"}
        with pytest.raises(ValidationError) as e:   # recorded through the meeting, not "record it done"
            services.rapid_review_step_done(actor=business_unit, review=review, step="rapid_review_meeting",
                                            done_on=D(2027, 4, 7))
        assert "step" in e.value.message_dict
        meet(review, business_unit, school, health)
        assert meet(review, business_unit, school, health).meeting_held_on == D(2027, 4, 7)   # nothing changes
        with pytest.raises(ValidationError):
            meet(review, business_unit, school, health, on=D(2027, 4, 6))
    review.refresh_from_db()
    assert review.chronology_frozen_at is not None
    assert [a.agency.name for a in review.attendance.order_by("agency__name")] == sorted([school.name, health.name])
    step = Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_meeting")
    assert (step.status, step.met_on) == (Deadline.Status.MET_ON_TIME, D(2027, 4, 7))
    assert CaseEvent.objects.filter(code="partnership.meeting_recorded", subject_id=review.pk).count() == 1

    with freeze_time("2027-04-08 10:00"):   # health comes in after the meeting
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=D(2027, 2, 1),
                                      entry="Missed appointment")
        services.information_return(actor=health_lead, request=to_health, information="Missed appointments",
                                    late_reason="Health's form came after the meeting")
    frozen, late = chronology_parts(review)
    assert [e.entry for e in frozen] == ["Absent from school"]
    assert [(e.entry, e.request.agency_id) for e in late] == [("Missed appointment", health.pk)]
    to_health.refresh_from_db()
    assert to_health.returned_after_meeting


@freeze_time("2027-04-09 12:00")
def test_a_late_meeting_needs_its_reason(scene, business_unit, school, health):
    review = scene[0]
    with pytest.raises(ValidationError) as e:
        meet(review, business_unit, school, health, on=D(2027, 4, 8))
    assert "late_reason" in e.value.message_dict
    meet(review, business_unit, school, health, on=D(2027, 4, 8), late_reason="The police could not attend on WD9")
    assert Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_meeting").status == \
        Deadline.Status.MET_LATE


def test_the_report_is_written_after_the_meeting_sent_step_by_step_and_submission_ends_the_review(
        scene, business_unit, school, health, police_officer):
    review, *_rest, delegate = scene
    write = {"findings": "Agencies did not share the missed appointments.", "decision": "lcspr",
             "rationale": "Serious harm; learning across agencies."}
    with freeze_time("2027-04-07 16:00"):
        with pytest.raises(ValidationError):   # not before the meeting
            services.rapid_review_report_write(actor=business_unit, review=review, **write)
        meet(review, business_unit, school, health)
        with pytest.raises(ValidationError) as e:   # the decision first
            services.rapid_review_report_send(actor=business_unit, review=review, to="panel", sent_on=D(2027, 4, 7))
        assert "decision" in e.value.message_dict
        with pytest.raises(ValidationError) as e:
            services.rapid_review_report_write(actor=business_unit, review=review, findings=" ", decision="maybe",
                                               rationale="")
        assert set(e.value.message_dict) == {"findings", "decision", "rationale"}
        with pytest.raises(Http404):
            services.rapid_review_report_write(actor=police_officer, review=review, **write)
        with pytest.raises(ValidationError):
            services.rapid_review_report_write(actor=delegate, review=review, **write)
        services.rapid_review_report_write(actor=business_unit, review=review, **write)
        services.rapid_review_report_write(actor=business_unit, review=review, **write)   # nothing changes
    assert review.history.filter(history_change_reason__startswith="Report written").count() == 1

    with freeze_time("2027-04-12 16:00"):
        with pytest.raises(ValidationError) as e:   # "record it done" does not send the report
            services.rapid_review_step_done(actor=business_unit, review=review, step="rapid_review_report_to_panel",
                                            done_on=D(2027, 4, 12))
        assert "step" in e.value.message_dict
        to_panel = services.rapid_review_report_send(actor=business_unit, review=review, to="panel",
                                                     sent_on=D(2027, 4, 12))
        assert services.rapid_review_report_send(actor=business_unit, review=review, to="panel",
                                                 sent_on=D(2027, 4, 12)).pk == to_panel.pk
        with pytest.raises(ValidationError) as e:
            services.rapid_review_report_send(actor=business_unit, review=review, to="panel", sent_on=D(2027, 4, 9))
        assert "to" in e.value.message_dict
    assert bytes(to_panel.content).startswith(b"%PDF") and to_panel.decision == "lcspr"
    with freeze_time("2027-04-16 09:00"):   # the partners a day late: with the reason
        with pytest.raises(ValidationError) as e:
            services.rapid_review_report_send(actor=business_unit, review=review, to="partners",
                                              sent_on=D(2027, 4, 15))
        assert "late_reason" in e.value.message_dict
        services.rapid_review_report_send(actor=business_unit, review=review, to="partners", sent_on=D(2027, 4, 15),
                                          late_reason="The chair was ill")
        services.rapid_review_report_send(actor=business_unit, review=review, to="national_panel",
                                          sent_on=D(2027, 4, 15))
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    states = {d.rule_key: d.status for d in Deadline.objects.filter(subject_id=review.pk)}
    assert states["rapid_review_report_to_panel"] == states["rapid_review_submission"] == Deadline.Status.MET_ON_TIME
    assert states["rapid_review_report_to_partners"] == Deadline.Status.MET_LATE
    assert "rapid_review" not in states   # the national clock waits for the notification (not recorded here)
    assert list(ReportIssue.objects.filter(rapid_review=review).values_list("sent_to", flat=True)) == [
        "panel", "partners", "national_panel"]
    with freeze_time("2027-04-16 10:00"), pytest.raises(ValidationError):   # submitted: the report stands
        services.rapid_review_report_write(actor=business_unit, review=review,
                                           **{**write, "decision": "no_further_action"})


def test_the_national_panels_response_is_recorded_once_after_the_submission(scene, business_unit, school, health):
    review = scene[0]
    answer = {"received_on": D(2027, 5, 6), "response": "The Panel agrees a local review.", "agrees": True,
              "national_review": False}
    with freeze_time("2027-04-07 16:00"):
        with pytest.raises(ValidationError) as e:   # not before the submission
            services.panel_response_record(actor=business_unit, review=review, **{**answer,
                                                                                 "received_on": D(2027, 4, 7)})
        assert "response" in e.value.message_dict
        meet(review, business_unit, school, health)
        services.rapid_review_report_write(actor=business_unit, review=review, findings="Found", decision="lcspr",
                                           rationale="Why")
        services.rapid_review_report_send(actor=business_unit, review=review, to="national_panel",
                                          sent_on=D(2027, 4, 7))
    with freeze_time("2027-05-06 10:00"):
        with pytest.raises(ValidationError) as e:
            services.panel_response_record(actor=business_unit, review=review, received_on=D(2027, 4, 6),
                                           response=" ", agrees=None, national_review=None)
        assert set(e.value.message_dict) == {"received_on", "response", "agrees", "national_review"}
        services.panel_response_record(actor=business_unit, review=review, **answer)
        services.panel_response_record(actor=business_unit, review=review, **answer)   # nothing changes
        with pytest.raises(ValidationError):
            services.panel_response_record(actor=business_unit, review=review, **{**answer, "agrees": False})
    review.refresh_from_db()
    assert (review.panel_response_on, review.panel_agrees, review.national_review) == (D(2027, 5, 6), True, False)
    assert CaseEvent.objects.filter(code="partnership.panel_response_recorded", subject_id=review.pk).count() == 1


# --- files with the submission ----------------------------------------------------------------------------------


def test_an_agency_lead_sends_files_through_the_scanned_upload_service(scene, business_unit, client_for, school,
                                                                        health):
    review, to_school, to_health, school_lead, health_lead, delegate = scene
    with freeze_time("2027-04-01 12:00"):
        upload = services.submission_file_add(actor=school_lead, request=to_school,
                                              file=named(pdf_bytes(), "chronology.pdf"), description="Our chronology")
        with pytest.raises(Http404):   # another agency's request looks missing
            services.submission_file_add(actor=school_lead, request=to_health, file=named(pdf_bytes(), "x.pdf"))
        with pytest.raises(ValidationError) as e:
            services.submission_file_add(actor=school_lead, request=to_school, file=named(b"<html></html>", "x.html"))
        assert "file" in e.value.message_dict
    assert Upload.objects.of(to_school).get() == upload and upload.scan_status == ScanStatus.PENDING
    url = f"/partnership/requests/{to_school.public_id}/files/{upload.public_id}/"
    assert client_for(business_unit).get(url).status_code == 409   # quarantined until the scan passes
    Upload.objects.filter(pk=upload.pk).update(scan_status=ScanStatus.CLEAN)
    for who, status in ((business_unit, 200), (delegate, 200), (school_lead, 200), (health_lead, 404)):
        assert client_for(who).get(url).status_code == status
    assert RecordView.objects.filter(record_id=upload.pk).count() == 3
    other = f"/partnership/requests/{to_health.public_id}/files/{upload.public_id}/"
    assert client_for(business_unit).get(other).status_code == 404   # only the request's own files


# --- the report as a real PDF, and the pages ----------------------------------------------------------------------

MARKUP = "</p><h1>Injected</h1>"


def _submitted(review, bu, school, health, school_lead, health_lead, to_health):
    with freeze_time("2027-04-07 16:00"):
        meet(review, bu, school, health)
    with freeze_time("2027-04-08 10:00"):
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=D(2027, 3, 20),
                                      entry=f"A&E attendance {MARKUP}")
        services.rapid_review_report_write(actor=bu, review=review, findings=f"Information was not shared {MARKUP}",
                                           decision="national_review", rationale="Issues of national importance")
        return services.rapid_review_report_send(actor=bu, review=review, to="panel", sent_on=D(2027, 4, 8))


@pytest.mark.pdf
def test_the_report_as_a_real_pdf_holds_the_frozen_chronology_and_the_late_additions_apart(
        scene, business_unit, school, health):
    import io

    from pypdf import PdfReader

    from safeguarding.documents.pdf import DEFAULT_MARKING

    review, to_school, to_health, school_lead, health_lead, _delegate = scene
    issue = _submitted(review, business_unit, school, health, school_lead, health_lead, to_health)
    reader = PdfReader(io.BytesIO(bytes(issue.content)))
    assert reader.metadata.title == "Rapid review report"
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Ava Example, born 1 May 2020" in text   # the subject line, on every page
    assert "Recommend a national review to the National Panel" in text
    assert f"Information was not shared {MARKUP}" in text   # literally, never as markup
    before, after = text.split("Received after the meeting", 1)
    assert "Absent from school" in before and "A&E attendance" not in before
    assert "A&E attendance" in after.split("The information forms")[0]
    assert "Sent to the rapid review panel (oversight) on 8 April 2027" in text
    assert DEFAULT_MARKING in text


def test_the_review_page_shows_the_meeting_the_late_additions_the_report_and_reads_in_fixed_statements(
        scene, business_unit, school, health, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review, to_school, to_health, school_lead, health_lead, delegate = scene
    url = f"/partnership/rapid-reviews/{review.public_id}/"
    with freeze_time("2027-04-07 16:00"):
        client = client_for(business_unit)
        services.submission_file_add(actor=school_lead, request=to_school, file=named(pdf_bytes(), "a.pdf"))
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
    issue = _submitted(review, business_unit, school, health, school_lead, health_lead, to_health)
    with freeze_time("2027-04-08 12:00"):
        services.submission_file_add(actor=health_lead, request=to_health, file=named(pdf_bytes(), "b.pdf"))
        services.submission_file_add(actor=school_lead, request=to_school, file=named(pdf_bytes(), "c.pdf"))
        client = client_for(business_unit)
        client.get(url)
        with CaptureQueriesContext(connection) as more:
            body = client.get(url).content.decode()
    assert len(more) <= len(few) + 2, [q["sql"] for q in more.captured_queries]   # the attendance and the issues
    assert "Held on Wednesday 7 April 2027" in body and "Named nurse; GP" in body
    frozen, late = body.split('id="chronology"')[1].split('id="late-additions"')
    assert "Absent from school" in frozen and "A&amp;E attendance" in late
    assert body.count("After the meeting</strong>") == 2   # b.pdf and c.pdf, not a.pdf
    assert "Recommend a national review to the National Panel" in body
    assert f"/partnership/rapid-reviews/{review.public_id}/report/{issue.public_id}/" in body
    response = client_for(delegate).get(f"/partnership/rapid-reviews/{review.public_id}/report/{issue.public_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert CaseEvent.objects.filter(code="partnership.report_downloaded", subject_id=review.pk).count() == 1
    for who in (school_lead, health_lead):
        assert client_for(who).get(f"/partnership/rapid-reviews/{review.public_id}/report/{issue.public_id}/"
                                   ).status_code == 404


def _date(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def test_the_pages_record_the_meeting_write_and_send_the_report_and_the_panels_response(
        scene, business_unit, school, health, client_for, police_officer):
    review, *_rest, delegate = scene
    base = f"/partnership/rapid-reviews/{review.public_id}"
    with freeze_time("2027-04-07 16:00"):
        bu = client_for(business_unit)
        for who in (delegate, police_officer):
            assert client_for(who).get(f"{base}/meeting/").status_code == 404
        page = bu.get(f"{base}/meeting/").content.decode()
        assert f"Who attended for {health.name}" in page and "freezes the merged chronology" in page
        assert bu.get(f"{base}/report/").status_code == 404   # the report follows the meeting
        response = bu.post(f"{base}/meeting/", {**_date("held_on", D(2027, 4, 7))})
        assert "Say who attended for at least one agency" in response.content.decode()
        response = bu.post(f"{base}/meeting/", {**_date("held_on", D(2027, 4, 7)),
                                                f"attended-{health.public_id}": "Named nurse"})
        assert response.status_code == 302
        assert "The meeting was recorded" in bu.get(f"{base}/meeting/").content.decode()
        response = bu.post(f"{base}/report/", {"findings": "Found", "decision": "lcspr", "rationale": "Why"})
        assert response.status_code == 302
        assert bu.get(f"{base}/report/send/nowhere/").status_code == 404
        assert bu.post(f"{base}/report/send/national_panel/", _date("sent_on", D(2027, 4, 7))).status_code == 302
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED and review.decision == "lcspr"
    bu = client_for(business_unit)
    assert bu.get(f"{base}/report/").status_code == 404   # submitted: the report stands
    with freeze_time("2027-05-06 10:00"):
        bu = client_for(business_unit)
        assert client_for(delegate).get(f"{base}/panel-response/").status_code == 404
        response = bu.post(f"{base}/panel-response/", {**_date("received_on", D(2027, 5, 6)), "response": "Agreed",
                                                        "agrees": "yes", "national_review": "no"})
        assert response.status_code == 302
    review.refresh_from_db()
    assert (review.panel_agrees, review.national_review) == (True, False)
    bu = client_for(business_unit)
    assert bu.get(f"{base}/panel-response/").status_code == 404   # recorded once
    page = bu.get(f"{base}/").content.decode()
    assert "Agrees with the decision" in page and "Not taken on" in page


def test_a_lead_uploads_a_file_on_the_page(scene, client_for):
    review, to_school, to_health, school_lead, health_lead, _delegate = scene
    url = f"/partnership/requests/{to_school.public_id}/files/new/"
    assert client_for(health_lead).get(url).status_code == 404
    with freeze_time("2027-04-02 10:00"):
        page = client_for(school_lead).get(f"/partnership/requests/{to_school.public_id}/").content.decode()
        assert url in page
        response = client_for(school_lead).post(url, {"file": named(pdf_bytes(), "chronology.pdf"),
                                                      "description": "Our chronology"})
        assert response.status_code == 302
    assert Upload.objects.of(to_school).get().original_name == "chronology.pdf"
    page = client_for(school_lead).get(f"/partnership/requests/{to_school.public_id}/").content.decode()
    assert "File: chronology.pdf" in page and "Waiting for virus scan" in page
