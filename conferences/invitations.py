"""Calendar invitations to conferences, emailed with an ICS attachment (RFC 5545/5546, iTIP), through
the kernel's one outbox (``safeguarding.notify.outbox``, ADR 8).

One UID per conference, so each invitee's calendar holds one event: a reschedule sends METHOD:REQUEST
with a higher SEQUENCE (the event moves), a cancellation METHOD:CANCEL (the event is removed).
Emails and calendar entries reach phones and shared mailboxes, so they carry no names (ADR 5, ADR 7):
not the child's, the family's, nor the invitee's own (the attendee is an address only). The summary is
the kind of conference; the body gives the date, the child's local reference and the place.

:func:`queue_emails` writes one outbox row per invitee with an address, in the transaction that
changed the conference, keyed by (invitation, sequence, method) so it is written once; the email and
its calendar file are complete when written (each update carries the booking as it was then). The
outbox sends them after commit and its task (``notify.deliver_emails``) retries them under the one
retry policy: an address the mail server refuses stays pending with its attempts and the time of its
next try while the others are sent. :func:`send_pending` sends this topic's due rows now.

``InvitationEmail`` (the conference outbox before ADR 8) is history: nothing writes or sends from it
(``conferences.services`` queue through :func:`queue_emails`). :func:`move_legacy_rows` moves rows
waiting there into the kernel outbox; migration 0002 ran it at upgrade, and :func:`send_pending` still
runs it for rows a version between that migration and this one may have left.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from safeguarding.notify import outbox
from safeguarding.notify.outbox import MAX_ATTEMPTS, one_line

from .models import Conference, Invitation

log = logging.getLogger(__name__)

__all__ = ["MAX_ATTEMPTS", "TOPIC", "conference_uid", "invitation_ics", "queue_emails", "send_pending",
           "move_legacy_rows"]

PRODID = "-//Safeguarding Hub//Conferences//EN"
UID_DOMAIN = "conferences.safeguarding-hub"
TOPIC = "conferences.invitation"
REQUEST, CANCEL = "REQUEST", "CANCEL"  # InvitationEmail.Method's values


def conference_uid(conference: Conference) -> str:
    return f"{conference.public_id}@{UID_DOMAIN}"


def email_key(invitation_id: int, sequence: int, method: str) -> str:
    """The outbox key: one email per invitation, sequence and method, however often it is queued."""
    return f"{TOPIC}:{invitation_id}:{sequence}:{method}"


def group_of(conference_id: int) -> str:
    return f"conference:{conference_id}"


def _safe_uri(link: str) -> bool:
    """A link that can stand as an ICS URI value: no spaces, line breaks or control characters."""
    return bool(link) and all(c.isprintable() and not c.isspace() for c in link)


def invitation_ics(*, conference: Conference, to: str, method: str, sequence: int) -> bytes:
    """The iTIP message for one invitee: REQUEST (new or updated) or CANCEL. Typed text goes in on one
    line (``one_line``) and icalendar escapes the rest; the URL only when it is a plain URI; the attendee
    is the address alone (no name)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    ev = Event()
    ev.add("uid", conference_uid(conference))
    ev.add("sequence", sequence)
    ev.add("dtstamp", timezone.now())
    starts = conference.starts_at.astimezone(UTC)  # UTC ("Z"), whatever zone the caller's datetime is in
    ev.add("dtstart", starts)
    ev.add("dtend", conference.ends_at.astimezone(UTC) if conference.ends_at else starts + timedelta(hours=2))
    ev.add("summary", conference.get_kind_display())
    where = one_line(conference.venue) or "Online"
    ev.add("location", where)
    description = [f"Reference: {one_line(conference.child.local_child_id)}", f"Where: {where}"]
    if conference.online_link:
        description.append(f"Join online: {one_line(conference.online_link)}")
        if _safe_uri(conference.online_link):
            ev.add("url", conference.online_link)
    ev.add("description", "\n".join(description))
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("Child protection conference service")
    ev["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{one_line(to)}")
    attendee.params.update({"role": vText("REQ-PARTICIPANT"), "partstat": vText("NEEDS-ACTION"),
                            "rsvp": vText("FALSE")})
    ev.add("attendee", attendee, encode=0)
    ev.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    cal.add_component(ev)
    return cal.to_ical()


def render(*, conference: Conference, to: str, method: str, sequence: int) -> tuple[str, str, list[dict]]:
    """Subject, body and attachments (the calendar file) of one invitee's email."""
    when = timezone.localtime(conference.starts_at)
    kind = conference.get_kind_display()
    reference = one_line(conference.child.local_child_id)
    if method == CANCEL:
        subject = f"Cancelled: {kind} on {when:%-d %B %Y}"
        body = f"The {kind.lower()} on {when:%A %-d %B %Y at %H:%M} (reference {reference}) " \
               "has been cancelled, or your invitation to it withdrawn. The calendar entry is attached."
    else:
        verb = "Updated invitation" if sequence > 0 else "Invitation"
        subject = f"{verb}: {kind} on {when:%-d %B %Y}"
        place = one_line(conference.venue) or "online"
        body = (f"You are invited to a {kind.lower()} on {when:%A %-d %B %Y at %H:%M}, at {place}.\n"
                f"Reference: {reference}.\n")
        if conference.online_link:
            body += f"Join online: {one_line(conference.online_link)}\n"
        if sequence > 0:
            body += "This replaces the earlier invitation: the date, time, place or chair has changed.\n"
        body += "The calendar entry is attached. Please tell the conference service if you cannot attend."
    ics = invitation_ics(conference=conference, to=to, method=method, sequence=sequence)
    return subject, body, [outbox.attachment("invitation.ics", ics, f"text/calendar; method={method}; charset=utf-8")]


