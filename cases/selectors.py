"""Reads that cross relations, shaped for their page or endpoint. All take the policy's queryset (or
a record the policy has already fetched)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404

from safeguarding.access.context import AccessContext
from safeguarding.access.models import BreakGlass
from safeguarding.access.policies import union_all
from safeguarding.accounts.models import Agency, AgencyKind, Role, Team, User
from safeguarding.audit.models import CaseEvent
from safeguarding.audit.selectors import views_of
from safeguarding.records.statements import Statements

from . import events
from .models import (
    Child,
    ChildAccessGrant,
    ChildAccessRequest,
    ChildAddress,
    ChildAlias,
    ChildInNeedEpisode,
    ChronologyEntry,
    DuplicateLink,
    Involvement,
    Relationship,
)
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


# --- the child's page: everything it shows in one statement ---------------------------------------------


def _row_json(model, prefix: str = "", related: tuple[str, ...] = (), fields: tuple[str, ...] | None = None):
    """A row of ``model`` (reached through ``prefix``, a relation path ending in ``__``) as a JSON object
    keyed by column attribute name; ``related`` foreign keys nested as objects of their own (the way
    ``select_related`` loads them)."""
    names = fields or tuple(f.attname for f in model._meta.concrete_fields)
    parts = {name: F(prefix + name) for name in names}
    for name in related:
        parts[name] = _row_json(model._meta.get_field(name).related_model, f"{prefix}{name}__")
    return JSONObject(**parts)


def _rows_array(qs: QuerySet, related: tuple[str, ...] = (), fields: tuple[str, ...] | None = None,
                limit: int | None = None) -> ArraySubquery:
    """``qs`` (in its order, at most ``limit`` rows) as an array of JSON rows, to load in another query."""
    rows = qs.values(row=_row_json(qs.model, related=related, fields=fields))
    return ArraySubquery(rows[:limit] if limit else rows)


def _instance(model, data: dict):
    fields = [f for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], [f.to_python(data[f.attname]) for f in fields])


def _hydrate(model, rows, related: tuple[str, ...] = ()) -> list:
    """Model instances from ``_rows_array``'s JSON rows, their ``related`` objects loaded with them (a
    missing optional relation is None): what the same queryset with ``select_related`` would give."""
    out = []
    for data in rows or ():
        obj = _instance(model, data)
        for name in related:
            field = model._meta.get_field(name)
            target = field.related_model
            nested = data.get(name) or {}
            field.set_cached_value(obj, _instance(target, nested)
                                   if nested.get(target._meta.pk.attname) is not None else None)
        out.append(obj)
    return out


@dataclass(frozen=True)
class _PageList:
    qs: QuerySet
    related: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None
    limit: int | None = None


# Lists other apps add to the child's page, loaded in its one statement: name -> fn(child) -> (a queryset of
# the child's rows, the columns to load). The page's context has each by its name (reviews adds
# "looked_after_periods", so that its panel asks nothing more about a child never looked after). A provider
# reads nothing of the child but its key: the statement is compiled once for every child (ADR 31).
PageListProvider = Callable[[Child], tuple[QuerySet, tuple[str, ...]]]
_extra_page_lists: dict[str, PageListProvider] = {}


def register_page_list(name: str, provider: PageListProvider) -> PageListProvider:
    _extra_page_lists[name] = provider
    return provider


def _page_lists(child: Child, include_history: bool) -> dict[str, _PageList]:
    links = DuplicateLink.objects.live()
    linked = union_all([links.filter(child_id=child.pk).values("other_id"),
                        links.filter(other_id=child.pk).values("child_id")])
    lists = {
        "relationships": _PageList(Relationship.objects.filter(child_id=child.pk).order_by(
            "end_date", "-parental_responsibility"), ("adult",)),
        "involvements": _PageList(Involvement.objects.filter(child_id=child.pk).order_by("end_date", "agency__name"),
                                  ("agency", "professional")),
        "chronology": _PageList(ChronologyEntry.objects.filter(child_id=child.pk), ("source_agency", "recorded_by")),
        # Addresses and names entered in error are not the child's: leave them out (history keeps them).
        "addresses": _PageList(ChildAddress.objects.live().filter(child_id=child.pk).order_by("-start_date")),
        "aliases": _PageList(ChildAlias.objects.live().filter(child_id=child.pk)),
        "cin_episodes": _PageList(ChildInNeedEpisode.objects.live().filter(child_id=child.pk)),
        # the child's links first (both columns indexed), then the other records: no scan of all children
        "duplicates": _PageList(Child.objects.filter(pk__in=linked),
                                fields=("id", "public_id", "legal_first_names", "legal_surname", "local_child_id")),
    }
    for name, provider in _extra_page_lists.items():
        qs, fields = provider(child)
        lists[name] = _PageList(qs, fields=fields)
    if include_history:
        lists["history"] = _PageList(child.history.order_by("-history_date"), ("history_user",), limit=100)
        # sightings are who found the record without opening it: the access log shows them, not the history
        lists["events"] = _PageList(
            CaseEvent.objects.filter(subject_type=ContentType.objects.get_for_model(Child), subject_id=child.pk)
            .exclude(code=events.CHILD_SIGHTED), ("actor",), limit=100)
    return lists


_PAGE_STATEMENT = Statements("the child's page", size=8)


def _page_statement(include_history: bool) -> Callable[[int], QuerySet]:
    def build(pk: int) -> QuerySet:
        from .status import status_annotations

        lists = _page_lists(Child(pk=pk), include_history)
        return (Child.objects.filter(pk=pk).order_by()
                .values(**{f"page_{name}": _rows_array(pl.qs, pl.related, pl.fields, pl.limit)
                           for name, pl in lists.items()}, **status_annotations())[:1])
    return build


def child_page(*, child: Child, include_history: bool, include_access_log: bool) -> dict:
    """Everything the child's page shows, in one statement (two with the access log): each list is an
    array of JSON rows in one select by the child's key, loaded into the same model instances (and
    related objects) the lists' querysets would give. The page has already fetched and authorised the
    child; nothing here decides who may see what."""
    from .status import tags_of

    lists = _page_lists(child, include_history)
    # Built and compiled once per process and shape (ADR 31): only the child's key changes between calls.
    row = _PAGE_STATEMENT.first(("child page", include_history, tuple(_extra_page_lists)),
                                _page_statement(include_history), child.pk) or {}
    # the child's status next to the name (cases.status, ADR 26), read in the same statement
    data = {"child": child, "status_tags": tags_of({k[len("status_"):]: v for k, v in row.items()
                                                    if k.startswith("status_")}, child_status=child.status)}
    for name, pl in lists.items():
        data[name] = _hydrate(pl.qs.model, row.get(f"page_{name}"), pl.related)
    if include_access_log:
        data["access_log"] = list(views_of(child, limit=500))
    return data


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


# --- the statutory returns (returns, ADR 27) --------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnChild:
    """What a statutory return says about a child: identifiers and characteristics, no name."""

    id: int
    public_id: str
    local_child_id: str
    upn: str
    date_of_birth: object
    expected_date_of_birth: object
    gender: str
    ethnicity: str
    disabilities: tuple[str, ...]
    team: str
    social_worker: str


def children_for_return(*, local_authority_id: int, ids) -> dict[int, ReturnChild]:
    """The children ``ids`` of the local authority, by id (one query). The caller (``returns``) decides who
    may read them (``returns.policies``)."""
    rows = (Child.objects.filter(pk__in=list(ids), local_authority_id=local_authority_id)
            .select_related("allocated_team", "allocated_social_worker"))
    return {
        c.pk: ReturnChild(
            id=c.pk, public_id=str(c.public_id), local_child_id=c.local_child_id, upn=c.upn,
            date_of_birth=c.date_of_birth, expected_date_of_birth=c.expected_date_of_birth, gender=c.gender,
            ethnicity=c.ethnicity, disabilities=tuple(c.disabilities),
            team=c.allocated_team.name if c.allocated_team_id else "",
            social_worker=c.allocated_social_worker.display_name if c.allocated_social_worker_id else "")
        for c in rows
    }


def local_authorities_by_ids(ids=None) -> list[Agency]:
    """The active local authorities among ``ids`` (all of them with ``None``), by name (the returns' choice of
    authority)."""
    qs = Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).order_by("name")
    return list(qs if ids is None else qs.filter(pk__in=list(ids)))


@dataclass(frozen=True)
class ReturnCinEpisode:
    """An episode of need as the CIN census gives it (its ``CINdetails``)."""

    child_id: int
    public_id: str
    referral_date: object
    referral_source: str
    primary_need: str
    closure_date: object
    closure_reason: str


def cin_episodes_for_return(*, local_authority_id: int, start, end) -> list[ReturnCinEpisode]:
    """The local authority's episodes of need open at some time from ``start`` to ``end`` (one query), by child
    and referral date. The caller (``returns``) decides who may read them."""
    rows = (ChildInNeedEpisode.objects.live()
            .filter(child__local_authority_id=local_authority_id, referral_date__lte=end)
            .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=start))
            .order_by("child_id", "referral_date", "pk"))
    return [ReturnCinEpisode(child_id=e.child_id, public_id=str(e.public_id), referral_date=e.referral_date,
                             referral_source=e.referral_source, primary_need=e.primary_need,
                             closure_date=e.closure_date, closure_reason=e.closure_reason) for e in rows]
