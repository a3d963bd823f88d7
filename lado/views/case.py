"""The case page (the LADO team and the people invited into the case) and the pages that work it: the
evaluation (the subject's previous allegations shown first), safety decisions and the written confirmation
of a suspension, invitations, the outcome (with each category's definition) and referrals to regulators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD, day, uuid_or_404

from .. import services
from ..codes import HARM_CRITERIA, OUTCOME_DEFINITIONS, OutcomeCategory
from ..models import LadoCase
from ..selectors import parts
from ..selectors.pages import case_page, user_by_email, views_of_record
from .base import CaseFormPage, CasePage, is_late
from .evidence import evidence_for
from .forms import (
    ConfirmSuspensionForm,
    EndInvitationForm,
    EvaluationForm,
    InviteForm,
    OutcomeForm,
    RegulatorForm,
    SafetyForm,
)
from .keeping import keeping_context
from .processes import case_processes

S = LadoCase.Status


class CaseView(CasePage, TemplateView):
    """The case: the allegation as referred, the subject (and, for the LADO team, their previous allegations),
    the evaluation, safety decisions, who is invited, the outcome, the clocks; what the LADO can do next."""

    action = "view"
    answers = ("work", "view_access_log")
    template_name = "lado/case.html"

    def back(self):
        if self.can("work"):
            return "/lado/", "Back to the LADO workbench"
        return "/", "Back to home"

    def get(self, request, *args, **kwargs):
        self.log_read("case page")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        works = self.can("work")
        data = case_page(self.case, sees_index=works)
        evaluation = getattr(self.case, "evaluation", None) if self.case.status != S.NEW else None
        outcome = getattr(self.case, "outcome", None) if self.case.status == S.CLOSED else None
        ctx.update(works=works, page=data, evaluation=evaluation, outcome=outcome,
                   criteria=[(label, getattr(evaluation, name)) for name, label in HARM_CRITERIA] if evaluation
                   else [], definition=OUTCOME_DEFINITIONS.get(outcome.category) if outcome else "",
                   views=views_of_record(self.case) if self.can("view_access_log") else None,
                   steps=self.steps(works, outcome))
        ctx["evidence"] = evidence_for(self.request, self.case)
        ctx.update(keeping_context(self))  # transfers, holds, the personnel record, shared files (ADR 22)
        ctx.update(case_processes(self.access, self.case))  # parallel processes (lado.views.processes)
        return ctx

    def steps(self, works: bool, outcome) -> list[tuple[str, str]]:
        if not works:
            return []
        c, steps = self.case, []
        if c.status == S.NEW:
            steps.append((self.url_referral(), "Identify the person in the index and evaluate the referral"))
        if c.status != S.CLOSED:
            steps += [(self.url("safety"), "Record a safety decision"), (self.url("invite"), "Invite the police or "
                                                                                          "children's social care")]
        if c.status == S.OPEN:
            steps += [(self.url("meeting_new"), "Book a meeting (calendar invitations)"),
                      (self.url("outcome"), "Record the outcome")]
        if outcome is not None:
            steps.append((self.url("regulator"), "Record a referral to a regulator"))
        return steps

    def url_referral(self) -> str:
        return reverse("lado:referral", kwargs={"public_id": self.referral.public_id})


class EvaluateView(CaseFormPage):
    """The initial evaluation. The subject's previous allegations (outcomes and dates) are on the page before
    the decision."""

    form_class = EvaluationForm
    title = "Initial evaluation"
    submit_label = "Save the evaluation"
    template_name = "lado/evaluate.html"

    def load(self):
        self.resolution = next((d for d in case_page(self.case, sees_index=True).deadlines
                                if d.rule_key == "lado_resolution"), None)

    def done(self):
        if self.case.status != S.NEW:
            return "This case has been evaluated."
        if self.case.subject_id is None:
            return "First say who the allegation is about: identify them in the person index from the referral."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": is_late(self.resolution) or self.shows("late_reason")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = case_page(self.case, sees_index=True).history
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.case_evaluate(
            actor=self.request.user, case=self.case, evaluated_on=d["evaluated_on"],
            criteria={name: name in d["criteria"] for name, _ in HARM_CRITERIA}, decision=d["decision"],
            rationale=d["rationale"], subject_informed_by=d["subject_informed_by"],
            subject_informed_on=d["subject_informed_on"], subject_informing_note=d["subject_informing_note"],
            police_involved=d["police_involved"], csc_involved=d["csc_involved"],
            late_reason=d.get("late_reason") or ""), "The evaluation has been saved.", url=self.url("case"))


class SafetyView(CaseFormPage):
    form_class = SafetyForm
    title = "Record a safety decision"
    submit_label = "Save the safety decision"

    def done(self):
        return "This case is closed." if self.case.status == S.CLOSED else ""

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.case_safety_record(
            actor=self.request.user, case=self.case, kind=d["kind"], decided_on=d["decided_on"],
            details=d["details"]), "The safety decision has been saved.")


class ConfirmSuspensionView(CaseFormPage):
    form_class = ConfirmSuspensionForm
    title = "Record the written confirmation of the suspension"
    submit_label = "Save"

    def load(self):
        pid = uuid_or_404(self.kwargs["decision_id"])
        self.decision = parts.suspension_of(self.case, pid)
        if self.decision is None:
            raise Http404(NO_SUCH_RECORD)
        self.deadline = next((d for d in case_page(self.case, sees_index=False).deadlines
                              if d.subject_id == self.decision.pk and d.rule_key == "lado_suspension_confirmation"),
                             None)

    def rows(self):
        return [("Suspended on", day(self.decision.decided_on)),
                ("Written confirmation due by", day(self.deadline.due_date) if self.deadline else "")]

    def done(self):
        if self.decision.confirmed_in_writing_on:
            return f"Confirmed in writing on {day(self.decision.confirmed_in_writing_on)}."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": is_late(self.deadline) or self.shows("late_reason")}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.safety_confirm_in_writing(
            actor=self.request.user, decision=self.decision, confirmed_on=d["confirmed_on"],
            late_reason=d.get("late_reason") or ""), "The written confirmation has been recorded.")


class InviteView(CaseFormPage):
    form_class = InviteForm
    title = "Invite the police or children's social care"
    submit_label = "Invite"

    def intro(self):
        return ["They will see this case, and nothing else of the LADO's, until you end the invitation or they "
                "leave the agency they were invited for. They are told by a notification with the case's "
                "reference only."]

    def done(self):
        return "This case is closed." if self.case.status == S.CLOSED else ""

    def form_valid(self, form):
        d = form.cleaned_data
        user = user_by_email(d["email"])

        def invite():
            if user is None:
                raise ValidationError({"email": "No one with an account in the hub has this email address"})
            return services.case_invite(actor=self.request.user, case=self.case, user=user, kind=d["kind"])
        return self.run(form, invite, lambda inv: f"{inv.user.display_name} has been invited.")


class EndInvitationView(CaseFormPage):
    form_class = EndInvitationForm
    submit_label = "End the invitation"
    warning_button = True

    def load(self):
        pid = uuid_or_404(self.kwargs["invitation_id"])
        self.invitation = parts.invitation_of(self.case, pid)
        if self.invitation is None:
            raise Http404(NO_SUCH_RECORD)

    def title(self):
        return f"End {self.invitation.user.display_name}'s invitation"

    def done(self):
        return "This invitation has ended." if self.invitation.ended_at else ""

    def intro(self):
        return ["They will no longer see this case."]

    def form_valid(self, form):
        return self.run(form, lambda: services.invitation_end(actor=self.request.user, invitation=self.invitation),
                        "The invitation has ended.")


class OutcomeView(CaseFormPage):
    """The outcome, each category shown with its definition where it is chosen."""

    form_class = OutcomeForm
    title = "Record the outcome"
    submit_label = "Save the outcome and close the case"
    template_name = "lado/outcome.html"
    warning = "Recording the outcome closes the case."

    def load(self):
        self.resolution = next((d for d in case_page(self.case, sees_index=False).deadlines
                                if d.rule_key == "lado_resolution"), None)

    def done(self):
        if self.case.status == S.NEW:
            return "Evaluate the referral first: an outcome follows an evaluation that found the threshold met."
        return "This case is closed." if self.case.status == S.CLOSED else ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": is_late(self.resolution) or self.shows("late_reason")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["definitions"] = [(c.value, c.label, OUTCOME_DEFINITIONS[c]) for c in OutcomeCategory]
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.case_outcome_record(
            actor=self.request.user, case=self.case, category=d["category"], decided_on=d["decided_on"],
            rationale=d["rationale"], subject_told=d["subject_told"], employer_told=d["employer_told"],
            family_told=d["family_told"], dbs_referral=d["dbs_referral"], dbs_referred_on=d["dbs_referred_on"],
            late_reason=d.get("late_reason") or ""), "The outcome has been recorded and the case closed.")


class RegulatorView(CaseFormPage):
    form_class = RegulatorForm
    title = "Record a referral to a regulator"
    submit_label = "Save"

    def done(self):
        return "" if self.case.status == S.CLOSED else "Record the outcome first."

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.regulator_referral_record(
            actor=self.request.user, case=self.case, regulator=d["regulator"], referred_on=d["referred_on"],
            referred_by_whom=d["referred_by_whom"]), "The referral to the regulator has been recorded.")
