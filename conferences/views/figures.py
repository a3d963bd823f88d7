"""``/conferences/figures/``: the child protection service's figures (children on a plan by category, plans
started first or repeat, plans open by length) with charts, tables and CSV downloads, each row opening
``/conferences/figures/plans/``, the plans it counts, each child named with a link. For the service managers
and the conference service of a local authority (``plan_policy.sees_figures``); anyone else: 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.figures import figure_csv
from safeguarding.figures.forms import PeriodForm
from safeguarding.figures.views import default_period

from ..policies import plan_policy
from ..selectors.figures import FIGURES, plan_figures, plans_behind
from .base import NO_SUCH_RECORD

PAGE_SIZE = 50
PERIOD_FIELDS = ("start_day", "start_month", "start_year", "end_day", "end_month", "end_year")


class FiguresBase(PolicyViewMixin, TemplateView):
    abstract = True
    policy = plan_policy

    def dispatch(self, request, *args, **kwargs):
        if not plan_policy.sees_figures(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def period(self):
        today = timezone.localdate()
        start, end = default_period(today)
        form = PeriodForm(self.request.GET or None, initial={"start": start, "end": end})
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        base = {"start_day": start.day, "start_month": start.month, "start_year": start.year,
                "end_day": end.day, "end_month": end.month, "end_year": end.year}
        return form, start, end, today, base


class PlanFiguresView(FiguresBase):
    template_name = "conferences/figures.html"

    def get(self, request, *args, **kwargs):
        form, start, end, today, base = self.period()

        def link(figure: str, value: str) -> str:
            return f"{reverse('conferences:figures_plans')}?{urlencode({**base, 'figure': figure, 'value': value})}"

        figures = plan_figures(self.get_queryset(), start=start, end=end, today=today, link=link)
        wanted = request.GET.get("csv")
        if wanted:
            figure = next((f for f in figures if f.key == wanted), None)
            if figure is None:
                raise Http404(NO_SUCH_RECORD)
            return figure_csv(figure, period=f"{start:%Y-%m-%d} to {end:%Y-%m-%d}")
        csv_base = f"?{urlencode(base)}&csv="
        timeliness = f"{reverse('figures:timeliness')}?{urlencode({**base, 'service': 'child_protection'})}"
        return self.render_to_response(self.get_context_data(
            form=form, invalid=form.is_bound and not form.is_valid(), start=start, end=end, today=today,
            figures=[(f, csv_base + f.key) for f in figures], timeliness_url=timeliness))


class PlanFigureListView(FiguresBase):
    """The plans behind one row of a figure, paginated."""

    template_name = "conferences/figures_plans.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, start, end, today, base = self.period()
        figure, value = self.request.GET.get("figure", ""), self.request.GET.get("value", "")
        plans = plans_behind(self.get_queryset(), figure=figure if figure in FIGURES else "", value=value,
                             start=start, end=end, today=today)
        if plans is None:
            raise Http404(NO_SUCH_RECORD)
        shown = next(f for f in plan_figures(self.get_queryset().none(), start=start, end=end, today=today,
                                             link=lambda *a: "") if f.key == figure)
        row = next(r for r in shown.rows if r.key == value)
        page = Paginator(plans, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx.update(figure=shown, row=row, page_obj=page, start=start, end=end, today=today,
                   back_url=f"{reverse('conferences:figures')}?{urlencode(base)}#figure-{figure}",
                   page_query=urlencode({k: v for k, v in self.request.GET.items() if k != "page"}))
        return ctx
