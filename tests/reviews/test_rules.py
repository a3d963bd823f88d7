"""The looked-after children's rules in the statutory clock (issue 10, sections 1 and 2), against section 2.2
of ../shared/domain/statutory-timescales.md: amount, unit, direction, scope and source of each, and due dates
counted by hand from the calendar (England and Wales bank holidays)."""

from datetime import date

import pytest

from safeguarding.clock import rules
from safeguarding.clock.rules import Direction, Scope, Service, Unit

D = date
WD, MONTHS = Unit.WORKING_DAYS, Unit.CALENDAR_MONTHS
AFTER, BEFORE = Direction.AFTER, Direction.BEFORE
NATIONAL, LOCAL = Scope.NATIONAL, Scope.LOCAL


@pytest.fixture(autouse=True)
def no_overrides(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}


# key, amount, unit, direction, scope, a word the source must name (the timescales document's source column)
LOOKED_AFTER_RULES = [
    ("iro_appointment", 5, WD, AFTER, NATIONAL, "IRO Handbook"),  # [C] via IRO Handbook summary
    ("lac_review_first", 20, WD, AFTER, NATIONAL, "reg 33(1)"),  # [C] reg 33(1): 20 *working* days
    ("lac_review_second", 3, MONTHS, AFTER, NATIONAL, "reg 33(2)"),
    ("lac_review_next", 6, MONTHS, AFTER, NATIONAL, "reg 33(2)"),
    ("lac_review_sw_contact", 15, WD, BEFORE, NATIONAL, "IRO Handbook"),  # [C] via summary (NIROMP)
    ("lac_review_papers", 3, WD, BEFORE, NATIONAL, "IRO Handbook"),  # [C] via summary: "at least 3 days"
    ("lac_review_decisions", 5, WD, AFTER, LOCAL, "St Helens"),  # [L]
    ("lac_review_record", 20, WD, AFTER, LOCAL, "St Helens"),  # [L]
    ("lac_review_ratification", 5, WD, AFTER, LOCAL, "Southwark"),  # [L]
    ("iro_dispute_resolution", 20, WD, AFTER, NATIONAL, "para 6.2"),  # [C] IRO Handbook para 6.2
    # section 3: one IRO reviews foster carers, at least once a year (not in the timescales document)
    ("foster_carer_review", 12, MONTHS, AFTER, NATIONAL, "reg 28(2)"),
]
# Between reviews (section 3, ADR 14; due dates in tests/reviews/test_monitoring.py)
LOOKED_AFTER_RULES += [
    ("lac_visit_first", 7, Unit.CALENDAR_DAYS, AFTER, NATIONAL, "reg 28(2)(a)"),  # [C] "within one week"
    ("lac_visit_next", 42, Unit.CALENDAR_DAYS, AFTER, NATIONAL, "reg 28(2)(b)"),  # [C] "six weeks"
    ("lac_visit_next_long_term", 3, MONTHS, AFTER, NATIONAL, "reg 28(2)(c)(i)"),  # [C] "three months"
    ("lac_midpoint_check_first", 42, Unit.CALENDAR_DAYS, AFTER, LOCAL, "IRO Handbook"),  # no national timescale
    ("lac_midpoint_check", 3, MONTHS, AFTER, LOCAL, "IRO Handbook"),
    ("lac_qa_response", 10, WD, AFTER, LOCAL, "Nottinghamshire"),
    ("iro_alert_response", 10, WD, AFTER, LOCAL, "Nottinghamshire"),  # [L]
    ("lac_review_decision", 0, Unit.CALENDAR_DAYS, AFTER, LOCAL, "IRO Handbook"),  # the date the review set
]


@pytest.mark.parametrize(("key", "amount", "unit", "direction", "scope", "source"),
                         [pytest.param(*row, id=row[0]) for row in LOOKED_AFTER_RULES])
def test_each_looked_after_rule_is_as_the_timescales_document_gives_it(key, amount, unit, direction, scope, source):
    rule = rules.get(key)
    assert (rule.amount, rule.unit, rule.direction, rule.scope) == (amount, unit, direction, scope)
    assert rule.service is Service.LOOKED_AFTER
    assert source in rule.source
    assert rule.title and rule.anchor and rule.description


def test_every_looked_after_rule_is_listed_here():
    keys = {k for k, r in rules.all_rules().items() if r.service is Service.LOOKED_AFTER}
    assert keys == {row[0] for row in LOOKED_AFTER_RULES}


def test_the_papers_rule_says_it_counts_working_days():
    # the document says "at least 3 days"; the clock counts working days, which is never later
    assert "working days" in rules.get("lac_review_papers").source


DUE = [
    # Friday 28 Aug 2026 (before the summer bank holiday, Monday 31 Aug): 1 Sep, 2, 3, 4, 7 Sep
    pytest.param("iro_appointment", D(2026, 8, 28), D(2026, 9, 7), id="iro-over-the-bank-holiday"),
    # the same Friday + 20 working days: 1-4 Sep (4), 7-11 (9), 14-18 (14), 21-25 (19), Mon 28 Sep
    pytest.param("lac_review_first", D(2026, 8, 28), D(2026, 9, 28), id="first-review-over-the-bank-holiday"),
    # Mon 28 Sep 2026 + 3 months = Mon 28 Dec 2026, the Boxing Day substitute: back to Thu 24 Dec
    pytest.param("lac_review_second", D(2026, 9, 28), D(2026, 12, 24), id="second-review-christmas"),
    # a review on Tue 1 Sep 2026: 15 working days before, skipping Mon 31 Aug: Mon 10 Aug
    pytest.param("lac_review_sw_contact", D(2026, 9, 1), D(2026, 8, 10), id="contact-before-the-bank-holiday"),
    # 3 working days before Tue 1 Sep 2026: Fri 28, Thu 27, Wed 26 Aug
    pytest.param("lac_review_papers", D(2026, 9, 1), D(2026, 8, 26), id="papers-before-the-bank-holiday"),
    # a record received Fri 18 Dec 2026: Mon 21, Tue 22, Wed 23, Thu 24, then Tue 29 Dec (25, 28 bank holidays)
    pytest.param("lac_review_ratification", D(2026, 12, 18), D(2026, 12, 29), id="sign-off-over-christmas"),
]


@pytest.mark.parametrize(("key", "anchor", "expected"), DUE)
def test_due_dates_counted_by_hand(key, anchor, expected):
    assert rules.get(key).due(anchor) == expected


def test_the_local_rules_can_be_changed_locally(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"lac_review_ratification": {"amount": 10, "note": "Local standard"}}
    rule = rules.get("lac_review_ratification")
    assert rule.amount == 10 and rule.overridden
