"""Reads for the conference pages: querysets shaped for the dashboard, the service list and one
conference's pages.

Selectors never decide who may see what: callers pass in a queryset the policy has already scoped
(``conference_policy.visible(ctx, ...)``, ``plan_policy.visible(ctx, ...)`` for lists; ``.probe(ctx, ...)``
for the rows of one conference or plan, ADR 11). Each list is one query
whatever its length: the due date comes from the statutory clock's ``Deadline`` rows as a subquery,
and the rows' child and chair are joined in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from safeguarding.clock import selectors as clock_selectors
from safeguarding.clock.models import Deadline

from ..models import ChildProtectionPlan, Conference, Invitation, Kind, Minutes
from ..rules import DEADLINE_RULE_FOR_KIND, REVIEW_RULES

S = Conference.Status
LIVE = (S.REQUESTED, S.SCHEDULED, S.HELD)
BOOKABLE = (S.REQUESTED, S.SCHEDULED)
DUE_KINDS = tuple(DEADLINE_RULE_FOR_KIND)  # initial, pre-birth, transfer-in: their own deadline
# How far ahead "Plans needing review" looks: a planning horizon for the chair's diary (local practice,
# not a statutory timescale; the review's due date itself comes from the clock).
REVIEW_HORIZON_WEEKS = 8  # how far ahead the dashboard looks for plans due a review (a view, not a statutory rule)
LIST_RELATED = ("child", "chair")
STATUS_ORDER = (S.REQUESTED, S.SCHEDULED, S.HELD, S.DECIDED, S.CANCELLED)


# --- the due date, from the clock ------------------------------------------------------------------
def _own_due() -> Subquery:
    """An initial, pre-birth or transfer-in conference's own deadline (not cancelled)."""
    ct = ContentType.objects.get_for_model(Conference)
    return Subquery(Deadline.objects.filter(
        subject_type=ct, subject_id=OuterRef("pk"), rule_key__in=set(DEADLINE_RULE_FOR_KIND.values()),
    ).exclude(status=Deadline.Status.CANCELLED).order_by("due_date", "id").values("due_date")[:1])


def _plan_review_due(plan_ref: str) -> Subquery:
    """A plan's open review deadline (``rcpc_first`` or ``rcpc_next``)."""
    ct = ContentType.objects.get_for_model(ChildProtectionPlan)
    return Subquery(Deadline.objects.filter(
        subject_type=ct, subject_id=OuterRef(plan_ref), rule_key__in=REVIEW_RULES,
        status__in=Deadline.OPEN_STATUSES,
    ).order_by("due_date", "id").values("due_date")[:1])


def with_due(qs: QuerySet) -> QuerySet:
    """Conferences with ``due_on``: the date each must be held by (its own deadline, or for a live review
    conference its plan's open review deadline), and their child and chair."""
    review_due = Case(When(kind=Kind.REVIEW, status__in=LIVE, then=_plan_review_due("plan_id")), default=None)
    return qs.annotate(due_on=Coalesce(_own_due(), review_due)).select_related(*LIST_RELATED)


def _status_order() -> Case:
    return Case(*(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)), output_field=IntegerField())


def _live(qs: QuerySet) -> QuerySet:
    return qs.filter(status__in=LIVE)


# --- the chair's dashboard -------------------------------------------------------------------------
@dataclass(frozen=True)
class Week:
    monday: date
    sunday: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.monday, datetime.min.time()))
        return start, timezone.make_aware(datetime.combine(self.sunday + timedelta(days=1), datetime.min.time()))


def iso_week(today: date) -> Week:
    monday = today - timedelta(days=today.weekday())
    return Week(monday=monday, sunday=monday + timedelta(days=6))


