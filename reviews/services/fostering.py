"""Foster carers' reviews (issue 10, section 3): one IRO of the service reviews the foster carers' approval at
least once a year (Fostering Services (England) Regulations 2011, reg 28(2): ``foster_carer_review``).

- Registering a household (the IRO manager) opens ``foster_carer_review`` from its approval, or from its last
  review when it was reviewed before it came onto the hub; completing a review meets it and opens the next
  from the day the review was held (the regulation counts "intervals of not more than a year" between
  reviews). Ending the approval cancels it.
- A review is booked (and moved) by the reviewing officer or the IRO manager; after the date it is due by it
  needs a reason. The reviewing officer records the carers' views, the placing authorities' views, each placed
  child's views, their report and a recommendation to the fostering panel, then completes it (final).
- Deadline labels are the rule's title and emails name the household's reference, never the carers (ADR 5).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import Agency, AgencyKind, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import ApprovalType, FosterCarerReview, FosterChildView, FosteringHousehold
from ..policies import foster_review_policy, household_policy
from ..rules import deadline_label
from ..selectors.fostering import child_looked_after_by, reviewing_officers, supervising_social_workers
from ._common import _ctx, _iro_managers, _iro_service_team, _not_future, _require, _today, _url

RULE = "foster_carer_review"
R = FosterCarerReview.Status
# The household's details kept by ``household_update`` (the IRO manager or the supervising social worker)
DETAILS = ("first_carer", "second_carer", "approval_type", "approval_terms", "places", "allegations_note",
           "lado_reference")


def _lock_household(household: FosteringHousehold) -> FosteringHousehold:
    return (FosteringHousehold.objects.select_for_update(of=("self",)).select_related("fostering_service")
            .get(pk=household.pk))


def _lock_review(review: FosterCarerReview) -> FosterCarerReview:
    return (FosterCarerReview.objects.select_for_update(of=("self",)).select_related("household__fostering_service")
            .get(pk=review.pk))


def _booked(household: FosteringHousehold) -> FosterCarerReview | None:
    return (FosterCarerReview.objects.select_for_update().live().filter(household=household, status=R.SCHEDULED)
            .first())


def _due(household: FosteringHousehold):
    return clock.open_deadlines_for(household, RULE).first()


def _check_details(values: dict, errors: dict) -> dict:
    """The household's details, trimmed and checked (errors keyed by field)."""
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "first_carer" in out and not out["first_carer"]:
        errors["first_carer"] = "Enter the name of the first carer"
    if "approval_type" in out and out["approval_type"] not in ApprovalType.values:
        errors["approval_type"] = "Choose what the carers are approved for"
    if "approval_terms" in out and not out["approval_terms"]:
        errors["approval_terms"] = "Enter the terms of approval"
    if "places" in out and (not isinstance(out["places"], int) or out["places"] < 1):
        errors["places"] = "Enter how many children they are approved for, 1 or more"
    return out


def _check_people(authority_id: int, supervising: User | None, officer: User | None, errors: dict) -> None:
    if supervising is not None and not supervising_social_workers(authority_id).filter(pk=supervising.pk).exists():
        errors["supervising_social_worker"] = "Choose a social worker or team manager of this local authority"
    if officer is not None:
        if not reviewing_officers(authority_id).filter(pk=officer.pk).exists():
            errors["reviewing_officer"] = "Choose an IRO of this local authority"
        elif supervising is not None and officer.pk == supervising.pk:
            errors["reviewing_officer"] = "The reviewing officer cannot be the carers' supervising social worker"


def _notify(household: FosteringHousehold, people, subject: str, body: str, *, skip: User | None = None) -> None:
    url = _url("reviews:household", public_id=household.public_id)
    ids = {p.pk if isinstance(p, User) else p for p in people if p is not None}
    ids.discard(getattr(skip, "pk", None))
    notify_many([(uid, subject, body, url, household) for uid in sorted(ids)])


