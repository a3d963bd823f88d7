"""Calendar invitations to a looked-after review: the review described as a meeting for the kernel's calendar
invitations (``safeguarding.notify.meetings``, shared with the conferences), queued in the one outbox (ADR 8).

One UID per review, so each invitee's calendar holds one event: a new day, time or place sends METHOD:REQUEST
with a higher SEQUENCE (``ReviewMeeting.ics_sequence``), a cancellation or a withdrawn invitation METHOD:CANCEL.
No names (ADR 5): the summary is "Looked-after review", the body the date, the place and the child's local
reference; the attendee is the address alone.

Each email's outbox key is (invitation, sequence, method): queuing it twice writes it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from safeguarding.notify import meetings, outbox
from safeguarding.notify.meetings import CANCEL, REQUEST

from .models import Review, ReviewInvitation, ReviewMeeting

log = logging.getLogger(__name__)

__all__ = ["CANCEL", "REQUEST", "TOPIC", "emails_of", "key_of", "meeting_of", "queue_emails", "review_uid",
           "send_pending", "starts_of"]

TOPIC = "reviews.invitation"
PRODID = "-//Safeguarding Hub//Looked-after reviews//EN"
UID_DOMAIN = "reviews.safeguarding-hub"
KIND = "Looked-after review"


def review_uid(review: Review) -> str:
    return f"{review.public_id}@{UID_DOMAIN}"


def email_key(invitation_id: int, sequence: int, method: str) -> str:
    return f"{TOPIC}:{invitation_id}:{sequence}:{method}"


def group_of(review_id: int) -> str:
    return f"review:{review_id}"


def _at(day, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def starts_of(review: Review, meeting: ReviewMeeting) -> tuple[datetime, datetime | None]:
    """When the review starts and ends (local time on its day)."""
    return (_at(review.planned_for, meeting.starts_at),
            _at(review.planned_for, meeting.ends_at) if meeting.ends_at else None)


def meeting_of(review: Review, meeting: ReviewMeeting) -> meetings.Meeting:
    """The review as a calendar invitation says it, at the meeting's current sequence (no names)."""
    starts_at, ends_at = starts_of(review, meeting)
    return meetings.Meeting(
        uid=review_uid(review), sequence=meeting.ics_sequence, starts_at=starts_at, ends_at=ends_at, kind=KIND,
        reference=review.episode.child.local_child_id, venue=meeting.venue, online_link=meeting.online_link,
        organizer="Independent reviewing service", prodid=PRODID,
        contact="Please tell the child's IRO or social worker if you cannot come.",
        changes="the date, time or place")


def queue_emails(review: Review, meeting: ReviewMeeting, invitations: Iterable[ReviewInvitation],
                 method: str = REQUEST) -> list:
    """In the caller's transaction: one outbox email per invitee with an address, at the meeting's current
    sequence, sent after commit. A request records the sequence sent on each invitation. Returns the rows
    written (none for one already queued)."""
    invitations = [inv for inv in invitations if inv.email]
    if not invitations:
        return []
    sequence = meeting.ics_sequence
    written = meetings.queue(meeting_of(review, meeting),
                             [(email_key(inv.pk, sequence, method), inv.email) for inv in invitations],
                             method=method, topic=TOPIC, group=group_of(review.pk))
    if method == REQUEST:
        ReviewInvitation.objects.filter(pk__in=[inv.pk for inv in invitations]).update(sent_sequence=sequence)
        for inv in invitations:
            inv.sent_sequence = sequence
    return written


def emails_of(*, review: Review | None = None, invitation: ReviewInvitation | None = None):
    """The outbox rows of review invitations (all, one review's or one invitation's): a queryset of
    ``OutboxEmail``; :func:`key_of` reads a row's invitation, sequence and method."""
    from safeguarding.notify.models import OutboxEmail

    qs = OutboxEmail.objects.filter(topic=TOPIC)
    if review is not None:
        qs = qs.filter(group=group_of(review.pk))
    if invitation is not None:
        qs = qs.filter(key__startswith=f"{TOPIC}:{invitation.pk}:")
    return qs.order_by("id")


def key_of(row) -> tuple[int, int, str]:
    """(invitation id, sequence, method) of an invitation's outbox row."""
    invitation_id, sequence, method = row.key.removeprefix(f"{TOPIC}:").split(":")
    return int(invitation_id), int(sequence), method


def send_pending(*, review_id: int | None = None) -> int:
    """Send the due review invitations now (one review's, or all): the outbox's sending, for this topic. A
    failure stays in the outbox for its next try. (The outbox task sends them too; this is for tests.)"""
    try:
        return outbox.outbox_send(topic=TOPIC, group=group_of(review_id) if review_id is not None else None).sent
    except Exception:  # noqa: BLE001 - a database hiccup after commit: the outbox task sends them
        log.exception("sending review invitations failed; the outbox task will retry")
        return 0
