"""The rapid review's meeting, report and National Panel response pages (ADR 23): record the meeting (which
freezes the merged chronology), write the report and its decision, send it (a PDF kept as sent; each sending
meets its step), open a report as sent (logged), and record the Panel's response. Each page does one thing
through a service; refused looks like missing."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.views import View

from safeguarding.pages import NO_SUCH_RECORD, day, uuid_or_404

from .. import services
from ..models import ReportIssue
from ..policies import rapid_review_policy
from ..selectors.report import issue_of, meeting_agencies
from .actions import _ReviewAction
from .report_forms import MeetingForm, PanelResponseForm, ReportForm, SendForm


class MeetingView(_ReviewAction):
    action = "manage"
    title = "Record the rapid review meeting"
    form_class = MeetingForm
    submit_label = "Record the meeting"
    warning = ("Recording the meeting freezes the merged chronology: anything an agency sends afterwards is "
               "kept as a late addition, shown apart.")

    def done(self):
        if self.review.meeting_held_on:
            return f"The meeting was recorded: held on {day(self.review.meeting_held_on)}."
        return ""

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_form_kwargs(self):
        self.agencies = meeting_agencies(self.review)
        return {**super().get_form_kwargs(), "agencies": [(str(a.public_id), a.name) for a in self.agencies]}

    def form_valid(self, form):
        data = form.cleaned_data
        by_id = {str(a.public_id): a for a in self.agencies}
        attendance = [(by_id[pid], data[key]) for key, pid in form.agency_fields]
        return self.run(form, lambda: services.rapid_review_meeting_record(
            actor=self.request.user, review=self.review, held_on=data["held_on"], attendance=attendance,
            late_reason=data["late_reason"]), "The meeting has been recorded and the chronology frozen.")


class ReportView(_ReviewAction):
    action = "report"
    title = "The rapid review report"
    form_class = ReportForm
    submit_label = "Save the report"

    def intro(self):
        return ["The report goes to the rapid review panel, the strategic partners and the National Panel as a "
                "PDF with the merged chronology as the meeting froze it. You can change it until it is submitted."]

    def get_initial(self):
        r = self.review
        return {"findings": r.findings, "decision": r.decision, "rationale": r.decision_rationale}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.rapid_review_report_write(
            actor=self.request.user, review=self.review, findings=data["findings"], decision=data["decision"],
            rationale=data["rationale"]), "The report has been saved.")


class SendView(_ReviewAction):
    action = "report"
    form_class = SendForm
    submit_label = "Record it sent"
    warning = "The report is kept as it is now, as a PDF: what was sent cannot be changed."

    def dispatch(self, request, *args, **kwargs):
        if kwargs["to"] not in ReportIssue.To.values:
            raise Http404(NO_SUCH_RECORD)
        self.to = ReportIssue.To(kwargs["to"])
        return super().dispatch(request, *args, **kwargs)

    def title(self):
        return f"Send the report to {self.to.label.lower()}"

    def done(self):
        if not self.review.decision:
            return "Write the report and its decision first."
        sent = self.review.issues.filter(sent_to=self.to).values_list("sent_on", flat=True).first()
        return f"The report was sent on {day(sent)}." if sent else ""

    def rows(self):
        return [("Decision", self.review.get_decision_display())]

    def get_initial(self):
        return {"sent_on": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.rapid_review_report_send(
            actor=self.request.user, review=self.review, to=self.to, sent_on=data["sent_on"],
            late_reason=data["late_reason"]), "The report has been sent and kept as a PDF.")


class PanelResponseView(_ReviewAction):
    action = "record_response"
    title = "Record the National Panel's response"
    form_class = PanelResponseForm
    submit_label = "Record the response"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.panel_response_record(
            actor=self.request.user, review=self.review, received_on=data["received_on"], response=data["response"],
            agrees=data["agrees"], national_review=data["national_review"]),
            "The National Panel's response has been recorded.")


class ReportDownloadView(View):
    """The report as it was sent, to the business unit and the partners' delegates. Logged; never cached."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        review = rapid_review_policy.get_for(request.access, kwargs["public_id"], "view")
        if not rapid_review_policy.sees_report(request.access):
            raise Http404(NO_SUCH_RECORD)
        issue = issue_of(review, uuid_or_404(kwargs["issue_id"]))
        if issue is None:
            raise Http404(NO_SUCH_RECORD)
        services.report_download_log(actor=request.user, issue=issue, via="web")
        resp = FileResponse(io.BytesIO(bytes(issue.content)), content_type="application/pdf", as_attachment=True,
                            filename=issue.filename)
        resp["Cache-Control"] = "private, no-store"
        resp["X-Content-Type-Options"] = "nosniff"
        return resp

