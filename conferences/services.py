"""Every write to a conference, its plan and its documents. Keyword-only, one transaction each.

Each service locks what it changes, validates, writes, records a CaseEvent, and returns early when
nothing changes. Every timescale goes through the statutory clock (``safeguarding.clock``): a
request opens ``icpc`` or ``transfer_in_conference``; a decision opens ``outline_plan`` and
``conference_minutes`` and, with a plan, ``core_group_first`` and ``rcpc_first`` (then ``rcpc_next``
after each review); holding a conference, recording the first core group, submitting a report and
sending documents meet them. Deadline labels never contain names (ADR 5).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Model, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Child, Involvement, Relationship, RelationshipKind
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline
from safeguarding.notify.services import notify, notify_many

from . import events
from .models import (
    AgencyReport,
    Category,
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    ConferenceRecord,
    CoreGroupMeeting,
    CoreGroupMember,
    Decision,
    Distribution,
    Document,
    EndReason,
    Invitation,
    InvitationEmail,
    Kind,
    MidwayAudit,
    Minutes,
    NextStep,
    Outcome,
    PlanAction,
    ScalingScore,
)
from .policies import report_policy

S = Conference.Status
# The conference workflow: which status may move to which, and nothing else.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.HELD, S.CANCELLED}),
    S.HELD: frozenset({S.DECIDED}),
    S.DECIDED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Local practice, not timescales: how many agencies besides children's social care make a conference
# quorate (Swindon, Sussex), and from what age a child is proposed as an invitee (the chair decides).
# (settings CONFERENCE_QUORUM_OTHER_AGENCIES and CONFERENCE_CHILD_INVITATION_AGE, read when used)


def quorum_other_agencies() -> int:
    return settings.CONFERENCE_QUORUM_OTHER_AGENCIES


def child_invitation_age() -> int:
    return settings.CONFERENCE_CHILD_INVITATION_AGE


DEADLINE_RULE_FOR_KIND = {Kind.INITIAL: "icpc", Kind.PRE_BIRTH: "icpc", Kind.TRANSFER_IN: "transfer_in_conference"}
REVIEW_RULES = ("rcpc_first", "rcpc_next")
LABELS = {  # never names (ADR 5)
    "icpc": "Initial child protection conference",
    "transfer_in_conference": "Transfer-in conference",
    "conference_reports": "Agency report for a conference",
    "parents_report_share": "Social work report shared with parents",
    "outline_plan": "Outline plan and decision letter",
    "conference_minutes": "Conference minutes sent",
    "core_group_first": "First core group meeting",
    "rcpc_first": "First review conference",
    "rcpc_next": "Next review conference",
}


def _stamp(obj: Model, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


def _transition(conference: Conference, to: str) -> None:
    if to not in TRANSITIONS[conference.status]:
        raise ValidationError(
            f"A conference that is {conference.get_status_display().lower()} cannot be "
            f"{Conference.Status(to).label.lower()}"
        )
    conference.status = to


def _lock(conference: Conference) -> Conference:
    return Conference.objects.select_for_update(of=("self",)).select_related("child", "plan").get(pk=conference.pk)


def _today() -> date:
    return timezone.localdate()


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


# --- request ------------------------------------------------------------------------------------
@transaction.atomic
def conference_request(
    *, actor: User, child: Child, kind: str, strategy_discussion_date: date | None = None,
    transfer_notification_date: date | None = None, transferring_authority: str = "",
    plan: ChildProtectionPlan | None = None, notes: str = "",
) -> Conference:
    """A social worker asks the conference service for a conference. Opens the deadline it must be
    held by (``icpc`` from the strategy discussion, ``transfer_in_conference`` from the notification);
    a review conference works to its plan's open review deadline."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    kind = Kind(kind)
    today = _today()
    errors: dict[str, str] = {}
    active_plan = ChildProtectionPlan.objects.filter(
        child=child, status=ChildProtectionPlan.Status.ACTIVE, entered_in_error_at__isnull=True).first()
    if kind in (Kind.INITIAL, Kind.PRE_BIRTH):
        if strategy_discussion_date is None:
            errors["strategy_discussion_date"] = "Enter the date of the strategy discussion that started the " \
                                                 "section 47 enquiry"
        elif strategy_discussion_date > today:
            errors["strategy_discussion_date"] = "The strategy discussion date must be today or in the past"
        if kind == Kind.PRE_BIRTH and not child.is_unborn:
            errors["kind"] = "A pre-birth conference is for an unborn child; this child's date of birth is recorded"
        if kind == Kind.INITIAL and child.is_unborn:
            errors["kind"] = "For an unborn child, request a pre-birth conference"
        if active_plan:
            errors["kind"] = "This child already has a child protection plan: request a review conference"
    elif kind == Kind.TRANSFER_IN:
        if transfer_notification_date is None:
            errors["transfer_notification_date"] = "Enter the date of the written notification from the other " \
                                                   "authority"
        elif transfer_notification_date > today:
            errors["transfer_notification_date"] = "The notification date must be today or in the past"
        if not transferring_authority.strip():
            errors["transferring_authority"] = "Enter the authority the child is moving from"
        if active_plan:
            errors["kind"] = "This child already has a plan with us: request a review conference"
    elif kind == Kind.REVIEW:
        plan = plan or active_plan
        if plan is None or plan.child_id != child.pk or plan.status != ChildProtectionPlan.Status.ACTIVE:
            errors["kind"] = "A review conference needs an active child protection plan"
    live = Conference.objects.filter(child=child, status__in=[S.REQUESTED, S.SCHEDULED, S.HELD],
                                     entered_in_error_at__isnull=True)
    if "kind" not in errors and live.exists():
        errors["kind"] = "This child already has a conference requested or booked"
    if errors:
        raise ValidationError(errors)
    conference = Conference(
        child=child, kind=kind, requested_by=actor, requested_at=timezone.now(), created_by=actor,
        strategy_discussion_date=strategy_discussion_date if kind in (Kind.INITIAL, Kind.PRE_BIRTH) else None,
        transfer_notification_date=transfer_notification_date if kind == Kind.TRANSFER_IN else None,
        transferring_authority=transferring_authority.strip() if kind == Kind.TRANSFER_IN else "",
        plan=plan if kind == Kind.REVIEW else None, request_notes=notes.strip(),
    )
    _stamp(conference, actor, "Requested")
    conference.save()
    ConferenceRecord.objects.create(conference=conference, updated_by=actor)
    rule = DEADLINE_RULE_FOR_KIND.get(kind)
    if rule:
        clock.deadline_open(subject=conference, rule_key=rule, anchor_date=conference.anchor_date,
                            label=LABELS[rule], actor=actor, responsible_person=actor,
                            responsible_team=child.allocated_team)
    record_event(events.REQUESTED, actor=actor, subject=conference, payload={"kind": kind})
    service_staff = (Membership.objects.filter(agency=child.local_authority, is_active=True, user__is_active=True,
                                               roles__overlap=[Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR])
                     .values_list("user_id", flat=True).distinct())
    url = _url("conferences:detail", public_id=conference.public_id)
    notify_many([(uid, f"{conference.get_kind_display()} requested: awaiting allocation",
                  "A conference request is waiting for a chair and a date.", url) for uid in service_staff])
    return conference


