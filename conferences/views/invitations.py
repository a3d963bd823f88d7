"""Inviting people to a conference, withdrawing an invitation, and recording attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from safeguarding.forms import apply_service_errors
from safeguarding.pages import uuid_or_404

from .. import services
from ..forms_scheduling import AttendanceForm, InviteeForm, ProposedInviteesForm, WithdrawForm
from ..models import Conference
from ..policies import invitation_policy
from ..selectors import pages as page_selectors
from ..selectors.invitations import invitees_proposed, quorum
from .base import NO_SUCH_RECORD, ConferenceFormPage, ConferencePage

S = Conference.Status
OPEN_FOR_INVITATIONS = (S.REQUESTED, S.SCHEDULED)


def visible_invitations(access, conference: Conference) -> list:
    """The invitations of ``conference`` this person sees: every one for the people who see the whole
    conference, else their own and their agency's (invitation_policy)."""
    return list(page_selectors.invitation_rows(invitation_policy.visible_for(access, conference)))


class InvitationsView(ConferencePage, TemplateView):
    """Current invitations, the invitees proposed from the child's record (all ticked), and one more
    invitee by hand. Two forms, told apart by the ``form`` field."""

    action = "schedule"
    template_name = "conferences/sched/invitations.html"

    def load(self):
        self.proposals = invitees_proposed(conference=self.conference)

    def open_for_invitations(self) -> bool:
        return self.conference.status in OPEN_FOR_INVITATIONS

    def email_note(self) -> str:
        if self.conference.status == S.SCHEDULED:
            return "Each invitee with an email address has been sent a calendar invitation."
        return "Each invitee with an email address will get a calendar invitation when the conference is booked."

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        propose = kwargs.get("propose_form") or ProposedInviteesForm(proposals=self.proposals, prefix="proposed")
        add = kwargs.get("add_form") or InviteeForm(prefix="add", initial={"direct_contact": True})
        ctx.update(invitations=visible_invitations(self.access, self.conference), propose_form=propose,
                   add_form=add, form=kwargs.get("form"), open=self.open_for_invitations(),
                   proposals=self.proposals, scheduled=self.conference.status == S.SCHEDULED)
        return ctx

    def _invite(self, form, fn, message, form_name):
        """Call the service; its ValidationError goes on the form, and the page is shown again."""
        try:
            result = fn()
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(**{form_name: form, "form": form}))
        messages.success(self.request, f"{message(result)} {self.email_note()}")
        return redirect(self.url("invitations"))

    def post(self, request, *args, **kwargs):
        if not self.open_for_invitations():
            messages.info(request, "Invitations can be added only before the conference is held.")
            return redirect(self.url("detail"))
        which = request.POST.get("form")
        if which == "proposed":
            form = ProposedInviteesForm(request.POST, proposals=self.proposals, prefix="proposed")
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(propose_form=form, form=form))
            return self._invite(form, lambda: len(services.invitations_add(  # all of them or none
                actor=request.user, conference=self.conference, invitees=form.cleaned_data["invitees"])),
                lambda n: f"{n} {'person' if n == 1 else 'people'} invited.", "propose_form")
        if which == "add":
            form = InviteeForm(request.POST, prefix="add")
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(add_form=form, form=form))
            d = form.cleaned_data
            return self._invite(form, lambda: services.invitation_add(
                actor=request.user, conference=self.conference, kind=d["kind"], name=d["name"], role=d["role"],
                email=d["email"], agency_id=d["agency"].pk if d["agency"] else None,
                direct_contact=d["direct_contact"]), lambda inv: f"{inv.name} invited.", "add_form")
        raise Http404(NO_SUCH_RECORD)


class InvitationWithdrawView(ConferenceFormPage):
    action = "schedule"
    form_class = WithdrawForm
    submit_label = "Withdraw invitation"
    warning_button = True

    def load(self):
        invitation_id = uuid_or_404(self.kwargs["invitation_id"])
        self.invitation = page_selectors.invitation_in(invitation_policy.visible_for(self.access, self.conference),
                                                       invitation_id)
        if self.invitation is None:
            raise Http404(NO_SUCH_RECORD)

    def title(self):
        return f"Withdraw {self.invitation.name}'s invitation"

    def back(self):
        return self.url("invitations"), "Back to invitations"

    def rows(self):
        inv = self.invitation
        return [("Name", inv.name), ("Role", inv.role or inv.get_kind_display()),
                ("Email", inv.email or "None recorded"), ("Attendance", inv.get_attendance_display())]

    @property
    def warning(self):
        inv = self.invitation
        return "They will be sent a calendar cancellation." if inv.sent_sequence >= 0 and inv.email else ""

    def form_valid(self, form):
        return self.run(form, lambda: services.invitation_withdraw(
            actor=self.request.user, invitation=self.invitation, reason=form.cleaned_data["reason"]),
            f"{self.invitation.name}'s invitation has been withdrawn.")


class AttendanceView(ConferenceFormPage):
    actions = ("schedule", "record")
    form_class = AttendanceForm
    template_name = "conferences/sched/attendance.html"
    title = "Attendance"
    submit_label = "Save attendance"

    def load(self):
        self.invitations = visible_invitations(self.access, self.conference)

    def done(self):
        if self.conference.status not in (S.REQUESTED, S.SCHEDULED, S.HELD):
            return f"This conference is {self.conference.get_status_display().lower()}: attendance can no longer " \
                   "be changed."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitations": self.invitations}

    def get_context_data(self, **kwargs):
        return super().get_context_data(quorum=quorum(conference=self.conference),
                                         invitations=self.invitations, **kwargs)

    def form_valid(self, form):
        return self.run(form, lambda: services.invitations_set_attendance(  # every invitee's or none
            actor=self.request.user, conference=self.conference, changes=form.changes()),
            "Attendance saved.", self.url("attendance"))
