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

- **invitees** (ADR 15): a person invited to a review by their own account, and the practitioners and API
  client of an agency an invitation is for, see that review (action ``invited``: when and where, not its
  record) and their own invitation, and give their views; a restricted child's review only when they may
  see the child's record.

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

from .models import (
    CURRENT_INVITATION,
    LIVE,
    OPEN,
    IroAllocation,
    LookedAfterEpisode,
    Review,
    ReviewDecision,
    ReviewInvitation,
)

CASE_STAFF_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
# The child's managers, who ratify the review record: case staff who manage (ADR 13)
CASE_MANAGER_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
# The IRO manager: one membership of a local authority holding both roles (ADR 12)
IRO_MANAGER_ROLES = frozenset({Role.IRO, Role.TEAM_MANAGER})
# An agency's people who see what the agency is invited to (ADR 15, as for conferences)
PARTNER_ROLES = (Role.PARTNER_PRACTITIONER, Role.API_CLIENT)


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
    def can_open_for(self, ctx: AccessContext, child, *, may_edit_child: bool | None = None) -> bool:
        """Whether ctx may record that ``child`` became looked after: the people who may edit the child.
        ``may_edit_child``: a page that has asked ``child_policy`` already passes its answer on."""
        if not self.is_case_staff(ctx):
            return False
        return child_policy.can(ctx, "edit", child) if may_edit_child is None else may_edit_child

    def service_authorities(self, ctx: AccessContext) -> list[int]:
        """The authorities whose IRO service ctx manages (the allocation queue and the caseload view)."""
        return iro_manager_authorities(ctx)


