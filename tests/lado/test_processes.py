"""A LADO meeting's minutes (full and employer's versions, issued as PDFs) and actions chased by the clock, and
a case's parallel processes with KCSIE's employer timescales (issue 11, section 3; ADR 21): the services, the
pages and the workbench's overdue actions.

One world: Northmoor's LADO (Lee Lado) holds an evaluated case referred through the portal by Rita Referrer;
Pat Police and Sam Social (children's social care) are invited into it; the strategy meeting of Wednesday 4
March 2026 was held. The referral's child is matched to her record."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from lado import minutes as documents
from lado import services
from lado.models import MeetingAction, MeetingMinutes, ParallelProcess, ReferralChild
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, TeamFactory, make_user
from tests.factories.lado import EvaluatedCaseFactory, RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_processes")]

THIRD_PARTY_TEXT = "The police hold a previous report about the pupil's stepfather."
FAMILY_TEXT = "Ella lives with her mother and two younger brothers."


def _at(s: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(s))


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado", email="lee@northmoor.example")
    police = make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Pat Police",
                       email="pat@police.example")
    social = make_user(la, Role.SOCIAL_WORKER, team=TeamFactory(agency=la, name="Assessment"), full_name="Sam Social",
                       email="sam@northmoor.example")
    referrer = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer", email="rita@school.example")
    child = ChildFactory(local_authority=la, legal_first_names="Ella", legal_surname="Price",
                         date_of_birth=date(2017, 5, 2))
    with freeze_time("2026-03-02 10:00"):
        case = EvaluatedCaseFactory(local_authority=la, officer=officer, referrer=referrer)
        # the child's record, as the LADO's search would have matched it (lado.services.referral_child_match)
        ReferralChild.objects.filter(referral=case.referral).update(child=child)
        services.case_invite(actor=officer, case=case, user=police, kind="police")
        services.case_invite(actor=officer, case=case, user=social, kind="csc")
        meeting = services.meeting_book(
            actor=officer, case=case, kind="strategy", starts_at=_at("2026-03-04 10:00"), venue="Civic Centre",
            invitees=[{"role": "lado", "name": "Lee Lado", "email": officer.email, "user": officer},
                      {"role": "police", "name": "Pat Police", "email": police.email, "user": police},
                      {"role": "csc", "name": "Sam Social", "email": social.email, "user": social},
                      {"role": "employer", "name": "Ann Head", "email": "head@school.example"}])
    with freeze_time("2026-03-04 12:00"):
        services.meeting_hold(actor=officer, meeting=meeting, notes="See the minutes.",
                              attended=list(meeting.invitees.values_list("pk", flat=True)))
    return {"la": la, "officer": officer, "police": police, "social": social, "referrer": referrer, "child": child,
            "case": case, "meeting": meeting}


world = shared_world(_build)

SECTIONS = {"purpose": "To plan the response to the allegation that the teacher grabbed a pupil.",
            "agency_information": THIRD_PARTY_TEXT, "children_and_families": FAMILY_TEXT,
            "discussion": "The threshold is met; the police will investigate.",
            "employer_arrangements": "The teacher is suspended while the police investigate.",
            "next_steps": "Review meeting in four weeks."}


def _deadline(subject, rule) -> Deadline:
    return Deadline.objects.get(subject_id=subject.pk, rule_key=rule)


# --- minutes -------------------------------------------------------------------------------------------------------
def test_minutes_are_written_then_issued_as_two_versions_and_then_do_not_change(world):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        with pytest.raises(ValidationError, match="Write the minutes first"):
            services.minutes_issue(actor=officer, meeting=meeting)
        draft = services.minutes_save(actor=officer, meeting=meeting, sections=SECTIONS)
        again = services.minutes_save(actor=officer, meeting=meeting, sections=SECTIONS)
        assert again.pk == draft.pk and CaseEvent.objects.filter(code="lado.minutes_saved").count() == 1
        issued = services.minutes_issue(actor=officer, meeting=meeting)
    assert issued.status == "issued" and issued.issued_by == officer
    assert len(issued.full_sha256) == len(issued.employer_sha256) == 64  # the stand-in PDF here: the same bytes
    with pytest.raises(ValidationError, match="do not change"):
        services.minutes_save(actor=officer, meeting=meeting, sections={"discussion": "Something else"})
    assert services.minutes_issue(actor=officer, meeting=meeting).issued_at == issued.issued_at  # once


def test_the_employer_s_version_leaves_out_the_third_party_sections_and_actions(world):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        minutes = services.minutes_save(actor=officer, meeting=meeting, sections=SECTIONS)
        services.action_add(actor=officer, meeting=meeting, description="Interview the pupil's brothers",
                            due_date=date(2026, 3, 11), owner=world["police"], third_party=True)
        services.action_add(actor=officer, meeting=meeting, description="Confirm the suspension in writing",
                            due_date=date(2026, 3, 6), owner_name="Ann Head, head teacher")
    full, employer = (documents.minutes_context(minutes, v) for v in (documents.FULL, documents.EMPLOYER))
    assert [s["key"] for s in full["sections"]] == [n for n, _, _ in MeetingMinutes.SECTIONS]
    assert [s["key"] for s in employer["sections"]] == ["purpose", "discussion", "employer_arrangements",
                                                        "next_steps"]
    assert [a.number for a in full["actions"]] == [1, 2] and [a.number for a in employer["actions"]] == [2]
    html = documents.render_minutes  # the template is rendered in every test (the layout only in `pdf` ones)
    assert html(minutes, documents.EMPLOYER)[:4] == b"%PDF"


def test_only_the_lado_team_writes_minutes_of_a_held_meeting(world):
    with pytest.raises(ValidationError):
        services.minutes_save(actor=world["police"], meeting=world["meeting"], sections=SECTIONS)
    with freeze_time("2026-03-02 11:00"):
        booked = services.meeting_book(actor=world["officer"], case=world["case"], kind="review",
                                       starts_at=_at("2026-04-01 10:00"), venue="Civic Centre",
                                       invitees=[{"name": "Lee Lado", "email": world["officer"].email}])
    with pytest.raises(ValidationError, match="held"):
        services.minutes_save(actor=world["officer"], meeting=booked, sections=SECTIONS)


def test_sharing_the_employer_s_version_tells_the_referrer_by_reference_only(world):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        services.minutes_save(actor=officer, meeting=meeting, sections=SECTIONS)
        minutes = services.minutes_issue(actor=officer, meeting=meeting, share_with_referrer=True)
    assert minutes.shared_with_referrer_at is not None
    note = Notification.objects.get(recipient=world["referrer"])
    assert world["case"].reference in note.subject and "Pemberton" not in note.subject + note.body


# --- actions -------------------------------------------------------------------------------------------------------
def test_an_action_is_chased_by_the_clock_to_its_date_and_done_meets_it(world):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        action = services.action_add(actor=officer, meeting=meeting, description="Interview the pupil",
                                     due_date=date(2026, 3, 14), owner=world["police"])  # a Saturday
    chase = _deadline(action, "lado_meeting_action")
    # the date the meeting set; a Saturday falls back to Friday 13 March; the police officer is outside the
    # authority, so the LADO officer is reminded, in the LADO team
    assert (chase.due_date, chase.responsible_person, chase.responsible_team.name) == (
        date(2026, 3, 13), officer, "LADO service")
    assert chase.label == "LADO meeting action due" and "Pemberton" not in chase.label
    assert Notification.objects.filter(recipient=world["police"], subject__contains=world["case"].reference).exists()
    with freeze_time("2026-03-16 09:00"):
        with pytest.raises(ValidationError) as late:
            services.action_update(actor=world["police"], action=action, status="done", done_on=date(2026, 3, 16))
        assert "13 March 2026" in late.value.message_dict["note"][0]
        done = services.action_update(actor=world["police"], action=action, status="done", done_on=date(2026, 3, 16),
                                      note="The pupil was on a school trip until Monday.")
    chase.refresh_from_db()
    assert (done.status, chase.status, chase.late_reason) == ("done", "met_late",
                                                              "The pupil was on a school trip until Monday.")
    with pytest.raises(ValidationError, match="cannot change"):
        services.action_update(actor=officer, action=done, status="open", note="Again")


def test_an_action_no_longer_needed_is_cancelled_by_the_lado_only(world):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        action = services.action_add(actor=officer, meeting=meeting, description="Check the rota",
                                     due_date=date(2026, 3, 10), owner=world["social"])
        assert _deadline(action, "lado_meeting_action").responsible_person == world["social"]  # in the authority
        with pytest.raises(ValidationError):
            services.action_update(actor=world["social"], action=action, status="dropped", note="Not needed")
        progress = services.action_update(actor=world["social"], action=action, status="open",
                                          note="Asked the school")
        assert progress.progress_note == "Asked the school"
        with pytest.raises(ValidationError):  # someone else's action
            services.action_update(actor=world["police"], action=action, status="open", note="x")
        services.action_update(actor=officer, action=action, status="dropped", note="The teacher has resigned")
    assert _deadline(action, "lado_meeting_action").status == "cancelled"


def test_an_action_needs_what_who_and_a_date_not_before_the_meeting(world):
    with pytest.raises(ValidationError) as refused:
        services.action_add(actor=world["officer"], meeting=world["meeting"], description=" ",
                            due_date=date(2026, 3, 1), owner=world["referrer"])
    assert set(refused.value.message_dict) == {"description", "owner", "due_date"}
    with pytest.raises(ValidationError) as refused:
        services.action_add(actor=world["officer"], meeting=world["meeting"], description="x", due_date=None)
    assert set(refused.value.message_dict) == {"owner_name", "due_date"}


# --- parallel processes ------------------------------------------------------------------------------------------
def test_the_employer_s_investigation_keeps_kcsie_s_timescales(world):
    """Started Monday 9 March 2026: the investigator reports within 10 working days (Monday 23 March); the
    report on Friday 20 March opens the case manager's 2 working days (Tuesday 24 March)."""
    officer = world["officer"]
    with freeze_time("2026-03-09 10:00"):
        process = services.process_start(actor=officer, case=world["case"], kind="employer",
                                         lead="Ann Head, case manager", started_on=date(2026, 3, 9))
    report = _deadline(process, "lado_investigation_report")
    assert (report.due_date, report.responsible_person, report.label) == (
        date(2026, 3, 23), officer, "Employer's investigation report")
    with freeze_time("2026-03-20 10:00"):
        process = services.process_update(actor=officer, process=process, status="ongoing",
                                          report_on=date(2026, 3, 20))
    assert _deadline(process, "lado_investigation_report").status == "met_on_time"
    assert _deadline(process, "lado_investigation_decision").due_date == date(2026, 3, 24)
    with freeze_time("2026-03-24 10:00"):
        process = services.process_update(actor=officer, process=process, status="concluded",
                                          ended_on=date(2026, 3, 24), outcome="A disciplinary hearing is needed.")
    assert (process.status, _deadline(process, "lado_investigation_decision").status) == ("concluded", "met_on_time")
    with pytest.raises(ValidationError, match="cannot change"):
        services.process_update(actor=officer, process=process, status="ongoing", note="Reopened")


