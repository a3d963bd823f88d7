"""The child protection plan between conferences: the plan page, core group members and meetings,
actions and their progress, and the chair's mid-way audits."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.clock import services as clock
from safeguarding.pages import day, uuid_or_404

from .. import services
from ..forms_record import (
    CoreGroupMeetingForm,
    CoreGroupMemberForm,
    MidwayAuditForm,
    PlanActionForm,
    PlanActionUpdateForm,
)
from ..models import ChildProtectionPlan
from ..policies import conference_policy, plan_policy
from ..rules import REVIEW_RULES
from ..selectors import record_pages
from .base import PlanFormPage, PlanPage, is_late, log_child_view


class PlanView(PlanPage, TemplateView):
    """The child protection plan: its categories, lead social worker, review date, core group and its
    meetings, actions and progress, and the chair's mid-way audits."""

    action = "view"
    template_name = "conferences/record/plan.html"

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, "child protection plan")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.plan
        lists = record_pages.plan_page(p, conference_policy.probe(self.access, "view"))
        conferences = lists["conferences"]
        ctx.update(
            title="Child protection plan", **lists,
            review_deadline=clock.open_deadlines_for(p, *REVIEW_RULES).first(),
            core_group_deadline=clock.open_deadlines_for(p, "core_group_first").first(),
            can_update=plan_policy.can(self.access, "update", p), can_audit=plan_policy.can(self.access, "audit", p),
            active=p.status == ChildProtectionPlan.Status.ACTIVE,
            back_url=(reverse("conferences:detail", kwargs={"public_id": conferences[0].public_id})
                      if conferences else reverse("home")),
        )
        return ctx


class CoreGroupMeetingView(PlanFormPage):
    action = "update"
    form_class = CoreGroupMeetingForm
    title = "Record a core group meeting"
    submit_label = "Save the meeting"

    def load(self):
        self.members = record_pages.core_group_of(self.plan)
        self.deadline = clock.open_deadlines_for(self.plan, "core_group_first").first()

    def rows(self):
        if self.deadline:
            return [("First core group meeting due by", day(self.deadline.due_date))]
        return []

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": self.members,
                "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.core_group_meeting_record(
            actor=self.request.user, plan=self.plan, held_on=d["held_on"], progress=d["progress"],
            attendee_ids=form.attendee_ids(), next_meeting_on=d["next_meeting_on"],
            late_reason=d.get("late_reason", "")),
            f"The core group meeting of {day(d['held_on'])} has been recorded.", self.url() + "#core-group")


class CoreGroupMemberView(PlanFormPage):
    action = "update"
    form_class = CoreGroupMemberForm
    title = "Add a core group member"
    submit_label = "Add member"

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.core_group_member_add(
            actor=self.request.user, plan=self.plan, member=services.MemberInput(name=d["name"], role=d["role"])),
            f"{d['name']} has been added to the core group.", self.url() + "#core-group")


class PlanActionCreateView(PlanFormPage):
    action = "update"
    form_class = PlanActionForm
    title = "Add an action to the plan"
    submit_label = "Add action"

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.plan_action_add(
            actor=self.request.user, plan=self.plan, action=services.ActionInput(
                description=d["description"], owner_name=d["owner_name"], due_date=d["due_date"])),
            "The action has been added to the plan.", self.url() + "#actions")


class PlanActionUpdateView(PlanFormPage):
    action = "update"
    form_class = PlanActionUpdateForm
    title = "Update an action's progress"
    submit_label = "Save progress"

    def load(self):
        self.plan_action = record_pages.plan_action(self.plan, uuid_or_404(self.kwargs["action_id"]))
        if self.plan_action is None:
            raise Http404("No such action")

    def rows(self):
        a = self.plan_action
        return [("Action", a.description), ("Who", a.owner_label), ("Due by", day(a.due_date)),
                ("Progress now", a.get_progress_display())]

    def get_initial(self):
        return {"progress": self.plan_action.progress, "note": self.plan_action.progress_note}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.plan_action_update(
            actor=self.request.user, action=self.plan_action, progress=d["progress"], note=d["note"]),
            "The action's progress has been saved.", self.url() + "#actions")


class MidwayAuditView(PlanFormPage):
    action = "audit"
    form_class = MidwayAuditForm
    title = "Record a mid-way audit"
    submit_label = "Save the audit"

    def intro(self):
        return ["The chair's check on the plan between conferences. The child's team managers are told; an "
                "escalation is also emailed to them."]

    def get_initial(self):
        return {"audited_on": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.midway_audit_record(
            actor=self.request.user, plan=self.plan, audited_on=d["audited_on"], progress=d["progress"],
            concerns=d["concerns"], escalation_raised=d["escalation_raised"],
            escalation_detail=d["escalation_detail"]),
            "The mid-way audit has been recorded.", self.url() + "#audits")
