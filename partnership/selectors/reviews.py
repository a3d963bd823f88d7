"""Practice reviews and action plans, shaped for their pages and the API (ADR 24): the review page, the action
tracker (every action of every review, filterable, in a fixed number of statements), an agency's own actions,
the library of learning summaries and the learning themes by year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency
from safeguarding.clock.models import Deadline
from safeguarding.uploads.selectors import live_upload_count

from ..models import LearningTheme, PracticeReview, Recommendation, Referral, ReviewAction
from ..policies import action_agencies, action_policy, practice_review_policy
from .choices import agencies


def with_evidence_count(qs: QuerySet) -> QuerySet:
    """Each action with ``evidence_count``: its live uploads not found infected (a subquery, no extra statement)."""
    return qs.annotate(evidence_count=live_upload_count(ReviewAction))


def _shaped(qs: QuerySet) -> QuerySet:
    return with_evidence_count(qs.select_related("owner_agency", "review", "recommendation"))


def is_overdue(action: ReviewAction, today: date) -> bool:
    return action.is_open and action.due_on < today


@dataclass(frozen=True)
class TrackerFilters:
    agency: Agency | None = None
    status: str = ""          # a ReviewAction.Status, or "overdue"


def tracker(*, ctx: AccessContext, today: date, filters: TrackerFilters = TrackerFilters()) -> dict:
    """Every action ``ctx`` may see across all reviews, filtered by agency and status ("overdue": open and past
    its date), soonest due first; with the counts by status and overdue (three statements in all)."""
    base = action_policy.visible(ctx, "view")
    if filters.agency is not None:
        base = base.filter(owner_agency=filters.agency)
    counts = base.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(status__in=ReviewAction.OPEN, due_on__lt=today)),
        **{s: Count("pk", filter=Q(status=s)) for s in ReviewAction.Status.values})
    rows = base
    if filters.status == "overdue":
        rows = rows.filter(status__in=ReviewAction.OPEN, due_on__lt=today)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    actions = list(_shaped(rows).order_by("due_on", "review__reference", "number"))
    return {"actions": [{"action": a, "overdue": is_overdue(a, today)} for a in actions], "counts": counts,
            "agencies": tracker_agencies(ctx)}


def tracker_agencies(ctx: AccessContext) -> list[Agency]:
    """The agencies that own an action ``ctx`` may see (the tracker's filter; one statement)."""
    return agencies(action_policy.visible(ctx, "view").values("owner_agency_id"), active_only=False)


def agency_for_filter(ctx: AccessContext, public_id: str) -> Agency | None:
    return next((a for a in tracker_agencies(ctx) if str(a.public_id) == public_id), None)


def my_actions(*, ctx: AccessContext, today: date) -> list[dict]:
    """The actions owned by ``ctx``'s agencies (an agency lead's page): open ones first, soonest due first."""
    own = action_agencies(ctx)
    rows = _shaped(action_policy.visible(ctx, "view").filter(owner_agency_id__in=sorted(own)))
    actions = sorted(rows, key=lambda a: (not a.is_open, a.due_on, a.number))
    return [{"action": a, "overdue": is_overdue(a, today)} for a in actions]


def review_deadline(review: PracticeReview) -> Deadline | None:
    ct = ContentType.objects.get_for_model(PracticeReview)
    return (Deadline.objects.filter(subject_type=ct, subject_id=review.pk).exclude(status=Deadline.Status.CANCELLED)
            .order_by("-created_at", "-id").first())


def review_page(*, ctx: AccessContext, review: PracticeReview, today: date) -> dict:
    """Everything the review's page shows: its deadline, drafts, and recommendations with their actions."""
    from ..services.reviews import publication_gaps

    actions = Prefetch("actions", queryset=_shaped(ReviewAction.objects.all()).order_by("number"))
    recommendations = list(Recommendation.objects.filter(review=review).prefetch_related(actions).order_by("number"))
    deadline = review_deadline(review)
    for rec in recommendations:
        rec.rows = [{"action": a, "overdue": is_overdue(a, today)} for a in rec.actions.all()]
    late = bool(deadline and deadline.is_open and deadline.due_date < today)
    return {
        "review": review, "deadline": deadline, "late": late,
        "drafts": list(review.drafts.order_by("number")),
        "recommendations": recommendations,
        "themes": [LearningTheme(t).label for t in review.themes],
        "may_manage": practice_review_policy.can(ctx, "manage", review),
        "may_plan": practice_review_policy.can(ctx, "plan", review),
        "gaps": publication_gaps(review) if review.status == PracticeReview.Status.IN_PROGRESS else {},
    }


def reviews_list(*, ctx: AccessContext, today: date) -> dict:
    """The practice reviews ``ctx`` may see (in progress, then published), each with its due date and whether
    it is late (two statements), and for the business unit the referrals a review may start from."""
    reviews = list(practice_review_policy.visible(ctx, "view").select_related("referral__local_authority")
                   .order_by("status", "decided_on", "id"))
    ct = ContentType.objects.get_for_model(PracticeReview)
    due = dict(Deadline.objects.filter(subject_type=ct, subject_id__in=[r.pk for r in reviews])
               .exclude(status=Deadline.Status.CANCELLED).order_by("created_at").values_list("subject_id", "due_date"))
    rows = [{"review": r, "due": due.get(r.pk),
             "late": r.status == PracticeReview.Status.IN_PROGRESS and due.get(r.pk) is not None
             and due[r.pk] < today} for r in reviews]
    return {"reviews": rows, "startable": startable_referrals(ctx) if practice_review_policy.can_start(ctx) else []}


def startable_referrals(ctx: AccessContext) -> list[Referral]:
    """Referrals a practice review may start from: with a rapid review, or triaged as a learning review; and
    none started yet (the business unit only; one statement)."""
    if not practice_review_policy.can_start(ctx):
        return []
    return list(Referral.objects.filter(Q(rapid_review__isnull=False) | Q(triage=Referral.Triage.LEARNING_REVIEW),
                                        practice_review__isnull=True)
                .select_related("local_authority", "referring_agency").order_by("aware_on", "id"))


def startable_referral(ctx: AccessContext, public_id) -> Referral | None:
    return next((r for r in startable_referrals(ctx) if str(r.public_id) == str(public_id)), None)


def library(*, ctx: AccessContext, theme: str = "") -> list[PracticeReview]:
    """The published reviews' learning summaries ``ctx`` may read, newest first (one statement)."""
    qs = practice_review_policy.visible(ctx, "summary")
    if theme:
        qs = qs.filter(themes__contains=[theme])
    return list(qs.order_by("-published_on", "-id"))


def themes_by_year(*, ctx: AccessContext) -> dict:
    """The learning themes counted by the year each review was decided (the yearly report's table): rows by
    theme (the vocabulary's order, themes never tagged left out), columns by year (one statement)."""
    rows = practice_review_policy.visible(ctx, "view").values_list("themes", "decided_on")
    counts: Counter = Counter()
    years: set[int] = set()
    for themes, decided_on in rows:
        years.add(decided_on.year)
        for theme in themes:
            counts[(theme, decided_on.year)] += 1
    years_sorted = sorted(years)
    table = [{"theme": theme.label, "key": theme.value, "counts": [counts[(theme.value, y)] for y in years_sorted],
              "total": sum(counts[(theme.value, y)] for y in years_sorted)}
             for theme in LearningTheme if any(counts[(theme.value, y)] for y in years_sorted)]
    return {"years": years_sorted, "table": table,
            "reviews_by_year": [sum(1 for _t, d in rows if d.year == y) for y in years_sorted]}
