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
from safeguarding.access.policies import Policy
from safeguarding.access.services import break_glass_active_q
from safeguarding.accounts.models import Agency, AgencyKind, Role

from .models import Adult, Child, ChildAccessGrant, ChronologyEntry, Involvement, Relationship

NOTHING = Q(pk__in=[])

# What a person finding a child may see of it (``ChildPolicy.findable`` annotates each row's ``finding``)
FIND_OPEN = "open"  # a basis, nothing in the way: the whole record
FIND_BREAK_GLASS = "break_glass"  # a basis, restricted and not named: may break the glass
FIND_MINIMAL = "minimal"  # no basis, the authority's child: name, date of birth, local id, holder
FIND_RESTRICTED = "restricted"  # no basis, restricted: only that a restricted record matches
SIGHTINGS = (FIND_MINIMAL, FIND_RESTRICTED)  # the findings that are logged as sightings

# Other apps add the roles that cover their service: fn(ctx) -> Q on Child, or None.
CoverageProvider = Callable[[AccessContext], Q | None]
_coverage: list[CoverageProvider] = []


def register_coverage(provider: CoverageProvider) -> CoverageProvider:
    if provider not in _coverage:
        _coverage.append(provider)
    return provider


def open_involvement_q(**filters) -> Q:
    today = timezone.localdate()
    return Q(
        Exists(
            Involvement.objects.live().filter(child=OuterRef("pk"), **filters).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=today)
            )
        )
    )


class ChildPolicy(Policy):
    model = Child
    actions = ("view", "find", "break_glass", "edit", "add_chronology", "view_access_log", "grant_access",
               "request_access")

    # --- the building blocks --------------------------------------------------------------------
    def basis_q(self, ctx: AccessContext) -> Q:
        if not ctx.is_authenticated:
            return NOTHING
        uid = ctx.user_id
        # Allocation counts only while the person is still a member of the child's local authority,
        # and a named professional only while they still belong to the involved agency.
        q = Q(allocated_social_worker_id=uid, local_authority_id__in=ctx.local_authority_ids) | open_involvement_q(
            professional_id=uid, agency_id__in=ctx.agency_ids
        )
        # The people named on a restricted record are the ones entitled to see it.
        q |= Q(Exists(Child.named_people.through.objects.filter(child_id=OuterRef("pk"), user_id=uid)))
        teams = ctx.team_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
        if teams:
            q |= Q(allocated_team_id__in=teams)
        partner_agencies = ctx.agency_ids_with_role(Role.PARTNER_PRACTITIONER, Role.API_CLIENT)
        if partner_agencies:
            q |= open_involvement_q(agency_id__in=partner_agencies)
        service_las = ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
        if service_las:
            q |= Q(local_authority_id__in=service_las)
        q |= Q(
            Exists(
                ChildAccessGrant.objects.filter(
                    content_object=OuterRef("pk"), user_id=uid, revoked_at__isnull=True,
                    expires_at__gt=timezone.now(), permission__codename="view_child",
                )
            )
        )
        for provider in _coverage:
            extra = provider(ctx)
            if extra is not None:
                q |= extra
        return q

    def unrestricted_q(self, ctx: AccessContext) -> Q:
        """True where the restriction does not stand in ctx's way."""
        named = Q(Exists(Child.named_people.through.objects.filter(child_id=OuterRef("pk"), user_id=ctx.user_id)))
        return Q(restricted=False) | named | break_glass_active_q(Child, ctx.user_id)

    def manager_q(self, ctx: AccessContext) -> Q:
        q = NOTHING
        teams = ctx.team_ids_with_role(Role.TEAM_MANAGER)
        if teams:
            q |= Q(allocated_team_id__in=teams)
        service_las = ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
        if service_las:
            q |= Q(local_authority_id__in=service_las)
        return q

    def editor_q(self, ctx: AccessContext) -> Q:
        """Children's social care staff responsible for the child."""
        q = self.manager_q(ctx)
        if ctx.is_authenticated and ctx.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
            q |= Q(allocated_social_worker_id=ctx.user_id)
            teams = ctx.team_ids_with_role(Role.SOCIAL_WORKER)
            if teams:
                q |= Q(allocated_team_id__in=teams)
        return q

    # --- the three answers ----------------------------------------------------------------------
    def visible(self, ctx: AccessContext, action: str = "view"):
        self._check_action(action)
        qs = Child.objects.all()
        if not ctx.is_authenticated:
            return qs.none()
        basis = self.basis_q(ctx)
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
            return self.visible(ctx, "edit").filter(pk__in=related).exists()
        return False

    def reads_through_break_glass(self, ctx: AccessContext, child: Child) -> bool:
        """Whether ctx, having opened ``child``, reads it by breaking the glass (restricted, not named):
        the view log says so."""
        return child.restricted and not child.named_people.filter(pk=ctx.user_id).exists()

    # --- finding is not opening ---------------------------------------------------------------------
    def findable(self, ctx: AccessContext) -> QuerySet:
        """The children ``ctx`` may find in search and in the duplicate check, each annotated with
        ``finding``: ``FIND_OPEN`` (may open it), ``FIND_BREAK_GLASS`` (a basis, but restricted),
        ``FIND_MINIMAL`` (no basis: the minimal row only) or ``FIND_RESTRICTED`` (no basis, restricted:
        only that a restricted record matches). The people who may record children for an authority
        find all of its children; everyone else finds only what they have a basis for."""
        if not ctx.is_authenticated:
            return Child.objects.none().annotate(finding=Value(FIND_OPEN, output_field=CharField()))
        basis = self.basis_q(ctx)
        authorities = self._staff_authority_ids(ctx)
        scope = basis | Q(local_authority_id__in=authorities) if authorities else basis
        return Child.objects.filter(scope).annotate(finding=Case(
            When(basis & self.unrestricted_q(ctx), then=Value(FIND_OPEN)),
            When(basis, then=Value(FIND_BREAK_GLASS)),
            When(restricted=False, then=Value(FIND_MINIMAL)),
            default=Value(FIND_RESTRICTED),
            output_field=CharField(),
        ))

    # --- recording a child ---------------------------------------------------------------------------
    def _staff_authority_ids(self, ctx: AccessContext) -> frozenset[int]:
        """The local authorities ctx works in as children's social care staff."""
        if not ctx.is_authenticated:
            return frozenset()
        csc = ctx.agency_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
        return csc & ctx.local_authority_ids

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
