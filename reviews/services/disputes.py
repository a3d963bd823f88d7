"""The IRO's dispute resolution (issue 10, section 3; ADR 14): an informal alert, then the formal stages of
``reviews.models.monitoring.DISPUTE_STAGES`` up to the director, a response at each, a stage skipped with a
reason, a referral to Cafcass at any point (reg 45), and the outcome.

Each stage is the subject of its own deadline: the informal alert ``iro_alert_response`` (local), each formal
stage ``iro_dispute_resolution`` (IRO Handbook para 6.2), met by the response at that stage and cancelled when
the dispute moves on or closes without one. The allocated IRO moves the dispute (``dispute_policy`` action
``manage``); the child's social worker and team manager answer it (``respond``), or the IRO records the answer
given to them.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import OPEN, Dispute, DisputeStage, IroAllocation, LookedAfterEpisode
from ..models.monitoring import DISPUTE_STAGES, INFORMAL_STAGE, STAGE_NAMES
from ..oversight import ALERT_RULE, DISPUTE_RULE, stage_rule
from ..policies import dispute_policy, oversight_policy
from ..rules import deadline_label
from ._common import _ctx, _iro_managers, _lock_episode, _not_future, _require, _today, _url
from .quality import _the_childs_workers

STAGE_NUMBERS = tuple(number for number, _name, _who in DISPUTE_STAGES)
NAME_MAX = DisputeStage._meta.get_field("raised_with_name").max_length


def raise_with_people(episode: LookedAfterEpisode) -> list[int]:
    """Who a stage may be raised with by their account: the child's social worker and their team's managers
    (``selectors.between.childs_workers``; anyone else, a service manager or the director, is named in words)."""
    return _the_childs_workers(episode)


def _lock(dispute: Dispute) -> Dispute:
    return (Dispute.objects.select_for_update(of=("self",)).select_related("episode__child")
            .get(pk=dispute.pk))


def _current_stage(dispute: Dispute) -> DisputeStage:
    return (DisputeStage.objects.select_for_update(of=("self",)).live().filter(dispute=dispute, number=dispute.stage)
            .select_related("raised_with").get())


def _check_with(episode: LookedAfterEpisode, raised_with: User | None, raised_with_name: str, errors: dict) -> str:
    name = " ".join(raised_with_name.split())
    if raised_with is not None and raised_with.pk not in raise_with_people(episode):
        errors["raised_with"] = "Choose someone from the list, or name them in words"
    elif raised_with is None and not name:
        errors["raised_with_name"] = "Enter who you raised it with"
    elif len(name) > NAME_MAX:
        errors["raised_with_name"] = f"Keep the name to {NAME_MAX} characters"
    return name or (raised_with.full_name if raised_with else "")


def _skip(dispute: Dispute, numbers, reason: str, actor: User) -> None:
    for number in numbers:
        row = DisputeStage(dispute=dispute, number=number, skipped_reason=reason, created_by=actor)
        stamp(row, actor, f"{STAGE_NAMES[number]} skipped")
        row.save()


def _start_stage(dispute: Dispute, number: int, started_on: date, raised_with: User | None, name: str,
                 actor: User) -> DisputeStage:
    stage = DisputeStage(dispute=dispute, number=number, raised_with=raised_with, raised_with_name=name,
                         started_on=started_on, created_by=actor)
    stamp(stage, actor, f"{STAGE_NAMES[number]} started")
    stage.save()
    rule = stage_rule(number)
    clock.deadline_open(subject=stage, rule_key=rule, anchor_date=started_on,
                        label=f"{deadline_label(rule)}: {STAGE_NAMES[number].lower()}", actor=actor,
                        responsible_person=raised_with, responsible_team=dispute.episode.child.allocated_team)
    return stage


def _tell(dispute: Dispute, subject: str, body: str, people, actor: User) -> None:
    url = _url("reviews:dispute", public_id=dispute.public_id)
    notify_many([(pk, subject, f"Reference {dispute.episode.child.local_child_id}: {body}", url, dispute)
                 for pk in sorted(set(people) - {None, actor.pk})])


def _iros_of(dispute: Dispute) -> set[int]:
    """The IRO who raised the dispute and the child's IRO now."""
    current = (IroAllocation.objects.filter(OPEN, episode_id=dispute.episode_id).values_list("iro_id", flat=True)
               .first())
    return {dispute.raised_by_id, current}