def due_deadline(conference: Conference) -> Deadline | None:
    """The deadline the conference must be held by: its own for an initial, pre-birth or transfer-in
    conference; the plan's open review deadline for a review."""
    if conference.kind == Kind.REVIEW:
        if conference.plan_id is None:
            return None
        if conference.status in (S.HELD, S.DECIDED):
            # the review deadline this conference met (the plan's open one is already the next review's)
            from django.contrib.contenttypes.models import ContentType
            return (Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(ChildProtectionPlan),
                                            subject_id=conference.plan_id, rule_key__in=REVIEW_RULES,
                                            met_on=conference.held_on).order_by("-due_date").first())
        return clock.open_deadlines_for(conference.plan, *REVIEW_RULES).first()
    rule = DEADLINE_RULE_FOR_KIND[conference.kind]
    ds = clock.open_deadlines_for(conference, rule)
    if conference.status in (S.HELD, S.DECIDED):
        from django.contrib.contenttypes.models import ContentType
        ds = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Conference),
                                     subject_id=conference.pk, rule_key=rule)
    return ds.first()


# --- chairs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChairSuggestion:
    chair: User
    booked: int  # live conferences booked in the four weeks around the date
    previous: bool  # chaired this child's conferences before


def eligible_chairs(*, child: Child):
    """Active chairs of the child's local authority who do not manage the case (not its allocated
    social worker, not a team manager of its allocated team)."""
    qs = User.objects.filter(
        is_active=True, memberships__agency=child.local_authority, memberships__is_active=True,
        memberships__roles__contains=[Role.CONFERENCE_CHAIR],
    )
    if child.allocated_social_worker_id:
        qs = qs.exclude(pk=child.allocated_social_worker_id)
    if child.allocated_team_id:
        # one membership that is both in the allocated team and a team manager's (not two different ones)
        managers = Membership.objects.filter(team_id=child.allocated_team_id, is_active=True,
                                             roles__contains=[Role.TEAM_MANAGER]).values("user_id")
        qs = qs.exclude(pk__in=managers)
    return qs.distinct()


def chair_suggestions(*, conference: Conference, around: date | None = None) -> list[ChairSuggestion]:
    """Eligible chairs, the one who chaired this child before first (continuity), then the least booked
    in the four weeks around ``around`` (the due date, or today)."""
    if around is None:
        deadline = due_deadline(conference)
        around = deadline.due_date if deadline else _today()
    start = timezone.make_aware(datetime.combine(around, datetime.min.time())) - timedelta(days=14)
    end = start + timedelta(days=28)
    previous_ids = set(Conference.objects.filter(child_id=conference.child_id, chair__isnull=False,
                                                 entered_in_error_at__isnull=True)
                       .exclude(pk=conference.pk).exclude(status=S.CANCELLED).values_list("chair_id", flat=True))
    chairs = eligible_chairs(child=conference.child).annotate(
        booked=Count("conferences_chaired", filter=Q(conferences_chaired__status__in=[S.SCHEDULED, S.HELD],
                                                     conferences_chaired__starts_at__gte=start,
                                                     conferences_chaired__starts_at__lt=end)
                                   & ~Q(conferences_chaired__pk=conference.pk)))
    out = [ChairSuggestion(chair=c, booked=c.booked, previous=c.pk in previous_ids) for c in chairs]
    return sorted(out, key=lambda s: (not s.previous, s.booked, s.chair.full_name))


def _check_chair(conference: Conference, chair: User) -> None:
    if not eligible_chairs(child=conference.child).filter(pk=chair.pk).exists():
        raise ValidationError({"chair": "Choose a conference chair of this local authority who does not manage "
                                        "the case"})


def _check_times(conference: Conference, chair: User, starts_at: datetime, ends_at: datetime) -> None:
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = "The conference must start in the future"
    if ends_at <= starts_at:
        errors["ends_at"] = "The end time must be after the start time"
    if errors:
        raise ValidationError(errors)
    clash = Conference.objects.filter(
        chair=chair, status__in=[S.SCHEDULED, S.HELD], entered_in_error_at__isnull=True,
        starts_at__lt=ends_at, ends_at__gt=starts_at,
    ).exclude(pk=conference.pk).first()
    if clash:
        raise ValidationError({"starts_at": f"{chair.full_name} is already chairing a conference from "
                                            f"{timezone.localtime(clash.starts_at):%H:%M} to "
                                            f"{timezone.localtime(clash.ends_at):%H:%M} that day"})


def _check_due(conference: Conference, starts_at: datetime, late_reason: str) -> str:
    deadline = due_deadline(conference)
    if deadline and timezone.localtime(starts_at).date() > deadline.due_date and not late_reason.strip():
        raise ValidationError({"late_reason": f"This conference is due by {deadline.due_date:%-d %B %Y}. Say why "
                                              "it cannot be held by then"})
    if deadline and timezone.localtime(starts_at).date() <= deadline.due_date:
        return ""
    return late_reason.strip()


def _save_booking(conference: Conference) -> None:
    try:
        with transaction.atomic():
            conference.save()
    except IntegrityError as exc:
        if "chair_not_double_booked" in str(exc):
            raise ValidationError({"starts_at": "The chair is already booked at that time"}) from None
        raise


@transaction.atomic
def conference_schedule(
    *, actor: User, conference: Conference, chair: User, starts_at: datetime, ends_at: datetime, venue: str = "",
    online_link: str = "", minute_taker: User | None = None, late_reason: str = "",
) -> Conference:
    """Allocate a chair and book the date, time and place. A date past the due date needs a reason."""
    conference = _lock(conference)
    if conference.status == S.SCHEDULED and (conference.chair_id, conference.starts_at) == (chair.pk, starts_at):
        return conference
    _transition(conference, S.SCHEDULED)
    if conference.chair_id is not None:
        raise ValidationError("This conference is already booked: reschedule it instead")
    if not (venue.strip() or online_link.strip()):
        raise ValidationError({"venue": "Enter a venue or an online meeting link"})
    _check_chair(conference, chair)
    _check_times(conference, chair, starts_at, ends_at)
    conference.late_reason = _check_due(conference, starts_at, late_reason)
    conference.chair, conference.minute_taker = chair, minute_taker
    conference.starts_at, conference.ends_at = starts_at, ends_at
    conference.venue, conference.online_link = venue.strip(), online_link.strip()
    _stamp(conference, actor, "Scheduled")
    _save_booking(conference)
    record_event(events.SCHEDULED, actor=actor, subject=conference, payload={
        "chair": chair.pk, "starts_at": starts_at.isoformat(), "late_reason": conference.late_reason})
    kind = conference.get_kind_display().lower()
    notify(recipient=chair, subject=f"You are chairing {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
           body=f"On {timezone.localtime(starts_at):%-d %B %Y at %H:%M}.",
           url=_url("conferences:detail", public_id=conference.public_id))
    _open_report_deadlines(conference, actor)
    _queue_invitation_emails(conference, conference.invitations.filter(entered_in_error_at__isnull=True))
    return conference


