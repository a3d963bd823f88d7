"""The IRO manager's allocation page for one period of care: the officers who may review the child (never one who
manages the case, never the IRO of the child's looked-after parent or child), the one who reviews the child's
siblings first, then the lightest whole footprint (looked-after children and child protection conferences
chaired together); a reason when the IRO changes, and why it is late when the appointment is past its due
date (the service asks)."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone

from safeguarding.pages import day

from .. import services
from ..selectors.allocation import iro_suggestions
from ..selectors.episodes import current_allocation
from ..selectors.record import open_deadline
from .base import is_late
from .episode_base import EpisodeFormPage
from .forms_episodes import AllocateForm


class AllocateView(EpisodeFormPage):
    """``allocate``: the IRO manager of the child's authority (anyone else: 404, as for a missing period)."""

    action = "allocate"
    form_class = AllocateForm
    template_name = "reviews/episodes/allocate.html"
    submit_label = "Appoint the IRO"

    def load(self):
        self.current = current_allocation(self.episode) if self.episode.is_open else None
        self.deadline = open_deadline(self.episode, "iro_appointment") if self.current is None else None
        self.suggestions = [s for s in iro_suggestions(episode=self.episode) if not s.current] \
            if self.episode.is_open else []

    def title(self):
        return "Change the child's IRO" if self.current else "Allocate an IRO"

    def done(self):
        done = super().done()
        if done:
            return done
        if not self.suggestions:
            return ("No other IRO of the authority may review this child: an IRO who manages the case, or reviews "
                    "the child's looked-after parent or child, cannot.")
        return ""

    def rows(self):
        if self.current is not None:
            return [("The child's IRO now", f"{self.current.iro.display_name}, since {day(self.current.start_date)}")]
        if self.deadline is not None:
            return [("An IRO is due by", day(self.deadline.due_date))]
        return []

    def intro(self):
        return ["The officers who may review the child: never one who manages the case, nor the IRO of the child's "
                "looked-after parent or child. The IRO of the child's brothers and sisters comes first, then the "
                "lightest caseload, counting looked-after children and child protection conferences chaired together."]

    def get_initial(self):
        return {"start_date": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "officers": self.suggestions, "changing": self.current is not None,
                "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["suggestions"] = self.suggestions
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.iro_allocate(
            actor=self.request.user, episode=self.episode, iro=form.chosen(), start_date=d["start_date"],
            reason=d.get("reason") or "", late_reason=d.get("late_reason", "")),
            lambda a: f"{a.iro.display_name} is the child's IRO from {day(a.start_date)}. They have been told.",
            self.url("episode"))


urlpatterns = [path("e/<public_id>/iro/", AllocateView.as_view(), name="allocate")]
