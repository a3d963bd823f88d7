"""Reads for the statutory returns (``returns``, ADR 27): one local authority's periods of care over a
collection year, each with its SSDA903 episodes and reviews (``reviews.ssda903`` writes them) and what
Ofsted's Annex A asks about the child in care, as plain rows (no models leave this module).

The callers (``returns``) decide who may read them (``returns.policies``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from .. import ssda903
from ..models import IroAllocation, LookedAfterEpisode, Plan
from ..ssda903 import EpisodeRow, ReviewRow


@dataclass(frozen=True)
class ReturnPeriod:
    child_id: int
    public_id: str
    start_date: date
    end_date: date | None
    end_reason: str
    episodes: tuple[EpisodeRow, ...]
    reviews: tuple[ReviewRow, ...]
    permanence_plan: str  # the latest care plan's (label), "" without one
    iro_name: str  # the current (or last) IRO, "" without one


def periods_for_return(*, local_authority_id: int, start: date, end: date) -> list[ReturnPeriod]:
    """The periods of care open at some time from ``start`` to ``end``, oldest first per child."""
    periods = list(
        LookedAfterEpisode.objects.live()
        .filter(child__local_authority_id=local_authority_id, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("child_id", "start_date", "id")
    )
    ids = [p.pk for p in periods]
    care_plans = {}
    for plan in Plan.objects.live().filter(episode__in=ids, kind=Plan.Kind.CARE_PLAN).order_by("version"):
        care_plans[plan.episode_id] = plan.get_permanence_plan_display()
    iros = {}
    for allocation in (IroAllocation.objects.live().filter(episode__in=ids).select_related("iro")
                       .order_by("start_date", "id")):
        iros[allocation.episode_id] = allocation.iro.display_name
    return [
        ReturnPeriod(child_id=p.child_id, public_id=str(p.public_id), start_date=p.start_date, end_date=p.end_date,
                     end_reason=p.end_reason, episodes=tuple(ssda903.episodes(p)), reviews=tuple(ssda903.reviews(p)),
                     permanence_plan=care_plans.get(p.pk, ""), iro_name=iros.get(p.pk, ""))
        for p in periods
    ]


def children_of_parents_for_return(*, parent_ids) -> dict[int, date | None]:
    """The children among ``parent_ids`` the product knows to be parents (the looked-after parent of a child's
    period of care), each with the earliest date of birth of their children (the SSDA903's ``MOTHER`` and
    ``MC_DOB``). One query; the caller (``returns``) decides who may read them."""
    out: dict[int, date | None] = {}
    rows = (LookedAfterEpisode.objects.live().filter(looked_after_parent_id__in=list(parent_ids))
            .values_list("looked_after_parent_id", "child__date_of_birth").order_by("child__date_of_birth"))
    for parent_id, born in rows:
        out.setdefault(parent_id, born)
    return out
