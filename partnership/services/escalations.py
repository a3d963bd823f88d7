"""The multi-agency escalation register (issue 12, section 4; ADR 25).

A professional difference is raised by any practitioner (for an agency they work in) with another agency, about
a child (one the raiser may open: ``cases.policies.child_policy``) or a theme, and goes through the stages of
the partnership's protocol (``partnership.protocol``): each stage a deadline from the day it began, met by the
response at that stage; the raiser or the business unit moves it on (with why) or closes it with its outcome;
any statutory agency that sees it may request a multi-agency resolution meeting; at the last stage the
safeguarding partners' delegates arbitrate.

Escalations that begin elsewhere are kept here by their route: the source app's service calls
``escalation_record_from_route`` (and ``escalation_close_from_route``) inside its own transaction, after it has
checked its own policy, so that the register and the source cannot disagree.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.policies import child_policy
from safeguarding.accounts.models import Agency, Membership
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events, protocol
from ..models import Escalation, EscalationStep, PartnershipSeat
from ..policies import BUSINESS_UNIT, escalation_policy
from ._common import ctx_for, require

Route = Escalation.Route
Category = Escalation.Category
Outcome = Escalation.Outcome
Kind = EscalationStep.Kind
NAME_MAX = Escalation._meta.get_field("raised_with_name").max_length
THEME_MAX = Escalation._meta.get_field("theme").max_length


def _today() -> date:
    return timezone.localdate()


def _lock(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().get(pk=escalation.pk)


def _not_future(day: date | None, field: str, what: str, errors: dict) -> None:
    if day is not None and day > _today():
        errors[field] = f"The {what} must be today or in the past"


def _step(escalation: Escalation, kind: str, on: date, actor, text: str, agency: Agency | None = None):
    step = EscalationStep(escalation=escalation, kind=kind, stage=escalation.stage, on=on, by=actor, agency=agency,
                          text=text)
    stamp(step, actor, EscalationStep.Kind(kind).label)
    step.save()
    return step


def _open_stage(escalation: Escalation, actor) -> None:
    key = escalation.stage_key
    clock.deadline_open(subject=escalation, rule_key=key, anchor_date=escalation.stage_started_on,
                        label=rules.get(key).title, actor=actor)


def _tell(escalation: Escalation, subject: str, user_ids, actor) -> None:
    """No names in what is sent (ADR 5): the page names the subject to those who may open it."""
    url = reverse("partnership:escalation", args=[escalation.public_id])
    ids = {uid for uid in user_ids if uid and uid != actor.pk}
    notify_many([(uid, subject, "", url, escalation) for uid in sorted(ids)])


def _seat_holders(kind: str, agency_ids) -> list[int]:
    return list(PartnershipSeat.objects.filter(kind=kind, is_active=True, agency_id__in=sorted(agency_ids),
                                               user__is_active=True).values_list("user_id", flat=True))


def _stage_index(escalation: Escalation) -> int:
    keys = protocol.stage_keys()
    if escalation.stage_key not in keys:
        raise ValidationError(f"This escalation's stage ({escalation.stage_key}) is not in the partnership's "
                              "protocol any more: ask the business unit")
    return keys.index(escalation.stage_key)


@transaction.atomic
def escalation_raise(
    *, actor, raising_agency: Agency | None, raised_with_agency: Agency | None, category: str, concern: str,
    wanted: str = "", child=None, theme: str = "", raised_with_name: str = "", raised_on: date | None = None,
) -> Escalation:
    """A practitioner raises a professional difference for their agency with another agency, about ``child``
    (one they may open) or a ``theme``. Stage 1 of the protocol begins on ``raised_on`` (its deadline opened);
    the safeguarding leads of the agency raised with are told. The same difference raised twice the same day
    changes nothing."""
    ctx = ctx_for(actor)
    require(escalation_policy.can_raise(ctx))
    raised_on = raised_on or _today()
    concern, wanted, theme, name = concern.strip(), wanted.strip(), theme.strip(), raised_with_name.strip()
    errors: dict[str, str] = {}
    if raising_agency is None or raising_agency.pk not in escalation_policy.raising_agencies_for(ctx):
        errors["raising_agency"] = "Choose your agency"
    if raised_with_agency is None or not raised_with_agency.is_active:
        errors["raised_with_agency"] = "Choose the agency you disagree with"
    elif raising_agency is not None and raised_with_agency.pk == raising_agency.pk:
        errors["raised_with_agency"] = "Choose another agency: a difference within your agency goes through its own "\
                                       "policy"
    if category not in Category.values or category == Category.CONFERENCE_DECISION:
        errors["category"] = "Choose what the difference is about"
    if not concern:
        errors["concern"] = "Say what the difference is"
    if child is None and not theme:
        errors["theme"] = "Say what the difference is about: a child, or a theme"
    if child is not None and not child_policy.can(ctx, "view", child):
        errors["child"] = "Choose a child whose record you can open"
    if len(theme) > THEME_MAX:
        errors["theme"] = f"The theme must be {THEME_MAX} characters or fewer"
    if len(name) > NAME_MAX:
        errors["raised_with_name"] = f"The name must be {NAME_MAX} characters or fewer"
    _not_future(raised_on, "raised_on", "date you raised it", errors)
    if errors:
        raise ValidationError(errors)
    same = Escalation.objects.filter(route=Route.PROFESSIONAL_DIFFERENCE, raised_by=actor, raised_on=raised_on,
                                     raising_agency=raising_agency, raised_with_agency=raised_with_agency,
                                     concern=concern, child=child, theme=theme, category=category,
                                     closed_on__isnull=True).first()
    if same is not None:
        return same
    first = protocol.stage_keys()[0]
    escalation = Escalation(route=Route.PROFESSIONAL_DIFFERENCE, child=child, theme=theme, category=category,
                            concern=concern, wanted=wanted, raised_by=actor, raising_agency=raising_agency,
                            raised_with_agency=raised_with_agency, raised_with_name=name, raised_on=raised_on,
                            stage=1, stage_key=first, stage_started_on=raised_on)
    stamp(escalation, actor, "Professional difference raised")
    escalation.save()
    _step(escalation, Kind.RAISED, raised_on, actor, concern, raising_agency)
    _open_stage(escalation, actor)
    record_event(events.ESCALATION_RAISED, actor=actor, subject=escalation, payload={
        "category": category, "stage": first, "on": raised_on.isoformat(), "about_child": child is not None})
    _tell(escalation, "A professional difference has been raised with your agency",
          _seat_holders(PartnershipSeat.Kind.AGENCY_LEAD, [raised_with_agency.pk]), actor)
    return escalation


@transaction.atomic
def escalation_respond(*, actor, escalation: Escalation, agency: Agency | None, response: str,
                       responded_on: date | None = None, late_reason: str = "") -> EscalationStep:
    """The agency raised with answers at the current stage (the partners' delegates, at arbitration, for the
    partner they sit for). The stage's deadline is met (a late answer needs ``late_reason``). The same answer
    twice the same day changes nothing."""
    escalation = _lock(escalation)
    ctx = ctx_for(actor)
    require(escalation_policy.can(ctx, "view", escalation))
    if not escalation_policy.can(ctx, "respond", escalation):
        raise ValidationError("Only the agency it is raised with answers it (the partners' delegates at "
                              "arbitration), while it is open")
    responded_on = responded_on or _today()
    response = response.strip()
    errors: dict[str, str] = {}
    if agency is None or agency.pk not in escalation_policy.respond_agencies_for(ctx, escalation):
        errors["agency"] = "Choose the agency you answer for"
    if not response:
        errors["response"] = "Give your response"
    _not_future(responded_on, "responded_on", "date of the response", errors)
    if "responded_on" not in errors and responded_on < escalation.stage_started_on:
        errors["responded_on"] = f"This stage began on {escalation.stage_started_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    same = escalation.steps.filter(kind=Kind.RESPONSE, stage=escalation.stage, on=responded_on, by=actor,
                                   text=response).first()
    if same is not None:
        return same
    clock.deadline_meet_open(subject=escalation, rule_keys=(escalation.stage_key,), met_on=responded_on,
                             actor=actor, late_reason=late_reason)
    step = _step(escalation, Kind.RESPONSE, responded_on, actor, response, agency)
    record_event(events.ESCALATION_RESPONDED, actor=actor, subject=escalation, payload={
        "stage": escalation.stage_key, "on": responded_on.isoformat()})
    _tell(escalation, "There is a response to a professional difference you raised", [escalation.raised_by_id],
          actor)
    return step


@transaction.atomic
def escalation_move_on(*, actor, escalation: Escalation, reason: str, moved_on: date | None = None,
                       raised_with_name: str = "") -> Escalation:
    """The raiser (or the business unit) takes the difference to the next stage, saying why (it was not
    resolved at this one). An unanswered stage's deadline is cancelled; the next stage's opens from
    ``moved_on``. At the last stage the safeguarding partners' delegates are told: they arbitrate."""
    escalation = _lock(escalation)
    ctx = ctx_for(actor)
    require(escalation_policy.can(ctx, "view", escalation))
    if not escalation_policy.can(ctx, "manage", escalation):
        raise ValidationError("Only the person who raised it, or the business unit, moves it on while it is open")
    keys = protocol.stage_keys()
    index = _stage_index(escalation)
    moved_on = moved_on or _today()
    reason, name = reason.strip(), raised_with_name.strip()
    errors: dict[str, str] = {}
    if index == len(keys) - 1:
        errors["reason"] = "This is the last stage: the partners arbitrate. Close it with its outcome"
    elif not reason:
        errors["reason"] = "Say why it was not resolved at this stage"
    if len(name) > NAME_MAX:
        errors["raised_with_name"] = f"The name must be {NAME_MAX} characters or fewer"
    _not_future(moved_on, "moved_on", "date it moved on", errors)
    if "moved_on" not in errors and moved_on < escalation.stage_started_on:
        errors["moved_on"] = f"This stage began on {escalation.stage_started_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    clock.deadlines_cancel_open(subject=escalation, reason="Moved to the next stage", actor=actor,
                                rule_keys=(escalation.stage_key,))
    escalation.stage, escalation.stage_key, escalation.stage_started_on = index + 2, keys[index + 1], moved_on
    if name:
        escalation.raised_with_name = name
    stamp(escalation, actor, reason)
    escalation.save(update_fields=["stage", "stage_key", "stage_started_on", "raised_with_name"])
    _step(escalation, Kind.MOVED_ON, moved_on, actor, reason)
    _open_stage(escalation, actor)
    record_event(events.ESCALATION_MOVED_ON, actor=actor, subject=escalation, payload={
        "stage": escalation.stage_key, "on": moved_on.isoformat()})
    if escalation.stage_key == protocol.arbitration_key():
        statutory = Agency.objects.filter(statutory_partner=True, is_active=True).values_list("pk", flat=True)
        _tell(escalation, "A professional difference has come to the safeguarding partners for arbitration",
              _seat_holders(PartnershipSeat.Kind.PARTNER_DELEGATE, statutory), actor)
    else:
        _tell(escalation, "A professional difference with your agency has moved to the next stage",
              _seat_holders(PartnershipSeat.Kind.AGENCY_LEAD, [escalation.raised_with_agency_id]), actor)
    return escalation


