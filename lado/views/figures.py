"""``/lado/figures/``: the LADO service's figures for its yearly report (and FOI requests): referrals and
consultations by sector, by the person's employment, within a working day, outcomes, time to outcome against
the targets, DBS and regulator referrals, repeat subjects; charts, tables, CSV; each row opens
``/lado/figures/referrals/``, the referrals it counts. For the LADO team and manager
(``referral_policy.sees_figures``); anyone else: 404."""

from __future__ import annotations

from safeguarding.figures.views import FigureListView, PeriodFiguresView

from ..policies import consultation_policy, referral_policy
from ..selectors.figures import FIGURES, lado_figures, referrals_behind


class LadoFigures:
    policy = referral_policy
    list_url_name = "lado:figures_referrals"
    page_url_name = "lado:figures"

    def allowed(self, ctx) -> bool:
        return referral_policy.sees_figures(ctx)

    def figures(self, *, start, end, today, link, empty=False):
        referrals = self.get_queryset()
        consultations = consultation_policy.visible(self.access, "view")
        if empty:
            referrals, consultations = referrals.none(), consultations.none()
        return lado_figures(referrals, consultations, start=start, end=end, link=link)


class LadoFiguresView(LadoFigures, PeriodFiguresView):
    template_name = "lado/figures.html"


class LadoFigureListView(LadoFigures, FigureListView):
    template_name = "lado/figures_referrals.html"

    def records(self, *, figure, value, start, end, today):
        return referrals_behind(self.get_queryset(), figure=figure if figure in FIGURES else "", value=value,
                                start=start, end=end)
