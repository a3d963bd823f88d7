"""Who may see and do what with the LADO's records (issue 11, section 4). Need to know, strictly:

- **the LADO team**: the LADO officers of a local authority (``Role.LADO_OFFICER`` in a membership of it).
  They see and work every referral, consultation, case and person-index entry of their authority's LADO
  service, and suspend the portal accounts registered with it;
- **the LADO manager**: a membership of the local authority holding both the LADO officer and the team
  manager roles (the kernel has no role of its own for it, as for the IRO manager: ADR 12). Everything the
  team does, and the log of who read which LADO record (``view_access_log``);
- **the police and children's social care**: the people the LADO invited into a case (``CaseInvitation``,
  while they are still members of the agency they were invited for). They see that case, and only it:
  never the person index, other cases, the referrals list or the consultations;
- **a referrer**: whoever made a referral from their own account (the portal or their system), while that
  account is not suspended. They see the referral's reference, status and what the LADO shared
  (``track``), nothing else.

Everybody else, service managers and every other role included, gets the same 404 as for a record that
does not exist.

Visibility is ``pk IN (arm UNION ALL arm ...)`` (ADR 11): each arm an id set served by an index
(``lado_referral_service``, ``lado_referral_own``, ``lado_case_service``, ``lado_invitation_live``,
``lado_index_dob`` on the authority), built once per request and kept on the context (``ctx.remember``).

The LADO team reaches the child's own record for the children its referrals were matched to, through
``cases.policies.register_coverage`` (``lado_team_sees_matched_children``, registered in ``lado.apps``).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Q, QuerySet

from safeguarding.access.context import AccessContext
from safeguarding.access.policies import Policy, in_ids, union_all
from safeguarding.accounts.models import AgencyKind, Role

from .models import (
    LIVE,
    LIVE_INVITATION,
    CaseInvitation,
    Consultation,
    LadoCase,
    PersonIndexEntry,
    Referral,
    ReferralChild,
    Referrer,
)

# The LADO manager: one membership of a local authority holding both roles
LADO_MANAGER_ROLES = frozenset({Role.LADO_OFFICER, Role.TEAM_MANAGER})


def lado_authorities(ctx: AccessContext) -> list[int]:
    """The local authorities in whose LADO team ``ctx`` is."""
    return sorted(ctx.agency_ids_with_role(Role.LADO_OFFICER) & ctx.local_authority_ids)


def lado_manager_authorities(ctx: AccessContext) -> list[int]:
    """The local authorities whose LADO service ``ctx`` manages."""
    return sorted(m.agency_id for m in ctx.memberships
                  if m.agency_kind == AgencyKind.LOCAL_AUTHORITY and LADO_MANAGER_ROLES <= m.roles)


def is_lado(ctx: AccessContext) -> bool:
    return bool(lado_authorities(ctx))


def is_lado_manager(ctx: AccessContext) -> bool:
    return bool(lado_manager_authorities(ctx))


def _suspended(ctx: AccessContext) -> QuerySet:
    """ctx's own portal account, if the LADO team suspended it (an uncorrelated EXISTS: run once per query)."""
    return Referrer.objects.filter(user_id=ctx.user_id, suspended_at__isnull=False)


class _ArmsPolicy(Policy):
    """A policy whose visibility is the union of named arms (``ARMS_FOR[action]``)."""

    ARMS_FOR: dict[str, tuple[str, ...]] = {}
    key = ""

    def _arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        raise NotImplementedError

    def arms(self, ctx: AccessContext) -> dict[str, QuerySet | None]:
        return ctx.remember((self.key, "arms"), lambda: self._arms(ctx) if ctx.is_authenticated else {})

    def ids(self, ctx: AccessContext, action: str) -> QuerySet | None:
        self._check_action(action)
        return ctx.remember((self.key, "ids", action),
                            lambda: union_all(self.arms(ctx).get(name) for name in self.ARMS_FOR[action]))

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        qs = self.model.objects.live()
        if not ctx.is_authenticated:
            return qs.none()
        return qs.filter(in_ids(self.ids(ctx, action)))