@transaction.atomic
def conference_reschedule(
    *, actor: User, conference: Conference, starts_at: datetime, ends_at: datetime, reason: str, venue: str = "",
    online_link: str = "", chair: User | None = None, late_reason: str = "",
) -> Conference:
    """Move a booked conference (new time, place or chair). Keeps history, asks why, and sends every
    invitee an updated calendar invitation."""
    conference = _lock(conference)
    if conference.status != S.SCHEDULED:
        raise ValidationError("Only a booked conference can be rescheduled")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the conference is being rescheduled"})
    chair = chair or conference.chair
    unchanged = (chair.pk, starts_at, ends_at, venue.strip(), online_link.strip()) == (
        conference.chair_id, conference.starts_at, conference.ends_at, conference.venue, conference.online_link)
    if unchanged:
        return conference
    if not (venue.strip() or online_link.strip()):
        raise ValidationError({"venue": "Enter a venue or an online meeting link"})
    if chair.pk != conference.chair_id:
        _check_chair(conference, chair)
    _check_times(conference, chair, starts_at, ends_at)
    conference.late_reason = _check_due(conference, starts_at, late_reason)
    old_date = timezone.localtime(conference.starts_at).date()
    old = {"starts_at": conference.starts_at.isoformat(), "chair": conference.chair_id, "venue": conference.venue}
    conference.chair, conference.starts_at, conference.ends_at = chair, starts_at, ends_at
    conference.venue, conference.online_link = venue.strip(), online_link.strip()
    conference.ics_sequence += 1
    _stamp(conference, actor, reason.strip())
    _save_booking(conference)
    new_date = timezone.localtime(starts_at).date()
    if new_date != old_date:
        for d in _report_deadlines(conference):
            clock.deadline_recompute(deadline=d, reason="Conference rescheduled", actor=actor, anchor_date=new_date)
    if chair.pk != old["chair"]:
        kind = conference.get_kind_display().lower()
        notify(recipient=chair, subject=f"You are chairing {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
               body=f"On {timezone.localtime(starts_at):%-d %B %Y at %H:%M}.",
               url=_url("conferences:detail", public_id=conference.public_id))
    record_event(events.RESCHEDULED, actor=actor, subject=conference, payload={
        "from": old, "to": {"starts_at": starts_at.isoformat(), "chair": chair.pk}, "reason": reason.strip()})
    _queue_invitation_emails(conference, conference.invitations.filter(entered_in_error_at__isnull=True))
    return conference


@transaction.atomic
def conference_cancel(*, actor: User, conference: Conference, reason: str) -> Conference:
    """Cancel a request or a booking: deadlines it opened are cancelled, invitees get a calendar
    cancellation. A review conference's plan keeps its review deadline (another review is needed)."""
    conference = _lock(conference)
    if conference.status == S.CANCELLED:
        return conference
    if not reason.strip():
        raise ValidationError({"reason": "Say why the conference is cancelled"})
    _transition(conference, S.CANCELLED)
    conference.cancelled_reason = reason.strip()
    conference.ics_sequence += 1
    _stamp(conference, actor, reason.strip())
    conference.save()
    clock.deadlines_cancel_open(subject=conference, reason=f"Conference cancelled: {reason.strip()}", actor=actor)
    for d in _report_deadlines(conference):
        clock.deadline_cancel(deadline=d, reason="Conference cancelled", actor=actor)
    record_event(events.CANCELLED, actor=actor, subject=conference, payload={"reason": reason.strip()})
    sent = conference.invitations.filter(entered_in_error_at__isnull=True, sent_sequence__gte=0)
    _queue_invitation_emails(conference, sent, method=InvitationEmail.Method.CANCEL)
    return conference


# --- invitations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProposedInvitee:
    kind: str
    name: str
    role: str
    email: str = ""
    adult_id: int | None = None
    involvement_id: int | None = None
    user_id: int | None = None
    agency_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.adult_id or ''}:{self.involvement_id or ''}:{self.user_id or ''}"


def _age(child: Child, on: date) -> int | None:
    dob = child.date_of_birth
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def invitees_proposed(*, conference: Conference) -> list[ProposedInvitee]:
    """Who the conference should invite, from the child's record, less those already invited: parents
    and people with parental responsibility, the child where of age, the allocated social worker, and
    the professionals of the child's open involvements."""
    child = conference.child
    today = _today()
    invited = conference.invitations.filter(entered_in_error_at__isnull=True)
    have_adults = set(invited.exclude(adult=None).values_list("adult_id", flat=True))
    have_involvements = set(invited.exclude(involvement=None).values_list("involvement_id", flat=True))
    have_users = set(invited.exclude(user=None).values_list("user_id", flat=True))
    out: list[ProposedInvitee] = []
    parents = (Relationship.objects.filter(child=child, entered_in_error_at__isnull=True)
               .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
               .filter(Q(parental_responsibility=True) | Q(kind__in=[RelationshipKind.MOTHER, RelationshipKind.FATHER]))
               .select_related("adult").order_by("adult__surname"))
    for rel in parents:
        if rel.adult_id in have_adults:
            continue
        role = rel.get_kind_display() + (" (parental responsibility)" if rel.parental_responsibility else "")
        out.append(ProposedInvitee(Invitation.InviteeKind.PARENT, rel.adult.full_name, role, rel.adult.email,
                                   adult_id=rel.adult_id))
    age = _age(child, today)
    if age is not None and age >= child_invitation_age() and not invited.filter(kind=Invitation.InviteeKind.CHILD):
        out.append(ProposedInvitee(Invitation.InviteeKind.CHILD, child.full_name, f"The child (aged {age})"))
    sw = child.allocated_social_worker
    if sw and sw.pk not in have_users:
        out.append(ProposedInvitee(Invitation.InviteeKind.PROFESSIONAL, sw.full_name, "Allocated social worker",
                                   sw.email, user_id=sw.pk, agency_id=child.local_authority_id))
    involvements = (Involvement.objects.filter(child=child, entered_in_error_at__isnull=True)
                    .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related("professional", "agency"))
    for inv in involvements:
        if inv.pk in have_involvements or (inv.professional_id and inv.professional_id in have_users):
            continue
        if inv.professional_id and sw and inv.professional_id == sw.pk:
            continue
        name = inv.professional_display or inv.agency.name
        email = inv.professional.email if inv.professional_id else inv.professional_email
        out.append(ProposedInvitee(Invitation.InviteeKind.PROFESSIONAL, name, f"{inv.role}, {inv.agency.name}", email,
                                   involvement_id=inv.pk, user_id=inv.professional_id, agency_id=inv.agency_id))
    return out


