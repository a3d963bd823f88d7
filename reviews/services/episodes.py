"""A child's period of care: becoming looked after, placement moves and legal-status changes (each kept as
history with the SSDA903 reason for the new episode), the plans, and the end of the period."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..codes import (
    PERIOD_END_REASONS,
    SHORT_BREAKS,
    CategoryOfNeed,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from ..models import (
    OPEN,
    EarlyReviewTrigger,
    LegalStatusPeriod,
    LookedAfterEpisode,
    PermanencePlan,
    Placement,
    Plan,
    Review,
)
from ..policies import episode_policy
from ..rules import PATHWAY_PLAN_FROM_AGE, age_on, deadline_label
from ._common import (
    _ctx,
    _iro_managers,
    _iro_service_team,
    _lock_episode,
    _not_future,
    _postcode,
    _require,
    _urn,
)
from .allocation import _end_allocation
from .cycle import _cancel_review, review_request_early
from .monitoring import open_visit_deadline_for_placement

if TYPE_CHECKING:
    from cases.models import Child

RNE = ReasonNewEpisode
# a placement change and a legal-status change on the same day start one SSDA903 episode
COMBINED = {RNE.P: RNE.B, RNE.T: RNE.U, RNE.B: RNE.B, RNE.U: RNE.U}


def _check_codes(errors: dict, **codes) -> None:
    lists = {"legal_status": LegalStatus, "category_of_need": CategoryOfNeed, "placement_type": PlacementType,
             "provider": PlacementProvider, "change_reason": ReasonPlaceChange}
    what = {"legal_status": "legal status", "category_of_need": "category of need",
            "placement_type": "placement type", "provider": "placement provider",
            "change_reason": "reason for the change of placement"}
    for field, value in codes.items():
        if value not in lists[field].values:
            errors[field] = f"Choose the {what[field]}"


@transaction.atomic
def episode_open(
    *, actor: User, child: Child, start_date: date, legal_status: str, category_of_need: str,
    placement_type: str, provider: str, provider_name: str = "", postcode: str = "", urn: str = "",
    home_postcode: str = "", looked_after_parent: Child | None = None,
) -> LookedAfterEpisode:
    """The child became looked after on ``start_date``: the period of care starts with its legal status
    and first placement (SSDA903 RNE S), and opens ``iro_appointment`` (an IRO within 5 working days)
    and ``lac_review_first`` (the first review within 20 working days). The IRO manager is told.
    Recording the same start twice returns the open period."""
    child = type(child).objects.select_for_update().get(pk=child.pk)  # one period at a time per child
    _require(episode_policy.can_open_for(_ctx(actor), child), "record that this child is looked after")
    current = LookedAfterEpisode.objects.filter(OPEN, child=child).first()
    if current is not None:
        if current.start_date == start_date:
            return current
        raise ValidationError({"start_date": f"This child is already looked after, since "
                                             f"{current.start_date:%-d %B %Y}"})
    errors: dict[str, str] = {}
    _not_future(start_date, "start_date", "date the child became looked after", errors)
    if child.date_of_birth is None:
        errors["start_date"] = "An unborn child cannot be looked after: record the birth first"
    elif start_date is not None and start_date < child.date_of_birth:
        errors["start_date"] = "The child cannot be looked after before their date of birth"
    _check_codes(errors, legal_status=legal_status, category_of_need=category_of_need,
                 placement_type=placement_type, provider=provider)
    if legal_status in SHORT_BREAKS:
        errors["legal_status"] = "Short breaks (V3, V4) follow their own review regime (reg 48), which this " \
                                 "service does not keep yet"
    if looked_after_parent is not None and looked_after_parent.pk == child.pk:
        errors["looked_after_parent"] = "A child cannot be their own parent"
    last_end = (LookedAfterEpisode.objects.live().filter(child=child, end_date__isnull=False)
                .aggregate(last=Max("end_date"))["last"])
    if last_end and start_date and start_date < last_end:
        errors["start_date"] = f"The child's last period of care ended on {last_end:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    clean_home, clean_postcode, clean_urn = (_postcode(home_postcode, "home_postcode"),
                                             _postcode(postcode, "postcode"), _urn(urn))
    episode = LookedAfterEpisode(child=child, start_date=start_date, category_of_need=category_of_need,
                                 home_postcode=clean_home, looked_after_parent=looked_after_parent, created_by=actor)
    stamp(episode, actor, "Became looked after")
    episode.save()
    status = LegalStatusPeriod(episode=episode, legal_status=legal_status, start_date=start_date,
                               reason_for_new_episode=RNE.S, created_by=actor)
    stamp(status, actor, "Became looked after")
    status.save()
    placement = Placement(episode=episode, placement_type=placement_type, provider=provider,
                          provider_name=provider_name.strip(), postcode=clean_postcode, urn=clean_urn,
                          start_date=start_date, reason_for_new_episode=RNE.S, created_by=actor)
    stamp(placement, actor, "Became looked after")
    placement.save()
    for rule in ("iro_appointment", "lac_review_first"):
        team = _iro_service_team(child.local_authority_id) if rule == "iro_appointment" else child.allocated_team
        clock.deadline_open(subject=episode, rule_key=rule, anchor_date=start_date, label=deadline_label(rule),
                            actor=actor, responsible_person=None if rule == "iro_appointment"
                            else child.allocated_social_worker, responsible_team=team or child.allocated_team)
    open_visit_deadline_for_placement(placement=placement, actor=actor)  # reg 28 (ADR 14)
    record_event(events.EPISODE_OPENED, actor=actor, subject=episode, payload={
        "start_date": start_date.isoformat(), "legal_status": legal_status, "category_of_need": category_of_need,
        "placement_type": placement_type})
    notify_many([(uid, "A child has become looked after: allocate an IRO",
                  f"Reference {child.local_child_id}. An IRO is due within 5 working days.", "", episode)
                 for uid in _iro_managers(child.local_authority_id)])
    return episode


@transaction.atomic
def episode_update(
    *, actor: User, episode: LookedAfterEpisode, reason: str, category_of_need: str | None = None,
    home_postcode: str | None = None, looked_after_parent: Child | None = None, clear_parent: bool = False,
) -> LookedAfterEpisode:
    """Correct the period's category of need, home postcode or looked-after parent (history keeps the
    old values and why)."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "change this child's looked-after details")
    changes = {}
    if category_of_need is not None and category_of_need != episode.category_of_need:
        errors: dict[str, str] = {}
        _check_codes(errors, category_of_need=category_of_need)
        if errors:
            raise ValidationError(errors)
        changes["category_of_need"] = category_of_need
    if home_postcode is not None:
        clean = _postcode(home_postcode, "home_postcode")
        if clean != episode.home_postcode:
            changes["home_postcode"] = clean
    if clear_parent and episode.looked_after_parent_id is not None:
        changes["looked_after_parent"] = None
    elif looked_after_parent is not None and looked_after_parent.pk != episode.looked_after_parent_id:
        if looked_after_parent.pk == episode.child_id:
            raise ValidationError({"looked_after_parent": "A child cannot be their own parent"})
        changes["looked_after_parent"] = looked_after_parent
    if not changes:
        return episode
    if not reason.strip():
        raise ValidationError({"reason": "Say why the details are changing"})
    for name, value in changes.items():
        setattr(episode, name, value)
    stamp(episode, actor, reason.strip())
    episode.save()
    record_event(events.EPISODE_UPDATED, actor=actor, subject=episode, payload={
        "changed": sorted(changes), "reason": reason.strip()})
    return episode