@transaction.atomic
def household_register(
    *, actor: User, fostering_service: Agency, reference: str, first_carer: str, approval_type: str,
    approval_terms: str, places: int, approved_on: date, supervising_social_worker: User,
    second_carer: str = "", reviewing_officer: User | None = None, last_reviewed_on: date | None = None,
) -> FosteringHousehold:
    """The IRO manager puts an approved household of their authority's fostering service on the hub, with
    its supervising social worker and (now or later) its reviewing officer. Opens ``foster_carer_review``
    from the approval, or from ``last_reviewed_on`` for a household reviewed before it came onto the hub."""
    _require(fostering_service.kind == AgencyKind.LOCAL_AUTHORITY
             and household_policy.can_register_for(_ctx(actor), fostering_service.pk),
             "register foster carers for this fostering service")
    errors: dict[str, str] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = "Enter the fostering service's reference for the household"
    elif FosteringHousehold.objects.live().filter(fostering_service=fostering_service, reference=reference).exists():
        errors["reference"] = "A household with this reference is on the hub already"
    details = _check_details({"first_carer": first_carer, "second_carer": second_carer, "approval_type":
                              approval_type, "approval_terms": approval_terms, "places": places}, errors)
    _not_future(approved_on, "approved_on", "date of approval", errors)
    if last_reviewed_on is not None:
        if last_reviewed_on > _today():
            errors["last_reviewed_on"] = "The last review must be today or in the past"
        elif approved_on and last_reviewed_on < approved_on:
            errors["last_reviewed_on"] = "The last review cannot be before the approval"
    if supervising_social_worker is None:
        errors["supervising_social_worker"] = "Choose the supervising social worker"
    _check_people(fostering_service.pk, supervising_social_worker, reviewing_officer, errors)
    if errors:
        raise ValidationError(errors)
    household = FosteringHousehold(
        fostering_service=fostering_service, reference=reference, approved_on=approved_on,
        supervising_social_worker=supervising_social_worker, reviewing_officer=reviewing_officer, created_by=actor,
        **details)
    stamp(household, actor, "Household registered for review")
    household.save()
    anchor = last_reviewed_on or approved_on
    clock.deadline_open(subject=household, rule_key=RULE, anchor_date=anchor, label=deadline_label(RULE), actor=actor,
                        responsible_person=reviewing_officer,
                        responsible_team=_iro_service_team(fostering_service.pk))
    record_event(events.FOSTER_HOUSEHOLD_REGISTERED, actor=actor, subject=household, payload={
        "reference": reference, "approved_on": approved_on.isoformat(), "anchor": anchor.isoformat(),
        "reviewing_officer": getattr(reviewing_officer, "pk", None)})
    _notify(household, [supervising_social_worker, reviewing_officer], "Foster carers' reviews: a household is "
            "on the hub", f"Household {reference}: its annual review is on the hub.", skip=actor)
    return household


@transaction.atomic
def household_update(*, actor: User, household: FosteringHousehold, reason: str = "", **changes) -> FosteringHousehold:
    """Change the household's details (``DETAILS``: the carers, the approval's type, terms and places, the
    allegation note and the LADO's reference) or its supervising social worker: the IRO manager or the
    supervising social worker. A new supervising social worker needs the IRO manager. Nothing changed,
    nothing written."""
    household = _lock_household(household)
    ctx = _ctx(actor)
    _require(household_policy.can(ctx, "edit", household), "change this household's details")
    unknown = set(changes) - set(DETAILS) - {"supervising_social_worker"}
    if unknown:
        raise TypeError(f"household_update does not change {sorted(unknown)}")
    errors: dict[str, str] = {}
    supervising = changes.pop("supervising_social_worker", household.supervising_social_worker)
    details = _check_details(changes, errors)
    changed = {k: v for k, v in details.items() if getattr(household, k) != v}
    if supervising.pk != household.supervising_social_worker_id:
        if not household_policy.can(ctx, "manage", household):
            errors["supervising_social_worker"] = "Only the IRO manager changes the supervising social worker"
        else:
            _check_people(household.fostering_service_id, supervising, household.reviewing_officer, errors)
        changed["supervising_social_worker"] = supervising
    if errors:
        raise ValidationError(errors)
    if not changed:
        return household
    for name, value in changed.items():
        setattr(household, name, value)
    stamp(household, actor, reason.strip() or "Details changed")
    household.save()
    record_event(events.FOSTER_HOUSEHOLD_UPDATED, actor=actor, subject=household, payload={
        "changed": sorted(changed), "reason": reason.strip()})
    return household


