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
the glass with a reason; people without a basis never learn that the record exists.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy
from safeguarding.access.services import break_glass_active_q
from safeguarding.accounts.models import Role

from .models import Child, ChildAccessGrant, Involvement

NOTHING = Q(pk__in=[])

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
            Involvement.objects.filter(child=OuterRef("pk"), entered_in_error_at__isnull=True, **filters).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=today)
            )
        )
    )


class ChildPolicy(Policy):
    model = Child
    actions = ("view", "find", "break_glass", "edit", "add_chronology", "view_access_log", "grant_access")

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
        raise AssertionError(action)

    def can_create(self, ctx: AccessContext) -> bool:
        """Children's social care staff of a local authority, or an agency's API client (the child is
        then recorded with an open involvement of that agency)."""
        if not ctx.is_authenticated:
            return False
        csc = ctx.agency_ids_with_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
        return bool(csc & ctx.local_authority_ids) or ctx.is_api_client


child_policy = ChildPolicy()
