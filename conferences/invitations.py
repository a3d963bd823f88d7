"""Calendar invitations to conferences, emailed with an ICS attachment (RFC 5545/5546, iTIP).

One UID per conference, so each invitee's calendar holds one event: a reschedule sends METHOD:REQUEST
with a higher SEQUENCE (the event moves), a cancellation METHOD:CANCEL (the event is removed).
Emails and calendar entries reach phones and shared mailboxes, so they never carry the child's or
family's names: the summary is the kind of conference and the body gives the reference and the place.

The outbox (``InvitationEmail``) is written in the transaction that changed the conference; rows are
sent after commit and retried by the periodic task until sent. A row is claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` and marked sent in the same transaction, so two workers never
send the same row.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Conference, InvitationEmail

log = logging.getLogger(__name__)
PRODID = "-//Safeguarding Hub//Conferences//EN"
UID_DOMAIN = "conferences.safeguarding-hub"
MAX_ATTEMPTS = 10
BATCH = 100


def conference_uid(conference: Conference) -> str:
    return f"{conference.public_id}@{UID_DOMAIN}"


def invitation_ics(*, conference: Conference, to: str, name: str, method: str, sequence: int) -> bytes:
    """The iTIP message for one invitee: REQUEST (new or updated) or CANCEL."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    ev = Event()
    ev.add("uid", conference_uid(conference))
    ev.add("sequence", sequence)
    ev.add("dtstamp", timezone.now())
    ev.add("dtstart", conference.starts_at)
    ev.add("dtend", conference.ends_at or conference.starts_at + timedelta(hours=2))
    ev.add("summary", conference.get_kind_display())
    where = conference.venue or "Online"
    ev.add("location", where)
    description = [f"Reference: {conference.child.local_child_id}", f"Where: {where}"]
    if conference.online_link:
        description.append(f"Join online: {conference.online_link}")
        ev.add("url", conference.online_link)
    ev.add("description", "\n".join(description))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("Child protection conference service")
    ev["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{to}")
    attendee.params.update({"cn": vText(name), "role": vText("REQ-PARTICIPANT"),
                            "partstat": vText("NEEDS-ACTION"), "rsvp": vText("FALSE")})
    ev.add("attendee", attendee, encode=0)
    ev.add("status", "CANCELLED" if method == InvitationEmail.Method.CANCEL else "CONFIRMED")
    cal.add_component(ev)
    return cal.to_ical()


def _message(row: InvitationEmail, connection) -> EmailMessage:
    inv = row.invitation
    conference = inv.conference
    when = timezone.localtime(conference.starts_at)
    kind = conference.get_kind_display()
    if row.method == InvitationEmail.Method.CANCEL:
        subject = f"Cancelled: {kind} on {when:%-d %B %Y}"
        body = f"The {kind.lower()} on {when:%A %-d %B %Y at %H:%M} (reference {conference.child.local_child_id}) " \
               "has been cancelled, or your invitation to it withdrawn. The calendar entry is attached."
    else:
        verb = "Updated invitation" if row.sequence > 0 else "Invitation"
        subject = f"{verb}: {kind} on {when:%-d %B %Y}"
        place = conference.venue or "online"
        body = (f"You are invited to a {kind.lower()} on {when:%A %-d %B %Y at %H:%M}, at {place}.\n"
                f"Reference: {conference.child.local_child_id}.\n")
        if conference.online_link:
            body += f"Join online: {conference.online_link}\n"
        if row.sequence > 0:
            body += "This replaces the earlier invitation: the date, time, place or chair has changed.\n"
        body += "The calendar entry is attached. Please tell the conference service if you cannot attend."
    msg = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.to],
                       connection=connection)
    ics = invitation_ics(conference=conference, to=row.to, name=inv.name, method=row.method, sequence=row.sequence)
    msg.attach("invitation.ics", ics, f"text/calendar; method={row.method}; charset=utf-8")
    return msg


def send_pending(*, conference_id: int | None = None) -> int:
    """Send unsent invitation emails (one conference's, or all). Returns how many went out. A failure
    leaves the row pending with its error, for the periodic retry; it never reaches the caller."""
    sent = 0
    tried: set[int] = set()
    try:
        connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 10)
    except TypeError:  # backends without a timeout argument (locmem in tests)
        connection = get_connection()
    while True:
        with transaction.atomic():
            qs = InvitationEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            if conference_id is not None:
                qs = qs.filter(invitation__conference_id=conference_id)
            if tried:
                qs = qs.exclude(id__in=tried)
            ids = list(qs.order_by("created_at", "id").select_for_update(skip_locked=True)
                       .values_list("id", flat=True)[:BATCH])
            if not ids:
                return sent
            tried.update(ids)
            rows = list(InvitationEmail.objects.filter(id__in=ids)
                        .select_related("invitation__conference__child").order_by("created_at", "id"))
            ok = 0
            for row in rows:
                row.attempts += 1
                try:
                    _message(row, connection).send()
                except Exception as exc:  # noqa: BLE001 - mail failures are retried, never raised to the request
                    log.warning("invitation email %s failed: %s", row.pk, exc)
                    row.last_error = str(exc)[:500]
                    row.save(update_fields=["attempts", "last_error"])
                    continue
                row.sent_at = timezone.now()
                row.save(update_fields=["attempts", "sent_at"])
                ok += 1
            sent += ok
