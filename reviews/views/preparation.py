"""The social worker's preparation page: the looked-after reviews of their children booked and not yet held,
each with the pre-review deadlines (speaking to the IRO, the plans the IRO must have) and the child's current
plans to send; and the pages that record each step."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, day

from .. import selectors, services
from ..models import Review, ReviewPaper
from ..policies import episode_policy, review_policy
from .base import ReviewFormPage, is_late
from .forms import ContactForm, PaperForm


class PreparationView(PolicyViewMixin, TemplateView):
    """``/reviews/preparation/``: case staff (anyone else: 404, as for a page that does not exist)."""

    policy = review_policy
    action = "prepare"
    template_name = "reviews/preparation.html"

    def dispatch(self, request, *args, **kwargs):
        if not episode_policy.is_case_staff(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows, more = selectors.to_prepare(self.get_queryset())
        plans = selectors.plans_for_episodes([r.review.episode_id for r in rows])
        ctx.update(rows=[(r, [(paper, deadline, plans.get(r.review.episode_id, {}).get(paper.kind))
                              for paper, deadline in r.papers]) for r in rows], more=more,
                   row_limit=selectors.PREPARATION_ROWS, today=timezone.localdate())
        return ctx


class ContactView(ReviewFormPage):
    """The social worker spoke to the IRO to prepare the review (15 working days before it)."""

    action = "prepare"
    form_class = ContactForm
    title = "Record your conversation with the IRO"
    submit_label = "Save"

    def load(self):
        self.deadline = selectors.open_deadline(self.review, "lac_review_sw_contact")

    def back(self):
        return "/reviews/preparation/", "Back to reviews to prepare"

    def done(self):
        if self.review.social_worker_contact_on:
            return f"The social worker spoke to the IRO on {day(self.review.social_worker_contact_on)}."
        return "" if self.review.status == Review.Status.SCHEDULED else "This review is not booked."

    def rows(self):
        return [("Due by", day(self.deadline.due_date))] if self.deadline else []

    def get_initial(self):
        return {"contacted_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_record_contact(
            actor=self.request.user, review=self.review, contacted_on=d["contacted_on"],
            late_reason=d.get("late_reason", "")), "Your conversation with the IRO has been recorded.")


class PaperView(ReviewFormPage):
    """The IRO has one of the plans for the review (3 working days before it)."""

    action = "prepare"
    form_class = PaperForm
    submit_label = "Save"

    def load(self):
        kind = self.kwargs["kind"].replace("-", "_")
        if kind not in ReviewPaper.Kind.values:
            raise Http404("No such plan")
        self.paper = selectors.paper_of(self.review, kind)
        if self.paper is None:
            raise Http404("No such plan")
        self.deadline = selectors.open_deadline(self.paper)

    def title(self):
        return f"Record that the IRO has the {self.paper.get_kind_display().lower()}"

    def back(self):
        return "/reviews/preparation/", "Back to reviews to prepare"

    def done(self):
        if self.paper.received_on:
            return f"The IRO had the {self.paper.get_kind_display().lower()} on {day(self.paper.received_on)}."
        return "" if self.review.status == Review.Status.SCHEDULED else "This review is not booked."

    def rows(self):
        return [("Due by", day(self.deadline.due_date))] if self.deadline else []

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_paper_received(
            actor=self.request.user, review=self.review, kind=self.paper.kind, received_on=d["received_on"],
            late_reason=d.get("late_reason", "")),
            lambda p: f"Recorded: the IRO has the {p.get_kind_display().lower()}.")
