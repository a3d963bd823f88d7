"""The review page and the pages that run a review (filled in by the next step)."""

from __future__ import annotations

from django.http import Http404
from django.views import View

from safeguarding.pages import NO_SUCH_RECORD


class ReviewView(View):
    """The review page (not built yet: 404)."""

    def get(self, request, *args, **kwargs):
        raise Http404(NO_SUCH_RECORD)


class RatifyView(ReviewView):
    """The manager's ratification (not built yet: 404)."""
