"""Reads for the child's looked-after page and the pages that change a period of care: the period with its
placements and legal statuses (histories), every version of every plan, the IROs, the reviews and the open
deadlines. A fixed number of queries each, however long the histories. Callers pass records or querysets the
policy has already scoped (``reviews.policies.episode_policy``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from safeguarding.clock.models import Deadline

from ..models import IroAllocation, LegalStatusPeriod, LookedAfterEpisode, Placement, Plan, Review
from ..rules import REVIEW_RULES

OPEN_REVIEW = (Review.Status.REQUESTED, Review.Status.SCHEDULED)


def episode_for_page(qs: QuerySet) -> QuerySet:
    """A period of care with its child, the child's authority and the looked-after parent (in the fetch)."""
    return qs.select_related("child__local_authority", "looked_after_parent")


@dataclass
class PlanKind:
    """One kind of plan with its versions, the current (highest) first."""

    kind: str
    label: str
    versions: list = field(default_factory=list)

    @property
    def current(self):
        return self.versions[0] if self.versions else None


@dataclass
class EpisodePageData:
    placements: list  # the latest first; the open one is the current placement
    legal_statuses: list
    plans: list  # [PlanKind] in the order of Plan.Kind, each kind with a version or more
    allocations: list  # the IROs, the latest first
    reviews: list  # the latest first
    iro_due: Deadline | None  # iro_appointment, while open
    review_due: Deadline | None  # the review the period works to (first, second or next), while open

    @property
    def placement(self):
        return next((p for p in self.placements if p.end_date is None), None)

    @property
    def legal_status(self):
        return next((s for s in self.legal_statuses if s.end_date is None), None)

    @property
    def allocation(self):
        return next((a for a in self.allocations if a.end_date is None), None)

    @property
    def open_review(self):
        """The review asked for or booked and not yet held (one at a time)."""
        return next((r for r in sorted(self.reviews, key=lambda r: r.pk) if r.status in OPEN_REVIEW), None)


def episode_page(episode: LookedAfterEpisode) -> EpisodePageData:
    """Everything the looked-after page shows about one period of care (six queries, whatever the numbers)."""
    plans: dict[str, PlanKind] = {k: PlanKind(kind=k, label=label) for k, label in Plan.Kind.choices}
    for plan in Plan.objects.live().filter(episode=episode).order_by("kind", "-version"):
        plans[plan.kind].versions.append(plan)
    ct = ContentType.objects.get_for_model(LookedAfterEpisode)
    due = {}
    for d in Deadline.objects.filter(subject_type=ct, subject_id=episode.pk, status__in=Deadline.OPEN_STATUSES,
                                     rule_key__in=("iro_appointment", *REVIEW_RULES)).order_by("due_date", "id"):
        due.setdefault("iro" if d.rule_key == "iro_appointment" else "review", d)
    return EpisodePageData(
        placements=list(Placement.objects.live().filter(episode=episode).order_by("-start_date", "-id")),
        legal_statuses=list(LegalStatusPeriod.objects.live().filter(episode=episode).order_by("-start_date", "-id")),
        plans=[p for p in plans.values() if p.versions],
        allocations=list(IroAllocation.objects.live().filter(episode=episode).select_related("iro")
                         .order_by("-start_date", "-id")),
        reviews=list(Review.objects.live().filter(episode=episode).select_related("iro")
                     .order_by("-id")),
        iro_due=due.get("iro"), review_due=due.get("review"),
    )


def other_periods(qs: QuerySet, episode: LookedAfterEpisode) -> list[LookedAfterEpisode]:
    """The child's other periods of care in ``qs`` (the ones the person may see), the latest first."""
    return list(qs.filter(child_id=episode.child_id).exclude(pk=episode.pk).order_by("-start_date", "-id"))


def latest_period_of(qs: QuerySet, child_public_id) -> LookedAfterEpisode | None:
    """The child's latest period of care in ``qs`` (the ones the person may see): the open one if any."""
    return qs.filter(child__public_id=child_public_id).order_by("-start_date", "-id").first()