@transaction.atomic
def invitation_add(
    *, actor: User, conference: Conference, kind: str, name: str, role: str = "", email: str = "",
    adult_id: int | None = None, involvement_id: int | None = None, user_id: int | None = None,
    agency_id: int | None = None, direct_contact: bool = True,
) -> Invitation:
    conference = _lock(conference)
    if conference.status not in (S.REQUESTED, S.SCHEDULED):
        raise ValidationError("Invitations can be added only before the conference is held")
    kind = Invitation.InviteeKind(kind)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the invitee's name"
    if kind == Invitation.InviteeKind.PROFESSIONAL and not agency_id:
        errors["agency"] = "Choose the professional's agency"
    if errors:
        raise ValidationError(errors)
    live = conference.invitations.filter(entered_in_error_at__isnull=True)
    for field, value in (("adult_id", adult_id), ("involvement_id", involvement_id), ("user_id", user_id)):
        if value:
            existing = live.filter(**{field: value}).first()
            if existing:
                return existing
    if involvement_id:
        involvement = Involvement.objects.filter(pk=involvement_id, child_id=conference.child_id).first()
        if involvement is None:
            raise ValidationError({"involvement": "That involvement is not this child's"})
        # the involvement's named professional is the invitee: adding them later by account is the same person
        user_id = user_id or involvement.professional_id
        existing = live.filter(user_id=user_id).first() if user_id else None
        if existing:
            return existing
    invitation = Invitation(
        conference=conference, kind=kind, name=name.strip(), role=role.strip(), email=email.strip(),
        adult_id=adult_id, involvement_id=involvement_id, user_id=user_id,
        agency_id=agency_id if kind == Invitation.InviteeKind.PROFESSIONAL else None,
        direct_contact=direct_contact, created_by=actor,
    )
    _stamp(invitation, actor, "Invited")
    invitation.save()
    record_event(events.INVITED, actor=actor, subject=conference, payload={"invitation": str(invitation.public_id),
                                                                          "kind": kind})
    if conference.status == S.SCHEDULED:
        _open_report_deadlines(conference, actor, only=[invitation])
        _queue_invitation_emails(conference, [invitation])
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation, reason: str) -> Invitation:
    """Withdraw an invitation made in error: kept, marked, and the person's calendar entry cancelled."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.entered_in_error:
        return invitation
    if not reason.strip():
        raise ValidationError({"reason": "Say why the invitation is withdrawn"})
    invitation.entered_in_error_at, invitation.entered_in_error_by = timezone.now(), actor
    invitation.entered_in_error_reason = reason.strip()
    _stamp(invitation, actor, reason.strip())
    invitation.save()
    clock.deadlines_cancel_open(subject=invitation, reason="Invitation withdrawn", actor=actor)
    if invitation.sent_sequence >= 0:
        _queue_invitation_emails(invitation.conference, [invitation], method=InvitationEmail.Method.CANCEL)
    return invitation


@transaction.atomic
def invitation_set_attendance(*, actor: User, invitation: Invitation, attendance: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("conference").get(pk=invitation.pk)
    attendance = Invitation.Attendance(attendance)
    if invitation.conference.status not in (S.REQUESTED, S.SCHEDULED, S.HELD):
        raise ValidationError("Attendance can no longer be changed: the conference is decided")
    if invitation.attendance == attendance:
        return invitation
    invitation.attendance = attendance
    _stamp(invitation, actor, f"Attendance: {attendance.label}")
    invitation.save()
    record_event(events.ATTENDANCE, actor=actor, subject=invitation.conference,
                 payload={"invitation": str(invitation.public_id), "attendance": attendance})
    return invitation


@dataclass(frozen=True)
class Quorum:
    quorate: bool
    social_care_present: bool
    other_agencies: tuple[str, ...]
    needed: int

    @property
    def explanation(self) -> str:
        if self.quorate:
            return "Quorate: children's social care and " + ", ".join(self.other_agencies)
        missing = []
        if not self.social_care_present:
            missing.append("children's social care is not present")
        if len(self.other_agencies) < self.needed:
            missing.append(f"{len(self.other_agencies)} of the {self.needed} other agencies with direct contact "
                           "are present")
        return "Not quorate: " + "; ".join(missing)


def quorum(*, conference: Conference) -> Quorum:
    """Children's social care plus at least CONFERENCE_QUORUM_OTHER_AGENCIES other agencies that have had direct
    contact with the child or family, in attendance (local rule: Swindon, Sussex)."""
    present = (conference.invitations.filter(entered_in_error_at__isnull=True, kind=Invitation.InviteeKind.PROFESSIONAL,
                                             attendance=Invitation.Attendance.ATTENDED)
               .select_related("agency"))
    csc = any(i.agency_id == conference.child.local_authority_id for i in present)
    others = sorted({i.agency.name for i in present if i.agency_id != conference.child.local_authority_id
                     and i.direct_contact})
    needed = quorum_other_agencies()
    return Quorum(quorate=csc and len(others) >= needed, social_care_present=csc, other_agencies=tuple(others),
                  needed=needed)


# --- calendar invitations (outbox) ---------------------------------------------------------------
def _queue_invitation_emails(conference: Conference, invitations, method: str = InvitationEmail.Method.REQUEST):
    rows = []
    for inv in invitations:
        if not inv.email:
            continue
        rows.append(InvitationEmail(invitation=inv, sequence=conference.ics_sequence, method=method, to=inv.email))
    created = InvitationEmail.objects.bulk_create(rows, ignore_conflicts=True)
    ids = [inv.pk for inv in invitations if inv.email]
    if ids:
        Invitation.objects.filter(pk__in=ids).update(sent_sequence=conference.ics_sequence)
    if created:
        transaction.on_commit(partial(_send_after_commit, conference.pk))
    return created


def _send_after_commit(conference_id: int) -> None:
    from .invitations import send_pending

    send_pending(conference_id=conference_id)


# --- reports ------------------------------------------------------------------------------------
def _report_deadlines(conference: Conference):
    from django.contrib.contenttypes.models import ContentType

    inv_ids = list(conference.invitations.values_list("pk", flat=True))
    conf_ct = ContentType.objects.get_for_model(Conference)
    inv_ct = ContentType.objects.get_for_model(Invitation)
    return list(Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES).filter(
        Q(subject_type=inv_ct, subject_id__in=inv_ids, rule_key="conference_reports")
        | Q(subject_type=conf_ct, subject_id=conference.pk, rule_key="parents_report_share")))


def _open_report_deadlines(conference: Conference, actor, only=None) -> None:
    """Reports are due a local number of working days before the conference: one deadline per invited
    professional (so the reminders chase the person), and the social work report's sharing with parents."""
    day = timezone.localtime(conference.starts_at).date()
    invitations = only if only is not None else conference.invitations.filter(
        entered_in_error_at__isnull=True, kind=Invitation.InviteeKind.PROFESSIONAL)
    reported = set(conference.reports.filter(entered_in_error_at__isnull=True).values_list("agency_id", flat=True))
    for inv in invitations:
        if inv.kind != Invitation.InviteeKind.PROFESSIONAL or inv.agency_id in reported:
            continue
        clock.deadline_open(subject=inv, rule_key="conference_reports", anchor_date=day,
                            label=LABELS["conference_reports"], actor=actor, responsible_person=inv.user)
    sw = conference.child.allocated_social_worker
    if not conference.reports.filter(is_social_work_report=True, shared_with_parents_at__isnull=False).exists():
        clock.deadline_open(subject=conference, rule_key="parents_report_share", anchor_date=day,
                            label=LABELS["parents_report_share"], actor=actor, responsible_person=sw,
                            responsible_team=conference.child.allocated_team)


CANNOT_REPORT_FOR = "You cannot report for that agency on this conference"


@transaction.atomic
def report_submit(
    *, actor: User, conference: Conference, agency: Agency, summary: str, worries: str = "", strengths: str = "",
    recommendation: str = "", via: str = AgencyReport.Via.WEB, late_reason: str = "",
) -> AgencyReport:
    """An invited agency's report (or the local authority's social work report). Submitting again
    before the conference replaces the text; history keeps the earlier one."""
    conference = _lock(conference)
    if conference.status not in (S.REQUESTED, S.SCHEDULED):
        raise ValidationError("Reports are taken until the conference is held")
    if not summary.strip():
        raise ValidationError({"summary": "Enter the report"})
    is_sw = agency.pk == conference.child.local_authority_id
    invitation = conference.invitations.filter(entered_in_error_at__isnull=True, agency=agency).order_by("pk").first()
    if not is_sw and invitation is None:
        raise ValidationError({"agency": "This agency has not been invited to the conference"})
    # the same rule as the pages and the API: the actor must act for that agency on this conference
    if agency.pk not in {a.pk for a in report_policy.agencies_for(AccessContext.for_user(actor), conference)}:
        raise ValidationError({"agency": CANNOT_REPORT_FOR})
    fields = {"summary": summary.strip(), "worries": worries.strip(), "strengths": strengths.strip(),
              "recommendation": recommendation.strip()}
    report = conference.reports.select_for_update().filter(agency=agency, entered_in_error_at__isnull=True).first()
    if report and all(getattr(report, k) == v for k, v in fields.items()):
        return report
    if report is None:
        report = AgencyReport(conference=conference, agency=agency, invitation=invitation, author=actor,
                              is_social_work_report=is_sw, created_by=actor, submitted_at=timezone.now(), via=via,
                              **fields)
        reason = "Submitted"
    else:
        for k, v in fields.items():
            setattr(report, k, v)
        report.author, report.submitted_at, report.via = actor, timezone.now(), via
        reason = "Resubmitted"
    _stamp(report, actor, reason)
    report.save()
    for inv in conference.invitations.filter(agency=agency):
        clock.deadline_meet_open(subject=inv, rule_keys=("conference_reports",), met_on=_today(), actor=actor,
                                 late_reason=late_reason)
    record_event(events.REPORT_SUBMITTED, actor=actor, subject=conference,
                 payload={"agency": agency.pk, "via": via, "resubmitted": reason == "Resubmitted"})
    if conference.chair_id:
        notify(recipient=conference.chair, subject=f"Report received from {agency.name}",
               url=_url("conferences:reports", public_id=conference.public_id), email=False)
    return report


