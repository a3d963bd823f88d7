"""Holding the conference (the date, the quorum, why it was late) and the chair's decision."""

from __future__ import annotations

from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone

from safeguarding.pages import day, when

from .. import services
from ..forms_record import MIN_ACTION_ROWS, DecisionForm, HoldForm
from ..models import Conference, Invitation, Outcome
from ..selectors import pages as page_selectors
from ..selectors import record_pages
from ..selectors.invitations import quorum
from ..selectors.scheduling import due_deadline
from .base import ConferenceFormPage, is_late

S = Conference.Status


class HoldView(ConferenceFormPage):
    """Record that the conference took place: the date, the quorum (the chair's reason when it was not
    quorate) and, when it was held after its due date, why."""

    action = "decide"
    form_class = HoldForm
    title = "Record that the conference was held"
    submit_label = "Record as held"
    optional_asks = ("late_reason", "quorum_override_reason")

    def load(self):
        self.quorum = quorum(conference=self.conference)
        self.deadline = due_deadline(self.conference)

    def done(self):
        c = self.conference
        if c.status in (S.HELD, S.DECIDED):
            return f"This conference was recorded as held on {day(c.held_on)}."
        if c.status == S.REQUESTED:
            return "This conference has not been booked yet."
        if c.status == S.CANCELLED:
            return "This conference was cancelled."
        return ""

    def links(self):
        if self.conference.status == S.HELD:
            return [(self.url("decision"), "Record the decision")]
        if not self.done():
            return [(self.url("attendance"), "Update the attendance")]
        return []

    def rows(self):
        c = self.conference
        rows = []
        if c.starts_at:
            rows.append(("Booked for", when(c.starts_at)))
        if self.deadline:
            rows.append(("Due by", day(self.deadline.due_date)))
        if c.late_reason:
            rows.append(("Why it was booked after its due date", c.late_reason))
        rows.append(("Quorum", self.quorum.explanation))
        return rows

    def intro(self):
        if self.done():
            return []
        out = ["The quorum is worked out from the attendance: children's social care and at least "
               f"{self.quorum.needed} other agencies with direct contact with the child or family."]
        if not self.quorum.quorate:
            out.append("If the attendance is not up to date, record it first. Otherwise, say why the conference "
                       "went ahead without a quorum.")
        return out

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["show_override"] = not self.quorum.quorate or self.shows("quorum_override_reason")
        kwargs["show_late"] = self.shows("late_reason") or (is_late(self.deadline) and not self.conference.late_reason)
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.conference_hold(
            actor=self.request.user, conference=self.conference, held_on=d["held_on"],
            quorum_override_reason=d.get("quorum_override_reason", ""), late_reason=d.get("late_reason", "")),
            f"The conference has been recorded as held on {day(d['held_on'])}.", self.url("decision"))


class DecisionView(ConferenceFormPage):
    """The chair's decision. Initial, pre-birth and transfer-in: plan (category, lead social worker, core
    group, outline plan) or no plan (next step). Review: continue (the category may change) or end."""

    action = "decide"
    form_class = DecisionForm
    template_name = "conferences/record/decision.html"
    title = "Conference decision"
    submit_label = "Record the decision"

    def load(self):
        c = self.conference
        self.invitations = list(record_pages.participants(c))
        self.decision = getattr(c, "decision", None) if c.status == S.DECIDED else None
        self.rows_wanted = MIN_ACTION_ROWS
        self.add_row = False
        if self.request.method == "POST":
            try:
                self.rows_wanted = int(self.request.POST.get("action_rows") or MIN_ACTION_ROWS)
            except ValueError:
                self.rows_wanted = MIN_ACTION_ROWS
            self.add_row = "add_action" in self.request.POST
            if self.add_row:
                self.rows_wanted += 1

    def done(self):
        c = self.conference
        if c.status == S.DECIDED:
            return "The decision has been recorded."
        if c.status != S.HELD:
            return "Record that the conference was held before recording its decision."
        return ""

    def get_initial(self):
        c = self.conference
        if not c.is_initial_kind and c.plan_id:
            return {"category": c.plan.latest_category, "lead_social_worker": c.plan.lead_social_worker.public_id}
        sw = c.child.allocated_social_worker
        chosen = [str(i.public_id) for i in self.invitations
                  if i.kind == Invitation.InviteeKind.PARENT
                  or (i.kind == Invitation.InviteeKind.PROFESSIONAL and i.direct_contact)]
        return {"lead_social_worker": sw.public_id if sw else None, "core_group": chosen}

    def get_form_kwargs(self):
        c = self.conference
        return {**super().get_form_kwargs(), "conference": c,
                "social_workers": page_selectors.social_workers(c.child.local_authority_id),
                "invitations": self.invitations, "current_category": c.plan.latest_category if c.plan_id else "",
                "rows": self.rows_wanted}

    def post(self, request, *args, **kwargs):
        if self.add_row and not self.done():
            form = self.get_form()
            form._errors = ErrorDict()  # another row, not a submission: no errors yet
            form.data = form.data.copy()
            form.data["action_rows"] = str(form.rows)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.conference
        ctx.update(deadlines=record_pages.outcome_deadlines(c), decision=self.decision, is_review=not c.is_initial_kind,
                   current_category=c.plan.get_latest_category_display() if c.plan_id else "")
        if self.decision:
            ctx["opened"] = record_pages.deadlines_opened(c)
            ctx["plan_url"] = reverse("conferences:plan", kwargs={"public_id": c.plan.public_id}) if c.plan_id else ""
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        c = self.conference
        outcome = d["outcome"]
        lead = d.get("lead_social_worker")
        actions = [services.ActionInput(description=a, owner_name=o, due_date=due) for a, o, due in d["actions"]]
        members = []
        if outcome == Outcome.PLAN and lead is not None:
            members.append(services.MemberInput(name=lead.full_name, role="Lead social worker", user_id=lead.pk,
                                                agency_id=c.child.local_authority_id))
        for inv in form.chosen_invitations():
            members.append(services.MemberInput(name=inv.name, role=inv.role or inv.get_kind_display(),
                                                user_id=inv.user_id, agency_id=inv.agency_id, adult_id=inv.adult_id))
        keeps_plan = outcome in (Outcome.PLAN, Outcome.CONTINUE)
        return self.run(form, lambda: services.conference_decide(
            actor=self.request.user, conference=c, outcome=outcome, category=d.get("category") or "",
            next_step="" if keeps_plan else (d.get("next_step") or ""), end_reason=d.get("end_reason") or "",
            rationale=d.get("rationale", ""), lead_social_worker=lead if keeps_plan else None,
            core_group=members if outcome == Outcome.PLAN else (), actions=actions if keeps_plan else ()),
            "The decision has been recorded and the minutes drafted from the record.", self.url("decision"))
