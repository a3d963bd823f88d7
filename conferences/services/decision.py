"""The chair's decision: a plan (or none), continue or end; the outline plan and core group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import (
    Category,
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    CoreGroupMember,
    Decision,
    EndReason,
    NextStep,
    Outcome,
    PlanAction,
)
from ..rules import deadline_label
from ._common import S, _lock, _transition
from .cin_review import cin_review_open_for_ended_plan
from .minutes import minutes_draft


@dataclass(frozen=True)
class ActionInput:
    description: str
    owner_name: str
    due_date: date
    owner_id: int | None = None


@dataclass(frozen=True)
class MemberInput:
    name: str
    role: str = ""
    user_id: int | None = None
    agency_id: int | None = None
    adult_id: int | None = None


ALLOWED_OUTCOMES = {True: (Outcome.PLAN, Outcome.NO_PLAN), False: (Outcome.CONTINUE, Outcome.END)}


@transaction.atomic
def conference_decide(
    *, actor: User, conference: Conference, outcome: str, category: str = "", next_step: str = "",
    end_reason: str = "", rationale: str = "", lead_social_worker: User | None = None,
    core_group: list[MemberInput] | tuple = (), actions: list[ActionInput] | tuple = (),
) -> Decision:
    """The chair's decision. Initial, pre-birth and transfer-in conferences decide plan (category, lead
    social worker, core group, outline plan) or no plan (next step); a review decides continue (the
    category may change, kept in history) or end (a reason from the criteria, and the next step)."""
    conference = _lock(conference)
    if conference.status == S.DECIDED:
        return conference.decision
    if conference.chair_id != actor.pk:
        raise ValidationError("Only the conference's chair records its decision")
    _transition(conference, S.DECIDED)
    outcome = Outcome(outcome)
    errors: dict[str, str] = {}
    if outcome not in ALLOWED_OUTCOMES[conference.is_initial_kind]:
        allowed = " or ".join(o.label.lower() for o in ALLOWED_OUTCOMES[conference.is_initial_kind])
        errors["outcome"] = f"This conference decides {allowed}"
    if category and category not in Category.values:
        errors["category"] = "Choose a category of abuse or neglect from the list (NEG, PHY, EMO, SAB or MUL)"
    if outcome == Outcome.PLAN:
        if not category:
            errors["category"] = "Choose the category of abuse or neglect"
        if lead_social_worker is None:
            errors["lead_social_worker"] = "Choose the lead social worker"
        if not actions:
            errors["actions"] = "Add at least one action to the outline plan"
    if outcome in (Outcome.NO_PLAN, Outcome.END) and not next_step:
        errors["next_step"] = "Choose the next step"
    if outcome == Outcome.END and not end_reason:
        errors["end_reason"] = "Choose why the plan is ending"
    for i, a in enumerate(actions):
        if not a.description.strip() or not a.owner_name.strip() or a.due_date is None:
            errors["actions"] = f"Action {i + 1}: enter what will be done, by whom and by when"
        elif conference.held_on and a.due_date < conference.held_on:
            errors["actions"] = (f"Action {i + 1}: the date it is due by cannot be before the conference "
                                 f"({conference.held_on:%-d %B %Y})")
    if errors:
        raise ValidationError(errors)
    held_on = conference.held_on
    decision = Decision(conference=conference, outcome=outcome, category=category if outcome in (
        Outcome.PLAN, Outcome.CONTINUE) else "", next_step=NextStep(next_step) if next_step else "",
        end_reason=EndReason(end_reason) if outcome == Outcome.END else "", rationale=rationale.strip(),
        decided_by=actor, decided_at=timezone.now())
    stamp(decision, actor)
    decision.save()
    plan = conference.plan
    child = conference.child
    team = child.allocated_team
    if outcome == Outcome.PLAN:
        previous = child.protection_plans.live().filter(status=ChildProtectionPlan.Status.ENDED).count()
        plan = ChildProtectionPlan(child=child, started_on=held_on, initial_category=category,
                                   latest_category=category, lead_social_worker=lead_social_worker,
                                   previous_plans=previous, created_by=actor)
        stamp(plan, actor, "Plan made by conference")
        plan.save()
        conference.plan = plan
        record_event(events.PLAN_STARTED, actor=actor, subject=plan, payload={"category": category,
                                                                             "previous_plans": previous})
        clock.deadline_open(subject=plan, rule_key="core_group_first", anchor_date=held_on,
                            label=deadline_label("core_group_first"), actor=actor,
                            responsible_person=lead_social_worker, responsible_team=team)
        clock.deadline_open(subject=plan, rule_key="rcpc_first", anchor_date=held_on,
                            label=deadline_label("rcpc_first"), actor=actor, responsible_person=conference.chair,
                            responsible_team=team)
    elif outcome == Outcome.CONTINUE:
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if category and category != plan.latest_category:
            CategoryChange.objects.create(plan=plan, conference=conference, from_category=plan.latest_category,
                                          to_category=category, changed_on=held_on, changed_by=actor)
            record_event(events.PLAN_CATEGORY_CHANGED, actor=actor, subject=plan,
                         payload={"from": plan.latest_category, "to": category})
            plan.latest_category = category
            stamp(plan, actor, "Category changed at review conference")
            plan.save()
        if not decision.category:
            decision.category = plan.latest_category
            decision.save(update_fields=["category"])
        if lead_social_worker and lead_social_worker.pk != plan.lead_social_worker_id:
            plan.lead_social_worker = lead_social_worker
            stamp(plan, actor, "Lead social worker changed at review conference")
            plan.save()
        clock.deadline_open(subject=plan, rule_key="rcpc_next", anchor_date=held_on, label=deadline_label("rcpc_next"),
                            actor=actor, responsible_person=conference.chair, responsible_team=team)
    elif outcome == Outcome.END:
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.status, plan.ended_on, plan.end_reason = ChildProtectionPlan.Status.ENDED, held_on, end_reason
        stamp(plan, actor, f"Ended: {EndReason(end_reason).label}")
        plan.save()
        clock.deadlines_cancel_open(subject=plan, reason="The plan has ended", actor=actor)
        record_event(events.PLAN_ENDED, actor=actor, subject=plan, payload={"reason": end_reason})
        if next_step == NextStep.CIN_PLAN:  # the chair's child in need review three months on (Cheshire West)
            cin_review_open_for_ended_plan(actor=actor, conference=conference, plan=plan)
    if plan is not None and outcome in (Outcome.PLAN, Outcome.CONTINUE):
        for m in core_group:
            _core_group_add(plan, m, actor)
        for a in actions:
            pa = PlanAction(plan=plan, description=a.description.strip(), owner_name=a.owner_name.strip(),
                            owner_id=a.owner_id or action_owner_from_core_group(plan, a.owner_name),
                            due_date=a.due_date, created_by=actor)
            stamp(pa, actor, "Outline plan")
            pa.save()
    stamp(conference, actor, "Decided")
    conference.save()
    clock.deadline_open(subject=conference, rule_key="outline_plan", anchor_date=held_on,
                        label=deadline_label("outline_plan"), actor=actor, responsible_person=conference.chair)
    clock.deadline_open(subject=conference, rule_key="conference_minutes", anchor_date=held_on,
                        label=deadline_label("conference_minutes"), actor=actor, responsible_person=conference.chair)
    record_event(events.DECIDED, actor=actor, subject=conference, payload={
        "outcome": outcome, "category": decision.category, "next_step": next_step, "end_reason": end_reason})
    minutes_draft(actor=actor, conference=conference)
    _dissent_to_register(conference, actor)
    return decision


def _dissent_to_register(conference: Conference, actor) -> None:
    """Professional dissent written in the record is final at the decision: it goes into the partnership's one
    escalation register by its route (ADR 25), in this transaction."""
    from partnership.services import escalation_record_from_route

    record = getattr(conference, "record", None)
    dissent = record.professional_dissent.strip() if record is not None else ""
    if not dissent:
        return
    la = conference.child.local_authority
    escalation_record_from_route(actor=actor, route="conference_dissent", source_id=conference.public_id,
                                 child=conference.child, raised_on=conference.held_on or timezone.localdate(),
                                 category="conference_decision", concern=dissent, raising_agency=la,
                                 raised_with_agency=la, stage_label="Recorded at the conference")


def _core_group_add(plan: ChildProtectionPlan, m: MemberInput, actor) -> CoreGroupMember:
    live = plan.core_group.live()
    if m.user_id and live.filter(user_id=m.user_id).exists():
        return live.get(user_id=m.user_id)
    if m.adult_id and live.filter(adult_id=m.adult_id).exists():
        return live.get(adult_id=m.adult_id)
    member = CoreGroupMember(plan=plan, name=m.name.strip(), role=m.role.strip(), user_id=m.user_id,
                             agency_id=m.agency_id, adult_id=m.adult_id, created_by=actor)
    stamp(member, actor, "Core group member")
    member.save()
    return member


LEAD_SOCIAL_WORKER_WORDS = ("lead social worker", "social worker")


def _words(text: str) -> set[str]:
    return set("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def action_owner_from_core_group(plan: ChildProtectionPlan, owner_name: str) -> int | None:
    """The person an action's "who" names, from the plan's core group, when the chair typed a role or an
    agency ("Police", "School", "Health visitor or school nurse") rather than choosing someone (ADR 28).

    "Lead social worker" is the plan's lead social worker. Otherwise a core group member with an account
    matches when the words typed are their name, or their agency's kind ("Police", "Health"), or a word of
    their agency's name ("School" in "Oakfield Primary School"), or contain their role before any comma
    ("Health visitor" in "Health visitor or school nurse"). Exactly one person must match: two police
    officers in the core group leave "Police" as typed, for the chair to name one."""
    typed = owner_name.strip().casefold()
    if not typed:
        return None
    if typed in LEAD_SOCIAL_WORKER_WORDS:
        return plan.lead_social_worker_id
    typed_words = _words(typed)
    matches = set()
    for member in plan.core_group.live().filter(user__isnull=False).select_related("agency"):
        role = member.role.split(",")[0].strip().casefold()
        agency = member.agency
        if (member.name.strip().casefold() == typed
                or (agency is not None and (agency.get_kind_display().casefold() == typed
                                            or agency.name.casefold() == typed
                                            or (len(typed_words) == 1 and typed_words <= _words(agency.name))))
                or (role and role in typed)):
            matches.add(member.user_id)
    return matches.pop() if len(matches) == 1 else None