@transaction.atomic
def escalation_meeting_request(*, actor, escalation: Escalation, agency: Agency | None, reason: str,
                               requested_on: date | None = None) -> Escalation:
    """A statutory agency that sees the difference asks for a multi-agency resolution meeting (once)."""
    escalation = _lock(escalation)
    ctx = ctx_for(actor)
    require(escalation_policy.can(ctx, "view", escalation))
    if escalation.meeting_requested_on is not None:
        return escalation
    if not escalation_policy.can(ctx, "request_meeting", escalation):
        raise ValidationError("Only a statutory agency requests a resolution meeting, while the difference is open")
    requested_on = requested_on or _today()
    reason = reason.strip()
    errors: dict[str, str] = {}
    if agency is None or agency.pk not in escalation_policy.meeting_agencies_for(ctx):
        errors["agency"] = "Choose the statutory agency you ask for"
    if not reason:
        errors["reason"] = "Say why a meeting is needed"
    _not_future(requested_on, "requested_on", "date of the request", errors)
    if "requested_on" not in errors and requested_on < escalation.raised_on:
        errors["requested_on"] = f"It was raised on {escalation.raised_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    escalation.meeting_requested_on, escalation.meeting_requested_by = requested_on, agency
    stamp(escalation, actor, reason)
    escalation.save(update_fields=["meeting_requested_on", "meeting_requested_by"])
    _step(escalation, Kind.MEETING_REQUESTED, requested_on, actor, reason, agency)
    record_event(events.ESCALATION_MEETING, actor=actor, subject=escalation, payload={
        "requested_on": requested_on.isoformat()})
    unit = Membership.objects.filter(is_active=True, user__is_active=True, roles__contains=[BUSINESS_UNIT]) \
        .values_list("user_id", flat=True)
    _tell(escalation, "A multi-agency resolution meeting has been requested",
          [escalation.raised_by_id, *unit, *_seat_holders(PartnershipSeat.Kind.AGENCY_LEAD,
                                                          [escalation.raised_with_agency_id])], actor)
    return escalation


