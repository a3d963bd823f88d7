"""Every write of the partnership app (issue 12; ADR 20)."""

from .rapid_review import agencies_request, criteria_decide, rapid_review_open, rapid_review_step_done
from .referrals import notification_record, referral_make, referral_triage
from .seats import seat_give
from .submissions import chronology_entry_add, information_return

__all__ = ["agencies_request", "chronology_entry_add", "criteria_decide", "information_return",
           "notification_record", "rapid_review_open", "rapid_review_step_done", "referral_make", "referral_triage",
           "seat_give"]
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
