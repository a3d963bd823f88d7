"""Who may see and do what with conferences, their reports and documents, and plans.

The people:
- **the conference service**: conference chairs and administrators of the child's local authority. They
  see the service's list of conferences (requests awaiting allocation, the diary) and schedule them,
  but not conferences of restricted children unless they chair them;
- **the chair** of a conference (while a member of the child's local authority), and its minute-taker;
- **case staff**: the people who may edit the child's record (allocated social worker, the allocated
  team's social workers and team managers, the local authority's service managers);
- **invited agencies**: partner practitioners and API clients of an agency invited to the conference,
  and people invited by their own account. They see the conference and their invitation, their own
  agency's report, and documents once sent to their agency (only the copy sent to them).

Who reports for which agency (``report_policy.agencies_for``): case staff for the child's local
authority (its report is the social work report); anyone else for the agency of a professional
invitation made to them (by their own account) or to one of their partner agencies (a practitioner or
the agency's API client), except the child's local authority: an invitation by account of someone of
the local authority who is not case staff (a family support worker, say) does not let them replace the
social work report, which they cannot read.

A person outside all of these gets the same 404 as for a conference that does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.policies import NOTHING, child_policy, register_coverage
from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy
from safeguarding.accounts.models import Agency, Role

from .models import (
    AgencyReport,
    ChildProtectionPlan,
    Conference,
    CoreGroupMember,
    Distribution,
    Document,
    Invitation,
)

SERVICE_ROLES = (Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR)
PARTNER_ROLES = (Role.PARTNER_PRACTITIONER, Role.API_CLIENT)
CASE_STAFF_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)


def service_local_authorities(ctx: AccessContext) -> frozenset[int]:
    """Local authorities whose conference service ``ctx`` works in."""
    return ctx.agency_ids_with_role(*SERVICE_ROLES) & ctx.local_authority_ids


def _child_editable(ctx: AccessContext) -> QuerySet:
    return child_policy.visible(ctx, "edit").values("pk")


def _child_visible(ctx: AccessContext) -> QuerySet:
    return child_policy.visible(ctx, "view").values("pk")


class ConferencePolicy(Policy):
    model = Conference
    actions = ("view", "list_service", "schedule", "record", "decide", "report", "distribute", "request")

    # --- what the person does (their roles; which records, the querysets below decide) -------------
    def is_chair(self, ctx: AccessContext) -> bool:
        return ctx.has_role(Role.CONFERENCE_CHAIR)

    def is_case_staff(self, ctx: AccessContext) -> bool:
        """Has a role that may edit children's records (the conferences of which they request and see)."""
        return ctx.has_role(*CASE_STAFF_ROLES)

    def is_partner(self, ctx: AccessContext) -> bool:
        """A partner agency's practitioner or API client (who sees the conferences their agency is invited to)."""
        return ctx.has_role(*PARTNER_ROLES)

    # --- the building blocks (Q on Conference) --------------------------------------------------
    def chair_q(self, ctx: AccessContext) -> Q:
        if not self.is_chair(ctx):
            return NOTHING
        return Q(chair_id=ctx.user_id, child__local_authority_id__in=ctx.local_authority_ids)

    def minute_taker_q(self, ctx: AccessContext) -> Q:
        return Q(minute_taker_id=ctx.user_id, child__local_authority_id__in=ctx.local_authority_ids)

    def service_q(self, ctx: AccessContext) -> Q:
        las = service_local_authorities(ctx)
        if not las:
            return NOTHING
        return Q(child__local_authority_id__in=las, child__restricted=False)

    def case_staff_q(self, ctx: AccessContext) -> Q:
        if not self.is_case_staff(ctx):
            return NOTHING
        return Q(child_id__in=_child_editable(ctx))

    def invitee_q(self, ctx: AccessContext) -> Q:
        """On Invitation: the invitations made to ``ctx``'s own account or to one of its partner agencies
        (as a practitioner or the agency's API client)."""
        q = Q(user_id=ctx.user_id)
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            q |= Q(agency_id__in=agencies)
        return q

    def _child_shown_to_invitees_q(self, ctx: AccessContext) -> Q:
        # a restricted child's conference shows only to invitees who may see the child's record
        return Q(child__restricted=False) | Q(child_id__in=_child_visible(ctx))

    def invited_q(self, ctx: AccessContext) -> Q:
        live = Invitation.objects.live().filter(self.invitee_q(ctx), conference=OuterRef("pk"))
        return Q(Exists(live)) & self._child_shown_to_invitees_q(ctx)

    def reporter_q(self, ctx: AccessContext) -> Q:
        """Invited to report for an agency: a professional invitation of ``ctx`` (its account or its
        partner agency) for an agency other than the child's local authority (whose report, the social
        work report, is written by case staff)."""
        live = (Invitation.objects.live()
                .filter(self.invitee_q(ctx), conference=OuterRef("pk"), kind=Invitation.InviteeKind.PROFESSIONAL,
                        agency__isnull=False)
                .exclude(agency_id=OuterRef("child__local_authority_id")))
        return Q(Exists(live)) & self._child_shown_to_invitees_q(ctx)

    def whole_q(self, ctx: AccessContext) -> Q:
        """The people who see the whole conference: every invitation, report and document."""
        return self.chair_q(ctx) | self.minute_taker_q(ctx) | self.service_q(ctx) | self.case_staff_q(ctx)

    def sees_whole(self, ctx: AccessContext, conference: Conference) -> bool:
        """The one rule for "sees the whole conference" (every invitation, report and document): the
        chair, the minute-taker, the conference service and case staff. An invited agency sees only
        its own part."""
        return ctx.is_authenticated and Conference.objects.live().filter(self.whole_q(ctx), pk=conference.pk).exists()

    # --- the three answers ----------------------------------------------------------------------
    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Conference.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        chair = self.chair_q(ctx)
        if action == "view":
            q = chair | self.minute_taker_q(ctx) | self.service_q(ctx) | self.case_staff_q(ctx) | self.invited_q(ctx)
        elif action in ("list_service", "schedule", "distribute"):
            q = chair | self.service_q(ctx)
        elif action == "record":
            q = chair | self.minute_taker_q(ctx)
        elif action == "decide":
            q = chair
        elif action == "report":
            q = self.reporter_q(ctx) | self.case_staff_q(ctx)  # the same people as report_policy.agencies_for
        elif action == "request":
            q = self.case_staff_q(ctx)
        else:  # pragma: no cover - _check_action refuses the rest
            raise AssertionError(action)
        return qs.filter(q)

    def invited(self, ctx: AccessContext) -> QuerySet:
        """The live conferences ``ctx`` is invited to, by their own account or as one of their partner
        agencies (a restricted child's only when they may see the child): part of what they may view."""
        if not ctx.is_authenticated:
            return Conference.objects.none()
        return Conference.objects.live().filter(self.invited_q(ctx))

    def is_service_staff(self, ctx: AccessContext) -> bool:
        return bool(service_local_authorities(ctx))


