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