class ReferralPolicy(_ArmsPolicy):
    """Referrals: the LADO team sees and works them (``view``); the referrer follows their own (``track``:
    the reference, the status and what the LADO shared)."""

    model = Referral
    key = "lado.referral"
    actions = ("view", "track")
    ARMS_FOR = {"view": ("service",), "track": ("service", "own")}

    def _arms(self, ctx):
        las = lado_authorities(ctx)
        return {
            "service": Referral.objects.filter(LIVE, local_authority_id__in=las).values("pk") if las else None,
            # the referrer's own (index lado_referral_own), unless their portal account is suspended
            "own": Referral.objects.filter(LIVE, referred_by__isnull=False, referred_by_id=ctx.user_id)
            .filter(~Exists(_suspended(ctx))).values("pk"),
        }

    def answer_given(self, ctx, fetched, name):
        """On a referral fetched for ``track``: whether ctx works it (the LADO team), on the row."""
        if name == "view":
            las = lado_authorities(ctx)
            return Q(local_authority_id__in=las) if las else Q(pk__in=[])
        return super().answer_given(ctx, fetched, name)

    # --- other questions -----------------------------------------------------------------------------
    def can_refer(self, ctx: AccessContext) -> bool:
        """Whether ctx may make a referral from their own account: anyone signed in whose portal account is
        not suspended, and an agency's API client (the agency's own system, ``/api/v1/lado/referrals/``: it has
        no portal account to suspend; an administrator deactivates the client)."""
        if not ctx.is_authenticated:
            return False
        if ctx.is_api_client:
            return True
        return not ctx.remember("lado.suspended", lambda: _suspended(ctx).exists())

    def sees_figures(self, ctx: AccessContext) -> bool:
        """The service's yearly figures (ADR 29): its LADO team and manager; they count the referrals
        ``visible(ctx, "view")`` shows them, their authority's."""
        return is_lado(ctx)

    def can_record_for(self, ctx: AccessContext, local_authority_id: int) -> bool:
        """Whether ctx may record a referral or a consultation for this authority's LADO service (a telephone
        call, an email): its LADO team."""
        return local_authority_id in lado_authorities(ctx)


class CasePolicy(_ArmsPolicy):
    """The LADO's case: the LADO team sees and works it (``work``: the subject, the evaluation, safety
    decisions, invitations, the outcome); the people invited into it see it (``view``); the LADO manager
    sees who read it (``view_access_log``)."""

    model = LadoCase
    key = "lado.case"
    actions = ("view", "work", "view_access_log")
    ARMS_FOR = {"view": ("service", "invited"), "work": ("service",), "view_access_log": ("manager",)}

    def _arms(self, ctx):
        las, managed = lado_authorities(ctx), lado_manager_authorities(ctx)
        cases = LadoCase.objects.filter(LIVE)
        return {
            "service": cases.filter(local_authority_id__in=las).values("pk") if las else None,
            "manager": cases.filter(local_authority_id__in=managed).values("pk") if managed else None,
            # invited, while still a member of the agency they were invited for (index lado_invitation_live)
            "invited": CaseInvitation.objects.filter(LIVE_INVITATION, user_id=ctx.user_id,
                                                     agency_id__in=sorted(ctx.agency_ids)).values("case_id")
            if ctx.agency_ids else None,
        }

    def answer_given(self, ctx, fetched, name):
        """On a case fetched for ``view``: ``work`` and ``view_access_log`` are conditions on its row."""
        if name == "work":
            las = lado_authorities(ctx)
            return Q(local_authority_id__in=las) if las else Q(pk__in=[])
        if name == "view_access_log":
            managed = lado_manager_authorities(ctx)
            return Q(local_authority_id__in=managed) if managed else Q(pk__in=[])
        return super().answer_given(ctx, fetched, name)

    def service_authorities(self, ctx: AccessContext) -> list[int]:
        return lado_authorities(ctx)


class PersonIndexPolicy(_ArmsPolicy):
    """The person index: the LADO team only (``view``: read, search, match); the LADO manager sees who read
    an entry (``view_access_log``)."""

    model = PersonIndexEntry
    key = "lado.index"
    actions = ("view", "view_access_log")
    ARMS_FOR = {"view": ("service",), "view_access_log": ("manager",)}

    def _arms(self, ctx):
        las, managed = lado_authorities(ctx), lado_manager_authorities(ctx)
        entries = PersonIndexEntry.objects.filter(LIVE)
        return {
            "service": entries.filter(local_authority_id__in=las).values("pk") if las else None,
            "manager": entries.filter(local_authority_id__in=managed).values("pk") if managed else None,
        }

    def answer_given(self, ctx, fetched, name):
        if name == "view_access_log":
            managed = lado_manager_authorities(ctx)
            return Q(local_authority_id__in=managed) if managed else Q(pk__in=[])
        return super().answer_given(ctx, fetched, name)

    def searchable_authorities(self, ctx: AccessContext) -> list[int]:
        """The authorities whose index ctx searches (and matches new referrals against)."""
        return lado_authorities(ctx)


class ConsultationPolicy(_ArmsPolicy):
    """Consultations: the LADO team only."""

    model = Consultation
    key = "lado.consultation"
    actions = ("view",)
    ARMS_FOR = {"view": ("service",)}

    def _arms(self, ctx):
        las = lado_authorities(ctx)
        return {"service": Consultation.objects.filter(LIVE, local_authority_id__in=las).values("pk")
                if las else None}


