"""The rapid review's timeline (the plan beside its deadlines) and the partnership dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.clock.models import Deadline

from .. import plan
from ..models import CriteriaDecision, Notification, RapidReview, ReferredChild
from ..policies import is_business_unit, rapid_review_policy, referral_policy, request_policy
from .choices import pending_referrals
from .report import review_parts
from .submissions import information_due


@dataclass(frozen=True)
class TimelineRow:
    step: plan.PlannedStep
    deadline: Deadline | None
    state: str          # "done", "done late", "late", "due", "waiting"
    late: bool


def _row(step: plan.PlannedStep, deadline: Deadline | None, today: date) -> TimelineRow:
    if deadline is None:
        return TimelineRow(step, None, "waiting", False)
    if deadline.status == Deadline.Status.MET_ON_TIME:
        return TimelineRow(step, deadline, "done", False)
    if deadline.status == Deadline.Status.MET_LATE:
        return TimelineRow(step, deadline, "done late", True)
    if deadline.status == Deadline.Status.CANCELLED:
        return TimelineRow(step, deadline, "cancelled", False)
    late = deadline.status == Deadline.Status.OVERDUE or deadline.due_date < today
    return TimelineRow(step, deadline, "late" if late else "due", late)


def _deadlines_by_review(reviews: list[RapidReview]) -> dict[int, dict[str, Deadline]]:
    """The live deadlines of the reviews, by review and rule (one query)."""
    if not reviews:
        return {}
    ct = ContentType.objects.get_for_model(RapidReview)
    out: dict[int, dict[str, Deadline]] = {r.pk: {} for r in reviews}
    rows = (Deadline.objects.filter(subject_type=ct, subject_id__in=[r.pk for r in reviews])
            .exclude(status=Deadline.Status.CANCELLED).order_by("created_at", "id"))
    for d in rows:
        out[d.subject_id][d.rule_key] = d
    return out


def step_is_open(review: RapidReview, step: str) -> bool:
    ct = ContentType.objects.get_for_model(RapidReview)
    return Deadline.objects.filter(subject_type=ct, subject_id=review.pk, rule_key=step,
                                   status__in=Deadline.OPEN_STATUSES).exists()


def _panel_notified_on(review: RapidReview) -> date | None:
    note = next((n for n in review.referral.notifications.all() if n.to == Notification.To.NATIONAL_PANEL), None)
    return note.sent_on if note else None


def timeline(review: RapidReview, deadlines: dict[str, Deadline], today: date) -> list[TimelineRow]:
    """The plan's steps in order, then the national rules, each with its deadline and whether it is late.
    A step's date is its deadline's (the clock's) where it has one, else the plan's."""
    steps = plan.plan(aware_on=review.agency_aware_on, la_aware_on=review.la_aware_on,
                      notified_on=_panel_notified_on(review))
    return [_row(step, deadlines.get(step.key), today) for step in steps]


def _reviews(ctx: AccessContext):
    return (rapid_review_policy.visible(ctx, "view").select_related("referral", "referral__local_authority")
            .prefetch_related(Prefetch("referral__notifications", queryset=Notification.objects.order_by("id"))))


def dashboard(*, ctx: AccessContext, today: date) -> dict:
    """The open rapid reviews on their timeline: each with its next step, and what is late."""
    reviews = list(_reviews(ctx).filter(status=RapidReview.Status.OPEN).order_by("working_day_1", "id"))
    by_review = _deadlines_by_review(reviews)
    rows = []
    for review in reviews:
        line = timeline(review, by_review[review.pk], today)
        pending = [r for r in line if r.state in ("due", "late")]
        rows.append({"review": review, "late": [r for r in line if r.state == "late"],
                     "next": pending[0] if pending else None})
    pending = referral_policy.visible(ctx, "triage")
    unit = is_business_unit(ctx)
    return {"reviews": rows, "pending": pending_referrals(pending) if unit else [], "is_business_unit": unit}


def rapid_review_page(*, ctx: AccessContext, review: RapidReview, today: date) -> dict:
    """Everything the rapid review's page shows, for ``ctx``: the timeline, the referred children (a link
    only to the records ``ctx`` may open), the partners' decisions and the requests to agencies."""
    deadlines = _deadlines_by_review([review])[review.pk]
    referral = review.referral
    children = list(ReferredChild.objects.filter(referral=referral).select_related("child"))
    openable = set()
    linked = [c.child for c in children if c.child_id]
    if linked:
        openable = set(child_policy.visible(ctx, "view").filter(pk__in=[c.pk for c in linked])
                       .values_list("pk", flat=True))
    decisions = []
    if rapid_review_policy.sees_decisions(ctx):
        decisions = list(CriteriaDecision.objects.filter(rapid_review=review).select_related("agency"))
    requests = list(request_policy.visible(ctx).filter(rapid_review=review).select_related("agency")) \
        if rapid_review_policy.sees_requests(ctx) else []
    return {
        "review": review, "referral": referral,
        "timeline": timeline(review, deadlines, today),
        "children": [{"row": c, "child": c.child if c.child_id in openable else None} for c in children],
        "decisions": decisions, "requests": requests,
        "notifications": list(referral.notifications.all()),
        "decide_for": sorted(rapid_review_policy.decision_agencies(ctx, review)),
        "may_manage": rapid_review_policy.can(ctx, "manage", review),
        "information_due": information_due(review),
        **review_parts(ctx, review),   # the meeting, the chronology split at it, files, report (ADR 23)
    }