@transaction.atomic
def dispute_raise(
    *, actor: User, episode: LookedAfterEpisode, category: str, concern: str, wanted: str,
    raised_with: User | None = None, raised_with_name: str = "", raised_on: date | None = None,
    stage: int = INFORMAL_STAGE, skip_reason: str = "",
) -> Dispute:
    """The child's IRO raises a concern about the care plan: an informal alert (``iro_alert_response``), or
    straight at a formal ``stage`` with why the stages before it are skipped (``skip_reason``). Raised with
    ``raised_with`` (the child's social worker or a manager of their team) or someone named in words. The
    child's social worker and team managers are told. The same concern raised twice the same day changes
    nothing."""
    episode = _lock_episode(episode)
    _require(oversight_policy.can(_ctx(actor), "monitor", episode), "raise a dispute about this child's plan")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    raised_on = raised_on or _today()
    concern, wanted, skip_reason = concern.strip(), wanted.strip(), skip_reason.strip()
    errors: dict[str, str] = {}
    if category not in Dispute.Category.values:
        errors["category"] = "Choose what the concern is about"
    if not concern:
        errors["concern"] = "Say what you are worried about"
    if not wanted:
        errors["wanted"] = "Say what you want to happen"
    if stage not in STAGE_NUMBERS:
        errors["stage"] = "Choose the stage to raise it at"
    elif stage != INFORMAL_STAGE and not skip_reason:
        errors["skip_reason"] = "Say why you are not starting with an informal alert"
    _not_future(raised_on, "raised_on", "date you raised it", errors)
    if "raised_on" not in errors and raised_on < episode.start_date:
        errors["raised_on"] = f"The child became looked after on {episode.start_date:%-d %B %Y}"
    name = _check_with(episode, raised_with, raised_with_name, errors)
    if errors:
        raise ValidationError(errors)
    same = Dispute.objects.live().filter(episode=episode, raised_on=raised_on, category=category, concern=concern,
                                         closed_on__isnull=True).first()
    if same is not None:
        return same
    dispute = Dispute(episode=episode, raised_by=actor, raised_on=raised_on, category=category, concern=concern,
                      wanted=wanted, stage=stage, created_by=actor)
    stamp(dispute, actor, STAGE_NAMES[stage])
    dispute.save()
    _skip(dispute, range(INFORMAL_STAGE, stage), skip_reason, actor)
    _start_stage(dispute, stage, raised_on, raised_with, name, actor)
    record_event(events.DISPUTE_RAISED, actor=actor, subject=dispute, payload={
        "episode": str(episode.public_id), "stage": stage, "category": category, "on": raised_on.isoformat()})
    _tell(dispute, "The IRO has raised a concern about a care plan",
          f"{STAGE_NAMES[stage]}, {Dispute.Category(category).label.lower()}.",
          [*_the_childs_workers(episode), raised_with.pk if raised_with else None], actor)
    _to_register(dispute, actor)
    return dispute


@transaction.atomic
def dispute_escalate(
    *, actor: User, dispute: Dispute, to_stage: int, raised_with: User | None = None, raised_with_name: str = "",
    started_on: date | None = None, skip_reason: str = "",
) -> Dispute:
    """The IRO takes the dispute to a later formal stage (the next, or a later one with why the stages between
    are skipped): the stage it was at ends (its deadline cancelled if it was not answered) and the new stage's
    ``iro_dispute_resolution`` opens. Taking it to the stage it is at changes nothing."""
    dispute = _lock(dispute)
    _require(dispute_policy.can(_ctx(actor), "manage", dispute), "move this dispute on")
    if not dispute.is_open:
        raise ValidationError(f"This dispute was closed on {dispute.closed_on:%-d %B %Y}")
    if to_stage == dispute.stage:
        return dispute
    started_on = started_on or _today()
    skip_reason = skip_reason.strip()
    current = _current_stage(dispute)
    errors: dict[str, str] = {}
    if to_stage not in STAGE_NUMBERS or to_stage < dispute.stage:
        errors["to_stage"] = f"Choose a stage after {dispute.stage_name.lower()}"
    elif to_stage > dispute.stage + 1 and not skip_reason:
        errors["skip_reason"] = "Say why you are skipping the stages between"
    _not_future(started_on, "started_on", "date you raised it", errors)
    if "started_on" not in errors and started_on < current.started_on:
        errors["started_on"] = f"{current.name} began on {current.started_on:%-d %B %Y}"
    name = _check_with(dispute.episode, raised_with, raised_with_name, errors)
    if errors:
        raise ValidationError(errors)
    if current.responded_on is None:
        clock.deadlines_cancel_open(subject=current, actor=actor,
                                    reason=f"Moved to {STAGE_NAMES[to_stage].lower()} before an answer")
    current.ended_on = started_on
    stamp(current, actor, f"Moved to {STAGE_NAMES[to_stage].lower()}")
    current.save(update_fields=["ended_on"])
    _skip(dispute, range(dispute.stage + 1, to_stage), skip_reason, actor)
    before = dispute.stage
    dispute.stage = to_stage
    stamp(dispute, actor, STAGE_NAMES[to_stage])
    dispute.save(update_fields=["stage"])
    _start_stage(dispute, to_stage, started_on, raised_with, name, actor)
    record_event(events.DISPUTE_ESCALATED, actor=actor, subject=dispute, payload={
        "from": before, "to": to_stage, "skipped": list(range(before + 1, to_stage)), "on": started_on.isoformat()})
    _tell(dispute, "An IRO dispute has moved to a formal stage", f"{STAGE_NAMES[to_stage]}.",
          [*_the_childs_workers(dispute.episode), raised_with.pk if raised_with else None], actor)
    _to_register(dispute, actor)
    return dispute