def _open_row(model, episode):
    return model.objects.select_for_update().filter(OPEN, episode=episode).first()


def _combine_same_day(episode: LookedAfterEpisode, day: date, actor: User) -> None:
    """A placement change and a legal-status change on the same day (after the period's start) start one
    SSDA903 episode: both rows carry B (new carers) or U (same carers)."""
    if day == episode.start_date:
        return
    placement = Placement.objects.live().filter(episode=episode, start_date=day).first()
    status = LegalStatusPeriod.objects.live().filter(episode=episode, start_date=day).first()
    if placement is None or status is None:
        return
    combined = COMBINED[placement.reason_for_new_episode]
    for row in (placement, status):
        if row.reason_for_new_episode != combined:
            row.reason_for_new_episode = combined
            stamp(row, actor, "Legal status and placement changed on the same day")
            row.save(update_fields=["reason_for_new_episode"])


def _check_change_date(episode: LookedAfterEpisode, current, start_date: date | None, what: str) -> None:
    errors: dict[str, str] = {}
    _not_future(start_date, "start_date", f"date of the {what}", errors)
    if not errors and current is not None and start_date <= current.start_date:
        errors["start_date"] = f"The {what} must be after {current.start_date:%-d %B %Y}, when the current one began"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_change(
    *, actor: User, episode: LookedAfterEpisode, start_date: date, placement_type: str, provider: str,
    change_reason: str, provider_name: str = "", postcode: str = "", urn: str = "", same_carer: bool = False,
    early_review_reason: str = "",
) -> Placement:
    """The child moved (or their placement changed status with the same carers, ``same_carer``): the
    current placement ends on ``start_date`` with the reason for the change (SSDA903
    REASON_PLACE_CHANGE), and the new one begins (RNE P, or T with the same carers). With
    ``early_review_reason`` the change asks for an early review (a significant change of the care plan
    is considered at a review first, reg 32(2)). Recording the same placement again changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "change this child's placement")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    current = _open_row(Placement, episode)
    clean_postcode, clean_urn = _postcode(postcode, "postcode"), _urn(urn)
    if current is not None and (current.start_date, current.placement_type, current.provider, current.provider_name,
                                current.postcode, current.urn) == (start_date, placement_type, provider,
                                                                    provider_name.strip(), clean_postcode, clean_urn):
        return current
    errors: dict[str, str] = {}
    _check_codes(errors, placement_type=placement_type, provider=provider, change_reason=change_reason)
    if errors:
        raise ValidationError(errors)
    _check_change_date(episode, current, start_date, "new placement")
    if current is not None:
        current.end_date, current.change_reason = start_date, change_reason
        stamp(current, actor, f"Placement ended: {ReasonPlaceChange(change_reason).label}")
        current.save()
    placement = Placement(episode=episode, placement_type=placement_type, provider=provider,
                          provider_name=provider_name.strip(), postcode=clean_postcode, urn=clean_urn,
                          start_date=start_date, reason_for_new_episode=RNE.T if same_carer else RNE.P,
                          created_by=actor)
    stamp(placement, actor, "Placement changed")
    placement.save()
    _combine_same_day(episode, start_date, actor)
    record_event(events.PLACEMENT_CHANGED, actor=actor, subject=episode, payload={
        "start_date": start_date.isoformat(), "placement_type": placement_type, "provider": provider,
        "change_reason": change_reason, "same_carer": same_carer})
    if early_review_reason.strip():
        review_request_early(actor=actor, episode=episode, trigger=EarlyReviewTrigger.PLACEMENT_CHANGE,
                             reason=early_review_reason)
    placement.refresh_from_db()
    open_visit_deadline_for_placement(placement=placement, actor=actor)  # reg 28 (ADR 14)
    return placement


@transaction.atomic
def legal_status_change(*, actor: User, episode: LookedAfterEpisode, start_date: date,
                        legal_status: str) -> LegalStatusPeriod:
    """The child's legal status changed (an interim care order made final, a placement order...): the
    current status ends on ``start_date`` and the new one begins (RNE L, or B/U with a placement change on
    the same day). The same status again changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "change this child's legal status")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    current = _open_row(LegalStatusPeriod, episode)
    if current is not None and current.legal_status == legal_status:
        return current
    errors: dict[str, str] = {}
    _check_codes(errors, legal_status=legal_status)
    if legal_status in SHORT_BREAKS:
        errors["legal_status"] = "Short breaks (V3, V4) follow their own review regime (reg 48), which this " \
                                 "service does not keep yet"
    if errors:
        raise ValidationError(errors)
    _check_change_date(episode, current, start_date, "new legal status")
    if current is not None:
        current.end_date = start_date
        stamp(current, actor, f"Legal status changed to {legal_status}")
        current.save()
    status = LegalStatusPeriod(episode=episode, legal_status=legal_status, start_date=start_date,
                               reason_for_new_episode=RNE.L, created_by=actor)
    stamp(status, actor, "Legal status changed")
    status.save()
    _combine_same_day(episode, start_date, actor)
    record_event(events.LEGAL_STATUS_CHANGED, actor=actor, subject=episode, payload={
        "start_date": start_date.isoformat(), "from": current.legal_status if current else "",
        "to": legal_status})
    status.refresh_from_db()
    return status