@transaction.atomic
def report_share_with_parents(*, actor: User, report: AgencyReport, shared_on: date | None = None,
                              late_reason: str = "") -> AgencyReport:
    report = AgencyReport.objects.select_for_update().select_related("conference").get(pk=report.pk)
    if not report.is_social_work_report:
        raise ValidationError("Only the social work report is shared with parents by the service")
    if report.shared_with_parents_at:
        return report
    shared_on = shared_on or _today()
    if shared_on > _today():
        raise ValidationError({"shared_on": "The date shared must be today or in the past"})
    report.shared_with_parents_at = timezone.make_aware(datetime.combine(shared_on, timezone.localtime().time()))
    report.shared_with_parents_by = actor
    _stamp(report, actor, "Shared with parents")
    report.save()
    clock.deadline_meet_open(subject=report.conference, rule_keys=("parents_report_share",), met_on=shared_on,
                             actor=actor, late_reason=late_reason)
    record_event(events.REPORT_SHARED, actor=actor, subject=report.conference,
                 payload={"shared_on": shared_on.isoformat()})
    return report


@dataclass(frozen=True)
class ReportStatus:
    agency: Agency
    invitees: tuple[str, ...]
    report: AgencyReport | None
    due_date: date | None


def reports_status(*, conference: Conference) -> list[ReportStatus]:
    """For the chair: every invited agency, whether it has reported, and when its report is due."""
    invitations = (conference.invitations.filter(entered_in_error_at__isnull=True,
                                                 kind=Invitation.InviteeKind.PROFESSIONAL)
                   .select_related("agency").order_by("agency__name", "name"))
    reports = {r.agency_id: r for r in conference.reports.filter(entered_in_error_at__isnull=True)}
    due = None
    if conference.starts_at:
        due = clock.compute_due("conference_reports", timezone.localtime(conference.starts_at).date())
    by_agency: dict[int, list[Invitation]] = {}
    for inv in invitations:
        by_agency.setdefault(inv.agency_id, []).append(inv)
    return [ReportStatus(agency=invs[0].agency, invitees=tuple(i.name for i in invs), report=reports.get(aid),
                         due_date=due) for aid, invs in by_agency.items()]


# --- the live record ----------------------------------------------------------------------------
class StaleSection(Exception):
    """Someone else saved this section since the caller last loaded it."""

    def __init__(self, section: str, text: str, revision: int):
        super().__init__(f"{section} changed (now revision {revision})")
        self.section, self.text, self.revision = section, text, revision


@transaction.atomic
def record_save_section(*, actor: User, conference: Conference, section: str, text: str,
                        base_revision: int) -> tuple[ConferenceRecord, int]:
    """Save one section of the live record. ``base_revision`` is the revision the text was edited from;
    if someone saved the section since, ``StaleSection`` carries their text (nothing is overwritten)."""
    if section not in ConferenceRecord.section_names():
        raise ValidationError({"section": "No such section"})
    conference = Conference.objects.select_related("child").get(pk=conference.pk)
    if conference.status not in (S.SCHEDULED, S.HELD):
        raise ValidationError("The record can be written only while the conference is booked or held, before "
                              "the decision")
    record = ConferenceRecord.objects.select_for_update().get(conference=conference)
    current = int(record.revisions.get(section, 0))
    if getattr(record, section) == text:
        return record, current
    if base_revision != current:
        raise StaleSection(section, getattr(record, section), current)
    setattr(record, section, text)
    record.revisions = {**record.revisions, section: current + 1}
    record.updated_by = actor
    _stamp(record, actor, f"Saved {section}")
    record.save()
    return record, current + 1


@transaction.atomic
def scaling_record(*, actor: User, conference: Conference, participant: str, score: int, reason: str = "",
                   invitation: Invitation | None = None) -> ScalingScore:
    conference = _lock(conference)
    if conference.status not in (S.SCHEDULED, S.HELD):
        raise ValidationError("Scaling is recorded during the conference")
    if not participant.strip():
        raise ValidationError({"participant": "Enter who gave the score"})
    whole = isinstance(score, int) and not isinstance(score, bool)
    if isinstance(score, str) and score.strip().isdigit():
        score, whole = int(score.strip()), True
    if not whole or not 0 <= score <= 10:
        raise ValidationError({"score": "The score must be a whole number from 0 to 10"})
    s = ScalingScore(conference=conference, participant=participant.strip(), score=int(score), reason=reason.strip(),
                     invitation=invitation, created_by=actor)
    _stamp(s, actor)
    s.save()
    record_event(events.SCALING, actor=actor, subject=conference, payload={"score": int(score)})
    return s


@transaction.atomic
def conference_hold(*, actor: User, conference: Conference, held_on: date, quorum_override_reason: str = "",
                    late_reason: str = "") -> Conference:
    """Record that the conference took place. Not quorate needs the chair's reason for going ahead.
    Meets the deadline it was held for (late needs a reason: the booking's, or one given now)."""
    conference = _lock(conference)
    if conference.status == S.HELD and conference.held_on == held_on:
        return conference
    _transition(conference, S.HELD)
    if held_on > _today():
        raise ValidationError({"held_on": "The date held must be today or in the past"})
    if held_on < timezone.localdate(conference.requested_at):
        raise ValidationError({"held_on": "The conference cannot have been held before it was requested"})
    q = quorum(conference=conference)
    if not q.quorate and not quorum_override_reason.strip():
        raise ValidationError({"quorum_override_reason": q.explanation + ". Record why the conference went ahead"})
    conference.held_on = held_on
    conference.quorate = q.quorate
    conference.quorum_override_reason = "" if q.quorate else quorum_override_reason.strip()
    reason = late_reason.strip() or conference.late_reason
    _stamp(conference, actor, "Held")
    conference.save()
    if conference.kind == Kind.REVIEW:
        clock.deadline_meet_open(subject=conference.plan, rule_keys=REVIEW_RULES, met_on=held_on, actor=actor,
                                 late_reason=reason)
    else:
        clock.deadline_meet_open(subject=conference, rule_keys=(DEADLINE_RULE_FOR_KIND[conference.kind],),
                                 met_on=held_on, actor=actor, late_reason=reason)
    # reports not in by the conference are no longer chased
    for d in _report_deadlines(conference):
        if d.rule_key == "conference_reports":
            clock.deadline_cancel(deadline=d, reason="The conference has been held", actor=actor)
    record_event(events.HELD, actor=actor, subject=conference, payload={"held_on": held_on.isoformat(),
                                                                       "quorate": q.quorate})
    if not q.quorate:
        record_event(events.QUORUM_OVERRIDDEN, actor=actor, subject=conference,
                     payload={"reason": conference.quorum_override_reason, "explanation": q.explanation})
    return conference


# --- decision and plan --------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionInput:
    description: str
    owner_name: str
    due_date: date
    owner_id: int | None = None


@dataclass(frozen=True)
class MemberInput:
    name: str
    role: str = ""
    user_id: int | None = None
    agency_id: int | None = None
    adult_id: int | None = None


