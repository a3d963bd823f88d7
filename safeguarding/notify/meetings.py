"""Calendar invitations to a meeting (a child protection conference, a looked-after review ...), emailed
with an iTIP calendar file (RFC 5545/5546) through the one outbox (``safeguarding.notify.outbox``, ADR 8).

A domain app describes its meeting as a :class:`Meeting` and hands it here; the kernel knows no domain
app. One UID per meeting, so each invitee's calendar holds one event: a change sends METHOD:REQUEST with
a higher SEQUENCE (the event moves), a cancellation METHOD:CANCEL (the event is removed).

Emails and calendar entries reach phones and shared mailboxes, so they carry no names (ADR 5): not the
child's, the family's, nor the invitee's own (the attendee is the address alone, without CN). The summary
is the kind of meeting; the body gives the date, the child's local reference and the place. Typed text
(venue, reference, link) goes in on one line (``one_line``); icalendar escapes the rest; a link that is not
a plain URI goes only into the description.

:func:`queue` writes one outbox row per recipient in the caller's transaction, each keyed by the caller
(one email per invitation, sequence and method, however often it is queued), complete when written: an
update carries the meeting as it was then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from . import outbox
from .outbox import one_line

__all__ = ["CANCEL", "REQUEST", "Meeting", "itip", "queue", "render", "safe_uri"]

REQUEST, CANCEL = "REQUEST", "CANCEL"
DEFAULT_LENGTH = timedelta(hours=2)
FILENAME = "invitation.ics"


@dataclass(frozen=True)
class Meeting:
    """What a calendar invitation says about a meeting. ``kind`` is what it is ("Looked-after review"),
    never a name; ``reference`` the child's local reference; ``organizer`` the service that sends it (the
    organizer's CN); ``contact`` the closing sentence of an invitation, ``changes`` what an update may
    have changed ("the date, time or place")."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime | None
    kind: str
    reference: str
    venue: str
    online_link: str
    organizer: str
    prodid: str
    contact: str
    changes: str

    @property
    def ends(self) -> datetime:
        return self.ends_at or self.starts_at + DEFAULT_LENGTH


def safe_uri(link: str) -> bool:
    """A link that can stand as an ICS URI value: no spaces, line breaks or control characters."""
    return bool(link) and all(c.isprintable() and not c.isspace() for c in link)


def itip(meeting: Meeting, *, to: str, method: str) -> bytes:
    """The iTIP message for one invitee: REQUEST (new or updated) or CANCEL."""
    cal = Calendar()
    cal.add("prodid", meeting.prodid)
    cal.add("version", "2.0")
    cal.add("method", method)
    ev = Event()
    ev.add("uid", meeting.uid)
    ev.add("sequence", meeting.sequence)
    ev.add("dtstamp", timezone.now())
    ev.add("dtstart", meeting.starts_at.astimezone(UTC))  # UTC ("Z"), whatever zone the caller's datetime is in
    ev.add("dtend", meeting.ends.astimezone(UTC))
    ev.add("summary", meeting.kind)
    where = one_line(meeting.venue) or "Online"
    ev.add("location", where)
    description = [f"Reference: {one_line(meeting.reference)}", f"Where: {where}"]
    if meeting.online_link:
        description.append(f"Join online: {one_line(meeting.online_link)}")
        if safe_uri(meeting.online_link):
            ev.add("url", meeting.online_link)
    ev.add("description", "\n".join(description))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(meeting.organizer)
    ev["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{one_line(to)}")
    attendee.params.update({"role": vText("REQ-PARTICIPANT"), "partstat": vText("NEEDS-ACTION"),
                            "rsvp": vText("FALSE")})
    ev.add("attendee", attendee, encode=0)
    ev.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    cal.add_component(ev)
    return cal.to_ical()


def render(meeting: Meeting, *, to: str, method: str) -> tuple[str, str, list[dict]]:
    """Subject, body and attachments (the calendar file) of one invitee's email."""
    when = timezone.localtime(meeting.starts_at)
    kind = meeting.kind
    reference = one_line(meeting.reference)
    if method == CANCEL:
        subject = f"Cancelled: {kind} on {when:%-d %B %Y}"
        body = f"The {kind.lower()} on {when:%A %-d %B %Y at %H:%M} (reference {reference}) " \
               "has been cancelled, or your invitation to it withdrawn. The calendar entry is attached."
    else:
        verb = "Updated invitation" if meeting.sequence > 0 else "Invitation"
        subject = f"{verb}: {kind} on {when:%-d %B %Y}"
        place = one_line(meeting.venue) or "online"
        body = (f"You are invited to a {kind.lower()} on {when:%A %-d %B %Y at %H:%M}, at {place}.\n"
                f"Reference: {reference}.\n")
        if meeting.online_link:
            body += f"Join online: {one_line(meeting.online_link)}\n"
        if meeting.sequence > 0:
            body += f"This replaces the earlier invitation: {meeting.changes} has changed.\n"
        body += f"The calendar entry is attached. {meeting.contact}"
    ics = itip(meeting, to=to, method=method)
    return subject, body, [outbox.attachment(FILENAME, ics, f"text/calendar; method={method}; charset=utf-8")]


def queue(meeting: Meeting, recipients: Iterable[tuple[str, str]], *, method: str, topic: str,
          group: str = "") -> list:
    """In the caller's transaction: one outbox email per (key, address) in ``recipients``, sent after commit.
    A key already in the outbox is not written again. Returns the rows written."""
    rows = []
    for key, to in recipients:
        subject, body, attachments = render(meeting, to=to, method=method)
        rows.append(outbox.email_new(to=to, subject=subject, body=body, attachments=attachments, topic=topic,
                                     key=key, group=group))
    return outbox.emails_queue(rows)