@transaction.atomic
def plan_record(
    *, actor: User, episode: LookedAfterEpisode, kind: str, dated: date, permanence_plan: str = "",
    summary: str = "",
) -> Plan:
    """A new version of the care plan (with its permanence plan), the health plan, the PEP or (from 16)
    the pathway plan, with its date. The same plan again (same date, permanence plan and summary) changes
    nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "record this child's plans")
    if kind not in Plan.Kind.values:
        raise ValidationError({"kind": "Choose the plan"})
    current = Plan.objects.live().filter(episode=episode, kind=kind).order_by("-version").first()
    permanence_plan = permanence_plan if kind == Plan.Kind.CARE_PLAN else ""
    if current is not None and (current.dated, current.permanence_plan, current.summary) == (
            dated, permanence_plan, summary.strip()):
        return current
    errors: dict[str, str] = {}
    _not_future(dated, "dated", "date of the plan", errors)
    if kind == Plan.Kind.CARE_PLAN and permanence_plan not in PermanencePlan.values:
        errors["permanence_plan"] = "Choose the permanence plan"
    if kind == Plan.Kind.PATHWAY_PLAN and dated is not None:
        age = age_on(episode.child.date_of_birth, dated)
        if age is None or age < PATHWAY_PLAN_FROM_AGE:
            errors["dated"] = f"A pathway plan is made from the age of {PATHWAY_PLAN_FROM_AGE}"
    if current is not None and dated is not None and dated < current.dated:
        errors["dated"] = f"The current version is dated {current.dated:%-d %B %Y}: a new version cannot be older"
    if errors:
        raise ValidationError(errors)
    plan = Plan(episode=episode, kind=kind, version=(current.version + 1) if current else 1, dated=dated,
                permanence_plan=permanence_plan, summary=summary.strip(), created_by=actor)
    stamp(plan, actor, f"{plan.get_kind_display()} version {plan.version}")
    plan.save()
    record_event(events.PLAN_RECORDED, actor=actor, subject=episode, payload={
        "kind": kind, "version": plan.version, "dated": dated.isoformat(), "permanence_plan": permanence_plan})
    return plan


@transaction.atomic
def episode_end(*, actor: User, episode: LookedAfterEpisode, end_date: date, reason: str) -> LookedAfterEpisode:
    """The child stopped being looked after on ``end_date`` (SSDA903 DEC) for ``reason`` (REC, not X1):
    the placement, legal status and IRO allocation end that day, reviews not yet held are cancelled and
    every open deadline of the period is cancelled. Ending it again the same way changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "update", episode), "end this child's period of care")
    if not episode.is_open:
        if (episode.end_date, episode.end_reason) == (end_date, reason):
            return episode
        raise ValidationError(f"This period of care already ended on {episode.end_date:%-d %B %Y}")
    errors: dict[str, str] = {}
    _not_future(end_date, "end_date", "date the child stopped being looked after", errors)
    if reason not in PERIOD_END_REASONS:
        errors["reason"] = "Choose why the child stopped being looked after"
    latest = max((row.start_date for row in (_open_row(Placement, episode), _open_row(LegalStatusPeriod, episode))
                  if row is not None), default=episode.start_date)
    if not errors and end_date < latest:
        errors["end_date"] = f"The end must be on or after {latest:%-d %B %Y}, the latest change"
    if errors:
        raise ValidationError(errors)
    label = ReasonEpisodeCeased(reason).label
    for model in (Placement, LegalStatusPeriod):
        row = _open_row(model, episode)
        if row is not None:
            row.end_date = end_date
            stamp(row, actor, f"Stopped being looked after: {label}")
            row.save()
    _end_allocation(episode=episode, actor=actor, end_date=end_date, reason="The child stopped being looked after")
    for review in Review.objects.live().filter(episode=episode, status__in=(Review.Status.REQUESTED,
                                                                             Review.Status.SCHEDULED)):
        _cancel_review(review=review, actor=actor, reason="The child stopped being looked after")
    episode.end_date, episode.end_reason = end_date, reason
    stamp(episode, actor, f"Stopped being looked after: {label}")
    episode.save()
    clock.deadlines_cancel_open(subject=episode, reason="The child stopped being looked after", actor=actor)
    record_event(events.EPISODE_ENDED, actor=actor, subject=episode, payload={
        "end_date": end_date.isoformat(), "reason": reason})
    return episode


__all__ = ["episode_end", "episode_open", "episode_update", "legal_status_change", "placement_change",
           "plan_record"]