@transaction.atomic
def dispute_answer(
    *, actor: User, dispute: Dispute, response: str, responder_name: str = "", responded_on: date | None = None,
    late_reason: str = "",
) -> DisputeStage:
    """The answer at the stage the dispute is at: given by the child's social worker or team manager
    (``respond``), or recorded by the IRO with who gave it (``manage``, ``responder_name``). Meets the stage's
    deadline (late: ``late_reason``); the IRO is told. Once given, the answer stands."""
    dispute = _lock(dispute)
    ctx = _ctx(actor)
    manages = dispute_policy.can(ctx, "manage", dispute)
    _require(manages or dispute_policy.can(ctx, "respond", dispute), "answer this dispute")
    if not dispute.is_open:
        raise ValidationError(f"This dispute was closed on {dispute.closed_on:%-d %B %Y}")
    stage = _current_stage(dispute)
    response = response.strip()
    if stage.responded_on is not None:
        if stage.response == response:
            return stage
        raise ValidationError(f"{stage.name} was answered on {stage.responded_on:%-d %B %Y}")
    responded_on = responded_on or _today()
    name = " ".join(responder_name.split()) or ("" if manages else actor.full_name)
    errors: dict[str, str] = {}
    if not response:
        errors["response"] = "Write the answer"
    if not name:
        errors["responder_name"] = "Enter who gave the answer"
    elif len(name) > NAME_MAX:
        errors["responder_name"] = f"Keep the name to {NAME_MAX} characters"
    _not_future(responded_on, "responded_on", "date of the answer", errors)
    if "responded_on" not in errors and responded_on < stage.started_on:
        errors["responded_on"] = f"{stage.name} began on {stage.started_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=stage, rule_keys=(ALERT_RULE, DISPUTE_RULE), met_on=responded_on, actor=actor,
                             late_reason=late_reason)
    stage.response, stage.responded_on, stage.responder_name = response, responded_on, name
    stage.response_recorded_by = actor
    stamp(stage, actor, "Answered")
    stage.save()
    record_event(events.DISPUTE_ANSWERED, actor=actor, subject=dispute, payload={
        "stage": stage.number, "on": responded_on.isoformat()})
    _tell(dispute, "An answer to an IRO dispute", f"{stage.name} was answered.", _iros_of(dispute), actor)
    _to_register(dispute, actor)
    return stage


@transaction.atomic
def dispute_refer_to_cafcass(*, actor: User, dispute: Dispute, referred_on: date | None, reason: str) -> Dispute:
    """The IRO refers the child's case to Cafcass (reg 45), at any stage of an open dispute, with why. The IRO
    managers are told. Once made, the referral stands."""
    dispute = _lock(dispute)
    _require(dispute_policy.can(_ctx(actor), "manage", dispute), "refer this child's case to Cafcass")
    reason = reason.strip()
    if dispute.cafcass_referred_on is not None:
        if (dispute.cafcass_referred_on, dispute.cafcass_reason) == (referred_on, reason):
            return dispute
        raise ValidationError(f"The case was referred to Cafcass on {dispute.cafcass_referred_on:%-d %B %Y}")
    if not dispute.is_open:
        raise ValidationError(f"This dispute was closed on {dispute.closed_on:%-d %B %Y}")
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why you are referring the case to Cafcass"
    _not_future(referred_on, "referred_on", "date of the referral", errors)
    if "referred_on" not in errors and referred_on < dispute.raised_on:
        errors["referred_on"] = f"The dispute was raised on {dispute.raised_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    dispute.cafcass_referred_on, dispute.cafcass_reason = referred_on, reason
    stamp(dispute, actor, "Referred to Cafcass")
    dispute.save(update_fields=["cafcass_referred_on", "cafcass_reason"])
    record_event(events.DISPUTE_CAFCASS, actor=actor, subject=dispute, payload={"on": referred_on.isoformat()})
    _tell(dispute, "An IRO has referred a child's case to Cafcass", f"on {referred_on:%-d %B %Y}.",
          _iro_managers(dispute.episode.child.local_authority_id), actor)
    return dispute


