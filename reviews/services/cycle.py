"""The review cycle (reg 33): booking a review, preparing it, holding it in one or more sessions, and the
early reviews that reset the cycle.

- Every review is held by the open review deadline of the period of care (``lac_review_first`` from the
  day the child became looked after, ``lac_review_second`` three months after the first review,
  ``lac_review_next`` six months after each later one). Holding a review meets that deadline and opens
  the next from the day it was held; an early review (reg 33(3), or a change of placement) is the review
  it is, so the cycle goes on from it.
- Booking opens the preparation deadlines: the social worker's contact with the IRO (15 working days
  before) and each plan the IRO must have (the care plan, the health plan and, for a child of school
  age, the PEP, 3 days before); moving the review moves them; cancelling it cancels them.
- Holding it records the date on the return (the last session's), the participation code (PN0 only for
  a child under 4, checked against the date of birth) and opens ``lac_review_decisions`` and
  ``lac_review_record`` for the IRO.
"""

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
from ..models import OPEN, EarlyReviewTrigger, IroAllocation, LookedAfterEpisode, Review, ReviewPaper, ReviewSession
from ..policies import episode_policy, review_policy
from ..rules import (
    NEXT_RULE_AFTER,
    PAPERS_RULE,
    PEP_AGES,
    RULE_OF_NUMBER,
    age_on,
    deadline_label,
    number_after,
    participation_codes_for,
)
from ._common import _ctx, _lock_episode, _lock_review, _not_future, _require, _today
from .invitations import review_cancelled, review_moved
from .monitoring import open_midpoint_deadline_after

S = Review.Status
OPEN_STATUSES = (S.REQUESTED, S.SCHEDULED)
# The review workflow: which status may move to which, and nothing else (a new review starts requested,
# for an early review, or scheduled).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.HELD, S.CANCELLED}),
    S.HELD: frozenset(),
    S.CANCELLED: frozenset(),
}


def _transition(review: Review, to: str) -> None:
    if review.pk is not None and to not in TRANSITIONS[review.status]:
        raise ValidationError(f"A review that is {review.get_status_display().lower()} cannot be "
                              f"{Review.Status(to).label.lower()}")
    review.status = to


def _current_iro(episode: LookedAfterEpisode) -> User | None:
    allocation = IroAllocation.objects.filter(OPEN, episode=episode).select_related("iro").first()
    return allocation.iro if allocation else None


def _open_review(episode: LookedAfterEpisode) -> Review | None:
    return (Review.objects.select_for_update().live().filter(episode=episode, status__in=OPEN_STATUSES)
            .order_by("id").first())


def _review_deadline(episode: LookedAfterEpisode):
    return clock.open_deadlines_for(episode, *RULE_OF_NUMBER.values()).first()


def _check_due(episode: LookedAfterEpisode, planned_for: date, late_reason: str) -> str:
    """A review booked after the date it is due by needs a reason; on time, none is kept."""
    deadline = _review_deadline(episode)
    if deadline is None or planned_for <= deadline.due_date:
        return ""
    if not late_reason.strip():
        raise ValidationError({"late_reason": f"This review is due by {deadline.due_date:%-d %B %Y}. Say why it "
                                              "cannot be held by then"})
    return late_reason.strip()


def _papers_for(review: Review) -> list[str]:
    kinds = [ReviewPaper.Kind.CARE_PLAN, ReviewPaper.Kind.HEALTH_PLAN]
    age = age_on(review.episode.child.date_of_birth, review.planned_for)
    if age is not None and age in PEP_AGES:
        kinds.append(ReviewPaper.Kind.PEP)
    return kinds


def _open_preparation(review: Review, actor: User) -> None:
    child = review.episode.child
    social_worker, team = child.allocated_social_worker, child.allocated_team
    clock.deadline_open(subject=review, rule_key="lac_review_sw_contact", anchor_date=review.planned_for,
                        label=deadline_label("lac_review_sw_contact"), actor=actor, responsible_person=social_worker,
                        responsible_team=team)
    for kind in _papers_for(review):
        paper, _created = ReviewPaper.objects.get_or_create(review=review, kind=kind, entered_in_error_at=None,
                                                            defaults={"created_by": actor})
        clock.deadline_open(subject=paper, rule_key=PAPERS_RULE, anchor_date=review.planned_for,
                            label=f"{deadline_label(PAPERS_RULE)}: {paper.get_kind_display().lower()}",
                            actor=actor, responsible_person=social_worker, responsible_team=team)


