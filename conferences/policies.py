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
from safeguarding.access.policies import NOTHING, Policy, any_ids, compiled, exists_any, ids_q, in_ids, union_all
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


def _child_editable(ctx: AccessContext, probe: bool) -> Q:
    """On a record about a child: ctx may edit the child (case staff)."""
    return child_policy.holds_q(ctx, "edit", "child_id", probe=probe)


def _live_cancelled_excluded() -> QuerySet:
    return Conference.objects.live().exclude(status=Conference.Status.CANCELLED)


class ConferencePolicy(Policy):
    """Visibility is the union of arms (ADR 11): each arm below is a queryset of conference ids that an
    index serves (the chair's, the minute-taker's, the children of the service's authority, the children
    case staff may edit, the invitations of the person or their agency), built once per request and kept
    on the context; ``pk = ANY(ARRAY(...))`` for lists, each arm probed with the row's key to find rows
    by key (``probe``), the child sets nested the same way."""

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

    # --- the arms: each a condition on a conference (None where it does not apply to ctx) -------------
    ARM_NAMES = ("chair", "minute taker", "service", "case staff", "invited", "reporter")

    def arm_qs(self, ctx: AccessContext, *, probe: bool = False) -> dict[str, Q | None]:
        """Each reason ctx may reach a conference, as a condition on the conference's row: for a list
        each becomes an id set (``arms``); to find rows by key (``probe``) they are tested on the row
        itself, the case staff's child by its own columns (``child_policy.edit_row_q``)."""
        return ctx.remember(("conferences.conference.arm_qs", probe), lambda: self._arm_qs(ctx, probe))

    def _arm_qs(self, ctx: AccessContext, probe: bool) -> dict[str, Q | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(self.ARM_NAMES)
        uid = ctx.user_id
        las = sorted(ctx.local_authority_ids)
        service_las = sorted(service_local_authorities(ctx))
        shown = self._child_shown_to_invitees_q(ctx)
        invitations = self.invitation_arms(ctx)
        professional = [inv.filter(kind=Invitation.InviteeKind.PROFESSIONAL, agency__isnull=False)
                        .exclude(agency_id=F("conference__child__local_authority_id")) for inv in invitations]
        if probe:  # this conference's own invitations, by its key
            invited = exists_any(inv.values("conference_id") for inv in invitations)
            reporter = exists_any(inv.values("conference_id") for inv in professional)
            case_staff = child_policy.edit_row_q(ctx, prefix="child__", key="child_id")
        else:
            invited = in_ids(inv.values("conference_id") for inv in invitations)
            reporter = in_ids(inv.values("conference_id") for inv in professional)
            case_staff = _child_editable(ctx, probe=False)
        return {
            "chair": Q(chair_id=uid, child__local_authority_id__in=las) if self.is_chair(ctx) and las else None,
            "minute taker": Q(minute_taker_id=uid, child__local_authority_id__in=las) if las else None,
            "service": Q(child__local_authority_id__in=service_las, child__restricted=False) if service_las else None,
            "case staff": case_staff if self.is_case_staff(ctx) else None,
            "invited": invited & shown,
            "reporter": reporter & shown,
        }

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        """The arms as id sets (querysets of conference ids, each served by an index), for lists (kept
        for the request)."""
        return ctx.remember("conferences.conference.arms", lambda: {
            name: None if q is None else Conference.objects.filter(q).values("pk")
            for name, q in self.arm_qs(ctx).items()})

    def invitation_arms(self, ctx: AccessContext) -> list[QuerySet]:
        """The live invitations made to ``ctx``'s own account, and to its partner agencies (as a
        practitioner or the agency's API client): one arm each (the invitation's user, its agency)."""
        live = Invitation.objects.live()
        arms = [live.filter(user_id=ctx.user_id)]
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            arms.append(live.filter(agency_id__in=sorted(agencies)))
        return arms

    def ids(self, ctx: AccessContext, *names: str):
        """The union of the named arms, compiled once for the request: the conference ids to nest in a
        list (None: no arm applies)."""
        return ctx.remember(("conferences.conference.ids", names),
                            lambda: compiled(union_all(self.arms(ctx)[n] for n in names)))

    def row_q(self, ctx: AccessContext, *names: str) -> Q:
        """The named arms tested on a conference's own row (to find rows by key)."""
        q = None
        for name in names:
            arm = self.arm_qs(ctx, probe=True)[name]
            if arm is not None:
                q = arm if q is None else q | arm
        return NOTHING if q is None else q

    def holds_q(self, ctx: AccessContext, *names: str, field: str = "pk", probe: bool = False) -> Q:
        """The rows whose ``field`` (a conference's key) is in the named arms: ``pk = ANY(ARRAY(...))``
        for a list of conferences, ``field IN (...)`` for a list of their records; to find rows by key
        (``probe``) the arms tested on the conference's row (through ``field``'s key for a record of it)."""
        if probe:
            if field == "pk":
                return self.row_q(ctx, *names)
            return Q(Exists(Conference.objects.filter(pk=OuterRef(field)).filter(self.row_q(ctx, *names))))
        if field == "pk":
            return any_ids(self.ids(ctx, *names))
        return in_ids(self.ids(ctx, *names), field)

    # --- the building blocks (Q on Conference; probe: to find rows by key) ----------------------------
    def chair_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return self.holds_q(ctx, "chair", probe=probe)

    def minute_taker_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return self.holds_q(ctx, "minute taker", probe=probe)

    def service_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return self.holds_q(ctx, "service", probe=probe)

    def case_staff_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return self.holds_q(ctx, "case staff", probe=probe)

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
        return self.holds_q(ctx, "invited", probe=probe)

    def reporter_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        """Invited to report for an agency: a professional invitation of ``ctx`` (its account or its
        partner agency) for an agency other than the child's local authority (whose report, the social
        work report, is written by case staff)."""
        return self.holds_q(ctx, "reporter", probe=probe)

    WHOLE = ("chair", "minute taker", "service", "case staff")

    def whole_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        """The people who see the whole conference: every invitation, report and document."""
        return self.holds_q(ctx, *self.WHOLE, probe=probe)

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
        return qs.filter(self.holds_q(ctx, *self.ARMS_FOR[action], probe=probe))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    # answers a conference page can have worked out with its fetch (get_for(..., answers=...))
    SEES_WHOLE = "whole"  # conference_policy.sees_whole
    CHILD_VIEW = "child:view"  # child_policy.can(ctx, "view", conference.child)
    PLAN_VIEW = "plan:view"  # plan_policy.can(ctx, "view", conference.plan)

    ARM = "arm:"  # an answer per arm (``arm:chair``): the actions and SEES_WHOLE are worked out from them

    def answer_given(self, ctx: AccessContext, fetched: str, name: str):
        """Each arm on the conference's row (the actions and SEES_WHOLE follow from them, ``get_for``);
        whether ctx may view its child, or its plan, each probed by the key the row carries."""
        if name.startswith(self.ARM):
            return self.row_q(ctx, name[len(self.ARM):])
        if name == self.CHILD_VIEW:
            return Exists(child_policy.probe(ctx, "view").filter(pk=OuterRef("child_id")))
        if name == self.PLAN_VIEW:
            return Exists(plan_policy.probe(ctx, "view").filter(pk=OuterRef("plan_id")))
        return super().answer_given(ctx, fetched, name)

    def get_for(self, ctx: AccessContext, public_id, action: str = "view", queryset: QuerySet | None = None,
                answers=(), shape=None):
        """As ``Policy.get_for``; the actions and SEES_WHOLE among ``answers`` come from one flag per arm
        on the fetched row (an arm tested once, however many actions it serves)."""
        answers = tuple(answers)
        derived = {n: (self.WHOLE if n == self.SEES_WHOLE else self.ARMS_FOR[n])
                   for n in answers if n == self.SEES_WHOLE or n in self.ARMS_FOR}
        arms = sorted({arm for names in derived.values() for arm in names})
        direct = tuple(n for n in answers if n not in derived) + tuple(self.ARM + arm for arm in arms)
        conference = super().get_for(ctx, public_id, action, queryset, answers=direct, shape=shape)
        if derived:
            flags = {arm: bool(self.known_answer(ctx, conference, self.ARM + arm)) for arm in arms}
            self.note_answers(ctx, conference, {n: any(flags[arm] for arm in names) for n, names in derived.items()})
        return conference

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
        if action == "share":
            # the social work report is shared with parents by the case staff or the chair
            return qs.filter(is_social_work_report=True).filter(
                cp.holds_q(ctx, "case staff", "chair", field="conference_id", probe=probe))
        own = ctx.agency_ids_with_role(*PARTNER_ROLES)
        whole = cp.holds_q(ctx, *cp.WHOLE, field="conference_id", probe=probe)
        theirs = Q(agency_id__in=sorted(own)) & cp.holds_q(ctx, "invited", field="conference_id", probe=probe)
        if probe:
            return qs.filter(whole | theirs if own else whole)
        ids = AgencyReport.objects.values("pk")
        return qs.filter(ids_q([ids.filter(whole), ids.filter(theirs) if own else None]))

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
        whole = cp.holds_q(ctx, *cp.WHOLE, field="conference_id", probe=probe)
        invited = cp.holds_q(ctx, "invited", field="conference_id", probe=probe)
        live_conference = Q(conference__entered_in_error_at__isnull=True)
        if probe:
            return qs.filter(live_conference).filter(whole | (cp.invitee_q(ctx) & invited))
        ids = Invitation.objects.filter(live_conference).values("pk")
        return qs.filter(ids_q([
            ids.filter(whole),
            *(mine.filter(live_conference).filter(invited).values("pk") for mine in cp.invitation_arms(ctx)),
        ]))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    def visible_for(self, ctx: AccessContext, conference: Conference) -> QuerySet:
        """The invitations of ``conference`` that ``ctx`` sees (none for a conference it may not see).
        When the page's fetch of the conference worked out whether ctx sees the whole of it, that
        decides: every live invitation, or (fetched for view or report without seeing the whole: so
        invited) the invitations made to ctx or its partner agencies. Otherwise the policy's arms are
        probed with each invitation's conference."""
        cp = conference_policy
        whole = cp.known_answer(ctx, conference, cp.SEES_WHOLE)
        opened = cp.known_answer(ctx, conference, "view") or cp.known_answer(ctx, conference, "report")
        if whole is None or not (whole or opened):
            return self.probe(ctx, "view").filter(conference_id=conference.pk)
        qs = Invitation.objects.live().filter(conference_id=conference.pk, conference__entered_in_error_at__isnull=True)
        return qs if whole else qs.filter(cp.invitee_q(ctx))


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
        whole = cp.holds_q(ctx, *cp.WHOLE, field="conference_id", probe=probe)
        live = Distribution.objects.live()
        sent = [live.filter(user_id=ctx.user_id)]
        agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
        if agencies:
            sent.append(live.filter(agency_id__in=sorted(agencies)))
        sent_to_me = in_ids(d.values("document_id") for d in sent)
        invited = cp.holds_q(ctx, "invited", field="conference_id", probe=probe)
        if probe:
            return qs.filter(whole | (sent_to_me & invited))
        ids = Document.objects.values("pk")
        return qs.filter(ids_q([ids.filter(whole), ids.filter(sent_to_me, invited)]))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)


