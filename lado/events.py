"""The CaseEvent codes the LADO app records."""

from safeguarding.audit.events import register

REFERRER_REGISTERED = register("lado.referrer_registration", "Registration for the LADO referral portal asked for")
REFERRER_VERIFIED = register("lado.referrer_verified", "LADO referral portal account made (email verified)")
REFERRER_SUSPENDED = register("lado.referrer_suspended", "LADO referral portal account suspended")
REFERRER_REINSTATED = register("lado.referrer_reinstated", "LADO referral portal account reinstated")
CONSULTATION_RECORDED = register("lado.consultation_recorded", "LADO consultation (advice) recorded")
REFERRAL_RECEIVED = register("lado.referral_received", "Referral to the LADO received")
CHILD_MATCHED = register("lado.child_matched", "Child in a LADO referral matched to their record")
SHARED = register("lado.shared", "Update shared with the referrer")
SUBJECT_IDENTIFIED = register("lado.subject_identified", "Subject of a LADO case identified in the person index")
INDEX_ENTRY_ADDED = register("lado.index_entry_added", "Adult added to the LADO person index")
CASE_EVALUATED = register("lado.case_evaluated", "LADO initial evaluation recorded")
SAFETY_RECORDED = register("lado.safety_recorded", "Safety decision recorded (risk assessment, redeployment, "
                                                   "suspension)")
SUSPENSION_CONFIRMED = register("lado.suspension_confirmed", "Suspension confirmed in writing")
INVITED = register("lado.invited", "Invited into a LADO case")
INVITATION_ENDED = register("lado.invitation_ended", "Invitation into a LADO case ended")
OUTCOME_RECORDED = register("lado.outcome_recorded", "Outcome of an allegation recorded")
REGULATOR_REFERRAL = register("lado.regulator_referral", "Referral to a professional regulator recorded")
MEETING_BOOKED = register("lado.meeting_booked", "LADO meeting booked (calendar invitations sent)")
MEETING_MOVED = register("lado.meeting_moved", "LADO meeting moved (updated invitations sent)")
MEETING_CANCELLED = register("lado.meeting_cancelled", "LADO meeting cancelled")
MEETING_HELD = register("lado.meeting_held", "LADO meeting held")
EVIDENCE_ADDED = register("lado.evidence_added", "Evidence uploaded to a LADO referral or case")
EVIDENCE_WITHDRAWN = register("lado.evidence_withdrawn", "Evidence on a LADO referral or case withdrawn")
# cross-border, retention and legal hold, evidence shared with the people invited into a case (ADR 22)
TRANSFER_RECORDED = register("lado.transfer_recorded", "LADO case notified or transferred to another authority's "
                                                       "LADO")
TRANSFER_ACKNOWLEDGED = register("lado.transfer_acknowledged", "Other authority's LADO acknowledged a notification "
                                                               "or transfer")
HOLD_PLACED = register("lado.legal_hold_placed", "Legal hold placed on a LADO record")
HOLD_RELEASED = register("lado.legal_hold_released", "Legal hold on a LADO record released")
PERSONNEL_ADVICE = register("lado.personnel_advice", "Employer told to remove a false or malicious allegation from "
                                                     "the personnel record")
DISPOSED = register("lado.disposed", "LADO record disposed of under the retention policy (redacted, not deleted)")
EVIDENCE_SHARED = register("lado.evidence_shared", "Evidence shared with someone invited into a LADO case")
EVIDENCE_UNSHARED = register("lado.evidence_unshared", "Evidence no longer shared with someone invited into a LADO "
                                                       "case")
MINUTES_SAVED = register("lado.minutes_saved", "Minutes of a LADO meeting written (draft)")
MINUTES_ISSUED = register("lado.minutes_issued", "Minutes of a LADO meeting issued (full and employer's versions)")
MINUTES_SHARED = register("lado.minutes_shared", "Employer's version of a LADO meeting's minutes shared with the "
                                                 "referrer")
ACTION_ADDED = register("lado.action_added", "Action agreed at a LADO meeting")
ACTION_UPDATED = register("lado.action_updated", "LADO meeting action updated (progress, done, no longer needed)")
PROCESS_STARTED = register("lado.process_started", "Parallel process recorded on a LADO case")
PROCESS_UPDATED = register("lado.process_updated", "Parallel process on a LADO case updated")
