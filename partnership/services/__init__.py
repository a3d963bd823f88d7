"""Every write of the partnership app (issue 12; ADR 20)."""

from .rapid_review import agencies_request, criteria_decide, rapid_review_open, rapid_review_step_done
from .referrals import notification_record, referral_make, referral_triage
from .seats import seat_give
from .submissions import chronology_entry_add, information_return

__all__ = ["agencies_request", "chronology_entry_add", "criteria_decide", "information_return",
           "notification_record", "rapid_review_open", "rapid_review_step_done", "referral_make", "referral_triage",
           "seat_give"]

from .rapid_review_report import (  # noqa: E402 - the meeting, the report and the Panel's response (ADR 23)
    panel_response_record,
    rapid_review_meeting_record,
    rapid_review_report_send,
    rapid_review_report_write,
    report_download_log,
)
from .submissions import submission_file_add  # noqa: E402

__all__ += ["panel_response_record", "rapid_review_meeting_record", "rapid_review_report_send",
            "rapid_review_report_write", "report_download_log", "submission_file_add"]
# practice reviews and their action plans (ADR 24)
from .actions import action_add, action_evidence_add, action_update  # noqa: E402
from .reviews import (  # noqa: E402
    practice_review_panel_copy,
    practice_review_publish,
    practice_review_record,
    practice_review_start,
    recommendation_add,
    review_draft_add,
)

__all__ += ["action_add", "action_evidence_add", "action_update", "practice_review_panel_copy",
            "practice_review_publish", "practice_review_record", "practice_review_start", "recommendation_add",
            "review_draft_add"]
from .escalations import (  # noqa: E402, F401 - the escalation register (ADR 25)
    escalation_close,
    escalation_close_from_route,
    escalation_meeting_held,
    escalation_meeting_request,
    escalation_move_on,
    escalation_raise,
    escalation_record_from_route,
    escalation_respond,
)