ALLOWED_OUTCOMES = {True: (Outcome.PLAN, Outcome.NO_PLAN), False: (Outcome.CONTINUE, Outcome.END)}


@transaction.atomic
def conference_decide(
    *, actor: User, conference: Conference, outcome: str, category: str = "", next_step: str = "",
    end_reason: str = "", rationale: str = "", lead_social_worker: User | None = None,
    core_group: list[MemberInput] | tuple = (), actions: list[ActionInput] | tuple = (),
) -> Decision:
    """The chair's decision. Initial, pre-birth and transfer-in conferences decide plan (category, lead
    social worker, core group, outline plan) or no plan (next step); a review decides continue (the
    category may change, kept in history) or end (a reason from the criteria, and the next step)."""
    conference = _lock(conference)
    if conference.status == S.DECIDED:
        return conference.decision
    if conference.chair_id != actor.pk:
        raise ValidationError("Only the conference's chair records its decision")
    _transition(conference, S.DECIDED)
    outcome = Outcome(outcome)
    errors: dict[str, str] = {}
    if outcome not in ALLOWED_OUTCOMES[conference.is_initial_kind]:
        allowed = " or ".join(o.label.lower() for o in ALLOWED_OUTCOMES[conference.is_initial_kind])
        errors["outcome"] = f"This conference decides {allowed}"
    if category and category not in Category.values:
        errors["category"] = "Choose a category of abuse or neglect from the list (NEG, PHY, EMO, SAB or MUL)"
    if outcome == Outcome.PLAN:
        if not category:
            errors["category"] = "Choose the category of abuse or neglect"
        if lead_social_worker is None:
            errors["lead_social_worker"] = "Choose the lead social worker"
        if not actions:
            errors["actions"] = "Add at least one action to the outline plan"
    if outcome in (Outcome.NO_PLAN, Outcome.END) and not next_step:
        errors["next_step"] = "Choose the next step"
    if outcome == Outcome.END and not end_reason:
        errors["end_reason"] = "Choose why the plan is ending"
    for i, a in enumerate(actions):
        if not a.description.strip() or not a.owner_name.strip() or a.due_date is None:
            errors["actions"] = f"Action {i + 1}: enter what will be done, by whom and by when"
    if errors:
        raise ValidationError(errors)
    held_on = conference.held_on
    decision = Decision(conference=conference, outcome=outcome, category=category if outcome in (
        Outcome.PLAN, Outcome.CONTINUE) else "", next_step=NextStep(next_step) if next_step else "",
        end_reason=EndReason(end_reason) if outcome == Outcome.END else "", rationale=rationale.strip(),
        decided_by=actor, decided_at=timezone.now())
    _stamp(decision, actor)
    decision.save()
    plan = conference.plan
    child = conference.child
    team = child.allocated_team
    if outcome == Outcome.PLAN:
        previous = ChildProtectionPlan.objects.filter(child=child, status=ChildProtectionPlan.Status.ENDED,
                                                      entered_in_error_at__isnull=True).count()
        plan = ChildProtectionPlan(child=child, started_on=held_on, initial_category=category,
                                   latest_category=category, lead_social_worker=lead_social_worker,
                                   previous_plans=previous, created_by=actor)
        _stamp(plan, actor, "Plan made by conference")
        plan.save()
        conference.plan = plan
        record_event(events.PLAN_STARTED, actor=actor, subject=plan, payload={"category": category,
                                                                             "previous_plans": previous})
        clock.deadline_open(subject=plan, rule_key="core_group_first", anchor_date=held_on,
                            label=LABELS["core_group_first"], actor=actor, responsible_person=lead_social_worker,
                            responsible_team=team)
        clock.deadline_open(subject=plan, rule_key="rcpc_first", anchor_date=held_on, label=LABELS["rcpc_first"],
                            actor=actor, responsible_person=conference.chair, responsible_team=team)
    elif outcome == Outcome.CONTINUE:
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if category and category != plan.latest_category:
            CategoryChange.objects.create(plan=plan, conference=conference, from_category=plan.latest_category,
                                          to_category=category, changed_on=held_on, changed_by=actor)
            record_event(events.PLAN_CATEGORY_CHANGED, actor=actor, subject=plan,
                         payload={"from": plan.latest_category, "to": category})
            plan.latest_category = category
            _stamp(plan, actor, "Category changed at review conference")
            plan.save()
        if not decision.category:
            decision.category = plan.latest_category
            decision.save(update_fields=["category"])
        if lead_social_worker and lead_social_worker.pk != plan.lead_social_worker_id:
            plan.lead_social_worker = lead_social_worker
            _stamp(plan, actor, "Lead social worker changed at review conference")
            plan.save()
        clock.deadline_open(subject=plan, rule_key="rcpc_next", anchor_date=held_on, label=LABELS["rcpc_next"],
                            actor=actor, responsible_person=conference.chair, responsible_team=team)
    elif outcome == Outcome.END:
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.status, plan.ended_on, plan.end_reason = ChildProtectionPlan.Status.ENDED, held_on, end_reason
        _stamp(plan, actor, f"Ended: {EndReason(end_reason).label}")
        plan.save()
        clock.deadlines_cancel_open(subject=plan, reason="The plan has ended", actor=actor)
        record_event(events.PLAN_ENDED, actor=actor, subject=plan, payload={"reason": end_reason})
    if plan is not None and outcome in (Outcome.PLAN, Outcome.CONTINUE):
        for m in core_group:
            _core_group_add(plan, m, actor)
        for a in actions:
            pa = PlanAction(plan=plan, description=a.description.strip(), owner_name=a.owner_name.strip(),
                            owner_id=a.owner_id, due_date=a.due_date, created_by=actor)
            _stamp(pa, actor, "Outline plan")
            pa.save()
    _stamp(conference, actor, "Decided")
    conference.save()
    clock.deadline_open(subject=conference, rule_key="outline_plan", anchor_date=held_on,
                        label=LABELS["outline_plan"], actor=actor, responsible_person=conference.chair)
    clock.deadline_open(subject=conference, rule_key="conference_minutes", anchor_date=held_on,
                        label=LABELS["conference_minutes"], actor=actor, responsible_person=conference.chair)
    record_event(events.DECIDED, actor=actor, subject=conference, payload={
        "outcome": outcome, "category": decision.category, "next_step": next_step, "end_reason": end_reason})
    minutes_draft(actor=actor, conference=conference)
    return decision


def _core_group_add(plan: ChildProtectionPlan, m: MemberInput, actor) -> CoreGroupMember:
    live = plan.core_group.filter(entered_in_error_at__isnull=True)
    if m.user_id and live.filter(user_id=m.user_id).exists():
        return live.get(user_id=m.user_id)
    if m.adult_id and live.filter(adult_id=m.adult_id).exists():
        return live.get(adult_id=m.adult_id)
    member = CoreGroupMember(plan=plan, name=m.name.strip(), role=m.role.strip(), user_id=m.user_id,
                             agency_id=m.agency_id, adult_id=m.adult_id, created_by=actor)
    _stamp(member, actor, "Core group member")
    member.save()
    return member


@transaction.atomic
def core_group_member_add(*, actor: User, plan: ChildProtectionPlan, member: MemberInput) -> CoreGroupMember:
    if not member.name.strip():
        raise ValidationError({"name": "Enter the member's name"})
    return _core_group_add(plan, member, actor)


