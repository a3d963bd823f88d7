"""Reads that cross relations, shaped for their page or endpoint. All take the policy's queryset (or
a record the policy has already fetched)."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from safeguarding.access.context import AccessContext
from safeguarding.access.models import BreakGlass
from safeguarding.accounts.models import Agency, AgencyKind, Role, Team, User
from safeguarding.audit.models import CaseEvent
from safeguarding.audit.selectors import views_of

from . import events
from .models import (
    Child,
    ChildAccessGrant,
    ChildAccessRequest,
    ChildAddress,
    ChildAlias,
    ChronologyEntry,
    DuplicateLink,
    Involvement,
    Relationship,
)
from .policies import child_policy
from .search import (  # noqa: F401  (search lives in cases/search.py; re-exported here)
    NAME_SIMILARITY,
    SearchCriteria,
    SearchResult,
    child_duplicate_matches,
    child_search,
    child_search_queryset,
    holder_of,
)

NO_SUCH_RECORD = "No such record"


def duplicate_linked_ids(*, child: Child) -> set[int]:
    """The pks of the children linked with ``child`` as possible duplicates (live links, both ways)."""
    pairs = DuplicateLink.objects.live().filter(Q(child=child) | Q(other=child)).values_list("child_id", "other_id")
    return {pk for pair in pairs for pk in pair if pk != child.pk}


def duplicate_link_exists(*, child: Child, other: Child) -> bool:
    a, b = sorted([child.pk, other.pk])
    return DuplicateLink.objects.live().filter(child_id=a, other_id=b).exists()


def child_page(*, child: Child, include_history: bool, include_access_log: bool) -> dict:
    """Everything the child's page shows, in a fixed number of queries."""
    relationships = Relationship.objects.filter(child=child).select_related("adult").order_by(
        "end_date", "-parental_responsibility"
    )
    involvements = Involvement.objects.filter(child=child).select_related("agency", "professional").order_by(
        "end_date", "agency__name")
    chronology = ChronologyEntry.objects.filter(child=child).select_related("source_agency", "recorded_by")
    # Addresses and names entered in error are not the child's: leave them out (history keeps them).
    addresses = ChildAddress.objects.live().filter(child=child).order_by("-start_date")
    aliases = ChildAlias.objects.live().filter(child=child)
    data = {
        "child": child,
        "relationships": list(relationships),
        "involvements": list(involvements),
        "chronology": list(chronology),
        "addresses": list(addresses),
        "aliases": list(aliases),
        # the child's links first (both columns indexed), then the other records: no scan of all children
        "duplicates": list(
            Child.objects.filter(pk__in=duplicate_linked_ids(child=child))
            .only("public_id", "legal_first_names", "legal_surname", "local_child_id")
        ),
    }
    if include_history:
        data["history"] = list(child.history.select_related("history_user").order_by("-history_date")[:100])
        # sightings are who found the record without opening it: the access log shows them, not the history
        data["events"] = list(
            CaseEvent.objects.filter(subject_type=ContentType.objects.get_for_model(Child), subject_id=child.pk)
            .exclude(code=events.CHILD_SIGHTED).select_related("actor")[:100]
        )
    if include_access_log:
        data["access_log"] = list(views_of(child, limit=500))
    return data


def home_summary(*, ctx: AccessContext) -> dict:
    if not ctx.is_authenticated:
        return {}
    mine = (
        child_policy.visible(ctx, "view")
        .filter(allocated_social_worker_id=ctx.user_id, status=Child.Status.OPEN)
        .select_related("allocated_team")
        .order_by("legal_surname")[:50]
    )
    return {"my_children": list(mine)}



# --- one of a child's records, and the pages about them -------------------------------------------------


