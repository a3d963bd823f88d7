"""The LADO told as stories (issue 11, section 5): each test follows one allegation through the services, on
dates counted by hand from the calendar (written in each docstring; England's bank holidays). One shared world
of people; each story writes in its own savepoint.

A case transferred to another authority's LADO is told in tests/lado/test_story_transfer.py (ADR 22).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from lado import calendar, services
from lado.models import IndexMatch, LadoCase, PersonIndexEntry
from lado.policies import case_policy, referral_policy
from lado.selectors.pages import portal_status
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification, OutboxEmail
from tests.factories import LocalAuthorityFactory, PoliceFactory, make_user
from tests.factories.lado import CHILD, REFERRAL, RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_story")]


@dataclass
class People:
    la: object
    officer: object  # Rachel, the LADO
    school: object  # a primary school's DSL, through the portal
    club: object  # a football club's welfare officer, through the portal
    police: object  # a detective of the child abuse investigation team


def _people() -> People:
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    return People(
        la=la, officer=lado_officer_of(la, full_name="Rachel Lado"),
        school=RegisteredReferrerFactory(local_authority=la, full_name="Dina School"),
        club=RegisteredReferrerFactory(local_authority=la, full_name="Colin Club", organisation="Northmoor Rovers FC",
                                       sector="sports", role="case_manager", email="welfare@rovers.example"),
        police=make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER, full_name="Dee Police"))


world = shared_world(_people)


def _ctx(user):
    return AccessContext.for_user(user)


def _deadline(subject, rule_key) -> Deadline:
    return Deadline.objects.get(subject_id=subject.pk, rule_key=rule_key)


def _refer(w, referrer, *, knew_on, late_reason="", **data):
    return services.referral_submit(actor=referrer, local_authority=w.la, late_reason=late_reason,
                                    children=[dict(CHILD)], data={**REFERRAL, "employer_knew_on": knew_on, **data})


def _evaluate(w, case, on, **kw):
    case = services.case_subject_identify(actor=w.officer, case=case, entry=kw.pop("entry", None))
    services.case_evaluate(actor=w.officer, case=case, evaluated_on=on, criteria=kw.pop("criteria", {"harmed": True}),
                           decision="meeting", rationale="A child may have been harmed: the threshold is met.",
                           subject_informed_by=kw.pop("informed_by", "employer"), **kw)
    return LadoCase.objects.get(pk=case.pk)


def test_a_friday_evening_referral_across_the_bank_holiday_weekend_is_on_time_until_tuesday(world):
    """The head teacher learns of the allegation on Friday 28 August 2026 and the DSL refers that evening at
    19:30 (British Summer Time). ``lado_referral`` gives the employer one working day: Saturday 29 and Sunday 30
    are the weekend and Monday 31 August is the summer bank holiday, so the working day after Friday is Tuesday
    1 September. Friday's referral is on time; so would Tuesday's be; one made on Wednesday 2 September without
    a reason is refused, naming Tuesday, and with one is received late, the reason kept."""
    with freeze_time("2026-08-28 18:30"):  # 19:30 BST
        friday = _refer(world, world.school, knew_on=date(2026, 8, 28))
    clock = _deadline(friday, "lado_referral")
    assert (clock.due_date, clock.met_on, friday.late_reason) == (date(2026, 9, 1), date(2026, 8, 28), "")
    assert clock.met_on <= clock.due_date
    # the case's one-month target runs from the day of the referral: Monday 28 September
    assert _deadline(friday.case, "lado_resolution").due_date == date(2026, 9, 28)

    with freeze_time("2026-09-01 16:00"):  # Tuesday: the last day
        tuesday = _refer(world, world.club, knew_on=date(2026, 8, 28), subject_surname="Ashby")
    assert tuesday.late_reason == "" and _deadline(tuesday, "lado_referral").met_on == date(2026, 9, 1)

    with freeze_time("2026-09-02 09:00"):  # Wednesday: late
        with pytest.raises(ValidationError) as refused:
            _refer(world, world.club, knew_on=date(2026, 8, 28), subject_surname="Barker")
        assert "by 1 September 2026" in refused.value.message_dict["late_reason"][0]
        late = _refer(world, world.club, knew_on=date(2026, 8, 28), subject_surname="Barker",
                      late_reason="The club's welfare officer was away over the bank holiday.")
    clock = _deadline(late, "lado_referral")
    assert (clock.due_date, clock.met_on) == (date(2026, 9, 1), date(2026, 9, 2))
    assert late.late_reason == clock.late_reason == "The club's welfare officer was away over the bank holiday."


def test_a_second_allegation_about_the_same_man_raises_the_repeat_alert(world):
    """Monday 2 March 2026: a school refers a class teacher, Gareth Pemberton (born 14 March 1984); the
    LADO adds him to the person index on Tuesday 3 March and gives advice to the school; the outcome,
    unsubstantiated, on Monday 16 March. Thursday 5 November 2026: a football club refers its volunteer coach
    "Gary Pemberton", same date of birth. The referral arrives flagged (an index match, the LADO told that it may
    be about someone already in the index); naming him as the existing entry puts both allegations on one person,
    the earlier outcome there to read before the evaluation."""
    with freeze_time("2026-03-02 11:00"):
        first = _refer(world, world.school, knew_on=date(2026, 3, 2))
        assert not IndexMatch.objects.filter(referral=first).exists()
    with freeze_time("2026-03-03 10:00"):
        case = services.case_subject_identify(actor=world.officer, case=first.case, entry=None)
        services.case_evaluate(actor=world.officer, case=case, evaluated_on=date(2026, 3, 3),
                               criteria={"risk_of_harm": True}, decision="advice",
                               rationale="The school investigates; the LADO monitors.", subject_informed_by="employer")
    with freeze_time("2026-03-16 15:00"):
        services.case_outcome_record(actor=world.officer, case=case, category="unsubstantiated",
                                     decided_on=date(2026, 3, 16), rationale="No witness either way.",
                                     subject_told="By the head teacher.", employer_told="The outcome.",
                                     dbs_referral="not_needed")
    entry = PersonIndexEntry.objects.get(cases=case)

    with freeze_time("2026-11-05 18:00"):
        second = _refer(world, world.club, knew_on=date(2026, 11, 5), subject_first_names="Gary",
                        subject_role="Volunteer coach", subject_employer="Northmoor Rovers FC",
                        subject_employment_type="volunteer", subject_regulated_body="none",
                        organisation="Northmoor Rovers FC", sector="sports",
                        allegation="A player said the coach pushed him to the ground at training.")
    match = IndexMatch.objects.get(referral=second)
    assert match.entry == entry and match.reasons
    alert = Notification.objects.get(recipient=world.officer, subject=f"New referral {second.reference}")
    assert "already in the person index" in alert.body and "Pemberton" not in alert.body  # references only
    assert second.case.subject is None  # flagged, not decided: the LADO names him

    with freeze_time("2026-11-06 09:30"):
        services.case_subject_identify(actor=world.officer, case=second.case, entry=entry)
    event = CaseEvent.objects.filter(subject_id=second.case.pk, code="lado.subject_identified").get()
    assert event.payload["repeat"] is True
    assert sorted(entry.cases.values_list("status", flat=True)) == ["closed", "new"]
    assert entry.cases.get(status="closed").outcome.category == "unsubstantiated"


def test_threshold_met_then_a_meeting_with_the_police_then_unsubstantiated(world):
    """Monday 2 November 2026: the DSL refers a teacher the day the school knew (on time: due Tuesday 3
    November). Tuesday 3 November: the LADO evaluates: harm, a possible offence, the police involved, the subject
    not told yet (agreed with the police); invites the detective into the case and books the allegations
    management meeting for Thursday 5 November at 10:00 with the police and the school. Thursday: the meeting is
    held, all came. Friday 20 November: unsubstantiated, within the one-month target (due Wednesday 2 December);
    the case closes, the referrer reads "Closed" and nothing of the decision."""
    with freeze_time("2026-11-02 10:00"):
        referral = _refer(world, world.school, knew_on=date(2026, 11, 2), subject_surname="Crane")
    assert _deadline(referral, "lado_referral").due_date == date(2026, 11, 3)
    assert not case_policy.visible(_ctx(world.police)).filter(pk=referral.case.pk).exists()

    with freeze_time("2026-11-03 14:00"):
        case = _evaluate(world, referral.case, date(2026, 11, 3), informed_by="not_yet", police_involved=True,
                         criteria={"harmed": True, "criminal_offence": True})
        services.case_invite(actor=world.officer, case=case, user=world.police, kind="police")
        meeting = services.meeting_book(
            actor=world.officer, case=case, kind="strategy", starts_at=_at("2026-11-05 10:00"),
            venue="Civic Centre", invitees=[
                {"email": world.police.email, "name": world.police.full_name, "role": "police", "user": world.police},
                {"email": world.school.email, "name": world.school.full_name, "role": "employer",
                 "user": world.school}])
    assert case.status == "open" and case.evaluation.police_involved
    assert case_policy.visible(_ctx(world.police)).filter(pk=case.pk).exists()  # invited: sees this case
    assert not referral_policy.visible(_ctx(world.police)).exists()  # never the referral's pages
    emails = OutboxEmail.objects.filter(topic=calendar.TOPIC, group=calendar.group_of(meeting))
    assert sorted(emails.values_list("to", flat=True)) == sorted([world.police.email, world.school.email])
    assert all("Crane" not in e.subject + e.body and referral.reference in e.body for e in emails)  # no names

    with freeze_time("2026-11-05 11:30"):
        services.meeting_hold(actor=world.officer, meeting=meeting,
                              attended=list(meeting.invitees.values_list("pk", flat=True)),
                              notes="Police to interview the pupil; the teacher stays off timetable.")
    with freeze_time("2026-11-20 12:00"):
        services.case_outcome_record(actor=world.officer, case=case, category="unsubstantiated",
                                     decided_on=date(2026, 11, 20), rationale="The police took no further action.",
                                     subject_told="By the head teacher, in writing.",
                                     employer_told="The outcome; nothing in references.", dbs_referral="not_needed")
    case = LadoCase.objects.get(pk=case.pk)
    resolution = _deadline(case, "lado_resolution")
    assert (case.status, case.closed_on) == ("closed", date(2026, 11, 20))
    assert (resolution.due_date, resolution.met_on, resolution.late_reason) == (date(2026, 12, 2),
                                                                               date(2026, 11, 20), "")
    assert portal_status(case.referral) == "Closed"


def test_a_malicious_allegation_and_what_each_party_is_told(world):
    """Wednesday 7 October 2026: the club refers its coach the day it knew. Thursday 8 October: the threshold is
    met. Monday 16 November: the allegation is found malicious, after the one-month target (a month on is
    Saturday 7 November, so it was due the working day before: Friday 6 November), so the reason for the delay
    is required and kept. The subject, the employer and the family are each told their own thing (kept on the
    outcome); the referrer, through the portal, reads only that the referral is closed and the update the LADO
    chose to share, and is told of it by reference only."""
    with freeze_time("2026-10-07 17:00"):
        referral = _refer(world, world.club, knew_on=date(2026, 10, 7), subject_surname="Dray",
                          organisation="Northmoor Rovers FC", sector="sports")
    with freeze_time("2026-10-08 09:00"):
        case = _evaluate(world, referral.case, date(2026, 10, 8))
    told = {"subject_told": "By the LADO, in writing: the allegation was malicious and will not be in references.",
            "employer_told": "Remove it from his file; consider action against the person who made it up.",
            "family_told": "The parents were told the allegation was found to be deliberately false."}
    with freeze_time("2026-11-16 10:00"):
        with pytest.raises(ValidationError) as refused:
            services.case_outcome_record(actor=world.officer, case=case, category="malicious",
                                         decided_on=date(2026, 11, 16), rationale="A player admitted inventing it.",
                                         dbs_referral="not_needed", **told)
        assert "6 November 2026" in refused.value.message_dict["late_reason"][0]
        outcome = services.case_outcome_record(
            actor=world.officer, case=case, category="malicious", decided_on=date(2026, 11, 16),
            rationale="A player admitted inventing it.", dbs_referral="not_needed",
            late_reason="Waiting for the club's disciplinary hearing.", **told)
        update = services.referral_share(actor=world.officer, referral=referral,
                                         text="The allegation was found to be malicious; the coach may return.")
    assert {k: getattr(outcome, k) for k in told} == told and outcome.get_category_display() == "Malicious"
    assert _deadline(case, "lado_resolution").late_reason == "Waiting for the club's disciplinary hearing."
    referral = LadoCase.objects.get(pk=case.pk).referral
    assert portal_status(referral) == "Closed"
    assert list(referral.shared_updates.values_list("text", flat=True)) == [update.text]
    note = Notification.objects.get(recipient=world.club, subject=f"An update on your referral {referral.reference}")
    assert "Dray" not in note.subject + note.body
    # the referrer follows the referral, never the case (its outcome, what the subject was told)
    club = _ctx(world.club)
    assert referral_policy.visible(club, "track").filter(pk=referral.pk).exists()
    assert not referral_policy.visible(club, "view").exists() and not case_policy.visible(club).exists()


def _at(text: str):
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    return timezone.make_aware(parse_datetime(text))


def test_the_meeting_s_minutes_actions_and_parallel_processes_until_unsubstantiated(world):
    """Monday 1 June 2026: the DSL refers a PE teacher the day the school knew. Tuesday 2 June: the threshold is
    met (a possible offence), the police are involved and invited; the allegations management meeting on
    Thursday 4 June records the police investigation (crime number NP/26/777) and the school's own
    investigation, started that day, which KCSIE gives 10 working days to report (Thursday 18 June). The meeting
    agrees two actions: the detective to interview the pupil by Wednesday 10 June, the head teacher to confirm
    the suspension in writing by Friday 5 June. Minutes are issued the next day; the employer's version, shared
    with the DSL on the portal, has no police information. The detective's action is late: on Thursday 11 June it
    is overdue on the workbench and the clock's deadline is overdue; done on Friday 12 June with the reason. The
    police take no further action on Monday 22 June; the school's investigator reported on Wednesday 17 June
    (on time; the case manager's 2 working days run to Friday 19 June, met that day). Friday 26 June: the outcome
    is unsubstantiated, within the one-month target."""
    from lado.minutes import EMPLOYER, FULL, minutes_context
    from lado.selectors.processes import overdue_actions, shared_minutes

    officer, police = world.officer, world.police
    with freeze_time("2026-06-01 10:00"):
        referral = _refer(world, world.school, knew_on=date(2026, 6, 1), subject_surname="Ellis",
                          subject_role="PE teacher")
    with freeze_time("2026-06-02 10:00"):
        case = _evaluate(world, referral.case, date(2026, 6, 2), informed_by="not_yet", police_involved=True,
                         criteria={"harmed": True, "criminal_offence": True})
        services.case_invite(actor=officer, case=case, user=police, kind="police")
        meeting = services.meeting_book(
            actor=officer, case=case, kind="strategy", starts_at=_at("2026-06-04 10:00"), venue="Civic Centre",
            invitees=[{"email": police.email, "name": police.full_name, "role": "police", "user": police},
                      {"email": "head@school.example", "name": "Ann Head", "role": "employer"}])
    with freeze_time("2026-06-04 12:00"):
        services.meeting_hold(actor=officer, meeting=meeting, notes="See the minutes.",
                              attended=list(meeting.invitees.values_list("pk", flat=True)))
        investigation = services.process_start(actor=officer, case=case, kind="police", lead="CAIU",
                                               reference="NP/26/777", started_on=date(2026, 6, 4))
        school = services.process_start(actor=officer, case=case, kind="employer", lead="Ann Head, case manager",
                                        started_on=date(2026, 6, 4))
        interview = services.action_add(actor=officer, meeting=meeting, description="Interview the pupil",
                                         due_date=date(2026, 6, 10), owner=police, third_party=True)
        letter = services.action_add(actor=officer, meeting=meeting, owner_name="Ann Head",
                                     description="Confirm the suspension in writing", due_date=date(2026, 6, 5))
    assert _deadline(school, "lado_investigation_report").due_date == date(2026, 6, 18)
    assert _deadline(interview, "lado_meeting_action").due_date == date(2026, 6, 10)
    with freeze_time("2026-06-05 09:00"):
        services.minutes_save(actor=officer, meeting=meeting, sections={
            "purpose": "The pupil's account of the changing room.",
            "agency_information": "The police know the pupil's family from an earlier report."})
        minutes = services.minutes_issue(actor=officer, meeting=meeting, share_with_referrer=True)
        services.action_update(actor=officer, action=letter, status="done", done_on=date(2026, 6, 5))
    full, employer = minutes_context(minutes, FULL), minutes_context(minutes, EMPLOYER)
    assert "earlier report" in " ".join(s["body"] for s in full["sections"])
    assert "earlier report" not in " ".join(s["body"] for s in employer["sections"])
    assert [a.description for a in employer["actions"]] == ["Confirm the suspension in writing"]
    assert shared_minutes(case) == [minutes]

    with freeze_time("2026-06-11 09:00"):
        lado_cases = case_policy.visible(_ctx(officer), "work")
        assert [a.pk for a in overdue_actions(lado_cases)] == [interview.pk]
        assert _deadline(interview, "lado_meeting_action").is_open  # overdue, chased by the sweep
    with freeze_time("2026-06-12 09:00"):
        services.action_update(actor=police, action=interview, status="done", done_on=date(2026, 6, 12),
                               note="The pupil was unwell on Wednesday.")
    assert _deadline(interview, "lado_meeting_action").status == "met_late"
    with freeze_time("2026-06-17 15:00"):
        services.process_update(actor=officer, process=school, status="ongoing", report_on=date(2026, 6, 17))
    with freeze_time("2026-06-19 15:00"):
        services.process_update(actor=officer, process=school, status="concluded", ended_on=date(2026, 6, 19),
                                outcome="No case to answer pending the police.")
    with freeze_time("2026-06-22 15:00"):
        services.process_update(actor=police, process=investigation, status="concluded", ended_on=date(2026, 6, 22),
                                outcome="No further action: insufficient evidence.")
    assert [_deadline(school, r).status for r in ("lado_investigation_report", "lado_investigation_decision")] == \
        ["met_on_time", "met_on_time"]
    with freeze_time("2026-06-26 12:00"):
        services.case_outcome_record(actor=officer, case=case, category="unsubstantiated",
                                     decided_on=date(2026, 6, 26), rationale="Police NFA; the school found no case.",
                                     subject_told="By the head teacher.", employer_told="The outcome.",
                                     dbs_referral="not_needed")
    assert _deadline(case, "lado_resolution").status == "met_on_time"
    assert not overdue_actions(case_policy.visible(_ctx(officer), "work").filter(pk=case.pk))
