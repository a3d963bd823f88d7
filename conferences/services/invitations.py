"""Invitations: add (one, or several at once), withdraw, attendance (one or several), and the calendar
invitations they queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..invitations import CANCEL, REQUEST, queue_emails
from ..models import Conference, Invitation
from ..selectors.invitations import ProposedInvitee
from ._common import S, _lock
from .reports import _open_report_deadlines


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
    email = email.strip()
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the invitee's name"
    if email:
        # the address goes into an email header and a calendar file: one address, nothing else
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address like name@example.org"
    if kind == Invitation.InviteeKind.PROFESSIONAL and not agency_id:
        errors["agency"] = "Choose the professional's agency"
    if errors:
        raise ValidationError(errors)
    live = conference.invitations.live()
    for field, value in (("adult_id", adult_id), ("involvement_id", involvement_id), ("user_id", user_id)):
        if value:
            existing = live.filter(**{field: value}).first()
            if existing:
                return existing
    if involvement_id:
        involvement = conference.child.involvements.filter(pk=involvement_id).first()
        if involvement is None:
            raise ValidationError({"involvement": "That involvement is not this child's"})
        # the involvement's named professional is the invitee: adding them later by account is the same person
        user_id = user_id or involvement.professional_id
        existing = live.filter(user_id=user_id).first() if user_id else None
        if existing:
            return existing
    invitation = Invitation(
        conference=conference, kind=kind, name=name.strip(), role=role.strip(), email=email,
        adult_id=adult_id, involvement_id=involvement_id, user_id=user_id,
        agency_id=agency_id if kind == Invitation.InviteeKind.PROFESSIONAL else None,
        direct_contact=direct_contact, created_by=actor,
    )
    stamp(invitation, actor, "Invited")
    invitation.save()
    record_event(events.INVITED, actor=actor, subject=conference, payload={"invitation": str(invitation.public_id),
                                                                          "kind": kind})
    if conference.status == S.SCHEDULED:
        _open_report_deadlines(conference, actor, only=[invitation])
        _queue_invitation_emails(conference, [invitation])
    return invitation



@transaction.atomic
def invitations_add(*, actor: User, conference: Conference, invitees: Iterable[ProposedInvitee]) -> list[Invitation]:
    """Invite several people at once (the invitees proposed from the child's record, say): all of them or
    none. Each goes through :func:`invitation_add` (its validation, its event, its calendar email); the
    first that fails rolls the others back and its ``ValidationError`` reaches the caller. Returns each
    invitee's invitation, in order (one already invited keeps the one they have)."""
    invitees = list(invitees)
    if not invitees:
        return []
    conference = _lock(conference)
    return [invitation_add(actor=actor, conference=conference, kind=p.kind, name=p.name, role=p.role,
                           email=p.email, adult_id=p.adult_id, involvement_id=p.involvement_id,
                           user_id=p.user_id, agency_id=p.agency_id)
            for p in invitees]


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
    stamp(invitation, actor, reason.strip())
    invitation.save()
    clock.deadlines_cancel_open(subject=invitation, reason="Invitation withdrawn", actor=actor)
    if invitation.sent_sequence >= 0:
        _queue_invitation_emails(invitation.conference, [invitation], method=CANCEL)
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
    stamp(invitation, actor, f"Attendance: {attendance.label}")
    invitation.save()
    record_event(events.ATTENDANCE, actor=actor, subject=invitation.conference,
                 payload={"invitation": str(invitation.public_id), "attendance": attendance})
    return invitation


@transaction.atomic
def invitations_set_attendance(*, actor: User, conference: Conference,
                               changes: Iterable[tuple[Invitation, str]]) -> list[Invitation]:
    """Record several invitees' attendance at once: every one or none. Each change is (invitation, attendance)
    and goes through :func:`invitation_set_attendance` (its validation, its event; no change, no event); an
    invitation of another conference is refused. Returns the invitations, as saved."""
    changes = list(changes)
    if not changes:
        return []
    conference = _lock(conference)
    if any(invitation.conference_id != conference.pk for invitation, _attendance in changes):
        raise ValidationError("An invitation is not to this conference")
    return [invitation_set_attendance(actor=actor, invitation=invitation, attendance=attendance)
            for invitation, attendance in changes]


# --- calendar invitations (the kernel outbox, ADR 8) ---------------------------------------------
def _queue_invitation_emails(conference: Conference, invitations, method: str = REQUEST):
    """One calendar email per invitee with an address, in the caller's transaction, through the kernel's
    one outbox (``conferences.invitations.queue_emails``); sent after commit. Returns the rows written.
    Nothing writes ``InvitationEmail`` any more (kept as history)."""
    return queue_emails(conference, invitations, method)
