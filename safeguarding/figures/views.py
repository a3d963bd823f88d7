"""``/figures/timeliness/``: managers' timeliness figures for a service over a period (by default the last
twelve months): a trend line by month, bars by team and by deadline, their tables and CSV downloads, each row
drilling down to ``/figures/timeliness/deadlines/``, the list of the deadlines it counts. Who sees what is the
deadline policy's: a team manager their teams', a service manager their authority's; anyone else: 404."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.clock import rules, workdays
from safeguarding.clock import selectors as clock
from safeguarding.clock.policies import deadline_policy
from safeguarding.pages import NO_SUCH_RECORD

from . import pages
from .csv import figure_csv
from .forms import DrillForm, TimelinessForm
from .timeliness import rule_keys, timeliness_figures

PAGE_SIZE = 50
PERIOD_FIELDS = ("service", "start_day", "start_month", "start_year", "end_day", "end_month", "end_year")


def default_period(today: date) -> tuple[date, date]:
    return workdays.add_months(today, -11).replace(day=1), today  # twelve months, this one included


class FiguresIndexView(TemplateView):
    """``/figures/``: the figures pages this person may open; none: the missing page."""

    template_name = "figures/index.html"

    def get_context_data(self, **kwargs):
        shown = pages.pages_for(self.request.access)
        if not shown:
            raise Http404(NO_SUCH_RECORD)
        return {**super().get_context_data(**kwargs), "pages": shown}


class ManagersOnly(PolicyViewMixin):
    abstract = True
    policy = deadline_policy
    action = "accept_late"  # the managers' scope: their teams, or their authority's

    def dispatch(self, request, *args, **kwargs):
        if not deadline_policy.is_manager(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def period(self, form_class):
        today = timezone.localdate()
        start, end = default_period(today)
        initial = {"service": rules.Service.CHILD_PROTECTION.value, "start": start, "end": end}
        form = form_class(self.request.GET or None, initial=initial)
        service = initial["service"]
        data = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            service, start, end = data["service"], data["start"], data["end"]
        return form, service, start, end, today, data


class TimelinessView(ManagersOnly, TemplateView):
    template_name = "figures/timeliness.html"

    def get(self, request, *args, **kwargs):
        form, service, start, end, today, _ = self.period(TimelinessForm)
        base = {"service": service, "start_day": start.day, "start_month": start.month, "start_year": start.year,
                "end_day": end.day, "end_month": end.month, "end_year": end.year}

        def link(**filters) -> str:
            return f"{reverse('figures:timeliness_deadlines')}?{urlencode({**base, **filters})}"

        figures = timeliness_figures(self.get_queryset(), service=service, start=start, end=end, link=link,
                                     today=today)
        wanted = request.GET.get("csv")
        if wanted:
            figure = next((f for f in figures if f.key == wanted), None)
            if figure is None:
                raise Http404(NO_SUCH_RECORD)
            return figure_csv(figure, period=f"{start:%Y-%m-%d} to {end:%Y-%m-%d}")
        csv_base = f"?{urlencode(base)}&csv="
        context = self.get_context_data(form=form, invalid=form.is_bound and not form.is_valid(), start=start,
                                        end=end, service_label=rules.Service(service).label,
                                        figures=[(f, csv_base + f.key) for f in figures])
        return self.render_to_response(context)


class TimelinessDeadlinesView(ManagersOnly, TemplateView):
    """The deadlines behind one row of a timeliness figure (the same scope, period and buckets), paginated."""

    template_name = "figures/timeliness_deadlines.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, service, start, end, today, data = self.period(DrillForm)
        scoped = self.get_queryset()
        keys = rule_keys(service)
        described = []
        if data.get("rule"):
            keys = [k for k in keys if k == data["rule"]]
            if keys:
                described.append(rules.get(keys[0]).title)
        if data.get("month"):
            year, month = (int(p) for p in data["month"].split("-"))
            first = date(year, month, 1)
            start, end = max(start, first), min(end, workdays.add_months(first, 1) - timedelta(days=1))
            described.append(f"{first:%B %Y}")
        if data.get("team"):
            team_id = None if data["team"] == "none" else int(data["team"])
            scoped = clock.for_team_id(scoped, team_id)
            described.append("one team" if team_id else "no team")
        deadlines = clock.timeliness_deadlines(scoped, start=start, end=end, rule_keys=keys,
                                               bucket=data.get("bucket", ""), today=today)
        page = Paginator(deadlines, PAGE_SIZE).get_page(self.request.GET.get("page"))
        known = rules.all_rules()
        w = clock.window(today=today)
        back = {k: v for k, v in self.request.GET.items() if k in PERIOD_FIELDS}
        ctx.update(form=form, invalid=form.is_bound and not form.is_valid(), start=start, end=end,
                   service_label=rules.Service(service).label, described=described, page_obj=page,
                   rows=[(d, known.get(d.rule_key), clock.display_status(d, w)) for d in page.object_list],
                   back_url=f"{reverse('figures:timeliness')}?{urlencode(back)}",
                   page_query=urlencode({k: v for k, v in self.request.GET.items() if k != "page"}))
        return ctx


app_name = "figures"
urlpatterns = [
    path("figures/", FiguresIndexView.as_view(), name="index"),
    path("figures/timeliness/", TimelinessView.as_view(), name="timeliness"),
    path("figures/timeliness/deadlines/", TimelinessDeadlinesView.as_view(), name="timeliness_deadlines"),
]
