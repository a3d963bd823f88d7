"""Reads for the conference pages (dashboard, request, the conference page, booking, reports).

Like every selector, these never decide who may see what: the page fetched its conference, plan or
child through the policy, and passes in querysets the policy has already scoped where a list needs
one. What they add is the shape the page needs (joins, order, one query for several answers).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Exists, OuterRef, QuerySet

from safeguarding.accounts.models import Role, User

from ..models import AgencyReport, Conference, Invitation, Minutes

LIVE = (Conference.Status.REQUESTED, Conference.Status.SCHEDULED, Conference.Status.HELD)


# --- what the person may do --------------------------------------------------------------------------
def actions_allowed(conference: Conference, scoped: Mapping[str, QuerySet]) -> frozenset[str]:
    """Which actions are allowed on ``conference``, in one query. ``scoped`` maps each action to the
    policy's queryset for it (``conference_policy.probe(ctx, action)``: the conference's key probed in it)."""
    if not scoped:
        return frozenset()
    checks = {f"can_{a}": Exists(qs.filter(pk=OuterRef("pk"))) for a, qs in scoped.items()}
    row = Conference.objects.filter(pk=conference.pk).annotate(**checks).values(*checks).first() or {}
    return frozenset(a for a in scoped if row.get(f"can_{a}"))


# --- people offered on a form ------------------------------------------------------------------------
def _active_with_role(local_authority_id: int, role: str) -> QuerySet:
    return (User.objects.filter(is_active=True, memberships__agency_id=local_authority_id,
                                memberships__is_active=True, memberships__roles__contains=[role])
            .distinct().order_by("full_name"))


def minute_takers(local_authority_id: int) -> list[User]:
    """Administrators of the child's local authority, who may take the minutes."""
    return list(_active_with_role(local_authority_id, Role.ADMINISTRATOR))


def social_workers(local_authority_id: int) -> QuerySet:
    """Social workers of the child's local authority, who may lead a plan."""
    return _active_with_role(local_authority_id, Role.SOCIAL_WORKER)


# --- one child, one conference -----------------------------------------------------------------------
def live_conference_of(scoped: QuerySet, *, child_id: int) -> Conference | None:
    """The child's live conference (requested, booked or held and awaiting the decision), if the
    person may see it."""
    return scoped.filter(child_id=child_id, status__in=LIVE).first()


def _draft_minutes() -> Exists:
    return Exists(Minutes.objects.live().filter(conference=OuterRef("pk"), status=Minutes.Status.DRAFT))


def with_draft_minutes(qs: QuerySet) -> QuerySet:
    """Conferences with ``page_has_draft_minutes`` loaded (``has_draft_minutes`` then asks nothing)."""
    return qs.annotate(page_has_draft_minutes=_draft_minutes())


def has_draft_minutes(conference: Conference) -> bool:
    loaded = getattr(conference, "page_has_draft_minutes", None)
    if loaded is not None:
        return loaded
    return conference.minutes.live().filter(status=Minutes.Status.DRAFT).exists()


# --- reports ------------------------------------------------------------------------------------------
def report_for_page(conference: Conference) -> QuerySet:
    """The queryset a report page fetches its one report from (through report_policy)."""
    return (AgencyReport.objects.filter(conference=conference)
            .select_related("agency", "author", "shared_with_parents_by"))


def reports_of(scoped: QuerySet, conference: Conference) -> QuerySet:
    return scoped.filter(conference=conference)


def social_work_report(scoped: QuerySet, conference: Conference) -> AgencyReport | None:
    return (scoped.filter(conference=conference, is_social_work_report=True)
            .select_related("shared_with_parents_by").first())


def reports_by(scoped: QuerySet, conference: Conference, agencies) -> list[AgencyReport]:
    """The reports of these agencies the person may see (to update rather than add)."""
    return list(scoped.filter(conference=conference, agency__in=[a.pk for a in agencies])
                .select_related("agency", "author"))


# --- invitations --------------------------------------------------------------------------------------
def invitation_rows(scoped: QuerySet) -> QuerySet:
    """Invitations as the pages list them (``invitation_policy.visible_for(ctx, conference)``)."""
    return scoped.select_related("agency", "user").order_by("kind", "name", "pk")


def invitation_in(scoped: QuerySet, invitation_id) -> Invitation | None:
    """One invitation from ``scoped`` (``invitation_policy.visible_for(ctx, conference)``) by public id."""
    return scoped.filter(public_id=invitation_id).select_related("agency").first()