class ReviewPolicy(Policy):
    """Reviews: everyone who sees the period of care sees its reviews; the IRO who chaired a review keeps
    seeing it. Booking (``schedule``): the allocated IRO and the IRO manager. Running it (``record``:
    sessions, participation, holding it, its record and decisions, circulating and signing them): its IRO.
    Preparing for it (``prepare``: the social worker's contact, the plans received) and following its
    decisions through (``track``: progress, done): its IRO and case staff. Ratifying its record
    (``ratify``): the child's managers, the case staff who are team or service managers. Invited to it
    (``invited``: its time and place, their invitation, their views; ADR 15): the invitees."""

    model = Review
    actions = ("view", "schedule", "record", "prepare", "track", "ratify", "invited")
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
            "invited": invited_reviews(ctx),
        }

    ARMS_FOR = {
        "view": ("episode seen", "chaired"),
        "schedule": ("episode reviewed",),
        "record": ("chaired",),
        "prepare": ("chaired", "case staff"),
        "track": ("chaired", "case staff"),
        "ratify": ("case managers",),
        "invited": ("invited",),
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


# --- foster carers' reviews (issue 10, section 3) -----------------------------------------------------------
from .models.fostering import LIVE as FOSTERING_LIVE  # noqa: E402
from .models.fostering import FosterCarerReview, FosteringHousehold  # noqa: E402

# The supervising social worker: a social worker or team manager of the fostering service's authority
SUPERVISING_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def supervising_authorities(ctx: AccessContext) -> list[int]:
    """The local authorities in which ``ctx`` may supervise foster carers (a social worker or team manager)."""
    return sorted(ctx.agency_ids_with_role(*SUPERVISING_ROLES) & ctx.local_authority_ids)


class FosteringHouseholdPolicy(Policy):
    """Fostering households and their reviews are seen by three people and nobody else: the reviewing
    officer (the IRO who reviews the household, while an IRO of its authority), the IRO manager (the
    authority's households) and the household's supervising social worker (while a social worker or team
    manager of the authority). The IRO manager registers households, allocates the reviewing officer and
    ends an approval (``manage``); the IRO manager and the supervising social worker keep the household's
    details and the allegation note (``edit``); the reviewing officer and the IRO manager book its reviews
    (``schedule``). Each arm is an id set its own partial index serves (``household_reviewed``,
    ``household_supervised``, the service's foreign key)."""

    model = FosteringHousehold
    actions = ("view", "list_service", "manage", "edit", "schedule")
    ARM_NAMES = ("reviewing officer", "service", "supervising social worker")
    ARMS_FOR = {
        "view": ARM_NAMES,
        "list_service": ("service",),
        "manage": ("service",),
        "edit": ("service", "supervising social worker"),
        "schedule": ("reviewing officer", "service"),
    }

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.household.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        if not ctx.is_authenticated:
            return dict.fromkeys(self.ARM_NAMES)
        iro_las, manager_las, ssw_las = iro_authorities(ctx), iro_manager_authorities(ctx), supervising_authorities(ctx)
        live = FosteringHousehold.objects.filter(FOSTERING_LIVE)
        return {
            "reviewing officer": live.filter(reviewing_officer_id=ctx.user_id, fostering_service_id__in=iro_las)
            .values("pk") if iro_las else None,
            "service": live.filter(fostering_service_id__in=manager_las).values("pk") if manager_las else None,
            "supervising social worker": live.filter(supervising_social_worker_id=ctx.user_id,
                                                     fostering_service_id__in=ssw_las).values("pk")
            if ssw_las else None,
        }

    def ids(self, ctx: AccessContext, action: str) -> QuerySet | None:
        self._check_action(action)
        return ctx.remember(("reviews.household.ids", action),
                            lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = FosteringHousehold.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(self.ids(ctx, action)))

    # --- other questions -----------------------------------------------------------------------------
    def can_register_for(self, ctx: AccessContext, local_authority_id: int) -> bool:
        """Whether ctx may register a household of this authority's fostering service: its IRO manager."""
        return local_authority_id in iro_manager_authorities(ctx)

    def service_authorities(self, ctx: AccessContext) -> list[int]:
        """The authorities whose households ctx registers (the IRO manager's)."""
        return iro_manager_authorities(ctx)

    def may_have_households(self, ctx: AccessContext) -> bool:
        """Whether ctx is one of the people who may see households at all (the list page is theirs; anyone
        else gets a 404): an IRO, the IRO manager or a possible supervising social worker."""
        return bool(iro_authorities(ctx) or supervising_authorities(ctx))


class FosterCarerReviewPolicy(Policy):
    """A foster carers' review is seen by everyone who sees its household, and by the IRO who holds or held
    it (while an IRO of the household's authority); only they record it (``record``: the carers' views, the
    children's, the report and the recommendation, completing it)."""

    model = FosterCarerReview
    actions = ("view", "record")
    ARMS_FOR = {"view": ("household seen", "held"), "record": ("held",)}

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember("reviews.foster_review.arms", lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        households = household_policy.ids(ctx, "view")
        las = iro_authorities(ctx)
        return {
            "household seen": None if households is None
            else FosterCarerReview.objects.filter(household_id__in=households).values("pk"),
            # the reviews ctx holds or held (index foster_review_held), in authorities where they are an IRO
            "held": FosterCarerReview.objects.filter(FOSTERING_LIVE, reviewing_officer_id=ctx.user_id,
                                                     household__fostering_service_id__in=las).values("pk")
            if las else None,
        }

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = FosterCarerReview.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        ids = ctx.remember(("reviews.foster_review.ids", action),
                           lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))
        return qs.filter(in_ids(ids))


household_policy = FosteringHouseholdPolicy()
foster_review_policy = FosterCarerReviewPolicy()
__all__ += ["foster_review_policy", "household_policy", "supervising_authorities"]
# --- invitations to a review (ADR 15) -------------------------------------------------------------------------------
def invitation_arms(ctx: AccessContext) -> list[QuerySet]:
    """The current invitations made to ``ctx``'s own account, and to its partner agencies (as a practitioner or
    the agency's API client): one arm each, served by ``review_invitation_user`` and ``review_invitation_agency``."""
    if not ctx.is_authenticated:
        return []
    current = ReviewInvitation.objects.filter(CURRENT_INVITATION)
    arms = [current.filter(user_id=ctx.user_id)]
    agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
    if agencies:
        arms.append(current.filter(agency_id__in=sorted(agencies)))
    return arms


def invited_reviews(ctx: AccessContext) -> QuerySet | None:
    """The review ids ``ctx`` is invited to (``invitation_arms``), a restricted child's only when ctx may see
    the child's record: the reviews' "invited" arm."""
    arms = invitation_arms(ctx)
    if not arms:
        return None
    return (Review.objects.filter(in_ids(arm.values("review_id") for arm in arms))
            .filter(child_policy.shown_q(ctx, "episode__child")).values("pk"))


def invitee_q(ctx: AccessContext) -> Q:
    """On ReviewInvitation: made to ctx's own account or to one of its partner agencies (current or not)."""
    q = Q(user_id=ctx.user_id)
    agencies = ctx.agency_ids_with_role(*PARTNER_ROLES)
    if agencies:
        q |= Q(agency_id__in=sorted(agencies))
    return q


class InvitationPolicy(Policy):
    """Invitations to a review. Everyone who sees the review (``review_policy`` ``view``) sees all its invitations,
    withdrawn ones too. Invitees see their own current invitations, of a review they are invited to
    (``review_policy`` ``invited``), and nothing else (``view``); they give their views on them (``consult``:
    the service says until when). Inviting, sending and withdrawing (``manage``): the review's IRO and case staff
    (``review_policy`` ``prepare``)."""

    model = ReviewInvitation
    actions = ("view", "manage", "consult")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = ReviewInvitation.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(ctx.remember(("reviews.invitation.ids", action), lambda: self._ids(ctx, action))))

    def _ids(self, ctx: AccessContext, action: str) -> QuerySet | None:
        invitations = ReviewInvitation.objects.filter(review__entered_in_error_at__isnull=True)
        invited = review_policy.visible(ctx, "invited").values("pk")
        own = [arm.filter(review_id__in=invited).values("pk") for arm in invitation_arms(ctx)]
        if action == "manage":
            return invitations.filter(review_id__in=review_policy.visible(ctx, "prepare").values("pk")).values("pk")
        if action == "consult":
            return union_all(own)
        whole = invitations.filter(review_id__in=review_policy.visible(ctx, "view").values("pk")).values("pk")
        return union_all([whole, *own])

    def visible_for(self, ctx: AccessContext, review: Review) -> QuerySet:
        """The invitations of ``review`` that ``ctx`` sees: every one (withdrawn too) for those who see the
        review, their own current ones for invitees, none for anyone else."""
        qs = ReviewInvitation.objects.live().filter(review_id=review.pk)
        if not ctx.is_authenticated:
            return qs.none()
        if review_policy.can(ctx, "view", review):
            return qs
        if review_policy.can(ctx, "invited", review):
            return qs.filter(CURRENT_INVITATION).filter(invitee_q(ctx))
        return qs.none()


