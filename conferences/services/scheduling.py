"""Booking a conference: allocate a chair and a date, reschedule, cancel."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from .. import events
from ..invitations import CANCEL
from ..models import Conference
from ..selectors.scheduling import due_deadline, eligible_chairs
from ._common import S, _lock, _transition, _url
from .invitations import _queue_invitation_emails
from .reports import _open_report_deadlines, _report_deadlines


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
    clash = Conference.objects.live().filter(
        chair=chair, status__in=[S.SCHEDULED, S.HELD],
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
    stamp(conference, actor, "Scheduled")
    _save_booking(conference)
    record_event(events.SCHEDULED, actor=actor, subject=conference, payload={
        "chair": chair.pk, "starts_at": starts_at.isoformat(), "late_reason": conference.late_reason})
    kind = conference.get_kind_display().lower()
    notify(recipient=chair, subject=f"You are chairing {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
           body=f"On {timezone.localtime(starts_at):%-d %B %Y at %H:%M}.",
           url=_url("conferences:detail", public_id=conference.public_id), about=conference)
    _open_report_deadlines(conference, actor)
    _queue_invitation_emails(conference, conference.invitations.live())
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
    stamp(conference, actor, reason.strip())
    _save_booking(conference)
    new_date = timezone.localtime(starts_at).date()
    if new_date != old_date:
        for d in _report_deadlines(conference):
            clock.deadline_recompute(deadline=d, reason="Conference rescheduled", actor=actor, anchor_date=new_date)
    if chair.pk != old["chair"]:
        kind = conference.get_kind_display().lower()
        notify(recipient=chair, subject=f"You are chairing {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
               body=f"On {timezone.localtime(starts_at):%-d %B %Y at %H:%M}.",
               url=_url("conferences:detail", public_id=conference.public_id), about=conference)
    record_event(events.RESCHEDULED, actor=actor, subject=conference, payload={
        "from": old, "to": {"starts_at": starts_at.isoformat(), "chair": chair.pk}, "reason": reason.strip()})
    _queue_invitation_emails(conference, conference.invitations.live())
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
    stamp(conference, actor, reason.strip())
    conference.save()
    clock.deadlines_cancel_open(subject=conference, reason=f"Conference cancelled: {reason.strip()}", actor=actor)
    for d in _report_deadlines(conference):
        clock.deadline_cancel(deadline=d, reason="Conference cancelled", actor=actor)
    record_event(events.CANCELLED, actor=actor, subject=conference, payload={"reason": reason.strip()})
    sent = conference.invitations.live().filter(sent_sequence__gte=0)
    _queue_invitation_emails(conference, sent, method=CANCEL)
    return conference
