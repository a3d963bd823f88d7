"""The LADO's case: who it is about (the person index), the initial evaluation, safety decisions, who is
invited into it (police, children's social care), the outcome and referrals to regulators. Status changes
go through one table (``TRANSITIONS``): new -> open (a meeting or advice to the employer) or closed (no
further action); open -> closed (the outcome)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import AgencyKind, Membership, Role, User
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from .. import events
from ..codes import (
    HARM_CRITERIA,
    DbsReferral,
    EvaluationDecision,
    InvitationKind,
    OutcomeCategory,
    Regulator,
    SafetyKind,
    SubjectInformedBy,
)
from ..models import (
    LIVE_INVITATION,
    CaseInvitation,
    Evaluation,
    LadoCase,
    Outcome,
    PersonIndexEntry,
    RegulatorReferral,
    SafetyDecision,
)
from ..policies import case_policy, index_policy
from ._common import _choice, _ctx, _past, _require, _text, _url

Status = LadoCase.Status
TRANSITIONS = {
    Status.NEW: {Status.OPEN, Status.CLOSED},
    Status.OPEN: {Status.CLOSED},
    Status.CLOSED: set(),
}
CSC_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)


def _lock_case(case: LadoCase) -> LadoCase:
    return LadoCase.objects.select_for_update(of=("self",)).select_related("referral").get(pk=case.pk)


def _move(case: LadoCase, to: str, actor: User, reason: str, closed_on: date | None = None) -> None:
    if to not in TRANSITIONS[case.status]:
        raise ValidationError(f"A {case.get_status_display().lower()} case cannot become {Status(to).label.lower()}")
    case.status = to
    case.closed_on = closed_on if to == Status.CLOSED else None
    stamp(case, actor, reason)
    case.save(update_fields=["status", "closed_on", "officer", "subject"])


def _work(actor: User, case: LadoCase, what: str) -> None:
    _require(case_policy.can(_ctx(actor), "work", case), what)


def _merge_names(entry: PersonIndexEntry, referral) -> bool:
    """Add the referral's name (and other names) to the entry's other names when they are not there yet."""
    known = {n.lower() for n in entry.other_name_list} | {entry.full_name.lower()}
    names = [referral.subject_name] + [n.strip() for n in referral.subject_other_names.split(";") if n.strip()]
    new = [n for n in names if n.lower() not in known]
    if new:
        entry.other_names = "; ".join(entry.other_name_list + new)[:300]
    return bool(new)


@transaction.atomic
def case_subject_identify(*, actor: User, case: LadoCase, entry: PersonIndexEntry | None = None) -> LadoCase:
    """Say who the allegation is about, before the evaluation: an entry of the person index (the same adult as
    an earlier allegation: their identifiers and latest employment are brought up to date), or a new entry
    made from the referral. Naming the same entry again changes nothing."""
    case = _lock_case(case)
    _work(actor, case, "identify who this case is about")
    if case.status != Status.NEW:
        raise ValidationError("The subject is settled once the case has been evaluated")
    referral = case.referral
    if entry is not None:
        if not index_policy.visible(_ctx(actor)).filter(pk=entry.pk, local_authority_id=case.local_authority_id) \
                .exists():
            raise ValidationError({"entry": "Choose an entry of this service's person index"})
        if case.subject_id == entry.pk:
            return case
        entry = PersonIndexEntry.objects.select_for_update().get(pk=entry.pk)
        changed = _merge_names(entry, referral)
        for field, value in (("date_of_birth", referral.subject_date_of_birth),
                             ("ni_number", referral.subject_ni_number),
                             ("teacher_reference", referral.subject_teacher_reference),
                             ("registration_number", referral.subject_registration_number)):
            if value and not getattr(entry, field):
                setattr(entry, field, value)
                changed = True
        if (entry.employer, entry.role) != (referral.subject_employer, referral.subject_role):
            entry.employer, entry.role, changed = referral.subject_employer, referral.subject_role, True
        if changed:
            stamp(entry, actor, f"Brought up to date from {referral.reference}")
            entry.save()
    else:
        entry = PersonIndexEntry(
            local_authority_id=case.local_authority_id, first_names=referral.subject_first_names,
            surname=referral.subject_surname, other_names=referral.subject_other_names,
            date_of_birth=referral.subject_date_of_birth, ni_number=referral.subject_ni_number,
            teacher_reference=referral.subject_teacher_reference,
            registration_number=referral.subject_registration_number, employer=referral.subject_employer,
            role=referral.subject_role, created_by=actor)
        stamp(entry, actor, f"Added from {referral.reference}")
        entry.save()
        record_event(events.INDEX_ENTRY_ADDED, actor=actor, subject=entry, payload={"case": case.pk})
    previous = case.subject_id
    case.subject = entry
    stamp(case, actor, "Subject identified in the person index")
    case.save(update_fields=["subject"])
    record_event(events.SUBJECT_IDENTIFIED, actor=actor, subject=case, payload={
        "entry": entry.pk, "previous": previous, "repeat": entry.cases.exclude(pk=case.pk).exists()})
    return case


@transaction.atomic
def case_evaluate(
    *, actor: User, case: LadoCase, evaluated_on: date, criteria: dict[str, bool], decision: str, rationale: str,
    subject_informed_by: str, subject_informed_on: date | None = None, subject_informing_note: str = "",
    police_involved: bool = False, csc_involved: bool = False, late_reason: str = "",
) -> Evaluation:
    """The LADO's initial evaluation: which of the four harm criteria are met, the decision and why, how and when
    the subject is told. A meeting (allegations management meeting or strategy discussion) or advice to the
    employer needs the threshold met and opens the case; no further action closes it (meeting
    ``lado_resolution``: later than its date, with ``late_reason``). The evaluating officer holds the case."""
    case = _lock_case(case)
    _work(actor, case, "evaluate this case")
    if case.status != Status.NEW:
        raise ValidationError("This case has been evaluated already")
    if case.subject_id is None:
        raise ValidationError("Say who the allegation is about (the person index) before the evaluation")
    errors: dict[str, str] = {}
    _past(evaluated_on, "evaluated_on", "the date of the evaluation", errors)
    if evaluated_on and "evaluated_on" not in errors and evaluated_on < timezone.localdate(case.referral.received_at):
        errors["evaluated_on"] = "The evaluation cannot be before the referral was received"
    decision = _choice({"decision": decision}, "decision", EvaluationDecision, "the decision", errors)
    rationale = _text({"rationale": rationale}, "rationale", "the reasons for the decision", errors)
    informed_by = _choice({"subject_informed_by": subject_informed_by}, "subject_informed_by", SubjectInformedBy,
                          "who tells the subject", errors)
    _past(subject_informed_on, "subject_informed_on", "the date the subject was told", errors, required=False)
    met = {name: bool(criteria.get(name)) for name, _ in HARM_CRITERIA}
    if decision in (EvaluationDecision.MEETING, EvaluationDecision.ADVICE) and not any(met.values()):
        errors["criteria"] = "A meeting or advice to the employer needs at least one of the harm criteria met"
    if informed_by == SubjectInformedBy.NOT_YET and subject_informed_on:
        errors["subject_informed_on"] = "Leave the date out: the subject has not been told yet"
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation(case=case, evaluated_on=evaluated_on, evaluated_by=actor, decision=decision,
                            rationale=rationale, subject_informed_by=informed_by,
                            subject_informed_on=subject_informed_on,
                            subject_informing_note=subject_informing_note.strip(), police_involved=police_involved,
                            csc_involved=csc_involved, **met)
    stamp(evaluation, actor, "Initial evaluation")
    evaluation.save()
    case.officer = case.officer or actor
    if decision == EvaluationDecision.NFA:
        clock.deadline_meet_open(subject=case, rule_keys=("lado_resolution",), met_on=evaluated_on, actor=actor,
                                 late_reason=late_reason)
        _move(case, Status.CLOSED, actor, "No further action", closed_on=evaluated_on)
    else:
        _move(case, Status.OPEN, actor, EvaluationDecision(decision).label)
    record_event(events.CASE_EVALUATED, actor=actor, subject=case, payload={
        "decision": decision, "criteria": [n for n, v in met.items() if v], "police": police_involved,
        "csc": csc_involved})
    return evaluation


@transaction.atomic
def case_safety_record(*, actor: User, case: LadoCase, kind: str, decided_on: date, details: str) -> SafetyDecision:
    """A safety decision about the subject (risk assessment, redeployment, suspension: consider the others
    first). A suspension opens ``lado_suspension_confirmation`` for the case's officer."""
    case = _lock_case(case)
    _work(actor, case, "record a safety decision on this case")
    if case.status == Status.CLOSED:
        raise ValidationError("This case is closed")
    errors: dict[str, str] = {}
    kind = _choice({"kind": kind}, "kind", SafetyKind, "the safety decision", errors)
    _past(decided_on, "decided_on", "the date it was decided", errors)
    details = _text({"details": details}, "details", "what was decided and why", errors)
    if errors:
        raise ValidationError(errors)
    decision = SafetyDecision(case=case, kind=kind, decided_on=decided_on, details=details, created_by=actor)
    stamp(decision, actor, "Safety decision")
    decision.save()
    if kind == SafetyKind.SUSPENSION:
        clock.deadline_open(subject=decision, rule_key="lado_suspension_confirmation", anchor_date=decided_on,
                            actor=actor, label=rules.get("lado_suspension_confirmation").title,
                            responsible_person=case.officer or actor)
    record_event(events.SAFETY_RECORDED, actor=actor, subject=case, payload={"kind": kind, "decision": decision.pk})
    return decision


