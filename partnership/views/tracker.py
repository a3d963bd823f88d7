"""The action tracker and an action's pages (ADR 24): the practice review group's view of every action of every
review (filter by agency and status, overdue shown), an agency's own actions, one action's update (status,
progress, complete with evidence or a reason), its evidence upload and download."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day
from safeguarding.uploads.selectors import upload_rows
from safeguarding.uploads.views import UploadDownloadView, UploadPage

from .. import services
from ..models import ReviewAction
from ..policies import action_policy, is_business_unit
from ..selectors import TrackerFilters, agency_for_filter, my_actions, tracker
from .review_forms import ActionUpdateForm

STATUS_FILTERS = [("", "Any status"), ("overdue", "Overdue"), *ReviewAction.Status.choices]


class TrackerView(TemplateView):
    template_name = "partnership/tracker.html"

    def dispatch(self, request, *args, **kwargs):
        if not action_policy.sees_tracker(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        access, params = self.request.access, self.request.GET
        status = params.get("status", "")
        status = status if status in dict(STATUS_FILTERS) else ""
        agency = agency_for_filter(access, params.get("agency", "")) if params.get("agency") else None
        today = timezone.localdate()
        return {**super().get_context_data(**kwargs),
                **tracker(ctx=access, today=today, filters=TrackerFilters(agency=agency, status=status)),
                "status": status, "agency": agency, "statuses": STATUS_FILTERS, "today": today}


class MyActionsView(TemplateView):
    template_name = "partnership/my_actions.html"

    def dispatch(self, request, *args, **kwargs):
        if not action_policy.sees_own_actions(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "actions": my_actions(ctx=self.request.access, today=timezone.localdate())}


class _ActionPage:
    def load_action(self, request, public_id):
        self.action_row = action_policy.get_for(
            request.access, public_id, "view",
            shape=lambda qs: qs.select_related("owner_agency", "review", "recommendation"), answers=("update",))

    def caption(self):
        a = self.action_row
        return f"{a.review.reference}, action {a.number}"

    def back(self):
        if action_policy.sees_tracker(self.request.access):
            return reverse("partnership:tracker"), "Back to the action tracker"
        return reverse("partnership:my_actions"), "Back to your agency's actions"


class ActionView(_ActionPage, ActionPage):
    """One action: what, who, when, its evidence; the form to update it (while it is open)."""

    title = "Review action"
    form_class = ActionUpdateForm
    submit_label = "Save"
    template_name = "partnership/action.html"

    def dispatch(self, request, *args, **kwargs):
        self.load_action(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        a = self.action_row
        rows = [("Recommendation", f"{a.recommendation.number}. {a.recommendation.text}"),
                ("Action", a.description), ("Agency", a.owner_agency.name), ("Due by", day(a.due_on)),
                ("Status", a.get_status_display())]
        if a.progress_note:
            rows.append(("Progress", a.progress_note))
        if a.completed_on:
            rows.append(("Completed", day(a.completed_on)))
        if a.no_evidence_reason:
            rows.append(("Why there is no evidence", a.no_evidence_reason))
        if a.cancel_reason:
            rows.append(("Why it is no longer needed", a.cancel_reason))
        return rows

    def done(self):
        a = self.action_row
        if not a.is_open:
            return f"This action is {a.get_status_display().lower()}."
        if not action_policy.can(self.request.access, "update", a):
            return "Only the agency that owns this action, or the business unit, updates it."
        return ""

    def links(self):
        if self.done():
            return []
        return [(reverse("partnership:action_evidence", args=[self.action_row.public_id]),
                 "Upload evidence of completion")]

    def get_initial(self):
        a = self.action_row
        return {"status": a.status if a.status != ReviewAction.Status.NOT_STARTED else "", "progress_note":
                a.progress_note}

    def get_context_data(self, **kwargs):
        a = self.action_row
        rows = upload_rows(a, download_url=lambda u: reverse("partnership:action_file", args=[a.public_id,
                                                                                               u.public_id]))
        return {**super().get_context_data(**kwargs), "upload_rows": rows,
                "is_business_unit": is_business_unit(self.request.access)}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.action_update(
            actor=self.request.user, action=self.action_row, status=data["status"],
            progress_note=data["progress_note"], completed_on=data["completed_on"],
            no_evidence_reason=data["no_evidence_reason"], cancel_reason=data["cancel_reason"]),
            "The action has been updated.", url=reverse("partnership:action", args=[self.action_row.public_id]))


class EvidenceView(_ActionPage, UploadPage):
    title = "Upload evidence of completion"

    def dispatch(self, request, *args, **kwargs):
        self.load_action(request, kwargs["public_id"])
        if not action_policy.can(request.access, "update", self.action_row):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("partnership:action", args=[self.action_row.public_id]), "Back to the action"

    def form_valid(self, form):
        return self.run(form, lambda: services.action_evidence_add(
            actor=self.request.user, action=self.action_row, file=form.cleaned_data["file"],
            description=form.cleaned_data.get("description", "")),
            "The file has been uploaded. It can be opened once its virus scan has passed.")


class EvidenceFileView(UploadDownloadView):
    def owner(self):
        return action_policy.get_for(self.request.access, self.kwargs["public_id"], "view")

    def may_download(self, owner) -> bool:
        return action_policy.can(self.request.access, "view", owner)

    def back(self, owner):
        return reverse("partnership:action", args=[owner.public_id]), "Back to the action"
