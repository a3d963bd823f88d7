"""Monitoring between reviews (issue 10, section 3; ADR 14): the IRO's contacts with the child and mid-point
checks of the care plan, and the social worker's statutory visits (reg 28) with their deadlines.

- A mid-point check meets the open ``lac_midpoint_check*`` deadline, which holding a review opens
  (``open_midpoint_deadline_after``, called by ``review_hold``): halfway to the next review, the IRO's.
- Each placement opens ``lac_visit_first`` (one week; ``open_visit_deadline_for_placement``, called when the
  period of care starts and when the child moves), each visit meets the open visit deadline and opens the
  next from the day of the visit: ``lac_visit_next`` (six weeks), or ``lac_visit_next_long_term`` (three
  months) after the first year of a placement meant to last until the child is 18. The social worker's.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import LookedAfterEpisode, MonitoringContact, Placement, Plan, Review, StatutoryVisit
from ..oversight import (
    LONG_TERM_PERMANENCE,
    MIDPOINT_RULE_AFTER,
    MIDPOINT_RULES,
    VISIT_FIRST,
    VISIT_RULES,
    next_visit_rule,
)
from ..policies import episode_policy, oversight_policy
from ..rules import deadline_label
from ._common import _ctx, _lock_episode, _not_future, _require

# SSDA903 RNE of a placement with the same carers (a change of status, not a new placement)
SAME_CARERS = ("T", "U")
WHO_MAX = MonitoringContact._meta.get_field("who").max_length


def _in_period(episode: LookedAfterEpisode, day: date | None, field: str, what: str, errors: dict) -> None:
    _not_future(day, field, what, errors)
    if field not in errors and day < episode.start_date:
        errors[field] = f"The child became looked after on {episode.start_date:%-d %B %Y}"


def _meet_from(subject, rule_keys: tuple[str, ...], met_on: date, actor: User, late_reason: str) -> None:
    """Meet the open deadlines of ``subject`` under ``rule_keys`` that this event answers: those counted from a
    day on or before it (a check or visit dated before the review or visit that opened a deadline does not
    meet it). Late needs ``late_reason`` (the clock's ValidationError asks for it)."""
    for deadline in clock.open_deadlines_for(subject, *rule_keys):
        if deadline.anchor_date <= met_on:
            clock.deadline_meet(deadline=deadline, met_on=met_on, actor=actor, late_reason=late_reason)


# --- the IRO's contacts and mid-point checks -----------------------------------------------------------------
@transaction.atomic
def monitoring_contact_record(
    *, actor: User, episode: LookedAfterEpisode, kind: str, contacted_on: date | None, who: str, summary: str,
    late_reason: str = "",
) -> MonitoringContact:
    """The child's IRO records a contact with the child, or a mid-point check of the care plan (which meets the
    open mid-point deadline; late: ``late_reason``). The same record twice changes nothing."""
    episode = _lock_episode(episode)
    _require(oversight_policy.can(_ctx(actor), "monitor", episode), "record the IRO's monitoring of this child")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    who, summary = " ".join(who.split()), summary.strip()
    errors: dict[str, str] = {}
    if kind not in MonitoringContact.Kind.values:
        errors["kind"] = "Choose what kind of contact it was"
    _in_period(episode, contacted_on, "contacted_on", "date of the contact", errors)
    if not who:
        errors["who"] = "Enter who you saw or spoke to"
    elif len(who) > WHO_MAX:
        errors["who"] = f"Keep who you saw or spoke to to {WHO_MAX} characters"
    if not summary:
        errors["summary"] = "Say what you found"
    if errors:
        raise ValidationError(errors)
    same = MonitoringContact.objects.live().filter(episode=episode, kind=kind, contacted_on=contacted_on, who=who,
                                                   summary=summary).first()
    if same is not None:
        return same
    contact = MonitoringContact(episode=episode, iro=actor, kind=kind, contacted_on=contacted_on, who=who,
                                summary=summary, created_by=actor)
    stamp(contact, actor, MonitoringContact.Kind(kind).label)
    contact.save()
    if kind == MonitoringContact.Kind.MIDPOINT:
        _meet_from(episode, MIDPOINT_RULES, contacted_on, actor, late_reason)
    record_event(events.MONITORING_RECORDED, actor=actor, subject=episode, payload={
        "contact": str(contact.public_id), "kind": kind, "on": contacted_on.isoformat()})
    return contact


def open_midpoint_deadline_after(*, review: Review, actor: User) -> None:
    """A review was held (``review_hold``): the mid-point check before it that was not done no longer applies,
    and the next is due halfway to the next review, for the review's IRO."""
    episode = review.episode
    clock.deadlines_cancel_open(subject=episode, rule_keys=MIDPOINT_RULES, actor=actor,
                                reason="The next review was held before the mid-point check")
    rule = MIDPOINT_RULE_AFTER[review.number]
    clock.deadline_open(subject=episode, rule_key=rule, anchor_date=review.held_on, label=deadline_label(rule),
                        actor=actor, responsible_person=review.iro, responsible_team=episode.child.allocated_team)


# --- the social worker's statutory visits (reg 28) -----------------------------------------------------------
def open_visit_deadline_for_placement(*, placement: Placement, actor: User) -> None:
    """A placement began (the period of care started, or the child moved): the first visit is due within a week
    of its start, for the child's social worker; the visit due in the last placement no longer applies. A
    change of status with the same carers (SSDA903 RNE T, or U with a legal status) is not a new placement."""
    if placement.reason_for_new_episode in SAME_CARERS:
        return
    episode, child = placement.episode, placement.episode.child
    clock.deadlines_cancel_open(subject=episode, rule_keys=VISIT_RULES, actor=actor,
                                reason="A new placement began: its first visit is due instead")
    clock.deadline_open(subject=episode, rule_key=VISIT_FIRST, anchor_date=placement.start_date,
                        label=deadline_label(VISIT_FIRST), actor=actor,
                        responsible_person=child.allocated_social_worker, responsible_team=child.allocated_team)


def _placement_on(episode: LookedAfterEpisode, day: date) -> Placement | None:
    return (Placement.objects.live().filter(episode=episode, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).order_by("-start_date", "-id").first())


def _long_term(episode: LookedAfterEpisode) -> bool:
    """Whether the current care plan means the placement to last until the child is 18."""
    plan = (Plan.objects.live().filter(episode=episode, kind=Plan.Kind.CARE_PLAN).order_by("-version")
            .values_list("permanence_plan", flat=True).first())
    return plan in LONG_TERM_PERMANENCE


@transaction.atomic
def statutory_visit_record(
    *, actor: User, episode: LookedAfterEpisode, visited_on: date | None, seen_alone: bool, notes: str = "",
    late_reason: str = "",
) -> StatutoryVisit:
    """The child's social worker (case staff) records a visit to the child by ``actor``. The latest visit in
    the current placement meets the open visit deadline (late: ``late_reason``) and opens the next. A visit on
    the same day again changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "record a visit to this child")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    errors: dict[str, str] = {}
    _in_period(episode, visited_on, "visited_on", "date of the visit", errors)
    if errors:
        raise ValidationError(errors)
    same = StatutoryVisit.objects.live().filter(episode=episode, visited_on=visited_on).first()
    if same is not None:
        return same
    placement = _placement_on(episode, visited_on)
    visit = StatutoryVisit(episode=episode, placement=placement, visited_on=visited_on, visitor=actor,
                           visitor_name=actor.full_name, seen_alone=bool(seen_alone), notes=notes.strip(),
                           created_by=actor)
    stamp(visit, actor, "Statutory visit")
    visit.save()
    later = StatutoryVisit.objects.live().filter(episode=episode, visited_on__gt=visited_on).exists()
    if placement is not None and placement.end_date is None and not later:
        _meet_from(episode, VISIT_RULES, visited_on, actor, late_reason)
        rule = next_visit_rule(placement_start=placement.start_date, visited_on=visited_on,
                               long_term=_long_term(episode))
        child = episode.child
        clock.deadline_open(subject=episode, rule_key=rule, anchor_date=visited_on, label=deadline_label(rule),
                            actor=actor, responsible_person=child.allocated_social_worker,
                            responsible_team=child.allocated_team)
    record_event(events.VISIT_RECORDED, actor=actor, subject=episode, payload={
        "visit": str(visit.public_id), "on": visited_on.isoformat(), "seen_alone": visit.seen_alone})
    return visit