@transaction.atomic
def safety_confirm_in_writing(*, actor: User, decision: SafetyDecision, confirmed_on: date,
                              late_reason: str = "") -> SafetyDecision:
    """The suspension was confirmed to the person in writing (meets ``lado_suspension_confirmation``; later
    than its date, with ``late_reason``)."""
    decision = SafetyDecision.objects.select_for_update(of=("self",)).select_related("case").get(pk=decision.pk)
    _work(actor, decision.case, "record this confirmation")
    if decision.kind != SafetyKind.SUSPENSION:
        raise ValidationError("Only a suspension is confirmed in writing")
    if decision.confirmed_in_writing_on == confirmed_on:
        return decision
    errors: dict[str, str] = {}
    _past(confirmed_on, "confirmed_on", "the date of the written confirmation", errors)
    if not errors and confirmed_on < decision.decided_on:
        errors["confirmed_on"] = "The confirmation cannot be before the suspension"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=decision, rule_keys=("lado_suspension_confirmation",), met_on=confirmed_on,
                             actor=actor, late_reason=late_reason)
    decision.confirmed_in_writing_on = confirmed_on
    stamp(decision, actor, "Confirmed in writing")
    decision.save(update_fields=["confirmed_in_writing_on"])
    record_event(events.SUSPENSION_CONFIRMED, actor=actor, subject=decision.case,
                 payload={"decision": decision.pk, "on": confirmed_on.isoformat()})
    return decision


