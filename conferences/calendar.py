"""A person's conferences in their calendar feed (safeguarding.clock.ics): the live conferences they
chair, take minutes for, or are invited to by their own account. Events carry the kind of conference
and the child's local reference, never a name, like the feed's deadlines. Typed text (the reference,
the venue) goes in as one line (``one_line``)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Event

from safeguarding.notify.outbox import one_line

from .invitations import conference_uid
from .models import Conference


def conference_events(user, absolute_url):
    since = timezone.now() - timedelta(days=1)
    qs = (Conference.objects.filter(status=Conference.Status.SCHEDULED, starts_at__gte=since,
                                    entered_in_error_at__isnull=True)
          .filter(Q(chair=user) | Q(minute_taker=user)
                  | Q(invitations__user=user, invitations__entered_in_error_at__isnull=True))
          .select_related("child").distinct().order_by("starts_at"))
    now = timezone.now()
    for c in qs:
        ev = Event()
        ev.add("uid", conference_uid(c))
        ev.add("sequence", c.ics_sequence)
        ev.add("dtstamp", now)
        ev.add("dtstart", c.starts_at)
        ev.add("dtend", c.ends_at or c.starts_at + timedelta(hours=2))
        ev.add("summary", f"{c.get_kind_display()} ({one_line(c.child.local_child_id)})")
        ev.add("location", one_line(c.venue) or "Online")
        url = absolute_url(reverse("conferences:detail", kwargs={"public_id": c.public_id}))
        ev.add("description", f"Details in Safeguarding Hub: {url}")
        ev.add("url", url)
        ev.add("class", "PRIVATE")
        yield ev
