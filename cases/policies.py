"""Who may see and change which child.

A person reaches a child through an explicit reason (the *basis*):
- they are named on the child's restricted record;
- the child is allocated to them (while they are a member of the child's local authority), or to a
  team in which they are a social worker or team manager;
- their agency has an open involvement with the child and they act for it as a partner practitioner
  or API client, or they are the named professional on an open involvement;
- they are a service manager of the child's local authority;
- a role that covers the service (registered by the apps that add services: conference chairs for
  children with conferences, IROs for looked-after children...);
- an explicit, unexpired grant (django-guardian, ``ChildAccessGrant``).

Restricted children are visible only to the people named on them. Anyone else with a basis may break
the glass with a reason.

Finding is not opening (``findable``): everyone who may record children for a local authority finds
every child of it in search and in the duplicate check, so that nobody records a second copy of a child
another team holds. Without a basis they see a minimal row (name, date of birth, local id, who holds
the record) or, for a restricted child, only that a restricted record matches; each such sighting is
logged, and they may ask the holder for access (``request_access``). Opening still needs a basis.
People who may not record children for the authority (partners, API clients) find only what they have a
basis for, and never learn that a restricted record without one exists.
"""

from collections.abc import Callable

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import NOTHING, Policy, any_ids, compiled, exists_any, union_all
from safeguarding.access.services import break_glass_record_ids
from safeguarding.accounts.models import Agency, AgencyKind, Role

from .models import (
    ALLOCATED_TO_A_TEAM,
    ALLOCATED_TO_A_WORKER,
    LIVE_END_DATED,
    LIVE_GRANT,
    LIVE_NAMED_PROFESSIONAL,
    LIVE_OPEN_ENDED,
    Adult,
    Child,
    ChildAccessGrant,
    ChronologyEntry,
    Involvement,
    Relationship,
)

# What a person finding a child may see of it (``ChildPolicy.findable`` annotates each row's ``finding``)
FIND_OPEN = "open"  # a basis, nothing in the way: the whole record
FIND_BREAK_GLASS = "break_glass"  # a basis, restricted and not named: may break the glass
FIND_MINIMAL = "minimal"  # no basis, the authority's child: name, date of birth, local id, holder
FIND_RESTRICTED = "restricted"  # no basis, restricted: only that a restricted record matches
SIGHTINGS = (FIND_MINIMAL, FIND_RESTRICTED)  # the findings that are logged as sightings

# The basis arms that are conditions on the child's own row (allocation, team, authority)
CHILD_ROW_ARMS = ("allocated worker", "allocated team", "service manager's authority")

# Reading a restricted record one is not named on (the view log says so): an answer ``get_for`` can
# work out on the row it fetches (``answers=(READS_THROUGH_BREAK_GLASS,)``)
READS_THROUGH_BREAK_GLASS = "reads_through_break_glass"

# Other apps add the roles that cover their service: fn(ctx) -> a queryset of child ids (one column,
# served by an index: an arm of the union), or a Q on Child, or None.
CoverageProvider = Callable[[AccessContext], "QuerySet | Q | None"]
_coverage: list[CoverageProvider] = []


def register_coverage(provider: CoverageProvider) -> CoverageProvider:
    if provider not in _coverage:
        _coverage.append(provider)
    return provider


def open_involvement_arms(**filters) -> list[QuerySet]:
    """The child ids of the live involvements matching ``filters`` that are open today: open-ended, or
    ending today or later. Two arms, each served by its partial index (``involvement_vis_open``,
    ``involvement_vis_end_dated``): "no end date or an end date still to come" as one condition would
    match neither."""
    today = timezone.localdate()
    live = Involvement.objects.filter(**filters)
    return [live.filter(LIVE_OPEN_ENDED).values("child_id"),
            live.filter(LIVE_END_DATED, end_date__gte=today).values("child_id")]


