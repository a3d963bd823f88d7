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
MEETING_RECORDED = register("partnership.meeting_recorded",
                            "Rapid review meeting recorded: the merged chronology frozen")
REPORT_WRITTEN = register("partnership.report_written", "Rapid review report and decision written")
REPORT_SENT = register("partnership.report_sent", "Rapid review report sent")
REPORT_DOWNLOADED = register("partnership.report_downloaded", "Rapid review report opened")
PANEL_RESPONSE_RECORDED = register("partnership.panel_response_recorded", "National Panel's response recorded")
SUBMISSION_FILE_ADDED = register("partnership.submission_file_added", "Agency's file added to its submission")
# practice reviews and their action plans (ADR 24)
PRACTICE_REVIEW_STARTED = register("partnership.practice_review_started", "Practice or learning review started")
PRACTICE_REVIEW_RECORDED = register("partnership.practice_review_recorded",
                                    "Practice review's terms, reviewer, methodology or involvement recorded")
PRACTICE_REVIEW_DRAFT = register("partnership.practice_review_draft", "Practice review's draft report received")
PRACTICE_REVIEW_PANEL_COPY = register("partnership.practice_review_panel_copy",
                                      "Practice review's final report sent to the National Panel and DfE")
PRACTICE_REVIEW_PUBLISHED = register("partnership.practice_review_published", "Practice review published")
RECOMMENDATION_ADDED = register("partnership.recommendation_added", "Practice review's recommendation added")
ACTION_ADDED = register("partnership.action_added", "Action added to a review's action plan")
ACTION_UPDATED = register("partnership.action_updated", "Review action's status or progress updated")
ACTION_EVIDENCE_ADDED = register("partnership.action_evidence_added", "Evidence of a review action uploaded")
# the escalation register (issue 12, section 4; ADR 25)
ESCALATION_RAISED = register("partnership.escalation_raised", "Professional difference raised")
ESCALATION_RESPONDED = register("partnership.escalation_responded", "Response to a professional difference")
ESCALATION_MOVED_ON = register("partnership.escalation_moved_on", "Professional difference moved to the next stage")
ESCALATION_MEETING = register("partnership.escalation_meeting", "Multi-agency resolution meeting requested or held")
ESCALATION_CLOSED = register("partnership.escalation_closed", "Escalation closed with its outcome")
ESCALATION_ROUTED = register("partnership.escalation_routed", "Escalation kept in the register by its route")
