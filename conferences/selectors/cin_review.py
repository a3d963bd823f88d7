"""Reads for the child in need review after a plan ended: the open reviews with the date each is due by (one
query, however many), one review for its page. Callers pass querysets the policy has already scoped
(``cin_review_policy``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, QuerySet, Subquery

from safeguarding.clock.models import Deadline

from ..models import ChildInNeedReview

RULE = "cin_review_after_plan"
ROWS = 200  # reviews on the list page; more and it says it shows the first ROWS


def _due() -> Subquery:
    ct = ContentType.objects.get_for_model(ChildInNeedReview)
    return Subquery(Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk"), rule_key=RULE,
                                            status__in=Deadline.OPEN_STATUSES)
                    .order_by("due_date", "id").values("due_date")[:1])


def open_cin_reviews(qs: QuerySet) -> QuerySet:
    """The reviews in ``qs`` not yet held or cancelled, each with ``due`` (the date it is due by), the child,
    the plan and the chair; the soonest due first."""
    return (qs.filter(status__in=(ChildInNeedReview.Status.DUE, ChildInNeedReview.Status.SCHEDULED))
            .annotate(due=_due()).select_related("child", "plan", "chair")
            .order_by(F("due").asc(nulls_last=True), "pk"))


def cin_review_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("child__local_authority", "child__allocated_team", "plan", "chair", "conference")


def cin_review_deadline(review: ChildInNeedReview) -> Deadline | None:
    """The review's deadline: the open one, or the last (met or cancelled) for a review held or cancelled."""
    ct = ContentType.objects.get_for_model(ChildInNeedReview)
    return (Deadline.objects.filter(subject_type=ct, subject_id=review.pk, rule_key=RULE)
            .order_by("-created_at", "-id").first())
