"""Who may see and do what in the partnership's work (issue 12, section 5; ADR 20).

The people (a deployment is one partnership):
- **the business unit** (``Role.PARTNERSHIP_BUSINESS_UNIT``): sees all the partnership's work; triages
  referrals (recording the practice review group's decision), records notifications, runs rapid reviews;
- **a safeguarding partner's delegate** (a live ``PartnershipSeat`` of kind partner delegate): sees the
  rapid reviews and the partners' decisions, and records the decision of the partner they sit for;
- **an agency's safeguarding lead** (a live seat of kind agency lead): sees the requests addressed to
  their agency, and nothing else of the review;
- **anyone with a membership** may refer a case for review (for an agency they belong to), and is told
  nothing back about the children's records.

Anybody else gets the same 404 as for a record that does not exist. The partnership's tables hold tens
of rows a year, so visibility is a plain filter on small sets (the person's seats, read once per
request with ``ctx.remember``), not ADR 11's union of indexed id sets.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import NOTHING, Policy
from safeguarding.accounts.models import Role

from .models import AgencyRequest, CriteriaDecision, Escalation, PartnershipSeat, RapidReview, Referral

BUSINESS_UNIT = Role.PARTNERSHIP_BUSINESS_UNIT


def is_business_unit(ctx: AccessContext) -> bool:
    return ctx.is_authenticated and ctx.has_role(BUSINESS_UNIT)


def seat_agencies(ctx: AccessContext, kind: str) -> frozenset[int]:
    """The agencies ``ctx`` holds a live seat of ``kind`` for (one query per request and kind)."""
    if not ctx.is_authenticated:
        return frozenset()

    def build():
        return frozenset(PartnershipSeat.objects.filter(user_id=ctx.user_id, kind=kind, is_active=True,
                                                        agency__is_active=True).values_list("agency_id", flat=True))

    return ctx.remember(("partnership.seats", kind), build)


def delegate_agencies(ctx: AccessContext) -> frozenset[int]:
    return seat_agencies(ctx, PartnershipSeat.Kind.PARTNER_DELEGATE)


def lead_agencies(ctx: AccessContext) -> frozenset[int]:
    return seat_agencies(ctx, PartnershipSeat.Kind.AGENCY_LEAD)


class ReferralPolicy(Policy):
    model = Referral
    actions = ("view", "triage", "notify")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        if not is_business_unit(ctx):
            return Referral.objects.none()
        if action == "triage":
            return Referral.objects.filter(triage=Referral.Triage.PENDING)
        return Referral.objects.all()

    def can_refer(self, ctx: AccessContext) -> bool:
        """Anyone who works in an agency may refer a case, and an agency's own system (its API client) for it."""
        return ctx.is_authenticated and bool(ctx.agency_ids)

    def referring_agencies_for(self, ctx: AccessContext) -> frozenset[int]:
        """The agencies ``ctx`` may refer for: their own."""
        return ctx.agency_ids if self.can_refer(ctx) else frozenset()

    def sees_dashboard(self, ctx: AccessContext) -> bool:
        """The partnership dashboard: the business unit and the partners' delegates."""
        return is_business_unit(ctx) or bool(delegate_agencies(ctx))


