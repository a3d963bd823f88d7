"""Reads for the statutory returns (``returns``, ADR 27): the child protection facts of one local authority's
children over a collection year, as plain rows (no models leave this module).

The callers (``returns``) decide who may read them (``returns.policies``); these selectors only shape the
rows. Each is a fixed number of queries whatever the number of children.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from safeguarding.clock.services import compute_due

from ..models import ChildProtectionPlan, Conference, Kind
from ..rules import DEADLINE_RULE_FOR_KIND


@dataclass(frozen=True)
class ReturnPlan:
    """A child protection plan open at some time in the period, with the review conferences held under it."""

    child_id: int
    public_id: str
    started_on: date
    ended_on: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: tuple[date, ...]


@dataclass(frozen=True)
class ReturnEnquiry:
    """A section 47 enquiry, as the product holds it: the strategy discussion that asked for an initial (or
    pre-birth) conference, the conference's due date and the day it was held (``None``: not yet)."""

    child_id: int
    conference_public_id: str
    started_on: date
    conference_due: date
    conference_held_on: date | None
    made_plan: bool


def plans_for_return(*, local_authority_id: int, start: date, end: date) -> list[ReturnPlan]:
    plans = list(
        ChildProtectionPlan.objects.live()
        .filter(child__local_authority_id=local_authority_id, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("child_id", "started_on", "id")
    )
    reviews = defaultdict(list)
    for plan_id, held_on in (
        Conference.objects.live()
        .filter(plan__in=[p.pk for p in plans], kind=Kind.REVIEW, held_on__isnull=False,
                status__in=[Conference.Status.HELD, Conference.Status.DECIDED])
        .order_by("held_on", "id").values_list("plan_id", "held_on")
    ):
        reviews[plan_id].append(held_on)
    return [
        ReturnPlan(child_id=p.child_id, public_id=str(p.public_id), started_on=p.started_on, ended_on=p.ended_on,
                   initial_category=p.initial_category, latest_category=p.latest_category,
                   previous_plans=p.previous_plans, reviews=tuple(reviews[p.pk]))
        for p in plans
    ]


def enquiries_for_return(*, local_authority_id: int, start: date, end: date) -> list[ReturnEnquiry]:
    """The initial and pre-birth conferences whose strategy discussion fell in the period (cancelled ones
    left out: a conference that was not needed after all is not an enquiry that led to one)."""
    rows = (
        Conference.objects.live()
        .filter(child__local_authority_id=local_authority_id, kind__in=[Kind.INITIAL, Kind.PRE_BIRTH],
                strategy_discussion_date__range=(start, end))
        .exclude(status=Conference.Status.CANCELLED)
        .order_by("child_id", "strategy_discussion_date", "id")
        .values("child_id", "public_id", "kind", "strategy_discussion_date", "held_on", "plan_id")
    )
    return [
        ReturnEnquiry(child_id=r["child_id"], conference_public_id=str(r["public_id"]),
                      started_on=r["strategy_discussion_date"],
                      conference_due=compute_due(DEADLINE_RULE_FOR_KIND[r["kind"]], r["strategy_discussion_date"]),
                      conference_held_on=r["held_on"], made_plan=r["plan_id"] is not None)
        for r in rows
    ]
