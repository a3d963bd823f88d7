"""``/reviews/timeliness/``: the IRO manager's timeliness of the looked-after service over a period (by
default the last twelve months): the share met on time month by month as a chart, and the numbers rule by
rule and month by month as tables. Anyone else: 404."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.figures.views import default_period
from safeguarding.pages import NO_SUCH_RECORD

from ..policies import episode_policy, oversight_policy
from ..selectors.timeliness import service_timeliness
from .forms_between import PeriodForm


class TimelinessView(TemplateView):
    template_name = "reviews/timeliness.html"

    def dispatch(self, request, *args, **kwargs):
        if not oversight_policy.sees_the_service(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        default_start, _ = default_period(today)  # twelve months, this one included
        form = PeriodForm(self.request.GET or None, initial={"start": default_start, "end": today})
        start, end = default_start, today
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        by_rule, by_month = service_timeliness(authorities=episode_policy.service_authorities(self.request.access),
                                               start=start, end=end)
        ctx.update(form=form, invalid=form.is_bound and not form.is_valid(), start=start, end=end,
                   by_rule=[row for row in by_rule if row.decided or row.to_come], by_month=by_month,
                   today=today)
        return ctx