invitation_policy = InvitationPolicy()


# --- the IRO's profile (the photo and the contact the child's letters give; ADR 15) ---------------------------------
def iro_profile_editable(ctx: AccessContext, iro) -> bool:
    """Whether ``ctx`` may change ``iro``'s profile (their photo and how a child reaches them): the IRO
    themselves, and the IRO manager of an authority in which they are an IRO."""
    if not ctx.is_authenticated or iro is None:
        return False
    if iro.pk == ctx.user_id:
        return episode_policy.is_iro(ctx)
    managed = iro_manager_authorities(ctx)
    return bool(managed) and iro.memberships.filter(agency_id__in=managed, is_active=True,
                                                    roles__contains=[Role.IRO]).exists()


__all__ += ["PARTNER_ROLES", "invitation_arms", "invitation_policy", "invited_reviews", "iro_profile_editable"]


# --- between reviews: monitoring, quality assurance of the care plan, disputes (issue 10, section 3; ADR 14) ---
from .models import CarePlanQA, Dispute  # noqa: E402


def childs_worker_arms(ctx: AccessContext) -> dict[str, QuerySet | None]:
    """The periods of care of the children ctx is the allocated social worker of, and of the children whose
    allocated team ctx is a team manager of (each among the children ctx may edit: a restricted child only
    when named): those who see the IRO's feedback and disputes about their children and answer them."""

    def build():
        if not episode_policy.is_case_staff(ctx):
            return {"the child's social worker": None, "the child's team manager": None}
        editable = LookedAfterEpisode.objects.filter(child_id__in=child_policy.visible_ids(ctx, "edit"))
        teams = sorted(ctx.team_ids_with_role(Role.TEAM_MANAGER))
        return {
            "the child's social worker": editable.filter(child__allocated_social_worker_id=ctx.user_id).values("pk"),
            "the child's team manager": editable.filter(child__allocated_team_id__in=teams).values("pk")
            if teams else None,
        }

    return ctx.remember("reviews.childs_worker.arms", build)


