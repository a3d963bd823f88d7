"""The two bases every conference page stands on: ``ConferencePage`` (a page about one conference) and
``PlanPage`` (a page about one child protection plan), each with a form variant on the kernel's
one-purpose page (``safeguarding.pages.ActionPage``).

The contract, the same for both:

- the record is fetched in ``dispatch`` through the policy (``conference_policy`` / ``plan_policy``)
  for the view's ``action``; a conference page may list ``actions`` instead, and gets the first the
  person has (attendance: whoever may schedule or record). Missing and forbidden are the same 404;
- ``load()`` fetches whatever else the page is about, through the record (404 when it is not its);
- ``url(name)`` is the URL of another page about the same record (``url("minutes")``);
- ``caption()`` and ``back()`` say what the page is about and the way back; the context always has
  ``conference``/``plan``, ``child``, ``caption``, ``back_url`` and ``back_label``;
- the form variants add ``title``, ``done()``, ``rows()``, ``intro()``, ``links()`` and
  ``run(form, fn, message, url=None)`` (see ``safeguarding.pages``).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.services import VIA_PAGE, child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage, day

from .. import selectors
from ..models import ChildProtectionPlan
from ..policies import conference_policy, plan_policy
from ..selectors import pages as page_selectors

NO_SUCH_RECORD = "No such record"


def log_child_view(request, child, what: str) -> None:
    """Log that this person read the child's record on a page (who looked, and at what)."""
    child_view_log(child=child, user=request.user, via=VIA_PAGE, what=what)


def is_late(deadline) -> bool:
    """Whether an open deadline is already past (so the service will ask why)."""
    return bool(deadline and deadline.is_open and deadline.due_date < timezone.localdate())


def late_reason_shown(form) -> bool:
    """Show the late reason when the service asked for it, or when one was typed."""
    return form.is_bound and (bool(form.errors.get("late_reason")) or bool(form.data.get("late_reason", "").strip()))


class _AboutOneRecord:
    """The context every page about one conference or plan shares: the record (as ``subject``), the
    child, the caption and the way back."""

    subject = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx[self.subject] = getattr(self, self.subject)
        ctx["child"] = self.child
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class ConferencePage(_AboutOneRecord, PolicyViewMixin):
    """A page about one conference, reached through ``conference_policy`` for ``action`` (or the first
    of ``actions`` the person has)."""

    abstract = True
    policy = conference_policy
    subject = "conference"
    actions: tuple[str, ...] = ()
    # What the page asks the policy, worked out with the fetch in its one query (other actions,
    # conference_policy.SEES_WHOLE, CHILD_VIEW, PLAN_VIEW): allowed(), sees_whole() and the child's and
    # plan's policies then read them.
    answers: tuple[str, ...] = ()

    def shape_queryset(self, qs):
        return selectors.conference_for_page(qs)

    def dispatch(self, request, *args, **kwargs):
        self.conference = self._fetch()
        self.child = self.conference.child
        conference_policy.note_related_answers(self.access, self.conference)
        self._allowed: dict[str, bool] = {}
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def _get(self):
        # get_object() with the page's answers: by key, the visibility and the answers in one query
        return conference_policy.get_for(self.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                         shape=self.shape_queryset,
                                         answers=self.answers)

    def _fetch(self):
        for action in self.actions[:-1]:
            self.action = action
            try:
                return self._get()
            except Http404:
                continue
        if self.actions:
            self.action = self.actions[-1]
        return self._get()

    def load(self):
        """Fetch whatever else the page is about, through the conference (404 when it is not its)."""

    def url(self, name: str) -> str:
        return reverse(f"conferences:{name}", kwargs={"public_id": self.conference.public_id})

    def allowed(self, *actions: str) -> frozenset[str]:
        """Which of ``actions`` the conference policy allows this person here, in one query (remembered
        for the request)."""
        for a in actions:
            known = conference_policy.known_answer(self.access, self.conference, a)
            if known is not None:
                self._allowed.setdefault(a, known)
        wanted = [a for a in actions if a not in self._allowed]
        if wanted:
            found = page_selectors.actions_allowed(
                self.conference, {a: conference_policy.probe(self.access, a) for a in wanted})
            self._allowed.update({a: a in found for a in wanted})
        return frozenset(a for a in actions if self._allowed[a])

    def can(self, action: str) -> bool:
        return bool(self.allowed(action))

    def sees_whole(self) -> bool:
        """Whether this person sees the whole conference (every invitation and report), or only their
        own agency's part."""
        if "whole" not in self._allowed:
            self._allowed["whole"] = conference_policy.sees_whole(self.access, self.conference)
        return self._allowed["whole"]

    def caption(self) -> str:
        return f"{self.child.full_name}: {self.conference.get_kind_display().lower()}"

    def back(self) -> tuple[str, str]:
        return self.url("detail"), "Back to the conference"



class ConferenceFormPage(ConferencePage, ActionPage):
    """A form about one conference (templates/pages/action.html unless the page names its own)."""

    abstract = True
    optional_asks = ("late_reason",)


class PlanPage(_AboutOneRecord, PolicyViewMixin):
    """A page about one child protection plan, reached through ``plan_policy`` for ``action``."""

    abstract = True
    policy = plan_policy
    subject = "plan"

    def shape_queryset(self, qs):
        return qs.select_related("child", "lead_social_worker")

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_object()
        self.child = self.plan.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the plan (404 when it is not its)."""

    def url(self, name: str = "plan") -> str:
        return reverse(f"conferences:{name}", kwargs={"public_id": self.plan.public_id})

    def caption(self) -> str:
        return f"{self.child.full_name}: child protection plan"

    def back(self) -> tuple[str, str]:
        return self.url(), "Back to the plan"



class PlanFormPage(PlanPage, ActionPage):
    """A form about one plan: nothing more is recorded against an ended plan."""

    abstract = True
    optional_asks = ("late_reason",)

    def done(self) -> str:
        if self.plan.status == ChildProtectionPlan.Status.ENDED:
            return f"This plan ended on {day(self.plan.ended_on)}: nothing more can be recorded against it."
        return ""
