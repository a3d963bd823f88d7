"""Agency reports for a conference: the chair's overview, submitting a report, reading one, and
recording that the social work report was shared with the parents."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.clock import services as clock
from safeguarding.pages import ActionPage, day

from .. import services
from ..forms_scheduling import ReportForm, ShareForm
from ..models import AgencyReport, Conference
from ..policies import report_policy
from ..selectors import pages as page_selectors
from ..selectors.reports import reports_status
from .base import NO_SUCH_RECORD, ConferenceFormPage, ConferencePage, late_reason_shown, log_child_view

S = Conference.Status
TAKES_REPORTS = (S.REQUESTED, S.SCHEDULED)


class ReportsView(ConferencePage, TemplateView):
    """The chair's view of the reports: who has reported, when, and the social work report's sharing."""

    actions = ("schedule", "record", "request")
    template_name = "conferences/sched/reports.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, access = self.conference, self.access
        visible = report_policy.probe(access, "view")
        sw_report = page_selectors.social_work_report(visible, c)
        statuses = reports_status(conference=c)
        ctx.update(
            statuses=statuses, sw_report=sw_report,
            share_deadline=clock.open_deadlines_for(c, "parents_report_share").first(),
            due_date=statuses[0].due_date if statuses else None,
            readable=set(page_selectors.reports_of(visible, c).values_list("pk", flat=True)),
            can_share=bool(sw_report) and report_policy.can(access, "share", sw_report),
            can_report=c.status in TAKES_REPORTS and self.can("report"),
            today=timezone.localdate(),
        )
        return ctx


class ReportSubmitView(ConferenceFormPage):
    action = "report"
    form_class = ReportForm
    template_name = "conferences/sched/report_submit.html"
    title = "Your agency's report"
    submit_label = "Submit the report"

    def load(self):
        self.agencies = report_policy.agencies_for(self.access, self.conference)
        if not self.agencies:
            raise Http404(NO_SUCH_RECORD)
        self.existing = page_selectors.reports_by(report_policy.probe(self.access, "view"), self.conference,
                                                  self.agencies)

    def done(self):
        if self.conference.status not in TAKES_REPORTS:
            return "Reports are taken until the conference is held."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": self.agencies}

    def get_initial(self):
        if len(self.agencies) == 1 and self.existing:
            return ReportForm.initial_from(self.existing[0])
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        starts = self.conference.starts_at
        ctx.update(existing=self.existing, agencies=self.agencies, show_late_reason=late_reason_shown(ctx["form"]),
                   due_date=clock.compute_due("conference_reports", timezone.localtime(starts).date())
                   if starts else None,
                   is_social_work=any(a.pk == self.child.local_authority_id for a in self.agencies))
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        agency = form.chosen_agency()
        replacing = any(r.agency_id == agency.pk for r in self.existing)
        return self.run(form, lambda: services.report_submit(
            actor=self.request.user, conference=self.conference, agency=agency, summary=d["summary"],
            worries=d["worries"], strengths=d["strengths"], recommendation=d["recommendation"],
            via=AgencyReport.Via.WEB, late_reason=d["late_reason"]),
            f"{'Updated report' if replacing else 'Report'} received from {agency.name}.", self.url("report_submit"))


class ReportPage(ConferencePage):
    """A page about one report of the conference, reached through ``report_policy`` for
    ``report_action``."""

    abstract = True
    action = "view"
    report_action = "view"

    def load(self):
        self.report = report_policy.get_for(self.access, self.kwargs["report_id"], self.report_action,
                                            queryset=page_selectors.report_for_page(self.conference))

    def back(self):
        if self.sees_whole():
            return self.url("reports"), "Back to the reports"
        return super().back()

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class ReportDetailView(ReportPage, TemplateView):
    template_name = "conferences/sched/report_detail.html"

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, "conference report")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        r = self.report
        can_share = (r.is_social_work_report and not r.shared_with_parents_at
                     and report_policy.can(self.access, "share", r))
        return super().get_context_data(can_share=can_share, **kwargs)


class ReportShareView(ReportPage, ActionPage):
    report_action = "share"
    form_class = ShareForm
    template_name = "conferences/sched/report_share.html"
    title = "Record that the social work report was shared with the parents"
    optional_asks = ("late_reason",)

    def done(self):
        r = self.report
        if r.shared_with_parents_at:
            by = r.shared_with_parents_by
            return f"The social work report was shared with the parents on {day(r.shared_with_parents_at)}" + (
                f" (recorded by {by.display_name})." if by else ".")
        return ""

    def get_initial(self):
        return {"shared_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(show_late_reason=late_reason_shown(ctx["form"]),
                   share_deadline=clock.open_deadlines_for(self.conference, "parents_report_share").first())
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.report_share_with_parents(
            actor=self.request.user, report=self.report, shared_on=d["shared_on"], late_reason=d["late_reason"]),
            f"Recorded: the social work report was shared with the parents on {day(d['shared_on'])}.")
