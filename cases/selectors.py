"""Reads that cross relations, shaped for their page or endpoint. All take the policy's queryset (or
a record the policy has already fetched)."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.http import Http404

from safeguarding.access.context import AccessContext
from safeguarding.access.models import BreakGlass
from safeguarding.accounts.models import Agency, AgencyKind, Role, Team, User
from safeguarding.audit.models import CaseEvent
from safeguarding.audit.selectors import views_of

from . import events
from .duplicates import Candidate, find_candidates
from .identifiers import normalise_nhs_number, normalise_upn
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
from .policies import FIND_BREAK_GLASS, FIND_MINIMAL, FIND_OPEN, FIND_RESTRICTED, child_policy

NO_SUCH_RECORD = "No such record"

NAME_SIMILARITY = 0.45


@dataclass
class SearchCriteria:
    name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    upn: str = ""

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.nhs_number.strip() or self.upn.strip())


def holder_of(child: Child) -> str:
    """Who holds a child's record, for someone who found it and cannot open it: the allocated team, or
    the authority when no team is allocated (the child comes with allocated_team and local_authority)."""
    return child.held_by


@dataclass
class SearchResult:
    """A child found: ``finding`` (``child_policy.findable``) says how much of it the page may show."""

    child: Child
    finding: str
    reasons: list[str] = field(default_factory=list)

    @property
    def can_view(self) -> bool:
        return self.finding == FIND_OPEN

    @property
    def may_break_glass(self) -> bool:
        return self.finding == FIND_BREAK_GLASS

    @property
    def minimal(self) -> bool:
        """No basis: name, date of birth, local id and holder only, with a way to ask for access."""
        return self.finding == FIND_MINIMAL

    @property
    def restricted_notice(self) -> bool:
        """No basis, restricted: only that a restricted record matches, with a way to ask for access."""
        return self.finding == FIND_RESTRICTED

    @property
    def may_request_access(self) -> bool:
        return self.finding in (FIND_MINIMAL, FIND_RESTRICTED)

    @property
    def holder(self) -> str:
        return holder_of(self.child)


def child_search_queryset(*, base: QuerySet, criteria: SearchCriteria) -> QuerySet:
    """Children in ``base`` matching every criterion given; annotated for match reasons."""
    qs = base
    if criteria.nhs_number.strip():
        qs = qs.filter(nhs_number=normalise_nhs_number(criteria.nhs_number))
    if criteria.upn.strip():
        qs = qs.filter(upn=normalise_upn(criteria.upn))
    if criteria.date_of_birth:
        qs = qs.filter(Q(date_of_birth=criteria.date_of_birth) | Q(expected_date_of_birth=criteria.date_of_birth))
    terms = [t for t in criteria.name.split() if t]
    for i, term in enumerate(terms[:4]):
        alias_match = ChildAlias.objects.live().filter(child=OuterRef("pk"), name__icontains=term)
        qs = qs.annotate(**{
            f"sim{i}": Greatest(
                TrigramWordSimilarity(term, "legal_surname"),
                TrigramWordSimilarity(term, "legal_first_names"),
                TrigramWordSimilarity(term, "preferred_name"),
            ),
            f"alias{i}": Exists(alias_match),
        }).filter(
            Q(legal_surname__icontains=term) | Q(legal_first_names__icontains=term)
            | Q(preferred_name__icontains=term) | Q(**{f"alias{i}": True}) | Q(**{f"sim{i}__gte": NAME_SIMILARITY})
        )
    return qs


def _reasons(child: Child, criteria: SearchCriteria) -> list[str]:
    reasons = []
    if criteria.nhs_number.strip():
        reasons.append("NHS number matches")
    if criteria.upn.strip():
        reasons.append("Unique pupil number matches")
    if criteria.date_of_birth:
        reasons.append("Date of birth matches" if child.date_of_birth else "Expected date of birth matches")
    for i, term in enumerate([t for t in criteria.name.split() if t][:4]):
        t = term.lower()
        if t in child.legal_surname.lower():
            reasons.append(f"Surname contains “{term}”")
        elif t in child.legal_first_names.lower():
            reasons.append(f"First names contain “{term}”")
        elif child.preferred_name and t in child.preferred_name.lower():
            reasons.append(f"Preferred name contains “{term}”")
        elif getattr(child, f"alias{i}", False):
            reasons.append(f"An alias or previous name contains “{term}”")
        else:
            reasons.append(f"Name sounds or looks like “{term}”")
    return reasons


def child_search(*, ctx: AccessContext, criteria: SearchCriteria, limit: int = 50) -> list[SearchResult]:
    """Search across the children ``ctx`` may find (``child_policy.findable``), in one query. Each
    result says how much of the child may be shown (``finding``): the whole row, a restricted record with
    a basis (redacted, with a way to break the glass), a minimal row (no basis) or only that a restricted
    record matches. The caller logs the sightings (``services.child_sightings_record``)."""
    if criteria.empty:
        return []
    base = child_policy.findable(ctx).select_related("allocated_social_worker", "allocated_team", "local_authority")
    qs = child_search_queryset(base=base, criteria=criteria)
    order = ["legal_surname", "legal_first_names", "id"]
    if criteria.name.strip():
        order = ["-sim0", *order]
    rows = list(qs.order_by(*order)[:limit])
    return [SearchResult(child=c, finding=c.finding, reasons=_reasons(c, criteria)) for c in rows]


def child_duplicate_matches(*, ctx: AccessContext, data: dict, exclude_pk=None) -> list[Candidate]:
    """Children similar to ``data`` among those ``ctx`` may find (``child_policy.findable``), each
    ``candidate.child.finding`` saying how much of it may be shown. The caller logs the sightings."""
    pool = child_policy.findable(ctx).select_related("allocated_team", "local_authority")
    return find_candidates(
        queryset=pool, first_names=data.get("legal_first_names", ""), surname=data.get("legal_surname", ""),
        date_of_birth=data.get("date_of_birth"), expected_date_of_birth=data.get("expected_date_of_birth"),
        exclude_pk=exclude_pk,
    )


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
