"""Reads about one review's content: its record, its decisions, who may own a decision, and its published
documents. Callers pass a review the policy has already fetched."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.access.policies import flag
from safeguarding.accounts.models import Agency, Role, User
from safeguarding.clock import services as clock

from ..models import Review, ReviewDecision, ReviewDocument, ReviewRecord


def record_of(review: Review) -> ReviewRecord | None:
    """The review's record, with who signed and ratified it (one query)."""
    return ReviewRecord.objects.filter(review=review).select_related("signed_by", "ratified_by").first()


def decisions_of(review: Review) -> list[ReviewDecision]:
    """The review's decisions in their order, with who owns them and whether each is ``overdue`` (one query)."""
    return list(ReviewDecision.objects.live().filter(review=review).select_related("owner", "owner_agency")
                .annotate(overdue=flag(overdue_decision_q())).order_by("number", "id"))


def overdue_decision_q(prefix: str = "") -> Q:
    """An open decision past the date the IRO set (flagged "Overdue" wherever it is listed)."""
    return Q(**{f"{prefix}status": ReviewDecision.Status.OPEN, f"{prefix}due_date__lt": timezone.localdate()})


def decision_of(review: Review, public_id) -> ReviewDecision | None:
    """One decision of this review by its public id (None when it is another review's, or none)."""
    return (ReviewDecision.objects.live().filter(review=review, public_id=public_id)
            .select_related("owner", "owner_agency").first())


def decision_owner_people(review: Review) -> list[User]:
    """The people a decision may name as its owner: the child's social worker, the managers of the child's
    team and the review's IRO (active accounts; one query). Anyone else is named in words."""
    child = review.episode.child
    q = Q(pk__in=[pk for pk in (child.allocated_social_worker_id, review.iro_id) if pk])
    if child.allocated_team_id:
        q |= Q(memberships__team_id=child.allocated_team_id, memberships__is_active=True,
               memberships__roles__contains=[Role.TEAM_MANAGER])
    return list(User.objects.filter(q, is_active=True, is_api_client=False).distinct().order_by("full_name", "pk"))


def decision_owner_agencies(review: Review) -> QuerySet:
    """The agencies a decision may name as its owner: the child's local authority and the agencies involved
    with the child now."""
    child = review.episode.child
    involved = Q(involvements__child_id=child.pk, involvements__end_date__isnull=True,
                 involvements__entered_in_error_at__isnull=True)
    return (Agency.objects.filter(involved | Q(pk=child.local_authority_id), is_active=True)
            .distinct().order_by("name"))


def open_deadline(subject, *rule_keys: str):
    """The open deadline of a review (under ``rule_keys``: the decisions, the record, the ratification) or of
    one of its papers, if any."""
    return clock.open_deadlines_for(subject, *rule_keys).first()


def latest_documents(review: Review) -> dict[str, ReviewDocument]:
    """The latest version of each kind of document of the review, by kind (one query; without the bytes)."""
    out: dict[str, ReviewDocument] = {}
    for doc in (ReviewDocument.objects.live().filter(review=review).defer("content")
                .order_by("kind", "-version")):
        out.setdefault(doc.kind, doc)
    return out


def document_of(review: Review, public_id) -> ReviewDocument | None:
    return ReviewDocument.objects.live().filter(review=review, public_id=public_id).first()
