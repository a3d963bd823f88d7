"""Every write to a conference, its plan and its documents. Keyword-only, one transaction each.

Each service locks what it changes, validates, writes, records a CaseEvent, and returns early when
nothing changes. Every timescale goes through the statutory clock (``safeguarding.clock``): a
request opens ``icpc`` or ``transfer_in_conference``; a decision opens ``outline_plan`` and
``conference_minutes`` and, with a plan, ``core_group_first`` and ``rcpc_first`` (then ``rcpc_next``
after each review); holding a conference, recording the first core group, submitting a report and
sending documents meet them. Deadline labels never contain names (ADR 5).

The writes live in one module per topic (``request``, ``scheduling``, ``invitations``, ``reports``,
``record``, ``decision``, ``plans``, ``minutes``, ``documents``); callers use the package
(``from conferences import services; services.conference_schedule(...)``). Pure reads live in
``conferences.selectors`` and the app's rule constants in ``conferences.rules``.

Deadline labels are the clock rules' titles (``conferences.rules.deadline_label``); there is no table
of labels here any more.
"""

from ._common import TRANSITIONS, VIA_API, VIA_PAGE
from .cin_review import cin_review_cancel, cin_review_record, cin_review_schedule
from .decision import ALLOWED_OUTCOMES, ActionInput, MemberInput, conference_decide
from .documents import decision_letter_publish, document_download_log, documents_distribute
from .invitations import (
    _queue_invitation_emails,
    invitation_add,
    invitation_set_attendance,
    invitation_withdraw,
    invitations_add,
    invitations_set_attendance,
)
from .minutes import minutes_draft, minutes_edit, minutes_revise, minutes_sections_from_record, minutes_sign
from .plans import (
    core_group_meeting_record,
    core_group_member_add,
    midway_audit_record,
    plan_action_add,
    plan_action_update,
)
from .record import StaleSection, conference_hold, record_save_section, scaling_record
from .reports import CANNOT_REPORT_FOR, report_share_with_parents, report_submit
from .request import conference_request
from .scheduling import conference_cancel, conference_reschedule, conference_schedule

__all__ = [
    # writes, by topic
    "conference_request",
    "conference_schedule", "conference_reschedule", "conference_cancel",
    "invitation_add", "invitation_withdraw", "invitation_set_attendance", "invitations_add",
    "invitations_set_attendance",
    "report_submit", "report_share_with_parents", "CANNOT_REPORT_FOR",
    "record_save_section", "scaling_record", "conference_hold", "StaleSection",
    "conference_decide", "ActionInput", "MemberInput", "ALLOWED_OUTCOMES",
    "core_group_member_add", "plan_action_add", "plan_action_update", "core_group_meeting_record",
    "midway_audit_record",
    "cin_review_schedule", "cin_review_record", "cin_review_cancel",
    "minutes_draft", "minutes_edit", "minutes_revise", "minutes_sign", "minutes_sections_from_record",
    "decision_letter_publish", "documents_distribute", "document_download_log",
    "TRANSITIONS", "VIA_PAGE", "VIA_API",
    "_queue_invitation_emails",  # the calendar invitations' outbox writer (conferences.invitations hands to it)
]