class ReferrerPolicy(Policy):
    """Portal accounts: the LADO team of the service the referrer registered with sees them and suspends or
    reinstates them (``manage``)."""

    model = Referrer
    actions = ("manage",)

    def visible(self, ctx: AccessContext, action: str = "manage") -> QuerySet:
        self._check_action(action)
        las = lado_authorities(ctx)
        if not ctx.is_authenticated or not las:
            return Referrer.objects.none()
        return Referrer.objects.filter(local_authority_id__in=las)


referral_policy = ReferralPolicy()
case_policy = CasePolicy()
index_policy = PersonIndexPolicy()
consultation_policy = ConsultationPolicy()
referrer_policy = ReferrerPolicy()


# --- the child's record: the LADO team reaches the children its referrals were matched to ------------
def lado_team_sees_matched_children(ctx: AccessContext) -> QuerySet | None:
    """An arm of the child's visibility: the children matched to the live referrals of the LADO services
    ctx works in (index ``lado_referral_child_matched``, and the referral's authority)."""
    las = lado_authorities(ctx)
    if not las:
        return None
    return (ReferralChild.objects.filter(LIVE, child__isnull=False, referral__local_authority_id__in=las,
                                         referral__entered_in_error_at__isnull=True).values("child_id"))


COVERAGE = (lado_team_sees_matched_children,)
__all__ = [
    "COVERAGE", "LADO_MANAGER_ROLES", "case_policy", "consultation_policy", "index_policy", "is_lado",
    "is_lado_manager", "lado_authorities", "lado_manager_authorities", "referral_policy", "referrer_policy",
]


# --- evidence: files on a referral or a case, through the kernel's upload service (ADR 18) ------------------
class EvidencePolicy:
    """Who may add, list, download and withdraw evidence (``safeguarding.uploads``, purpose ``evidence``) on a
    referral or a case. The owner is fetched first through its own policy (``referral_policy`` for ``track``,
    ``case_policy`` for ``view``); these questions then decide, on that owner:

    - **add**: the LADO team on any referral or case of its service; the referrer on their own referral, while
      it is theirs and their account is not suspended (the ``track`` arm ``own``). Never on the case.
    - **list, download, withdraw**: the LADO team, every file of the referral or the case; the referrer, only
      the files they uploaded themselves on their own referral.
    - the police and children's social care invited into a case: **nothing**. The model has no notion of the
      LADO sharing a file with them (``SharedUpdate`` is text, for the referrer), so they neither see the list
      nor open a file; the LADO sends them what they need another way, as the meeting minutes are.
    """

    @staticmethod
    def _team(ctx: AccessContext, owner) -> bool:
        if isinstance(owner, LadoCase):
            return case_policy.can(ctx, "work", owner)
        if isinstance(owner, Referral):
            return referral_policy.can(ctx, "view", owner)
        return False

    @staticmethod
    def _referrer(ctx: AccessContext, owner) -> bool:
        """ctx referred ``owner`` themselves and may still follow it (not suspended, not entered in error)."""
        return (isinstance(owner, Referral) and ctx.is_authenticated and owner.referred_by_id is not None
                and owner.referred_by_id == ctx.user_id and referral_policy.can(ctx, "track", owner))

    def can_add(self, ctx: AccessContext, owner) -> bool:
        return self._team(ctx, owner) or self._referrer(ctx, owner)

    def lists_all(self, ctx: AccessContext, owner) -> bool:
        """Whether ctx sees every file of ``owner`` (the LADO team); else at most their own (``can_list``)."""
        return self._team(ctx, owner)

    def can_list(self, ctx: AccessContext, owner) -> bool:
        """Whether ctx sees any of ``owner``'s files listed (all of them, or their own)."""
        return self._team(ctx, owner) or self._referrer(ctx, owner)

    def can_download(self, ctx: AccessContext, owner, upload) -> bool:
        if upload is None or upload.owner_id != owner.pk or \
                upload.owner_type_id != ContentType.objects.get_for_model(owner).pk:
            return False
        return self._team(ctx, owner) or (self._referrer(ctx, owner) and upload.uploaded_by_id == ctx.user_id)

    can_withdraw = can_download

    @staticmethod
    def is_own(ctx: AccessContext, upload) -> bool:
        """The file is one ctx sent (what a referrer sees of a record's files)."""
        return upload.uploaded_by_id == ctx.user_id

    def listed(self, ctx: AccessContext, owner) -> QuerySet:
        """The files of ``owner`` ctx sees listed: every one for the LADO team, their own for the referrer,
        none for anyone else (oldest first, one query)."""
        from safeguarding.uploads.selectors import uploads_of

        files = uploads_of(owner).order_by("uploaded_at", "id")
        if self._team(ctx, owner):
            return files
        if self._referrer(ctx, owner):
            return files.filter(uploaded_by_id=ctx.user_id)
        return files.none()