def test_a_disciplinary_hearing_stopped_cancels_its_timescale(world):
    with freeze_time("2026-03-09 10:00"):
        process = services.process_start(actor=world["officer"], case=world["case"], kind="disciplinary",
                                         lead="The governors' panel", started_on=date(2026, 3, 9))
        assert _deadline(process, "lado_disciplinary_hearing").due_date == date(2026, 3, 30)  # 15 WD
        services.process_update(actor=world["officer"], process=process, status="not_pursued",
                                ended_on=date(2026, 3, 9), outcome="The teacher resigned.")
    assert _deadline(process, "lado_disciplinary_hearing").status == "cancelled"


def test_invited_police_update_their_own_kinds_of_process_and_social_care_theirs(world):
    officer, police, social = world["officer"], world["police"], world["social"]
    with freeze_time("2026-03-05 10:00"):
        investigation = services.process_start(actor=officer, case=world["case"], kind="police", lead="CAIU",
                                               reference="NP/2026/1234", started_on=date(2026, 3, 4))
        enquiries = services.process_start(actor=officer, case=world["case"], kind="csc", lead="Assessment team",
                                           started_on=date(2026, 3, 4), child_id=world["child"].pk)
        with pytest.raises(ValidationError):
            services.process_start(actor=police, case=world["case"], kind="police", lead="x",
                                   started_on=date(2026, 3, 4))
        services.process_update(actor=police, process=investigation, status="ongoing", note="Pupil interviewed")
        with pytest.raises(ValidationError):
            services.process_update(actor=police, process=enquiries, status="ongoing", note="x")
        services.process_update(actor=social, process=enquiries, status="concluded", ended_on=date(2026, 3, 5),
                                outcome="No further action for the family.")
        with pytest.raises(ValidationError):
            services.process_update(actor=social, process=investigation, status="ongoing", note="x")
    assert enquiries.child == world["child"]
    assert ParallelProcess.objects.get(pk=investigation.pk).progress_note == "Pupil interviewed"