class OversightPolicy(Policy):
    """A child's period of care between reviews. ``oversee`` (the monitoring page: the IRO's contacts and
    mid-point checks, the social worker's visits and their due dates, the quality assurance and disputes):
    the allocated IRO and the IRO manager. ``monitor`` (record a contact or mid-point check, quality-assure
    the care plan, raise a dispute): the allocated IRO. The social worker records visits as case staff
    (``episode_policy`` action ``update``)."""

    model = LookedAfterEpisode
    actions = ("oversee", "monitor")
    ARMS_FOR = {"oversee": ("allocated IRO", "service", "service, restricted"), "monitor": ("allocated IRO",)}

    def visible(self, ctx: AccessContext, action: str = "oversee") -> QuerySet:
        self._check_action(action)
        qs = LookedAfterEpisode.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        arms = episode_policy.arms(ctx)
        ids = ctx.remember(("reviews.oversight.ids", action),
                           lambda: union_all(arms[name] for name in self.ARMS_FOR[action]))
        return qs.filter(in_ids(ids))

    def sees_the_service(self, ctx: AccessContext) -> bool:
        """The IRO manager: the disputes register and the quality assurance themes."""
        return episode_policy.is_iro_manager(ctx)

    def answers_the_iro(self, ctx: AccessContext) -> bool:
        """Case staff, who may be a child's social worker or team manager (the feedback page)."""
        return episode_policy.is_case_staff(ctx)


class _BetweenReviewsPolicy(Policy):
    """A record about a child's period of care between reviews (quality assurance, a dispute): reached
    through its period by the allocated IRO, the IRO manager, and the child's social worker and team manager.
    Subclasses name the model and which arms each action takes."""

    ARMS_FOR: dict[str, tuple[str, ...]] = {}

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember(("reviews.between.arms", self.model.__name__), lambda: self._arms(ctx))

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        rows = self.model.objects.filter(LIVE).values("pk")
        episodes = {**episode_policy.arms(ctx), **childs_worker_arms(ctx)}
        names = ("allocated IRO", "service", "service, restricted", "the child's social worker",
                 "the child's team manager")
        return {name: None if episodes[name] is None else rows.filter(episode_id__in=episodes[name])
                for name in names}

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = self.model.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        ids = ctx.remember(("reviews.between.ids", self.model.__name__, action),
                           lambda: union_all(self.arms(ctx)[name] for name in self.ARMS_FOR[action]))
        return qs.filter(in_ids(ids))


class QualityPolicy(_BetweenReviewsPolicy):
    """The IRO's quality assurance of a care plan. ``view``: the allocated IRO, the IRO manager, the child's
    social worker and team manager; ``respond`` (answer the feedback): the child's social worker and team
    manager; ``themes`` (counted in the service's themes): the IRO manager."""

    model = CarePlanQA
    actions = ("view", "respond", "themes")
    ARMS_FOR = {
        "view": ("allocated IRO", "service", "service, restricted", "the child's social worker",
                 "the child's team manager"),
        "respond": ("the child's social worker", "the child's team manager"),
        "themes": ("service", "service, restricted"),
    }


class DisputePolicy(_BetweenReviewsPolicy):
    """The IRO's dispute about a child's care plan. ``view``: the allocated IRO, the IRO manager, the child's
    social worker and team manager; ``manage`` (move it on, skip a stage, refer to Cafcass, close it, record
    a response given to the IRO): the allocated IRO; ``respond`` (answer the stage it is at): the child's
    social worker and team manager; ``register`` (the service's disputes register): the IRO manager."""

    model = Dispute
    actions = ("view", "manage", "respond", "register")
    ARMS_FOR = {
        "view": ("allocated IRO", "service", "service, restricted", "the child's social worker",
                 "the child's team manager"),
        "manage": ("allocated IRO",),
        "respond": ("the child's social worker", "the child's team manager"),
        "register": ("service", "service, restricted"),
    }


oversight_policy = OversightPolicy()
quality_policy = QualityPolicy()
dispute_policy = DisputePolicy()
__all__ += ["dispute_policy", "oversight_policy", "quality_policy"]


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
