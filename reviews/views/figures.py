"""``/reviews/figures/``: the IRO service's figures (participation codes of the reviews held in a period,
reviews by number) with charts, tables and CSV downloads, each row opening ``/reviews/figures/reviews/``, the
reviews it counts with each child named. For the IRO manager (``oversight_policy.sees_the_service``); anyone
else: 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from safeguarding.figures.views import FigureListView, PeriodFiguresView

from ..policies import oversight_policy, review_policy
from ..selectors.figures import FIGURES, review_figures, reviews_behind


class ReviewFigures:
    policy = review_policy
    list_url_name = "reviews:figures_reviews"
    page_url_name = "reviews:figures"

    def allowed(self, ctx) -> bool:
        return oversight_policy.sees_the_service(ctx)

    def figures(self, *, start, end, today, link, empty=False):
        reviews = self.get_queryset()
        return review_figures(reviews.none() if empty else reviews, start=start, end=end, link=link)


class ReviewFiguresView(ReviewFigures, PeriodFiguresView):
    template_name = "reviews/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["timeliness_url"] = f"{reverse('reviews:timeliness')}?{urlencode(ctx['base'])}"
        return ctx


class ReviewFigureListView(ReviewFigures, FigureListView):
    template_name = "reviews/figures_reviews.html"

    def records(self, *, figure, value, start, end, today):
        return reviews_behind(self.get_queryset(), figure=figure if figure in FIGURES else "", value=value,
                              start=start, end=end)
