"""Open, meet, cancel and recompute deadlines. Every due date comes from rules.py."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.audit.services import record_event

from . import rules
from .models import Deadline, LocalClosureDay


def closures() -> frozenset[date]:
    """Local closure days (administrators edit them); bank holidays come from workdays.py."""
    return frozenset(LocalClosureDay.objects.values_list("date", flat=True))


def _computation(rule: rules.Rule) -> dict:
    return {
        "amount": rule.amount, "unit": rule.unit.value, "direction": rule.direction.value, "anchor": rule.anchor,
        "overridden": rule.overridden, "holidays_version": holidays.__version__,
    }


def compute_due(rule_key: str, anchor_date: date) -> date:
    return rules.get(rule_key).due(anchor_date, closures())


def opened_reason(rule: rules.Rule) -> str:
    """A deadline's first history row, in words (the rule's title, never its key: ADR 26)."""
    return f"Deadline opened: {rule.title}"


def _stamp(obj, actor, reason=""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


@transaction.atomic
def deadline_open(
    *, subject: models.Model, rule_key: str, anchor_date: date, label: str, actor=None, responsible_person=None,
    responsible_team=None,
) -> Deadline:
    """Open the deadline for ``subject`` under a rule. Opening the same (subject, rule) twice while
    one is open returns the open one."""
    rule = rules.get(rule_key)
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    existing = (Deadline.objects.select_for_update()
                .filter(subject_type=ct, subject_id=subject.pk, rule_key=rule_key, status__in=Deadline.OPEN_STATUSES)
                .first())
    if existing:
        return existing
    deadline = Deadline(
        rule_key=rule_key, subject_type=ct, subject_id=subject.pk, label=label, anchor_date=anchor_date,
        due_date=rule.due(anchor_date, closures()), responsible_person=responsible_person,
        responsible_team=responsible_team, computation=_computation(rule),
    )
    _stamp(deadline, actor, opened_reason(rule))
    deadline.save()
    record_event("deadline.opened", actor=actor, subject=deadline,
                 payload={"rule": rule_key, "due_date": deadline.due_date.isoformat()})
    return deadline


@transaction.atomic
def deadline_meet(*, deadline: Deadline, met_on: date, actor=None, late_reason: str = "") -> Deadline:
    """Record that the deadline was met on ``met_on``. Met late needs a reason."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status in (Deadline.Status.MET_ON_TIME, Deadline.Status.MET_LATE):
        return deadline
    if deadline.status == Deadline.Status.CANCELLED:
        raise ValidationError("This deadline was cancelled; it cannot be met")
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": "The date it was met must be today or in the past"})
    late = met_on > deadline.due_date
    if late and not late_reason.strip():
        raise ValidationError({"late_reason": f"This was due on {deadline.due_date:%-d %B %Y}: say why it was late"})
    deadline.met_on = met_on
    deadline.status = Deadline.Status.MET_LATE if late else Deadline.Status.MET_ON_TIME
    new_reason = late_reason.strip() if late else ""
    if deadline.late_accepted_by_id and new_reason != deadline.late_reason:
        # a manager accepted the earlier reason, not this one: the new reason needs accepting afresh
        deadline.late_accepted_by, deadline.late_accepted_at = None, None
    deadline.late_reason = new_reason
    _stamp(deadline, actor, "Met late" if late else "Met")
    deadline.save()
    record_event("deadline.met", actor=actor, subject=deadline,
                 payload={"met_on": met_on.isoformat(), "late": late, "reason": late_reason})
    return deadline


@transaction.atomic
def deadline_accept_late(*, deadline: Deadline, manager, note: str = "") -> Deadline:
    """A manager accepts the reason a deadline was met late (or is overdue)."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status not in (Deadline.Status.MET_LATE, Deadline.Status.OVERDUE):
        raise ValidationError("Only a late or overdue deadline has a reason to accept")
    if deadline.late_accepted_by_id:
        return deadline
    if deadline.status == Deadline.Status.OVERDUE and not (deadline.late_reason or note).strip():
        raise ValidationError({"note": "Record the reason for the delay"})
    if note.strip() and not deadline.late_reason:
        deadline.late_reason = note.strip()
    deadline.late_accepted_by = manager
    deadline.late_accepted_at = timezone.now()
    _stamp(deadline, manager, "Reason for delay accepted")
    deadline.save()
    record_event("deadline.late_accepted", actor=manager, subject=deadline, payload={"note": note})
    return deadline


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, reason: str, actor=None) -> Deadline:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline no longer applies"})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status == Deadline.Status.CANCELLED:
        return deadline
    if not deadline.is_open:
        raise ValidationError("A deadline that has been met cannot be cancelled")
    deadline.status = Deadline.Status.CANCELLED
    deadline.cancelled_reason = reason
    _stamp(deadline, actor, reason)
    deadline.save()
    record_event("deadline.cancelled", actor=actor, subject=deadline, payload={"reason": reason})
    return deadline


_KEEP = object()  # deadline_reassign: leave this one as it is


@transaction.atomic
def deadline_reassign(*, deadline: Deadline, reason: str, actor=None, responsible_person=_KEEP,
                      responsible_team=_KEEP) -> Deadline:
    """Give an open deadline to someone else (a new chair, a new IRO, another team): the same deadline, its
    due date and its reminders' history kept; the previous owner stays in the deadline's history. Either owner
    may be left as it is; ``None`` clears it. Met and cancelled deadlines keep the owner they were met by."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline changes hands"})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_open:
        return deadline
    person = deadline.responsible_person if responsible_person is _KEEP else responsible_person
    team = deadline.responsible_team if responsible_team is _KEEP else responsible_team
    before = (deadline.responsible_person_id, deadline.responsible_team_id)
    after = (person.pk if person else None, team.pk if team else None)
    if after == before:
        return deadline
    deadline.responsible_person, deadline.responsible_team = person, team
    _stamp(deadline, actor, reason)
    deadline.save(update_fields=["responsible_person", "responsible_team"])
    record_event("deadline.reassigned", actor=actor, subject=deadline,
                 payload={"from": {"person": before[0], "team": before[1]},
                          "to": {"person": after[0], "team": after[1]}, "reason": reason})
    return deadline


