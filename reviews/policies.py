"""Who may see and do what with looked-after children's records and their reviews.

The people:
- **the allocated IRO**: the independent reviewing officer currently allocated to the child (while a
  member of the child's local authority). They see the child's period of care, its placements, plans and
  reviews, and book and run the reviews. The IROs who chaired a review keep seeing that review;
- **the IRO manager**: a member of the local authority who is both an IRO and a team manager (the
  manager of the IRO service; the kernel has no role of its own for it, see ADR 12). They see the
  service (every looked-after child of their authority, a restricted one only when they may see the
  child's record), allocate IROs and may book reviews;
- **case staff**: the people who may edit the child's record (the allocated social worker, the allocated
  team's social workers and team managers, the authority's service managers). They record the period
  of care (start, placements, legal status, plans, end), see its reviews, prepare for them and follow
  the decisions through; those of them who are team or service managers ratify the review record.

Partner agencies (ADR 16): an agency involved with the child sees its reviews' summaries
(``review_summary_policy``), and the agency a circulated decision names sees it and marks it done
(``decision_policy``); never the record. Everybody else gets the same 404 as for a record that does not
exist.

Visibility is ``pk IN (arm UNION ALL arm ...)`` (ADR 11): each arm is a queryset of ids that one index
serves (the IRO's current allocations, the reviews they chaired, the authority's children, the children
case staff may edit), built once per request and kept on the context (``ctx.remember``).

IROs and the IRO manager reach the child's own record through ``cases.policies.register_coverage``
(``iros_see_the_children_they_review``, ``iro_managers_see_the_looked_after_children``), registered in
``reviews.apps``.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from cases.policies import child_policy, open_involvement_arms
from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy, in_ids, union_all
from safeguarding.accounts.models import AgencyKind, Role

from .models import LIVE, OPEN, IroAllocation, LookedAfterEpisode, Review, ReviewDecision

CASE_STAFF_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
# The child's managers, who ratify the review record: case staff who manage (ADR 13)
CASE_MANAGER_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
# The IRO manager: one membership of a local authority holding both roles (ADR 12)
IRO_MANAGER_ROLES = frozenset({Role.IRO, Role.TEAM_MANAGER})


def iro_authorities(ctx: AccessContext) -> list[int]:
    """The local authorities in which ``ctx`` is an IRO."""
    return sorted(ctx.agency_ids_with_role(Role.IRO) & ctx.local_authority_ids)


def iro_manager_authorities(ctx: AccessContext) -> list[int]:
    """The local authorities whose IRO service ``ctx`` manages: one membership that is both an IRO's and
    a team manager's, in a local authority."""
    return sorted(m.agency_id for m in ctx.memberships
                  if m.agency_kind == AgencyKind.LOCAL_AUTHORITY and IRO_MANAGER_ROLES <= m.roles)


class EpisodePolicy(Policy):
    """A child's period of care (and, read through it, its placements, legal statuses, plans and IRO
    allocations)."""

    model = LookedAfterEpisode
    actions = ("view", "list_service", "allocate", "update", "review")
    ARMS_FOR = {
        "view": ("allocated IRO", "service", "service, restricted", "case staff"),
        "list_service": ("service", "service, restricted"),
        "allocate": ("service", "service, restricted"),
        "update": ("case staff",),
        "review": ("allocated IRO", "service", "service, restricted"),
    }

    # --- what the person does ------------------------------------------------------------------------
    def is_iro(self, ctx: AccessContext) -> bool:
        return bool(iro_authorities(ctx))

    def is_iro_manager(self, ctx: AccessContext) -> bool:
        return bool(iro_manager_authorities(ctx))

    def is_case_staff(self, ctx: AccessContext) -> bool:
        return ctx.has_role(*CASE_STAFF_ROLES)

    # --- the arms (querysets of episode ids; None where an arm does not apply) -----------------------
    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.episode.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(("allocated IRO", "service", "service, restricted", "case staff"))
        iro_las, manager_las = iro_authorities(ctx), iro_manager_authorities(ctx)
        episodes = LookedAfterEpisode.objects.values("pk")
        return {
            # the IRO's current allocations (index iro_allocation_current), in their authorities
            "allocated IRO": IroAllocation.objects.filter(
                OPEN, iro_id=ctx.user_id, episode__child__local_authority_id__in=iro_las).values("episode_id")
            if iro_las else None,
            # the IRO manager's authority: unrestricted children, and restricted ones they may see
            "service": episodes.filter(child__local_authority_id__in=manager_las, child__restricted=False)
            if manager_las else None,
            "service, restricted": episodes.filter(
                child__local_authority_id__in=manager_las, child__restricted=True,
                child_id__in=child_policy.visible_ids(ctx, "view")) if manager_las else None,
            # the children case staff may edit
            "case staff": episodes.filter(child_id__in=child_policy.visible_ids(ctx, "edit"))
            if self.is_case_staff(ctx) else None,
        }

    def ids(self, ctx: AccessContext, action: str) -> QuerySet | None:
        """The episode ids ``ctx`` may reach for ``action`` (the union of its arms; None: none)."""
        self._check_action(action)
        return ctx.remember(("reviews.episode.ids", action),
                            lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))

    # --- the three answers ---------------------------------------------------------------------------
    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = LookedAfterEpisode.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(self.ids(ctx, action)))

    # --- other questions -----------------------------------------------------------------------------
    def can_open_for(self, ctx: AccessContext, child) -> bool:
        """Whether ctx may record that ``child`` became looked after: the people who may edit the child."""
        return self.is_case_staff(ctx) and child_policy.can(ctx, "edit", child)

    def service_authorities(self, ctx: AccessContext) -> list[int]:
        """The authorities whose IRO service ctx manages (the allocation queue and the caseload view)."""
        return iro_manager_authorities(ctx)


