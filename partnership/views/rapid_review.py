"""The partnership's pages: the dashboard (open rapid reviews on their timeline) and the rapid review page.
Anyone the policies do not let in gets the same 404 as for a record that does not exist."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD

from ..policies import rapid_review_policy, referral_policy
from ..selectors import dashboard, rapid_review_page


class DashboardView(TemplateView):
    template_name = "partnership/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not referral_policy.sees_dashboard(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return {**super().get_context_data(**kwargs), **dashboard(ctx=self.request.access, today=today),
                "today": today}


class RapidReviewView(TemplateView):
    template_name = "partnership/rapid_review.html"

    def get_context_data(self, **kwargs):
        access = self.request.access
        review = rapid_review_policy.get_for(access, kwargs["public_id"], "view",
                                             shape=lambda qs: qs.select_related("referral"),
                                             answers=("manage", "record_meeting", "report", "record_response"))
        today = timezone.localdate()
        return {**super().get_context_data(**kwargs), **rapid_review_page(ctx=access, review=review, today=today),
                "today": today}