@transaction.atomic
def deadline_recompute(*, deadline: Deadline, reason: str, actor=None, anchor_date: date | None = None) -> Deadline:
    """Recompute the due date from the (corrected) anchor date and the rule as it stands now.

    Used when an anchor date is corrected or a local rule changes; the old dates stay in history.
    Met and cancelled deadlines keep their due date (they are reported as they were)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline is being recomputed"})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_open:
        return deadline
    rule = rules.get(deadline.rule_key)
    new_anchor = anchor_date or deadline.anchor_date
    new_due = rule.due(new_anchor, closures())
    if (new_anchor, new_due) == (deadline.anchor_date, deadline.due_date):
        return deadline
    old_due = deadline.due_date
    deadline.anchor_date, deadline.due_date = new_anchor, new_due
    deadline.computation = _computation(rule)
    if deadline.status == Deadline.Status.OVERDUE and new_due >= timezone.localdate():
        deadline.status = Deadline.Status.OPEN
    _stamp(deadline, actor, reason)
    deadline.save()
    record_event("deadline.recomputed", actor=actor, subject=deadline,
                 payload={"from": old_due.isoformat(), "to": new_due.isoformat(), "reason": reason})
    return deadline


def deadlines_recompute_rule(*, rule_key: str, reason: str, actor=None) -> int:
    """After a local rule or closure days change: recompute every open deadline under the rule."""
    changed = 0
    ids = list(Deadline.objects.filter(rule_key=rule_key, status__in=Deadline.OPEN_STATUSES)
               .values_list("pk", flat=True))
    for pk in ids:
        before = Deadline.objects.only("due_date").get(pk=pk).due_date
        after = deadline_recompute(deadline=Deadline(pk=pk), reason=reason, actor=actor).due_date
        changed += before != after
    return changed


def deadlines_recompute_for_closure(*, day: date, reason: str, actor=None) -> int:
    """A local closure day was added, moved or removed: recompute the open deadlines whose counting
    period contains it (after-rules: anchor < day <= due; before-rules: due <= day < anchor)."""
    from django.db.models import Q

    ids = list(
        Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES)
        # a month-based due date moves *back* off a closure day, so look two weeks past it as well
        .filter(Q(anchor_date__lt=day, due_date__gte=day - timedelta(days=14))
                | Q(due_date__lte=day, anchor_date__gt=day))
        .values_list("pk", flat=True)
    )
    changed = 0
    for pk in ids:
        before = Deadline.objects.only("due_date").get(pk=pk).due_date
        changed += deadline_recompute(deadline=Deadline(pk=pk), reason=reason, actor=actor).due_date != before
    return changed


def open_deadlines_for(subject: models.Model, *rule_keys: str):
    """The open deadlines of ``subject`` (optionally only under ``rule_keys``), soonest first."""
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    qs = Deadline.objects.filter(subject_type=ct, subject_id=subject.pk, status__in=Deadline.OPEN_STATUSES)
    if rule_keys:
        qs = qs.filter(rule_key__in=rule_keys)
    return qs.order_by("due_date", "id")


def deadline_meet_open(*, subject: models.Model, rule_keys: tuple[str, ...], met_on: date, actor=None,
                       late_reason: str = "") -> list[Deadline]:
    """Meet every open deadline of ``subject`` under ``rule_keys`` (the event they wait for happened).
    A late one needs ``late_reason``: the ValidationError says so, naming the due date."""
    return [deadline_meet(deadline=d, met_on=met_on, actor=actor, late_reason=late_reason)
            for d in open_deadlines_for(subject, *rule_keys)]


def deadlines_cancel_open(*, subject: models.Model, reason: str, actor=None, rule_keys: tuple[str, ...] = ()) -> int:
    """Cancel the open deadlines of ``subject`` that no longer apply (a conference cancelled, a plan ended)."""
    n = 0
    for d in open_deadlines_for(subject, *rule_keys):
        deadline_cancel(deadline=d, reason=reason, actor=actor)
        n += 1
    return n
