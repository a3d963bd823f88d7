"""The conference app's rules that services, selectors and pages all read: which statutory clock rule
each kind of conference works to, and two settings of local practice. No statutory numbers here (those
are in ``safeguarding/clock/rules.py``), and no imports of services or selectors, so both can import
this module.
"""

from __future__ import annotations

from django.conf import settings

from .models import Kind

# Local practice, not timescales: how many agencies besides children's social care make a conference
# quorate (Swindon, Sussex), and from what age a child is proposed as an invitee (the chair decides).
# (settings CONFERENCE_QUORUM_OTHER_AGENCIES and CONFERENCE_CHILD_INVITATION_AGE, read when used)


def quorum_other_agencies() -> int:
    return settings.CONFERENCE_QUORUM_OTHER_AGENCIES


def child_invitation_age() -> int:
    return settings.CONFERENCE_CHILD_INVITATION_AGE


DEADLINE_RULE_FOR_KIND = {Kind.INITIAL: "icpc", Kind.PRE_BIRTH: "icpc", Kind.TRANSFER_IN: "transfer_in_conference"}
REVIEW_RULES = ("rcpc_first", "rcpc_next")
LABELS = {  # never names (ADR 5)
    "icpc": "Initial child protection conference",
    "transfer_in_conference": "Transfer-in conference",
    "conference_reports": "Agency report for a conference",
    "parents_report_share": "Social work report shared with parents",
    "outline_plan": "Outline plan and decision letter",
    "conference_minutes": "Conference minutes sent",
    "core_group_first": "First core group meeting",
    "rcpc_first": "First review conference",
    "rcpc_next": "Next review conference",
}
