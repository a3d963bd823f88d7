"""Who may see and act on which deadline.

A person sees a deadline when:
- they are its responsible person (while still a member of the responsible team's agency, when the
  deadline has a team: someone who has moved to another agency no longer sees it);
- they are a member of its responsible team, in any role;
- they are a service manager of the responsible team's agency.

Actions:
- ``view`` and ``meet``: all of the above (the responsible person, team members, managers);
- ``accept_late`` and ``cancel``: managers only, that is a team manager of the responsible team or a
  service manager of its agency.

Anyone else gets the same 404 as for a deadline that does not exist. ``can`` answers in Python from
the deadline's own fields (no query when the team is loaded); ``visible`` is the same rule as a
queryset filter, and the permission matrix tests hold the two to the same answers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy
from safeguarding.accounts.models import Role, Team

from .models import Deadline

NOTHING = Q(pk__in=[])
EVERYONE_RESPONSIBLE = ("view", "meet")
MANAGERS_ONLY = ("accept_late", "cancel")


class DeadlinePolicy(Policy):
    model = Deadline
    actions = EVERYONE_RESPONSIBLE + MANAGERS_ONLY

    # --- the building blocks --------------------------------------------------------------------
    @staticmethod
    def _service_manager_agencies(ctx: AccessContext) -> frozenset[int]:
        return ctx.agency_ids_with_role(Role.SERVICE_MANAGER)

    def manager_q(self, ctx: AccessContext) -> Q:
        q = NOTHING
        managed = ctx.team_ids_with_role(Role.TEAM_MANAGER)
        if managed:
            q |= Q(responsible_team_id__in=managed)
        agencies = self._service_manager_agencies(ctx)
        if agencies:
            # the agencies' team ids (a few rows), so that the deadlines are read by team from their index
            # (``deadline_team_due`` for the figures), not all of them joined to their teams
            q |= Q(responsible_team_id__in=Team.objects.filter(agency_id__in=sorted(agencies)).values("pk"))
        return q

    def involved_q(self, ctx: AccessContext) -> Q:
        q = Q(responsible_person_id=ctx.user_id) & (
            Q(responsible_team__isnull=True) | Q(responsible_team__agency_id__in=ctx.agency_ids)
        )
        if ctx.team_ids:
            q |= Q(responsible_team_id__in=ctx.team_ids)
        return q | self.manager_q(ctx)

    # --- the three answers ----------------------------------------------------------------------
    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Deadline.objects.all()
        if not ctx.is_authenticated:
            return qs.none()
        if action in EVERYONE_RESPONSIBLE:
            return qs.filter(self.involved_q(ctx))
        return qs.filter(self.manager_q(ctx))

    def can(self, ctx: AccessContext, action: str, obj: Deadline) -> bool:
        self._check_action(action)
        if not ctx.is_authenticated or obj is None or obj.pk is None:
            return False
        team_id = obj.responsible_team_id
        team_agency = obj.responsible_team.agency_id if team_id else None
        is_manager = (team_id is not None and team_id in ctx.team_ids_with_role(Role.TEAM_MANAGER)) or (
            team_agency is not None and team_agency in self._service_manager_agencies(ctx)
        )
        if action in MANAGERS_ONLY:
            return is_manager
        is_person = obj.responsible_person_id == ctx.user_id and (team_id is None or team_agency in ctx.agency_ids)
        return is_person or (team_id is not None and team_id in ctx.team_ids) or is_manager

    # --- for the Team deadlines page ------------------------------------------------------------
    def teams(self, ctx: AccessContext) -> QuerySet:
        """The active teams whose deadlines ``ctx`` sees as a whole: their own teams (any role) and,
        for service managers, every team of their agencies."""
        if not ctx.is_authenticated:
            return Team.objects.none()
        q = Q(pk__in=ctx.team_ids)
        agencies = self._service_manager_agencies(ctx)
        if agencies:
            q |= Q(agency_id__in=agencies)
        return Team.objects.filter(q, is_active=True, agency__is_active=True).select_related("agency")

    def is_manager(self, ctx: AccessContext) -> bool:
        """A team manager or service manager somewhere (they see counts by person on Team deadlines)."""
        return bool(ctx.team_ids_with_role(Role.TEAM_MANAGER) or self._service_manager_agencies(ctx))


deadline_policy = DeadlinePolicy()