def test_only_social_care_enquiries_name_a_child_and_only_a_matched_one(world):
    other = ChildFactory(local_authority=world["la"])
    with pytest.raises(ValidationError) as refused:
        services.process_start(actor=world["officer"], case=world["case"], kind="csc", lead="x",
                               started_on=date(2026, 3, 4), child_id=other.pk)
    assert "child" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.process_start(actor=world["officer"], case=world["case"], kind="police", lead="",
                               started_on=None, child_id=world["child"].pk)
    assert set(refused.value.message_dict) == {"child", "lead", "started_on"}


# --- pages ----------------------------------------------------------------------------------------------------------
def _text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def test_the_minutes_pages_and_downloads_are_logged(world, client_for):
    c = client_for(world["officer"])
    case, meeting = world["case"], world["meeting"]
    base = f"/lado/cases/{case.public_id}/meetings/{meeting.public_id}/"
    with freeze_time("2026-03-05 09:00"):
        assert "Write the minutes" in _text(c.get(base))
        form = _text(c.get(base + "minutes/"))
        assert "Third-party information: in the full minutes only" in form
        assert c.post(base + "minutes/", SECTIONS).status_code == 302
        assert c.post(base + "minutes/issue/", {"share_with_referrer": "on"}).status_code == 302
        page = _text(c.get(base))
    assert "Download the full minutes (PDF)" in page and "shared with the referrer on 5 March 2026" in page
    resp = c.get(base + "minutes/employer.pdf")
    assert resp["Content-Type"] == "application/pdf" and resp["Cache-Control"] == "no-store"
    assert RecordView.objects.filter(user=world["officer"], record_id=case.pk,
                                     what__contains="employer's version").exists()
    # the invited police officer downloads both; the referrer only the employer's, from the portal
    police = client_for(world["police"])
    assert police.get(base + "minutes/full.pdf").status_code == 200
    assert police.get(base + "minutes/issue/").status_code == 404
    referrer = client_for(world["referrer"])
    assert referrer.get(base + "minutes/employer.pdf").status_code == 404  # the case is not theirs
    portal = _text(referrer.get(f"/lado/portal/referrals/{case.referral.public_id}/"))
    assert "Meeting minutes (employer's version)" in portal
    got = referrer.get(f"/lado/portal/referrals/{case.referral.public_id}/minutes/{meeting.public_id}/")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert c.get(base + "minutes/other.pdf").status_code == 404


