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

from .completion import review_decision_complete  # noqa: E402 - decisions done by their owners (ADR 16)

__all__ += ["review_decision_complete"]