class RapidReviewPolicy(Policy):
    """``view``: the business unit and the partners' delegates. ``manage`` (the steps, notifications,
    requests): the business unit, while open. ``decide``: a delegate, while open. ``record_meeting``: the
    business unit, while open and until the meeting is recorded. ``report`` (write the report, send it):
    the business unit, while open and once the meeting is held. ``record_response`` (the National Panel's
    response): the business unit, once submitted and until the response is recorded (ADR 23)."""

    model = RapidReview
    actions = ("view", "manage", "decide", "record_meeting", "report", "record_response")

    def _q(self, ctx: AccessContext, action: str) -> Q:
        if action in ("record_meeting", "report", "record_response"):
            if not is_business_unit(ctx):
                return NOTHING
            return {"record_meeting": Q(status=RapidReview.Status.OPEN, meeting_held_on__isnull=True),
                    "report": Q(status=RapidReview.Status.OPEN, meeting_held_on__isnull=False),
                    "record_response": Q(status=RapidReview.Status.SUBMITTED, panel_response_on__isnull=True)}[action]
        if action == "manage":
            return Q(status=RapidReview.Status.OPEN) if is_business_unit(ctx) else NOTHING
        if action == "decide":
            return Q(status=RapidReview.Status.OPEN) if delegate_agencies(ctx) else NOTHING
        return Q() if is_business_unit(ctx) or delegate_agencies(ctx) else NOTHING

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        q = self._q(ctx, action) if ctx.is_authenticated else NOTHING
        return RapidReview.objects.filter(q)

    def decision_agencies(self, ctx: AccessContext, review: RapidReview) -> frozenset[int]:
        """The statutory partners ``ctx`` records the criteria decision for on ``review``."""
        if review.status != RapidReview.Status.OPEN:
            return frozenset()
        return delegate_agencies(ctx)

    def sees_figures(self, ctx: AccessContext) -> bool:
        """The partnership's figures (ADR 29): the business unit; they count the rapid reviews ``visible(ctx)``
        shows it."""
        return is_business_unit(ctx)

    def sees_decisions(self, ctx: AccessContext) -> bool:
        return is_business_unit(ctx) or bool(delegate_agencies(ctx))

    def sees_chronology(self, ctx: AccessContext) -> bool:
        """The merged chronology on the review's page: the business unit and the partners' delegates."""
        return is_business_unit(ctx) or bool(delegate_agencies(ctx))

    def sees_requests(self, ctx: AccessContext) -> bool:
        """Every agency's request on a review's page: the business unit only (a lead sees their own)."""
        return is_business_unit(ctx)

    def sees_report(self, ctx: AccessContext) -> bool:
        """The report (its decision, the PDFs as sent) and the National Panel's response: the business unit and
        the partners' delegates (ADR 23)."""
        return is_business_unit(ctx) or bool(delegate_agencies(ctx))


class CriteriaDecisionPolicy(Policy):
    model = CriteriaDecision
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        if not rapid_review_policy.sees_decisions(ctx):
            return CriteriaDecision.objects.none()
        return CriteriaDecision.objects.all()


class AgencyRequestPolicy(Policy):
    """``view``: the business unit, and the leads of the agency asked. ``submit`` (chronology entries, files
    and the information form): the leads of the agency asked, while the review is open and the form is not
    yet returned. ``files`` (open the files an agency sent): whoever sees the merged chronology (the business
    unit, the partners' delegates) and the leads of the agency that sent them (ADR 23)."""

    model = AgencyRequest
    actions = ("view", "submit", "files")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        leads = lead_agencies(ctx)
        if action == "files" and rapid_review_policy.sees_chronology(ctx):
            return AgencyRequest.objects.all()
        if action == "submit":
            if not leads:
                return AgencyRequest.objects.none()
            return AgencyRequest.objects.filter(agency_id__in=sorted(leads), returned_on__isnull=True,
                                                rapid_review__status=RapidReview.Status.OPEN)
        if is_business_unit(ctx):
            return AgencyRequest.objects.all()
        if not leads:
            return AgencyRequest.objects.none()
        return AgencyRequest.objects.filter(agency_id__in=sorted(leads))

    def sees_requests_list(self, ctx: AccessContext) -> bool:
        """The "Requests to my agency" page: agency leads."""
        return bool(lead_agencies(ctx))


class AgencyReferralPolicy(Policy):
    """``view``: the referrals an agency made, for whoever may refer for it (its people and its own system):
    what the referral API lists and shows, with the triage outcome. Nothing of another agency's referrals (a
    404, as missing); the business unit works every referral on its pages through ``referral_policy``."""

    model = Referral
    actions = ("view",)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        agencies = referral_policy.referring_agencies_for(ctx)
        if not agencies:
            return Referral.objects.none()
        return Referral.objects.filter(referring_agency_id__in=sorted(agencies))


referral_policy = ReferralPolicy()
agency_referral_policy = AgencyReferralPolicy()
rapid_review_policy = RapidReviewPolicy()
decision_policy = CriteriaDecisionPolicy()
request_policy = AgencyRequestPolicy()


