"""A person's calendar feed: their open deadlines as all-day events at a secret, revocable URL.

- The URL carries a long random token (``secrets.token_urlsafe``), shown once on the Calendar feed
  page; only its SHA-256 hash is stored (``CalendarFeed.token_hash``). Replacing the link stores a new
  hash, so the old URL stops working at once; revoking sets ``revoked_at``.
- Calendars sync to phones and other people's devices, so an event never carries a name: its
  SUMMARY is "Due: <what the rule requires>" with the record's local reference (a child's local ID,
  or the deadline's short reference), never the deadline's label, which may name a child.
- Each event's UID is stable per deadline, so a recomputed due date moves the event instead of
  adding one.
- Text that people typed (a local reference, a venue) goes in through ``one_line`` (the outbox's, used
  for email headers and invitations too): icalendar
  escapes line breaks, commas and semicolons in TEXT values, but passes other control characters and
  Unicode line separators through, and some calendar programs break lines on those.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from safeguarding.access.context import AccessContext
from safeguarding.notify.outbox import one_line  # the one rule for typed text in headers and calendars

from . import rules, selectors
from .models import CalendarFeed, Deadline
from .policies import deadline_policy

TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters
UID_DOMAIN = "deadlines.safeguarding-hub"
PRODID = "-//Safeguarding Hub//Deadlines//EN"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the feed record ----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(*, user) -> str:
    """Give ``user`` a new feed link (replacing any earlier one). Returns the token: show it once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed(user=user)
    feed.token_hash = token_hash(token)
    feed.created_at = timezone.now()
    feed.revoked_at = None
    feed._history_user = user
    feed.save()
    return token


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Stop ``user``'s feed link working. Returns False when there was nothing to revoke."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if feed is None:
        return False
    feed.revoked_at = timezone.now()
    feed._history_user = user
    feed.save(update_fields=["revoked_at"])
    return True


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str):
    """The active person whose live feed this token opens, or None (unknown, replaced or revoked)."""
    if not token or len(token) > 200:
        return None
    feed = (CalendarFeed.objects.select_related("user")
            .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True).first())
    return feed.user if feed else None


# --- the calendar -------------------------------------------------------------------------------


def local_reference(deadline: Deadline) -> str:
    """How people at work know the record, without naming anyone: the subject's
    ``deadline_reference`` if its model defines one, a child's local ID, or the deadline's own short
    reference."""
    subject = deadline.subject
    for attr in ("deadline_reference", "local_child_id"):
        value = one_line(getattr(subject, attr, None) or "") if subject is not None else ""
        if value:
            return value
    return f"ref {str(deadline.public_id)[:8].upper()}"


def event_summary(deadline: Deadline, *, today: date, known: dict[str, rules.Rule] | None = None) -> str:
    rule = selectors.describe_rule(deadline.rule_key, known)
    what = rule.description if rule else "Statutory deadline"
    prefix = "Overdue" if deadline.due_date < today else "Due"
    return f"{prefix}: {what} ({local_reference(deadline)})"


def person_open_deadlines(user):
    """The open deadlines ``user`` is responsible for and may still see."""
    ctx = AccessContext.for_user(user)
    mine = selectors.for_person(deadline_policy.visible(ctx, "view"), user)
    return selectors.calendar_deadlines(mine)


# Other apps add events to a person's feed (their meetings): fn(user, absolute_url) -> iterable of Event.
# Like deadlines, these events never carry a name. The kernel imports no domain app; they register here.
_feed_sources: list = []


def register_feed_source(source):
    if source not in _feed_sources:
        _feed_sources.append(source)
    return source


def deadlines_calendar(*, deadlines, page_url, today: date | None = None, user=None, absolute_url=None) -> bytes:
    """The ICS text. ``page_url(deadline)`` gives the absolute address of a deadline's page; with ``user``
    the registered sources add that person's meetings (``absolute_url(path)`` makes their links)."""
    today = today or timezone.localdate()
    now = timezone.now()
    known = rules.all_rules()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Safeguarding Hub deadlines")
    cal.add("x-wr-caldesc", "Your open statutory deadlines and meetings. Names are left out on purpose.")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for d in deadlines:
        ev = Event()
        ev.add("uid", f"deadline-{d.public_id}@{UID_DOMAIN}")
        ev.add("dtstamp", now)
        ev.add("dtstart", d.due_date)
        ev.add("dtend", d.due_date + timedelta(days=1))
        ev.add("summary", event_summary(d, today=today, known=known))
        ev.add("description", f"Due on {d.due_date:%A %-d %B %Y}. Record it in Safeguarding Hub when it is met: "
                              f"{page_url(d)}")
        ev.add("url", page_url(d))
        ev.add("class", "PRIVATE")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    if user is not None:
        for source in _feed_sources:
            for ev in source(user, absolute_url or (lambda path: path)):
                cal.add_component(ev)
    return cal.to_ical()
