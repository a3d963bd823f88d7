"""The child in need review three months after a child protection plan ended (Cheshire West and Chester's
safeguarding and quality assurance unit: "conference chairs also chair a three month child in need meeting after
a decision has been made to discontinue a child protection plan").

- Opened by the review conference's decision to end the plan with a child in need plan as the next step
  (``conference_decide`` calls ``cin_review_open_for_ended_plan``): held by that conference's chair, due by
  ``cin_review_after_plan`` (a local rule) from the day of the decision.
- Booked (and moved, or handed to another chair) by its chair or the conference service; after the date it is
  due by it needs a reason. Held and recorded by its chair: who attended and sent apologies, the child's
  progress, and the decision: continue the child in need plan, close, or step up to child protection (the
  social worker and the team's managers are told at once, to arrange a strategy discussion). Final.
- Deadline labels are the rule's title; notifications name the child's reference only (ADR 5).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import ChildInNeedReview, ChildProtectionPlan, Conference
from ..policies import cin_review_policy
from ..rules import deadline_label
from ..selectors.scheduling import eligible_chairs
from ._common import _today, _url

RULE = "cin_review_after_plan"
C = ChildInNeedReview.Status
OPEN = (C.DUE, C.SCHEDULED)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise ValidationError(f"You cannot {what}")


def _lock(review: ChildInNeedReview) -> ChildInNeedReview:
    return (ChildInNeedReview.objects.select_for_update(of=("self",)).select_related("child", "plan")
            .get(pk=review.pk))


def _due(review: ChildInNeedReview):
    return clock.open_deadlines_for(review, RULE).first()


def _team_managers(team_id: int | None) -> list[int]:
    if team_id is None:
        return []
    return list(Membership.objects.filter(team_id=team_id, is_active=True, user__is_active=True,
                                          roles__contains=[Role.TEAM_MANAGER])
                .values_list("user_id", flat=True).distinct())


def _tell(review: ChildInNeedReview, people, subject: str, body: str, *, skip: User | None = None,
          email: bool = True) -> None:
    url = _url("conferences:cin_review", public_id=review.public_id)
    ids = {p.pk if isinstance(p, User) else p for p in people if p is not None} - {getattr(skip, "pk", None)}
    notify_many([(uid, subject, body, url, review) for uid in sorted(ids)], email=email)


def cin_review_open_for_ended_plan(*, actor: User, conference: Conference, plan: ChildProtectionPlan
                                   ) -> ChildInNeedReview:
    """Called by ``conference_decide`` (in its transaction, after it checked that ``actor`` chairs the
    conference) when a review conference ends the plan with a child in need plan as the next step: the
    review is due by ``cin_review_after_plan`` from the day of the decision, held by the conference's chair.
    Once per plan."""
    existing = ChildInNeedReview.objects.live().filter(plan=plan).first()
    if existing is not None:
        return existing
    child = conference.child
    review = ChildInNeedReview(child=child, plan=plan, conference=conference, chair=conference.chair,
                               created_by=actor)
    stamp(review, actor, "The plan ended: a child in need review is due")
    review.save()
    clock.deadline_open(subject=review, rule_key=RULE, anchor_date=conference.held_on, label=deadline_label(RULE),
                        actor=actor, responsible_person=conference.chair, responsible_team=child.allocated_team)
    record_event(events.CIN_REVIEW_OPENED, actor=actor, subject=review, payload={
        "plan": str(plan.public_id), "conference": str(conference.public_id)})
    return review


def _check_late(review: ChildInNeedReview, planned_for: date, late_reason: str) -> str:
    deadline = _due(review)
    if deadline is None or planned_for <= deadline.due_date:
        return ""
    if not late_reason.strip():
        raise ValidationError({"late_reason": f"This review is due by {deadline.due_date:%-d %B %Y}. Say why it "
                                              "cannot be held by then"})
    return late_reason.strip()


@transaction.atomic
def cin_review_schedule(*, actor: User, review: ChildInNeedReview, planned_for: date, venue: str = "",
                        chair: User | None = None, late_reason: str = "", reason: str = "") -> ChildInNeedReview:
    """Book the review (or move it: ``reason``), optionally with another chair of the child's authority who
    does not manage the case. The same booking again changes nothing."""
    review = _lock(review)
    _require(cin_review_policy.can(AccessContext.for_user(actor), "schedule", review), "book this review")
    if review.status not in OPEN:
        raise ValidationError(f"This review is {review.get_status_display().lower()}: it cannot be booked")
    chair = chair or review.chair
    if (review.status, review.planned_for, review.venue, review.chair_id) == (
            C.SCHEDULED, planned_for, venue.strip(), chair.pk):
        return review
    errors: dict[str, str] = {}
    if planned_for is None:
        errors["planned_for"] = "Enter the date of the review"
    elif planned_for < _today():
        errors["planned_for"] = "The review must be today or later"
    if review.status == C.SCHEDULED and not reason.strip():
        errors["reason"] = "Say why the review is changing"
    if chair.pk != review.chair_id and not eligible_chairs(child=review.child).filter(pk=chair.pk).exists():
        errors["chair"] = "Choose a conference chair of this local authority who does not manage the case"
    if errors:
        raise ValidationError(errors)
    kept_late = _check_late(review, planned_for, late_reason)
    moving = review.status == C.SCHEDULED
    new_chair = chair.pk != review.chair_id
    old = {"planned_for": review.planned_for.isoformat() if review.planned_for else None, "chair": review.chair_id}
    review.status, review.planned_for, review.venue, review.chair = C.SCHEDULED, planned_for, venue.strip(), chair
    review.late_reason = kept_late
    stamp(review, actor, reason.strip() if moving else "Booked")
    review.save()
    if new_chair:
        for deadline in clock.open_deadlines_for(review, RULE):  # the chair who holds it is responsible for it
            clock.deadline_reassign(deadline=deadline, reason="The review has a new chair", actor=actor,
                                    responsible_person=chair)
    record_event(events.CIN_REVIEW_SCHEDULED, actor=actor, subject=review, payload={
        "from": old, "planned_for": planned_for.isoformat(), "chair": chair.pk, "late_reason": kept_late,
        "reason": reason.strip()})
    _tell(review, [chair, review.child.allocated_social_worker], "Child in need review booked",
          f"Reference {review.child.local_child_id}, on {planned_for:%-d %B %Y}.", skip=actor)
    return review


@transaction.atomic
def cin_review_record(*, actor: User, review: ChildInNeedReview, held_on: date, attended: str, progress: str,
                      outcome: str, apologies: str = "", outcome_reason: str = "",
                      late_reason: str = "") -> ChildInNeedReview:
    """The chair records the review held on ``held_on``: who attended (and sent apologies), the child's
    progress since the plan ended and the decision. Meets ``cin_review_after_plan`` (late: ``late_reason``, or
    the booking's). Stepping up tells the social worker and the team's managers at once; closing or continuing
    tells the social worker. Final: recording it again the same way changes nothing."""
    review = _lock(review)
    _require(cin_review_policy.can(AccessContext.for_user(actor), "record", review), "record this review")
    if review.status == C.HELD:
        if (review.held_on, review.outcome) == (held_on, outcome):
            return review
        raise ValidationError("This review was recorded already")
    if review.status not in OPEN:
        raise ValidationError("This review was cancelled")
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the review"
    elif held_on > _today():
        errors["held_on"] = "The date of the review must be today or in the past"
    elif review.plan.ended_on and held_on < review.plan.ended_on:
        errors["held_on"] = f"The plan ended on {review.plan.ended_on:%-d %B %Y}"
    if not attended.strip():
        errors["attended"] = "Enter who took part"
    if not progress.strip():
        errors["progress"] = "Record the child's progress since the plan ended"
    if outcome not in ChildInNeedReview.Outcome.values:
        errors["outcome"] = "Choose the decision"
    elif outcome != ChildInNeedReview.Outcome.CONTINUE and not outcome_reason.strip():
        errors["outcome_reason"] = "Say why"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=review, rule_keys=(RULE,), met_on=held_on, actor=actor,
                             late_reason=late_reason or review.late_reason)
    review.status, review.held_on = C.HELD, held_on
    review.attended, review.apologies, review.progress = attended.strip(), apologies.strip(), progress.strip()
    review.outcome, review.outcome_reason = outcome, outcome_reason.strip()
    stamp(review, actor, f"Held: {review.get_outcome_display()}")
    review.save()
    record_event(events.CIN_REVIEW_HELD, actor=actor, subject=review, payload={
        "held_on": held_on.isoformat(), "outcome": outcome})
    child = review.child
    if outcome == ChildInNeedReview.Outcome.STEP_UP:
        _tell(review, [child.allocated_social_worker, *_team_managers(child.allocated_team_id)],
              "Child in need review: step up to child protection",
              f"Reference {child.local_child_id}: the chair asks for a strategy discussion.", skip=actor)
    else:
        _tell(review, [child.allocated_social_worker], "Child in need review recorded",
              f"Reference {child.local_child_id}: {review.get_outcome_display().lower()}.", skip=actor)
    return review


@transaction.atomic
def cin_review_cancel(*, actor: User, review: ChildInNeedReview, reason: str) -> ChildInNeedReview:
    """No review after all (the child moved away, say): its deadline is cancelled. Final."""
    review = _lock(review)
    _require(cin_review_policy.can(AccessContext.for_user(actor), "schedule", review), "cancel this review")
    if review.status == C.CANCELLED:
        return review
    if review.status == C.HELD:
        raise ValidationError("A review that was held cannot be cancelled")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the review is cancelled"})
    review.status, review.cancelled_reason = C.CANCELLED, reason.strip()
    stamp(review, actor, reason.strip())
    review.save(update_fields=["status", "cancelled_reason"])
    clock.deadlines_cancel_open(subject=review, reason=f"Review cancelled: {reason.strip()}", actor=actor)
    record_event(events.CIN_REVIEW_CANCELLED, actor=actor, subject=review, payload={"reason": reason.strip()})
    return review
