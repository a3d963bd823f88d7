"""Reads about a child's period of care: what is current (placement, legal status, IRO, plans) and the
review deadline it works to. Callers pass records the policy has already fetched."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline

from ..models import OPEN, IroAllocation, LegalStatusPeriod, LookedAfterEpisode, Placement, Plan, Review
from ..rules import REVIEW_RULES


def current_placement(episode: LookedAfterEpisode) -> Placement | None:
    return Placement.objects.filter(OPEN, episode=episode).first()


def current_legal_status(episode: LookedAfterEpisode) -> LegalStatusPeriod | None:
    return LegalStatusPeriod.objects.filter(OPEN, episode=episode).first()


def current_allocation(episode: LookedAfterEpisode) -> IroAllocation | None:
    return IroAllocation.objects.filter(OPEN, episode=episode).select_related("iro").first()


def open_episode_of(child) -> LookedAfterEpisode | None:
    """The child's current period of care, if they are looked after now."""
    return LookedAfterEpisode.objects.filter(OPEN, child=child).first()


def placements_of(episode: LookedAfterEpisode) -> list[Placement]:
    """Every placement of the period, the latest first (the history of moves)."""
    return list(Placement.objects.live().filter(episode=episode).order_by("-start_date", "-id"))


def legal_statuses_of(episode: LookedAfterEpisode) -> list[LegalStatusPeriod]:
    return list(LegalStatusPeriod.objects.live().filter(episode=episode).order_by("-start_date", "-id"))


def current_plans(episode: LookedAfterEpisode) -> dict[str, Plan]:
    """The current (latest) version of each of the child's plans, by kind (one query)."""
    out: dict[str, Plan] = {}
    for plan in Plan.objects.live().filter(episode=episode).order_by("kind", "-version"):
        out.setdefault(plan.kind, plan)
    return out


def review_deadline(episode: LookedAfterEpisode) -> Deadline | None:
    """The open deadline the next review must be held by (first, second or next)."""
    return clock.open_deadlines_for(episode, *REVIEW_RULES).first()


def episode_deadlines(episode: LookedAfterEpisode):
    """Every deadline of the period of care, in due order (met and cancelled ones too)."""
    ct = ContentType.objects.get_for_model(LookedAfterEpisode)
    return Deadline.objects.filter(subject_type=ct, subject_id=episode.pk).order_by("due_date", "id")


def held_reviews(episode: LookedAfterEpisode) -> list[Review]:
    return list(Review.objects.live().filter(episode=episode, status=Review.Status.HELD).order_by("held_on", "id"))


def open_review(episode: LookedAfterEpisode) -> Review | None:
    """The review requested or booked and not yet held, if any (one at a time)."""
    return (Review.objects.live().filter(episode=episode, status__in=(Review.Status.REQUESTED,
                                                                       Review.Status.SCHEDULED))
            .order_by("id").first())