@transaction.atomic
def household_allocate(*, actor: User, household: FosteringHousehold, reviewing_officer: User) -> FosteringHousehold:
    """The IRO manager gives the household its reviewing officer (an IRO of the authority, not its supervising
    social worker). A review booked and not completed goes to them."""
    household = _lock_household(household)
    _require(household_policy.can(_ctx(actor), "manage", household), "allocate this household's reviewing officer")
    if household.reviewing_officer_id == reviewing_officer.pk:
        return household
    if not household.is_approved:
        raise ValidationError("This household's approval has ended")
    errors: dict[str, str] = {}
    _check_people(household.fostering_service_id, household.supervising_social_worker, reviewing_officer, errors)
    if errors:
        raise ValidationError(errors)
    previous = household.reviewing_officer_id
    household.reviewing_officer = reviewing_officer
    stamp(household, actor, "Reviewing officer allocated")
    household.save(update_fields=["reviewing_officer"])
    booked = _booked(household)
    if booked is not None:
        booked.reviewing_officer = reviewing_officer
        stamp(booked, actor, "The household's reviewing officer changed")
        booked.save(update_fields=["reviewing_officer"])
    record_event(events.FOSTER_HOUSEHOLD_UPDATED, actor=actor, subject=household, payload={
        "changed": ["reviewing_officer"], "from": previous, "to": reviewing_officer.pk})
    _notify(household, [reviewing_officer], "You review a fostering household",
            f"Household {household.reference}: you are its reviewing officer.", skip=actor)
    return household


@transaction.atomic
def household_end(*, actor: User, household: FosteringHousehold, ended_on: date, reason: str) -> FosteringHousehold:
    """The approval ended (the carers resigned, or the agency decision maker ended it after the panel): no more
    reviews are due; a review booked is cancelled. Final."""
    household = _lock_household(household)
    _require(household_policy.can(_ctx(actor), "manage", household), "end this household's approval")
    if not household.is_approved:
        return household
    errors: dict[str, str] = {}
    _not_future(ended_on, "ended_on", "date the approval ended", errors)
    if not errors and ended_on < household.approved_on:
        errors["ended_on"] = f"The carers were approved on {household.approved_on:%-d %B %Y}"
    if not reason.strip():
        errors["reason"] = "Say why the approval ended"
    if errors:
        raise ValidationError(errors)
    household.ended_on, household.end_reason = ended_on, reason.strip()
    stamp(household, actor, f"Approval ended: {reason.strip()}")
    household.save(update_fields=["ended_on", "end_reason"])
    booked = _booked(household)
    if booked is not None:
        _cancel(booked, actor, "The approval ended")
    clock.deadlines_cancel_open(subject=household, reason="The approval ended", actor=actor)
    record_event(events.FOSTER_HOUSEHOLD_ENDED, actor=actor, subject=household, payload={
        "ended_on": ended_on.isoformat(), "reason": reason.strip()})
    return household


# --- the review ---------------------------------------------------------------------------------------------
def _check_late(household: FosteringHousehold, planned_for: date, late_reason: str) -> str:
    deadline = _due(household)
    if deadline is None or planned_for <= deadline.due_date:
        return ""
    if not late_reason.strip():
        raise ValidationError({"late_reason": f"This review is due by {deadline.due_date:%-d %B %Y}. Say why it "
                                              "cannot be held by then"})
    return late_reason.strip()


