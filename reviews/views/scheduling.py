"""Booking the reviews: book the next review (or the early review asked for) of a period of care, move it, cancel
it (confirmed first), and ask for an early review (reg 33(3), or a change of placement: reg 32(2)). A review
booked after the date it is due by needs a reason: the page asks when the service does."""

from __future__ import annotations

from django.urls import path, reverse

from safeguarding.pages import day

from .. import services
from ..models import Review
from ..rules import REVIEW_RULES
from ..selectors.episodes import current_allocation, open_review
from ..selectors.record import open_deadline
from .base import ReviewFormPage, is_late, review_label
from .episode_base import ConfirmStep, EpisodeFormPage
from .forms_episodes import BookForm, CancelForm, EarlyReviewForm, MoveForm

S = Review.Status


def review_url(review: Review, name: str = "review") -> str:
    return reverse(f"reviews:{name}", kwargs={"public_id": review.public_id})


class BookView(EpisodeFormPage):
    """``review``: the child's IRO and the IRO manager book the next review (chaired by the child's IRO)."""

    action = "review"
    form_class = BookForm
    submit_label = "Book the review"

    def load(self):
        e = self.episode
        self.review = open_review(e) if e.is_open else None
        self.allocation = current_allocation(e) if e.is_open else None
        self.deadline = open_deadline(e, *REVIEW_RULES) if e.is_open else None

    def title(self):
        return "Book the early review" if self.review and self.review.early_trigger else "Book the review"

    def done(self):
        done = super().done()
        if done:
            return done
        if self.review is not None and self.review.status == S.SCHEDULED:
            return f"A review is booked for {day(self.review.planned_for)} already: move it instead."
        if self.allocation is None:
            return "Allocate an IRO to the child first: the IRO chairs the review."
        return ""

    def links(self):
        if self.review is not None and self.review.status == S.SCHEDULED:
            return [(review_url(self.review, "review_move"), "Move the review"),
                    (review_url(self.review), "Open the review")]
        return []

    def rows(self):
        if self.done():
            return []
        rows = []
        if self.review is not None and self.review.early_trigger:
            rows.append(("Early review asked for", f"{self.review.get_early_trigger_display()}\n"
                                                   f"{self.review.early_reason}"))
        if self.deadline is not None:
            rows.append(("Due by", day(self.deadline.due_date)))
        rows.append(("Chaired by", self.allocation.iro.display_name))
        return rows

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_schedule(
            actor=self.request.user, episode=self.episode, planned_for=d["planned_for"],
            late_reason=d.get("late_reason", "")),
            lambda r: f"The review is booked for {day(r.planned_for)}.", review_url)


class EarlyReviewView(EpisodeFormPage):
    """Ask for a review before the next is due: the child's IRO or the IRO manager, or case staff (a change in
    the child's circumstances they record). Anyone else: 404."""

    form_class = EarlyReviewForm
    title = "Ask for an early review"
    submit_label = "Ask for the early review"
    answers = ("review", "update")

    def load(self):
        self.require("review", "update")
        self.review = open_review(self.episode) if self.episode.is_open else None

    def intro(self):
        return ["A review is held early when the IRO asks for one, when the child's placement changes, and in the "
                "other cases of reg 33(3). The IRO is told. The review cycle goes on from the early review."]

    def done(self):
        done = super().done()
        if done:
            return done
        if self.review is not None and self.review.early_trigger:
            return (f"An early review has been asked for already ({self.review.get_early_trigger_display()}): "
                    "the IRO books it.")
        return ""

    def rows(self):
        if self.review is not None and self.review.status == S.SCHEDULED and not self.done():
            return [("Review booked", f"{day(self.review.planned_for)}: it becomes the early review")]
        return []

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_request_early(
            actor=self.request.user, episode=self.episode, trigger=d["trigger"], reason=d["reason"]),
            "An early review has been asked for. The IRO has been told.")


class MoveView(ReviewFormPage):
    """``schedule``: the child's IRO and the IRO manager move a booked review, with why."""

    action = "schedule"
    form_class = MoveForm
    title = "Move the review"
    submit_label = "Move the review"

    def load(self):
        self.deadline = open_deadline(self.review.episode, *REVIEW_RULES)

    def done(self):
        if self.review.status != S.SCHEDULED:
            return f"Only a booked review can be moved: this one is {self.review.get_status_display().lower()}."
        return ""

    def rows(self):
        rows = [("Booked for", day(self.review.planned_for))] if self.review.planned_for else []
        if self.deadline is not None:
            rows.append(("Due by", day(self.deadline.due_date)))
        return rows

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_reschedule(
            actor=self.request.user, review=self.review, planned_for=d["planned_for"], reason=d["reason"],
            late_reason=d.get("late_reason", "")), lambda r: f"The review has been moved to {day(r.planned_for)}.")


class CancelView(ConfirmStep, ReviewFormPage):
    """``schedule``: cancel a review not yet held, with why, confirmed first (another review stays due)."""

    action = "schedule"
    form_class = CancelForm
    title = "Cancel the review"
    submit_label = "Continue"
    confirm_title = "Check and confirm the cancellation"
    confirm_label = "Yes, cancel the review"
    confirm_warning = "A cancelled review cannot be booked again: the child's next review stays due, book another."

    def done(self):
        if self.review.status == S.HELD:
            return f"This review was held on {day(self.review.held_on)}: it cannot be cancelled."
        if self.review.status == S.CANCELLED:
            return "This review was cancelled."
        return ""

    def confirm_rows(self, form):
        when = day(self.review.planned_for) if self.review.planned_for else "Not booked yet"
        return [("Review", review_label(self.review)), ("Booked for", when),
                ("Why it is cancelled", form.cleaned_data["reason"])]

    def confirmed(self, form):
        return self.run(form, lambda: services.review_cancel(
            actor=self.request.user, review=self.review, reason=form.cleaned_data["reason"]),
            "The review has been cancelled.",
            reverse("reviews:episode", kwargs={"public_id": self.review.episode.public_id}))


urlpatterns = [
    path("e/<public_id>/book/", BookView.as_view(), name="review_book"),
    path("e/<public_id>/early-review/", EarlyReviewView.as_view(), name="review_early"),
    path("r/<public_id>/move/", MoveView.as_view(), name="review_move"),
    path("r/<public_id>/cancel/", CancelView.as_view(), name="review_cancel"),
]
