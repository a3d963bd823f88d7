"""The child knows their IRO (ADR 15): the introduction page of a period of care (the IRO, their letter to the
child, their meetings with the child), making the letter (a PDF, kept as issued), recording a meeting, and the
IRO's own profile (the photo and how a child reaches them)."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage, day, uuid_or_404

from .. import selectors, services
from ..policies import episode_policy, iro_profile_editable
from .forms import ConfirmForm
from .forms_invitations import ChildMeetingForm, IroProfileForm


class EpisodePage(PolicyViewMixin):
    """A page about one period of care, reached through ``episode_policy`` for ``action`` (404 otherwise)."""

    abstract = True
    policy = episode_policy
    action = "review"

    def dispatch(self, request, *args, **kwargs):
        self.episode = episode_policy.get_for(self.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                              shape=lambda qs: qs.select_related("child__local_authority"))
        self.child = self.episode.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the period of care."""

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.episode.public_id, **kwargs})

    def child_url(self) -> str:
        if child_policy.can(self.access, "view", self.child):
            return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        return ""

    def caption(self) -> str:
        return f"looked after since {day(self.episode.start_date)}"

    def back(self):
        return self.url("introduction"), "Back to the IRO's introduction"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(episode=self.episode, child=self.child, child_url=self.child_url())
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class EpisodeFormPage(EpisodePage, ActionPage):
    abstract = True
    template_name = "reviews/action.html"


class IntroductionView(EpisodePage, TemplateView):
    """The child knows their IRO: who the IRO is, the letter to the child, and their meetings."""

    template_name = "reviews/introduction.html"

    def load(self):
        self.state = selectors.introduction_of(self.episode)

    def back(self):
        return "/reviews/", "Back to the caseload"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        state = self.state
        own = state.allocation is not None and state.allocation.iro_id == self.request.user.pk
        ctx.update(title="The IRO's introduction", state=state, own_profile=own)
        return ctx


class IntroductionMakeView(EpisodeFormPage):
    """Make the current IRO's letter to the child (a PDF kept as made; a new version each time)."""

    form_class = ConfirmForm
    title = "Make the introduction letter"
    submit_label = "Make the letter"

    def load(self):
        self.state = selectors.introduction_of(self.episode)

    def done(self):
        if not self.episode.is_open:
            return "This child is no longer looked after."
        return "" if self.state.allocation else "Allocate an IRO to the child first."

    def intro(self):
        if self.done():
            return []
        return ["The letter is written to the child, in plain words: who their IRO is, what an IRO does, how to reach "
                "them and that they can have an advocate. It is a PDF, kept as made. Give it to the child, or send "
                "it to their carer to give them. Making it takes a couple of seconds."]

    def rows(self):
        state = self.state
        if self.done():
            return []
        profile = state.profile
        return [("IRO", state.allocation.iro.display_name),
                ("Photo", "Yes" if profile and profile.has_photo else "No photo given"),
                ("How to reach them", (profile.contact if profile and profile.contact else "")
                 or f"Their email address, {state.allocation.iro.email}")]

    def form_valid(self, form):
        return self.run(form, lambda: services.iro_introduction_make(actor=self.request.user, episode=self.episode),
                        lambda letter: f"The letter has been made (version {letter.version}).")


class IntroductionDownloadView(EpisodePage, View):
    """The introduction letter, as made, to those who see the period of care. Never cached."""

    action = "view"

    def load(self):
        self.letter = selectors.introduction_letter_of(self.episode, uuid_or_404(self.kwargs["letter_id"]))
        if self.letter is None:
            raise Http404("No such letter")

    def get(self, request, *args, **kwargs):
        letter = self.letter
        resp = FileResponse(io.BytesIO(bytes(letter.content)), content_type="application/pdf", as_attachment=True,
                            filename=letter.filename)
        resp["Cache-Control"] = "no-store"
        resp["X-Content-Type-Options"] = "nosniff"
        return resp


class ChildMeetingView(EpisodeFormPage):
    """The IRO met the child (before the first review, and since)."""

    form_class = ChildMeetingForm
    title = "Record a meeting with the child"
    submit_label = "Save the meeting"

    def load(self):
        self.state = selectors.introduction_of(self.episode)

    def done(self):
        return "" if self.state.allocation else "Allocate an IRO to the child first."

    def rows(self):
        meetings = self.state.meetings
        return [("Met so far", ", ".join(day(m.met_on) for m in meetings) or "Not yet")]

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.iro_child_meeting_record(
            actor=self.request.user, episode=self.episode, met_on=d["met_on"], how=d["how"], notes=d["notes"]),
            lambda m: f"Your meeting with the child on {day(m.met_on)} has been recorded.")


class IroProfileView(ActionPage):
    """The signed-in IRO's own profile: their photo and how a child reaches them (the letters to children)."""

    form_class = IroProfileForm
    template_name = "reviews/iro_profile.html"
    title = "Your photo and contact details"
    submit_label = "Save"

    def dispatch(self, request, *args, **kwargs):
        if not iro_profile_editable(request.access, request.user):
            raise Http404("No such page")
        self.profile = selectors.iro_profile_of(request.user)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return "/reviews/", "Back to the caseload"

    def intro(self):
        return ["The letters to the children you review introduce you with these: your name, your photo if you give "
                "one, and how to reach you."]

    def rows(self):
        p = self.profile
        if p is None or not p.has_photo:
            return [("Photo", "No photo yet")]
        kind = p.photo_type.split("/")[1].upper()
        return [("Photo", f"A photo is saved ({max(p.photo_size // 1024, 1)} KB, {kind})")]

    def get_initial(self):
        p = self.profile
        return {"contact": p.contact, "about": p.about} if p else {}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.iro_profile_update(
            actor=self.request.user, iro=self.request.user, contact=d["contact"], about=d["about"],
            photo=form.photo_bytes(), remove_photo=d["remove_photo"]), "Your photo and contact details are saved.")