@transaction.atomic
def foster_review_schedule(*, actor: User, household: FosteringHousehold, planned_for: date,
                           late_reason: str = "", reason: str = "") -> FosterCarerReview:
    """Book the household's next review on ``planned_for`` with its reviewing officer, or move the one booked
    (``reason``). After the date it is due by it needs ``late_reason``. The same day again changes nothing."""
    household = _lock_household(household)
    _require(household_policy.can(_ctx(actor), "schedule", household), "book this household's review")
    if not household.is_approved:
        raise ValidationError("This household's approval has ended")
    if household.reviewing_officer_id is None:
        raise ValidationError("Allocate a reviewing officer first: they hold the review")
    booked = _booked(household)
    if booked is not None and booked.planned_for == planned_for:
        return booked
    errors: dict[str, str] = {}
    if planned_for is None:
        errors["planned_for"] = "Enter the date of the review"
    elif planned_for < _today():
        errors["planned_for"] = "The review must be today or later"
    if booked is not None and not reason.strip():
        errors["reason"] = "Say why the review is moving"
    if errors:
        raise ValidationError(errors)
    kept_late = _check_late(household, planned_for, late_reason)
    review = booked or FosterCarerReview(household=household, reviewing_officer=household.reviewing_officer,
                                         created_by=actor)
    old = review.planned_for
    review.planned_for, review.late_reason = planned_for, kept_late
    stamp(review, actor, reason.strip() if booked else "Review booked")
    review.save()
    record_event(events.FOSTER_REVIEW_SCHEDULED, actor=actor, subject=household, payload={
        "review": str(review.public_id), "planned_for": planned_for.isoformat(),
        "moved_from": old.isoformat() if booked else None, "late_reason": kept_late})
    _notify(household, [review.reviewing_officer, household.supervising_social_worker],
            "Foster carers' review booked", f"Household {household.reference}, on {planned_for:%-d %B %Y}.",
            skip=actor)
    return review


def _cancel(review: FosterCarerReview, actor: User, reason: str) -> FosterCarerReview:
    review.status, review.cancelled_reason = R.CANCELLED, reason
    stamp(review, actor, reason)
    review.save(update_fields=["status", "cancelled_reason"])
    record_event(events.FOSTER_REVIEW_CANCELLED, actor=actor, subject=review.household, payload={
        "review": str(review.public_id), "reason": reason})
    return review


@transaction.atomic
def foster_review_cancel(*, actor: User, review: FosterCarerReview, reason: str) -> FosterCarerReview:
    """Cancel a review booked and not completed (the household's review stays due: book another)."""
    review = _lock_review(review)
    _require(household_policy.can(_ctx(actor), "schedule", review.household), "cancel this review")
    if review.status == R.CANCELLED:
        return review
    if review.status == R.COMPLETED:
        raise ValidationError("A completed review cannot be cancelled")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the review is cancelled"})
    return _cancel(review, actor, reason.strip())


RECORD_FIELDS = ("carers_views", "placing_authorities_views", "report", "recommendation", "proposed_terms")


@transaction.atomic
def foster_review_save(*, actor: User, review: FosterCarerReview, **fields) -> FosterCarerReview:
    """The reviewing officer writes the review (``RECORD_FIELDS``), as often as they like until they complete
    it. Nothing changed, nothing written."""
    review = _lock_review(review)
    _require(foster_review_policy.can(_ctx(actor), "record", review), "record this review")
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"foster_review_save does not change {sorted(unknown)}")
    if review.status != R.SCHEDULED:
        raise ValidationError(f"This review is {review.get_status_display().lower()}: it cannot be changed")
    values = {k: (v or "").strip() for k, v in fields.items()}
    if values.get("recommendation") and values["recommendation"] not in FosterCarerReview.Recommendation.values:
        raise ValidationError({"recommendation": "Choose a recommendation from the list"})
    changed = [k for k, v in values.items() if getattr(review, k) != v]
    if not changed:
        return review
    for name in changed:
        setattr(review, name, values[name])
    stamp(review, actor, "Review written")
    review.save(update_fields=changed)
    return review


