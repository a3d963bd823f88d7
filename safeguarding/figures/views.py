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
from .forms import DrillForm, PeriodForm, TimelinessForm
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


# --- the pattern of an app's figures page and its drill-down list ------------------------------------------


class PeriodFiguresView(PolicyViewMixin, TemplateView):
    """An app's figures page over a period (default the last twelve months): ``allowed(ctx)`` is the policy's
    question (anyone else: the missing page); ``figures(start, end, today, link)`` builds the figures, where
    ``link(figure_key, row_key)`` is the URL of the row's list (``list_url_name``); ``?csv=<figure key>``
    downloads one figure. The template includes ``includes/figure.html`` for each of ``figures``."""

    abstract = True
    list_url_name = ""
    page_url_name = ""

    def allowed(self, ctx) -> bool:
        raise NotImplementedError

    def figures(self, *, start: date, end: date, today: date, link) -> list:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.access):
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

    def link_maker(self, base: dict):
        def link(figure: str, value: str) -> str:
            return f"{reverse(self.list_url_name)}?{urlencode({**base, 'figure': figure, 'value': value})}"
        return link

    def get(self, request, *args, **kwargs):
        form, start, end, today, base = self.period()
        figures = self.figures(start=start, end=end, today=today, link=self.link_maker(base))
        wanted = request.GET.get("csv")
        if wanted:
            figure = next((f for f in figures if f.key == wanted), None)
            if figure is None:
                raise Http404(NO_SUCH_RECORD)
            return figure_csv(figure, period=f"{start:%Y-%m-%d} to {end:%Y-%m-%d}")
        csv_base = f"?{urlencode(base)}&csv="
        return self.render_to_response(self.get_context_data(
            form=form, invalid=form.is_bound and not form.is_valid(), start=start, end=end, today=today, base=base,
            figures=[(f, csv_base + f.key) for f in figures]))


class FigureListView(PeriodFiguresView):
    """The records behind one row of one of the page's figures, paginated: ``records(figure, value, start, end,
    today)`` answers the queryset (None: no such row, the missing page), through the same policy and filter as
    the figure; the figure and row come from ``figures`` built on nothing (``link`` unused)."""

    abstract = True
    page_size = PAGE_SIZE

    def records(self, *, figure: str, value: str, start: date, end: date, today: date):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form, start, end, today, base = self.period()
        figure_key, value = request.GET.get("figure", ""), request.GET.get("value", "")
        records = self.records(figure=figure_key, value=value, start=start, end=end, today=today)
        if records is None:
            raise Http404(NO_SUCH_RECORD)
        figure = next((f for f in self.figures(start=start, end=end, today=today, link=lambda *a: "", empty=True)
                       if f.key == figure_key), None)
        row = next((r for r in figure.rows if r.key == value), None) if figure else None
        if row is None:
            raise Http404(NO_SUCH_RECORD)
        page = Paginator(records, self.page_size).get_page(request.GET.get("page"))
        return self.render_to_response(self.get_context_data(
            figure=figure, row=row, page_obj=page, start=start, end=end, today=today,
            back_url=f"{reverse(self.page_url_name)}?{urlencode(base)}#figure-{figure_key}",
            page_query=urlencode({k: v for k, v in request.GET.items() if k != "page"})))


app_name = "figures"
urlpatterns = [
    path("figures/", FiguresIndexView.as_view(), name="index"),
    path("figures/timeliness/", TimelinessView.as_view(), name="timeliness"),
    path("figures/timeliness/deadlines/", TimelinessDeadlinesView.as_view(), name="timeliness_deadlines"),
]