@transaction.atomic
def plan_action_add(*, actor: User, plan: ChildProtectionPlan, action: ActionInput) -> PlanAction:
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ChildProtectionPlan.Status.ACTIVE:
        raise ValidationError("The plan has ended")
    errors = {}
    if not action.description.strip():
        errors["description"] = "Enter what will be done"
    if not action.owner_name.strip():
        errors["owner_name"] = "Enter who will do it"
    if action.due_date is None:
        errors["due_date"] = "Enter the date it is due by"
    if errors:
        raise ValidationError(errors)
    pa = PlanAction(plan=plan, description=action.description.strip(), owner_name=action.owner_name.strip(),
                    owner_id=action.owner_id, due_date=action.due_date, created_by=actor)
    _stamp(pa, actor, "Added")
    pa.save()
    return pa


@transaction.atomic
def plan_action_update(*, actor: User, action: PlanAction, progress: str, note: str = "") -> PlanAction:
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    progress = PlanAction.Progress(progress)
    if (action.progress, action.progress_note) == (progress, note.strip()):
        return action
    action.progress, action.progress_note = progress, note.strip()
    _stamp(action, actor, f"Progress: {progress.label}")
    action.save()
    record_event(events.PLAN_ACTION_UPDATED, actor=actor, subject=action.plan, payload={
        "action": str(action.public_id), "progress": progress})
    return action


@transaction.atomic
def core_group_meeting_record(
    *, actor: User, plan: ChildProtectionPlan, held_on: date, progress: str, attendee_ids: list[int] | tuple = (),
    next_meeting_on: date | None = None, late_reason: str = "",
) -> CoreGroupMeeting:
    """Record a core group meeting. The first one meets the plan's ``core_group_first`` deadline."""
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ChildProtectionPlan.Status.ACTIVE:
        raise ValidationError("The plan has ended: core group meetings are recorded only while it is active")
    errors = {}
    if held_on > _today():
        errors["held_on"] = "The date of the meeting must be today or in the past"
    elif held_on < plan.started_on:
        errors["held_on"] = "The meeting cannot be before the plan started"
    if not progress.strip():
        errors["progress"] = "Record the progress on the plan's actions"
    if next_meeting_on and next_meeting_on <= held_on:
        errors["next_meeting_on"] = "The next meeting must be after this one"
    if errors:
        raise ValidationError(errors)
    meeting = CoreGroupMeeting(plan=plan, held_on=held_on, progress=progress.strip(), next_meeting_on=next_meeting_on,
                               recorded_by=actor, created_by=actor)
    _stamp(meeting, actor)
    meeting.save()
    members = plan.core_group.filter(pk__in=attendee_ids, entered_in_error_at__isnull=True)
    meeting.attendees.set(members)
    clock.deadline_meet_open(subject=plan, rule_keys=("core_group_first",), met_on=held_on, actor=actor,
                             late_reason=late_reason)
    record_event(events.CORE_GROUP_MET, actor=actor, subject=plan, payload={"held_on": held_on.isoformat()})
    return meeting


@transaction.atomic
def midway_audit_record(
    *, actor: User, plan: ChildProtectionPlan, audited_on: date, progress: str, concerns: str = "",
    escalation_raised: bool = False, escalation_detail: str = "",
) -> MidwayAudit:
    """The chair's audit between conferences. An escalation tells the child's team managers."""
    errors = {}
    if not progress.strip():
        errors["progress"] = "Record the progress you found"
    if escalation_raised and not escalation_detail.strip():
        errors["escalation_detail"] = "Say what you escalated and to whom"
    if audited_on > _today():
        errors["audited_on"] = "The audit date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    audit = MidwayAudit(plan=plan, chair=actor, audited_on=audited_on, progress=progress.strip(),
                        concerns=concerns.strip(), escalation_raised=escalation_raised,
                        escalation_detail=escalation_detail.strip() if escalation_raised else "", created_by=actor)
    _stamp(audit, actor)
    audit.save()
    record_event(events.MIDWAY_AUDIT, actor=actor, subject=plan, payload={"escalation": escalation_raised})
    team = plan.child.allocated_team
    if team is not None:
        managers = (Membership.objects.filter(team=team, is_active=True, user__is_active=True,
                                              roles__contains=[Role.TEAM_MANAGER])
                    .values_list("user_id", flat=True).distinct())
        subject = "Chair's mid-way audit: escalation raised" if escalation_raised else "Chair's mid-way audit recorded"
        notify_many([(uid, subject, "", _url("conferences:plan", public_id=plan.public_id)) for uid in managers],
                    email=escalation_raised)
    return audit


# --- minutes --------------------------------------------------------------------------------------
def _section(key: str, heading: str, body: str, confidential: bool = False) -> dict:
    return {"key": key, "heading": heading, "body": body, "confidential": confidential}


def minutes_sections_from_record(conference: Conference) -> list[dict]:
    """The first draft: the record, attendance, scaling, reports received, the decision and plan."""
    record = conference.record
    invitations = conference.invitations.filter(entered_in_error_at__isnull=True).order_by("kind", "name")
    attendance = "\n".join(f"{i.name}, {i.role or i.get_kind_display()}: {i.get_attendance_display()}"
                           for i in invitations)
    sections = [_section("attendance", "Attendance", attendance)]
    if conference.quorate is False:
        sections.append(_section("quorum", "Quorum", "The conference was not quorate. The chair went ahead because: "
                                 + conference.quorum_override_reason))
    for name, heading in ConferenceRecord.SECTIONS:
        sections.append(_section(name, heading, getattr(record, name),
                                 confidential=name in ConferenceRecord.CONFIDENTIAL_SECTIONS))
    scores = conference.scaling_scores.filter(entered_in_error_at__isnull=True)
    if scores:
        sections.append(_section("scaling", "Scaling (0 to 10)", "\n".join(
            f"{s.participant}: {s.score}" + (f" ({s.reason})" if s.reason else "") for s in scores)))
    reports = conference.reports.filter(entered_in_error_at__isnull=True).select_related("agency")
    if reports:
        sections.append(_section("reports", "Reports received", "\n".join(
            f"{r.agency.name}: received {timezone.localtime(r.submitted_at):%-d %B %Y}" for r in reports)))
    decision = getattr(conference, "decision", None)
    if decision:
        lines = [f"Decision: {decision.get_outcome_display()}"]
        if decision.category:
            lines.append(f"Category: {decision.get_category_display()} ({decision.category})")
        if decision.end_reason:
            lines.append(f"Reason for ending the plan: {decision.get_end_reason_display()}")
        if decision.next_step:
            lines.append(f"Next step: {decision.get_next_step_display()}")
        if decision.rationale:
            lines.append(decision.rationale)
        sections.append(_section("decision", "Decision", "\n".join(lines)))
        if conference.plan_id and decision.outcome in (Outcome.PLAN, Outcome.CONTINUE):
            plan = conference.plan
            sections.append(_section("outline_plan", "Outline plan", "\n".join(
                f"{a.description} (by {a.owner_name}, due {a.due_date:%-d %B %Y})"
                for a in plan.actions.filter(entered_in_error_at__isnull=True))))
            sections.append(_section("core_group", "Core group", "\n".join(
                str(m) for m in plan.core_group.filter(entered_in_error_at__isnull=True))))
    return sections


@transaction.atomic
def minutes_draft(*, actor: User, conference: Conference) -> Minutes:
    existing = conference.minutes.filter(status=Minutes.Status.DRAFT).first()
    if existing or conference.minutes.exists():
        return existing or conference.minutes.first()
    minutes = Minutes(conference=conference, version=1, sections=minutes_sections_from_record(conference),
                      created_by=actor)
    _stamp(minutes, actor, "Drafted from the record")
    minutes.save()
    record_event(events.MINUTES_DRAFTED, actor=actor, subject=conference, payload={"version": 1})
    return minutes


