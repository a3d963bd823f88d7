"""The review's decisions: what is to be done, by whom (a person or an agency) and by when, tracked to done;
and circulating them (``lac_review_decisions``: 5 working days after the review, local standard).

A decision's due date is the one the IRO sets: no statutory timescale applies to a decision itself (the
timescales document gives none). Once the decisions are circulated the clock chases each open one
(``lac_review_decision``: due on its own date, reminding its owner, or the child's social worker when an
agency or someone without an account owns it); done meets it, no longer needed cancels it. The review page
and the caseload show the open ones and the overdue ones.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import Agency, User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import Review, ReviewDecision, ReviewRecord
from ..policies import review_policy
from ..rules import deadline_label
from ..selectors.record import decision_owner_agencies, decision_owner_people
from ._common import _ctx, _lock_review, _not_future, _require, _team_managers, _today, _url

D = ReviewDecision.Status
CHASE = "lac_review_decision"  # the clock's rule for a decision's own date
# Which status a decision may move to (a closed decision is corrected by marking it entered in error)
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    D.OPEN: frozenset({D.OPEN, D.DONE, D.DROPPED}),
    D.DONE: frozenset(),
    D.DROPPED: frozenset(),
}


def decision_chase(*, decision: ReviewDecision, actor: User | None) -> None:
    """Open the deadline that chases an open decision to its date (once its decisions are circulated)."""
    child = decision.review.episode.child
    clock.deadline_open(subject=decision, rule_key=CHASE, anchor_date=decision.due_date, label=deadline_label(CHASE),
                        actor=actor, responsible_person=decision.owner or child.allocated_social_worker,
                        responsible_team=child.allocated_team)


def decision_chase_end(*, decision: ReviewDecision, actor: User | None) -> None:
    """A decision done meets its deadline (after its date, its note says why); no longer needed cancels it."""
    if decision.status == D.DONE:
        late_reason = decision.progress_note or "Recorded as done after the date the review set"
        clock.deadline_meet_open(subject=decision, rule_keys=(CHASE,), met_on=decision.done_on, actor=actor,
                                 late_reason=late_reason)
    elif decision.status == D.DROPPED:
        clock.deadlines_cancel_open(subject=decision, reason="The decision is no longer needed", actor=actor,
                                    rule_keys=(CHASE,))


def _record_for_update(review: Review) -> ReviewRecord:
    record, _created = ReviewRecord.objects.select_for_update().get_or_create(review=review)
    return record


def _first_day(review: Review) -> date | None:
    """The review's first session (or the day it was booked for, before any session)."""
    first = review.sessions.live().order_by("held_on").values_list("held_on", flat=True).first()
    return first or review.planned_for


