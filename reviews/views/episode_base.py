"""The base every page about one period of care stands on: ``EpisodePage`` (and ``EpisodeFormPage`` on the
kernel's one-purpose page, ``safeguarding.pages.ActionPage``), as ``reviews.views.base`` is for one review.

- the period is fetched in ``dispatch`` through ``episode_policy`` for the view's ``action``, in one query with
  the page's other ``answers`` (other actions); missing and forbidden are the same 404;
- ``load()`` fetches whatever else the page is about, through the period;
- ``url(name)`` is the URL of another page about the same period;
- ``caption()`` and ``back()`` say what the page is about and the way back; the context always has ``episode``,
  ``child``, ``child_url`` (the child's record, when the person may open it), ``caption``, ``back_url`` and
  ``back_label``; the one-purpose pages name the child first, as a link (``reviews/action.html``).

And ``ConfirmStep``: a form whose answers are shown back on a confirmation page before the service runs, for
the steps that are hard to undo (ending a period of care, cancelling a review).
"""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.urls import reverse

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from ..policies import episode_policy
from ..selectors.episode_page import episode_for_page


def period_caption(episode) -> str:
    """"Looked after since 2 March 2026" or "Looked after from 2 March 2026 to 4 May 2026"."""
    if episode.end_date:
        return f"Looked after from {day(episode.start_date)} to {day(episode.end_date)}"
    return f"Looked after since {day(episode.start_date)}"


class EpisodePage(PolicyViewMixin):
    """A page about one period of care, reached through ``episode_policy`` for ``action``."""

    abstract = True
    policy = episode_policy
    # what else the page asks the policy, worked out with the fetch (one query)
    answers: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.episode = episode_policy.get_for(request.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                              shape=episode_for_page, answers=self.answers)
        self.child = self.episode.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the period."""

    def can(self, action: str) -> bool:
        """A policy answer worked out with the fetch (``answers``), or asked now."""
        known = episode_policy.known_answer(self.access, self.episode, action)
        return known if known is not None else episode_policy.can(self.access, action, self.episode)

    def require(self, *actions: str) -> None:
        """404 (as for a missing period) unless the person may do one of ``actions``."""
        if not any(self.can(a) for a in actions):
            raise Http404(NO_SUCH_RECORD)

    @cached_property
    def opens(self) -> frozenset[int]:
        """The ids of the child (and the looked-after parent) whose records the person may open (one query)."""
        ids = {self.episode.child_id, self.episode.looked_after_parent_id} - {None}
        return frozenset(child_policy.probe(self.access, "view").filter(pk__in=ids).values_list("pk", flat=True))

    def child_url(self) -> str:
        if self.child.pk in self.opens:
            return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        return ""

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.episode.public_id, **kwargs})

    def caption(self) -> str:
        return period_caption(self.episode)

    def back(self) -> tuple[str, str]:
        return self.url("episode"), "Back to the looked-after page"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(episode=self.episode, child=self.child, child_url=self.child_url())
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class EpisodeFormPage(EpisodePage, ActionPage):
    """A form about one period of care (templates/reviews/action.html: the kernel's action page, the child named
    with a link). Nothing is left to do once the period has ended."""

    abstract = True
    template_name = "reviews/action.html"
    optional_asks = ("late_reason",)

    def done(self) -> str:
        if not self.episode.is_open:
            return f"This period of care ended on {day(self.episode.end_date)}."
        return ""


class ConfirmStep:
    """A one-purpose page whose valid answers are shown back (``confirm_rows(form)``) on a confirmation page
    (templates/reviews/episodes/confirm.html) before ``confirmed(form)`` calls the service: "Yes, ..." runs it,
    "Change the answers" shows the form again as typed. The answers travel as hidden fields; the service still
    checks them (its ValidationError puts the form back with the errors)."""

    confirm_template = "reviews/episodes/confirm.html"
    confirm_title = "Check and confirm"
    confirm_label = "Confirm"
    confirm_warning = ""
    CONTROL = frozenset({"csrfmiddlewaretoken", "confirmed", "change"})

    def confirm_rows(self, form) -> list[tuple[str, str]]:
        return []

    def confirmed(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        post = self.request.POST
        if "change" in post:
            return self.render_to_response(self.get_context_data(form=form))
        if post.get("confirmed") != "yes":
            posted = [(name, value) for name in post if name not in self.CONTROL for value in post.getlist(name)]
            self.template_name = self.confirm_template
            return self.render_to_response(self.get_context_data(
                form=form, confirming=True, title=self.confirm_title, confirm_rows=self.confirm_rows(form),
                posted=posted, submit_label=self.confirm_label, warning=self.confirm_warning))
        return self.confirmed(form)
