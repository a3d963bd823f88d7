"""Agencies' contributions to a rapid review (issue 12, section 2): chronology entries and the information
gathering form, each against the request to the agency. When every agency asked has returned its form,
the plan's "information forms returned" step is met on the last day one came in."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import AgencyRequest, ChronologyEntry
from ..policies import request_policy
from ._common import ctx_for, require

INFORMATION_STEP = "rapid_review_information_returned"


def _locked_for_submit(actor, request: AgencyRequest) -> AgencyRequest:
    request = AgencyRequest.objects.select_for_update().select_related("rapid_review").get(pk=request.pk)
    ctx = ctx_for(actor)
    require(request_policy.can(ctx, "view", request))
    if not request_policy.can(ctx, "submit", request):
        raise ValidationError("Only the agency asked adds to its chronology, until its form is returned "
                              "and while the review is open")
    return request


@transaction.atomic
def chronology_entry_add(*, actor, request: AgencyRequest, happened_on: date, entry: str) -> ChronologyEntry:
    request = _locked_for_submit(actor, request)
    errors = {}
    if happened_on > timezone.localdate():
        errors["happened_on"] = "The date cannot be in the future"
    if not (entry or "").strip():
        errors["entry"] = "Say what happened"
    if errors:
        raise ValidationError(errors)
    row = ChronologyEntry(request=request, happened_on=happened_on, entry=entry.strip(), recorded_by=actor)
    stamp(row, actor, "Chronology entry added")
    row.save()
    record_event(events.CHRONOLOGY_ENTRY_ADDED, actor=actor, subject=request.rapid_review,
                 payload={"agency": str(request.agency.public_id)})
    return row


@transaction.atomic
def information_return(*, actor, request: AgencyRequest, information: str, late_reason: str = "") -> AgencyRequest:
    """Return the agency's information form. It closes the request to further entries."""
    request = _locked_for_submit(actor, request)
    if not (information or "").strip():
        raise ValidationError({"information": "Fill in the information form"})
    today = timezone.localdate()
    request.information, request.returned_on, request.returned_by = information.strip(), today, actor
    stamp(request, actor, "Information form returned")
    request.save()
    record_event(events.INFORMATION_RETURNED, actor=actor, subject=request.rapid_review,
                 payload={"agency": str(request.agency.public_id)})
    review = request.rapid_review
    if not review.requests.filter(returned_on__isnull=True).exists():
        clock.deadline_meet_open(subject=review, rule_keys=(INFORMATION_STEP,), met_on=today, actor=actor,
                                 late_reason=late_reason or "The last agency's form came in after the day")
    return request