# --- practice reviews and their action plans (issue 12, section 3; ADR 24) ---------------------------------
# - the business unit starts and runs practice reviews and their action plans, and sees every action;
# - the partners' delegates (the practice review group) see the reviews and every action (the tracker);
# - an agency's safeguarding lead, and the agency's own system (its API client), see and update the actions
#   their agency owns, and nothing else of the review;
# - the library of learning summaries (published reviews only) is read by every partnership seat holder and
#   the business unit.
from .models import PracticeReview, ReviewAction  # noqa: E402


def action_agencies(ctx: AccessContext) -> frozenset[int]:
    """The agencies whose actions ``ctx`` sees and updates as their owner: their agency-lead seats, and for an
    agency's API client its own agency."""
    if not ctx.is_authenticated:
        return frozenset()
    own = lead_agencies(ctx)
    return own | ctx.agency_ids if ctx.is_api_client else own


def _practice_review_group(ctx: AccessContext) -> bool:
    return is_business_unit(ctx) or bool(delegate_agencies(ctx))


class PracticeReviewPolicy(Policy):
    """``view``: the practice review group. ``manage`` (terms, reviewer, drafts, publication): the business unit
    while in progress. ``plan`` (recommendations and actions, before or after publication): the business unit.
    ``summary`` (the library): published reviews, for every seat holder and the business unit."""

    model = PracticeReview
    actions = ("view", "manage", "plan", "summary")

    def _q(self, ctx: AccessContext, action: str) -> Q:
        if action == "plan":
            return Q() if is_business_unit(ctx) else NOTHING
        if action == "manage":
            return Q(status=PracticeReview.Status.IN_PROGRESS) if is_business_unit(ctx) else NOTHING
        if action == "summary":
            return Q(status=PracticeReview.Status.PUBLISHED) if self.sees_library(ctx) else NOTHING
        return Q() if _practice_review_group(ctx) else NOTHING

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        q = self._q(ctx, action) if ctx.is_authenticated else NOTHING
        return PracticeReview.objects.filter(q)

    def can_start(self, ctx: AccessContext) -> bool:
        """Start a practice review from a rapid review's decision or a triage: the business unit."""
        return is_business_unit(ctx)

    def sees_library(self, ctx: AccessContext) -> bool:
        """The library of learning summaries: the business unit and every live seat (delegates, agency leads)."""
        return is_business_unit(ctx) or bool(delegate_agencies(ctx)) or bool(lead_agencies(ctx))

    def sees_themes(self, ctx: AccessContext) -> bool:
        """The learning themes by year (the yearly report's table): the practice review group."""
        return _practice_review_group(ctx)


class ReviewActionPolicy(Policy):
    """``view``: the business unit and the delegates every action; an agency's lead (or its API client) the
    actions their agency owns. ``update`` (status, progress, evidence, complete): the same people, while the
    action is open (not complete, not cancelled); the delegates only read."""

    model = ReviewAction
    actions = ("view", "update")

    def _q(self, ctx: AccessContext, action: str) -> Q:
        own = action_agencies(ctx)
        owned = Q(owner_agency_id__in=sorted(own)) if own else NOTHING
        if action == "update":
            open_ = Q(status__in=ReviewAction.OPEN)
            return open_ if is_business_unit(ctx) else (open_ & owned if own else NOTHING)
        return Q() if _practice_review_group(ctx) else owned

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        q = self._q(ctx, action) if ctx.is_authenticated else NOTHING
        return ReviewAction.objects.filter(q)

    def sees_tracker(self, ctx: AccessContext) -> bool:
        """The action tracker (every action of every review): the practice review group."""
        return _practice_review_group(ctx)

    def sees_own_actions(self, ctx: AccessContext) -> bool:
        """The "Actions for your agency" page: an agency's lead (or its API client)."""
        return bool(action_agencies(ctx))


practice_review_policy = PracticeReviewPolicy()
action_policy = ReviewActionPolicy()


