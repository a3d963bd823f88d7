"""Every write to a looked-after child's period of care and their reviews. Keyword-only, one transaction
each: each service locks what it changes, re-checks the policy question that guards it, validates, writes
(with history: who and why), records a CaseEvent and returns early when nothing changes. Every timescale
goes through the statutory clock (``safeguarding.clock``); deadline labels are the clock rules' titles and
never carry names (ADR 5).

By topic: ``episodes`` (becoming looked after, placements, legal status, plans, the end of the period),
``allocation`` (the IRO), ``cycle`` (the reviews), ``decisions`` (the review's decisions, circulated),
``record`` (the record written live, signed with its PDFs, ratified), ``voice`` (the child's own link and
views). Reads are in ``reviews.selectors``.
"""

from .allocation import iro_allocate
from .cycle import (
    TRANSITIONS,
    review_cancel,
    review_hold,
    review_paper_received,
    review_record_contact,
    review_request_early,
    review_reschedule,
    review_schedule,
    review_session_record,
)
from .decisions import DECISION_TRANSITIONS, review_decision_add, review_decision_update, review_decisions_circulate
from .episodes import episode_end, episode_open, episode_update, legal_status_change, placement_change, plan_record
from .record import (
    StaleSection,
    required_sections,
    review_document_download_log,
    review_record_ratify,
    review_record_save_section,
    review_record_sign,
)
from .voice import child_link_issue, child_link_revoke, child_views_save

__all__ = [
    "episode_open", "episode_update", "placement_change", "legal_status_change", "plan_record", "episode_end",
    "iro_allocate",
    "review_request_early", "review_schedule", "review_reschedule", "review_cancel", "review_record_contact",
    "review_paper_received", "review_session_record", "review_hold", "TRANSITIONS",
    "review_decision_add", "review_decision_update", "review_decisions_circulate", "DECISION_TRANSITIONS",
    "review_record_save_section", "review_record_sign", "review_record_ratify", "review_document_download_log",
    "StaleSection", "required_sections",
    "child_link_issue", "child_link_revoke", "child_views_save",
]

# foster carers' reviews (issue 10, section 3)
from .fostering import (  # noqa: E402
    foster_review_cancel,
    foster_review_child_view_add,
    foster_review_complete,
    foster_review_save,
    foster_review_schedule,
    household_allocate,
    household_end,
    household_register,
    household_update,
)

__all__ += [
    "household_register", "household_update", "household_allocate", "household_end", "foster_review_schedule",
    "foster_review_cancel", "foster_review_save", "foster_review_child_view_add", "foster_review_complete",
]

# preparing a review (ADR 15): invitations and their calendar, consultation, advocacy, the IRO's introduction
from .advocacy import advocacy_refer, advocacy_take_up, advocacy_told_record  # noqa: E402
from .consultation import (  # noqa: E402
    consultation_link_issue,
    consultation_link_revoke,
    invitee_views_save,
    invitee_views_submit,
)
from .introduction import iro_child_meeting_record, iro_introduction_make, iro_profile_update  # noqa: E402
from .invitations import (  # noqa: E402
    review_invitation_withdraw,
    review_invitations_send,
    review_invite,
    review_meeting_set,
)

__all__ += [
    "review_meeting_set", "review_invite", "review_invitations_send", "review_invitation_withdraw",
    "consultation_link_issue", "consultation_link_revoke", "invitee_views_save", "invitee_views_submit",
    "advocacy_told_record", "advocacy_refer", "advocacy_take_up",
    "iro_profile_update", "iro_introduction_make", "iro_child_meeting_record",
]

# between reviews (issue 10, section 3): monitoring, quality assurance of the care plan, disputes
from .disputes import (  # noqa: E402
    dispute_answer,
    dispute_close,
    dispute_escalate,
    dispute_raise,
    dispute_refer_to_cafcass,
)
from .monitoring import monitoring_contact_record, statutory_visit_record  # noqa: E402
from .quality import care_plan_qa_answer, care_plan_qa_record  # noqa: E402

__all__ += [
    "monitoring_contact_record", "statutory_visit_record", "care_plan_qa_record", "care_plan_qa_answer",
    "dispute_raise", "dispute_escalate", "dispute_answer", "dispute_refer_to_cafcass", "dispute_close",
]
from .completion import review_decision_complete  # noqa: E402 - decisions done by their owners (ADR 16)

__all__ += ["review_decision_complete"]
