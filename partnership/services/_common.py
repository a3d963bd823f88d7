"""What the partnership's services share."""

from __future__ import annotations

from django.http import Http404

from safeguarding.access.context import AccessContext


def ctx_for(actor) -> AccessContext:
    return AccessContext.for_user(actor)


def require(allowed: bool) -> None:
    """A re-checked policy answer: refused looks like missing (the pages' 404)."""
    if not allowed:
        raise Http404("No such record")
