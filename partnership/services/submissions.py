"""Agencies' contributions to a rapid review (issue 12, section 2): chronology entries, files and the
information gathering form, each against the request to the agency. When every agency asked has returned its
form, the plan's "information forms returned" step is met on the last day one came in. What comes in after the
meeting froze the merged chronology is kept as a late addition, shown apart (ADR 23). Files go through the
kernel's scanned upload service (ADR 18): typed by their bytes, quarantined until the virus scan passes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp
from safeguarding.uploads.models import Upload
from safeguarding.uploads.services import upload_receive

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
    late = request.rapid_review.chronology_frozen_at is not None
    row = ChronologyEntry(request=request, happened_on=happened_on, entry=entry.strip(), recorded_by=actor,
                          after_meeting=late)
    stamp(row, actor, "Late addition: after the meeting" if late else "Chronology entry added")
    row.save()
    record_event(events.CHRONOLOGY_ENTRY_ADDED, actor=actor, subject=request.rapid_review,
                 payload={"agency": str(request.agency.public_id), "after_meeting": late})
    return row


@transaction.atomic
def information_return(*, actor, request: AgencyRequest, information: str, late_reason: str = "") -> AgencyRequest:
    """Return the agency's information form. It closes the request to further entries."""
    request = _locked_for_submit(actor, request)
    if not (information or "").strip():
        raise ValidationError({"information": "Fill in the information form"})
    today = timezone.localdate()
    request.information, request.returned_on, request.returned_by = information.strip(), today, actor
    request.returned_after_meeting = request.rapid_review.chronology_frozen_at is not None
    stamp(request, actor, "Information form returned")
    request.save()
    record_event(events.INFORMATION_RETURNED, actor=actor, subject=request.rapid_review,
                 payload={"agency": str(request.agency.public_id)})
    review = request.rapid_review
    if not review.requests.filter(returned_on__isnull=True).exists():
        clock.deadline_meet_open(subject=review, rule_keys=(INFORMATION_STEP,), met_on=today, actor=actor,
                                 late_reason=late_reason or "The last agency's form came in after the day")
    return request


FILE_PURPOSE = "evidence"  # the kernel's purpose: a document or an image


@transaction.atomic
def submission_file_add(*, actor, request: AgencyRequest, file, description: str = "") -> Upload:
    """Keep a file with the agency's chronology and information form (the agency's lead, while it may submit),
    quarantined until its virus scan passes. After the meeting it is a late addition, like an entry."""
    request = _locked_for_submit(actor, request)
    upload = upload_receive(actor=actor, file=file, purpose=FILE_PURPOSE, owner=request,
                            description=(description or "").strip())
    record_event(events.SUBMISSION_FILE_ADDED, actor=actor, subject=request.rapid_review, payload={
        "agency": str(request.agency.public_id), "upload": upload.pk, "content_type": upload.content_type,
        "size": upload.size, "after_meeting": request.rapid_review.chronology_frozen_at is not None})
    return upload
