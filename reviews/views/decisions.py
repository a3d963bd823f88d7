"""Marking a review's decision done, by the partner agency it names as its owner (and the review's IRO or
the child's case staff, who may also use the review page's fuller update). Reached through
``decision_policy`` "complete" (ADR 16): anyone else gets the same 404 as for a decision that does not exist.
"""

from __future__ import annotations

from django.urls import reverse

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage, day

from .. import services
from ..policies import decision_policy
from .forms_completion import DecisionCompleteForm


class DecisionCompleteView(PolicyViewMixin, ActionPage):
    policy = decision_policy
    action = "complete"
    form_class = DecisionCompleteForm
    title = "Mark a decision as done"
    submit_label = "Mark as done"
    warning = "Once it is marked as done it cannot be changed."

    def shape_queryset(self, qs):
        return qs.select_related("review__episode__child", "owner_agency")

    def dispatch(self, request, *args, **kwargs):
        self.decision = self.get_object()
        self.child = self.decision.review.episode.child
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return f"Looked-after review of {day(self.decision.review.held_on)}"

    def back(self):
        if child_policy.can(self.access, "view", self.child):
            return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}), \
                f"Back to {self.child.full_name}"
        return reverse("home"), "Back to home"

    def done(self):
        d = self.decision
        if not d.is_open:
            return f"This decision is {d.get_status_display().lower()} ({day(d.done_on)})."
        return ""

    def rows(self):
        d = self.decision
        return [("Child", self.child.full_name), ("Decision", f"{d.number}. {d.description}"), ("Who", d.owner_name),
                ("Due by", day(d.due_date)), ("Progress so far", d.progress_note or "Nothing noted yet")]

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.review_decision_complete(
            actor=self.request.user, decision=self.decision, done_on=data["done_on"], note=data["note"]),
            lambda d: f"Decision {d.number} is marked as done.")
