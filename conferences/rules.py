"""The conference app's rules that services, selectors and pages all read: which statutory clock rule
each kind of conference works to, the deadlines' labels (the clock rules' titles), and two settings of
local practice. No statutory numbers here (those
are in ``safeguarding/clock/rules.py``), and no imports of services or selectors, so both can import
this module.
"""

from __future__ import annotations

from django.conf import settings

from safeguarding.clock import rules as clock_rules

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


def deadline_label(rule_key: str) -> str:
    """The label of a deadline opened under ``rule_key``: the clock rule's plain-language title (never a
    name, ADR 5). The one source of rule titles is ``safeguarding/clock/rules.py``."""
    return clock_rules.get(rule_key).title