@transaction.atomic
def foster_review_child_view_add(*, actor: User, review: FosterCarerReview, how: str, views: str = "",
                                 child_reference: str = "", child_name: str = "",
                                 placing_authority: str = "") -> FosterChildView:
    """What a child placed with the carers said (reg 28(3)(b)(ii)): a child looked after by the household's
    authority, by the local reference of their record (``child_reference``), or a child placed by another
    authority, named in words with that authority. A child of ours is recorded once per review."""
    review = _lock_review(review)
    _require(foster_review_policy.can(_ctx(actor), "record", review), "record this review")
    if review.status != R.SCHEDULED:
        raise ValidationError(f"This review is {review.get_status_display().lower()}: it cannot be changed")
    errors: dict[str, str] = {}
    reference, name = (child_reference or "").strip().upper(), (child_name or "").strip()
    child = None
    if reference and name:
        errors["child_reference"] = "Give the child's reference or, for a child placed by another authority, " \
                                    "their name: not both"
    elif reference:
        child = child_looked_after_by(review.household.fostering_service_id, reference)
        if child is None:
            errors["child_reference"] = (f"No child looked after by {review.household.fostering_service.name} has "
                                         "this reference")
    elif not name:
        errors["child_reference"] = "Enter the child's reference, or the name of a child placed by another authority"
    elif not placing_authority.strip():
        errors["placing_authority"] = "Enter the authority that placed the child"
    if how not in FosterChildView.How.values:
        errors["how"] = "Choose how the child gave their views"
    elif how != FosterChildView.How.NOT_CONSULTED and not views.strip():
        errors["views"] = "Write what the child said"
    if errors:
        raise ValidationError(errors)
    if child is not None:
        existing = FosterChildView.objects.live().filter(review=review, child=child).first()
        if existing is not None:
            raise ValidationError({"child_reference": "This child's views are recorded for this review already"})
    view = FosterChildView(review=review, child=child, child_name="" if child else name,
                           placing_authority="" if child else placing_authority.strip(), how=how,
                           views=views.strip(), created_by=actor)
    stamp(view, actor, "A child's views")
    view.save()
    record_event(events.FOSTER_CHILD_VIEWS, actor=actor, subject=review.household, payload={
        "review": str(review.public_id), "child": getattr(child, "pk", None), "how": how})
    return view


@transaction.atomic
def foster_review_complete(*, actor: User, review: FosterCarerReview, held_on: date,
                           late_reason: str = "") -> FosterCarerReview:
    """The reviewing officer completes the review held on ``held_on``: the carers' views, the report and the
    recommendation (new terms when they change) must be written. Meets the household's ``foster_carer_review``
    (late: ``late_reason``) and opens the next from ``held_on``; the supervising social worker and the IRO
    managers are told. Final."""
    review = _lock_review(review)
    _require(foster_review_policy.can(_ctx(actor), "record", review), "record this review")
    if review.status == R.COMPLETED:
        if review.held_on == held_on:
            return review
        raise ValidationError("This review was completed already")
    if review.status != R.SCHEDULED:
        raise ValidationError("Only a booked review can be completed")
    household = _lock_household(review.household)
    errors: dict[str, str] = {}
    _not_future(held_on, "held_on", "date the review was held", errors)
    if not errors and held_on < household.approved_on:
        errors["held_on"] = f"The carers were approved on {household.approved_on:%-d %B %Y}"
    if not review.carers_views:
        errors["carers_views"] = "Write the carers' views first"
    if not review.report:
        errors["report"] = "Write your report first"
    if not review.recommendation:
        errors["recommendation"] = "Choose your recommendation to the fostering panel first"
    elif review.recommendation == FosterCarerReview.Recommendation.CHANGE_TERMS and not review.proposed_terms:
        errors["proposed_terms"] = "Write the new terms you recommend first"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=household, rule_keys=(RULE,), met_on=held_on, actor=actor,
                             late_reason=late_reason or review.late_reason)
    review.status, review.held_on, review.completed_at = R.COMPLETED, held_on, timezone.now()
    stamp(review, actor, "Review completed")
    review.save(update_fields=["status", "held_on", "completed_at"])
    if household.is_approved:
        clock.deadline_open(subject=household, rule_key=RULE, anchor_date=held_on, label=deadline_label(RULE),
                            actor=actor, responsible_person=household.reviewing_officer,
                            responsible_team=_iro_service_team(household.fostering_service_id))
    record_event(events.FOSTER_REVIEW_COMPLETED, actor=actor, subject=household, payload={
        "review": str(review.public_id), "held_on": held_on.isoformat(), "recommendation": review.recommendation})
    _notify(household, [household.supervising_social_worker, *_iro_managers(household.fostering_service_id)],
            "Foster carers' review completed", f"Household {household.reference}: the review of "
            f"{held_on:%-d %B %Y} and its recommendation to the fostering panel are ready.", skip=actor)
    return review
