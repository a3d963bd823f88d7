"""A meeting's minutes and actions, and a case's parallel processes (ADR 21).

- **Minutes** of a held meeting are written in sections (``MeetingMinutes.SECTIONS``), then issued: both PDFs
  (the full minutes; the employer's version without the third-party sections and actions) are rendered through
  the kernel's renderer and kept as issued; issued minutes do not change. The employer's version can then be
  shared with the referrer on the portal (they are told by reference only).
- **Actions** of a held meeting: what, by whom (a person invited to the meeting, an agency, or anyone named in
  words), by when. Each is chased by the clock (``lado_meeting_action``: due on its own date) from the day it
  is agreed: done meets it (after its date, the note says why), no longer needed cancels it.
- **Parallel processes** of a case: the police investigation, the CPS decision, children's social care
  enquiries (linked to the child's record when the referral's child was matched to one), the employer's
  investigation (``lado_investigation_report`` from its start; the report opens ``lado_investigation_decision``)
  and a disciplinary hearing (``lado_disciplinary_hearing`` from the decision to hold it). Concluding a process
  meets its open deadlines; stopping it cancels them.

The LADO team does all of it; an invited police officer or social care member updates what the policy lets
them (``lado.policies_meetings``). Every deadline is the LADO officer's, in the LADO team.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from .. import events
from .. import minutes as documents
from ..models import LadoCase, Meeting, MeetingAction, MeetingInvitee, MeetingMinutes, ParallelProcess, ReferralChild
from ..policies_meetings import meeting_records_policy as policy
from ._common import _ctx, _lado_team, _past, _require, _today, _url

CHASE = "lado_meeting_action"
A, P = MeetingAction.Status, ParallelProcess.Status
ACTION_TRANSITIONS = {A.OPEN: frozenset({A.OPEN, A.DONE, A.DROPPED}), A.DONE: frozenset(), A.DROPPED: frozenset()}
PROCESS_TRANSITIONS = {P.ONGOING: frozenset({P.ONGOING, P.CONCLUDED, P.NOT_PURSUED}), P.CONCLUDED: frozenset(),
                       P.NOT_PURSUED: frozenset()}
# the deadline a process opens when it starts (KCSIE's employer timescales), and every rule a process keeps
PROCESS_START_RULE = {ParallelProcess.Kind.EMPLOYER: "lado_investigation_report",
                      ParallelProcess.Kind.DISCIPLINARY: "lado_disciplinary_hearing"}
PROCESS_RULES = ("lado_investigation_report", "lado_investigation_decision", "lado_disciplinary_hearing")


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("case__referral").get(pk=meeting.pk)


def _held(meeting: Meeting, what: str) -> None:
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(f"{what} are for a meeting that was held: record it first")


def _responsible(case: LadoCase, actor: User) -> dict:
    return {"responsible_person": case.officer or actor, "responsible_team": _lado_team(case.local_authority_id)}


# --- minutes ----------------------------------------------------------------------------------------------------
@transaction.atomic
def minutes_save(*, actor: User, meeting: Meeting, sections: dict[str, str]) -> MeetingMinutes:
    """Write (or rewrite) the draft minutes of a held meeting, section by section (names not given keep their
    text). Issued minutes do not change; the same text changes nothing."""
    meeting = _lock_meeting(meeting)
    _require(policy.can_write_minutes(_ctx(actor), meeting), "write these minutes")
    _held(meeting, "Minutes")
    minutes = MeetingMinutes.objects.select_for_update().filter(meeting=meeting).first() or \
        MeetingMinutes(meeting=meeting, created_by=actor)
    if minutes.status == MeetingMinutes.Status.ISSUED:
        raise ValidationError(f"The minutes were issued on {timezone.localdate(minutes.issued_at):%-d %B %Y}: "
                              "they do not change")
    names = [name for name, _, _ in MeetingMinutes.SECTIONS]
    changed = [n for n in names if n in sections and (sections[n] or "").strip() != getattr(minutes, n)]
    if minutes.pk and not changed:
        return minutes
    for name in changed:
        setattr(minutes, name, (sections[name] or "").strip())
    stamp(minutes, actor, "Minutes written")
    minutes.save()
    record_event(events.MINUTES_SAVED, actor=actor, subject=meeting.case,
                 payload={"meeting": meeting.pk, "sections": changed})
    return minutes


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def minutes_issue(*, actor: User, meeting: Meeting, share_with_referrer: bool = False) -> MeetingMinutes:
    """Issue the minutes: both versions rendered as PDFs and kept as issued; optionally the employer's version
    shared with the referrer at once. Issuing again changes nothing."""
    meeting = _lock_meeting(meeting)
    _require(policy.can_write_minutes(_ctx(actor), meeting), "issue these minutes")
    minutes = MeetingMinutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or not minutes.purpose.strip():
        raise ValidationError("Write the minutes first (at least why the meeting was held)")
    if minutes.status == MeetingMinutes.Status.ISSUED:
        return minutes
    minutes.meeting = meeting
    minutes.status, minutes.issued_at, minutes.issued_by = MeetingMinutes.Status.ISSUED, timezone.now(), actor
    full, employer = (documents.render_minutes(minutes, v) for v in (documents.FULL, documents.EMPLOYER))
    minutes.full_pdf, minutes.full_sha256 = full, _sha(full)
    minutes.employer_pdf, minutes.employer_sha256 = employer, _sha(employer)
    stamp(minutes, actor, "Minutes issued")
    minutes.save()
    record_event(events.MINUTES_ISSUED, actor=actor, subject=meeting.case, payload={
        "meeting": meeting.pk, "full_sha256": minutes.full_sha256, "employer_sha256": minutes.employer_sha256})
    if share_with_referrer:
        _share(actor, minutes)
    return minutes


def _share(actor: User, minutes: MeetingMinutes) -> None:
    referral = minutes.meeting.case.referral
    if referral.referred_by_id is None:
        raise ValidationError({"share_with_referrer": "The referral was not made from an account: send the "
                                                      "employer's version to the employer another way"})
    minutes.shared_with_referrer_at = timezone.now()
    stamp(minutes, actor, "Employer's version shared with the referrer")
    minutes.save(update_fields=["shared_with_referrer_at"])
    record_event(events.MINUTES_SHARED, actor=actor, subject=minutes.meeting.case,
                 payload={"meeting": minutes.meeting_id})
    notify(recipient=referral.referred_by, subject=f"Meeting minutes for your referral {referral.reference}",
           body="The LADO has shared the employer's version of a meeting's minutes.",
           url=_url("lado:portal_referral", public_id=referral.public_id))


@transaction.atomic
def minutes_share(*, actor: User, meeting: Meeting) -> MeetingMinutes:
    """Share the issued minutes' employer's version with the referrer (on the portal). Once."""
    meeting = _lock_meeting(meeting)
    _require(policy.can_write_minutes(_ctx(actor), meeting), "share these minutes")
    minutes = MeetingMinutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status != MeetingMinutes.Status.ISSUED:
        raise ValidationError("Issue the minutes first")
    if minutes.shared_with_referrer_at is None:
        minutes.meeting = meeting
        _share(actor, minutes)
    return minutes


# --- actions ----------------------------------------------------------------------------------------------------
def action_owner_people(meeting: Meeting) -> list[User]:
    """Who an action may name as its owner: the people with an account invited to the meeting."""
    ids = MeetingInvitee.objects.live().filter(meeting=meeting, withdrawn_at__isnull=True, user__isnull=False) \
        .values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "pk"))


def action_owner_agencies(meeting: Meeting) -> list[Agency]:
    """The agencies an action may name: the case's local authority and the agencies of the people invited into
    the case."""
    from ..models import LIVE_INVITATION, CaseInvitation

    case = meeting.case
    ids = {case.local_authority_id, *CaseInvitation.objects.filter(LIVE_INVITATION, case=case)
           .values_list("agency_id", flat=True)}
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def _chase(action: MeetingAction, actor: User) -> None:
    case = action.meeting.case
    who = _responsible(case, actor)
    if action.owner_id and Membership.objects.filter(user_id=action.owner_id, agency_id=case.local_authority_id,
                                                     is_active=True).exists():
        who["responsible_person"] = action.owner  # the owner sees it (a member of the LADO team's authority)
    clock.deadline_open(subject=action, rule_key=CHASE, anchor_date=action.due_date, actor=actor,
                        label=rules.get(CHASE).title, **who)


@transaction.atomic
def action_add(*, actor: User, meeting: Meeting, description: str, due_date: date | None, owner: User | None = None,
               owner_agency: Agency | None = None, owner_name: str = "", third_party: bool = False) -> MeetingAction:
    """An action agreed at a held meeting of an open case: what, by whom (one person invited to the meeting,
    one agency, or anyone in words), by when (not before the meeting). Chased by the clock at once."""
    meeting = _lock_meeting(meeting)
    _require(policy.can_add_action(_ctx(actor), meeting), "add actions to this meeting")
    _held(meeting, "Actions")
    if meeting.case.status == LadoCase.Status.CLOSED:
        raise ValidationError("This case is closed")
    errors: dict[str, str] = {}
    if not (description or "").strip():
        errors["description"] = "Enter what is to be done"
    if owner is not None and owner_agency is not None:
        errors["owner"] = "Choose one person or one agency"
    elif owner is not None and owner.pk not in {u.pk for u in action_owner_people(meeting)}:
        errors["owner"] = "Choose someone invited to the meeting, or name them in words"
    elif owner_agency is not None and owner_agency.pk not in {a.pk for a in action_owner_agencies(meeting)}:
        errors["owner"] = "Choose an agency from the list, or name it in words"
    elif owner is None and owner_agency is None and not owner_name.strip():
        errors["owner_name"] = "Enter who will do it"
    held_on = timezone.localdate(meeting.starts_at)
    if due_date is None:
        errors["due_date"] = "Enter the date it is due by"
    elif due_date < held_on:
        errors["due_date"] = f"The date it is due by cannot be before the meeting ({held_on:%-d %B %Y})"
    if len(owner_name.strip()) > 200:
        errors["owner_name"] = "Who will do it must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    number = (MeetingAction.objects.filter(meeting=meeting).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    action = MeetingAction(meeting=meeting, number=number, description=description.strip(), owner=owner,
                           owner_agency=owner_agency, due_date=due_date, third_party=third_party, created_by=actor,
                           owner_name=owner_name.strip() or (owner.full_name if owner else owner_agency.name))
    stamp(action, actor, "Agreed at the meeting")
    action.save()
    _chase(action, actor)
    record_event(events.ACTION_ADDED, actor=actor, subject=meeting.case, payload={
        "meeting": meeting.pk, "number": number, "owner": owner.pk if owner else None,
        "owner_agency": owner_agency.pk if owner_agency else None, "due_date": due_date.isoformat()})
    if owner is not None and owner.pk != actor.pk:
        notify(recipient=owner, subject=f"An action for you from LADO case {meeting.case.referral.reference}",
               body=f"Due by {due_date:%-d %B %Y}.",
               url=_url("lado:meeting", public_id=meeting.case.public_id, meeting_id=meeting.public_id))
    return action


@transaction.atomic
def action_update(*, actor: User, action: MeetingAction, status: str, done_on: date | None = None,
                  note: str = "") -> MeetingAction:
    """Follow an action through: progress noted while it is open, done (on ``done_on``: meets its deadline;
    after its date the note is the reason), or no longer needed (the LADO team, with why: cancels it). Done or
    no longer needed stays so."""
    action = (MeetingAction.objects.select_for_update(of=("self",)).select_related("meeting__case__referral")
              .get(pk=action.pk))
    ctx = _ctx(actor)
    _require(policy.can_update_action(ctx, action), "update this action")
    if status not in A.values:
        raise ValidationError({"status": "Choose what has happened"})
    note = (note or "").strip()
    if status == A.DONE and not note:
        note = action.progress_note
    if status == action.status and note == action.progress_note and done_on in (None, action.done_on):
        return action
    if status not in ACTION_TRANSITIONS[action.status]:
        raise ValidationError(f"This action is {action.get_status_display().lower()} already: it cannot change")
    errors: dict[str, str] = {}
    if status == A.DONE:
        _past(done_on, "done_on", "the date it was done", errors)
        chase = clock.open_deadlines_for(action, CHASE).first()
        due = chase.due_date if chase else action.due_date
        if done_on and "done_on" not in errors and done_on > due and not note:
            errors["note"] = f"It was due by {due:%-d %B %Y}: say why it was done later"
    if status == A.DROPPED:
        _require(policy.can_drop_action(ctx, action), "decide that this action is no longer needed")
        if not note:
            errors["note"] = "Say why it is no longer needed"
    if status == A.OPEN and not note:
        errors["note"] = "Say what has been done, or what is in the way"
    if errors:
        raise ValidationError(errors)
    before = action.status
    action.status, action.progress_note = status, note
    action.done_on = done_on if status == A.DONE else (_today() if status == A.DROPPED else None)
    stamp(action, actor, A(status).label if status != before else "Progress noted")
    action.save()
    if status == A.DONE:
        clock.deadline_meet_open(subject=action, rule_keys=(CHASE,), met_on=done_on, actor=actor, late_reason=note)
    elif status == A.DROPPED:
        clock.deadlines_cancel_open(subject=action, reason="The action is no longer needed", actor=actor,
                                    rule_keys=(CHASE,))
    record_event(events.ACTION_UPDATED, actor=actor, subject=action.meeting.case, payload={
        "meeting": action.meeting_id, "number": action.number, "status": status,
        "done_on": action.done_on.isoformat() if action.done_on else None})
    return action


# --- parallel processes --------------------------------------------------------------------------------------------
def matched_children(case: LadoCase) -> list[ReferralChild]:
    """The referral's children matched to a record (what children's social care enquiries link to)."""
    return list(ReferralChild.objects.live().filter(referral_id=case.referral_id, child__isnull=False)
                .select_related("child"))


@transaction.atomic
def process_start(*, actor: User, case: LadoCase, kind: str, lead: str, started_on: date | None,
                  reference: str = "", child_id: int | None = None, note: str = "") -> ParallelProcess:
    """Record a process running alongside the case (the LADO team). The employer's investigation opens
    ``lado_investigation_report``; a disciplinary hearing (started by the decision to hold one) opens
    ``lado_disciplinary_hearing``. Children's social care enquiries may name the referral's matched child."""
    from .casework import _lock_case

    case = _lock_case(case)
    _require(policy.can_add_process(_ctx(actor), case), "record a process on this case")
    if case.status == LadoCase.Status.CLOSED:
        raise ValidationError("This case is closed")
    errors: dict[str, str] = {}
    if kind not in ParallelProcess.Kind.values:
        errors["kind"] = "Select the process"
    lead = (lead or "").strip()
    if not lead:
        errors["lead"] = "Enter who leads it"
    elif len(lead) > 200:
        errors["lead"] = "Who leads it must be 200 characters or fewer"
    if len((reference or "").strip()) > 100:
        errors["reference"] = "The reference must be 100 characters or fewer"
    _past(started_on, "started_on", "the date it started", errors)
    child = None
    if child_id is not None:
        if kind != ParallelProcess.Kind.CSC:
            errors["child"] = "Only children's social care enquiries are about a child's record"
        else:
            child = next((rc.child for rc in matched_children(case) if rc.child_id == child_id), None)
            if child is None:
                errors["child"] = "Choose a child of the referral matched to their record"
    if errors:
        raise ValidationError(errors)
    process = ParallelProcess(case=case, kind=kind, lead=lead, reference=(reference or "").strip(), child=child,
                              started_on=started_on, progress_note=(note or "").strip(), created_by=actor)
    stamp(process, actor, "Process recorded")
    process.save()
    rule = PROCESS_START_RULE.get(kind)
    if rule:
        clock.deadline_open(subject=process, rule_key=rule, anchor_date=started_on, actor=actor,
                            label=rules.get(rule).title, **_responsible(case, actor))
    record_event(events.PROCESS_STARTED, actor=actor, subject=case, payload={
        "process": process.pk, "kind": kind, "started_on": started_on.isoformat(), "child": child_id})
    return process


@transaction.atomic
def process_update(*, actor: User, process: ParallelProcess, status: str, note: str = "",
                   report_on: date | None = None, ended_on: date | None = None, outcome: str = "",
                   late_reason: str = "") -> ParallelProcess:
    """Progress on a process: a note while it goes on; the employer's investigation report received
    (``report_on``: meets ``lado_investigation_report``, opens ``lado_investigation_decision``); concluded (on
    ``ended_on``, with its ``outcome``: meets its open deadlines, late with ``late_reason``) or stopped (cancels
    them). A concluded or stopped process stays so."""
    process = (ParallelProcess.objects.select_for_update(of=("self",)).select_related("case__referral")
               .get(pk=process.pk))
    _require(policy.can_update_process(_ctx(actor), process), "update this process")
    if status not in P.values:
        raise ValidationError({"status": "Choose where it has got to"})
    note, outcome = (note or "").strip(), (outcome or "").strip()
    new_report = report_on is not None and report_on != process.report_on
    if (status == process.status and not new_report and note in ("", process.progress_note)
            and ended_on in (None, process.ended_on) and outcome in ("", process.outcome)):
        return process
    if status not in PROCESS_TRANSITIONS[process.status]:
        raise ValidationError(f"This process is {process.get_status_display().lower()}: it cannot change")
    errors: dict[str, str] = {}
    if new_report:
        if process.kind != ParallelProcess.Kind.EMPLOYER:
            errors["report_on"] = "Only the employer's investigation has an investigator's report"
        elif process.report_on is not None:
            errors["report_on"] = f"The report was received on {process.report_on:%-d %B %Y}"
        else:
            _past(report_on, "report_on", "the date the report was received", errors)
            if "report_on" not in errors and report_on < process.started_on:
                errors["report_on"] = "The report cannot be before the investigation started"
    if status != P.ONGOING:
        _past(ended_on, "ended_on", "the date it ended", errors)
        if ended_on and "ended_on" not in errors and ended_on < process.started_on:
            errors["ended_on"] = f"It started on {process.started_on:%-d %B %Y}"
        if not outcome:
            errors["outcome"] = "Enter the outcome" if status == P.CONCLUDED else "Say why it stopped"
    elif not note and not new_report:
        errors["note"] = "Say what has happened"
    if errors:
        raise ValidationError(errors)
    if new_report:
        clock.deadline_meet_open(subject=process, rule_keys=("lado_investigation_report",), met_on=report_on,
                                 actor=actor, late_reason=late_reason)
        if status == P.ONGOING:
            clock.deadline_open(subject=process, rule_key="lado_investigation_decision", anchor_date=report_on,
                                actor=actor, label=rules.get("lado_investigation_decision").title,
                                **_responsible(process.case, actor))
        process.report_on = report_on
    before = process.status
    if note:
        process.progress_note = note
    if status != P.ONGOING:
        process.status, process.ended_on, process.outcome = status, ended_on, outcome
        if status == P.CONCLUDED:
            clock.deadline_meet_open(subject=process, rule_keys=PROCESS_RULES, met_on=ended_on, actor=actor,
                                     late_reason=late_reason)
        else:
            clock.deadlines_cancel_open(subject=process, reason="The process stopped", actor=actor,
                                        rule_keys=PROCESS_RULES)
    stamp(process, actor, P(status).label if status != before else "Progress noted")
    process.save()
    record_event(events.PROCESS_UPDATED, actor=actor, subject=process.case, payload={
        "process": process.pk, "status": status, "report_on": report_on.isoformat() if new_report else None,
        "ended_on": ended_on.isoformat() if ended_on and status != P.ONGOING else None})
    return process