def child_record(*, child: Child, model: type, public_id, related: tuple[str, ...] = ()):
    """One of ``child``'s records (a chronology entry, involvement, relationship, address or alias) by
    public id: another child's record, a malformed id or none at all is the same 404."""
    try:
        public_id = uuid.UUID(str(public_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404(NO_SUCH_RECORD) from None
    try:
        return model.objects.select_related(*related).get(child=child, public_id=public_id)
    except model.DoesNotExist:
        raise Http404(NO_SUCH_RECORD) from None


def child_grant_of(*, child: Child, user_public_id) -> ChildAccessGrant:
    """The view grant (django-guardian, ``ChildAccessGrant``) of one person on ``child``, or 404."""
    try:
        user_public_id = uuid.UUID(str(user_public_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404(NO_SUCH_RECORD) from None
    grant = (ChildAccessGrant.objects.select_related("user", "granted_by")
             .filter(content_object=child, user__public_id=user_public_id, permission__codename="view_child")
             .first())
    if grant is None:
        raise Http404(NO_SUCH_RECORD)
    return grant


def child_access_log(*, child: Child) -> dict:
    """The access log page: who read the record, who broke the glass, grants, open access requests and
    who found the record without opening it (sightings). A fixed number of queries."""
    ct = ContentType.objects.get_for_model(Child)
    return {
        "views": list(views_of(child)),
        "break_glass": list(BreakGlass.objects.filter(record_type=ct, record_id=child.pk).select_related("user")),
        "grants": list(child.access_grants.select_related("user", "granted_by").order_by("-granted_at")),
        "access_requests": list(ChildAccessRequest.objects.open().filter(child=child).select_related("requested_by")),
        "sightings": list(CaseEvent.objects.filter(subject_type=ct, subject_id=child.pk, code=events.CHILD_SIGHTED)
                          .select_related("actor")[:500]),
    }


def open_access_request(*, child: Child, user) -> ChildAccessRequest | None:
    """``user``'s unanswered request for access to ``child``, if any."""
    return ChildAccessRequest.objects.open().filter(child=child, requested_by=user).first()


def chronology_agencies(*, ctx: AccessContext) -> QuerySet:
    """The agencies a person may record a chronology entry for: their own."""
    return Agency.objects.filter(pk__in=ctx.agency_ids)


def allocation_choices(*, child: Child) -> tuple[QuerySet, QuerySet]:
    """(teams, social workers) a child may be allocated to: active ones of the child's authority."""
    la = child.local_authority_id
    teams = Team.objects.filter(agency_id=la, is_active=True)
    workers = User.objects.filter(is_active=True, memberships__agency_id=la, memberships__is_active=True,
                                  memberships__roles__contains=[Role.SOCIAL_WORKER]).distinct()
    return teams, workers


def local_authority_by_public_id(public_id) -> Agency | None:
    """An active local authority by its public id (None for anything else), for the API's create."""
    try:
        public_id = uuid.UUID(str(public_id))
    except (ValueError, TypeError, AttributeError):
        return None
    return Agency.objects.filter(public_id=public_id, kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).first()


def children_for_api(qs: QuerySet) -> QuerySet:
    """The API's children (list and one): with their authority and their live aliases (aliases entered
    in error are not the child's names: left out, as search does)."""
    live = Prefetch("aliases", queryset=ChildAlias.objects.live())
    return qs.select_related("local_authority").prefetch_related(live).order_by("legal_surname", "id")


def child_placement(*, ctx: AccessContext, local_authority: Agency) -> dict:
    """Where a new child goes when ``ctx`` records it for ``local_authority`` (which
    ``child_policy.can_create_for`` allowed): an agency's API client records the child with an open
    involvement of its agency; children's social care staff get it allocated to their team in that
    authority, and to themselves when they are a social worker there."""
    if ctx.is_api_client:
        return {"involvement_agency": ctx.user.api_client.agency}
    membership = ctx.memberships_in(local_authority.pk)
    if membership is None:
        return {}
    team = Team.objects.filter(pk=membership.team_id).first() if membership.team_id else None
    worker = ctx.user if Role.SOCIAL_WORKER in membership.roles else None
    return {"allocated_team": team, "allocated_social_worker": worker}