def _papers(review: Review):
    return ReviewPaper.objects.live().filter(review=review)


def _cancel_review(*, review: Review, actor: User, reason: str) -> Review:
    """Cancel a review not yet held, with its preparation deadlines (used by ending a period too)."""
    _transition(review, S.CANCELLED)
    review.cancelled_reason = reason
    stamp(review, actor, reason)
    review.save()
    clock.deadlines_cancel_open(subject=review, reason=f"Review cancelled: {reason}", actor=actor)
    for paper in _papers(review):
        clock.deadlines_cancel_open(subject=paper, reason=f"Review cancelled: {reason}", actor=actor)
    review_cancelled(review)  # the calendar invitations sent are cancelled (ADR 15)
    record_event(events.REVIEW_CANCELLED, actor=actor, subject=review, payload={"reason": reason})
    return review


@transaction.atomic
def review_request_early(*, actor: User, episode: LookedAfterEpisode, trigger: str, reason: str) -> Review:
    """Ask for a review before the next one is due, for one of the reg 33(3) reasons or a change of
    placement, with what happened. The allocated IRO or the IRO manager asks, or case staff (a change
    of the child's circumstances they record). A review already requested or booked becomes the early
    review; the IRO is told."""
    episode = _lock_episode(episode)
    ctx = _ctx(actor)
    _require(episode_policy.can(ctx, "review", episode) or episode_policy.can(ctx, "update", episode),
             "ask for a review of this child's case")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    errors = {}
    if trigger not in EarlyReviewTrigger.values:
        errors["trigger"] = "Choose why the review is needed early"
    if not reason.strip():
        errors["reason"] = "Say what happened"
    if errors:
        raise ValidationError(errors)
    review = _open_review(episode)
    if review is not None and review.early_trigger:
        return review
    iro = _current_iro(episode)
    if review is None:
        review = Review(episode=episode, status=S.REQUESTED, iro=iro, created_by=actor)
    review.early_trigger, review.early_reason = trigger, reason.strip()
    stamp(review, actor, f"Early review: {EarlyReviewTrigger(trigger).label}")
    review.save()
    record_event(events.REVIEW_REQUESTED, actor=actor, subject=review, payload={
        "trigger": trigger, "reason": reason.strip()})
    if iro is not None and iro.pk != actor.pk:
        notify(recipient=iro, subject="An early looked-after review is needed",
               body=f"Reference {episode.child.local_child_id}: {EarlyReviewTrigger(trigger).label}.", url="",
               about=review)
    return review


@transaction.atomic
def review_schedule(*, actor: User, episode: LookedAfterEpisode, planned_for: date, late_reason: str = "") -> Review:
    """Book the next review on ``planned_for`` (the early review asked for, or the next one due), chaired
    by the child's IRO. After the date it is due by, it needs ``late_reason``. Opens the preparation
    deadlines. Booking the same day again changes nothing."""
    episode = _lock_episode(episode)
    _require(episode_policy.can(_ctx(actor), "review", episode), "book a review of this child's case")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    review = _open_review(episode)
    if review is not None and review.status == S.SCHEDULED:
        if review.planned_for == planned_for:
            return review
        raise ValidationError({"planned_for": f"A review is already booked on {review.planned_for:%-d %B %Y}: "
                                              "move it instead"})
    iro = _current_iro(episode)
    if iro is None:
        raise ValidationError("Allocate an IRO to the child first: the IRO chairs the review")
    if planned_for is None:
        raise ValidationError({"planned_for": "Enter the date of the review"})
    if planned_for < _today():
        raise ValidationError({"planned_for": "The review must be today or later"})
    kept_late = _check_due(episode, planned_for, late_reason)
    if review is None:
        review = Review(episode=episode, created_by=actor)
    _transition(review, S.SCHEDULED)
    review.planned_for, review.iro, review.late_reason = planned_for, iro, kept_late
    review.episode = episode
    stamp(review, actor, "Review booked")
    review.save()
    _open_preparation(review, actor)
    record_event(events.REVIEW_SCHEDULED, actor=actor, subject=review, payload={
        "planned_for": planned_for.isoformat(), "iro": iro.pk, "early": review.early_trigger,
        "late_reason": kept_late})
    if iro.pk != actor.pk:
        notify(recipient=iro, subject="A looked-after review is booked",
               body=f"Reference {episode.child.local_child_id}, on {planned_for:%-d %B %Y}.", url="", about=review)
    return review


