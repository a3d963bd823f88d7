"""Reads for the child's own voice: the link a token opens (and nothing else), and a review's consultation.
The link rules are the same for every kind of link (``reviews.selectors.links``)."""

from __future__ import annotations

from ..models import ChildConsultation, ChildVoiceLink, Review
from .links import OPEN_FOR_VIEWS, token_hash, working

__all__ = ["OPEN_FOR_VIEWS", "consultations_of", "link_for_token", "live_links_of", "token_hash"]


def link_for_token(token: str) -> ChildVoiceLink | None:
    """The link this token opens, if it still works (live, not turned off or replaced, not expired, its review
    not yet held or cancelled), with its review, child and the child's consultation so far: one query. None
    for anything else, the same whatever the reason."""
    links = working(ChildVoiceLink.objects.all(), token)
    if links is None:
        return None
    return links.select_related("review__episode__child", "review__iro", "consultation").first()


def consultations_of(review: Review) -> list[ChildConsultation]:
    """What the child (or their advocate) said through their links for this review, the latest first."""
    return list(ChildConsultation.objects.filter(review=review).select_related("link")
                .order_by("-saved_at", "-id"))


def live_links_of(review: Review) -> list[ChildVoiceLink]:
    """The review's links that still work or could (not turned off or replaced), newest first."""
    return list(ChildVoiceLink.objects.live().filter(review=review, revoked_at__isnull=True)
                .order_by("-created_at", "-id"))
