"""Agencies' contributions: the requests to a lead's agencies, one request's entries, the merged chronology."""

from __future__ import annotations

from datetime import date

from safeguarding.access.context import AccessContext
from safeguarding.clock import rules

from .. import plan
from ..models import AgencyRequest, ChronologyEntry, RapidReview
from ..policies import request_policy

INFORMATION_STEP = "rapid_review_information_returned"


def information_due(review: RapidReview) -> date | None:
    """The day the information forms are due on the review's plan (None if the deployment has no such step)."""
    if INFORMATION_STEP not in plan.step_keys():
        return None
    return rules.get(INFORMATION_STEP).due(review.working_day_1)


def my_requests(*, ctx: AccessContext) -> list[dict]:
    """The requests to ``ctx``'s agencies (one statement), each with its form's due day."""
    rows = (request_policy.visible(ctx, "view").select_related("agency", "rapid_review", "rapid_review__referral",
                                                                 "rapid_review__referral__local_authority")
            .order_by("-requested_on", "id"))
    return [{"request": r, "due": information_due(r.rapid_review)} for r in rows]


def request_entries(request: AgencyRequest) -> list[ChronologyEntry]:
    return list(request.entries.order_by("happened_on", "id"))


def merged_chronology(review: RapidReview) -> list[ChronologyEntry]:
    """Every agency's entries in one timeline, by date, each with its source (``entry.request.agency``)."""
    return list(ChronologyEntry.objects.filter(request__rapid_review=review)
                .select_related("request__agency").order_by("happened_on", "request__agency__name", "id"))