@transaction.atomic
def dispute_close(*, actor: User, dispute: Dispute, outcome: str, note: str, closed_on: date | None = None) -> Dispute:
    """The IRO closes the dispute with its outcome (resolved, closed without agreement, referred to Cafcass,
    withdrawn) and a note. The stage it was at ends (its deadline cancelled if it was not answered); the child's
    social worker and team managers are told. Closing it again the same way changes nothing."""
    dispute = _lock(dispute)
    _require(dispute_policy.can(_ctx(actor), "manage", dispute), "close this dispute")
    note = note.strip()
    if not dispute.is_open:
        if (dispute.outcome, dispute.outcome_note) == (outcome, note):
            return dispute
        raise ValidationError(f"This dispute was closed on {dispute.closed_on:%-d %B %Y}")
    closed_on = closed_on or _today()
    current = _current_stage(dispute)
    errors: dict[str, str] = {}
    if outcome not in Dispute.Outcome.values:
        errors["outcome"] = "Choose the outcome"
    elif outcome == Dispute.Outcome.CAFCASS and dispute.cafcass_referred_on is None:
        errors["outcome"] = "Record the referral to Cafcass first"
    if not note:
        errors["note"] = "Say how it ended"
    _not_future(closed_on, "closed_on", "date it ended", errors)
    if "closed_on" not in errors and closed_on < current.started_on:
        errors["closed_on"] = f"{current.name} began on {current.started_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    if current.responded_on is None:
        clock.deadlines_cancel_open(subject=current, actor=actor, reason="The dispute was closed")
    current.ended_on = closed_on
    stamp(current, actor, "Dispute closed")
    current.save(update_fields=["ended_on"])
    dispute.outcome, dispute.outcome_note, dispute.closed_on = outcome, note, closed_on
    stamp(dispute, actor, Dispute.Outcome(outcome).label)
    dispute.save(update_fields=["outcome", "outcome_note", "closed_on"])
    record_event(events.DISPUTE_CLOSED, actor=actor, subject=dispute, payload={
        "outcome": outcome, "stage": dispute.stage, "on": closed_on.isoformat()})
    _tell(dispute, "An IRO dispute has closed", f"{Dispute.Outcome(outcome).label}.",
          _the_childs_workers(dispute.episode), actor)
    _close_in_register(dispute, actor)
    return dispute



# --- the partnership's one escalation register (issue 12, section 4; ADR 25) ------------------------------------
# Every IRO dispute is kept in the register by its route, in the same transaction as the change here.
REGISTER_CATEGORY = {Dispute.Category.UNALLOCATED: "service_provision", Dispute.Category.PLACEMENT: "service_provision"}
REGISTER_OUTCOME = {Dispute.Outcome.RESOLVED: "resolved_agreed", Dispute.Outcome.NOT_AGREED: "resolved_not_agreed",
                    Dispute.Outcome.CAFCASS: "resolved_not_agreed", Dispute.Outcome.WITHDRAWN: "withdrawn"}


def _to_register(dispute: Dispute, actor: User) -> None:
    """The dispute as the register shows it: its stage, the date the stage's answer is due (none once
    answered), and the concern."""
    from partnership.services import escalation_record_from_route

    stage = _current_stage(dispute)
    due = None if stage.responded_on else min((d.due_date for d in clock.open_deadlines_for(stage)), default=None)
    la = dispute.episode.child.local_authority
    escalation_record_from_route(
        actor=actor, route="iro_dispute", source_id=dispute.public_id, child=dispute.episode.child,
        raised_on=dispute.raised_on, category=REGISTER_CATEGORY.get(dispute.category, "plan_progress"),
        concern=f"{Dispute.Category(dispute.category).label}: {dispute.concern}", wanted=dispute.wanted,
        raising_agency=la, raised_with_agency=la, stage=dispute.stage,
        stage_label=STAGE_NAMES[dispute.stage] + (" (answered)" if stage.responded_on else ""),
        stage_started_on=stage.started_on, due_on=due)


def _close_in_register(dispute: Dispute, actor: User) -> None:
    from partnership.services import escalation_close_from_route

    escalation_close_from_route(actor=actor, route="iro_dispute", source_id=dispute.public_id,
                                outcome=REGISTER_OUTCOME[dispute.outcome],
                                note=f"{Dispute.Outcome(dispute.outcome).label}. {dispute.outcome_note}",
                                closed_on=dispute.closed_on)
