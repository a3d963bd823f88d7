"""The rules of the IRO's work between reviews (issue 10, section 3; ADR 14) that services, selectors and pages
all read: which clock rule each deadline works to, which visit interval applies (reg 28(2)), which criteria a
quality assurance judges, which rule a dispute stage works to. No numbers of days here (they are the clock's
rules, ``safeguarding/clock/rules.py``), and no imports of services or selectors.
"""

from __future__ import annotations

from datetime import date

from safeguarding.clock import workdays

from .models import PermanencePlan, Review
from .models.monitoring import INFORMAL_STAGE, QA_CRITERIA
from .rules import PATHWAY_PLAN_FROM_AGE, age_on

# The social worker's statutory visits (reg 28(2)), the episode their subject: one open at a time
VISIT_FIRST = "lac_visit_first"  # within one week of the start of any placement
VISIT_NEXT = "lac_visit_next"  # then at most six weeks apart (in the first year, and after it in most cases)
VISIT_NEXT_LONG_TERM = "lac_visit_next_long_term"  # after the first year of a placement meant to last until 18
VISIT_RULES = (VISIT_FIRST, VISIT_NEXT, VISIT_NEXT_LONG_TERM)
# "The placement is intended to last until C is aged 18": the care plan's permanence plan says so
LONG_TERM_PERMANENCE = (PermanencePlan.LONG_TERM_FOSTERING, PermanencePlan.RESIDENTIAL)
# reg 28(2)(b): "for the first year of any placement"
FIRST_YEAR_MONTHS = 12

# The IRO's mid-point check, halfway to the next review (the episode its subject): opened when a review is
# held, under the rule for the interval that follows that review
MIDPOINT_RULE_AFTER = {Review.Number.FIRST: "lac_midpoint_check_first", Review.Number.SECOND: "lac_midpoint_check",
                       Review.Number.SUBSEQUENT: "lac_midpoint_check"}
MIDPOINT_RULES = tuple(dict.fromkeys(MIDPOINT_RULE_AFTER.values()))

# The answer to the IRO's quality assurance of the care plan (the quality assurance its subject)
QA_RESPONSE_RULE = "lac_qa_response"
# The answer at each stage of a dispute (the stage its subject): the informal alert, then each formal stage
ALERT_RULE = "iro_alert_response"
DISPUTE_RULE = "iro_dispute_resolution"


def stage_rule(number: int) -> str:
    return ALERT_RULE if number == INFORMAL_STAGE else DISPUTE_RULE


def next_visit_rule(*, placement_start: date, visited_on: date, long_term: bool) -> str:
    """The rule the next visit works to after a visit on ``visited_on`` (reg 28(2)(b) and (c)): at most six weeks
    apart in the first year of the placement; after it, three months apart when the placement is meant to last
    until the child is 18, otherwise still six weeks."""
    after_first_year = visited_on >= workdays.add_months(placement_start, FIRST_YEAR_MONTHS)
    return VISIT_NEXT_LONG_TERM if (after_first_year and long_term) else VISIT_NEXT


def criteria_for(date_of_birth: date | None, on: date) -> tuple[tuple[str, str, str], ...]:
    """The criteria a quality assurance on ``on`` judges: every one, leaving care only from 16 (when the pathway
    plan is made), as the review record asks for it."""
    age = age_on(date_of_birth, on)
    if age is not None and age >= PATHWAY_PLAN_FROM_AGE:
        return QA_CRITERIA
    return tuple(c for c in QA_CRITERIA if c[0] != "leaving_care")
