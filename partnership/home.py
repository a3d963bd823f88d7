"""The partnership on the home page (ADR 26), registered from ``ready()``: the business unit's rapid reviews on
their timeline and the partnership's overdue deadlines, a partner's requests addressed to their agency, and how
deadlines, notifications and history name a rapid review. The partnership's later work (practice reviews,
action plans, escalations) adds its items the same way: ``@add_items("partnership", order=...)``."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.clock import rules
from safeguarding.clock import selectors as clock
from safeguarding.clock.policies import deadline_policy
from safeguarding.home.kernel_parts import deadline_item
from safeguarding.home.parts import Row, add_items, item_of
from safeguarding.pages import day
from safeguarding.records.subjects import reference_namer, register_subject

from .models import RapidReview

register_subject("partnership.rapidreview", reference_namer(
    "partnership.rapidreview", text=lambda r: f"Rapid review (Working Day 1: {day(r['working_day_1'])})",
    url_name="partnership:rapid_review", fields=("working_day_1",)))
# review actions and escalations are named by their review's reference and their date (never a child's name)
register_subject("partnership.reviewaction", reference_namer(
    "partnership.reviewaction", text=lambda r: f"Action {r['number']} of {r['review__reference']}",
    url_name="partnership:action", fields=("number", "review__reference")))
register_subject("partnership.escalation", reference_namer(
    "partnership.escalation", text=lambda r: f"Escalation raised on {day(r['raised_on'])}",
    url_name="partnership:escalation", fields=("raised_on",)))


@add_items("partnership", order=10)
def rapid_reviews(ctx, today):
    from .policies import rapid_review_policy

    w = clock.window(today=today)
    open_reviews = (rapid_review_policy.visible(ctx, "view").filter(status=RapidReview.Status.OPEN)
                    .order_by("working_day_1", "pk"))
    overdue = clock.deadlines_overdue(
        clock.for_service(deadline_policy.visible(ctx, "view"), rules.Service.PARTNERSHIP), w=w)
    return [
        item_of(open_reviews, title="Rapid reviews in progress", url=reverse("partnership:dashboard"),
                row=lambda r: Row(f"Rapid review (Working Day 1: {day(r.working_day_1)})",
                                  reverse("partnership:rapid_review", args=[r.public_id]),
                                  f"Working Day 1 was {day(r.working_day_1)}"),
                empty="No rapid reviews are in progress."),
        deadline_item(ctx, overdue, title="Partnership deadlines overdue", url=reverse("clock:team_deadlines"), w=w,
                      urgent=True, empty="No partnership deadlines are overdue."),
    ]


@add_items("partner", order=30)
def requests_to_agency(ctx, today):
    from .policies import request_policy

    if not request_policy.sees_requests_list(ctx):
        return []
    waiting = (request_policy.visible(ctx, "submit").select_related("agency", "rapid_review")
               .order_by("requested_on", "pk"))
    return [item_of(waiting, title="Rapid review requests to your agency", url=reverse("partnership:requests"),
                    row=lambda r: Row(f"Request to {r.agency.name}", reverse("partnership:request", args=[r.public_id]),
                                      f"Asked on {day(r.requested_on)}"),
                    empty="No requests are waiting for your agency.")]
