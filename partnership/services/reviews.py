"""Practice reviews (issue 12, section 3; ADR 24): a local child safeguarding practice review (``lcspr``: 6 months
from the decision) or an alternative learning review (``learning_review``: no longer than 6 months), started from a
rapid review's decision or from the triage of a referral; its terms of reference, reviewer, methodology, family
and practitioner involvement, drafts, the pre-publication copy to the National Panel and DfE, and publication,
which meets its clock (late: the reason for the delay is required)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import record_event
from safeguarding.clock import rules
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import LearningTheme, Methodology, PracticeReview, RapidReview, Recommendation, Referral, ReviewDraft
from ..policies import practice_review_policy
from ._common import ctx_for, require

K = PracticeReview.Kind
RULE_OF = {K.LCSPR: "lcspr", K.LEARNING_REVIEW: "learning_review"}
PREFIX = {K.LCSPR: "LCSPR", K.LEARNING_REVIEW: "LR"}
# what practice_review_record may change
RECORDED = ("terms_of_reference", "terms_agreed_on", "reviewer", "reviewer_appointed_on", "methodology",
            "family_involvement", "practitioner_involvement", "themes", "learning_summary", "delay_reason")
TEXTS = ("terms_of_reference", "reviewer", "family_involvement", "practitioner_involvement", "learning_summary",
         "delay_reason")


def rule_of(review: PracticeReview) -> str:
    return RULE_OF[review.kind]


def _lock(review: PracticeReview) -> PracticeReview:
    return PracticeReview.objects.select_for_update().get(pk=review.pk)


def _manage(actor, review: PracticeReview, what: str) -> None:
    ctx = ctx_for(actor)
    require(practice_review_policy.can(ctx, "view", review))
    if not practice_review_policy.can(ctx, "manage", review):
        raise ValidationError(f"Only the business unit {what}, while the review is in progress")


def _day(errors: dict, name: str, value: date | None, *, not_before: date, what: str) -> None:
    if value is not None and (value > timezone.localdate() or value < not_before):
        errors[name] = f"{what} must be on or after {not_before:%-d %B %Y} and not in the future"


def due_date(review: PracticeReview) -> date:
    """The review's due date by its rule (the clock's deadline has the same, closures counted)."""
    return rules.get(rule_of(review)).due(review.decided_on, clock.closures())


def _next_reference(kind: str, year: int) -> str:
    prefix = f"{PREFIX[kind]} {year}-"
    taken = PracticeReview.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    n = max((int(r.removeprefix(prefix)) for r in taken if r.removeprefix(prefix).isdigit()), default=0) + 1
    return f"{prefix}{n:02d}"


@transaction.atomic
def practice_review_start(*, actor, referral: Referral, kind: str, decided_on: date) -> PracticeReview:
    """Start a practice review of ``referral``: from its rapid review's decision (an LCSPR or an alternative
    learning review; the review is linked to the rapid review), or from its triage as a learning review (a
    learning review only). The review's clock (``lcspr`` or ``learning_review``) runs from ``decided_on``.
    Starting the same kind again returns the review."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    ctx = ctx_for(actor)
    if not practice_review_policy.can_start(ctx):
        require(False)
    existing = PracticeReview.objects.filter(referral=referral).first()
    if existing is not None:
        if existing.kind == kind:
            return existing
        raise ValidationError({"kind": f"This referral has a {existing.get_kind_display().lower()} already"})
    errors = {}
    if kind not in RULE_OF:
        errors["kind"] = "Choose a local child safeguarding practice review or a learning review"
    rapid = RapidReview.objects.filter(referral=referral).first()
    if rapid is None and referral.triage != Referral.Triage.LEARNING_REVIEW:
        errors["referral"] = ("A practice review starts from a rapid review's decision, or from a triage that "
                              "decided a learning review")
    elif rapid is None and kind == K.LCSPR:
        errors["kind"] = "A local child safeguarding practice review follows a rapid review"
    if decided_on is None:
        errors["decided_on"] = "Enter the day it was decided"
    else:
        _day(errors, "decided_on", decided_on, not_before=referral.aware_on, what="The decision")
    if errors:
        raise ValidationError(errors)
    review = PracticeReview(kind=kind, referral=referral, rapid_review=rapid, decided_on=decided_on,
                            reference=_next_reference(kind, decided_on.year))
    stamp(review, actor, "Practice review started")
    review.save()
    rule = RULE_OF[kind]
    clock.deadline_open(subject=review, rule_key=rule, anchor_date=decided_on, label=rules.get(rule).title,
                        actor=actor)
    record_event(events.PRACTICE_REVIEW_STARTED, actor=actor, subject=review,
                 payload={"kind": kind, "from": "rapid_review" if rapid else "triage",
                          "decided_on": decided_on.isoformat()})
    return review