class PlanPolicy(Policy):
    model = ChildProtectionPlan
    actions = ("view", "update", "audit")

    ARM_NAMES = ("staff", "chaired", "service", "core group")

    def arm_qs(self, ctx: AccessContext, *, probe: bool = False) -> dict[str, Q | None]:
        """Each reason ctx may reach a plan, as a condition on the plan's row (as
        ``conference_policy.arm_qs``): id sets for lists, tested on the row to find rows by key."""
        return ctx.remember(("conferences.plan.arm_qs", probe), lambda: self._arm_qs(ctx, probe))

    def _arm_qs(self, ctx: AccessContext, probe: bool) -> dict[str, Q | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(self.ARM_NAMES)
        las = sorted(ctx.local_authority_ids)
        service_las = sorted(service_local_authorities(ctx))
        chaired = (_live_cancelled_excluded().filter(chair_id=ctx.user_id, plan__isnull=False).values("plan_id")
                   if ctx.has_role(Role.CONFERENCE_CHAIR) and las else None)
        member = CoreGroupMember.objects.live().filter(user_id=ctx.user_id).values("plan_id")
        if probe:  # this plan's own conferences and core group, by its key; its child by its columns
            staff = child_policy.edit_row_q(ctx, prefix="child__", key="child_id")
            chaired_q = exists_any([chaired]) if chaired is not None else None
            member_q = exists_any([member])
        else:
            staff = _child_editable(ctx, probe=False)
            chaired_q = Q(pk__in=chaired) if chaired is not None else None
            member_q = Q(pk__in=member)
        return {
            "staff": staff if ctx.has_role(*CASE_STAFF_ROLES) else None,
            "chaired": chaired_q & Q(child__local_authority_id__in=las) if chaired_q is not None else None,
            "service": Q(child__local_authority_id__in=service_las, child__restricted=False) if service_las else None,
            "core group": member_q & child_policy.shown_q(ctx),
        }

    ARMS_FOR = {"view": ("staff", "chaired", "service", "core group"), "update": ("staff", "chaired"),
                "audit": ("chaired",)}

    def chaired_q(self, ctx: AccessContext, *, probe: bool = False) -> Q:
        return self.arm_qs(ctx, probe=probe)["chaired"] or NOTHING

    def visible(self, ctx: AccessContext, action: str = "view", *, probe: bool = False) -> QuerySet:
        self._check_action(action)
        qs = ChildProtectionPlan.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        arms = [q for q in (self.arm_qs(ctx, probe=probe)[n] for n in self.ARMS_FOR[action]) if q is not None]
        if probe:
            row = None
            for q in arms:
                row = q if row is None else row | q
            return qs.filter(NOTHING if row is None else row)
        ids = ctx.remember(("conferences.plan.ids", action), lambda: compiled(union_all(
            ChildProtectionPlan.objects.filter(q).values("pk") for q in arms)))
        return qs.filter(any_ids(ids))

    def probe(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        return self.visible(ctx, action, probe=True)

    def sees_figures(self, ctx: AccessContext) -> bool:
        """The service's figures (plans by category, repeat plans, plan lengths) are for its service managers
        and the conference service (chairs, administrators) of a local authority; each counts the plans
        ``visible(ctx, "view")`` shows them, which for both is their authority's."""
        return bool(ctx.agency_ids_with_role(Role.SERVICE_MANAGER) & ctx.local_authority_ids
                    or service_local_authorities(ctx))

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


# --- the child in need review after a plan ended (issue 10, section 3) -------------------------------------
from .models import ChildInNeedReview  # noqa: E402

CIN_LIVE = Q(entered_in_error_at__isnull=True)


class ChildInNeedReviewPolicy(Policy):
    """The three-month child in need review after a plan ended, held by a conference chair. Seen by its chair
    (while a chair of the child's authority), the conference service (the authority's unrestricted children)
    and case staff (the children they may edit); booked, moved and cancelled (``schedule``) by its chair and
    the service; recorded (``record``) by its chair only. Each arm is an id set its index serves
    (``cin_review_chair``, the child's foreign key)."""

    model = ChildInNeedReview
    actions = ("view", "schedule", "record")
    ARM_NAMES = ("chair", "service", "case staff")
    ARMS_FOR = {"view": ARM_NAMES, "schedule": ("chair", "service"), "record": ("chair",)}

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("conferences.cin_review.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(self.ARM_NAMES)
        las = sorted(ctx.local_authority_ids)
        service_las = sorted(service_local_authorities(ctx))
        reviews = ChildInNeedReview.objects.values("pk")
        return {
            "chair": reviews.filter(CIN_LIVE, chair_id=ctx.user_id, child__local_authority_id__in=las)
            if ctx.has_role(Role.CONFERENCE_CHAIR) and las else None,
            "service": reviews.filter(child__local_authority_id__in=service_las, child__restricted=False)
            if service_las else None,
            "case staff": reviews.filter(_child_editable(ctx, probe=False))
            if ctx.has_role(*CASE_STAFF_ROLES) else None,
        }

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = ChildInNeedReview.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        ids = ctx.remember(("conferences.cin_review.ids", action),
                           lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))
        return qs.filter(in_ids(ids))

    def may_list(self, ctx: AccessContext) -> bool:
        """Whether ctx is one of the people who may see these reviews at all (the list page is theirs)."""
        return conference_policy.is_chair(ctx) or conference_policy.is_service_staff(ctx) \
            or conference_policy.is_case_staff(ctx)


cin_review_policy = ChildInNeedReviewPolicy()


@register_coverage
def chairs_see_the_children_of_their_child_in_need_reviews(ctx: AccessContext) -> QuerySet | None:
    """The chair of a child in need review reaches the child's record (while a chair of the child's
    authority), as they do a child whose conference they chair: the child ids of the live, not cancelled
    reviews they hold (index ``cin_review_chair``)."""
    if not ctx.has_role(Role.CONFERENCE_CHAIR) or not ctx.local_authority_ids:
        return None
    return (ChildInNeedReview.objects.filter(CIN_LIVE, chair_id=ctx.user_id,
                                             child__local_authority_id__in=sorted(ctx.local_authority_ids))
            .exclude(status=ChildInNeedReview.Status.CANCELLED).values("child_id"))
