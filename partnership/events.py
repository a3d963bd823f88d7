"""The CaseEvent codes the partnership app records."""

from safeguarding.audit.events import register

REFERRAL_MADE = register("partnership.referral_made", "Case referred to the partnership for review")
REFERRAL_TRIAGED = register("partnership.referral_triaged", "Referral triaged by the practice review group")
NOTIFICATION_RECORDED = register("partnership.notification_recorded",
                                 "Notification to the National Panel or Ofsted recorded")
RAPID_REVIEW_OPENED = register("partnership.rapid_review_opened", "Rapid review opened on the day-by-day plan")
RAPID_REVIEW_STEP_DONE = register("partnership.rapid_review_step_done", "Rapid review step done")
CRITERIA_DECIDED = register("partnership.criteria_decided", "Partner's decision on the rapid review criteria")
AGENCIES_REQUESTED = register("partnership.agencies_requested", "Chronologies requested from agencies")
SEAT_GIVEN = register("partnership.seat_given", "Partnership seat given")
CHRONOLOGY_ENTRY_ADDED = register("partnership.chronology_entry_added", "Agency's chronology entry added")
INFORMATION_RETURNED = register("partnership.information_returned", "Agency's information form returned")
# the escalation register (issue 12, section 4; ADR 25)
ESCALATION_RAISED = register("partnership.escalation_raised", "Professional difference raised")
ESCALATION_RESPONDED = register("partnership.escalation_responded", "Response to a professional difference")
ESCALATION_MOVED_ON = register("partnership.escalation_moved_on", "Professional difference moved to the next stage")
ESCALATION_MEETING = register("partnership.escalation_meeting", "Multi-agency resolution meeting requested or held")
ESCALATION_CLOSED = register("partnership.escalation_closed", "Escalation closed with its outcome")
ESCALATION_ROUTED = register("partnership.escalation_routed", "Escalation kept in the register by its route")
