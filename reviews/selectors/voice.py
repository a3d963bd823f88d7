"""Reads for the child's own voice: the link a token opens (and nothing else), and a review's consultation."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from ..models import ChildConsultation, ChildVoiceLink, Review

OPEN_FOR_VIEWS = (Review.Status.REQUESTED, Review.Status.SCHEDULED)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for_token(token: str) -> ChildVoiceLink | None:
    """The link this token opens, if it still works (live, not turned off or replaced, not expired, its review
    not yet held or cancelled), with its review, child and the child's consultation so far: one query. None
    for anything else, the same whatever the reason."""
    if not token or len(token) > 200:
        return None
    return (ChildVoiceLink.objects.live()
            .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                    review__status__in=OPEN_FOR_VIEWS, review__entered_in_error_at__isnull=True)
            .select_related("review__episode__child", "review__iro", "consultation").first())


def consultations_of(review: Review) -> list[ChildConsultation]:
    """What the child (or their advocate) said through their links for this review, the latest first."""
    return list(ChildConsultation.objects.filter(review=review).select_related("link")
                .order_by("-saved_at", "-id"))


def live_links_of(review: Review) -> list[ChildVoiceLink]:
    """The review's links that still work or could (not turned off or replaced), newest first."""
    return list(ChildVoiceLink.objects.live().filter(review=review, revoked_at__isnull=True)
                .order_by("-created_at", "-id"))