def test_the_action_and_process_pages(world, client_for):
    c = client_for(world["officer"])
    case, meeting, police = world["case"], world["meeting"], world["police"]
    base = f"/lado/cases/{case.public_id}/meetings/{meeting.public_id}/"
    with freeze_time("2026-03-05 09:00"):
        form = _text(c.get(base + "actions/new/"))
        assert "Pat Police" in form and "Northmoor Police" in form
        resp = c.post(base + "actions/new/", {
            "description": "Interview the pupil", "owner": f"person-{police.public_id}", "owner_name": "",
            "due_date_day": "2", "due_date_month": "3", "due_date_year": "2026"})
        assert "cannot be before the meeting" in _text(resp)
        resp = c.post(base + "actions/new/", {
            "description": "Interview the pupil", "owner": f"person-{police.public_id}", "owner_name": "",
            "due_date_day": "11", "due_date_month": "3", "due_date_year": "2026"})
        assert resp.status_code == 302
        action = MeetingAction.objects.get(meeting=meeting)
        assert action.owner == police
        # the owner updates their own action from the meeting page
        police_client = client_for(police)
        page = _text(police_client.get(base))
        assert "Interview the pupil" in page and "Add an action" not in page
        assert f"actions/{action.public_id}/" in page  # the owner's link to update it
        update = _text(police_client.get(base + f"actions/{action.public_id}/"))
        assert "No longer needed" not in update
        assert client_for(world["social"]).get(base + f"actions/{action.public_id}/").status_code == 404
        # a process from the case page, with the matched child offered
        form = _text(c.get(f"/lado/cases/{case.public_id}/processes/new/"))
        assert "Ella Price" in form
        resp = c.post(f"/lado/cases/{case.public_id}/processes/new/", {
            "kind": "csc", "lead": "Assessment team", "reference": "", "child": str(world["child"].pk),
            "started_on_day": "4", "started_on_month": "3", "started_on_year": "2026", "note": ""})
        assert resp.status_code == 302
        case_page = _text(c.get(f"/lado/cases/{case.public_id}/"))
        police_case = _text(police_client.get(f"/lado/cases/{case.public_id}/"))
        process = ParallelProcess.objects.get(case=case)
        process_url = f"/lado/cases/{case.public_id}/processes/{process.public_id}/"
        assert police_client.get(process_url).status_code == 404  # children's social care's, not theirs
        assert client_for(world["social"]).get(process_url).status_code == 200
    assert "social care enquiries" in case_page and world["child"].local_child_id in case_page
    assert "About a child with a record" in police_case and "Record a parallel process" not in police_case
    assert world["child"].local_child_id not in police_case


