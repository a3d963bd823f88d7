"""Reads for the secure links that open one form without an account (the child's own link, a parent's or
carer's consultation link): the token's hash, and the one rule for a link that still works, whatever its kind.
A link that opens nothing is None, the same whatever the reason."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from ..models import Review

# The reviews a link works for: asked for or booked (not yet held, not cancelled)
OPEN_FOR_VIEWS = (Review.Status.REQUESTED, Review.Status.SCHEDULED)
TOKEN_MAX = 200  # longer is not a token of ours: refused before any query


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def working(links: QuerySet, token: str) -> QuerySet | None:
    """The links in ``links`` (a link model's queryset) this token opens while they still work: live, not
    turned off or replaced, not expired, their review asked for or booked and live. None for a token that
    cannot be one."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return links.live().filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                               review__status__in=OPEN_FOR_VIEWS, review__entered_in_error_at__isnull=True)