def invitable_membership(user: User, kind: str) -> Membership | None:
    """The membership ``user`` would be invited for: a police agency's (police), or a local authority's as
    children's social care staff (a social worker, team manager or service manager)."""
    memberships = Membership.objects.filter(user=user, is_active=True, user__is_active=True, agency__is_active=True)
    if kind == InvitationKind.POLICE:
        return memberships.filter(agency__kind=AgencyKind.POLICE).order_by("pk").first()
    if kind == InvitationKind.CHILDRENS_SOCIAL_CARE:
        return (memberships.filter(agency__kind=AgencyKind.LOCAL_AUTHORITY, roles__overlap=list(CSC_ROLES))
                .order_by("pk").first())
    return None


@transaction.atomic
def case_invite(*, actor: User, case: LadoCase, user: User, kind: str) -> CaseInvitation:
    """Invite a police officer or a member of children's social care into the case: they see this case (and
    nothing else of the LADO's) while they are members of the agency they were invited for. Inviting
    someone already invited changes nothing."""
    case = _lock_case(case)
    _work(actor, case, "invite people into this case")
    if case.status == Status.CLOSED:
        raise ValidationError("This case is closed")
    if kind not in InvitationKind.values:
        raise ValidationError({"kind": "Select the police or children's social care"})
    existing = CaseInvitation.objects.filter(LIVE_INVITATION, case=case, user=user).first()
    if existing is not None:
        return existing
    membership = invitable_membership(user, kind)
    if membership is None:
        what = "a police officer" if kind == InvitationKind.POLICE else "children's social care staff"
        raise ValidationError({"user": f"Choose {what} with an account in the hub"})
    invitation = CaseInvitation(case=case, user=user, agency_id=membership.agency_id, kind=kind, created_by=actor)
    stamp(invitation, actor, "Invited")
    invitation.save()
    record_event(events.INVITED, actor=actor, subject=case, payload={"user": user.pk, "kind": kind,
                                                                    "agency": membership.agency_id})
    notify(recipient=user, subject=f"You have been invited into LADO case {case.referral.reference}",
           body="The LADO has invited you into an allegation case.",
           url=_url("lado:case", public_id=case.public_id), about=case)
    return invitation