evidence_policy = EvidencePolicy()
__all__ += ["evidence_policy"]



class OwnReferralPolicy(Policy):
    """The referrals ctx made from their own account (the portal, or their system through the API), while they
    may follow them (``referral_policy``'s ``track``: not suspended, not entered in error): what the referrer
    API lists and shows (``view``) and where it takes evidence (``evidence``). The LADO team works referrals on
    its pages, not through this API: a referral it recorded is not its "own"."""

    model = Referral
    actions = ("view", "evidence")

    def visible(self, ctx: AccessContext, action: str = "view") -> QuerySet:
        self._check_action(action)
        if not ctx.is_authenticated:
            return Referral.objects.none()
        qs = referral_policy.visible(ctx, "track").filter(referred_by_id=ctx.user_id)
        if action == "evidence":
            return qs if referral_policy.can_refer(ctx) else qs.none()
        return qs


own_referral_policy = OwnReferralPolicy()
__all__ += ["own_referral_policy"]


# --- cross-border transfers, retention and legal hold, evidence shared with the invited (ADR 22) -------------------
class TransferPolicy:
    """Notifying or transferring a case to another authority's LADO, and recording their acknowledgement: the
    LADO team working the case. The invited police and social care read the transfers on the case page (``view``)."""

    @staticmethod
    def can_record(ctx: AccessContext, case: LadoCase) -> bool:
        return case_policy.can(ctx, "work", case)


class RetentionPolicy:
    """Keeping the LADO's records:

    - **a legal hold** is placed by the LADO team on a case it works or an entry of its index (anyone who may
      know of a claim may stop disposal); it is **released** only by the LADO manager of the authority;
    - **the review list** of records past their retention date and **disposal** are the LADO manager's, for
      their authority's index;
    - **the advice to the employer** about the personnel record is recorded by the LADO team working the case.
    """

    @staticmethod
    def can_place_hold(ctx: AccessContext, record) -> bool:
        if isinstance(record, LadoCase):
            return case_policy.can(ctx, "work", record)
        if isinstance(record, PersonIndexEntry):
            return index_policy.can(ctx, "view", record)
        return False

    @staticmethod
    def can_release_hold(ctx: AccessContext, hold) -> bool:
        return ctx.is_authenticated and hold.in_force and hold.local_authority_id in lado_manager_authorities(ctx)

    @staticmethod
    def review_authorities(ctx: AccessContext) -> list[int]:
        """The authorities whose records ctx reviews for disposal (the LADO manager's)."""
        return lado_manager_authorities(ctx) if ctx.is_authenticated else []

    @staticmethod
    def can_dispose(ctx: AccessContext, entry: PersonIndexEntry) -> bool:
        return (entry.local_authority_id in RetentionPolicy.review_authorities(ctx)
                and index_policy.can(ctx, "view", entry))

    @staticmethod
    def can_advise_employer(ctx: AccessContext, case: LadoCase) -> bool:
        return case_policy.can(ctx, "work", case)


class SharedEvidencePolicy:
    """Evidence the LADO shares with the police or children's social care invited into a case:

    - **share, stop sharing**: the LADO team working the case, a file of the case or of its referral, with a live
      invitation of the case;
    - **list, download**: the invited person, the files shared with their invitation while it is live (not ended,
      still a member of the agency they were invited for) and the share is not ended. Nobody else: a police officer
      not invited, or invited into another case, gets the 404 of a missing file.
    """

    @staticmethod
    def can_share(ctx: AccessContext, case: LadoCase) -> bool:
        return case_policy.can(ctx, "work", case)

    @staticmethod
    def shared_with(ctx: AccessContext, case: LadoCase) -> QuerySet:
        """The uploads shared with ctx on ``case`` (one query; none for anyone not invited into it)."""
        from safeguarding.uploads.models import Upload

        from .models import LIVE_SHARE, EvidenceShare

        if not ctx.is_authenticated or not ctx.agency_ids or not case_policy.can(ctx, "view", case):
            return Upload.objects.none()
        shares = EvidenceShare.objects.filter(LIVE_SHARE, case_id=case.pk, invitation__user_id=ctx.user_id,
                                              invitation__ended_at__isnull=True,
                                              invitation__entered_in_error_at__isnull=True,
                                              invitation__agency_id__in=sorted(ctx.agency_ids))
        return Upload.objects.filter(pk__in=shares.values("upload_id")).order_by("uploaded_at", "id")

    def can_download(self, ctx: AccessContext, case: LadoCase, upload) -> bool:
        return upload is not None and self.shared_with(ctx, case).filter(pk=upload.pk).exists()


transfer_policy = TransferPolicy()
retention_policy = RetentionPolicy()
shared_evidence_policy = SharedEvidencePolicy()
__all__ += ["retention_policy", "shared_evidence_policy", "transfer_policy"]
