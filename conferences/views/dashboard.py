"""The landing page of /conferences/ (what needs doing, by role) and the conference service's list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin

from .. import selectors
from ..forms_scheduling import ServiceFilterForm
from ..models import Conference
from ..policies import conference_policy, plan_policy
from .base import NO_SUCH_RECORD

S = Conference.Status
DASHBOARD_ROWS = 20
SERVICE_PAGE_SIZE = 25


class DashboardView(PolicyViewMixin, TemplateView):
    """The landing page of /conferences/: what needs doing, by role. Every section's rows come from
    the conference or plan policy's queryset for the action the section is about."""

    policy = conference_policy
    template_name = "conferences/sched/dashboard.html"

    @staticmethod
    def _rows(qs, more_status: str = "") -> dict:
        """The first rows of a section (one query), and a link to the service list when there are more."""
        rows = list(qs[:DASHBOARD_ROWS + 1])
        more = ""
        if len(rows) > DASHBOARD_ROWS and more_status:
            more = f"{reverse('conferences:service_list')}?status={more_status}"
        return {"rows": rows[:DASHBOARD_ROWS], "more_url": more, "truncated": len(rows) > DASHBOARD_ROWS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access, user = self.access, self.request.user
        today = timezone.localdate()
        week = selectors.iso_week(today)
        until, working_days = selectors.at_risk_until(today)
        is_chair = conference_policy.is_chair(access)
        is_service = conference_policy.is_service_staff(access)
        view = conference_policy.visible(access, "view")
        sections = {}
        if is_chair:
            sections["week"] = self._rows(selectors.chair_week(view, chair=user, week=week))
        if is_service:
            service = conference_policy.visible(access, "list_service")
            if not is_chair:
                sections["service_week"] = self._rows(selectors.chair_week(service, chair=None, week=week),
                                                      S.SCHEDULED)
            sections["awaiting"] = self._rows(selectors.awaiting_allocation(service), S.REQUESTED)
            sections["at_risk"] = self._rows(selectors.at_risk(service, until=until))
        if is_chair:
            sections["minutes"] = self._rows(selectors.minutes_awaiting_sign_off(
                conference_policy.visible(access, "decide"), chair=user))
            sections["plans"] = self._rows(selectors.plans_needing_review(
                plan_policy.visible(access, "audit"), until=selectors.review_horizon(today)))
        if conference_policy.is_case_staff(access):
            sections["my_requests"] = self._rows(selectors.requested_by(view, person=user))
            sections["my_children"] = self._rows(selectors.live_for(
                conference_policy.visible(access, "request").exclude(requested_by=user)))
        if conference_policy.is_partner(access):
            sections["invited"] = self._rows(selectors.live_for(conference_policy.invited(access)))
        ctx.update(sections=sections, today=today, week=week, at_risk_until=until, at_risk_days=working_days,
                   review_weeks=selectors.REVIEW_HORIZON_WEEKS, review_until=selectors.review_horizon(today),
                   is_chair=is_chair, is_service=is_service, nothing=not sections, row_limit=DASHBOARD_ROWS)
        return ctx


class ServiceListView(PolicyViewMixin, TemplateView):
    """The conference service's list (chairs and administrators of the local authority)."""

    policy = conference_policy
    action = "list_service"
    template_name = "conferences/sched/service_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not conference_policy.is_service_staff(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ServiceFilterForm(self.request.GET or None)
        status = kind = ""
        if form.is_bound and form.is_valid():
            status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        qs = selectors.service_list(self.get_queryset(), status=status, kind=kind)
        page = Paginator(qs, SERVICE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(filter_form=form, page_obj=page, rows=list(page.object_list), page_query=query.urlencode(),
                   filtered=bool(status or kind), today=timezone.localdate())
        return ctx
