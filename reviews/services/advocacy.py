"""The child's right to an independent advocate (Children Act 1989 s26A; ADR 15): before each review the child
(from ``ADVOCACY_FROM_AGE``, and younger when the IRO judges it right) is told of it, and when and how is
recorded; then the referral to an advocacy service and its take-up (accepted, with the advocate named, or
declined). The review's IRO and the child's case staff record them (``review_policy`` ``prepare``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.outbox import one_line
from safeguarding.records import stamp

from .. import events
from ..models import AdvocacyOffer, Review
from ..policies import review_policy
from ._common import _ctx, _lock_review, _not_future, _require

S = Review.Status
Outcome = AdvocacyOffer.Outcome
NAME_MAX = 200


def _offer_of(review: Review) -> AdvocacyOffer | None:
    return AdvocacyOffer.objects.select_for_update().live().filter(review=review).first()


def _check_date(value: date | None, field: str, what: str, review: Review, errors: dict) -> None:
    _not_future(value, field, what, errors)
    if field not in errors and value < review.episode.start_date:
        errors[field] = f"The child became looked after on {review.episode.start_date:%-d %B %Y}"


@transaction.atomic
def advocacy_told_record(*, actor: User, review: Review, told_on: date | None, how: str,
                         notes: str = "") -> AdvocacyOffer:
    """The child was told of their right to an independent advocate, for this review: when, how (and by
    ``actor``). Recording it again corrects it; the same again changes nothing."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "record the preparation of this review")
    if review.status not in (S.REQUESTED, S.SCHEDULED, S.HELD):
        raise ValidationError("This review was cancelled")
    errors: dict[str, str] = {}
    _check_date(told_on, "told_on", "date the child was told", review, errors)
    if how not in AdvocacyOffer.How.values:
        errors["how"] = "Choose how the child was told"
    if errors:
        raise ValidationError(errors)
    notes = notes.replace("\r\n", "\n").strip()
    offer = _offer_of(review)
    if offer is not None and (offer.told_on, offer.told_how, offer.notes) == (told_on, how, notes):
        return offer
    if offer is None:
        offer = AdvocacyOffer(review=review, episode=review.episode, told_by=actor, created_by=actor)
    offer.told_on, offer.told_how, offer.notes = told_on, how, notes
    stamp(offer, actor, "Told of the right to an advocate")
    offer.save()
    record_event(events.ADVOCACY_TOLD, actor=actor, subject=review, payload={
        "told_on": told_on.isoformat(), "how": how})
    return offer


def _lock_offer(offer: AdvocacyOffer) -> AdvocacyOffer:
    return (AdvocacyOffer.objects.select_for_update(of=("self",)).select_related("review__episode__child")
            .get(pk=offer.pk))


@transaction.atomic
def advocacy_refer(*, actor: User, offer: AdvocacyOffer, referred_on: date | None, referred_to: str) -> AdvocacyOffer:
    """The child wanted an advocate: referred to an advocacy service on ``referred_on``."""
    offer = _lock_offer(offer)
    review = offer.review
    _require(review_policy.can(_ctx(actor), "prepare", review), "record the preparation of this review")
    referred_to = one_line(referred_to or "")
    if (offer.referred_on, offer.referred_to) == (referred_on, referred_to):
        return offer
    errors: dict[str, str] = {}
    _check_date(referred_on, "referred_on", "date of the referral", review, errors)
    if "referred_on" not in errors and referred_on < offer.told_on:
        errors["referred_on"] = f"The child was told of their right on {offer.told_on:%-d %B %Y}"
    if not referred_to:
        errors["referred_to"] = "Enter the advocacy service"
    elif len(referred_to) > NAME_MAX:
        errors["referred_to"] = f"Write less than {NAME_MAX} characters"
    if offer.outcome == Outcome.DECLINED:
        errors["referred_on"] = "The child did not want an advocate: record what they say now first"
    if errors:
        raise ValidationError(errors)
    offer.referred_on, offer.referred_to = referred_on, referred_to
    stamp(offer, actor, "Referred to an advocacy service")
    offer.save()
    record_event(events.ADVOCACY_UPDATED, actor=actor, subject=review, payload={
        "referred_on": referred_on.isoformat(), "referred_to": referred_to})
    return offer


@transaction.atomic
def advocacy_take_up(*, actor: User, offer: AdvocacyOffer, outcome: str, outcome_on: date | None,
                     advocate_name: str = "") -> AdvocacyOffer:
    """What came of it: the child has an advocate (after a referral; ``advocate_name`` when known), or did not
    want one. A later answer replaces an earlier one (the history keeps both)."""
    offer = _lock_offer(offer)
    review = offer.review
    _require(review_policy.can(_ctx(actor), "prepare", review), "record the preparation of this review")
    advocate_name = one_line(advocate_name or "")
    if outcome == Outcome.DECLINED:
        advocate_name = ""
    if (offer.outcome, offer.outcome_on, offer.advocate_name) == (outcome, outcome_on, advocate_name):
        return offer
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose whether the child has an advocate"
    elif outcome == Outcome.ACCEPTED and offer.referred_on is None:
        errors["outcome"] = "Record the referral to the advocacy service first"
    _check_date(outcome_on, "outcome_on", "date", review, errors)
    if "outcome_on" not in errors and outcome_on < offer.told_on:
        errors["outcome_on"] = f"The child was told of their right on {offer.told_on:%-d %B %Y}"
    if len(advocate_name) > NAME_MAX:
        errors["advocate_name"] = f"Write less than {NAME_MAX} characters"
    if errors:
        raise ValidationError(errors)
    offer.outcome, offer.outcome_on, offer.advocate_name = outcome, outcome_on, advocate_name
    stamp(offer, actor, Outcome(outcome).label)
    offer.save()
    record_event(events.ADVOCACY_UPDATED, actor=actor, subject=review, payload={
        "outcome": outcome, "on": outcome_on.isoformat(), "advocate_named": bool(advocate_name)})
    return offer