@transaction.atomic
def practice_review_record(*, actor, review: PracticeReview, **changes) -> PracticeReview:
    """Record what the review has agreed: any of ``RECORDED`` (terms of reference and the day they were agreed,
    the reviewer and their appointment, the methodology, how the family and the practitioners take part, the
    learning themes, the learning summary, the reason for a delay). Nothing changed: nothing written."""
    unknown = set(changes) - set(RECORDED)
    if unknown:
        raise TypeError(f"practice_review_record does not record {sorted(unknown)}")
    review = _lock(review)
    _manage(actor, review, "records the review")
    new = {name: getattr(review, name) for name in RECORDED}
    for name, value in changes.items():
        new[name] = (value or "").strip() if name in TEXTS or name == "methodology" else value
    new["themes"] = sorted(set(new["themes"] or []))
    errors = {}
    for name, what in (("terms_agreed_on", "The day the terms were agreed"),
                       ("reviewer_appointed_on", "The reviewer's appointment")):
        _day(errors, name, new[name], not_before=review.decided_on, what=what)
    if new["terms_agreed_on"] and not new["terms_of_reference"]:
        errors["terms_of_reference"] = "Enter the terms of reference that were agreed"
    if new["reviewer"] and not new["reviewer_appointed_on"]:
        errors["reviewer_appointed_on"] = "Enter the day the reviewer was appointed"
    if new["reviewer_appointed_on"] and not new["reviewer"]:
        errors["reviewer"] = "Enter who was appointed"
    if new["methodology"] and new["methodology"] not in Methodology.values:
        errors["methodology"] = "Choose a methodology from the list"
    if any(t not in LearningTheme.values for t in new["themes"]):
        errors["themes"] = "Choose the themes from the list"
    if errors:
        raise ValidationError(errors)
    changed = [name for name in RECORDED if getattr(review, name) != new[name]]
    if not changed:
        return review
    for name in changed:
        setattr(review, name, new[name])
    stamp(review, actor, "Recorded: " + ", ".join(n.replace("_", " ") for n in changed))
    review.save()
    record_event(events.PRACTICE_REVIEW_RECORDED, actor=actor, subject=review, payload={"fields": changed})
    return review


