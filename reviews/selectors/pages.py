"""Reads shaped for the review pages: one review with everything its page shows, and the social worker's
reviews to prepare. A fixed number of queries each, however many sessions, decisions or reviews there are.
Callers pass records or querysets the policy has already scoped."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from safeguarding.clock.models import Deadline

from ..models import LIVE, OPEN, LegalStatusPeriod, Placement, Plan, Review, ReviewPaper, ReviewSession
from .record import decisions_of, latest_documents, record_of

ROWS = 100  # reviews on the preparation page; more and it says it shows the first ROWS


def review_for_page(qs: QuerySet) -> QuerySet:
    """A review with its child, the child's authority and the IRO (in the fetch)."""
    return qs.select_related("episode__child__local_authority", "iro")


def deadlines_of(reviews: list[Review], papers: list[ReviewPaper]) -> list[Deadline]:
    """Every deadline of these reviews and their papers (one query), in due order."""
    review_ct = ContentType.objects.get_for_model(Review)
    paper_ct = ContentType.objects.get_for_model(ReviewPaper)
    return list(Deadline.objects.filter(
        Q(subject_type=review_ct, subject_id__in=[r.pk for r in reviews])
        | Q(subject_type=paper_ct, subject_id__in=[p.pk for p in papers])).order_by("due_date", "id"))


@dataclass
class ReviewPageData:
    sessions: list
    record: object
    decisions: list
    documents: dict
    papers: list
    deadlines: dict  # rule key -> the review's deadline under it (the latest)
    paper_deadlines: dict  # paper id -> its deadline
    placement: object
    legal_status: object
    open_decisions: int = field(default=0)


def review_page(review: Review) -> ReviewPageData:
    """Everything the review page shows (nine queries, whatever the numbers)."""
    episode = review.episode
    papers = list(ReviewPaper.objects.live().filter(review=review).order_by("kind"))
    deadlines, paper_deadlines = {}, {}
    paper_ct = ContentType.objects.get_for_model(ReviewPaper)
    for d in deadlines_of([review], papers):
        if d.subject_type_id == paper_ct.pk:
            paper_deadlines[d.subject_id] = d
        else:
            deadlines[d.rule_key] = d
    decisions = decisions_of(review)
    return ReviewPageData(
        sessions=list(ReviewSession.objects.live().filter(review=review).order_by("held_on", "id")),
        record=record_of(review), decisions=decisions, documents=latest_documents(review), papers=papers,
        deadlines=deadlines, paper_deadlines=paper_deadlines,
        placement=Placement.objects.filter(OPEN, episode=episode).first(),
        legal_status=LegalStatusPeriod.objects.filter(OPEN, episode=episode).first(),
        open_decisions=sum(1 for d in decisions if d.is_open),
    )


@dataclass
class PreparationRow:
    review: Review
    contact: Deadline | None
    papers: list  # [(paper, its deadline)]


def to_prepare(qs: QuerySet) -> tuple[list[PreparationRow], bool]:
    """The reviews in ``qs`` booked and not yet held, the soonest first, each with the social worker's
    contact deadline and the plans the IRO must have with theirs (three queries), and whether there were
    more than ``ROWS``."""
    reviews = list(qs.filter(LIVE, status=Review.Status.SCHEDULED)
                   .select_related("episode__child", "iro").order_by("planned_for", "id")[:ROWS + 1])
    more, reviews = len(reviews) > ROWS, reviews[:ROWS]
    papers = list(ReviewPaper.objects.live().filter(review__in=reviews).order_by("review_id", "kind"))
    review_ct = ContentType.objects.get_for_model(Review)
    by_subject = {(d.subject_type_id, d.subject_id): d for d in deadlines_of(reviews, papers)
                  if d.rule_key in ("lac_review_sw_contact", "lac_review_papers")}
    paper_ct = ContentType.objects.get_for_model(ReviewPaper)
    rows = []
    for review in reviews:
        rows.append(PreparationRow(
            review=review, contact=by_subject.get((review_ct.pk, review.pk)),
            papers=[(p, by_subject.get((paper_ct.pk, p.pk))) for p in papers if p.review_id == review.pk]))
    return rows, more


def plans_for_episodes(episode_ids: list[int]) -> dict[int, dict[str, Plan]]:
    """The current version of each plan of these periods of care, by period and kind (one query)."""
    out: dict[int, dict[str, Plan]] = {}
    for plan in Plan.objects.live().filter(episode_id__in=episode_ids).order_by("episode_id", "kind", "-version"):
        out.setdefault(plan.episode_id, {}).setdefault(plan.kind, plan)
    return out


def paper_of(review: Review, kind: str) -> ReviewPaper | None:
    return ReviewPaper.objects.live().filter(review=review, kind=kind).first()