@transaction.atomic
def escalation_meeting_held(*, actor, escalation: Escalation, held_on: date, note: str) -> Escalation:
    """The requested multi-agency resolution meeting was held: when, and what it agreed."""
    escalation = _lock(escalation)
    ctx = ctx_for(actor)
    require(escalation_policy.can(ctx, "view", escalation))
    if not escalation_policy.can(ctx, "manage", escalation):
        raise ValidationError("Only the person who raised it, or the business unit, records the meeting")
    note = note.strip()
    if escalation.meeting_held_on == held_on and escalation.steps.filter(kind=Kind.MEETING_HELD, text=note).exists():
        return escalation
    errors: dict[str, str] = {}
    if escalation.meeting_requested_on is None:
        errors["held_on"] = "No meeting has been requested"
    elif held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on < escalation.meeting_requested_on:
        errors["held_on"] = f"The meeting was requested on {escalation.meeting_requested_on:%-d %B %Y}"
    _not_future(held_on, "held_on", "date of the meeting", errors)
    if not note:
        errors["note"] = "Say what the meeting agreed"
    if errors:
        raise ValidationError(errors)
    escalation.meeting_held_on = held_on
    stamp(escalation, actor, "Resolution meeting held")
    escalation.save(update_fields=["meeting_held_on"])
    _step(escalation, Kind.MEETING_HELD, held_on, actor, note)
    record_event(events.ESCALATION_MEETING, actor=actor, subject=escalation, payload={"held_on": held_on.isoformat()})
    return escalation


