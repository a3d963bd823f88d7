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

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from cases.policies import child_policy, register_coverage
from safeguarding.access.context import AccessContext
from safeguarding.access.policies import NOTHING, Policy, ids_q, in_ids, union_all
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


def _child_editable(ctx: AccessContext, probe: bool) -> QuerySet:
    return child_policy.visible_ids(ctx, "edit", probe=probe)


def _live_cancelled_excluded() -> QuerySet:
    return Conference.objects.live().exclude(status=Conference.Status.CANCELLED)


class ConferencePolicy(Policy):
    """Visibility is the union of arms (ADR 11): each arm below is a queryset of conference ids that an
    index serves (the chair's, the minute-taker's, the children of the service's authority, the children
    case staff may edit, the invitations of the person or their agency), built once per request and kept
    on the context; ``pk = ANY(ARRAY(...))`` for lists, ``pk IN (...)`` to find rows by key (``probe``),
    the child sets nested the same way."""

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

    # --- the arms (querysets of conference ids; None where an arm does not apply) --------------------
    def arms(self, ctx: AccessContext, *, probe: bool = False) -> dict[str, QuerySet | None]:
        return ctx.remember(("conferences.conference.arms", probe), lambda: self._arms(ctx, probe))

    def _arms(self, ctx: AccessContext, probe: bool) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(("chair", "minute taker", "service", "case staff", "invited", "reporter"))
        uid = ctx.user_id
        las = sorted(ctx.local_authority_ids)
        service_las = sorted(service_local_authorities(ctx))
        ids = Conference.objects.values("pk")
        shown = self._child_shown_to_invitees_q(ctx)
        invitations = self.invitation_arms(ctx)
        professional = [inv.filter(kind=Invitation.InviteeKind.PROFESSIONAL, agency__isnull=False)
                        .exclude(agency_id=F("conference__child__local_authority_id")) for inv in invitations]
        return {
            "chair": ids.filter(chair_id=uid, child__local_authority_id__in=las)
            if self.is_chair(ctx) and las else None,
            "minute taker": ids.filter(minute_taker_id=uid, child__local_authority_id__in=las) if las else None,
            "service": ids.filter(child__local_authority_id__in=service_las, child__restricted=False)
            if service_las else None,
            "case staff": ids.filter(child_id__in=_child_editable(ctx, probe)) if self.is_case_staff(ctx) else None,
            "invited": ids.filter(in_ids(inv.values("conference_id") for inv in invitations), shown),
            "reporter": ids.filter(in_ids(inv.values("conference_id") for inv in professional), shown),
        }

    def invitation_arms(self, ctx: AccessContext) -> list[QuerySet]:
        """The live invitations made to ``ctx``'s own account, and to its partner agencies (as a
        practitioner or the agency's API client): one arm each (the invitation's user, its agency)."""
        live = Invitation.objects.live()
        arms = [live.filter(user_id=ctx.user_id)]
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            arms.append(live.filter(agency_id__in=sorted(agencies)))
        return arms

    def ids(self, ctx: AccessContext, *names: str, probe: bool = False) -> QuerySet | None:
        """The union of the named arms (kept for the request): the conference ids to nest elsewhere
        (``probe``: in a query that finds rows by key)."""
        return ctx.remember(("conferences.conference.ids", names, probe),
                            lambda: union_all(self.arms(ctx, probe=probe)[n] for n in names))

    # --- the building blocks (Q on Conference; probe: to find rows by key) ----------------------------
    def chair_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.ids(ctx, "chair", probe=probe), probe=probe)

    def minute_taker_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.ids(ctx, "minute taker", probe=probe), probe=probe)

    def service_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.ids(ctx, "service", probe=probe), probe=probe)

    def case_staff_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.ids(ctx, "case staff", probe=probe), probe=probe)

    def invitee_q(self, ctx: AccessContext) -> Q:
        """On Invitation: the invitations made to ``ctx``'s own account or to one of its partner agencies
        (as a practitioner or the agency's API client)."""
        q = Q(user_id=ctx.user_id)
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            q |= Q(agency_id__in=sorted(agencies))
        return q

    def _child_shown_to_invitees_q(self, ctx: AccessContext) -> Q:
        # a restricted child's conference shows only to invitees who may see the child's record
        return child_policy.shown_q(ctx)

    def invited_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.ids(ctx, "invited", probe=probe), probe=probe)

    def reporter_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        """Invited to report for an agency: a professional invitation of ``ctx`` (its account or its
        partner agency) for an agency other than the child's local authority (whose report, the social
        work report, is written by case staff)."""
        return ids_q(self.ids(ctx, "reporter", probe=probe), probe=probe)

    WHOLE = ("chair", "minute taker", "service", "case staff")

    def whole_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        """The people who see the whole conference: every invitation, report and document."""
        return ids_q(self.ids(ctx, *self.WHOLE, probe=probe), probe=probe)

    def sees_whole(self, ctx: AccessContext, conference: Conference) -> bool:
        """The one rule for "sees the whole conference" (every invitation, report and document): the
        chair, the minute-taker, the conference service and case staff. An invited agency sees only
        its own part. No query when the page's fetch worked it out (``SEES_WHOLE``)."""
        known = self.known_answer(ctx, conference, self.SEES_WHOLE)
        if known is not None:
            return known
        return ctx.is_authenticated and Conference.objects.live().filter(
            self.whole_q(ctx, probe=True), pk=conference.pk).exists()

    # --- the three answers ----------------------------------------------------------------------
    ARMS_FOR = {
        "view": ("chair", "minute taker", "service", "case staff", "invited"),
        "list_service": ("chair", "service"),
        "schedule": ("chair", "service"),
        "distribute": ("chair", "service"),
        "record": ("chair", "minute taker"),
        "decide": ("chair",),
        "report": ("reporter", "case staff"),  # the same people as report_policy.agencies_for
        "request": ("case staff",),
    }

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = Conference.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(ids_q(self.ids(ctx, *self.ARMS_FOR[action], probe=probe), probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    # answers a conference page can have worked out with its fetch (get_for(..., answers=...))
    SEES_WHOLE = "whole"  # conference_policy.sees_whole
    CHILD_VIEW = "child:view"  # child_policy.can(ctx, "view", conference.child)
    PLAN_VIEW = "plan:view"  # plan_policy.can(ctx, "view", conference.plan)

    def answer_given(self, ctx: AccessContext, fetched: str, name: str):
        """Besides the actions (each probed by the conference's key): whether ctx sees the whole
        conference, may view its child, may view its plan; each probed by the key the row carries."""
        if name == self.SEES_WHOLE:
            return Exists(Conference.objects.filter(self.whole_q(ctx, probe=True), pk=OuterRef("pk")))
        if name == self.CHILD_VIEW:
            return Exists(child_policy.probe(ctx, "view").filter(pk=OuterRef("child_id")))
        if name == self.PLAN_VIEW:
            return Exists(plan_policy.probe(ctx, "view").filter(pk=OuterRef("plan_id")))
        return super().answer_given(ctx, fetched, name)

    def note_related_answers(self, ctx: AccessContext, conference: Conference) -> None:
        """Hand the answers about the conference's child and plan (worked out with its fetch) to their
        policies, so ``child_policy.can(ctx, "view", conference.child)`` asks nothing more."""
        for name, policy, related in ((self.CHILD_VIEW, child_policy, "child"), (self.PLAN_VIEW, plan_policy, "plan")):
            known = self.known_answer(ctx, conference, name)
            if known is not None and getattr(conference, f"{related}_id", None) is not None:
                policy.note_answers(ctx, getattr(conference, related), {"view": known})

    def invited(self, ctx: AccessContext) -> QuerySet:
        """The live conferences ``ctx`` is invited to, by their own account or as one of their partner
        agencies (a restricted child's only when they may see the child): part of what they may view."""
        if not ctx.is_authenticated:
            return Conference.objects.none()
        return Conference.objects.live().filter(self.invited_q(ctx))

    def visible_for_child(self, ctx: AccessContext, child) -> QuerySet:
        """``visible(ctx, "view")`` of one child's conferences, through the child: the child's row (as
        the child's page fetched it, with its answers) decides the arms that hold for all of its
        conferences, and the rest are conditions on the child's own conferences (its index), with no
        child visibility nested inside."""
        qs = Conference.objects.live().filter(child_id=child.pk)
        if not ctx.is_authenticated:
            return qs.none()
        in_la = child.local_authority_id in ctx.local_authority_ids
        if ((child.local_authority_id in service_local_authorities(ctx) and not child.restricted)
                or (self.is_case_staff(ctx) and child_policy.can(ctx, "edit", child))):
            return qs
        q = NOTHING
        if in_la and self.is_chair(ctx):
            q |= Q(chair_id=ctx.user_id)
        if in_la:
            q |= Q(minute_taker_id=ctx.user_id)
        if not child.restricted or child_policy.can(ctx, "view", child):
            invited = union_all(inv.filter(conference__child_id=child.pk).values("conference_id")
                                for inv in self.invitation_arms(ctx))
            q |= in_ids(invited)
        return qs.filter(q)

    def is_service_staff(self, ctx: AccessContext) -> bool:
        return bool(service_local_authorities(ctx))


class AgencyReportPolicy(Policy):
    """Reports: the chair, minute-taker, service and case staff see every report of a conference they
    see; an invited agency sees only its own agency's report."""

    model = AgencyReport
    actions = ("view", "share")

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = AgencyReport.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        ids = AgencyReport.objects.values("pk")
        if action == "share":
            # the social work report is shared with parents by the case staff or the chair
            return qs.filter(is_social_work_report=True).filter(
                in_ids(cp.ids(ctx, "case staff", "chair", probe=probe), "conference_id"))
        whole = cp.ids(ctx, *cp.WHOLE, probe=probe)
        own = ctx.agency_ids_with_role(*PARTNER_ROLES)
        return qs.filter(ids_q([
            ids.filter(conference_id__in=whole) if whole is not None else None,
            ids.filter(agency_id__in=sorted(own), conference_id__in=cp.ids(ctx, "invited", probe=probe))
            if own else None,
        ], probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

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
        social_work = Exists(this.filter(cp.case_staff_q(ctx, probe=True), child__local_authority_id=OuterRef("pk")))
        invited_for = (Invitation.objects.live()
                       .filter(cp.invitee_q(ctx), conference_id=conference.pk,
                               kind=Invitation.InviteeKind.PROFESSIONAL, agency_id=OuterRef("pk"))
                       .exclude(conference__child__local_authority_id=OuterRef("pk")))
        reporter = Exists(this.filter(cp.reporter_q(ctx, probe=True)))
        return list(Agency.objects.filter(Q(social_work) | (Q(Exists(invited_for)) & Q(reporter)))
                    .order_by("name", "pk"))


class InvitationPolicy(Policy):
    """Invitations: the people who see the whole conference (``conference_policy.sees_whole``) see every
    live invitation of it; an invitee sees only the invitations made to them or to their partner
    agencies, and only of a conference they may see."""

    model = Invitation
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = Invitation.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        whole = cp.ids(ctx, *cp.WHOLE, probe=probe)
        invited = cp.ids(ctx, "invited", probe=probe)
        live_conference = Q(conference__entered_in_error_at__isnull=True)
        ids = Invitation.objects.filter(live_conference).values("pk")
        return qs.filter(ids_q([
            ids.filter(conference_id__in=whole) if whole is not None else None,
            *(mine.filter(live_conference, conference_id__in=invited).values("pk")
              for mine in cp.invitation_arms(ctx)),
        ], probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    def visible_for(self, ctx: AccessContext, conference: Conference) -> QuerySet:
        """The invitations of ``conference`` that ``ctx`` sees (none for a conference it may not see): the
        id sets in the shape that finds rows by key, so one conference's invitations are probed in them."""
        return self.probe(ctx, "view").filter(conference_id=conference.pk)


class DocumentPolicy(Policy):
    """Published PDFs. The conference's own people see every copy; an invited agency sees the copy
    sent to it (its agency or its people), and nothing else."""

    model = Document
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = Document.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        cp = conference_policy
        whole = cp.ids(ctx, *cp.WHOLE, probe=probe)
        live = Distribution.objects.live()
        sent = [live.filter(user_id=ctx.user_id)]
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            sent.append(live.filter(agency_id__in=sorted(agencies)))
        ids = Document.objects.values("pk")
        return qs.filter(ids_q([
            ids.filter(conference_id__in=whole) if whole is not None else None,
            ids.filter(in_ids(d.values("document_id") for d in sent),
                       conference_id__in=cp.ids(ctx, "invited", probe=probe)),
        ], probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)


class PlanPolicy(Policy):
    model = ChildProtectionPlan
    actions = ("view", "update", "audit")

    def arms(self, ctx: AccessContext, *, probe: bool = False) -> dict[str, QuerySet | None]:
        return ctx.remember(("conferences.plan.arms", probe), lambda: self._arms(ctx, probe))

    def _arms(self, ctx: AccessContext, probe: bool) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(("staff", "chaired", "service", "core group"))
        ids = ChildProtectionPlan.objects.values("pk")
        las = sorted(ctx.local_authority_ids)
        service_las = sorted(service_local_authorities(ctx))
        chaired = (_live_cancelled_excluded().filter(chair_id=ctx.user_id, plan__isnull=False).values("plan_id")
                   if ctx.has_role(Role.CONFERENCE_CHAIR) and las else None)
        member = CoreGroupMember.objects.live().filter(user_id=ctx.user_id).values("plan_id")
        return {
            "staff": ids.filter(child_id__in=_child_editable(ctx, probe)) if ctx.has_role(*CASE_STAFF_ROLES) else None,
            "chaired": ids.filter(pk__in=chaired, child__local_authority_id__in=las) if chaired is not None else None,
            "service": ids.filter(child__local_authority_id__in=service_las, child__restricted=False)
            if service_las else None,
            "core group": ids.filter(child_policy.shown_q(ctx), pk__in=member),
        }

    ARMS_FOR = {"view": ("staff", "chaired", "service", "core group"), "update": ("staff", "chaired"),
                "audit": ("chaired",)}

    def chaired_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return ids_q(self.arms(ctx, probe=probe)["chaired"], probe=probe)

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = ChildProtectionPlan.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        ids = ctx.remember(("conferences.plan.ids", action, probe),
                           lambda: union_all(self.arms(ctx, probe=probe)[n] for n in self.ARMS_FOR[action]))
        return qs.filter(ids_q(ids, probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    def visible_for_child(self, ctx: AccessContext, child) -> QuerySet:
        """``visible(ctx, "view")`` of one child's plans, through the child (as
        ``conference_policy.visible_for_child``): no child visibility nested inside."""
        qs = ChildProtectionPlan.objects.live().filter(child_id=child.pk)
        if not ctx.is_authenticated:
            return qs.none()
        if ((child.local_authority_id in service_local_authorities(ctx) and not child.restricted)
                or (ctx.has_role(*CASE_STAFF_ROLES) and child_policy.can(ctx, "edit", child))):
            return qs
        q = NOTHING
        if ctx.has_role(Role.CONFERENCE_CHAIR) and child.local_authority_id in ctx.local_authority_ids:
            q |= Q(pk__in=_live_cancelled_excluded().filter(chair_id=ctx.user_id, plan__child_id=child.pk)
                   .values("plan_id"))
        if not child.restricted or child_policy.can(ctx, "view", child):
            q |= Q(pk__in=CoreGroupMember.objects.live().filter(user_id=ctx.user_id, plan__child_id=child.pk)
                   .values("plan_id"))
        return qs.filter(q)


conference_policy = ConferencePolicy()
report_policy = AgencyReportPolicy()
invitation_policy = InvitationPolicy()
document_policy = DocumentPolicy()
plan_policy = PlanPolicy()


@register_coverage
def chairs_see_the_children_they_chair(ctx: AccessContext) -> QuerySet | None:
    """Conference chairs reach the records of the children whose conferences they chair (while members
    of the child's local authority): an arm of the child's visibility, the child ids of the live,
    not cancelled conferences they chair (the conferences' chair index)."""
    if not ctx.has_role(Role.CONFERENCE_CHAIR) or not ctx.local_authority_ids:
        return None
    return (_live_cancelled_excluded()
            .filter(chair_id=ctx.user_id, child__local_authority_id__in=sorted(ctx.local_authority_ids))
            .values("child_id"))
