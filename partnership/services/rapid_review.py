"""The rapid review day by day (issue 12, section 2): its plan on the clock, the steps done, the partners'
decisions on the criteria and the requests to agencies."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Agency
from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events, plan
from ..models import AgencyRequest, CriteriaDecision, RapidReview, Referral
from ..policies import rapid_review_policy
from ._common import ctx_for, require


def _open(review: RapidReview, key: str, anchor: date, actor) -> None:
    clock.deadline_open(subject=review, rule_key=key, anchor_date=anchor, label=rules.get(key).title, actor=actor)


@transaction.atomic
def rapid_review_open(*, actor, referral: Referral, la_aware_on: date) -> RapidReview:
    """Open the rapid review of a serious incident (called by the triage, which checked the policy): every
    step of the plan a deadline from Working Day 1, and the national clocks from the local authority's
    awareness (the national rapid review waits for the notification where it is anchored to it)."""
    existing = RapidReview.objects.filter(referral=referral).first()
    if existing:
        return existing
    wd1 = plan.working_day_1(referral.aware_on, clock.closures())
    review = RapidReview(referral=referral, agency_aware_on=referral.aware_on, working_day_1=wd1,
                         la_aware_on=la_aware_on)
    stamp(review, actor, "Serious incident: rapid review opened")
    review.save()
    for key in plan.step_keys():
        _open(review, key, wd1, actor)
    _open(review, plan.NOTIFICATION, la_aware_on, actor)
    if rules.get(plan.NATIONAL_REVIEW).anchor == plan.AWARENESS_ANCHOR:
        _open(review, plan.NATIONAL_REVIEW, la_aware_on, actor)
    record_event(events.RAPID_REVIEW_OPENED, actor=actor, subject=review, payload={"working_day_1": wd1.isoformat()})
    return review


def notified_to_panel(*, actor, review: RapidReview, sent_on: date, late_reason: str = "") -> None:
    """The National Panel was notified (``notification_record`` checked the policy): the notification
    clocks are met, and the national rapid review clock starts where it is anchored to the notification."""
    clock.deadline_meet_open(subject=review, rule_keys=(plan.NOTIFICATION, plan.COUNTERPART[plan.NOTIFICATION]),
                             met_on=sent_on, actor=actor, late_reason=late_reason)
    if rules.get(plan.NATIONAL_REVIEW).anchor != plan.AWARENESS_ANCHOR:
        _open(review, plan.NATIONAL_REVIEW, sent_on, actor)


@transaction.atomic
def rapid_review_step_done(*, actor, review: RapidReview, step: str, done_on: date,
                           late_reason: str = "") -> RapidReview:
    """Record that a step of the plan was done on ``done_on``. The submission step ends the review (and
    meets the national rapid review clock)."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    ctx = ctx_for(actor)
    require(rapid_review_policy.can(ctx, "view", review))
    if not rapid_review_policy.can(ctx, "manage", review):
        raise ValidationError({"step": "Only the business unit records the steps of an open rapid review"})
    keys = plan.step_keys()
    if step not in keys:
        raise ValidationError({"step": "Choose a step of the plan"})
    if step in plan.ACTION_STEPS:   # met by its own action (ADR 23)
        raise ValidationError({"step": "Record the meeting itself (it freezes the chronology)" if step ==
                               plan.MEETING_STEP else "Send the rapid review report: sending it records the step"})
    if done_on > timezone.localdate() or done_on < review.agency_aware_on:
        errors = {"done_on": "The day it was done must be on or after the day of awareness, and not in the future"}
        raise ValidationError(errors)
    open_ones = {d.rule_key: d for d in clock.open_deadlines_for(review, step)}
    if step not in open_ones:
        return review  # done already
    deadline = open_ones[step]
    if done_on > deadline.due_date and not (late_reason or "").strip():
        raise ValidationError({"late_reason": "Say why this step was done after its working day"})
    clock.deadline_meet(deadline=deadline, met_on=done_on, actor=actor, late_reason=late_reason)
    record_event(events.RAPID_REVIEW_STEP_DONE, actor=actor, subject=review,
                 payload={"step": step, "done_on": done_on.isoformat()})
    if step == keys[-1]:
        clock.deadline_meet_open(subject=review, rule_keys=(plan.NATIONAL_REVIEW,), met_on=done_on, actor=actor,
                                 late_reason=late_reason or "Submitted late")
        review.status = RapidReview.Status.SUBMITTED
        stamp(review, actor, "Submitted to the National Panel")
        review.save()
    return review


@transaction.atomic
def criteria_decide(*, actor, review: RapidReview, agency: Agency, criteria_met: bool, rationale: str,
                    decided_on: date | None = None) -> CriteriaDecision:
    """A partner's delegate records whether the criteria for a rapid review are met, and why."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    ctx = ctx_for(actor)
    require(rapid_review_policy.can(ctx, "view", review))
    if agency.pk not in rapid_review_policy.decision_agencies(ctx, review):
        raise ValidationError({"agency": "You record the decision only for the partner you are a delegate of"})
    decided_on = decided_on or timezone.localdate()
    errors = {}
    if not (rationale or "").strip():
        errors["rationale"] = "Give the rationale for the decision"
    if decided_on > timezone.localdate():
        errors["decided_on"] = "The decision cannot be in the future"
    if errors:
        raise ValidationError(errors)
    decision = CriteriaDecision.objects.filter(rapid_review=review, agency=agency).first()
    if decision and (decision.criteria_met, decision.rationale, decision.decided_on) == (
            criteria_met, rationale.strip(), decided_on):
        return decision
    decision = decision or CriteriaDecision(rapid_review=review, agency=agency)
    decision.criteria_met, decision.rationale = criteria_met, rationale.strip()
    decision.decided_on, decision.decided_by = decided_on, actor
    stamp(decision, actor, "Criteria decision recorded")
    decision.save()
    record_event(events.CRITERIA_DECIDED, actor=actor, subject=review,
                 payload={"agency": str(agency.public_id), "criteria_met": criteria_met})
    return decision


@transaction.atomic
def agencies_request(*, actor, review: RapidReview, agencies: list[Agency], requested_on: date | None = None,
                     late_reason: str = ""):
    """Ask involved agencies for their chronologies and information forms (the plan's chronology
    requests step, met on the day of the first requests)."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    ctx = ctx_for(actor)
    require(rapid_review_policy.can(ctx, "view", review))
    if not rapid_review_policy.can(ctx, "manage", review):
        raise ValidationError({"agencies": "Only the business unit sends the requests of an open rapid review"})
    requested_on = requested_on or timezone.localdate()
    if requested_on > timezone.localdate() or requested_on < review.agency_aware_on:
        raise ValidationError({"requested_on": "The requests were sent on or after the day of awareness"})
    if not agencies:
        raise ValidationError({"agencies": "Choose at least one agency"})
    asked = set(review.requests.values_list("agency_id", flat=True))
    made = []
    for agency in agencies:
        if agency.pk in asked or not agency.is_active:
            continue
        row = AgencyRequest(rapid_review=review, agency=agency, requested_on=requested_on, requested_by=actor)
        stamp(row, actor, "Chronology requested")
        row.save()
        asked.add(agency.pk)
        made.append(row)
    if not made:
        return made
    step = "rapid_review_chronology_requests"
    if step in plan.step_keys():
        clock.deadline_meet_open(subject=review, rule_keys=(step,), met_on=requested_on, actor=actor,
                                 late_reason=late_reason)
    record_event(events.AGENCIES_REQUESTED, actor=actor, subject=review, payload={"agencies": len(made)})
    return made
