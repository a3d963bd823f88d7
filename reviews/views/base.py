"""The base every page about one review stands on: ``ReviewPage`` (and ``ReviewFormPage`` on the kernel's
one-purpose page, ``safeguarding.pages.ActionPage``).

The contract, as the conference pages':

- the review is fetched in ``dispatch`` through ``review_policy`` for the view's ``action``, in one query
  with the page's other ``answers`` (other actions, whether the person may open the child's record);
  missing and forbidden are the same 404;
- ``load()`` fetches whatever else the page is about, through the review (404 when it is not its);
- ``url(name)`` is the URL of another page about the same review;
- ``caption()`` and ``back()`` say what the page is about and the way back; the context always has
  ``review``, ``child``, ``child_url`` (the child's record, when the person may open it), ``caption``,
  ``back_url`` and ``back_label``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from cases.services import VIA_PAGE, child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage

from ..models import Review
from ..policies import review_policy
from ..selectors.pages import review_for_page


def is_late(deadline) -> bool:
    """Whether an open deadline is already past (so the service will ask why)."""
    return bool(deadline and deadline.is_open and deadline.due_date < timezone.localdate())


def review_label(review: Review) -> str:
    """"First review", "Early review", "Review" (before it is held, its number is not known)."""
    if review.number:
        return review.get_number_display()
    return "Early review" if review.early_trigger else "Looked-after review"


class ReviewPage(PolicyViewMixin):
    """A page about one review, reached through ``review_policy`` for ``action``."""

    abstract = True
    policy = review_policy
    # what else the page asks the policy, worked out with the fetch (one query)
    answers: tuple[str, ...] = ()

    def shape_queryset(self, qs):
        return review_for_page(qs)

    def dispatch(self, request, *args, **kwargs):
        self.review = review_policy.get_for(
            self.access, self.kwargs[self.lookup_url_kwarg], self.action,
            queryset=self.shape_queryset(Review.objects.all()), answers=(review_policy.CHILD_VIEW, *self.answers))
        self.child = self.review.episode.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the review (404 when it is not its)."""

    def can(self, action: str) -> bool:
        """A policy answer worked out with the fetch (``answers``), or asked now."""
        known = review_policy.known_answer(self.access, self.review, action)
        return known if known is not None else review_policy.can(self.access, action, self.review)

    def child_url(self) -> str:
        if review_policy.known_answer(self.access, self.review, review_policy.CHILD_VIEW):
            return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        return ""

    def log_child_view(self, what: str) -> None:
        child_view_log(child=self.child, user=self.request.user, via=VIA_PAGE, what=what)

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.review.public_id, **kwargs})

    def caption(self) -> str:
        """What the page is about, after the child's name (the templates put the name first, as a link)."""
        when = self.review.held_on or self.review.planned_for
        return f"{review_label(self.review)}{f' of {when:%-d %B %Y}' if when else ''}"

    def back(self) -> tuple[str, str]:
        return self.url("review"), "Back to the review"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(review=self.review, child=self.child, child_url=self.child_url())
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class ReviewFormPage(ReviewPage, ActionPage):
    """A form about one review (templates/reviews/action.html: the kernel's action page, the child named
    with a link)."""

    abstract = True
    template_name = "reviews/action.html"
    optional_asks = ("late_reason",)