def chair_week(qs: QuerySet, *, chair, week: Week) -> QuerySet:
    """Conferences booked this ISO week (Monday to Sunday), in time order: the chair's, or with
    ``chair=None`` all of ``qs`` (the service's diary)."""
    start, end = week.bounds
    qs = qs.filter(status=S.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
    if chair is not None:
        qs = qs.filter(chair=chair)
    return with_due(qs).order_by("starts_at", "pk")


def awaiting_allocation(qs: QuerySet) -> QuerySet:
    """Requests with no chair or date yet, the soonest due first."""
    return with_due(qs.filter(status=S.REQUESTED)).order_by(F("due_on").asc(nulls_last=True), "requested_at", "pk")


def at_risk(qs: QuerySet, *, until: date) -> QuerySet:
    """Live initial, pre-birth and transfer-in conferences due by ``until`` (or already past their due
    date) that are not booked by then: still awaiting allocation, or booked after the due date."""
    tz = timezone.get_current_timezone()
    return (with_due(qs.filter(kind__in=DUE_KINDS, status__in=BOOKABLE))
            .annotate(starts_on=TruncDate("starts_at", tzinfo=tz))
            .filter(due_on__isnull=False, due_on__lte=until)
            .filter(Q(status=S.REQUESTED) | Q(starts_on__gt=F("due_on")))
            .order_by("due_on", "pk"))


def minutes_awaiting_sign_off(qs: QuerySet, *, chair) -> QuerySet:
    """The chair's conferences with a draft of the minutes."""
    draft = Minutes.objects.live().filter(conference=OuterRef("pk"), status=Minutes.Status.DRAFT)
    draft_version = Subquery(draft.order_by("-version").values("version")[:1])
    return (qs.filter(chair=chair).filter(Exists(draft)).annotate(draft_version=draft_version)
            .select_related(*LIST_RELATED).order_by("held_on", "pk"))


def plans_needing_review(plans: QuerySet, *, until: date) -> QuerySet:
    """Active plans whose open review deadline is due by ``until`` (or past it) and which have no live
    review conference requested or booked."""
    live_review = Conference.objects.live().filter(plan=OuterRef("pk"), kind=Kind.REVIEW, status__in=LIVE)
    return (plans.filter(status=ChildProtectionPlan.Status.ACTIVE)
            .annotate(review_due=_plan_review_due("pk"))
            .filter(review_due__isnull=False, review_due__lte=until)
            .exclude(Exists(live_review))
            .select_related("child", "lead_social_worker")
            .order_by("review_due", "pk"))


def review_horizon(today: date) -> date:
    return today + timedelta(weeks=REVIEW_HORIZON_WEEKS)


def at_risk_until(today: date) -> tuple[date, int]:
    """The last day that counts as "due soon" and its number of working days (the clock's window, the
    same as the reminders people receive)."""
    w = clock_selectors.window(today=today)
    return w.due_soon_until, w.working_days


def live_for(qs: QuerySet) -> QuerySet:
    """Live conferences (requested, booked or held and awaiting the decision), the soonest due first."""
    return with_due(_live(qs)).order_by(F("due_on").asc(nulls_last=True), "starts_at", "pk")


def requested_by(qs: QuerySet, *, person) -> QuerySet:
    return live_for(qs.filter(requested_by=person))


# --- the service list ------------------------------------------------------------------------------
def service_list(qs: QuerySet, *, status: str = "", kind: str = "") -> QuerySet:
    """The conference service's list: filtered, live ones first, then by due date and time."""
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return (with_due(qs).annotate(status_order=_status_order())
            .order_by("status_order", F("due_on").asc(nulls_last=True), F("starts_at").asc(nulls_last=True),
                      "-requested_at", "pk"))


# --- one conference --------------------------------------------------------------------------------
def conference_for_page(qs: QuerySet) -> QuerySet:
    """Shape the queryset a conference page fetches its one conference from."""
    return qs.select_related("child", "child__local_authority", "chair", "minute_taker", "requested_by", "plan")


def invitations_of(conference: Conference) -> QuerySet:
    return (conference.invitations.live().select_related("agency", "user")
            .order_by("kind", "name", "pk"))


def invitations_for_person(conference: Conference, *, user_id: int, agency_ids) -> QuerySet:
    """The invitations of ``conference`` made to this person or to their partner agencies."""
    q = Q(user_id=user_id)
    if agency_ids:
        q |= Q(agency_id__in=list(agency_ids))
    return invitations_of(conference).filter(q)


def withdrawable(conference: Conference, invitation_id) -> Invitation | None:
    return invitations_of(conference).filter(public_id=invitation_id).first()



# --- by topic (the reads that were in services), also reachable as selectors.<name> -------------------
from .invitations import ProposedInvitee, Quorum, invitees_proposed, quorum  # noqa: E402, F401
from .reports import ReportStatus, reports_status  # noqa: E402, F401
from .scheduling import ChairSuggestion, chair_suggestions, due_dates, due_deadline, eligible_chairs  # noqa: E402, F401
