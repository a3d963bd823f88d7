"""The secure links that open one form without an account: the child's own link (``voice``) and a parent's or
carer's consultation link (``consultation``) are made, checked and turned off here, one way for both.

- The token is ``VOICE_LINK_TOKEN_BYTES`` random bytes (URL-safe), shown once to the person who makes it;
  only its SHA-256 is kept (never in history).
- A link works for one review until that review is held or cancelled, it is replaced or turned off, or
  ``VOICE_LINK_DAYS`` have passed (``reviews.selectors.links.working``).
- The public pages that serve them limit how often they are tried (``reviews.views.voice``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.records import stamp

from ..rules import VOICE_LINK_DAYS, VOICE_LINK_TOKEN_BYTES
from ..selectors.links import OPEN_FOR_VIEWS, token_hash

GONE = "This link does not work any more"


def new_token() -> tuple[str, str]:
    """A new token and the hash that is kept of it."""
    token = secrets.token_urlsafe(VOICE_LINK_TOKEN_BYTES)
    return token, token_hash(token)


def expiry() -> datetime:
    return timezone.now() + timedelta(days=VOICE_LINK_DAYS)


def revoke(link, actor, reason: str) -> None:
    """Turn a link off (kept, with who and why)."""
    link.revoked_at, link.revoked_reason = timezone.now(), reason
    stamp(link, actor, reason)
    link.save(update_fields=["revoked_at", "revoked_reason"])


def revoke_all(links, actor, reason: str) -> None:
    """Turn off every link of ``links`` (a queryset) still on, locked first."""
    for old in links.select_for_update().live().filter(revoked_at__isnull=True):
        revoke(old, actor, reason)


def check_works(link) -> None:
    """Refuse a write through a link that no longer works (locked by the caller, with its review)."""
    if (link.revoked_at is not None or link.entered_in_error_at is not None or link.expires_at <= timezone.now()
            or link.review.status not in OPEN_FOR_VIEWS or link.review.entered_in_error_at is not None):
        raise ValidationError(GONE)


def clean_text(value, limit: int, field: str, errors: dict) -> str:
    """A typed answer: line breaks made one kind, trimmed, at most ``limit`` characters."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        errors[field] = f"Write less than {limit} letters here"
    return text
