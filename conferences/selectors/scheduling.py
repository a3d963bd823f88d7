"""Reads for booking a conference: the date it is due by (one conference, or a page of them at once)
and the chairs who may chair it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from safeguarding.accounts.models import Membership, Role, User
from safeguarding.clock import rules as clock_rules
from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline

from ..models import ChildProtectionPlan, Conference, Kind
from ..rules import DEADLINE_RULE_FOR_KIND, REVIEW_RULES

if TYPE_CHECKING:
    from cases.models import Child

S = Conference.Status


def _today() -> date:
    return timezone.localdate()


def due_deadline(conference: Conference) -> Deadline | None:
    """The deadline the conference must be held by: its own for an initial, pre-birth or transfer-in
    conference; the plan's open review deadline for a review."""
    if conference.kind == Kind.REVIEW:
        if conference.plan_id is None:
            return None
        if conference.status in (S.HELD, S.DECIDED):
            # the review deadline this conference met (the plan's open one is already the next review's)
            return (Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(ChildProtectionPlan),
                                            subject_id=conference.plan_id, rule_key__in=REVIEW_RULES,
                                            met_on=conference.held_on).order_by("-due_date").first())
        return clock.open_deadlines_for(conference.plan, *REVIEW_RULES).first()
    rule = DEADLINE_RULE_FOR_KIND[conference.kind]
    ds = clock.open_deadlines_for(conference, rule)
    if conference.status in (S.HELD, S.DECIDED):
        ds = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(Conference),
                                     subject_id=conference.pk, rule_key=rule)
    return ds.first()



# --- chairs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChairSuggestion:
    chair: User
    booked: int  # live conferences booked in the four weeks around the date
    previous: bool  # chaired this child's conferences before


def eligible_chairs(*, child: Child):
    """Active chairs of the child's local authority who do not manage the case (not its allocated
    social worker, not a team manager of its allocated team)."""
    qs = User.objects.filter(
        is_active=True, memberships__agency=child.local_authority, memberships__is_active=True,
        memberships__roles__contains=[Role.CONFERENCE_CHAIR],
    )
    if child.allocated_social_worker_id:
        qs = qs.exclude(pk=child.allocated_social_worker_id)
    if child.allocated_team_id:
        # one membership that is both in the allocated team and a team manager's (not two different ones)
        managers = Membership.objects.filter(team_id=child.allocated_team_id, is_active=True,
                                             roles__contains=[Role.TEAM_MANAGER]).values("user_id")
        qs = qs.exclude(pk__in=managers)
    return qs.distinct()


def chair_suggestions(*, conference: Conference, around: date | None = None) -> list[ChairSuggestion]:
    """Eligible chairs, the one who chaired this child before first (continuity), then the least booked
    in the four weeks around ``around`` (the due date, or today)."""
    if around is None:
        deadline = due_deadline(conference)
        around = deadline.due_date if deadline else _today()
    start = timezone.make_aware(datetime.combine(around, datetime.min.time())) - timedelta(days=14)
    end = start + timedelta(days=28)
    previous_ids = set(Conference.objects.live().filter(child_id=conference.child_id, chair__isnull=False)
                       .exclude(pk=conference.pk).exclude(status=S.CANCELLED).values_list("chair_id", flat=True))
    chairs = eligible_chairs(child=conference.child).annotate(
        booked=Count("conferences_chaired", filter=Q(conferences_chaired__status__in=[S.SCHEDULED, S.HELD],
                                                     conferences_chaired__starts_at__gte=start,
                                                     conferences_chaired__starts_at__lt=end)
                                   & ~Q(conferences_chaired__pk=conference.pk)))
    out = [ChairSuggestion(chair=c, booked=c.booked, previous=c.pk in previous_ids) for c in chairs]
    return sorted(out, key=lambda s: (not s.previous, s.booked, s.chair.full_name))


# --- due dates for a page of conferences, in a fixed number of queries ----------------------------
def due_dates(conferences) -> dict[int, tuple]:
    """Conference pk to (due date, reports due date) for every conference given.

    ``due_date`` is ``due_deadline(conference).due_date`` and ``reports_due_date`` is
    ``clock.compute_due("conference_reports", <the conference's day>)``, worked out for a whole page at
    once: the conferences' own deadlines in one query, their plans' review deadlines in another and the
    closure days once. tests/api/test_conferences_api.py checks the answers match the two services.
    """
    conferences = list(conferences)
    if not conferences:
        return {}
    own = [c for c in conferences if c.kind != Kind.REVIEW]
    reviews = [c for c in conferences if c.kind == Kind.REVIEW and c.plan_id]
    first_own: dict[tuple[int, str], list[Deadline]] = defaultdict(list)
    if own:
        ct = ContentType.objects.get_for_model(Conference)
        for d in Deadline.objects.filter(subject_type=ct, subject_id__in=[c.pk for c in own],
                                         rule_key__in=set(DEADLINE_RULE_FOR_KIND.values())
                                         ).order_by("due_date", "id"):
            first_own[(d.subject_id, d.rule_key)].append(d)
    first_review: dict[int, Deadline] = {}
    met_review: dict[tuple[int, object], Deadline] = {}
    if reviews:
        ct = ContentType.objects.get_for_model(ChildProtectionPlan)
        for d in Deadline.objects.filter(subject_type=ct, subject_id__in={c.plan_id for c in reviews},
                                         rule_key__in=REVIEW_RULES).order_by("due_date", "id"):
            if d.status in Deadline.OPEN_STATUSES:
                first_review.setdefault(d.subject_id, d)
            elif d.met_on is not None:
                met_review[(d.subject_id, d.met_on)] = d  # ascending: the latest due date wins, as due_deadline
    reports_rule = clock_rules.get("conference_reports")
    closed = clock.closures() if any(c.starts_at for c in conferences) else frozenset()
    out = {}
    for c in conferences:
        if c.kind == Kind.REVIEW and c.status in (S.HELD, S.DECIDED):
            deadline = met_review.get((c.plan_id, c.held_on))  # the review deadline this conference met
        elif c.kind == Kind.REVIEW:
            deadline = first_review.get(c.plan_id)
        else:
            candidates = first_own[(c.pk, DEADLINE_RULE_FOR_KIND[c.kind])]
            if c.status not in (S.HELD, S.DECIDED):  # as due_deadline: once held, the met one counts too
                candidates = [d for d in candidates if d.status in Deadline.OPEN_STATUSES]
            deadline = candidates[0] if candidates else None
        reports_due = reports_rule.due(timezone.localtime(c.starts_at).date(), closed) if c.starts_at else None
        out[c.pk] = (deadline.due_date if deadline else None, reports_due)
    return out
