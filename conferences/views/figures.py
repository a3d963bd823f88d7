"""``/conferences/figures/``: the child protection service's figures (children on a plan by category, plans
started first or repeat, plans open by length) with charts, tables and CSV downloads, each row opening
``/conferences/figures/plans/``, the plans it counts, each child named with a link. For the service managers
and the conference service of a local authority (``plan_policy.sees_figures``); anyone else: 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from safeguarding.figures.views import FigureListView, PeriodFiguresView

from ..policies import plan_policy
from ..selectors.figures import FIGURES, plan_figures, plans_behind


class PlanFigures:
    policy = plan_policy
    list_url_name = "conferences:figures_plans"
    page_url_name = "conferences:figures"

    def allowed(self, ctx) -> bool:
        return plan_policy.sees_figures(ctx)

    def figures(self, *, start, end, today, link, empty=False):
        plans = self.get_queryset()
        return plan_figures(plans.none() if empty else plans, start=start, end=end, today=today, link=link)


class PlanFiguresView(PlanFigures, PeriodFiguresView):
    template_name = "conferences/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["timeliness_url"] = (f"{reverse('figures:timeliness')}?"
                                 f"{urlencode({**ctx['base'], 'service': 'child_protection'})}")
        return ctx


class PlanFigureListView(PlanFigures, FigureListView):
    template_name = "conferences/figures_plans.html"

    def records(self, *, figure, value, start, end, today):
        return plans_behind(self.get_queryset(), figure=figure if figure in FIGURES else "", value=value,
                            start=start, end=end, today=today)
