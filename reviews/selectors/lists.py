"""Reads for the IRO caseload page: an IRO's looked-after children with what is due, and the periods of
care waiting for an IRO. Each list is one query whatever its length: the due dates come from the clock's
``Deadline`` rows as subqueries, the current placement and the review booked likewise. Callers pass a
queryset the policy has already scoped."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, QuerySet, Subquery

from safeguarding.clock.models import Deadline

from ..models import (
    LIVE,
    OPEN,
    Dispute,
    IroAllocation,
    LookedAfterEpisode,
    MonitoringContact,
    Placement,
    Review,
    ReviewDecision,
)
from ..oversight import MIDPOINT_RULES
from ..rules import REVIEW_RULES

ROWS = 200  # a caseload is tens of children; more than this and the page says it shows the first ROWS


def _open_deadline_due(*rule_keys: str) -> Subquery:
    ct = ContentType.objects.get_for_model(LookedAfterEpisode)
    return Subquery(Deadline.objects.filter(
        subject_type=ct, subject_id=OuterRef("pk"), rule_key__in=rule_keys, status__in=Deadline.OPEN_STATUSES,
    ).order_by("due_date", "id").values("due_date")[:1])


def my_caseload(qs: QuerySet, *, iro) -> QuerySet:
    """The open periods of care in ``qs`` currently allocated to ``iro``, each with ``review_due`` (the next
    review's due date), ``review_booked`` (the day of the review booked, if any), ``early`` (an early review
    asked for), ``open_review_id`` (its public id), ``last_review`` (the last held) and ``last_review_id``,
    ``open_decisions`` (the reviews' decisions not yet done) and ``placement_type``; between reviews (ADR 14),
    ``last_contact`` (the IRO's last contact with the child), ``qa_due`` (the IRO's mid-point check of the care
    plan, its quality assurance, due by) and ``open_disputes``; the soonest due first."""
    open_reviews = Review.objects.filter(LIVE, episode=OuterRef("pk"), status__in=(Review.Status.REQUESTED,
                                                                                   Review.Status.SCHEDULED))
    held = Review.objects.filter(LIVE, episode=OuterRef("pk"), status=Review.Status.HELD).order_by("-held_on")
    mine = IroAllocation.objects.filter(OPEN, iro=iro).values("episode_id")
    return (qs.filter(OPEN, pk__in=mine)
            .annotate(review_due=_open_deadline_due(*REVIEW_RULES),
                      review_booked=Subquery(open_reviews.order_by("id").values("planned_for")[:1]),
                      early=Subquery(open_reviews.order_by("id").values("early_trigger")[:1]),
                      open_review_id=Subquery(open_reviews.order_by("id").values("public_id")[:1]),
                      last_review=Subquery(held.values("held_on")[:1]),
                      last_review_id=Subquery(held.values("public_id")[:1]),
                      open_decisions=Subquery(
                          ReviewDecision.objects.filter(LIVE, review__episode=OuterRef("pk"),
                                                        status=ReviewDecision.Status.OPEN)
                          .order_by().values("review__episode").annotate(n=Count("pk")).values("n")[:1]),
                      placement_type=Subquery(Placement.objects.filter(OPEN, episode=OuterRef("pk"))
                                              .values("placement_type")[:1]),
                      last_contact=Subquery(
                          MonitoringContact.objects.filter(LIVE, episode=OuterRef("pk"),
                                                           kind__in=MonitoringContact.WITH_CHILD)
                          .order_by("-contacted_on").values("contacted_on")[:1]),
                      qa_due=_open_deadline_due(*MIDPOINT_RULES),
                      open_disputes=Subquery(
                          Dispute.objects.filter(LIVE, episode=OuterRef("pk"), closed_on__isnull=True)
                          .order_by().values("episode").annotate(n=Count("pk")).values("n")[:1]))
            .select_related("child")
            .order_by(F("review_due").asc(nulls_last=True), "start_date", "pk"))


def awaiting_iro(qs: QuerySet) -> QuerySet:
    """The open periods of care in ``qs`` with no IRO allocated now, each with ``iro_due`` (the
    ``iro_appointment`` due date while it is open), the longest waiting first."""
    allocated = IroAllocation.objects.filter(OPEN).values("episode_id")
    return (qs.filter(OPEN).exclude(pk__in=allocated)
            .annotate(iro_due=_open_deadline_due("iro_appointment"))
            .select_related("child")
            .order_by("start_date", "pk"))