def _close(escalation: Escalation, actor, outcome: str, note: str, closed_on: date) -> Escalation:
    if escalation.stage_key:
        clock.deadlines_cancel_open(subject=escalation, reason="The escalation was closed", actor=actor,
                                    rule_keys=(escalation.stage_key,))
    escalation.outcome, escalation.outcome_note, escalation.closed_on = outcome, note, closed_on
    stamp(escalation, actor, Outcome(outcome).label)
    escalation.save(update_fields=["outcome", "outcome_note", "closed_on"])
    _step(escalation, Kind.CLOSED, closed_on, actor, f"{Outcome(outcome).label}: {note}")
    record_event(events.ESCALATION_CLOSED, actor=actor, subject=escalation, payload={
        "outcome": outcome, "stage": escalation.stage, "on": closed_on.isoformat()})
    return escalation


@transaction.atomic
def escalation_close(*, actor, escalation: Escalation, outcome: str, note: str,
                     closed_on: date | None = None) -> Escalation:
    """The raiser (or the business unit) closes the difference with its outcome (resolved and agreed,
    resolved without agreement, escalated to the partnership, withdrawn) and a note. An unanswered stage's
    deadline is cancelled. Closing it again the same way changes nothing."""
    escalation = _lock(escalation)
    ctx = ctx_for(actor)
    require(escalation_policy.can(ctx, "view", escalation))
    note = note.strip()
    if not escalation.is_open and (escalation.outcome, escalation.outcome_note) == (outcome, note):
        return escalation
    if not escalation_policy.can(ctx, "manage", escalation):
        raise ValidationError("Only the person who raised it, or the business unit, closes it while it is open")
    closed_on = closed_on or _today()
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome"
    if not note:
        errors["note"] = "Say how it ended"
    _not_future(closed_on, "closed_on", "date it ended", errors)
    if "closed_on" not in errors and closed_on < escalation.stage_started_on:
        errors["closed_on"] = f"This stage began on {escalation.stage_started_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    _close(escalation, actor, outcome, note, closed_on)
    _tell(escalation, "A professional difference has closed",
          [escalation.raised_by_id, *_seat_holders(PartnershipSeat.Kind.AGENCY_LEAD,
                                                   [escalation.raised_with_agency_id])], actor)
    return escalation