class ChildPolicy(Policy):
    model = Child
    actions = ("view", "find", "break_glass", "edit", "add_chronology", "view_access_log", "grant_access",
               "request_access")

    # --- the id sets (each an arm of a union, each served by an index; kept on ctx for the request) ---
    def basis_arms(self, ctx: AccessContext) -> dict[str, QuerySet]:
        """The reasons ``ctx`` may reach a child, each as a queryset of child ids that one index serves,
        by name. Only the arms that apply to ``ctx`` are there."""
        return ctx.remember("cases.child.basis_arms", lambda: self._basis_arms(ctx))

    def _basis_arms(self, ctx: AccessContext) -> dict[str, QuerySet]:
        if not ctx.is_authenticated:
            return {}
        uid = ctx.user_id
        arms: dict[str, QuerySet] = {}
        # Allocation counts only while the person is still a member of the child's local authority,
        # and a named professional only while they still belong to the involved agency.
        if ctx.local_authority_ids:
            arms["allocated worker"] = Child.objects.filter(
                ALLOCATED_TO_A_WORKER, allocated_social_worker_id=uid,
                local_authority_id__in=sorted(ctx.local_authority_ids)).values("pk")
        if ctx.agency_ids:
            today = timezone.localdate()
            arms["named professional"] = Involvement.objects.filter(
                LIVE_NAMED_PROFESSIONAL, Q(end_date__isnull=True) | Q(end_date__gte=today), professional_id=uid,
                agency_id__in=sorted(ctx.agency_ids)).values("child_id")
        # The people named on a restricted record are the ones entitled to see it.
        arms["named person"] = self._named_ids(ctx)
        teams = ctx.team_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
        if teams:
            arms["allocated team"] = Child.objects.filter(
                ALLOCATED_TO_A_TEAM, allocated_team_id__in=sorted(teams)).values("pk")
        partner_agencies = ctx.agency_ids_with_role(Role.PARTNER_PRACTITIONER, Role.API_CLIENT)
        if partner_agencies:
            open_ended, end_dated = open_involvement_arms(agency_id__in=sorted(partner_agencies))
            arms["agency's open involvement"] = open_ended
            arms["agency's involvement ending later"] = end_dated
        service_las = ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
        if service_las:
            arms["service manager's authority"] = Child.objects.filter(
                local_authority_id__in=sorted(service_las)).values("pk")
        arms["grant"] = ChildAccessGrant.objects.filter(
            LIVE_GRANT, user_id=uid, expires_at__gt=ctx.now, permission__codename="view_child",
        ).values("content_object_id")
        for provider in _coverage:
            extra = provider(ctx)
            if extra is None:
                continue
            if isinstance(extra, Q):  # a provider that gives a condition on the child, not an id set
                extra = Child.objects.filter(extra).values("pk")
            arms[f"coverage: {provider.__name__}"] = extra
        return arms

    def basis_ids(self, ctx: AccessContext) -> QuerySet | None:
        """The children ``ctx`` has a basis for, as one id set (``UNION ALL`` of the arms); None: none."""
        return ctx.remember("cases.child.basis_ids", lambda: union_all(self.basis_arms(ctx).values()))

    def _named_ids(self, ctx: AccessContext) -> QuerySet:
        return Child.named_people.through.objects.filter(user_id=ctx.user_id).values("child_id")

    def _break_glass_ids(self, ctx: AccessContext) -> QuerySet:
        return ctx.remember("cases.child.break_glass_ids", lambda: break_glass_record_ids(Child, ctx.user_id, ctx.now))

    # --- the building blocks (Q on Child) -----------------------------------------------------------
    def basis_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        """The children ctx has a basis for: ``pk = ANY(ARRAY(the union))`` for lists and counts; each
        arm probed with the row's key to find rows by key (``probe``; see safeguarding.access.policies)."""
        if not ctx.is_authenticated:
            return NOTHING
        if probe:
            return exists_any(self.basis_arms(ctx).values())
        return any_ids(ctx.remember("cases.child.basis_sql", lambda: compiled(self.basis_ids(ctx))))

    def named_q(self, ctx: AccessContext) -> Q:
        return Q(pk__in=self._named_ids(ctx)) if ctx.is_authenticated else NOTHING

    def unrestricted_q(self, ctx: AccessContext) -> Q:
        """True where the restriction does not stand in ctx's way."""
        if not ctx.is_authenticated:
            return Q(restricted=False)
        return Q(restricted=False) | self.named_q(ctx) | Q(pk__in=self._break_glass_ids(ctx))

    def manager_q(self, ctx: AccessContext) -> Q:
        q = NOTHING
        teams = ctx.team_ids_with_role(Role.TEAM_MANAGER)
        if teams:
            q |= Q(allocated_team_id__in=sorted(teams))
        service_las = ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
        if service_las:
            q |= Q(local_authority_id__in=sorted(service_las))
        return q

    def editor_q(self, ctx: AccessContext) -> Q:
        """Children's social care staff responsible for the child."""
        q = self.manager_q(ctx)
        if ctx.is_authenticated and ctx.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
            q |= Q(allocated_social_worker_id=ctx.user_id)
            teams = ctx.team_ids_with_role(Role.SOCIAL_WORKER)
            if teams:
                q |= Q(allocated_team_id__in=sorted(teams))
        return q

    # --- the three answers ----------------------------------------------------------------------
    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False):
        self._check_action(action)
        qs = Child.objects.all()
        if not ctx.is_authenticated:
            return qs.none()
        basis = self.basis_q(ctx, probe=probe)
        if action == "find":
            return qs.filter(basis)
        if action == "break_glass":
            return qs.filter(basis).filter(restricted=True).exclude(self.unrestricted_q(ctx))
        visible = qs.filter(basis).filter(self.unrestricted_q(ctx))
        if action in ("view", "add_chronology"):
            return visible
        if action == "edit":
            return visible.filter(self.editor_q(ctx))
        if action == "view_access_log":
            # Managers oversee who reads a restricted record without having to open it themselves
            # (the page then names the record by its local id only).
            return qs.filter(basis).filter(self.manager_q(ctx))
        if action == "grant_access":
            return visible.filter(self.manager_q(ctx))
        if action == "request_access":
            # found as a minimal row (or a restricted notice) without a basis: they may ask the holder
            return self.findable(ctx).filter(finding__in=SIGHTINGS)
        raise AssertionError(action)

    def restricted_opened_ids(self, ctx: AccessContext) -> QuerySet | None:
        """The restricted children ``ctx`` may view, as an id set: the ones they are named on, and the
        ones they broke the glass on and still have a basis for. A restricted child is in
        ``visible(ctx, "view")`` exactly when it is in this set (being named is itself a basis), so
        "unrestricted, or visible" is ``restricted = false OR pk IN (this)``: a few rows, where the
        whole visible set could be an authority's."""
        if not ctx.is_authenticated:
            return None

        def build():
            broken = (Child.objects.filter(pk__in=self._break_glass_ids(ctx))
                      .filter(self.basis_q(ctx, probe=True)).values("pk"))
            return union_all([self._named_ids(ctx), broken])
        return ctx.remember("cases.child.restricted_opened_ids", build)

    def shown_q(self, ctx: AccessContext, field: str = "child") -> Q:
        """On a record about a child (``field`` its foreign key): the child is unrestricted, or ``ctx``
        may view it. The same as ``child_id IN visible(ctx, "view")`` for a record whose child is
        unrestricted or restricted, without nesting the whole visible set."""
        opened = ctx.remember("cases.child.restricted_opened_sql", lambda: compiled(self.restricted_opened_ids(ctx)))
        q = Q(**{f"{field}__restricted": False})
        return q | Q(**{f"{field}_id__in": opened}) if opened is not None else q

    def probe(self, ctx: AccessContext, action: str = "view"):
        return self.visible(ctx, action, probe=True)

    def visible_ids(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        """``visible(ctx, action)`` as an id set to nest in another policy's list (kept for the request);
        ``probe``: the ids of ``probe(ctx, action)``. A query that finds rows by key asks ``holds_q``."""
        return ctx.remember(("cases.child.visible_ids", action, probe),
                            lambda: self.visible(ctx, action, probe=probe).values("pk"))

    def edit_row_q(self, ctx: AccessContext, prefix: str = "", key: str = "pk") -> Q:
        """``visible(ctx, "edit")`` as a condition on one child's row: ``prefix`` reaches the child's
        columns from the row asked about (``"child__"`` on a conference), ``key`` is the child's key there
        (``"child_id"``). The responsibilities that give edit (a team ctx manages or works in, an
        authority it manages) are each a reason to reach the child already, so only the allocated
        worker outside their authorities needs the other reasons probed: a few column tests, where the
        child's whole visibility nested in another policy's probe would be a dozen subqueries."""
        if not ctx.is_authenticated:
            return NOTHING
        p = prefix
        q = NOTHING
        managed = ctx.team_ids_with_role(Role.TEAM_MANAGER)
        if managed:
            q |= Q(**{f"{p}allocated_team_id__in": sorted(managed)})
        service_las = ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
        if service_las:
            q |= Q(**{f"{p}local_authority_id__in": sorted(service_las)})
        if ctx.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
            teams = ctx.team_ids_with_role(Role.SOCIAL_WORKER)
            if teams:
                q |= Q(**{f"{p}allocated_team_id__in": sorted(teams)})
            # allocated outside their authorities: edit still holds with another reason to reach the child
            # (not one of the allocation, team or authority arms: those are the conditions around it)
            others = [arm for name, arm in self.basis_arms(ctx).items() if name not in CHILD_ROW_ARMS]
            elsewhere = Q(Exists(Child.objects.filter(pk=OuterRef(key)).filter(exists_any(others))))
            within = (Q(**{f"{p}local_authority_id__in": sorted(ctx.local_authority_ids)})
                      if ctx.local_authority_ids else NOTHING)
            q |= Q(**{f"{p}allocated_social_worker_id": ctx.user_id}) & (within | elsewhere)
        unrestricted = (Q(**{f"{p}restricted": False}) | Q(**{f"{key}__in": self._named_ids(ctx)})
                        | Q(**{f"{key}__in": self._break_glass_ids(ctx)}))
        return unrestricted & q

    def holds_q(self, ctx: AccessContext, action: str, column: str = "child_id", *, probe: bool = False) -> Q:
        """On a record about a child (``column``: its child's key): ``ctx`` may do ``action`` to that
        child. For lists ``column IN (the visible ids)``; to find rows by key (``probe``) the record's
        child probed by its key (``EXISTS``), so the person's whole set is never built."""
        if probe:
            return Q(Exists(self.probe(ctx, action).filter(pk=OuterRef(column))))
        ids = ctx.remember(("cases.child.visible_sql", action), lambda: compiled(self.visible_ids(ctx, action)))
        return Q(**{f"{column}__in": ids})

    def answer_given(self, ctx: AccessContext, fetched: str, name: str) -> Q | None:
        """On a child fetched for ``view`` (a basis, nothing in the way) or ``find`` (a basis): what else
        ctx may do with it, as a condition on the row (no second query): the child page asks
        ``get_for(ctx, id, "find", answers=("view", "edit", "view_access_log", READS_THROUGH_BREAK_GLASS))``."""
        if fetched in ("view", "add_chronology"):
            opened = Q()
        elif fetched == "find":
            opened = self.unrestricted_q(ctx)
        else:
            return super().answer_given(ctx, fetched, name)
        if name in (fetched, "find"):
            return Q()
        if name in ("view", "add_chronology"):
            return opened
        if name == "edit":
            return opened & self.editor_q(ctx)
        if name == "view_access_log":
            return self.manager_q(ctx)
        if name == "grant_access":
            return opened & self.manager_q(ctx)
        if name == "break_glass":
            return NOTHING if fetched != "find" else Q(restricted=True) & ~opened
        if name == "request_access":
            return NOTHING  # a basis: not a sighting
        if name == READS_THROUGH_BREAK_GLASS:
            return Q(restricted=True) & ~self.named_q(ctx)
        return None

    def can_mark_entered_in_error(self, ctx: AccessContext, child: Child, record) -> bool:
        """Editors may mark any of the child's records entered in error; whoever recorded a chronology
        entry may also take back their own, while they may still add to the child's chronology."""
        if self.can(ctx, "edit", child):
            return True
        return (isinstance(record, ChronologyEntry) and record.child_id == child.pk
                and record.recorded_by_id == ctx.user_id and self.can(ctx, "add_chronology", child))

    def can_take_back(self, ctx: AccessContext, record) -> bool:
        """Whether ctx may mark ``record`` (any case record) entered in error: for a child's record,
        ``can_mark_entered_in_error`` on its child; for an adult, editing one of the children the adult
        is related to (an adult belongs to no child of their own)."""
        child = record if isinstance(record, Child) else getattr(record, "child", None)
        if isinstance(child, Child):
            return self.can_mark_entered_in_error(ctx, child, record)
        if isinstance(record, Adult):
            related = Relationship.objects.filter(adult_id=record.pk).values("child_id")
            return self.probe(ctx, "edit").filter(pk__in=related).exists()
        return False

    def reads_through_break_glass(self, ctx: AccessContext, child: Child) -> bool:
        """Whether ctx, having opened ``child``, reads it by breaking the glass (restricted, not named):
        the view log says so. No query when ``get_for`` worked it out with the fetch."""
        known = self.known_answer(ctx, child, READS_THROUGH_BREAK_GLASS)
        if known is not None:
            return known
        return child.restricted and not child.named_people.filter(pk=ctx.user_id).exists()

    # --- finding is not opening ---------------------------------------------------------------------
    def findable(self, ctx: AccessContext) -> QuerySet:
        """The children ``ctx`` may find in search and in the duplicate check, each annotated with
        ``finding``: ``FIND_OPEN`` (may open it), ``FIND_BREAK_GLASS`` (a basis, but restricted),
        ``FIND_MINIMAL`` (no basis: the minimal row only) or ``FIND_RESTRICTED`` (no basis, restricted:
        only that a restricted record matches). The people who may record children for an authority
        find all of its children; everyone else finds only what they have a basis for."""
        none = Child.objects.none().annotate(finding=Value(FIND_OPEN, output_field=CharField()))
        if not ctx.is_authenticated:
            return none
        authorities = self._finder_authority_ids(ctx)
        if not self.basis_arms(ctx) and not authorities:
            return none
        # Tested on each row (the authority's column, then each reason probed by the row's key), never as
        # the whole set: findable is always narrowed first by something selective (search candidates, the
        # duplicate check's dates, one key), and staff would otherwise gather their whole authority's ids
        # on every search.
        basis = self.basis_q(ctx, probe=True)
        scope = Q(local_authority_id__in=sorted(authorities)) | basis if authorities else basis
        return Child.objects.filter(scope).annotate(finding=Case(
            When(basis & self.unrestricted_q(ctx), then=Value(FIND_OPEN)),
            When(basis, then=Value(FIND_BREAK_GLASS)),
            When(restricted=False, then=Value(FIND_MINIMAL)),
            default=Value(FIND_RESTRICTED),
            output_field=CharField(),
        ))

    def findable_scope(self, ctx: AccessContext, *, key: str = "pk",
                       authority: str = "local_authority_id") -> Q:
        """The children ``findable(ctx)`` may return, as one set-wise condition: their finder authorities'
        children, or those they have a basis for (``key = ANY(ARRAY(the union))``). On another model's rows,
        ``key`` and ``authority`` reach the child's key and its authority (``"child_id"``,
        ``"child__local_authority_id"``). A search draws its name candidates from this set rather than from
        every child in the database, so it costs what the searcher may find (issue 9); ``findable`` still
        decides what each row shows."""
        if not ctx.is_authenticated:
            return NOTHING
        basis = any_ids(ctx.remember("cases.child.basis_sql", lambda: compiled(self.basis_ids(ctx))), field=key)
        authorities = self._finder_authority_ids(ctx)
        return Q(**{f"{authority}__in": sorted(authorities)}) | basis if authorities else basis

    # --- recording a child ---------------------------------------------------------------------------
    def _staff_authority_ids(self, ctx: AccessContext) -> frozenset[int]:
        """The local authorities ctx works in as children's social care staff."""
        if not ctx.is_authenticated:
            return frozenset()
        csc = ctx.agency_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
        return csc & ctx.local_authority_ids

    def _finder_authority_ids(self, ctx: AccessContext) -> frozenset[int]:
        """The authorities whose children ctx finds in search and the duplicate check: its children's social care
        staff, and its LADO team, who match a referral's children to their records (ADR 19)."""
        lado = ctx.agency_ids_with_role(Role.LADO_OFFICER) & ctx.local_authority_ids if ctx.is_authenticated \
            else frozenset()
        return self._staff_authority_ids(ctx) | lado

    def can_create(self, ctx: AccessContext) -> bool:
        """Whether ctx may record a child for any authority at all (the "Add a child" page and button)."""
        if not ctx.is_authenticated:
            return False
        return bool(self._staff_authority_ids(ctx)) or ctx.is_api_client

    def authorities_for_create(self, ctx: AccessContext) -> list[Agency]:
        """The local authorities ctx may record a child for: children's social care staff, their own
        (the ones they hold a social worker, team manager or service manager role in); an agency's API
        client, any active local authority (the child is then recorded with an open involvement of the
        client's agency)."""
        if not self.can_create(ctx):
            return []
        las = Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).order_by("name")
        if ctx.is_api_client:
            return list(las)
        return list(las.filter(pk__in=self._staff_authority_ids(ctx)))

    def can_create_for(self, ctx: AccessContext, local_authority: Agency | None) -> bool:
        """Whether ctx may record a child for ``local_authority`` (the same rule as
        ``authorities_for_create``, for one authority, without a query)."""
        if local_authority is None or not self.can_create(ctx):
            return False
        if local_authority.kind != AgencyKind.LOCAL_AUTHORITY or not local_authority.is_active:
            return False
        return ctx.is_api_client or local_authority.pk in self._staff_authority_ids(ctx)


child_policy = ChildPolicy()
