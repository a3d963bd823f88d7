"""The escalation register's pages (issue 12, section 4; ADR 25): a person's escalations, the register for the
business unit, one escalation, and the pages that raise, answer, move on, ask for a meeting, record it and
close. Each action page does one thing through a service; refused looks like missing."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.policies import child_policy
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..policies import escalation_policy
from ..selectors import escalations as select
from .forms_escalations import CloseForm, MeetingHeldForm, MeetingRequestForm, MoveOnForm, RaiseForm, RespondForm


class MyEscalationsView(TemplateView):
    template_name = "partnership/escalations.html"

    def dispatch(self, request, *args, **kwargs):
        if not escalation_policy.can_raise(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                **select.my_escalations(ctx=self.request.access, today=timezone.localdate())}


class RegisterView(TemplateView):
    template_name = "partnership/escalation_register.html"

    def dispatch(self, request, *args, **kwargs):
        if not escalation_policy.sees_register(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filters = select.Filters.from_query(self.request.GET)
        return {**super().get_context_data(**kwargs),
                **select.register(ctx=self.request.access, filters=filters, today=timezone.localdate())}


class EscalationView(TemplateView):
    template_name = "partnership/escalation.html"

    def get_context_data(self, **kwargs):
        access = self.request.access
        escalation = escalation_policy.get_for(access, kwargs["public_id"], "view", shape=lambda qs: qs.select_related(
            "raising_agency", "raised_with_agency", "raised_by", "child", "meeting_requested_by"))
        return {**super().get_context_data(**kwargs),
                **select.escalation_page(ctx=access, escalation=escalation, today=timezone.localdate())}


class RaiseView(ActionPage):
    title = "Raise a professional difference"
    form_class = RaiseForm
    submit_label = "Raise it"

    def dispatch(self, request, *args, **kwargs):
        access = request.access
        if not escalation_policy.can_raise(access):
            raise Http404(NO_SUCH_RECORD)
        self.child = None
        if request.GET.get("child"):
            # only a child the raiser may open; any other id is the 404 of a missing record
            self.child = child_policy.get_for(access, request.GET["child"], "view")
        self.own = select.agency_choices(escalation_policy.raising_agencies_for(access))
        return super().dispatch(request, *args, **kwargs)

    def intro(self):
        return ["Raise a difference with another agency when you cannot agree how to keep a child safe. It never "
                "waits on protective action: if a child is at risk now, act first. The agency you raise it with "
                "answers at each stage; you can move it on, ask for a multi-agency meeting, or close it."]

    def rows(self):
        return [("About", self.child.display_name)] if self.child else []

    def back(self):
        if self.child is not None:
            return reverse("cases:child_detail", args=[self.child.public_id]), "Back to the child"
        return reverse("partnership:escalations"), "Back to escalations"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": self.own, "others": select.agencies_to_raise_with(),
                "about_child": self.child is not None}

    def form_valid(self, form):
        d = form.cleaned_data
        access = self.request.access
        return self.run(form, lambda: services.escalation_raise(
            actor=self.request.user, child=self.child, theme=d.get("theme", ""), category=d["category"],
            raising_agency=select.agency_by_public_id(d["raising_agency"], escalation_policy.raising_agencies_for(
                access)),
            raised_with_agency=select.agency_by_public_id(d["raised_with_agency"]),
            raised_with_name=d["raised_with_name"], concern=d["concern"], wanted=d["wanted"],
            raised_on=d["raised_on"]), "The professional difference has been raised.",
            url=lambda e: reverse("partnership:escalation", args=[e.public_id]))


class _EscalationAction(ActionPage):
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.escalation = escalation_policy.get_for(request.access, kwargs["public_id"], "view",
                                                    shape=lambda qs: qs.select_related("raised_with_agency"))
        self.allowed = escalation_policy.can(request.access, self.action, self.escalation)
        if not self.allowed and not self.done():
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def done(self):
        if self.escalation.is_routed:
            return "This escalation is worked where it began; the register only shows it."
        if not self.escalation.is_open:
            return f"This escalation was closed on {day(self.escalation.closed_on)}."
        return ""

    def caption(self):
        return f"{self.escalation.get_route_display()} raised {day(self.escalation.raised_on)}"

    def back(self):
        return reverse("partnership:escalation", args=[self.escalation.public_id]), "Back to the escalation"


class RespondView(_EscalationAction):
    action = "respond"
    title = "Respond at this stage"
    form_class = RespondForm
    submit_label = "Send the response"

    def get_form_kwargs(self):
        ids = escalation_policy.respond_agencies_for(self.request.access, self.escalation)
        return {**super().get_form_kwargs(), "agencies": select.agency_choices(ids)}

    def form_valid(self, form):
        d = form.cleaned_data
        ids = escalation_policy.respond_agencies_for(self.request.access, self.escalation)
        return self.run(form, lambda: services.escalation_respond(
            actor=self.request.user, escalation=self.escalation, agency=select.agency_by_public_id(d["agency"], ids),
            response=d["response"], responded_on=d["responded_on"], late_reason=d["late_reason"]),
            "Your response has been recorded.")


class MoveOnView(_EscalationAction):
    action = "manage"
    title = "Move it to the next stage"
    form_class = MoveOnForm
    submit_label = "Move it on"

    def done(self):
        return super().done() or ("This is the last stage: the safeguarding partners arbitrate. Close it with its "
                                  "outcome." if self.escalation.stage_key == select.protocol.arbitration_key() else "")

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.escalation_move_on(
            actor=self.request.user, escalation=self.escalation, reason=d["reason"], moved_on=d["moved_on"],
            raised_with_name=d["raised_with_name"]), "It has moved to the next stage.")


class MeetingRequestView(_EscalationAction):
    action = "request_meeting"
    title = "Request a multi-agency resolution meeting"
    form_class = MeetingRequestForm
    submit_label = "Request the meeting"

    def done(self):
        e = self.escalation
        return super().done() or (f"A meeting was requested on {day(e.meeting_requested_on)}."
                                  if e.meeting_requested_on else "")

    def get_form_kwargs(self):
        ids = escalation_policy.meeting_agencies_for(self.request.access)
        return {**super().get_form_kwargs(), "agencies": select.agency_choices(ids)}

    def form_valid(self, form):
        d = form.cleaned_data
        ids = escalation_policy.meeting_agencies_for(self.request.access)
        return self.run(form, lambda: services.escalation_meeting_request(
            actor=self.request.user, escalation=self.escalation, agency=select.agency_by_public_id(d["agency"], ids),
            reason=d["reason"], requested_on=d["requested_on"]), "The meeting has been requested.")


class MeetingHeldView(_EscalationAction):
    action = "manage"
    title = "Record the resolution meeting"
    form_class = MeetingHeldForm
    submit_label = "Record the meeting"

    def done(self):
        e = self.escalation
        return super().done() or ("No meeting has been requested." if not e.meeting_requested_on else "") or (
            f"The meeting was held on {day(e.meeting_held_on)}." if e.meeting_held_on else "")

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.escalation_meeting_held(
            actor=self.request.user, escalation=self.escalation, held_on=d["held_on"], note=d["note"]),
            "The meeting has been recorded.")


class CloseView(_EscalationAction):
    action = "manage"
    title = "Close the escalation"
    form_class = CloseForm
    submit_label = "Close it"
    warning = "Once closed, it cannot be answered or moved on."
    warning_button = True

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.escalation_close(
            actor=self.request.user, escalation=self.escalation, outcome=d["outcome"], note=d["note"],
            closed_on=d["closed_on"]), "The escalation has been closed.")
