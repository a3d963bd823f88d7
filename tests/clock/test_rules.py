"""The rules (safeguarding/clock/rules.py): the rule set the issue names, Rule.due in both directions,
and this deployment's overrides from settings (STATUTORY_RULE_OVERRIDES).

Expected dates are worked out by hand (see test_workdays.py for the bank holidays).
"""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from safeguarding.clock import rules
from safeguarding.clock.rules import Direction, Scope, Service, Unit

D = date
WD, MONTHS = Unit.WORKING_DAYS, Unit.CALENDAR_MONTHS
AFTER, BEFORE = Direction.AFTER, Direction.BEFORE
NATIONAL, LOCAL = Scope.NATIONAL, Scope.LOCAL


@pytest.fixture(autouse=True)
def no_overrides(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}


# Issue 3 §1, with ../shared/domain/statutory-timescales.md: key, amount, unit, direction, scope, service
ISSUE_RULES = [
    ("icpc", 15, WD, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("transfer_in_conference", 15, WD, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("core_group_first", 10, WD, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("rcpc_first", 3, MONTHS, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("rcpc_next", 6, MONTHS, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("outline_plan", 1, WD, AFTER, LOCAL, Service.CHILD_PROTECTION),
    ("conference_minutes", 15, WD, AFTER, LOCAL, Service.CHILD_PROTECTION),
    ("assessment", 45, WD, AFTER, NATIONAL, Service.CHILD_PROTECTION),
    ("lac_review_first", 20, WD, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_review_second", 3, MONTHS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_review_next", 6, MONTHS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("iro_appointment", 5, WD, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_review_decisions", 5, WD, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("lac_review_record", 20, WD, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("iro_dispute_resolution", 20, WD, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lado_referral", 1, WD, AFTER, NATIONAL, Service.LADO),
    ("serious_incident_notification", 5, WD, AFTER, NATIONAL, Service.PARTNERSHIP),
    ("rapid_review", 15, WD, AFTER, NATIONAL, Service.PARTNERSHIP),
    ("lcspr", 6, MONTHS, AFTER, NATIONAL, Service.PARTNERSHIP),
]
# Beyond the issue's list: local "before the conference" rules from the timescales reference §1.2
EXTRA_RULES = [
    ("conference_reports", 2, WD, BEFORE, LOCAL, Service.CHILD_PROTECTION),
    ("parents_report_share", 2, WD, BEFORE, LOCAL, Service.CHILD_PROTECTION),
    # issue 10: the pre-review clocks and the manager's sign-off of the review record (timescales §2.2)
    ("lac_review_sw_contact", 15, WD, BEFORE, NATIONAL, Service.LOOKED_AFTER),
    ("lac_review_papers", 3, WD, BEFORE, NATIONAL, Service.LOOKED_AFTER),
    ("lac_review_ratification", 5, WD, AFTER, LOCAL, Service.LOOKED_AFTER),
    # issue 10, section 3: foster carers' annual review (reg 28(2)) and the child in need review after a plan
    ("foster_carer_review", 12, MONTHS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("cin_review_after_plan", 3, MONTHS, AFTER, LOCAL, Service.CHILD_PROTECTION),
    # issue 11: the LADO's written confirmation of a suspension and its one-month resolution target (timescales §3)
    ("lado_suspension_confirmation", 1, WD, AFTER, LOCAL, Service.LADO),
    ("lado_resolution", 1, MONTHS, AFTER, LOCAL, Service.LADO),
]
# issue 10, section 3: between reviews (reg 28 visits, the IRO's mid-point check, the answers to the IRO)
EXTRA_RULES += [
    ("lac_visit_first", 7, Unit.CALENDAR_DAYS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_visit_next", 42, Unit.CALENDAR_DAYS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_visit_next_long_term", 3, MONTHS, AFTER, NATIONAL, Service.LOOKED_AFTER),
    ("lac_midpoint_check_first", 42, Unit.CALENDAR_DAYS, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("lac_midpoint_check", 3, MONTHS, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("lac_qa_response", 10, WD, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("iro_alert_response", 10, WD, AFTER, LOCAL, Service.LOOKED_AFTER),
    ("lac_review_decision", 0, Unit.CALENDAR_DAYS, AFTER, LOCAL, Service.LOOKED_AFTER),
]
# issue 12, section 2: the rapid review day by day (Cheshire East arrangements, s17): Working Day N is N - 1
# working days after Working Day 1
EXTRA_RULES += [
    ("rapid_review_consultation", 1, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_chronology_requests", 2, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_panel_notification", 4, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_information_returned", 6, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_meeting", 8, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_report_to_panel", 11, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_report_to_partners", 13, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("rapid_review_submission", 14, WD, AFTER, LOCAL, Service.PARTNERSHIP),
]
# issue 12, section 3: an alternative learning review (no longer than six months) and a review's action (ADR 24)
EXTRA_RULES += [
    ("learning_review", 6, MONTHS, AFTER, LOCAL, Service.PARTNERSHIP),
    ("partnership_action", 0, Unit.CALENDAR_DAYS, AFTER, LOCAL, Service.PARTNERSHIP),
]
# issue 11, section 3: a LADO meeting's actions and KCSIE's employer timescales (ADR 21)
EXTRA_RULES += [
    ("lado_meeting_action", 0, Unit.CALENDAR_DAYS, AFTER, LOCAL, Service.LADO),
    ("lado_investigation_report", 10, WD, AFTER, LOCAL, Service.LADO),
    ("lado_investigation_decision", 2, WD, AFTER, LOCAL, Service.LADO),
    ("lado_disciplinary_hearing", 15, WD, AFTER, LOCAL, Service.LADO),
]
# issue 12, section 4: the stages of a professional difference (ADR 25)
EXTRA_RULES += [
    ("escalation_practitioners", 2, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("escalation_managers", 5, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("escalation_senior_managers", 2, WD, AFTER, LOCAL, Service.PARTNERSHIP),
    ("escalation_arbitration", 10, WD, AFTER, LOCAL, Service.PARTNERSHIP),
]


@pytest.mark.parametrize(("key", "amount", "unit", "direction", "scope", "service"),
                         [pytest.param(*row, id=row[0]) for row in ISSUE_RULES + EXTRA_RULES])
def test_every_rule_has_the_timescale_of_its_source(key, amount, unit, direction, scope, service):
    rule = rules.get(key)
    assert (rule.key, rule.amount, rule.unit, rule.direction, rule.scope, rule.service) == (
        key, amount, unit, direction, scope, service)
    assert rule.description and rule.anchor and rule.source
    assert not rule.overridden


def test_the_rule_set_is_exactly_the_issue_list_plus_the_before_rules():
    assert set(rules.all_rules()) == {row[0] for row in ISSUE_RULES + EXTRA_RULES}
    assert rules.all_rules() == rules.defaults()


def test_rapid_review_anchor_defaults_to_the_notification_and_can_be_awareness():
    rule = rules.get("rapid_review")
    assert rule.anchor == "the serious incident notification"
    assert rule.anchor_options == ("the serious incident notification", "the local authority becoming aware")


def test_an_unknown_rule_is_an_error():
    with pytest.raises(rules.UnknownRule):
        rules.get("icpc_typo")
    with pytest.raises(KeyError):  # UnknownRule is a KeyError
        rules.get("")


SUMMARIES = [
    pytest.param("icpc", "15 working days after the strategy discussion that started the s47 enquiry", id="icpc"),
    pytest.param("outline_plan", "1 working day after the conference", id="singular-day"),
    pytest.param("rcpc_first", "3 calendar months after the initial conference", id="months"),
    pytest.param("conference_reports", "2 working days before the conference", id="before"),
]


@pytest.mark.parametrize(("key", "summary"), SUMMARIES)
def test_summary_reads_as_a_sentence(key, summary):
    assert rules.get(key).summary == summary


DUE = [
    # key, anchor, closures, expected
    pytest.param("icpc", D(2026, 12, 7), (), D(2026, 12, 30), id="icpc-over-christmas-2026"),
    pytest.param("icpc", D(2026, 12, 7), {D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)}, D(2027, 1, 5),
                 id="icpc-with-christmas-closure"),
    pytest.param("rcpc_first", D(2026, 11, 30), (), D(2027, 2, 26), id="rcpc-first-month-end-sunday"),
    pytest.param("rcpc_next", D(2027, 6, 25), (), D(2027, 12, 24), id="rcpc-next-lands-on-saturday-christmas"),
    pytest.param("lac_review_second", D(2028, 1, 31), (), D(2028, 4, 28), id="second-review-30-apr-sunday"),
    pytest.param("lac_review_next", D(2028, 2, 29), (), D(2028, 8, 29), id="next-review-from-leap-day"),
    pytest.param("conference_reports", D(2026, 4, 7), (), D(2026, 4, 1), id="before-over-easter"),
    pytest.param("parents_report_share", D(2026, 12, 29), (), D(2026, 12, 23), id="before-over-christmas"),
    pytest.param("parents_report_share", D(2026, 12, 29), {D(2026, 12, 23)}, D(2026, 12, 22),
                 id="before-over-a-closure"),
]


@pytest.mark.parametrize(("key", "anchor", "closures", "expected"), DUE)
def test_rule_due(key, anchor, closures, expected):
    assert rules.get(key).due(anchor, closures) == expected


def test_a_before_rule_in_months_counts_back_and_moves_earlier():
    rule = rules.Rule("x", "A test rule", "the event", 3, MONTHS, "test", LOCAL, direction=BEFORE)
    # 25 March 2027 - 3 months = Friday 25 December 2026, a bank holiday: back to Thursday 24 December
    assert rule.due(D(2027, 3, 25)) == D(2026, 12, 24)


# --- overrides -------------------------------------------------------------------------------------------


LOCAL_OVERRIDES = [
    pytest.param({"conference_minutes": {"amount": 10}}, "conference_minutes",
                 dict(amount=10, unit=WD, anchor="the conference"), D(2026, 12, 7), D(2026, 12, 21),
                 id="amount"),
    pytest.param({"lac_review_record": {"amount": 1, "unit": "calendar_months"}}, "lac_review_record",
                 dict(amount=1, unit=MONTHS, anchor="the review"), D(2026, 8, 31), D(2026, 9, 30),
                 id="unit-and-amount"),
    pytest.param({"outline_plan": {"anchor": "the end of the conference day"}}, "outline_plan",
                 dict(amount=1, unit=WD, anchor="the end of the conference day"), D(2026, 12, 24),
                 D(2026, 12, 29), id="anchor"),
    pytest.param({"conference_reports": {"amount": 5, "note": "RCPC reports, Devon"}}, "conference_reports",
                 dict(amount=5, unit=WD, anchor="the conference", direction=BEFORE), D(2026, 4, 7),
                 D(2026, 3, 27), id="before-rule-amount"),
]


@pytest.mark.parametrize(("overrides", "key", "fields", "anchor", "expected_due"), LOCAL_OVERRIDES)
def test_a_local_override_changes_the_rule_without_code_changes(settings, overrides, key, fields, anchor,
                                                                expected_due):
    settings.STATUTORY_RULE_OVERRIDES = overrides
    rule = rules.get(key)
    for name, value in fields.items():
        assert getattr(rule, name) == value, name
    assert rule.overridden
    assert rule.scope is LOCAL
    assert rule.due(anchor) == expected_due
    assert rules.defaults()[key] != rule  # the code's rule is untouched
    others = {k: r for k, r in rules.all_rules().items() if k != key}
    assert not any(r.overridden for r in others.values())


def test_an_override_note_is_kept(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"conference_minutes": {"amount": 10, "note": " Guernsey procedure "}}
    assert rules.get("conference_minutes").override_note == "Guernsey procedure"


def test_restating_the_default_is_not_an_override(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"conference_minutes": {"amount": 15, "unit": "working_days"}}
    assert not rules.get("conference_minutes").overridden


def test_a_national_override_needs_the_explicit_flag(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"icpc": {"amount": 20}}
    with pytest.raises(ImproperlyConfigured, match="national rule"):
        rules.all_rules()
    with pytest.raises(ImproperlyConfigured, match="national rule"):
        rules.get("assessment")  # any lookup refuses the configuration


@pytest.mark.parametrize("flag", [
    pytest.param(False, id="false"), pytest.param("true", id="string-true"), pytest.param(1, id="one"),
])
def test_the_national_flag_must_be_literally_true(settings, flag):
    settings.STATUTORY_RULE_OVERRIDES = {"icpc": {"amount": 20, "override_national": flag}}
    with pytest.raises(ImproperlyConfigured, match="override_national"):
        rules.all_rules()


def test_a_national_override_with_the_flag_applies(settings):
    settings.STATUTORY_RULE_OVERRIDES = {
        "icpc": {"amount": 20, "override_national": True, "note": "Agreed by the partnership, March 2026"}}
    rule = rules.get("icpc")
    assert (rule.amount, rule.scope, rule.overridden) == (20, NATIONAL, True)
    assert rule.override_note == "Agreed by the partnership, March 2026"
    # Mon 7 Dec 2026 + 20 WD: 13 working days to Thu 24 Dec, then 29, 30, 31 Dec, 4, 5, 6, 7 Jan
    assert rule.due(D(2026, 12, 7)) == D(2027, 1, 7)


RAPID_REVIEW_ANCHORS = [
    pytest.param("the local authority becoming aware", id="awareness"),
    pytest.param("the serious incident notification", id="notification"),
]


@pytest.mark.parametrize("anchor", RAPID_REVIEW_ANCHORS)
def test_rapid_review_anchor_can_be_either_option(settings, anchor):
    settings.STATUTORY_RULE_OVERRIDES = {"rapid_review": {"anchor": anchor, "override_national": True}}
    rule = rules.get("rapid_review")
    assert rule.anchor == anchor
    assert rule.overridden is (anchor != "the serious incident notification")
    assert rule.due(D(2027, 3, 24)) == D(2027, 4, 16)  # the amount is unchanged: 15 WD over Easter 2027


BAD_OVERRIDES = [
    pytest.param({"icpc_typo": {"amount": 10}}, "unknown rules", id="unknown-rule"),
    pytest.param({"conference_minutes": {"days": 10}}, "unknown keys", id="unknown-field"),
    pytest.param({"conference_minutes": {"amount": 10, "source": "x"}}, "unknown keys", id="source-not-overridable"),
    pytest.param({"conference_minutes": {"scope": "national"}}, "unknown keys", id="scope-not-overridable"),
    pytest.param({"rapid_review": {"anchor": "the child's death", "override_national": True}}, "must be one of",
                 id="rapid-review-anchor-not-an-option"),
    pytest.param({"conference_minutes": {"amount": 0}}, "1 or more", id="amount-zero"),
    pytest.param({"conference_minutes": {"amount": -5}}, "1 or more", id="amount-negative"),
    pytest.param({"conference_minutes": {"amount": "10"}}, "whole number", id="amount-text"),
    pytest.param({"conference_minutes": {"amount": 2.5}}, "whole number", id="amount-fraction"),
    pytest.param({"conference_minutes": {"amount": True}}, "whole number", id="amount-bool"),
    pytest.param({"conference_minutes": {"unit": "weeks"}}, "unit", id="bad-unit"),
    pytest.param({"conference_minutes": {"direction": "around"}}, "direction", id="bad-direction"),
    pytest.param({"conference_minutes": {"anchor": ""}}, "anchor", id="empty-anchor"),
    pytest.param({"conference_minutes": {"anchor": 7}}, "anchor", id="anchor-not-text"),
    pytest.param({"conference_minutes": {"amount": 10, "note": 5}}, "note", id="note-not-text"),
    pytest.param({"conference_minutes": 10}, "must be an object", id="override-not-an-object"),
    pytest.param(["conference_minutes"], "must be an object", id="overrides-not-an-object"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_OVERRIDES)
def test_a_wrong_override_is_refused(settings, overrides, message):
    settings.STATUTORY_RULE_OVERRIDES = overrides
    with pytest.raises(ImproperlyConfigured, match=message):
        rules.all_rules()


def test_no_overrides_setting_at_all(settings):
    del settings.STATUTORY_RULE_OVERRIDES
    assert not any(r.overridden for r in rules.all_rules().values())
