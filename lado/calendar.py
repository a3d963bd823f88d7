"""Calendar invitations to a LADO meeting: the meeting described for the kernel's calendar invitations
(``safeguarding.notify.meetings``), queued in the one outbox (ADR 8). One UID per meeting: a new time or place
sends METHOD:REQUEST with a higher SEQUENCE, a cancellation or a withdrawn invitation METHOD:CANCEL. No names
(ADR 5): the summary is the kind of meeting, the body the date, the place and the case's reference; the
attendee is the address alone. Each email's key is (invitee, sequence, method): queued twice, written once."""

from __future__ import annotations

from collections.abc import Iterable

from safeguarding.notify import meetings
from safeguarding.notify.meetings import CANCEL, REQUEST

from .models import Meeting, MeetingInvitee

__all__ = ["CANCEL", "REQUEST", "TOPIC", "group_of", "queue_emails"]

TOPIC = "lado.meeting"
PRODID = "-//Safeguarding Hub//LADO//EN"
UID_DOMAIN = "lado.safeguarding-hub"


def group_of(meeting: Meeting) -> str:
    return f"lado-meeting:{meeting.pk}"


def meeting_of(meeting: Meeting) -> meetings.Meeting:
    return meetings.Meeting(
        uid=f"{meeting.public_id}@{UID_DOMAIN}", sequence=meeting.ics_sequence, starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, kind=Meeting.Kind(meeting.kind).label, reference=meeting.case.referral.reference,
        venue=meeting.venue, online_link=meeting.online_link, organizer="LADO service", prodid=PRODID,
        contact="Please tell the LADO if you cannot come.", changes="the date, time or place")


def queue_emails(meeting: Meeting, invitees: Iterable[MeetingInvitee], method: str = REQUEST) -> list:
    """In the caller's transaction: one outbox email per invitee at the meeting's current sequence, sent after
    commit. Returns the rows written (none for one already queued)."""
    invitees = [i for i in invitees if i.email]
    if not invitees:
        return []
    return meetings.queue(meeting_of(meeting),
                          [(f"{TOPIC}:{i.pk}:{meeting.ics_sequence}:{method}", i.email) for i in invitees],
                          method=method, topic=TOPIC, group=group_of(meeting))
