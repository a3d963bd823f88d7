"""Allocating the IRO: the IRO manager appoints an independent reviewing officer to the child (and may
replace them); the appointment meets ``iro_appointment``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify
from safeguarding.records import stamp

from .. import events
from ..models import OPEN, IroAllocation, LookedAfterEpisode, Review
from ..policies import episode_policy
from ..selectors.allocation import eligible_iros, parent_child_iro_ids
from ._common import _ctx, _lock_episode, _not_future, _require


def _check_iro(episode: LookedAfterEpisode, iro: User) -> None:
    if eligible_iros(episode=episode).filter(pk=iro.pk).exists():
        return
    if iro.pk in parent_child_iro_ids(episode):
        raise ValidationError({"iro": f"{iro.full_name} is the IRO of this child's parent or child: a parent and "
                                      "child who are both looked after have different IROs"})
    raise ValidationError({"iro": "Choose an IRO of this local authority who does not manage the case"})


def _end_allocation(*, episode: LookedAfterEpisode, actor: User, end_date: date, reason: str) -> IroAllocation | None:
    current = IroAllocation.objects.select_for_update().filter(OPEN, episode=episode).first()
    if current is None:
        return None
    current.end_date, current.end_reason = end_date, reason
    stamp(current, actor, reason)
    current.save()
    record_event(events.IRO_ALLOCATION_ENDED, actor=actor, subject=episode, payload={
        "iro": current.iro_id, "end_date": end_date.isoformat(), "reason": reason})
    return current


@transaction.atomic
def iro_allocate(
    *, actor: User, episode: LookedAfterEpisode, iro: User, start_date: date, reason: str = "",
    late_reason: str = "",
) -> IroAllocation:
    """Appoint ``iro`` from ``start_date``: an IRO of the child's authority who does not manage the case,
    and not the IRO of the child's looked-after parent or child. A first appointment meets
    ``iro_appointment`` (after its due date it needs ``late_reason``); replacing the IRO needs a
    ``reason``, ends the current allocation that day and hands over the reviews not yet held. Appointing
    the current IRO again changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "allocate", episode), "allocate an IRO to this child")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    current = IroAllocation.objects.select_for_update().filter(OPEN, episode=episode).first()
    if current is not None and current.iro_id == iro.pk:
        return current
    errors: dict[str, str] = {}
    _not_future(start_date, "start_date", "date the IRO was appointed", errors)
    if not errors and start_date < episode.start_date:
        errors["start_date"] = f"The child became looked after on {episode.start_date:%-d %B %Y}"
    if not errors and current is not None and start_date < current.start_date:
        errors["start_date"] = f"The current IRO was appointed on {current.start_date:%-d %B %Y}"
    if current is not None and not reason.strip():
        errors["reason"] = "Say why the child's IRO is changing"
    if errors:
        raise ValidationError(errors)
    _check_iro(episode, iro)
    if current is not None:
        _end_allocation(episode=episode, actor=actor, end_date=start_date, reason=reason.strip())
    else:
        clock.deadline_meet_open(subject=episode, rule_keys=("iro_appointment",), met_on=start_date, actor=actor,
                                 late_reason=late_reason)
    allocation = IroAllocation(episode=episode, iro=iro, start_date=start_date, created_by=actor)
    stamp(allocation, actor, reason.strip() or "IRO appointed")
    allocation.save()
    for review in Review.objects.select_for_update().live().filter(
            episode=episode, status__in=(Review.Status.REQUESTED, Review.Status.SCHEDULED)).exclude(iro=iro):
        review.iro = iro
        stamp(review, actor, "The child's IRO changed")
        review.save(update_fields=["iro"])
    record_event(events.IRO_ALLOCATED, actor=actor, subject=episode, payload={
        "iro": iro.pk, "start_date": start_date.isoformat(), "replaces": current.iro_id if current else None,
        "reason": reason.strip()})
    notify(recipient=iro, subject="You are a looked-after child's IRO",
           body=f"Reference {episode.child.local_child_id}, from {start_date:%-d %B %Y}. Meet the child before "
                "their first review.", url="", about=episode)
    return allocation
