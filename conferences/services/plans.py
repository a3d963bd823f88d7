"""The plan between conferences: core group, actions, core group meetings, the chair's mid-way audit."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import Membership, Role, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import ChildProtectionPlan, CoreGroupMeeting, CoreGroupMember, MidwayAudit, PlanAction
from ._common import _today, _url
from .decision import ActionInput, MemberInput, _core_group_add, action_owner_from_core_group


@transaction.atomic
def core_group_member_add(*, actor: User, plan: ChildProtectionPlan, member: MemberInput) -> CoreGroupMember:
    if not member.name.strip():
        raise ValidationError({"name": "Enter the member's name"})
    return _core_group_add(plan, member, actor)


@transaction.atomic
def plan_action_add(*, actor: User, plan: ChildProtectionPlan, action: ActionInput) -> PlanAction:
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ChildProtectionPlan.Status.ACTIVE:
        raise ValidationError("The plan has ended")
    errors = {}
    if not action.description.strip():
        errors["description"] = "Enter what will be done"
    if not action.owner_name.strip():
        errors["owner_name"] = "Enter who will do it"
    if action.due_date is None:
        errors["due_date"] = "Enter the date it is due by"
    elif action.due_date < plan.started_on:
        errors["due_date"] = "The date it is due by cannot be before the plan started"
    if errors:
        raise ValidationError(errors)
    pa = PlanAction(plan=plan, description=action.description.strip(), owner_name=action.owner_name.strip(),
                    owner_id=action.owner_id or action_owner_from_core_group(plan, action.owner_name),
                    due_date=action.due_date, created_by=actor)
    stamp(pa, actor, "Added")
    pa.save()
    return pa


@transaction.atomic
def plan_action_update(*, actor: User, action: PlanAction, progress: str, note: str = "") -> PlanAction:
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    progress = PlanAction.Progress(progress)
    if (action.progress, action.progress_note) == (progress, note.strip()):
        return action
    action.progress, action.progress_note = progress, note.strip()
    stamp(action, actor, f"Progress: {progress.label}")
    action.save()
    record_event(events.PLAN_ACTION_UPDATED, actor=actor, subject=action.plan, payload={
        "action": str(action.public_id), "progress": progress})
    return action


@transaction.atomic
def core_group_meeting_record(
    *, actor: User, plan: ChildProtectionPlan, held_on: date, progress: str, attendee_ids: list[int] | tuple = (),
    next_meeting_on: date | None = None, late_reason: str = "",
) -> CoreGroupMeeting:
    """Record a core group meeting. The first one meets the plan's ``core_group_first`` deadline."""
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ChildProtectionPlan.Status.ACTIVE:
        raise ValidationError("The plan has ended: core group meetings are recorded only while it is active")
    errors = {}
    if held_on > _today():
        errors["held_on"] = "The date of the meeting must be today or in the past"
    elif held_on < plan.started_on:
        errors["held_on"] = "The meeting cannot be before the plan started"
    if not progress.strip():
        errors["progress"] = "Record the progress on the plan's actions"
    if next_meeting_on and next_meeting_on <= held_on:
        errors["next_meeting_on"] = "The next meeting must be after this one"
    if errors:
        raise ValidationError(errors)
    meeting = CoreGroupMeeting(plan=plan, held_on=held_on, progress=progress.strip(), next_meeting_on=next_meeting_on,
                               recorded_by=actor, created_by=actor)
    stamp(meeting, actor)
    meeting.save()
    members = plan.core_group.live().filter(pk__in=attendee_ids)
    meeting.attendees.set(members)
    clock.deadline_meet_open(subject=plan, rule_keys=("core_group_first",), met_on=held_on, actor=actor,
                             late_reason=late_reason)
    record_event(events.CORE_GROUP_MET, actor=actor, subject=plan, payload={"held_on": held_on.isoformat()})
    return meeting


@transaction.atomic
def midway_audit_record(
    *, actor: User, plan: ChildProtectionPlan, audited_on: date, progress: str, concerns: str = "",
    escalation_raised: bool = False, escalation_detail: str = "",
) -> MidwayAudit:
    """The chair's audit between conferences. An escalation tells the child's team managers."""
    errors = {}
    if not progress.strip():
        errors["progress"] = "Record the progress you found"
    if escalation_raised and not escalation_detail.strip():
        errors["escalation_detail"] = "Say what you escalated and to whom"
    if audited_on > _today():
        errors["audited_on"] = "The audit date must be today or in the past"
    elif audited_on < plan.started_on:
        errors["audited_on"] = "The audit cannot be before the plan started"
    if errors:
        raise ValidationError(errors)
    audit = MidwayAudit(plan=plan, chair=actor, audited_on=audited_on, progress=progress.strip(),
                        concerns=concerns.strip(), escalation_raised=escalation_raised,
                        escalation_detail=escalation_detail.strip() if escalation_raised else "", created_by=actor)
    stamp(audit, actor)
    audit.save()
    record_event(events.MIDWAY_AUDIT, actor=actor, subject=plan, payload={"escalation": escalation_raised})
    team = plan.child.allocated_team
    if team is not None:
        managers = (Membership.objects.filter(team=team, is_active=True, user__is_active=True,
                                              roles__contains=[Role.TEAM_MANAGER])
                    .values_list("user_id", flat=True).distinct())
        subject = "Chair's mid-way audit: escalation raised" if escalation_raised else "Chair's mid-way audit recorded"
        notify_many([(uid, subject, "", _url("conferences:plan", public_id=plan.public_id), plan) for uid in managers],
                    email=escalation_raised)
    if escalation_raised:  # kept in the partnership's one escalation register, in this transaction (ADR 25)
        from partnership.services import escalation_record_from_route

        la = plan.child.local_authority
        escalation_record_from_route(actor=actor, route="midway_audit", source_id=audit.public_id, child=plan.child,
                                     raised_on=audited_on, category="plan_progress",
                                     concern=audit.escalation_detail, raising_agency=la,
                                     raised_with_agency=la, stage_label="Raised by the chair")
    return audit