# --- the escalation register (issue 12, section 4; ADR 25) ----------------------------------------------------
def statutory_agencies(ctx: AccessContext) -> frozenset[int]:
    """The statutory partners among ``ctx``'s agencies (one query per request)."""
    if not ctx.is_authenticated or not ctx.agency_ids:
        return frozenset()
    from safeguarding.accounts.models import Agency

    return ctx.remember("partnership.statutory", lambda: frozenset(Agency.objects.filter(
        pk__in=sorted(ctx.agency_ids), statutory_partner=True, is_active=True).values_list("pk", flat=True)))


class EscalationPolicy(Policy):
    """``view``: the business unit (every escalation, whatever its route); the person who raised it; the people
    of the agency a professional difference is raised with; the partners' delegates once one reaches
    arbitration. ``respond`` (a response at the current stage): the agency raised with, before arbitration;
    the delegates, at arbitration. ``manage`` (move it on, record the meeting, close it): the person who raised
    it and the business unit. ``request_meeting``: anyone of a statutory partner who sees it, once. All but
    ``view`` need a professional difference still open: an escalation kept by its route is worked where it
    began (the conference, the plan, the IRO's dispute)."""

    model = Escalation
    actions = ("view", "respond", "manage", "request_meeting")

    def _arbitration(self) -> Q:
        from .protocol import arbitration_key

        return Q(stage_key=arbitration_key())

    def _view_q(self, ctx: AccessContext) -> Q:
        if is_business_unit(ctx):
            return Q()
        q = Q(raised_by_id=ctx.user_id)
        if ctx.agency_ids:
            q |= Q(route=Escalation.Route.PROFESSIONAL_DIFFERENCE, raised_with_agency_id__in=sorted(ctx.agency_ids))
        if delegate_agencies(ctx):
            q |= Q(route=Escalation.Route.PROFESSIONAL_DIFFERENCE) & self._arbitration()
        return q

    def _q(self, ctx: AccessContext, action: str) -> Q:
        if action == "view":
            return self._view_q(ctx)
        live = Q(route=Escalation.Route.PROFESSIONAL_DIFFERENCE, closed_on__isnull=True)
        if action == "respond":
            q = NOTHING
            if ctx.agency_ids:
                q = Q(raised_with_agency_id__in=sorted(ctx.agency_ids)) & ~self._arbitration()
            if delegate_agencies(ctx):
                q = q | self._arbitration()
            return live & q
        if action == "manage":
            return live & (Q() if is_business_unit(ctx) else Q(raised_by_id=ctx.user_id))
        # request_meeting
        if not statutory_agencies(ctx):
            return NOTHING
        return live & Q(meeting_requested_on__isnull=True) & self._view_q(ctx)

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        q = self._q(ctx, action) if ctx.is_authenticated else NOTHING
        return Escalation.objects.filter(q)

    def can_raise(self, ctx: AccessContext) -> bool:
        """Any practitioner in an agency (a person, or an agency's system through the API) raises a difference."""
        return ctx.is_authenticated and bool(ctx.agency_ids)

    def raising_agencies_for(self, ctx: AccessContext) -> frozenset[int]:
        return ctx.agency_ids if self.can_raise(ctx) else frozenset()

    def sees_register(self, ctx: AccessContext) -> bool:
        """The register of every escalation, with themes and volumes: the business unit (for the multi-agency
        quality assurance group)."""
        return is_business_unit(ctx)

    def meeting_agencies_for(self, ctx: AccessContext) -> frozenset[int]:
        """The statutory partners ``ctx`` may request a multi-agency resolution meeting for."""
        return statutory_agencies(ctx)

    def respond_agencies_for(self, ctx: AccessContext, escalation: Escalation) -> frozenset[int]:
        """Whom ``ctx`` answers for at the escalation's current stage: the agency raised with, or at
        arbitration the partners they are a delegate for."""
        from .protocol import arbitration_key

        if escalation.stage_key == arbitration_key():
            return delegate_agencies(ctx)
        return frozenset({escalation.raised_with_agency_id}) & ctx.agency_ids


escalation_policy = EscalationPolicy()
