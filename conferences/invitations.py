"""Calendar invitations to conferences, emailed with an ICS attachment (RFC 5545/5546, iTIP), through
the kernel's one outbox (``safeguarding.notify.outbox``, ADR 8). The email and its calendar file are
written by the kernel's ``safeguarding.notify.meetings`` (shared with the looked-after reviews' invitations)
from the conference described as a ``Meeting`` (:func:`meeting_of`).

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

from django.db import transaction
from django.utils import timezone

from safeguarding.notify import meetings, outbox
from safeguarding.notify.meetings import CANCEL, REQUEST
from safeguarding.notify.outbox import MAX_ATTEMPTS

from .models import Conference, Invitation

log = logging.getLogger(__name__)

__all__ = ["CANCEL", "MAX_ATTEMPTS", "REQUEST", "TOPIC", "conference_uid", "invitation_ics", "queue_emails",
           "send_pending", "move_legacy_rows"]

PRODID = "-//Safeguarding Hub//Conferences//EN"
UID_DOMAIN = "conferences.safeguarding-hub"
TOPIC = "conferences.invitation"


def conference_uid(conference: Conference) -> str:
    return f"{conference.public_id}@{UID_DOMAIN}"


def email_key(invitation_id: int, sequence: int, method: str) -> str:
    """The outbox key: one email per invitation, sequence and method, however often it is queued."""
    return f"{TOPIC}:{invitation_id}:{sequence}:{method}"


def group_of(conference_id: int) -> str:
    return f"conference:{conference_id}"


def meeting_of(conference: Conference, sequence: int) -> meetings.Meeting:
    """The conference as the kernel's calendar invitations describe a meeting (no names)."""
    return meetings.Meeting(
        uid=conference_uid(conference), sequence=sequence, starts_at=conference.starts_at,
        ends_at=conference.ends_at, kind=conference.get_kind_display(), reference=conference.child.local_child_id,
        venue=conference.venue, online_link=conference.online_link, organizer="Child protection conference service",
        prodid=PRODID, contact="Please tell the conference service if you cannot attend.",
        changes="the date, time, place or chair")


def invitation_ics(*, conference: Conference, to: str, method: str, sequence: int) -> bytes:
    """The iTIP message for one invitee: REQUEST (new or updated) or CANCEL (``safeguarding.notify.meetings``:
    typed text on one line, the URL only when it is a plain URI, the attendee the address alone)."""
    return meetings.itip(meeting_of(conference, sequence), to=to, method=method)


def render(*, conference: Conference, to: str, method: str, sequence: int) -> tuple[str, str, list[dict]]:
    """Subject, body and attachments (the calendar file) of one invitee's email."""
    return meetings.render(meeting_of(conference, sequence), to=to, method=method)


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
    written = meetings.queue(meeting_of(conference, sequence),
                             [(email_key(inv.pk, sequence, method), inv.email) for inv in invitations],
                             method=method, topic=TOPIC, group=group_of(conference.pk))
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
