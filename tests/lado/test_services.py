"""The LADO services (issue 11, section 1 to 3 as far as built): referrals and their clocks, the children
matched without disclosing records, the person index and its repeat-allegation matches, the evaluation,
safety decisions, invitations, the outcome, consultations, and the re-checked policy. One shared world of
people (Northmoor's LADO team, a portal referrer, a police officer, a school); each test writes in its own
savepoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from cases.models import Involvement
from lado import services
from lado.models import IndexMatch, LadoCase, PersonIndexEntry, Referral, SafetyDecision
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, SchoolFactory, make_user
from tests.factories.lado import (
    CHILD,
    REFERRAL,
    ConsultationFactory,
    EvaluatedCaseFactory,
    IdentifiedCaseFactory,
    ReceivedReferralFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_services")]


@dataclass
class People:
    la: object
    officer: object
    manager: object
    referrer: object
    police: object
    school_dsl: object
    school: object
    social_worker: object


def _people() -> People:
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    police_force, school = PoliceFactory(name="Northmoor Police"), SchoolFactory(name="Northmoor Primary School")
    return People(la=la, officer=lado_officer_of(la, full_name="Lee Lado"), manager=lado_manager_of(la),
                  referrer=RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer"),
                  police=make_user(police_force, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
                  school_dsl=make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dora Partner"), school=school,
                  social_worker=make_user(la, Role.SOCIAL_WORKER, full_name="Sam Social"))


world = shared_world(_people)


def _deadline(subject, rule_key):
    return Deadline.objects.get(subject_id=subject.pk, rule_key=rule_key)


def _refer(w, *, knew_on, late_reason="", children=None, **data):
    return services.referral_submit(actor=w.referrer, local_authority=w.la, late_reason=late_reason,
                                    children=children if children is not None else [dict(CHILD)],
                                    data={**REFERRAL, "employer_knew_on": knew_on, **data})


# --- a referral and its clocks -----------------------------------------------------------------------------
def test_a_referral_on_time_makes_a_new_case_and_meets_the_employer_s_working_day(world):
    with freeze_time("2026-03-03 10:00"):
        referral = _refer(world, knew_on=date(2026, 3, 2))
    case = referral.case
    assert referral.reference.startswith("LADO-") and referral.referred_by == world.referrer
    assert (referral.referrer_name, referral.referrer_role) == ("Rita Referrer", "Designated safeguarding lead")
    assert case.status == LadoCase.Status.NEW and case.local_authority == world.la
    employer = _deadline(referral, "lado_referral")
    assert (employer.due_date, employer.met_on, employer.status) == (date(2026, 3, 3), date(2026, 3, 3), "met_on_time")
    resolution = _deadline(case, "lado_resolution")
    # a month after 3 March is Good Friday, 3 April 2026: the working day before
    assert (resolution.due_date, resolution.status, resolution.label) == (date(2026, 4, 2), "open",
                                                                          "Allegation resolved")
    assert referral.children.get().name == "Ella Price"
    # the LADO team is told, by reference only; the referrer is not (it is their own referral)
    told = Notification.objects.filter(subject=f"New referral {referral.reference}")
    assert set(told.values_list("recipient", flat=True)) == {world.officer.pk, world.manager.pk}
    assert "Pemberton" not in " ".join(n.subject + n.body for n in told)
    assert CaseEvent.objects.filter(code="lado.referral_received", subject_id=referral.pk).exists()


def test_a_friday_evening_referral_is_on_time_on_tuesday_after_the_bank_holiday(world):
    """The employer knew on Friday 22 May 2026 at the end of the day; Monday 25 May is the Spring bank
    holiday: one working day is Tuesday 26 May."""
    with freeze_time("2026-05-26 16:30"):
        on_time = _refer(world, knew_on=date(2026, 5, 22))
    assert _deadline(on_time, "lado_referral").status == "met_on_time"
    with freeze_time("2026-05-27 09:00"):
        with pytest.raises(ValidationError) as refused:
            _refer(world, knew_on=date(2026, 5, 22))
        assert "26 May 2026" in refused.value.message_dict["late_reason"][0]
        late = _refer(world, knew_on=date(2026, 5, 22), late_reason="The head teacher was away on Tuesday")
    deadline = _deadline(late, "lado_referral")
    assert (deadline.status, deadline.late_reason) == ("met_late", "The head teacher was away on Tuesday")
    assert late.late_reason == "The head teacher was away on Tuesday"
    assert Referral.objects.filter(pk__in=[on_time.pk, late.pk]).count() == 2


def test_a_referral_is_checked_field_by_field(world):
    with freeze_time("2026-03-03 10:00"):
        with pytest.raises(ValidationError) as refused:
            services.referral_submit(actor=world.referrer, local_authority=world.la, children=[{}], data={
                "subject_date_of_birth": date(2020, 1, 1), "employer_knew_on": date(2026, 3, 4)})
    errors = refused.value.message_dict
    assert {"organisation", "sector", "subject_first_names", "subject_surname", "subject_role",
            "subject_employment_type", "subject_employer", "allegation", "children", "subject_date_of_birth",
            "employer_knew_on"} <= set(errors)
    assert Referral.objects.count() == 0


def test_a_referrer_matches_only_a_child_record_they_may_open(world):
    """A school's practitioner whose school is involved with the child matches the record; a portal referrer
    who may not open it is refused with the same words as for a record that does not exist."""
    child = ChildFactory(local_authority=world.la, legal_first_names="Ella", legal_surname="Price")
    Involvement.objects.create(child=child, agency=world.school, role="School", start_date=date(2025, 9, 1))
    with freeze_time("2026-03-02 12:00"):
        for stranger in ({"child": child.public_id}, {"child": "5d2b1d6e-0000-4000-8000-000000000000"}):
            with pytest.raises(ValidationError) as refused:
                _refer(world, knew_on=date(2026, 3, 2), children=[stranger])
            assert refused.value.message_dict == {
                "children-0": ["Choose the child's record from the ones found, or describe the child"]}
        referral = services.referral_submit(
            actor=world.school_dsl, local_authority=world.la, children=[{"child": child.public_id}],
            data={**REFERRAL, "employer_knew_on": date(2026, 3, 2), "referrer_role": "DSL"})
    row = referral.children.get()
    assert (row.child, row.matched_by, row.name) == (child, world.school_dsl, "Ella Price")


def test_the_lado_matches_a_child_it_may_find_and_the_child_opens_to_the_team(world):
    """A child matched once (by their school) is found by the LADO the next time and matched again: never a
    second record."""
    child = ChildFactory(local_authority=world.la)
    Involvement.objects.create(child=child, agency=world.school, role="School", start_date=date(2025, 9, 1))
    with freeze_time("2026-03-02 12:00"):
        services.referral_submit(actor=world.school_dsl, local_authority=world.la,
                                 children=[{"child": child.public_id}],
                                 data={**REFERRAL, "employer_knew_on": date(2026, 3, 2), "referrer_role": "DSL"})
        second = _refer(world, knew_on=date(2026, 3, 2), children=[{"first_names": child.legal_first_names,
                                                                    "surname": child.legal_surname}])
    row = second.children.get()
    with pytest.raises(ValidationError):
        services.referral_child_match(actor=world.referrer, referral_child=row, child_public_id=child.public_id)
    matched = services.referral_child_match(actor=world.officer, referral_child=row, child_public_id=child.public_id)
    assert (matched.child, matched.matched_by) == (child, world.officer)
    assert services.referral_child_match(actor=world.officer, referral_child=row,
                                         child_public_id=child.public_id).matched_at == matched.matched_at


# --- the person index ------------------------------------------------------------------------------------
def test_a_repeat_allegation_is_matched_against_the_index_with_its_reasons(world):
    with freeze_time("2025-01-10 10:00"):
        earlier = IdentifiedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer,
                                        knew_on=date(2025, 1, 10))
    entry = earlier.subject
    with freeze_time("2026-03-02 10:00"):
        # a day out on the date of birth, the first name spelt another way, at another school
        again = _refer(world, knew_on=date(2026, 3, 2), subject_first_names="Garreth",
                       subject_date_of_birth=date(1984, 3, 15), subject_employer="Southvale Academy")
        stranger = _refer(world, knew_on=date(2026, 3, 2), subject_first_names="Gareth",
                          subject_date_of_birth=date(1990, 7, 1))
        by_number = _refer(world, knew_on=date(2026, 3, 2), subject_first_names="G", subject_surname="Smith",
                           subject_date_of_birth=None, subject_teacher_reference="1234567")
    match = IndexMatch.objects.get(referral=again)
    assert match.entry == entry
    assert match.reasons[:2] == ["similar name (98%)", "date of birth one day apart"]
    assert not IndexMatch.objects.filter(referral=stranger).exists()  # same name, born years apart
    assert not IndexMatch.objects.filter(referral=by_number).exists()  # the entry has no teacher number yet
    PersonIndexEntry.objects.filter(pk=entry.pk).update(teacher_reference="1234567")
    with freeze_time("2026-03-02 11:00"):
        numbered = _refer(world, knew_on=date(2026, 3, 2), subject_first_names="G", subject_surname="Smith",
                          subject_date_of_birth=None, subject_teacher_reference="123 4567")
    assert IndexMatch.objects.get(referral=numbered).reasons[0] == "same teacher reference number"


def test_identifying_the_subject_adds_them_or_brings_their_entry_up_to_date(world):
    with freeze_time("2025-01-10 10:00"):
        first = IdentifiedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer,
                                      knew_on=date(2025, 1, 10))
    entry = first.subject
    assert (entry.full_name, entry.date_of_birth, entry.employer) == ("Gareth Pemberton", date(1984, 3, 14),
                                                                      "Northmoor Primary School")
    with freeze_time("2026-03-02 10:00"):
        referral = _refer(world, knew_on=date(2026, 3, 2), subject_first_names="Garreth",
                          subject_employer="Southvale Academy", subject_ni_number="qq 12 34 56 c")
    with pytest.raises(ValidationError):
        services.case_subject_identify(actor=world.police, case=referral.case, entry=entry)
    case = services.case_subject_identify(actor=world.officer, case=referral.case, entry=entry)
    entry.refresh_from_db()
    assert case.subject == entry
    assert (entry.other_names, entry.employer, entry.ni_number) == ("Garreth Pemberton", "Southvale Academy",
                                                                    "QQ123456C")
    assert list(entry.cases.order_by("pk")) == [first, case]
    event = CaseEvent.objects.filter(code="lado.subject_identified", subject_id=case.pk).get()
    assert event.payload["repeat"] is True


# --- the evaluation, safety, invitations, the outcome -------------------------------------------------------
def test_the_evaluation_needs_the_subject_then_the_threshold_for_a_meeting(world):
    with freeze_time("2026-03-02 10:00"):
        referral = _refer(world, knew_on=date(2026, 3, 2))
        kwargs = {"evaluated_on": date(2026, 3, 2), "criteria": {}, "decision": "meeting", "rationale": "Bruising",
                  "subject_informed_by": "employer"}
        with pytest.raises(ValidationError, match="person index"):
            services.case_evaluate(actor=world.officer, case=referral.case, **kwargs)
        case = services.case_subject_identify(actor=world.officer, case=referral.case)
        with pytest.raises(ValidationError) as refused:
            services.case_evaluate(actor=world.officer, case=case, **kwargs)
        assert "criteria" in refused.value.message_dict
        evaluation = services.case_evaluate(actor=world.officer, case=case, **{**kwargs, "criteria": {
            "harmed": True, "criminal_offence": True}}, police_involved=True)
    case.refresh_from_db()
    assert (case.status, case.officer, evaluation.threshold_met) == ("open", world.officer, True)
    assert (evaluation.harmed, evaluation.criminal_offence, evaluation.risk_of_harm) == (True, True, False)
    with pytest.raises(ValidationError, match="evaluated already"):
        services.case_evaluate(actor=world.officer, case=case, **{**kwargs, "criteria": {"harmed": True}})


def test_no_further_action_closes_the_case_and_a_late_one_says_why(world):
    with freeze_time("2026-03-02 10:00"):
        case = IdentifiedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer,
                                     knew_on=date(2026, 3, 2))
    kwargs = {"case": case, "evaluated_on": date(2026, 4, 7), "criteria": {}, "decision": "nfa",
              "rationale": "A misunderstanding about a fire drill", "subject_informed_by": "employer",
              "subject_informed_on": date(2026, 4, 7)}
    with freeze_time("2026-04-07 10:00"):
        with pytest.raises(ValidationError) as refused:
            services.case_evaluate(actor=world.officer, **kwargs)
        assert "late_reason" in refused.value.message_dict
        services.case_evaluate(actor=world.officer, late_reason="The school was closed for Easter", **kwargs)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", date(2026, 4, 7))
    resolution = _deadline(case, "lado_resolution")
    assert (resolution.status, resolution.late_reason) == ("met_late", "The school was closed for Easter")


def test_a_suspension_is_confirmed_in_writing_within_its_working_day(world):
    with freeze_time("2026-03-06 10:00"):  # a Friday
        case = EvaluatedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer)
        with pytest.raises(ValidationError) as refused:
            services.case_safety_record(actor=world.officer, case=case, kind="suspension", decided_on=None,
                                        details="")
        assert set(refused.value.message_dict) == {"decided_on", "details"}
        suspension = services.case_safety_record(actor=world.officer, case=case, kind="suspension",
                                                 decided_on=date(2026, 3, 6), details="Alternatives considered")
        services.case_safety_record(actor=world.officer, case=case, kind="risk_assessment",
                                    decided_on=date(2026, 3, 6), details="No lone working")
    deadline = _deadline(suspension, "lado_suspension_confirmation")
    assert (deadline.due_date, deadline.responsible_person, deadline.label) == (
        date(2026, 3, 9), world.officer, "Suspension confirmed in writing")
    assessments = SafetyDecision.objects.filter(kind="risk_assessment").values("pk")
    assert not Deadline.objects.filter(rule_key="lado_suspension_confirmation", subject_id__in=assessments).exists()
    with freeze_time("2026-03-09 16:00"):
        services.safety_confirm_in_writing(actor=world.officer, decision=suspension, confirmed_on=date(2026, 3, 9))
        again = services.safety_confirm_in_writing(actor=world.officer, decision=suspension,
                                                   confirmed_on=date(2026, 3, 9))
    assert again.confirmed_in_writing_on == date(2026, 3, 9)
    assert _deadline(suspension, "lado_suspension_confirmation").status == "met_on_time"


def test_only_police_and_children_s_social_care_are_invited_once_each(world):
    case = EvaluatedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer)
    with pytest.raises(ValidationError) as refused:
        services.case_invite(actor=world.officer, case=case, user=world.school_dsl, kind="police")
    assert "user" in refused.value.message_dict
    with pytest.raises(ValidationError):  # a police officer is not children's social care
        services.case_invite(actor=world.officer, case=case, user=world.police, kind="csc")
    with pytest.raises(ValidationError):  # only the LADO team invites
        services.case_invite(actor=world.social_worker, case=case, user=world.police, kind="police")
    invitation = services.case_invite(actor=world.officer, case=case, user=world.police, kind="police")
    assert services.case_invite(actor=world.officer, case=case, user=world.police, kind="police") == invitation
    assert invitation.agency.name == "Northmoor Police"
    told = Notification.objects.get(recipient=world.police)
    assert told.subject == f"You have been invited into LADO case {case.reference}" and "Pemberton" not in told.body
    services.case_invite(actor=world.officer, case=case, user=world.social_worker, kind="csc")
    ended = services.invitation_end(actor=world.officer, invitation=invitation)
    assert ended.ended_at is not None
    assert services.case_invite(actor=world.officer, case=case, user=world.police, kind="police") != invitation


def test_the_outcome_closes_the_case_with_the_dbs_and_regulators(world):
    with freeze_time("2026-03-02 10:00"):
        case = EvaluatedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer,
                                    knew_on=date(2026, 3, 2))
        with pytest.raises(ValidationError, match="Record the outcome first"):
            services.regulator_referral_record(actor=world.officer, case=case, regulator="tra",
                                               referred_on=date(2026, 3, 2), referred_by_whom="The school")
    kwargs = {"case": case, "category": "substantiated", "decided_on": date(2026, 3, 20), "rationale": "CCTV",
              "subject_told": "Dismissed; told by the head", "employer_told": "Refer to the DBS and the TRA",
              "dbs_referral": "made"}
    with freeze_time("2026-03-20 10:00"):
        with pytest.raises(ValidationError) as refused:
            services.case_outcome_record(actor=world.officer, **kwargs)
        assert set(refused.value.message_dict) == {"dbs_referred_on"}
        outcome = services.case_outcome_record(actor=world.officer, dbs_referred_on=date(2026, 3, 20), **kwargs)
        services.regulator_referral_record(actor=world.officer, case=case, regulator="tra",
                                           referred_on=date(2026, 3, 20), referred_by_whom="The school")
        with pytest.raises(ValidationError, match="closed"):
            services.case_outcome_record(actor=world.officer, dbs_referred_on=date(2026, 3, 20), **kwargs)
    case.refresh_from_db()
    assert (case.status, case.closed_on, outcome.get_category_display()) == ("closed", date(2026, 3, 20),
                                                                             "Substantiated")
    assert _deadline(case, "lado_resolution").status == "met_on_time"
    assert case.regulator_referrals.get().get_regulator_display() == "Teaching Regulation Agency"


def test_a_new_case_has_no_outcome_to_record(world):
    case = IdentifiedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer)
    with pytest.raises(ValidationError, match="evaluated, the threshold met"):
        services.case_outcome_record(actor=world.officer, case=case, category="false", decided_on=date.today(),
                                     rationale="x", subject_told="x", employer_told="x", dbs_referral="not_needed")


# --- consultations, sharing ---------------------------------------------------------------------------------
def test_a_consultation_is_recorded_and_can_become_a_referral(world):
    consultation = ConsultationFactory(local_authority=world.la, officer=world.officer, advice="low_level_concern")
    assert consultation.low_level_concern and consultation.referral is None
    with pytest.raises(ValidationError):
        services.consultation_record(actor=world.referrer, local_authority=world.la, data={})
    referral = services.referral_submit(
        actor=world.officer, local_authority=world.la, source="consultation", consultation=consultation,
        children=[dict(CHILD)], data={**REFERRAL, "referrer_name": "Dee Lead", "referrer_role": "DSL",
                                      "employer_knew_on": consultation.received_on})
    consultation.refresh_from_db()
    assert (consultation.referral, referral.referred_by, referral.source) == (referral, None, "consultation")
    with pytest.raises(ValidationError) as refused:
        services.referral_submit(actor=world.officer, local_authority=world.la, source="consultation",
                                 consultation=consultation, children=[dict(CHILD)], data={
                                     **REFERRAL, "referrer_name": "Dee Lead", "referrer_role": "DSL",
                                     "employer_knew_on": consultation.received_on})
    assert "consultation" in refused.value.message_dict


def test_an_update_is_shared_with_the_referrer_by_reference_only(world):
    referral = ReceivedReferralFactory(local_authority=world.la, referrer=world.referrer)
    with pytest.raises(ValidationError):
        services.referral_share(actor=world.referrer, referral=referral, text="Let me in")
    services.referral_share(actor=world.officer, referral=referral, text="A strategy discussion is booked.")
    told = Notification.objects.get(recipient=world.referrer)
    assert told.subject == f"An update on your referral {referral.reference}"
    assert referral.shared_updates.get().text == "A strategy discussion is booked."


def test_reads_are_logged_in_the_kernel_view_log(world):
    case = IdentifiedCaseFactory(local_authority=world.la, referrer=world.referrer, officer=world.officer)
    services.lado_read_log(user=world.officer, record=case, what="case page")
    assert services.lado_reads_log(user=world.officer, records=[case.subject, case.referral], what="search") == 2
    assert RecordView.objects.filter(user=world.officer).count() == 3
