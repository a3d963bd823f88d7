"""A review's decision marked done by whoever may complete it: the partner agency it names as its owner (its
practitioner on the page, or its API client), the review's IRO or the child's case staff
(``decision_policy`` "complete", ADR 16). The IRO's and case staff's fuller follow-up (progress notes, no
longer needed) stays ``review_decision_update``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import ReviewDecision
from ..policies import decision_policy
from ._common import _ctx, _not_future, _require, _url
from .decisions import decision_chase_end

D = ReviewDecision.Status
NOTE_MAX = 5_000  # what was done, in a few sentences; a bound for the API and the page alike


@transaction.atomic
def review_decision_complete(*, actor: User, decision: ReviewDecision, done_on: date | None, note: str,
                             via: str = "web") -> ReviewDecision:
    """Record that ``decision`` was done on ``done_on``, with ``note`` saying what was done. Only an open
    decision; the same answer again changes nothing. The review's IRO and the child's social worker are told
    (by the child's reference, never a name)."""
    decision = (ReviewDecision.objects.select_for_update(of=("self",))
                .select_related("review__episode__child", "owner_agency").get(pk=decision.pk))
    _require(decision_policy.can(_ctx(actor), "complete", decision), "mark this decision done")
    note = (note or "").strip()
    if decision.status == D.DONE and done_on == decision.done_on and note in ("", decision.progress_note):
        return decision
    if decision.status != D.OPEN:
        raise ValidationError(f"This decision is {decision.get_status_display().lower()} already: it cannot change")
    review = decision.review
    errors: dict[str, str] = {}
    _not_future(done_on, "done_on", "date it was done", errors)
    if "done_on" not in errors and review.held_on and done_on < review.held_on:
        errors["done_on"] = f"It cannot have been done before the review that decided it ({review.held_on:%-d %B %Y})"
    if not note:
        errors["note"] = "Say what was done"
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Keep it to {NOTE_MAX:,} characters"
    if errors:
        raise ValidationError(errors)
    decision.status, decision.done_on, decision.progress_note = D.DONE, done_on, note
    stamp(decision, actor, "Done" if decision.owner_agency_id is None else "Done: reported by the owner agency")
    decision.save()
    decision_chase_end(decision=decision, actor=actor)
    record_event(events.DECISION_UPDATED, actor=actor, subject=review, payload={
        "decision": str(decision.public_id), "number": decision.number, "status": D.DONE,
        "done_on": done_on.isoformat(), "owner_agency": decision.owner_agency_id, "via": via})
    child = review.episode.child
    people = {review.iro_id, child.allocated_social_worker_id} - {None, actor.pk}
    url = _url("reviews:review", public_id=review.public_id)
    notify_many([(pk, "A decision from a looked-after review is done",
                  f"Reference {child.local_child_id}: decision {decision.number} was marked done "
                  f"on {done_on:%-d %B %Y}.", url, decision) for pk in sorted(people)])
    return decision