# --- escalations that begin elsewhere ---------------------------------------------------------------------------
@transaction.atomic
def escalation_record_from_route(
    *, actor, route: str, source_id: UUID, child, raised_on: date, category: str, concern: str,
    raising_agency: Agency, raised_with_agency: Agency, stage: int = 1, stage_label: str = "",
    due_on: date | None = None, wanted: str = "", stage_started_on: date | None = None,
) -> Escalation:
    """Keep an escalation that began elsewhere in the register, by its ``route`` and the public id of the record
    it came from. Called by the source app's service inside its own transaction, after that service checked
    its own policy (the source app decides who escalates; the register only shows it). A second call for the
    same source records what changed (its stage, due date or text) as a step; nothing changed, nothing is
    written."""
    if route not in Route.values or route == Route.PROFESSIONAL_DIFFERENCE:
        raise ValueError(f"Not a route into the register: {route!r}")
    if category not in Category.values:
        raise ValueError(f"Not an escalation category: {category!r}")
    concern = concern.strip()
    label = stage_label.strip()[:200]
    started = stage_started_on or raised_on
    existing = Escalation.objects.select_for_update().filter(route=route, source_id=source_id).first()
    if existing is None:
        escalation = Escalation(route=route, source_id=source_id, child=child, category=category, concern=concern,
                                wanted=wanted.strip(), raised_by=actor, raising_agency=raising_agency,
                                raised_with_agency=raised_with_agency, raised_on=raised_on, stage=stage,
                                stage_label=label, stage_started_on=started, route_due_on=due_on,
                                theme="" if child is not None else Route(route).label)
        stamp(escalation, actor, Route(route).label)
        escalation.save()
        _step(escalation, Kind.RAISED, raised_on, actor, concern, raising_agency)
        record_event(events.ESCALATION_ROUTED, actor=actor, subject=escalation, payload={
            "route": route, "source": str(source_id), "on": raised_on.isoformat()})
        return escalation
    changes = {"stage": stage, "stage_label": label, "route_due_on": due_on, "concern": concern,
               "stage_started_on": started, "category": category}
    changed = {k: v for k, v in changes.items() if getattr(existing, k) != v}
    if not changed or not existing.is_open:
        return existing
    for k, v in changed.items():
        setattr(existing, k, v)
    what = (label or "Stage changed") if {"stage", "stage_label"} & set(changed) else "Details changed"
    stamp(existing, actor, what)
    existing.save(update_fields=sorted(changed))
    _step(existing, Kind.ROUTE_UPDATE, started if "stage_started_on" in changed else _today(), actor, what)
    record_event(events.ESCALATION_ROUTED, actor=actor, subject=existing, payload={
        "route": route, "source": str(source_id), "changed": sorted(changed)})
    return existing


@transaction.atomic
def escalation_close_from_route(*, actor, route: str, source_id: UUID, outcome: str, note: str,
                                closed_on: date) -> Escalation | None:
    """The source record closed: the register's row closes with the outcome in the register's words. Nothing
    is written when there is no row (a source from before the register) or it is closed already."""
    escalation = Escalation.objects.select_for_update().filter(route=route, source_id=source_id).first()
    if escalation is None or not escalation.is_open:
        return escalation
    if outcome not in Outcome.values:
        raise ValueError(f"Not an escalation outcome: {outcome!r}")
    return _close(escalation, actor, outcome, note.strip() or Outcome(outcome).label, closed_on)