@transaction.atomic
def review_decision_add(
    *, actor: User, review: Review, description: str, due_date: date | None, owner: User | None = None,
    owner_agency: Agency | None = None, owner_name: str = "", child_words: str = "",
) -> ReviewDecision:
    """The review decides something: what (``description``, and optionally ``child_words``, the same in plain
    words for the child's letter), by whom (``owner``: the child's social worker, a manager of their team or
    the IRO; ``owner_agency``: the local authority or an agency involved with the child; or ``owner_name``,
    anyone else, in words) and by when. Only the review's IRO, while it is booked or held and before its
    decisions are circulated."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "record this review's decisions")
    if review.status not in (Review.Status.SCHEDULED, Review.Status.HELD):
        raise ValidationError("Decisions are recorded at a review that is booked or held")
    record = _record_for_update(review)
    if record.decisions_circulated_on is not None:
        raise ValidationError(f"The decisions were circulated on {record.decisions_circulated_on:%-d %B %Y}: "
                              "a new decision is for the next review")
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Enter what is to be done"
    if sum(x is not None for x in (owner, owner_agency)) > 1:
        errors["owner"] = "Choose one person or one agency"
    elif owner is not None and owner.pk not in {u.pk for u in decision_owner_people(review)}:
        errors["owner"] = "Choose someone from the list, or name them in words"
    elif owner_agency is not None and not decision_owner_agencies(review).filter(pk=owner_agency.pk).exists():
        errors["owner"] = "Choose an agency from the list, or name it in words"
    elif owner is None and owner_agency is None and not owner_name.strip():
        errors["owner_name"] = "Enter who will do it"
    first = _first_day(review)
    if due_date is None:
        errors["due_date"] = "Enter the date it is due by"
    elif first is not None and due_date < first:
        errors["due_date"] = f"The date it is due by cannot be before the review ({first:%-d %B %Y})"
    if errors:
        raise ValidationError(errors)
    name = owner_name.strip() or (owner.full_name if owner else owner_agency.name)
    number = (ReviewDecision.objects.filter(review=review).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    decision = ReviewDecision(review=review, number=number, description=description.strip(),
                              child_words=child_words.strip(), owner_name=name, owner=owner, owner_agency=owner_agency,
                              due_date=due_date, created_by=actor)
    stamp(decision, actor, "Decided at the review")
    decision.save()
    record_event(events.DECISION_ADDED, actor=actor, subject=review, payload={
        "decision": str(decision.public_id), "number": number, "owner": owner.pk if owner else None,
        "owner_agency": owner_agency.pk if owner_agency else None, "due_date": due_date.isoformat()})
    return decision


@transaction.atomic
def review_decision_update(
    *, actor: User, decision: ReviewDecision, status: str, done_on: date | None = None, note: str = "",
) -> ReviewDecision:
    """Follow a decision through: a progress note while it is open, done (on ``done_on``), or no longer
    needed (with why: the IRO only). The review's IRO and the child's case staff; a decision that is
    done or no longer needed stays so."""
    decision = (ReviewDecision.objects.select_for_update(of=("self",)).select_related("review__episode__child")
                .get(pk=decision.pk))
    review = decision.review
    ctx = _ctx(actor)
    _require(review_policy.can(ctx, "track", review), "update this review's decisions")
    if status not in D.values:
        raise ValidationError({"status": "Choose what has happened"})
    note = note.strip()
    if status == D.DONE and not note:
        note = decision.progress_note  # done, with the progress noted so far
    if status == decision.status and note == decision.progress_note and (done_on in (None, decision.done_on)):
        return decision
    if status not in DECISION_TRANSITIONS[decision.status]:
        raise ValidationError(f"This decision is {decision.get_status_display().lower()} already: it cannot change")
    errors: dict[str, str] = {}
    if status == D.DONE:
        _not_future(done_on, "done_on", "date it was done", errors)
    if status == D.DROPPED:
        _require(review_policy.can(ctx, "record", review), "decide that this decision is no longer needed")
        if not note:
            errors["note"] = "Say why it is no longer needed"
    if status == D.OPEN and not note:
        errors["note"] = "Say what has been done, or what is in the way"
    if errors:
        raise ValidationError(errors)
    before = decision.status
    decision.status, decision.progress_note = status, note
    decision.done_on = done_on if status == D.DONE else (_today() if status == D.DROPPED else None)
    stamp(decision, actor, D(status).label if status != before else "Progress noted")
    decision.save()
    decision_chase_end(decision=decision, actor=actor)
    record_event(events.DECISION_UPDATED, actor=actor, subject=review, payload={
        "decision": str(decision.public_id), "number": decision.number, "status": status,
        "done_on": decision.done_on.isoformat() if decision.done_on else None})
    return decision


@transaction.atomic
def review_decisions_circulate(*, actor: User, review: Review, circulated_on: date,
                               late_reason: str = "") -> ReviewRecord:
    """The IRO sends the review's decisions out: meets ``lac_review_decisions`` (late: ``late_reason``). The
    child's social worker, the managers of their team and the decisions' owners with an account are told
    (by the child's reference, never a name). Circulating again changes nothing."""
    review = _lock_review(review)
    _require(review_policy.can(_ctx(actor), "record", review), "circulate this review's decisions")
    if review.status != Review.Status.HELD:
        raise ValidationError("The decisions are circulated once the review has been held")
    record = _record_for_update(review)
    if record.decisions_circulated_on is not None:
        return record
    decisions = list(ReviewDecision.objects.live().filter(review=review).order_by("number"))
    if not decisions:
        raise ValidationError("Record the review's decisions first")
    errors: dict[str, str] = {}
    _not_future(circulated_on, "circulated_on", "date the decisions were sent", errors)
    if not errors and circulated_on < review.held_on:
        errors["circulated_on"] = f"The review was held on {review.held_on:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    clock.deadline_meet_open(subject=review, rule_keys=("lac_review_decisions",), met_on=circulated_on, actor=actor,
                             late_reason=late_reason)
    record.decisions_circulated_on, record.decisions_circulated_by = circulated_on, actor
    stamp(record, actor, "Decisions circulated")
    record.save()
    for decision in decisions:
        if decision.status == D.OPEN:
            decision_chase(decision=decision, actor=actor)
    record_event(events.DECISIONS_CIRCULATED, actor=actor, subject=review, payload={
        "on": circulated_on.isoformat(), "decisions": [d.number for d in decisions]})
    child = review.episode.child
    people = {child.allocated_social_worker_id, *(u.pk for u in _team_managers(child.allocated_team_id)),
              *(d.owner_id for d in decisions)} - {None, actor.pk}
    first_due = min(d.due_date for d in decisions)
    url = _url("reviews:review", public_id=review.public_id)
    notify_many([(pk, "Decisions from a looked-after review",
                  f"Reference {child.local_child_id}: {len(decisions)} decision{'s' if len(decisions) != 1 else ''}, "
                  f"the first due by {first_due:%-d %B %Y}.", url, review) for pk in sorted(people)])
    return record