class AgencyReportPolicy(Policy):
    """Reports: the chair, minute-taker, service and case staff see every report of a conference they
    see; an invited agency sees only its own agency's report."""

    model = AgencyReport
    actions = ("view", "share")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = AgencyReport.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        if action == "share":
            # the social work report is shared with parents by the case staff or the chair
            whole = cp.case_staff_q(ctx) | cp.chair_q(ctx)
            return qs.filter(is_social_work_report=True, conference__in=Conference.objects.filter(whole))
        q = Q(conference__in=Conference.objects.filter(cp.whole_q(ctx)))
        own = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if own:
            q |= Q(agency_id__in=own, conference__in=Conference.objects.filter(cp.invited_q(ctx)))
        return qs.filter(q)

    def agencies_for(self, ctx: AccessContext, conference: Conference) -> list[Agency]:
        """The agencies ``ctx`` may submit a report for on ``conference``, by name (one query; empty for
        anyone who may not report on it, whether it exists or not):

        - the child's local authority, for case staff: the social work report;
        - the agency of each live professional invitation made to ``ctx``'s own account or to one of its
          partner agencies (an API client: its own agency), other than the child's local authority.

        Pages, the API and ``services.report_submit`` all ask this; ``conference_policy``'s ``report``
        action is the same people (those for whom this list is not empty)."""
        if not ctx.is_authenticated or conference is None or conference.pk is None:
            return []
        cp = conference_policy
        this = Conference.objects.live().filter(pk=conference.pk)
        social_work = Exists(this.filter(cp.case_staff_q(ctx), child__local_authority_id=OuterRef("pk")))
        invited_for = (Invitation.objects.live()
                       .filter(cp.invitee_q(ctx), conference_id=conference.pk,
                               kind=Invitation.InviteeKind.PROFESSIONAL, agency_id=OuterRef("pk"))
                       .exclude(conference__child__local_authority_id=OuterRef("pk")))
        reporter = Exists(this.filter(cp.reporter_q(ctx)))
        return list(Agency.objects.filter(Q(social_work) | (Q(Exists(invited_for)) & Q(reporter)))
                    .order_by("name", "pk"))