class ReviewPolicy(Policy):
    """Reviews: everyone who sees the period of care sees its reviews; the IRO who chaired a review keeps
    seeing it. Booking (``schedule``): the allocated IRO and the IRO manager. Running it (``record``:
    sessions, participation, holding it, its record and decisions, circulating and signing them): its IRO.
    Preparing for it (``prepare``: the social worker's contact, the plans received) and following its
    decisions through (``track``: progress, done): its IRO and case staff. Ratifying its record
    (``ratify``): the child's managers, the case staff who are team or service managers."""

    model = Review
    actions = ("view", "schedule", "record", "prepare", "track", "ratify")
    CHILD_VIEW = "child:view"  # child_policy.can(ctx, "view", review.episode.child), with the fetch

    def chaired(self, ctx: AccessContext) -> QuerySet | None:
        """The reviews ctx chairs or chaired, in authorities where they are an IRO (index review_chaired)."""
        las = iro_authorities(ctx)
        if not las:
            return None
        return Review.objects.filter(LIVE, iro_id=ctx.user_id,
                                     episode__child__local_authority_id__in=las).values("pk")

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.review.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        reviews = Review.objects.values("pk")

        def of(action: str) -> QuerySet | None:
            episodes = episode_policy.ids(ctx, action)
            return None if episodes is None else reviews.filter(episode_id__in=episodes)

        case_staff = episode_policy.arms(ctx)["case staff"]
        staff = None if case_staff is None else reviews.filter(episode_id__in=case_staff)
        return {
            "episode seen": of("view"),
            "episode reviewed": of("review"),
            "chaired": self.chaired(ctx),
            "case staff": staff,
            "case managers": staff if ctx.has_role(*CASE_MANAGER_ROLES) else None,
        }

    ARMS_FOR = {
        "view": ("episode seen", "chaired"),
        "schedule": ("episode reviewed",),
        "record": ("chaired",),
        "prepare": ("chaired", "case staff"),
        "track": ("chaired", "case staff"),
        "ratify": ("case managers",),
    }

    def answer_given(self, ctx: AccessContext, fetched: str, name: str):
        """Besides the actions (each probed by the review's key): whether ctx may open the review's child,
        probed by the child's key."""
        if name == self.CHILD_VIEW:
            return Exists(child_policy.visible(ctx, "view").filter(pk=OuterRef("episode__child_id")))
        return super().answer_given(ctx, fetched, name)

    def note_child_answer(self, ctx: AccessContext, review: Review) -> None:
        """Hand the answer about the review's child (worked out with its fetch) to the child's policy, so
        ``child_policy.can(ctx, "view", child)`` asks nothing more."""
        known = self.known_answer(ctx, review, self.CHILD_VIEW)
        if known is not None:
            child_policy.note_answers(ctx, review.episode.child, {"view": known})

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Review.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        ids = ctx.remember(("reviews.review.ids", action),
                           lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))
        return qs.filter(in_ids(ids))


episode_policy = EpisodePolicy()
review_policy = ReviewPolicy()


# --- the child's record: IROs and the IRO manager reach it through their service ----------------------
def iros_see_the_children_they_review(ctx: AccessContext) -> QuerySet | None:
    """An IRO reaches the records of the children currently allocated to them (in their authorities):
    an arm of the child's visibility, the child ids of their current allocations."""
    las = iro_authorities(ctx)
    if not las:
        return None
    return (IroAllocation.objects.filter(OPEN, iro_id=ctx.user_id, episode__child__local_authority_id__in=las)
            .values("episode__child_id"))


def iro_managers_see_the_looked_after_children(ctx: AccessContext) -> QuerySet | None:
    """The IRO manager reaches the records of the children looked after by their authority now (to
    allocate an IRO): the child ids of the open periods of care of their authorities' children."""
    las = iro_manager_authorities(ctx)
    if not las:
        return None
    return (LookedAfterEpisode.objects.filter(OPEN, child__local_authority_id__in=las)
            .values("child_id"))