def test_the_workbench_lists_overdue_actions_in_a_fixed_number_of_queries(world, client_for,
                                                                           django_assert_max_num_queries):
    officer, meeting = world["officer"], world["meeting"]
    with freeze_time("2026-03-05 09:00"):
        for n in range(3):
            services.action_add(actor=officer, meeting=meeting, description=f"Task {n}", due_date=date(2026, 3, 6),
                                owner_name="Ann Head")
        services.action_add(actor=officer, meeting=meeting, description="Not yet due", due_date=date(2026, 3, 20),
                            owner_name="Ann Head")
    c = client_for(officer)
    with freeze_time("2026-03-10 09:00"):
        c.get("/lado/")
        with django_assert_max_num_queries(25):
            page = c.get("/lado/").content.decode()
    overdue = page[page.index('id="actions-overdue"'):]
    overdue = overdue[:overdue.index("</table>")]
    assert overdue.count("Ann Head") == 3 and "Not yet due" not in overdue and world["case"].reference in overdue


# --- the PDFs as WeasyPrint really renders them --------------------------------------------------------------------
def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.pdf
def test_the_issued_minutes_as_pdfs_the_employer_s_without_the_third_party_text(world):
    officer, meeting = world["officer"], world["meeting"]
    markup = "</p><h1>Injected</h1>"
    with freeze_time("2026-03-05 09:00"):
        services.minutes_save(actor=officer, meeting=meeting, sections={**SECTIONS, "discussion": f"Risk {markup}"})
        services.action_add(actor=officer, meeting=meeting, description="Speak to the pupil's brothers",
                            due_date=date(2026, 3, 11), owner=world["police"], third_party=True)
        services.action_add(actor=officer, meeting=meeting, description="Confirm the suspension in writing",
                            due_date=date(2026, 3, 6), owner_name="Ann Head")
        minutes = services.minutes_issue(actor=officer, meeting=meeting)
    from lado.selectors.processes import minutes_pdf

    full, employer = _pdf_text(minutes_pdf(minutes, "full")), _pdf_text(minutes_pdf(minutes, "employer"))
    assert minutes.full_sha256 != minutes.employer_sha256
    for text in (full, employer):
        assert world["case"].reference in text and "OFFICIAL-SENSITIVE" in text
        assert SECTIONS["purpose"] in text and f"Risk {markup}" in text  # typed markup shown literally
        assert "Confirm the suspension in writing" in text
    assert THIRD_PARTY_TEXT in full and FAMILY_TEXT in full and "Speak to the pupil's brothers" in full
    assert THIRD_PARTY_TEXT not in employer and FAMILY_TEXT not in employer
    assert "brothers" not in employer and "Third-party information: not in" not in employer
    assert full.count("Third-party information: not in the employer's version") == 2
    assert "Employer's version: third-party information has been removed" in employer