class InvitationPolicy(Policy):
    """Invitations: the people who see the whole conference (``conference_policy.sees_whole``) see every
    live invitation of it; an invitee sees only the invitations made to them or to their partner
    agencies, and only of a conference they may see."""

    model = Invitation
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Invitation.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        whole = Conference.objects.live().filter(cp.whole_q(ctx))
        invited = Conference.objects.live().filter(cp.invited_q(ctx))
        return qs.filter(Q(conference__in=whole) | (cp.invitee_q(ctx) & Q(conference__in=invited)))

    def visible_for(self, ctx: AccessContext, conference: Conference) -> QuerySet:
        """The invitations of ``conference`` that ``ctx`` sees (none for a conference it may not see)."""
        return self.visible(ctx, "view").filter(conference_id=conference.pk)


class DocumentPolicy(Policy):
    """Published PDFs. The conference's own people see every copy; an invited agency sees the copy
    sent to it (its agency or its people), and nothing else."""

    model = Document
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Document.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        q = Q(conference__in=Conference.objects.filter(cp.whole_q(ctx)))
        sent = Q(user_id=ctx.user_id)
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            sent |= Q(agency_id__in=agencies)
        sent_to_me = Distribution.objects.live().filter(sent, document=OuterRef("pk"))
        q |= Q(Exists(sent_to_me)) & Q(conference__in=Conference.objects.filter(cp.invited_q(ctx)))
        return qs.filter(q)


class PlanPolicy(Policy):
    model = ChildProtectionPlan
    actions = ("view", "update", "audit")

    def chaired_q(self, ctx: AccessContext) -> Q:
        if not ctx.has_role(Role.CONFERENCE_CHAIR):
            return NOTHING
        chaired = Conference.objects.live().filter(
            plan=OuterRef("pk"), chair_id=ctx.user_id,
        ).exclude(status=Conference.Status.CANCELLED)
        return Q(Exists(chaired), child__local_authority_id__in=ctx.local_authority_ids)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = ChildProtectionPlan.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        staff = NOTHING
        if ctx.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
            staff = Q(child_id__in=_child_editable(ctx))
        chaired = self.chaired_q(ctx)
        if action == "audit":
            return qs.filter(chaired)
        if action == "update":
            return qs.filter(staff | chaired)
        las = service_local_authorities(ctx)
        service = Q(child__local_authority_id__in=las, child__restricted=False) if las else NOTHING
        member = CoreGroupMember.objects.live().filter(plan=OuterRef("pk"), user_id=ctx.user_id)
        members = Q(Exists(member)) & (Q(child__restricted=False) | Q(child_id__in=_child_visible(ctx)))
        return qs.filter(staff | chaired | service | members)


conference_policy = ConferencePolicy()
report_policy = AgencyReportPolicy()
invitation_policy = InvitationPolicy()
document_policy = DocumentPolicy()
plan_policy = PlanPolicy()


@register_coverage
def chairs_see_the_children_they_chair(ctx: AccessContext) -> Q | None:
    """Conference chairs reach the records of the children whose conferences they chair."""
    if not ctx.has_role(Role.CONFERENCE_CHAIR):
        return None
    chaired = Conference.objects.live().filter(
        child=OuterRef("pk"), chair_id=ctx.user_id,
    ).exclude(status=Conference.Status.CANCELLED)
    return Q(Exists(chaired), local_authority_id__in=ctx.local_authority_ids)


