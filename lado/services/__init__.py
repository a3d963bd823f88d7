"""Every write of the LADO app. Keyword-only, one transaction each: each service locks what it changes,
re-checks the policy question that guards it, validates (``ValidationError`` keyed by field), writes with
history (who and why), records a CaseEvent and returns early when nothing changes. Every timescale goes
through the statutory clock (``lado_referral``, ``lado_resolution``, ``lado_suspension_confirmation``);
deadline labels are the rules' titles, and notifications and emails name references only (ADR 5).

By topic: ``portal`` (registering, verifying, suspending portal accounts), ``referrals`` (referrals received,
consultations, children matched, updates shared), ``casework`` (the subject in the person index, the
evaluation, safety decisions, invitations, the outcome), ``reads`` (the view log). Reads are in
``lado.selectors``.
"""

from .casework import (
    TRANSITIONS,
    case_evaluate,
    case_invite,
    case_outcome_record,
    case_safety_record,
    case_subject_identify,
    invitable_membership,
    invitation_end,
    regulator_referral_record,
    safety_confirm_in_writing,
)
from .portal import referrer_register, referrer_reinstate, referrer_suspend, referrer_verify, registration_for_token
from .reads import VIA_API, VIA_PAGE, lado_read_log, lado_reads_log
from .referrals import consultation_record, referral_child_match, referral_share, referral_submit

__all__ = [
    "TRANSITIONS", "case_evaluate", "case_invite", "case_outcome_record", "case_safety_record",
    "case_subject_identify", "invitable_membership", "invitation_end", "regulator_referral_record",
    "safety_confirm_in_writing",
    "referrer_register", "referrer_reinstate", "referrer_suspend", "referrer_verify", "registration_for_token",
    "VIA_API", "VIA_PAGE", "lado_read_log", "lado_reads_log",
    "consultation_record", "referral_child_match", "referral_share", "referral_submit",
]

# meetings and their calendar invitations
from .meetings import meeting_book, meeting_cancel, meeting_hold, meeting_invitee_withdraw, meeting_move  # noqa: E402

__all__ += ["meeting_book", "meeting_cancel", "meeting_hold", "meeting_invitee_withdraw", "meeting_move"]

# evidence: files on a referral or a case, through the kernel's upload service
from .evidence import evidence_add, evidence_withdraw  # noqa: E402

__all__ += ["evidence_add", "evidence_withdraw"]

# cross-border transfers, retention and legal hold, evidence shared with the invited (ADR 22)
from .retention import (  # noqa: E402
    entry_dispose,
    legal_hold_place,
    legal_hold_release,
    personnel_advice_record,
)
from .sharing import evidence_share, evidence_unshare  # noqa: E402
from .transfers import transfer_acknowledge, transfer_record  # noqa: E402

__all__ += ["entry_dispose", "legal_hold_place", "legal_hold_release", "personnel_advice_record",
            "evidence_share", "evidence_unshare", "transfer_acknowledge", "transfer_record"]
# minutes and actions of the meetings, and the parallel processes (ADR 21)
from .processes import (  # noqa: E402
    action_add,
    action_update,
    minutes_issue,
    minutes_save,
    minutes_share,
    process_start,
    process_update,
)

__all__ += ["action_add", "action_update", "minutes_issue", "minutes_save", "minutes_share", "process_start",
            "process_update"]