COVERAGE = (iros_see_the_children_they_review, iro_managers_see_the_looked_after_children)
__all__ = ["COVERAGE", "episode_policy", "iro_authorities", "iro_manager_authorities", "review_policy"]


# --- partner agencies: a review's summary and the decisions that name them (ADR 16) -------------------
PARTNER_ROLES = (Role.PARTNER_PRACTITIONER, Role.API_CLIENT)


def partner_agencies(ctx: AccessContext) -> list[int]:
    """The agencies ``ctx`` acts for as a partner (a practitioner, or the agency's API client)."""
    return sorted(ctx.agency_ids_with_role(*PARTNER_ROLES)) if ctx.is_authenticated else []


def _review_ids(ctx: AccessContext, action: str) -> QuerySet | None:
    """``review_policy``'s id set for ``action`` (the union its ``visible`` reads, kept for the request)."""
    return ctx.remember(("reviews.review.ids", action), lambda: union_all(
        review_policy.arms(ctx)[name] for name in ReviewPolicy.ARMS_FOR[action]))


class ReviewSummaryPolicy(Policy):
    """A review's summary: that it exists, its dates, its status and the child's participation code (the
    SSDA903 fields), never what its record says. Everyone who sees the review (``review_policy`` "view")
    sees its summary; so do the partner agencies involved with the child now (an open involvement of the
    agency, as a practitioner or its API client), a restricted child's only when they may see the child's
    record. The API's ``/reviews/`` and the child page's panel read reviews through it."""

    model = Review
    actions = ("view",)
    ARM_NAMES = ("episode seen", "chaired", "involved agency")

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.summary.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(self.ARM_NAMES)
        whole = review_policy.arms(ctx)
        agencies = partner_agencies(ctx)
        involved = None
        if agencies:
            # the children of the agency's open involvements (their two partial indexes), then their reviews
            children = union_all(open_involvement_arms(agency_id__in=agencies))
            involved = (Review.objects.filter(episode__child_id__in=children)
                        .filter(child_policy.shown_q(ctx, "episode__child")).values("pk"))
        return {"episode seen": whole["episode seen"], "chaired": whole["chaired"], "involved agency": involved}

    def ids(self, ctx: AccessContext) -> QuerySet | None:
        return ctx.remember("reviews.summary.ids", lambda: union_all(self.arms(ctx).values()))

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = Review.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(self.ids(ctx)))


class ReviewDecisionPolicy(Policy):
    """A review's decisions. ``view``: everyone who sees the whole review, and the partner agency a decision
    names as its owner (``owner_agency``), once the decisions have been circulated (before that the IRO is
    still writing them), a restricted child's only when they may see the child's record. ``complete`` (mark
    it done, with a note): the review's IRO and the child's case staff (``review_policy`` "track"), and that
    owner agency. A decision owned by the child's own local authority is followed through by its case staff:
    the authority is never an "owner agency" here."""

    model = ReviewDecision
    actions = ("view", "complete")
    ARMS_FOR = {"view": ("review seen", "owner agency"), "complete": ("review tracked", "owner agency")}

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.decision.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(("review seen", "review tracked", "owner agency"))
        decisions = ReviewDecision.objects.values("pk")

        def of(action: str) -> QuerySet | None:
            reviews = _review_ids(ctx, action)
            return None if reviews is None else decisions.filter(review_id__in=reviews)

        agencies = partner_agencies(ctx)
        owner = None
        if agencies:
            # the decisions naming the agency (the owner_agency index), circulated, not the child's authority
            owner = (decisions.filter(LIVE, owner_agency_id__in=agencies,
                                      review__record__decisions_circulated_on__isnull=False)
                     .exclude(owner_agency_id=F("review__episode__child__local_authority_id"))
                     .filter(child_policy.shown_q(ctx, "review__episode__child")))
        return {"review seen": of("view"), "review tracked": of("track"), "owner agency": owner}

    def ids(self, ctx: AccessContext, action: str) -> QuerySet | None:
        self._check_action(action)
        return ctx.remember(("reviews.decision.ids", action),
                            lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = ReviewDecision.objects.live().filter(review__entered_in_error_at__isnull=True)
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(self.ids(ctx, action)))

    def owned_by_agency_q(self, ctx: AccessContext) -> Q:
        """On ReviewDecision: the decisions ctx reaches as (a practitioner or the API client of) the agency
        that owns them, and not otherwise (the child page lists them apart, with a way to mark them done)."""
        owner = self.arms(ctx)["owner agency"]
        return in_ids(owner)


review_summary_policy = ReviewSummaryPolicy()
decision_policy = ReviewDecisionPolicy()
__all__ += ["PARTNER_ROLES", "decision_policy", "partner_agencies", "review_summary_policy"]
