"""Meetings of a case (allegations management meetings or strategy discussions, review meetings, the outcome
meeting): booked with their invitees (the LADO, the employer, the police, children's social care, the
regulator, anyone by address), each sent a calendar invitation through the outbox; moved (a new invitation,
the next SEQUENCE), cancelled (a cancellation), an invitee added or withdrawn; held, with who came and what
it decided."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.records import stamp

from .. import calendar, events
from ..models import LadoCase, Meeting, MeetingInvitee
from ._common import _text
from .casework import _lock_case, _work

Status = Meeting.Status


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (Meeting.objects.select_for_update(of=("self",)).select_related("case__referral")
            .get(pk=meeting.pk))


def _when(starts_at: datetime | None, ends_at: datetime | None, venue: str, online_link: str, errors: dict) -> None:
    if starts_at is None:
        errors["starts_at"] = "Enter when the meeting starts"
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The meeting must end after it starts"
    if not venue.strip() and not online_link.strip():
        errors["venue"] = "Enter where the meeting is, or a link to join it online"


def _invitee(row: dict, i: int, errors: dict) -> dict | None:
    email = (row.get("email") or "").strip().lower()
    name = (row.get("name") or "").strip()
    if not email and not name:
        return None
    try:
        validate_email(email)
    except ValidationError:
        errors[f"invitees-{i}"] = f"Enter an email address for {name or 'each person invited'}"
        return None
    role = row.get("role") or MeetingInvitee.Role.OTHER
    if role not in MeetingInvitee.Role.values:
        role = MeetingInvitee.Role.OTHER
    user = row.get("user") if isinstance(row.get("user"), User) else None
    return {"email": email, "name": name or email, "role": role, "user": user}


@transaction.atomic
def meeting_book(*, actor: User, case: LadoCase, kind: str, starts_at: datetime, venue: str = "",
                 online_link: str = "", ends_at: datetime | None = None, invitees: list[dict]) -> Meeting:
    """Book a meeting of an open case and send each invitee a calendar invitation (by the case's reference)."""
    case = _lock_case(case)
    _work(actor, case, "book a meeting for this case")
    if case.status != LadoCase.Status.OPEN:
        raise ValidationError("Meetings are for an open case (evaluated, the threshold met)")
    errors: dict[str, str] = {}
    if kind not in Meeting.Kind.values:
        errors["kind"] = "Select the kind of meeting"
    _when(starts_at, ends_at, venue, online_link, errors)
    rows, seen = [], set()
    for i, row in enumerate(invitees):
        clean = _invitee(row, i, errors)
        if clean and clean["email"] not in seen:
            seen.add(clean["email"])
            rows.append(clean)
    if not rows and not errors:
        errors["invitees"] = "Invite at least one person"
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(case=case, kind=kind, starts_at=starts_at, ends_at=ends_at, venue=venue.strip(),
                      online_link=online_link.strip(), created_by=actor)
    stamp(meeting, actor, "Meeting booked")
    meeting.save()
    people = MeetingInvitee.objects.bulk_create([MeetingInvitee(meeting=meeting, created_by=actor, **r) for r in rows])
    calendar.queue_emails(meeting, people)
    record_event(events.MEETING_BOOKED, actor=actor, subject=case, payload={
        "meeting": meeting.pk, "kind": kind, "starts_at": starts_at.isoformat(), "invitees": len(people)})
    return meeting


def _live_invitees(meeting: Meeting):
    return MeetingInvitee.objects.live().filter(meeting=meeting, withdrawn_at__isnull=True)


@transaction.atomic
def meeting_move(*, actor: User, meeting: Meeting, starts_at: datetime, venue: str = "", online_link: str = "",
                 ends_at: datetime | None = None, reason: str) -> Meeting:
    """A new time or place: every invitee gets the updated invitation (the next SEQUENCE). The same time and
    place changes nothing."""
    meeting = _lock_meeting(meeting)
    _work(actor, meeting.case, "move this meeting")
    if meeting.status != Status.BOOKED:
        raise ValidationError("Only a booked meeting can be moved")
    if (starts_at, ends_at, venue.strip(), online_link.strip()) == (meeting.starts_at, meeting.ends_at, meeting.venue,
                                                                    meeting.online_link):
        return meeting
    errors: dict[str, str] = {}
    _when(starts_at, ends_at, venue, online_link, errors)
    _text({"reason": reason}, "reason", "why the meeting is moving", errors)
    if errors:
        raise ValidationError(errors)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.venue, meeting.online_link = venue.strip(), online_link.strip()
    meeting.ics_sequence += 1
    stamp(meeting, actor, reason.strip())
    meeting.save()
    calendar.queue_emails(meeting, _live_invitees(meeting))
    record_event(events.MEETING_MOVED, actor=actor, subject=meeting.case, payload={
        "meeting": meeting.pk, "starts_at": starts_at.isoformat(), "reason": reason.strip()})
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a booked meeting: every invitee's calendar entry is cancelled."""
    meeting = _lock_meeting(meeting)
    _work(actor, meeting.case, "cancel this meeting")
    if meeting.status == Status.CANCELLED:
        return meeting
    if meeting.status != Status.BOOKED:
        raise ValidationError("A meeting that was held cannot be cancelled")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the meeting is cancelled"})
    meeting.status, meeting.cancelled_reason = Status.CANCELLED, reason.strip()
    meeting.ics_sequence += 1
    stamp(meeting, actor, reason.strip())
    meeting.save()
    calendar.queue_emails(meeting, _live_invitees(meeting), method=calendar.CANCEL)
    record_event(events.MEETING_CANCELLED, actor=actor, subject=meeting.case,
                 payload={"meeting": meeting.pk, "reason": reason.strip()})
    return meeting


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, attended: list[int], notes: str) -> Meeting:
    """The meeting was held: who of the invitees came (by invitee id) and what it decided. Once, after it
    started."""
    meeting = _lock_meeting(meeting)
    _work(actor, meeting.case, "record this meeting")
    if meeting.status == Status.HELD:
        return meeting
    if meeting.status != Status.BOOKED:
        raise ValidationError("This meeting was cancelled")
    if meeting.starts_at > timezone.now():
        raise ValidationError("The meeting has not started yet")
    if not notes.strip():
        raise ValidationError({"notes": "Enter what the meeting decided"})
    people = list(_live_invitees(meeting))
    came = set(attended)
    for person in people:
        person.attended = person.pk in came
        stamp(person, actor, "Attendance")
    MeetingInvitee.objects.bulk_update(people, ["attended"])
    meeting.status, meeting.notes = Status.HELD, notes.strip()
    stamp(meeting, actor, "Meeting held")
    meeting.save(update_fields=["status", "notes"])
    record_event(events.MEETING_HELD, actor=actor, subject=meeting.case, payload={
        "meeting": meeting.pk, "attended": sorted(p.pk for p in people if p.attended)})
    return meeting


@transaction.atomic
def meeting_invitee_withdraw(*, actor: User, invitee: MeetingInvitee) -> MeetingInvitee:
    """No longer invited: their calendar entry is cancelled."""
    invitee = MeetingInvitee.objects.select_for_update(of=("self",)).select_related("meeting__case__referral") \
        .get(pk=invitee.pk)
    _work(actor, invitee.meeting.case, "withdraw this invitation")
    if invitee.withdrawn_at is not None:
        return invitee
    invitee.withdrawn_at = timezone.now()
    stamp(invitee, actor, "Invitation withdrawn")
    invitee.save(update_fields=["withdrawn_at"])
    if invitee.meeting.status == Status.BOOKED:
        calendar.queue_emails(invitee.meeting, [invitee], method=calendar.CANCEL)
    return invitee
