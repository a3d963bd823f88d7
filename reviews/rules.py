"""The reviews app's rules that services, selectors and pages all read: which statutory clock rule each
review works to, the deadlines' labels (the clock rules' titles), and the participation codes a child
may have at a review. No statutory numbers here (they are in ``safeguarding/clock/rules.py``), and no
imports of services or selectors, so both can import this module.
"""

from __future__ import annotations

from datetime import date

from safeguarding.clock import rules as clock_rules

from .codes import PN0_UNDER_AGE, ParticipationCode
from .models import Review

# reg 33: the first review within 20 working days of becoming looked after, the second within three
# months of the first, then every six months; an early review counts as the review it is (the cycle goes
# on from it).
REVIEW_RULES = ("lac_review_first", "lac_review_second", "lac_review_next")
RULE_OF_NUMBER = {Review.Number.FIRST: "lac_review_first", Review.Number.SECOND: "lac_review_second",
                  Review.Number.SUBSEQUENT: "lac_review_next"}
NEXT_RULE_AFTER = {Review.Number.FIRST: "lac_review_second", Review.Number.SECOND: "lac_review_next",
                   Review.Number.SUBSEQUENT: "lac_review_next"}
# opened when a review is booked: the social worker's contact with the IRO (the review is the subject)
# and each plan the IRO must have (each paper is the subject of its own lac_review_papers deadline)
PREPARATION_RULES = ("lac_review_sw_contact",)
PAPERS_RULE = "lac_review_papers"
# the period of care's own deadlines (the episode is the subject)
EPISODE_RULES = ("iro_appointment",) + REVIEW_RULES

# The ages at which the IRO asks for the child's personal education plan before a review: local practice
# (compulsory school age by statute, extended to early years and post-16 by most virtual schools).
PEP_AGES = range(3, 18)
# the age from which a pathway plan is made (an eligible child, from 16: Children Act 1989 Sch 2 para 19B)
PATHWAY_PLAN_FROM_AGE = 16


def deadline_label(rule_key: str) -> str:
    """The label of a deadline opened under ``rule_key``: the clock rule's plain-language title (never a
    name, ADR 5)."""
    return clock_rules.get(rule_key).title


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Whole years of age on ``on``."""
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def participation_codes_for(date_of_birth: date | None, on: date) -> list[str]:
    """The participation codes a child may have at a review on ``on``: PN0 only, and only, under 4."""
    age = age_on(date_of_birth, on)
    if age is not None and age < PN0_UNDER_AGE:
        return [ParticipationCode.PN0]
    return [c for c in ParticipationCode if c != ParticipationCode.PN0]


def number_after(held: int) -> str:
    """The number of the review that follows ``held`` reviews already held in the period."""
    return (Review.Number.FIRST, Review.Number.SECOND)[held] if held < 2 else Review.Number.SUBSEQUENT


# --- the child's own link (issue 10, section 2; our choices, not statutory) ------------------------------------
# A link works for one review: until that review is held or cancelled, and never longer than this many days
# after it was made (a new link replaces it).
VOICE_LINK_DAYS = 60
# Random bytes in the link's token (URL-safe base64: 43 characters)
VOICE_LINK_TOKEN_BYTES = 32
# The most a child may write in one answer
VOICE_ANSWER_MAX = 4000


# --- preparing a review (ADR 15; local practice and our choices, not statutory) -----------------------------------
# The age from which the child is told of their right to an independent advocate (Children Act 1989 s26A) before
# each review, and the telling recorded (issue 10, section 2: local practice)
ADVOCACY_FROM_AGE = 10
# A parent's or carer's consultation link works as the child's own (VOICE_LINK_DAYS, VOICE_LINK_TOKEN_BYTES,
# VOICE_ANSWER_MAX): the same machinery (reviews.services.links)
# The IRO's photo for the child's letter: a JPEG or PNG of at most this many bytes as uploaded, stored re-encoded
# (without its metadata) at most IRO_PHOTO_MAX_SIDE pixels a side
IRO_PHOTO_MAX_BYTES = 2 * 1024 * 1024
IRO_PHOTO_MAX_SIDE = 600
