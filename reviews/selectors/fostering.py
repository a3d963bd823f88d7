"""Reads for foster carers' reviews: who may supervise or review a household, the households with their next
review due, one household with its reviews, one review with the children's views. A fixed number of queries
each, however many rows. Callers pass records or querysets the policy has already scoped."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from safeguarding.accounts.models import Agency, AgencyKind, Role, User
from safeguarding.clock.models import Deadline

from ..models import OPEN, LookedAfterEpisode
from ..models.fostering import LIVE, FosterCarerReview, FosterChildView, FosteringHousehold

RULE = "foster_carer_review"
ROWS = 200  # households on the list page; more and it says it shows the first ROWS


def _members(local_authority_id: int, *roles: str) -> QuerySet:
    return (User.objects.filter(memberships__agency_id=local_authority_id, memberships__is_active=True,
                                memberships__roles__overlap=list(roles), is_active=True, is_api_client=False)
            .distinct().order_by("full_name", "pk"))


def supervising_social_workers(local_authority_id: int) -> QuerySet:
    """The people who may supervise foster carers of the authority's fostering service (its social workers
    and team managers), by name."""
    return _members(local_authority_id, Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def reviewing_officers(local_authority_id: int) -> QuerySet:
    """The authority's IROs, who may review a household, by name."""
    return _members(local_authority_id, Role.IRO)


def local_authority(pk: int) -> Agency:
    return Agency.objects.get(pk=pk, kind=AgencyKind.LOCAL_AUTHORITY)


def child_looked_after_by(local_authority_id: int, local_child_id: str):
    """The child of the authority with this local reference who is looked after now (a child the authority
    places with foster carers is looked after by it), or None."""
    episode = (LookedAfterEpisode.objects.filter(OPEN, child__local_authority_id=local_authority_id,
                                                 child__local_child_id=local_child_id)
               .select_related("child").first())
    return episode.child if episode else None


def _due_date() -> Subquery:
    ct = ContentType.objects.get_for_model(FosteringHousehold)
    return Subquery(Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk"), rule_key=RULE,
                                            status__in=Deadline.OPEN_STATUSES)
                    .order_by("due_date", "id").values("due_date")[:1])


def households_list(qs: QuerySet) -> QuerySet:
    """The approved households in ``qs``, each with ``review_due`` (the date the next review is due by),
    ``review_booked`` and ``booked_id`` (the review booked, if any) and ``last_review`` (the last completed),
    the soonest due first; with the supervising social worker and the reviewing officer. One query."""
    reviews = FosterCarerReview.objects.filter(LIVE, household=OuterRef("pk"))
    booked = reviews.filter(status=FosterCarerReview.Status.SCHEDULED).order_by("id")
    done = reviews.filter(status=FosterCarerReview.Status.COMPLETED).order_by("-held_on", "-id")
    return (qs.filter(ended_on__isnull=True)
            .annotate(review_due=_due_date(), review_booked=Subquery(booked.values("planned_for")[:1]),
                      booked_id=Subquery(booked.values("public_id")[:1]),
                      last_review=Subquery(done.values("held_on")[:1]))
            .select_related("supervising_social_worker", "reviewing_officer")
            .order_by(F("review_due").asc(nulls_last=True), "reference", "pk"))


def household_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("fostering_service", "supervising_social_worker", "reviewing_officer")


@dataclass
class HouseholdPageData:
    deadline: Deadline | None  # the open foster_carer_review deadline
    booked: FosterCarerReview | None
    history: list  # the reviews completed or cancelled, the latest first, each with ``children`` (a count)


def household_page(household: FosteringHousehold) -> HouseholdPageData:
    """The household's next review due, the review booked and the history of its reviews (two queries)."""
    deadline = review_deadline(household)
    reviews = list(FosterCarerReview.objects.live().filter(household=household)
                   .annotate(children=Count("child_views", filter=Q(child_views__entered_in_error_at__isnull=True)))
                   .select_related("reviewing_officer").order_by("-planned_for", "-id"))
    booked = next((r for r in reviews if r.status == FosterCarerReview.Status.SCHEDULED), None)
    return HouseholdPageData(deadline=deadline, booked=booked, history=[r for r in reviews if r is not booked])


def review_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("household__fostering_service", "household__supervising_social_worker",
                             "reviewing_officer")


def child_views_of(review: FosterCarerReview) -> list[FosterChildView]:
    """The children's views of the review, in the order recorded, with each child's record (one query)."""
    return list(FosterChildView.objects.live().filter(review=review).select_related("child"))


def review_deadline(household: FosteringHousehold) -> Deadline | None:
    ct = ContentType.objects.get_for_model(FosteringHousehold)
    return (Deadline.objects.filter(subject_type=ct, subject_id=household.pk, rule_key=RULE,
                                    status__in=Deadline.OPEN_STATUSES).order_by("due_date", "id").first())
