"""The child in need review after a plan ended (issue 10, section 3; Cheshire West): the open reviews, one review,
and booking, recording and cancelling it. Every review is fetched through ``cin_review_policy`` (missing and
forbidden: the same 404)."""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..forms_cin_review import CinReviewBookForm, CinReviewCancelForm, CinReviewRecordForm
from ..models import ChildInNeedReview
from ..policies import cin_review_policy
from ..selectors import cin_review as selectors
from ..selectors.scheduling import eligible_chairs
from .base import is_late

C = ChildInNeedReview.Status


class CinReviewListView(PolicyViewMixin, TemplateView):
    """``/conferences/cin-reviews/``: the child in need reviews due or booked that this person may see (the chair's,
    the service's, the case staff's children's), the soonest due first. Anyone else: 404."""

    policy = cin_review_policy
    template_name = "conferences/cin/list.html"

    def dispatch(self, request, *args, **kwargs):
        if not cin_review_policy.may_list(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(selectors.open_cin_reviews(self.get_queryset())[:selectors.ROWS + 1])
        ctx.update(rows=rows[:selectors.ROWS], truncated=len(rows) > selectors.ROWS, row_limit=selectors.ROWS,
                   today=timezone.localdate())
        return ctx


class CinReviewPage(PolicyViewMixin):
    """A page about one review, reached through ``cin_review_policy`` for ``action``."""

    abstract = True
    policy = cin_review_policy
    answers: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.review = cin_review_policy.get_for(request.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                                shape=selectors.cin_review_for_page, answers=self.answers)
        self.child = self.review.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        self.deadline = selectors.cin_review_deadline(self.review)

    def can(self, action: str) -> bool:
        known = cin_review_policy.known_answer(self.access, self.review, action)
        return known if known is not None else cin_review_policy.can(self.access, action, self.review)

    def url(self, name: str) -> str:
        return reverse(f"conferences:{name}", kwargs={"public_id": self.review.public_id})

    def caption(self) -> str:
        return f"{self.child.full_name}: child in need review after the plan ended"

    def back(self) -> tuple[str, str]:
        return self.url("cin_review"), "Back to the review"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(review=self.review, child=self.child)
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class CinReviewFormPage(CinReviewPage, ActionPage):
    abstract = True
    optional_asks = ("late_reason",)

    def done(self) -> str:
        if self.review.status == C.HELD:
            return f"This review was held on {day(self.review.held_on)}."
        if self.review.status == C.CANCELLED:
            return "This review was cancelled."
        return ""

    def rows(self):
        deadline = self.deadline
        return [("Due by", day(deadline.due_date))] if deadline and deadline.is_open else []


class CinReviewView(CinReviewPage, TemplateView):
    """The review: the plan that ended, when it is due and booked, and once held what it recorded."""

    template_name = "conferences/cin/review.html"
    answers = ("schedule", "record")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.review
        steps = []
        if r.is_open and self.can("record"):
            steps.append((self.url("cin_review_record"), "Record the review"))
        if r.is_open and self.can("schedule"):
            steps += [(self.url("cin_review_book"), "Move the review" if r.status == C.SCHEDULED
                       else "Book the review"), (self.url("cin_review_cancel"), "Cancel the review")]
        child_url = (reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
                     if child_policy.can(self.access, "view", self.child) else "")
        ctx.update(title="Child in need review after the plan ended", deadline=self.deadline, next_steps=steps,
                   child_url=child_url, today=timezone.localdate(),
                   plan_url=reverse("conferences:plan", kwargs={"public_id": r.plan.public_id}),
                   back_url=reverse("conferences:cin_reviews"), back_label="Back to child in need reviews")
        return ctx


class CinReviewBookView(CinReviewFormPage):
    action = "schedule"
    form_class = CinReviewBookForm
    submit_label = "Book the review"

    def title(self):
        return "Change the booking" if self.review.status == C.SCHEDULED else "Book the child in need review"

    def get_initial(self):
        r = self.review
        return {"chair": str(r.chair.public_id), "venue": r.venue, "planned_for": r.planned_for}

    def get_form_kwargs(self):
        chairs = list(eligible_chairs(child=self.child).order_by("full_name", "pk"))
        if self.review.chair not in chairs:
            chairs.insert(0, self.review.chair)
        return {**super().get_form_kwargs(), "chairs": chairs, "moving": self.review.status == C.SCHEDULED,
                "show_late": self.shows("late_reason")}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.cin_review_schedule(
            actor=self.request.user, review=self.review, planned_for=d["planned_for"], venue=d["venue"],
            chair=form.chosen_chair(), late_reason=d.get("late_reason", ""), reason=d.get("reason", "")),
            lambda r: f"The review is booked for {day(r.planned_for)}.")


class CinReviewRecordView(CinReviewFormPage):
    action = "record"
    form_class = CinReviewRecordForm
    title = "Record the child in need review"
    submit_label = "Record the review"
    warning = ("Once recorded, the review cannot be changed. Stepping up tells the social worker and their team "
               "managers at once.")

    def get_initial(self):
        r = self.review
        return {"held_on": r.planned_for if r.planned_for and r.planned_for <= timezone.localdate() else None}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.cin_review_record(
            actor=self.request.user, review=self.review, held_on=d["held_on"], attended=d["attended"],
            apologies=d["apologies"], progress=d["progress"], outcome=d["outcome"],
            outcome_reason=d["outcome_reason"], late_reason=d.get("late_reason", "")),
            "The review has been recorded.")


class CinReviewCancelView(CinReviewFormPage):
    action = "schedule"
    form_class = CinReviewCancelForm
    title = "Cancel the child in need review"
    submit_label = "Cancel the review"
    cancel_label = "Keep the review"
    warning = "This cannot be undone: the review will no longer be due."
    warning_button = True

    def form_valid(self, form):
        return self.run(form, lambda: services.cin_review_cancel(
            actor=self.request.user, review=self.review, reason=form.cleaned_data["reason"]),
            "The review has been cancelled.")


urlpatterns = [
    path("cin-reviews/", CinReviewListView.as_view(), name="cin_reviews"),
    path("cin-reviews/<public_id>/", CinReviewView.as_view(), name="cin_review"),
    path("cin-reviews/<public_id>/book/", CinReviewBookView.as_view(), name="cin_review_book"),
    path("cin-reviews/<public_id>/record/", CinReviewRecordView.as_view(), name="cin_review_record"),
    path("cin-reviews/<public_id>/cancel/", CinReviewCancelView.as_view(), name="cin_review_cancel"),
]