def _clean_sections(sections) -> list[dict]:
    if not isinstance(sections, list) or not sections:
        raise ValidationError({"sections": "The minutes need at least one section"})
    out, errors = [], []
    for i, s in enumerate(sections):
        if not isinstance(s, dict):
            raise ValidationError({"sections": f"Section {i + 1} is not valid"})
        heading = str(s.get("heading", "")).strip()
        if not heading:
            errors.append(f"Section {i + 1} needs a heading")
        out.append(_section(str(s.get("key") or f"section_{i + 1}"), heading, str(s.get("body", "")),
                            bool(s.get("confidential", False))))
    if errors:
        raise ValidationError({"sections": errors})
    return out


@transaction.atomic
def minutes_edit(*, actor: User, minutes: Minutes, sections: list[dict]) -> Minutes:
    minutes = Minutes.objects.select_for_update().select_related("conference").get(pk=minutes.pk)
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError("Signed minutes are never changed: start a new version with a reason")
    sections = _clean_sections(sections)
    if sections == minutes.sections:
        return minutes
    minutes.sections = sections
    _stamp(minutes, actor, "Edited")
    minutes.save()
    record_event(events.MINUTES_EDITED, actor=actor, subject=minutes.conference, payload={"version": minutes.version})
    return minutes


@transaction.atomic
def minutes_revise(*, actor: User, conference: Conference, reason: str) -> Minutes:
    """Start a new version of signed minutes. The signed version and its PDFs stay as they were."""
    conference = _lock(conference)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signed minutes need changing"})
    if conference.minutes.filter(status=Minutes.Status.DRAFT).exists():
        raise ValidationError("A new version is already being drafted")
    latest = conference.minutes.order_by("-version").first()
    if latest is None:
        raise ValidationError("There are no minutes yet")
    minutes = Minutes(conference=conference, version=latest.version + 1, sections=latest.sections,
                      change_reason=reason.strip(), created_by=actor)
    _stamp(minutes, actor, reason.strip())
    minutes.save()
    record_event(events.MINUTES_DRAFTED, actor=actor, subject=conference,
                 payload={"version": minutes.version, "reason": reason.strip()})
    return minutes


@transaction.atomic
def minutes_sign(*, actor: User, minutes: Minutes) -> Minutes:
    """The chair signs the draft off: it is frozen and published as two PDFs, the professional copy and
    the family copy (confidential sections absent)."""
    minutes = Minutes.objects.select_for_update().select_related("conference__child").get(pk=minutes.pk)
    if minutes.status == Minutes.Status.SIGNED:
        return minutes
    if minutes.conference.chair_id != actor.pk:
        raise ValidationError("Only the conference's chair signs the minutes off")
    minutes.status, minutes.signed_by, minutes.signed_at = Minutes.Status.SIGNED, actor, timezone.now()
    _stamp(minutes, actor, "Signed off")
    minutes.save()
    from . import documents

    for copy in (Document.Copy.PROFESSIONAL, Document.Copy.FAMILY):
        _document_store(actor, minutes.conference, Document.Kind.MINUTES, copy, minutes.version,
                        documents.render_minutes(minutes, copy), minutes=minutes)
    record_event(events.MINUTES_SIGNED, actor=actor, subject=minutes.conference, payload={"version": minutes.version})
    return minutes


def _document_store(actor, conference, kind, copy, version, content: bytes, minutes=None) -> Document:
    name = f"{conference.child.local_child_id}-{kind}-v{version}-{copy}.pdf".replace("_", "-")
    doc = Document(conference=conference, kind=kind, copy=copy, version=version, minutes=minutes, filename=name,
                   content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_by=actor)
    _stamp(doc, actor, "Published")
    doc.save()
    record_event(events.DOCUMENT_PUBLISHED, actor=actor, subject=conference,
                 payload={"kind": kind, "copy": copy, "version": version, "sha256": doc.sha256})
    return doc


@transaction.atomic
def decision_letter_publish(*, actor: User, conference: Conference) -> list[Document]:
    """Publish the decision letter and outline plan (a professional and a family copy). Publishing
    again after a change makes a new version."""
    conference = _lock(conference)
    if conference.status != S.DECIDED:
        raise ValidationError("The decision letter is published after the decision")
    from . import documents

    latest = conference.documents.filter(kind=Document.Kind.DECISION_LETTER).order_by("-version").first()
    version = latest.version + 1 if latest else 1
    return [_document_store(actor, conference, Document.Kind.DECISION_LETTER, copy, version,
                            documents.render_decision_letter(conference, copy))
            for copy in (Document.Copy.PROFESSIONAL, Document.Copy.FAMILY)]


@transaction.atomic
def documents_distribute(
    *, actor: User, conference: Conference, kind: str, invitations, method: str, sent_on: date | None = None,
    late_reason: str = "",
) -> list[Distribution]:
    """Send the latest published ``kind`` to invitees: family members always get the family copy,
    professionals the professional copy. The first sending of the minutes (or the decision letter)
    meets its deadline. Account holders are notified with a download link."""
    conference = _lock(conference)
    kind = Document.Kind(kind)
    method = Distribution.Method(method)
    sent_on = sent_on or _today()
    if sent_on > _today():
        raise ValidationError({"sent_on": "The date sent must be today or in the past"})
    invitations = list(invitations)
    if not invitations:
        raise ValidationError({"recipients": "Choose who the document is sent to"})
    latest = {}
    for copy in Document.Copy.values:
        latest[copy] = conference.documents.filter(kind=kind, copy=copy, entered_in_error_at__isnull=True) \
            .order_by("-version").first()
    if not all(latest.values()):
        raise ValidationError(f"The {kind.label.lower()} has not been published yet")
    out = []
    for inv in invitations:
        if inv.conference_id != conference.pk or inv.entered_in_error:
            raise ValidationError({"recipients": "Recipients must be invitees of this conference"})
        if method == Distribution.Method.IN_APP and inv.user_id is None and not (
                inv.agency_id and inv.agency.kind != AgencyKind.LOCAL_AUTHORITY):
            raise ValidationError({"method": f"{inv.name} has no account: choose secure email, post or by hand"})
        doc = latest[Document.Copy.FAMILY if inv.is_family else Document.Copy.PROFESSIONAL]
        if doc.distributions.filter(invitation=inv, entered_in_error_at__isnull=True).exists():
            continue
        d = Distribution(document=doc, invitation=inv, recipient_name=inv.name,
                         recipient_role=inv.role or inv.get_kind_display(), agency_id=inv.agency_id,
                         user_id=inv.user_id, is_family=inv.is_family, method=method, sent_on=sent_on, sent_by=actor,
                         created_by=actor)
        if d.is_family and doc.copy != Document.Copy.FAMILY:  # parents' copies are only ever the family version
            raise AssertionError("a family invitee must only ever be sent the family copy")
        _stamp(d, actor, "Sent")
        d.save()
        out.append(d)
    rule = "conference_minutes" if kind == Document.Kind.MINUTES else "outline_plan"
    if out:
        clock.deadline_meet_open(subject=conference, rule_keys=(rule,), met_on=sent_on, actor=actor,
                                 late_reason=late_reason)
        record_event(events.DOCUMENT_DISTRIBUTED, actor=actor, subject=conference, payload={
            "kind": kind, "method": method, "recipients": [str(d.invitation.public_id) for d in out]})
        url = _url("conferences:documents", public_id=conference.public_id)
        notify_many([(d.user_id, f"{kind.label} sent to you", "Download it from Safeguarding Hub.", url)
                     for d in out if d.user_id])
    return out


def document_download_log(*, actor: User, document: Document, via: str) -> None:
    record_event(events.DOCUMENT_DOWNLOADED, actor=actor, subject=document.conference,
                 payload={"document": str(document.public_id), "copy": document.copy, "via": via})
