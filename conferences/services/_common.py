"""Helpers shared by the conference services: the workflow table, locking, today, URLs and the audit
log's "via" values."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import RecordView

from ..models import Conference

S = Conference.Status
# How a read or a download was made, for the audit log (pages and the API pass these)
VIA_PAGE = RecordView.Via.PAGE
VIA_API = RecordView.Via.API
# The conference workflow: which status may move to which, and nothing else.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.HELD, S.CANCELLED}),
    S.HELD: frozenset({S.DECIDED}),
    S.DECIDED: frozenset(),
    S.CANCELLED: frozenset(),
}


def _transition(conference: Conference, to: str) -> None:
    if to not in TRANSITIONS[conference.status]:
        raise ValidationError(
            f"A conference that is {conference.get_status_display().lower()} cannot be "
            f"{Conference.Status(to).label.lower()}"
        )
    conference.status = to


def _lock(conference: Conference) -> Conference:
    return Conference.objects.select_for_update(of=("self",)).select_related("child", "plan").get(pk=conference.pk)


def _today() -> date:
    return timezone.localdate()


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)
