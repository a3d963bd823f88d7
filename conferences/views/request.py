"""Asking for a conference: an initial, pre-birth or transfer-in conference from the child's page, and
the review conference of an active plan."""

from __future__ import annotations

from django.urls import reverse

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.clock import services as clock
from safeguarding.pages import ActionPage, day

from .. import services
from ..forms_scheduling import RequestForm, ReviewRequestForm
from ..models import ChildProtectionPlan, Kind
from ..policies import conference_policy
from ..rules import REVIEW_RULES
from ..selectors import pages as page_selectors
from ..selectors.scheduling import due_deadline
from .base import PlanFormPage, log_child_view


def _must_be_held_by(deadline) -> str:
    return f" It must be held by {day(deadline.due_date, weekday=True)}." if deadline else ""


def _conference_url(conference) -> str:
    return reverse("conferences:detail", kwargs={"public_id": conference.public_id})


class RequestView(PolicyViewMixin, ActionPage):
    """A social worker (anyone who may edit the child) asks the conference service for a conference."""

    policy = child_policy
    action = "edit"
    lookup_url_kwarg = "child_id"
    form_class = RequestForm
    template_name = "conferences/sched/request.html"
    title = "Request a conference"

    def shape_queryset(self, qs):
        return qs.select_related("local_authority")

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}), \
            f"Back to {self.child.full_name}"

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, "conference request form")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"kind": Kind.PRE_BIRTH if self.child.is_unborn else Kind.INITIAL}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["live"] = page_selectors.live_conference_of(conference_policy.probe(self.access, "view"),
                                                        child_id=self.child.pk)
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.conference_request(
            actor=self.request.user, child=self.child, kind=d["kind"],
            strategy_discussion_date=d["strategy_discussion_date"],
            transfer_notification_date=d["transfer_notification_date"],
            transferring_authority=d["transferring_authority"], notes=d["notes"]),
            lambda c: f"{c.get_kind_display()} requested.{_must_be_held_by(due_deadline(c))}",
            _conference_url)


class ReviewRequestView(PlanFormPage):
    """Confirm and request the review conference of an active plan."""

    action = "update"
    form_class = ReviewRequestForm
    template_name = "conferences/sched/review_request.html"
    title = "Request the review conference"

    def load(self):
        self.review_deadline = clock.open_deadlines_for(self.plan, *REVIEW_RULES).first()
        self.live = page_selectors.live_conference_of(conference_policy.probe(self.access, "view"),
                                                      child_id=self.plan.child_id)

    def done(self) -> str:
        if self.plan.status != ChildProtectionPlan.Status.ACTIVE:
            return "This plan has ended, so there is no review conference to request."
        if self.live:
            return (f"A {self.live.get_kind_display().lower()} is already {self.live.get_status_display().lower()} "
                    "for this child.")
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=self.review_deadline, live=self.live, **kwargs)

    def form_valid(self, form):
        return self.run(form, lambda: services.conference_request(
            actor=self.request.user, child=self.plan.child, kind=Kind.REVIEW, plan=self.plan,
            notes=form.cleaned_data["notes"]),
            f"Review conference requested.{_must_be_held_by(self.review_deadline)}", _conference_url)