@transaction.atomic
def invitation_end(*, actor: User, invitation: CaseInvitation) -> CaseInvitation:
    invitation = CaseInvitation.objects.select_for_update(of=("self",)).select_related("case").get(pk=invitation.pk)
    _work(actor, invitation.case, "end this invitation")
    if invitation.ended_at is not None:
        return invitation
    invitation.ended_at, invitation.ended_by = timezone.now(), actor
    stamp(invitation, actor, "Invitation ended")
    invitation.save(update_fields=["ended_at", "ended_by"])
    record_event(events.INVITATION_ENDED, actor=actor, subject=invitation.case, payload={"user": invitation.user_id})
    return invitation


@transaction.atomic
def case_outcome_record(
    *, actor: User, case: LadoCase, category: str, decided_on: date, rationale: str, subject_told: str,
    employer_told: str, dbs_referral: str, family_told: str = "", dbs_referred_on: date | None = None,
    late_reason: str = "",
) -> Outcome:
    """The outcome of an allegation that met the threshold (substantiated, false, malicious, unsubstantiated,
    unfounded), why, and who is told what; the DBS referral. Closes the case and meets ``lado_resolution``
    (later than its date, with the reason for the delay: ``late_reason``)."""
    case = _lock_case(case)
    _work(actor, case, "record the outcome of this case")
    if case.status != Status.OPEN:
        raise ValidationError("Only an open case (evaluated, the threshold met) has an outcome to record"
                              if case.status == Status.NEW else "This case is closed")
    errors: dict[str, str] = {}
    category = _choice({"category": category}, "category", OutcomeCategory, "the outcome", errors)
    _past(decided_on, "decided_on", "the date of the outcome", errors)
    if decided_on and "decided_on" not in errors and decided_on < case.evaluation.evaluated_on:
        errors["decided_on"] = f"The case was evaluated on {case.evaluation.evaluated_on:%-d %B %Y}"
    rationale = _text({"rationale": rationale}, "rationale", "the reasons for the outcome", errors)
    subject_told = _text({"subject_told": subject_told}, "subject_told", "what the subject is told", errors)
    employer_told = _text({"employer_told": employer_told}, "employer_told", "what the employer is told", errors)
    dbs_referral = _choice({"dbs_referral": dbs_referral}, "dbs_referral", DbsReferral, "the DBS referral", errors)
    if dbs_referral == DbsReferral.MADE:
        _past(dbs_referred_on, "dbs_referred_on", "the date of the DBS referral", errors)
    elif dbs_referred_on is not None:
        errors["dbs_referred_on"] = "Give a date only for a referral made"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=case, rule_keys=("lado_resolution",), met_on=decided_on, actor=actor,
                             late_reason=late_reason)
    outcome = Outcome(case=case, category=category, decided_on=decided_on, decided_by=actor, rationale=rationale,
                      subject_told=subject_told, employer_told=employer_told, family_told=family_told.strip(),
                      dbs_referral=dbs_referral, dbs_referred_on=dbs_referred_on)
    stamp(outcome, actor, "Outcome")
    outcome.save()
    _move(case, Status.CLOSED, actor, f"Outcome: {OutcomeCategory(category).label}", closed_on=decided_on)
    record_event(events.OUTCOME_RECORDED, actor=actor, subject=case,
                 payload={"category": category, "dbs": dbs_referral})
    return outcome


@transaction.atomic
def regulator_referral_record(*, actor: User, case: LadoCase, regulator: str, referred_on: date,
                              referred_by_whom: str) -> RegulatorReferral:
    """A referral of the subject to a professional regulator, after the outcome."""
    case = _lock_case(case)
    _work(actor, case, "record a referral to a regulator")
    if not Outcome.objects.filter(case=case).exists():
        raise ValidationError("Record the outcome first")
    errors: dict[str, str] = {}
    regulator = _choice({"regulator": regulator}, "regulator", Regulator, "the regulator", errors)
    _past(referred_on, "referred_on", "the date of the referral", errors)
    who = _text({"referred_by_whom": referred_by_whom}, "referred_by_whom", "who made the referral", errors,
                limit=200)
    if errors:
        raise ValidationError(errors)
    row = RegulatorReferral(case=case, regulator=regulator, referred_on=referred_on, referred_by_whom=who,
                            created_by=actor)
    stamp(row, actor, "Referral to a regulator")
    row.save()
    record_event(events.REGULATOR_REFERRAL, actor=actor, subject=case,
                 payload={"regulator": regulator, "on": referred_on.isoformat()})
    return row