@transaction.atomic
def review_reschedule(*, actor: User, review: Review, planned_for: date, reason: str,
                      late_reason: str = "") -> Review:
    """Move a booked review (with why). The preparation deadlines move with it."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "schedule", review), "move this review")
    if review.status != S.SCHEDULED:
        raise ValidationError("Only a booked review can be moved")
    if planned_for == review.planned_for:
        return review
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why the review is moving"
    if planned_for is None or planned_for < _today():
        errors["planned_for"] = "The review must be today or later"
    if review.sessions.live().exists():
        errors["planned_for"] = "This review has begun: record its next session instead"
    if errors:
        raise ValidationError(errors)
    review.late_reason = _check_due(review.episode, planned_for, late_reason)
    old = review.planned_for
    review.planned_for = planned_for
    stamp(review, actor, reason.strip())
    review.save()
    for subject in (review, *_papers(review)):
        for deadline in clock.open_deadlines_for(subject):
            clock.deadline_recompute(deadline=deadline, reason="Review moved", actor=actor, anchor_date=planned_for)
    review_moved(review)  # the calendar invitations sent are updated (ADR 15)
    record_event(events.REVIEW_RESCHEDULED, actor=actor, subject=review, payload={
        "from": old.isoformat(), "to": planned_for.isoformat(), "reason": reason.strip()})
    return review


@transaction.atomic
def review_cancel(*, actor: User, review: Review, reason: str) -> Review:
    """Cancel a review not yet held (the period's review deadline stays: another review is needed)."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "schedule", review), "cancel this review")
    if review.status == S.CANCELLED:
        return review
    if review.status == S.HELD:
        raise ValidationError("A review that was held cannot be cancelled")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the review is cancelled"})
    if review.sessions.live().exists():
        raise ValidationError("This review has begun: hold it with the sessions it had")
    return _cancel_review(review=review, actor=actor, reason=reason.strip())


@transaction.atomic
def review_record_contact(*, actor: User, review: Review, contacted_on: date, late_reason: str = "") -> Review:
    """The social worker spoke to the IRO to prepare the review: meets ``lac_review_sw_contact``."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "record the preparation of this review")
    if review.social_worker_contact_on == contacted_on:
        return review
    errors: dict[str, str] = {}
    _not_future(contacted_on, "contacted_on", "date of the contact", errors)
    if errors:
        raise ValidationError(errors)
    review.social_worker_contact_on = contacted_on
    stamp(review, actor, "Social worker's contact with the IRO")
    review.save(update_fields=["social_worker_contact_on"])
    clock.deadline_meet_open(subject=review, rule_keys=("lac_review_sw_contact",), met_on=contacted_on, actor=actor,
                             late_reason=late_reason)
    record_event(events.REVIEW_PREPARED, actor=actor, subject=review, payload={
        "what": "social_worker_contact", "on": contacted_on.isoformat()})
    return review


@transaction.atomic
def review_paper_received(*, actor: User, review: Review, kind: str, received_on: date,
                          late_reason: str = "") -> ReviewPaper:
    """The IRO has the care plan, health plan or PEP for the review: meets its ``lac_review_papers``."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "prepare", review), "record the preparation of this review")
    paper = _papers(review).select_for_update().filter(kind=kind).first()
    if paper is None:
        raise ValidationError({"kind": "Choose a plan asked for this review"})
    if paper.received_on == received_on:
        return paper
    errors: dict[str, str] = {}
    _not_future(received_on, "received_on", "date it was received", errors)
    if errors:
        raise ValidationError(errors)
    paper.received_on = received_on
    stamp(paper, actor, "Received by the IRO")
    paper.save(update_fields=["received_on"])
    clock.deadline_meet_open(subject=paper, rule_keys=(PAPERS_RULE,), met_on=received_on, actor=actor,
                             late_reason=late_reason)
    record_event(events.REVIEW_PREPARED, actor=actor, subject=review, payload={
        "what": kind, "on": received_on.isoformat()})
    return paper


@transaction.atomic
def review_session_record(*, actor: User, review: Review, held_on: date, notes: str = "") -> ReviewSession:
    """One session of the review took place (a review may be held in several). The same day twice is one
    session."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "record this review")
    if review.status != S.SCHEDULED:
        raise ValidationError("Only a booked review has sessions to record")
    existing = review.sessions.live().filter(held_on=held_on).first()
    if existing is not None:
        return existing
    errors: dict[str, str] = {}
    _not_future(held_on, "held_on", "date of the session", errors)
    if not errors and held_on < review.episode.start_date:
        errors["held_on"] = f"The child became looked after on {review.episode.start_date:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    session = ReviewSession(review=review, held_on=held_on, notes=notes.strip(), created_by=actor)
    stamp(session, actor, "Review session held")
    session.save()
    record_event(events.REVIEW_SESSION, actor=actor, subject=review, payload={"held_on": held_on.isoformat()})
    return session


@transaction.atomic
def review_hold(*, actor: User, review: Review, participation: str, held_on: date | None = None,
                late_reason: str = "") -> Review:
    """The review is complete. Its date on the return (SSDA903 REVIEW) is its last session's (a one-session
    review may give ``held_on`` instead of recording the session first); the participation code must fit
    the child's age that day (PN0 only, and only, under 4). Holding it meets the period's review deadline
    (late: ``late_reason``), opens the next (the cycle goes on from this review, early or not) and the
    IRO's ``lac_review_decisions`` and ``lac_review_record``."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "record this review")
    if review.status == S.HELD:
        if review.participation == participation and (held_on is None or held_on == review.held_on):
            return review
        raise ValidationError("This review was held already")
    if review.status != S.SCHEDULED:
        raise ValidationError("Only a booked review can be held")
    if held_on is not None:
        review_session_record(actor=actor, review=review, held_on=held_on)
    last = review.sessions.live().order_by("-held_on").first()
    if last is None:
        raise ValidationError({"held_on": "Enter the date the review was held"})
    episode = review.episode
    child = episode.child
    allowed = participation_codes_for(child.date_of_birth, last.held_on)
    if participation not in allowed:
        under = allowed == ["PN0"]
        raise ValidationError({"participation": "The child was under 4 at the review: the code is PN0" if under
                               else "Choose how the child took part (PN0 is only for a child under 4)"})
    held_before = Review.objects.live().filter(episode=episode, status=S.HELD).count()
    review.number = number_after(held_before)
    _transition(review, S.HELD)
    review.held_on, review.participation = last.held_on, participation
    stamp(review, actor, "Review held")
    review.save()
    clock.deadline_meet_open(subject=episode, rule_keys=tuple(RULE_OF_NUMBER.values()), met_on=last.held_on,
                             actor=actor, late_reason=late_reason)
    next_rule = NEXT_RULE_AFTER[review.number]
    clock.deadline_open(subject=episode, rule_key=next_rule, anchor_date=last.held_on,
                        label=deadline_label(next_rule), actor=actor,
                        responsible_person=child.allocated_social_worker, responsible_team=child.allocated_team)
    for rule in ("lac_review_decisions", "lac_review_record"):
        clock.deadline_open(subject=review, rule_key=rule, anchor_date=last.held_on, label=deadline_label(rule),
                            actor=actor, responsible_person=review.iro, responsible_team=child.allocated_team)
    open_midpoint_deadline_after(review=review, actor=actor)  # the IRO's mid-point check (ADR 14)
    record_event(events.REVIEW_HELD, actor=actor, subject=review, payload={
        "held_on": last.held_on.isoformat(), "number": review.number, "participation": participation,
        "early": review.early_trigger, "next": next_rule})
    return review