@transaction.atomic
def review_draft_add(*, actor, review: PracticeReview, received_on: date, comments: str = "") -> ReviewDraft:
    """A draft report received from the reviewer (numbered in order), with the group's comments."""
    review = _lock(review)
    _manage(actor, review, "records drafts")
    errors = {}
    if received_on is None:
        errors["received_on"] = "Enter the day the draft was received"
    else:
        _day(errors, "received_on", received_on, not_before=review.decided_on, what="The day it was received")
    if errors:
        raise ValidationError(errors)
    number = (review.drafts.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = ReviewDraft(review=review, number=number, received_on=received_on, comments=(comments or "").strip(),
                        recorded_by=actor)
    stamp(draft, actor, "Draft received")
    draft.save()
    record_event(events.PRACTICE_REVIEW_DRAFT, actor=actor, subject=review,
                 payload={"number": number, "received_on": received_on.isoformat()})
    return draft


@transaction.atomic
def practice_review_panel_copy(*, actor, review: PracticeReview, sent_on: date) -> PracticeReview:
    """The final report sent to the National Panel and DfE before publication (a draft must have come first)."""
    review = _lock(review)
    _manage(actor, review, "records the copy to the National Panel and DfE")
    errors = {}
    if sent_on is None:
        errors["sent_on"] = "Enter the day it was sent"
    else:
        _day(errors, "sent_on", sent_on, not_before=review.decided_on, what="The day it was sent")
    if not review.drafts.exists():
        errors["sent_on"] = "Record the reviewer's draft report first"
    if errors:
        raise ValidationError(errors)
    if review.panel_copy_sent_on == sent_on:
        return review
    review.panel_copy_sent_on = sent_on
    stamp(review, actor, "Final report sent to the National Panel and DfE")
    review.save()
    record_event(events.PRACTICE_REVIEW_PANEL_COPY, actor=actor, subject=review,
                 payload={"sent_on": sent_on.isoformat()})
    return review


def publication_gaps(review: PracticeReview) -> dict[str, str]:
    """What the review still needs before it can be published, by field."""
    gaps = {}
    if not review.terms_agreed_on:
        gaps["terms_of_reference"] = "Record the terms of reference and the day they were agreed"
    if not review.reviewer:
        gaps["reviewer"] = "Record the reviewer's appointment"
    if not review.methodology:
        gaps["methodology"] = "Record the methodology"
    if not review.drafts.exists():
        gaps["drafts"] = "Record the reviewer's draft report"
    if review.kind == K.LCSPR and not review.panel_copy_sent_on:
        gaps["panel_copy_sent_on"] = "Send the final report to the National Panel and DfE before publication"
    return gaps


@transaction.atomic
def practice_review_publish(*, actor, review: PracticeReview, published_on: date, published_where: str,
                            learning_summary: str = "", delay_reason: str = "") -> PracticeReview:
    """Publish the review (where, and its learning summary for the library): meets its clock. Published after
    its due date, the reason for the delay is required (given here, or recorded before)."""
    review = _lock(review)
    ctx = ctx_for(actor)
    require(practice_review_policy.can(ctx, "view", review))
    if review.status == PracticeReview.Status.PUBLISHED:
        if (review.published_on, review.published_where) == (published_on, (published_where or "").strip()):
            return review
        raise ValidationError({"published_on": f"The review was published on {review.published_on:%-d %B %Y}"})
    _manage(actor, review, "publishes the review")
    errors = dict(publication_gaps(review))
    summary = (learning_summary or "").strip() or review.learning_summary
    reason = (delay_reason or "").strip() or review.delay_reason
    if published_on is None:
        errors["published_on"] = "Enter the day it was published"
    else:
        _day(errors, "published_on", published_on, not_before=review.decided_on, what="The day of publication")
        if review.panel_copy_sent_on and published_on < review.panel_copy_sent_on:
            errors["published_on"] = "Publication comes after the copy to the National Panel and DfE"
        if published_on > due_date(review) and not reason:
            errors["delay_reason"] = (f"The review was due by {due_date(review):%-d %B %Y}: give the reason for the "
                                      "delay")
    if not (published_where or "").strip():
        errors["published_where"] = "Say where it is published"
    if not summary:
        errors["learning_summary"] = "Write the learning summary for the library"
    if errors:
        raise ValidationError(errors)
    review.status = PracticeReview.Status.PUBLISHED
    review.published_on, review.published_where = published_on, published_where.strip()
    review.learning_summary, review.delay_reason = summary, reason
    stamp(review, actor, "Published")
    review.save()
    clock.deadline_meet_open(subject=review, rule_keys=(rule_of(review),), met_on=published_on, actor=actor,
                             late_reason=reason)
    record_event(events.PRACTICE_REVIEW_PUBLISHED, actor=actor, subject=review,
                 payload={"published_on": published_on.isoformat(), "late": published_on > due_date(review)})
    return review


@transaction.atomic
def recommendation_add(*, actor, review: PracticeReview, text: str) -> Recommendation:
    """A recommendation of the review (numbered in order): before or after publication, by the business unit."""
    review = _lock(review)
    ctx = ctx_for(actor)
    require(practice_review_policy.can(ctx, "view", review))
    if not practice_review_policy.can(ctx, "plan", review):
        raise ValidationError({"text": "Only the business unit adds recommendations"})
    if not (text or "").strip():
        raise ValidationError({"text": "Enter the recommendation"})
    number = (review.recommendations.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    row = Recommendation(review=review, number=number, text=text.strip())
    stamp(row, actor, "Recommendation added")
    row.save()
    record_event(events.RECOMMENDATION_ADDED, actor=actor, subject=review, payload={"number": number})
    return row