@transaction.atomic
def queue_emails(conference: Conference, invitations: Iterable[Invitation], method: str = REQUEST) -> list:
    """In the caller's transaction: one outbox email per invitee with an address, at the conference's
    current ``ics_sequence``, sent after commit; each invitation records the sequence it was sent.
    Queuing the same (invitation, sequence, method) again writes nothing. Returns the rows written.

    What ``conferences.services._queue_invitation_emails`` calls (the same arguments)."""
    invitations = [inv for inv in invitations if inv.email]
    if not invitations:
        return []
    sequence = conference.ics_sequence
    rows = []
    for inv in invitations:
        subject, body, attachments = render(conference=conference, to=inv.email, method=method, sequence=sequence)
        rows.append(outbox.email_new(to=inv.email, subject=subject, body=body, attachments=attachments,
                                     topic=TOPIC, key=email_key(inv.pk, sequence, method),
                                     group=group_of(conference.pk)))
    written = outbox.emails_queue(rows)
    Invitation.objects.filter(pk__in=[inv.pk for inv in invitations]).update(sent_sequence=sequence)
    return written


def emails_of(*, invitation: Invitation | None = None, conference: Conference | None = None,
              method: str | None = None, sequence: int | None = None):
    """The outbox rows of calendar invitations (all, or one invitation's, or one conference's), by method
    and sequence: a queryset of ``OutboxEmail``. :func:`key_of` reads a row's invitation, sequence and method."""
    from safeguarding.notify.models import OutboxEmail

    qs = OutboxEmail.objects.filter(topic=TOPIC)
    if conference is not None:
        qs = qs.filter(group=group_of(conference.pk))
    if invitation is not None and sequence is not None and method is not None:
        return qs.filter(key=email_key(invitation.pk, sequence, method))
    if invitation is not None:
        qs = qs.filter(key__startswith=f"{TOPIC}:{invitation.pk}:")
    if sequence is not None:
        qs = qs.filter(key__regex=rf"^{TOPIC.replace('.', '[.]')}:\d+:{int(sequence)}:")
    if method is not None:
        qs = qs.filter(key__endswith=f":{method}")
    return qs


def key_of(row) -> tuple[int, int, str]:
    """(invitation id, sequence, method) of an invitation's outbox row."""
    invitation_id, sequence, method = row.key.removeprefix(f"{TOPIC}:").split(":")
    return int(invitation_id), int(sequence), method


def send_pending(*, conference_id: int | None = None) -> int:
    """Send the due calendar invitations now (one conference's, or all): the outbox's sending, for this
    topic. Returns how many went out. A failure stays in the outbox for its next try; it never reaches
    the caller. (The outbox task sends them too; this is for right after commit, and for tests.)"""
    try:
        move_legacy_rows()
    except Exception:  # noqa: BLE001 - never break the request that committed; the next call moves them
        log.exception("moving rows of the old conference outbox failed")
    group = group_of(conference_id) if conference_id is not None else None
    try:
        return outbox.outbox_send(topic=TOPIC, group=group).sent
    except Exception:  # noqa: BLE001 - a database hiccup after commit: the outbox task sends them
        log.exception("sending calendar invitations failed; the outbox task will retry")
        return 0


def move_legacy_rows(*, legacy_model=None, outbox_model=None, include_given_up: bool = False) -> int:
    """Move the rows waiting in the old conference outbox (``InvitationEmail``, unsent) into the kernel
    outbox, written as of now and keeping their attempts and last error; each old row gets ``sent_at``,
    the time it left that outbox. Rows the old outbox had given up on (``MAX_ATTEMPTS``) move only with
    ``include_given_up`` (migration 0002), as failed rows, visible in the admin; the old row keeps no
    ``sent_at``. Locks what it moves (SKIP LOCKED), so two callers never move a row twice. Returns how
    many rows it wrote.

    The models are arguments so that migration 0002 can run it on its historical models."""
    if legacy_model is None:
        from .models import InvitationEmail as legacy_model
    if outbox_model is None:
        from safeguarding.notify.models import OutboxEmail as outbox_model
    with transaction.atomic():
        qs = legacy_model.objects.filter(sent_at__isnull=True)
        if not include_given_up:
            qs = qs.filter(attempts__lt=MAX_ATTEMPTS)
        rows = list(qs.select_for_update(skip_locked=True, of=("self",))
                    .select_related("invitation__conference__child").order_by("created_at", "id"))
        if not rows:
            return 0
        keys = {email_key(r.invitation_id, r.sequence, r.method) for r in rows}
        existing = set(outbox_model.objects.filter(key__in=keys).values_list("key", flat=True))
        now = timezone.now()
        new = []
        for r in rows:
            key = email_key(r.invitation_id, r.sequence, r.method)
            if key in existing:
                continue
            conference = r.invitation.conference
            subject, body, attachments = render(conference=conference, to=r.to, method=r.method, sequence=r.sequence)
            given_up = r.attempts >= MAX_ATTEMPTS
            new.append(outbox_model(
                key=key, topic=TOPIC, group=group_of(conference.pk), to=r.to, subject=outbox.one_line(subject),
                body=body, attachments=attachments, status="failed" if given_up else "pending",
                created_at=r.created_at, attempts=r.attempts, last_error=r.last_error,
            ))
        outbox_model.objects.bulk_create(new)
        legacy_model.objects.filter(pk__in=[r.pk for r in rows], attempts__lt=MAX_ATTEMPTS).update(sent_at=now)
    return len(new)
