"""A review's multi-agency action plan (issue 12, section 3; ADR 24): each action owned by an agency and due on
the date the plan sets (``partnership_action``, chased by the clock: the business unit member who set it is
reminded), updated by the business unit or the owning agency (its safeguarding lead, or its own system through
the API), complete only with evidence (an upload on the action, through ``safeguarding.uploads``, ADR 18) or a
stated reason. Completing meets the clock; "no longer needed" (the business unit, with a reason) cancels it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import Agency
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp
from safeguarding.uploads.models import ScanStatus, Upload
from safeguarding.uploads.services import upload_receive

from .. import events
from ..models import PartnershipSeat, PracticeReview, Recommendation, ReviewAction
from ..policies import action_policy, is_business_unit, practice_review_policy
from ._common import ctx_for, require

CHASE = "partnership_action"  # the clock's rule for an action's own date
PURPOSE = "evidence"
S = ReviewAction.Status
# Which status an action may move to (complete and cancelled are final)
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NOT_STARTED: frozenset({S.NOT_STARTED, S.IN_PROGRESS, S.COMPLETE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.IN_PROGRESS, S.COMPLETE, S.CANCELLED}),
    S.COMPLETE: frozenset(),
    S.CANCELLED: frozenset(),
}


def _lead_ids(agency_id: int) -> list[int]:
    return sorted(PartnershipSeat.objects.filter(agency_id=agency_id, kind=PartnershipSeat.Kind.AGENCY_LEAD,
                                                 is_active=True, user__is_active=True)
                  .values_list("user_id", flat=True))


def live_evidence(action: ReviewAction):
    """The action's evidence: its uploads not withdrawn and not found infected."""
    return Upload.objects.of(action).live().exclude(scan_status=ScanStatus.INFECTED)


@transaction.atomic
def action_add(*, actor, recommendation: Recommendation, description: str, owner_agency: Agency | None,
               due_on: date | None) -> ReviewAction:
    """An action for ``recommendation``: what, the agency that owns it, by when. The clock chases it to its
    date; the owning agency's leads are told (by reference only, ADR 5)."""
    review = PracticeReview.objects.select_for_update().get(pk=recommendation.review_id)
    ctx = ctx_for(actor)
    require(practice_review_policy.can(ctx, "view", review))
    if not practice_review_policy.can(ctx, "plan", review):
        raise ValidationError({"description": "Only the business unit adds actions"})
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Enter what is to be done"
    if owner_agency is None or not owner_agency.is_active:
        errors["owner_agency"] = "Choose the agency that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date it is due by"
    elif due_on < review.decided_on:
        errors["due_on"] = (f"The date it is due by cannot be before the review was decided "
                            f"({review.decided_on:%-d %B %Y})")
    if errors:
        raise ValidationError(errors)
    number = (review.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    action = ReviewAction(recommendation=recommendation, review=review, number=number, description=description.strip(),
                          owner_agency=owner_agency, due_on=due_on)
    stamp(action, actor, "Action added to the plan")
    action.save()
    clock.deadline_open(subject=action, rule_key=CHASE, anchor_date=due_on, label=rules.get(CHASE).title, actor=actor,
                        responsible_person=actor)
    record_event(events.ACTION_ADDED, actor=actor, subject=action, payload={
        "review": str(review.public_id), "number": number, "owner_agency": str(owner_agency.public_id),
        "due_on": due_on.isoformat()})
    url = reverse("partnership:action", args=[action.public_id])
    notify_many([(uid, f"A review action for your agency ({review.reference}, action {number})",
                  f"The safeguarding partnership has given your agency an action from {review.reference}, due by "
                  f"{due_on:%-d %B %Y}. Record its progress and its evidence in the hub.", url, action)
                 for uid in _lead_ids(owner_agency.pk) if uid != actor.pk])
    return action


@transaction.atomic
def action_update(*, actor, action: ReviewAction, status: str, progress_note: str = "",
                  completed_on: date | None = None, no_evidence_reason: str = "",
                  cancel_reason: str = "") -> ReviewAction:
    """Move an open action on: in progress (with a note), complete (the day, and evidence uploaded or the reason
    there is none), or no longer needed (the business unit, with the reason). Nothing changed: nothing written."""
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    ctx = ctx_for(actor)
    require(action_policy.can(ctx, "view", action))
    if not action_policy.can(ctx, "update", action):
        raise ValidationError({"status": f"This action is {action.get_status_display().lower()}: it cannot change"}
                              if not action.is_open else "You cannot update this action")
    note = (progress_note or "").strip()
    if status == action.status and note == action.progress_note:
        return action
    errors = {}
    if status not in S.values or status not in TRANSITIONS[action.status]:
        errors["status"] = "Choose in progress, complete or no longer needed"
    elif status == S.COMPLETE:
        if completed_on is None:
            errors["completed_on"] = "Enter the day it was completed"
        elif completed_on > timezone.localdate() or completed_on < action.review.decided_on:
            errors["completed_on"] = "The day it was completed must be after the review was decided and not in " \
                                     "the future"
        if not live_evidence(action).exists() and not (no_evidence_reason or "").strip():
            errors["no_evidence_reason"] = "Upload evidence that the action is complete, or say why there is none"
    elif status == S.CANCELLED:
        if not is_business_unit(ctx):
            errors["status"] = "Only the business unit decides that an action is no longer needed"
        elif not (cancel_reason or "").strip():
            errors["cancel_reason"] = "Say why the action is no longer needed"
    if errors:
        raise ValidationError(errors)
    was = action.status
    action.status, action.progress_note = status, note
    if status == S.COMPLETE:
        action.completed_on = completed_on
        action.no_evidence_reason = (no_evidence_reason or "").strip()
    if status == S.CANCELLED:
        action.cancel_reason = cancel_reason.strip()
    stamp(action, actor, f"Action {action.get_status_display().lower()}")
    action.save()
    if status == S.COMPLETE:
        clock.deadline_meet_open(subject=action, rule_keys=(CHASE,), met_on=completed_on, actor=actor,
                                 late_reason=note or "Completed after the date the action plan set")
    elif status == S.CANCELLED:
        clock.deadlines_cancel_open(subject=action, reason="The action is no longer needed", actor=actor,
                                    rule_keys=(CHASE,))
    record_event(events.ACTION_UPDATED, actor=actor, subject=action, payload={"from": was, "to": status})
    return action


@transaction.atomic
def action_evidence_add(*, actor, action: ReviewAction, file, description: str = "") -> Upload:
    """Keep a file as evidence of an open action (quarantined until its virus scan passes): the business unit or
    the owning agency."""
    action = ReviewAction.objects.select_for_update().get(pk=action.pk)
    ctx = ctx_for(actor)
    require(action_policy.can(ctx, "view", action))
    if not action_policy.can(ctx, "update", action):
        raise ValidationError({"file": "Evidence is added while the action is open, by its agency or the business "
                                       "unit"})
    upload = upload_receive(actor=actor, file=file, purpose=PURPOSE, owner=action, description=description)
    record_event(events.ACTION_EVIDENCE_ADDED, actor=actor, subject=action, payload={
        "upload": upload.pk, "content_type": upload.content_type, "size": upload.size})
    return upload
