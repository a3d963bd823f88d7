"""``/partnership/figures/``: the partnership's figures (rapid review steps on time, step by step and month by
month; review actions by owner agency) with charts, tables and CSV downloads; a step's row opens
``/partnership/figures/rapid-reviews/``, the rapid reviews it counts. For the business unit
(``rapid_review_policy.sees_figures``); anyone else: 404."""

from __future__ import annotations

from safeguarding.figures.views import FigureListView, PeriodFiguresView

from ..policies import action_policy, escalation_policy, rapid_review_policy
from ..selectors.figures import FIGURES, escalation_figures, partnership_figures, reviews_behind


class PartnershipFigures:
    policy = rapid_review_policy
    list_url_name = "partnership:figures_reviews"
    page_url_name = "partnership:figures"

    def allowed(self, ctx) -> bool:
        return rapid_review_policy.sees_figures(ctx)

    def figures(self, *, start, end, today, link, empty=False):
        reviews = self.get_queryset()
        actions = action_policy.visible(self.access, "view") if action_policy.sees_tracker(self.access) else None
        if empty:
            reviews, actions = reviews.none(), None
        figures = partnership_figures(reviews, actions, start=start, end=end, today=today, link=link)
        if not empty and escalation_policy.sees_register(self.access):
            figures += escalation_figures(escalation_policy.visible(self.access, "view"))
        return figures


class PartnershipFiguresView(PartnershipFigures, PeriodFiguresView):
    template_name = "partnership/figures.html"


class PartnershipFigureListView(PartnershipFigures, FigureListView):
    template_name = "partnership/figures_reviews.html"

    def records(self, *, figure, value, start, end, today):
        return reviews_behind(self.get_queryset(), figure=figure if figure in FIGURES else "", value=value,
                              start=start, end=end, today=today)
