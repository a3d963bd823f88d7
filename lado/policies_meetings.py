"""Who may do what with a meeting's minutes and actions and with a case's parallel processes (ADR 21). Each
question is asked of a record whose case was fetched through ``case_policy`` (or, for a referrer, whose
referral was fetched through ``referral_policy`` for ``track``); these answer on top:

- **minutes**: the LADO team writes and issues them (``work`` on the case). The **full minutes** (with the
  third-party sections) go to the LADO team and the police and children's social care invited into the case
  (``view``); the **employer's version** to them and to the referrer (the employer's side), on their own
  referral, once the LADO has shared it with them, while they may follow it (``track``). Nobody reads a draft
  as a PDF.
- **actions**: the LADO team adds them and records any of them done or no longer needed; a person the action
  names as its owner, who sees the case (invited police or social care), records their own action done or its
  progress, never "no longer needed".
- **parallel processes**: the LADO team adds and updates them; an invited police officer updates the police
  investigation and the CPS decision, invited children's social care their enquiries; neither the other kinds.

Everything else is refused (the pages answer the same 404 as for a missing record).
"""

from __future__ import annotations

from safeguarding.access.context import AccessContext

from .models import LIVE_INVITATION, CaseInvitation, LadoCase, Meeting, MeetingAction, MeetingMinutes, ParallelProcess
from .policies import case_policy, referral_policy

FULL, EMPLOYER = "full", "employer"
# which invited people update which parallel processes (CaseInvitation.kind -> ParallelProcess.Kind)
UPDATES_BY_INVITATION = {"police": frozenset({"police", "cps"}), "csc": frozenset({"csc"})}


def _invited_kinds(ctx: AccessContext, case: LadoCase) -> frozenset[str]:
    """How ctx is invited into the case (police, csc), while a member of the agency they were invited for."""
    if not ctx.is_authenticated or not ctx.agency_ids:
        return frozenset()
    return ctx.remember(("lado.invited_kinds", case.pk), lambda: frozenset(
        CaseInvitation.objects.filter(LIVE_INVITATION, case_id=case.pk, user_id=ctx.user_id,
                                      agency_id__in=sorted(ctx.agency_ids)).values_list("kind", flat=True)))


class MeetingRecordsPolicy:
    @staticmethod
    def _works(ctx: AccessContext, case: LadoCase) -> bool:
        return case_policy.can(ctx, "work", case)

    # --- minutes ---------------------------------------------------------------------------------------------
    def can_write_minutes(self, ctx: AccessContext, meeting: Meeting) -> bool:
        return self._works(ctx, meeting.case)

    def minutes_copies(self, ctx: AccessContext, minutes: MeetingMinutes) -> frozenset[str]:
        """The versions of the issued minutes ctx may download: both for the people who see the case, the
        employer's for the referrer once shared with them; none of a draft."""
        if minutes.status != MeetingMinutes.Status.ISSUED or not ctx.is_authenticated:
            return frozenset()
        case = minutes.meeting.case
        if case_policy.can(ctx, "view", case):
            return frozenset({FULL, EMPLOYER})
        referral = case.referral
        if (minutes.shared_with_referrer_at is not None and referral.referred_by_id is not None
                and referral.referred_by_id == ctx.user_id and referral_policy.can(ctx, "track", referral)):
            return frozenset({EMPLOYER})
        return frozenset()

    # --- actions -----------------------------------------------------------------------------------------------
    def can_add_action(self, ctx: AccessContext, meeting: Meeting) -> bool:
        return self._works(ctx, meeting.case)

    def can_update_action(self, ctx: AccessContext, action: MeetingAction) -> bool:
        """Progress or done: the LADO team, or the action's own owner who sees the case."""
        case = action.meeting.case
        if self._works(ctx, case):
            return True
        return (ctx.is_authenticated and action.owner_id is not None and action.owner_id == ctx.user_id
                and case_policy.can(ctx, "view", case))

    def can_drop_action(self, ctx: AccessContext, action: MeetingAction) -> bool:
        """No longer needed: the LADO team only."""
        return self._works(ctx, action.meeting.case)

    # --- parallel processes ------------------------------------------------------------------------------------
    def can_add_process(self, ctx: AccessContext, case: LadoCase) -> bool:
        return self._works(ctx, case)

    def can_update_process(self, ctx: AccessContext, process: ParallelProcess) -> bool:
        case = process.case
        if self._works(ctx, case):
            return True
        return (any(process.kind in UPDATES_BY_INVITATION.get(kind, ()) for kind in _invited_kinds(ctx, case))
                and case_policy.can(ctx, "view", case))


meeting_records_policy = MeetingRecordsPolicy()
__all__ = ["EMPLOYER", "FULL", "meeting_records_policy"]
