"""``manage.py statutory_due RULE DATE`` and ``--list``; compute_due with the LocalClosureDay table.

Every rule key the issue names answers for a sample date. Expected dates are worked out by hand
(bank holidays as listed in test_workdays.py).
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from safeguarding.clock.models import LocalClosureDay
from safeguarding.clock.services import compute_due

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def no_overrides(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}


def statutory_due(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("statutory_due", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


# (rule, anchor, due): one sample per rule the issue names, each chosen to cross something
EVERY_ISSUE_RULE = [
    # Mon 7 Dec 2026: 13 WD to Thu 24 Dec; Fri 25 and Mon 28 (Boxing Day's substitute) are holidays
    ("icpc", "2026-12-07", "2026-12-30"),
    # Wed 18 Mar 2026: 11 WD to Thu 2 Apr; Good Friday 3 and Easter Monday 6 Apr; 7, 8, 9, 10 Apr
    ("transfer_in_conference", "2026-03-18", "2026-04-10"),
    # Wed 23 Dec 2026: Thu 24, Tue 29, 30, 31, Mon 4 Jan .. Fri 8, Mon 11 Jan 2027
    ("core_group_first", "2026-12-23", "2027-01-11"),
    # Mon 30 Nov 2026 + 3 months = 28 Feb 2027 (clamped), a Sunday: back to Friday 26 Feb
    ("rcpc_first", "2026-11-30", "2027-02-26"),
    # Fri 25 Jun 2027 + 6 months = Sat 25 Dec 2027: back past the weekend to Fri 24 Dec
    ("rcpc_next", "2027-06-25", "2027-12-24"),
    # Thu 24 Dec 2026 + 1 WD: Fri 25, Sat 26, Sun 27, Mon 28 are not working days
    ("outline_plan", "2026-12-24", "2026-12-29"),
    # Fri 24 Dec 2027: Wed 29, 30, 31; Mon 3 Jan 2028 is New Year's substitute; Tue 4 .. Wed 19 Jan
    ("conference_minutes", "2027-12-24", "2028-01-19"),
    # Mon 7 Dec 2026 + 45 WD: the 45th working day is Thu 11 Feb 2027
    ("assessment", "2026-12-07", "2027-02-11"),
    # Mon 7 Dec 2026 + 20 WD: 13 to Thu 24 Dec, 29, 30, 31 Dec, 4, 5, 6, 7 Jan
    ("lac_review_first", "2026-12-07", "2027-01-07"),
    # Mon 31 Jan 2028 + 3 months = 30 Apr 2028 (clamped), a Sunday: back to Fri 28 Apr
    ("lac_review_second", "2028-01-31", "2028-04-28"),
    # Tue 29 Feb 2028 + 6 months = Tue 29 Aug 2028 (the day after the summer bank holiday)
    ("lac_review_next", "2028-02-29", "2028-08-29"),
    # Thu 2 Apr 2026: Good Friday and Easter Monday, then Tue 7 .. Mon 13 Apr
    ("iro_appointment", "2026-04-02", "2026-04-13"),
    # Fri 1 May 2026: early May bank holiday Mon 4 May, then Tue 5 .. Mon 11 May
    ("lac_review_decisions", "2026-05-01", "2026-05-11"),
    # Fri 22 May 2026: spring bank holiday Mon 25 May; the 20th working day is Mon 22 Jun
    ("lac_review_record", "2026-05-22", "2026-06-22"),
    # Fri 28 Aug 2026: summer bank holiday Mon 31 Aug; the 20th working day is Mon 28 Sep
    ("iro_dispute_resolution", "2026-08-28", "2026-09-28"),
    # anchored on Christmas Day 2026 (a Friday): the next working day is Tue 29 Dec
    ("lado_referral", "2026-12-25", "2026-12-29"),
    # anchored on Saturday 10 Jan 2026: Mon 12 .. Fri 16 Jan
    ("serious_incident_notification", "2026-01-10", "2026-01-16"),
    # Wed 24 Mar 2027: Thu 25, then Good Friday 26 and Easter Monday 29 Mar; the 15th is Fri 16 Apr
    ("rapid_review", "2027-03-24", "2027-04-16"),
    # Mon 31 Aug 2026 (a bank holiday) + 6 months = 28 Feb 2027, a Sunday: back to Fri 26 Feb
    ("lcspr", "2026-08-31", "2027-02-26"),
]
BEFORE_RULES = [  # the rules beyond issue 3's list (most count before their anchor)
    # 2 WD before Tue 7 Apr 2026: Mon 6 and Fri 3 are Easter holidays: Thu 2, Wed 1 Apr
    ("conference_reports", "2026-04-07", "2026-04-01"),
    # 2 WD before Tue 29 Dec 2026: Thu 24, Wed 23 Dec
    ("parents_report_share", "2026-12-29", "2026-12-23"),
    # 15 WD before Mon 7 Dec 2026: Fri 4 .. Mon 30 Nov (5), Fri 27 .. Mon 23 Nov (10), Fri 20 .. Mon 16 Nov (15)
    ("lac_review_sw_contact", "2026-12-07", "2026-11-16"),
    # 3 WD before Tue 7 Apr 2026: Easter Monday 6 and Good Friday 3 Apr are holidays: Thu 2, Wed 1, Tue 31 Mar
    ("lac_review_papers", "2026-04-07", "2026-03-31"),
    # after, not before: Fri 1 May 2026, early May bank holiday Mon 4 May, then Tue 5 .. Mon 11 May
    ("lac_review_ratification", "2026-05-01", "2026-05-11"),
]
# issue 10, section 3: between reviews (tests/reviews/test_monitoring.py counts them by hand)
BEFORE_RULES += [
    ("lac_visit_first", "2026-08-22", "2026-08-28"),  # a week after a Saturday: back to Friday
    ("lac_visit_next", "2026-07-20", "2026-08-28"),  # six weeks: Mon 31 Aug is a bank holiday
    ("lac_visit_next_long_term", "2027-03-02", "2027-06-02"),
    ("lac_midpoint_check_first", "2026-03-27", "2026-05-08"),
    ("lac_midpoint_check", "2026-06-26", "2026-09-25"),
    ("lac_qa_response", "2026-03-27", "2026-04-14"),  # over Easter
    ("iro_alert_response", "2026-03-27", "2026-04-14"),
    # the foster carers' review and the child in need review after a plan (ADR 17), listed here too
    ("foster_carer_review", "2026-03-27", "2027-03-25"),  # Sat 27 March 2027; Fri 26 is Good Friday
    ("cin_review_after_plan", "2026-06-26", "2026-09-25"),  # 26 September 2026 is a Saturday
    ("lac_review_decision", "2026-12-26", "2026-12-24"),  # the day the review set: Boxing Day, then Christmas
    # the LADO's (ADR 19): Thu 24 Dec 2026 suspended: Christmas, the weekend, Boxing Day observed; Tue 29 Dec
    ("lado_suspension_confirmation", "2026-12-24", "2026-12-29"),
    ("lado_resolution", "2026-03-03", "2026-04-02"),  # a month on is Good Friday 3 April 2026
    # the rapid review day by day (ADR 20), from Working Day 1 Wednesday 24 March 2027, Easter between
    # (Good Friday 26 March, Easter Monday 29 March): day 2 is Thu 25, day 3 Tue 30 March, day 5 Thu 1 April,
    # day 7 Mon 5, day 9 Wed 7, day 12 Mon 12, day 14 Wed 14, day 15 Thu 15 April
    ("rapid_review_consultation", "2027-03-24", "2027-03-25"),
    ("rapid_review_chronology_requests", "2027-03-24", "2027-03-30"),
    ("rapid_review_panel_notification", "2027-03-24", "2027-04-01"),
    ("rapid_review_information_returned", "2027-03-24", "2027-04-05"),
    ("rapid_review_meeting", "2027-03-24", "2027-04-07"),
    ("rapid_review_report_to_panel", "2027-03-24", "2027-04-12"),
    ("rapid_review_report_to_partners", "2027-03-24", "2027-04-14"),
    ("rapid_review_submission", "2027-03-24", "2027-04-15"),
]
# practice reviews and their action plans (ADR 24): a learning review six months on (from Thu 25 March 2027:
# Sat 25 Sep, back to Fri 24);
# an action due on its own date (Easter Monday 29 March 2027: back over Good Friday to Thu 25 March)
BEFORE_RULES += [
    ("learning_review", "2027-03-24", "2027-09-24"),
    ("learning_review", "2027-03-25", "2027-09-24"),
    ("partnership_action", "2027-03-29", "2027-03-25"),
]
# the LADO's meeting actions and the employer's timescales (ADR 21), counted by hand:
BEFORE_RULES += [
    # the date the meeting set: Mon 28 Dec 2026 is Boxing Day observed; Sun 27, Sat 26, Christmas: Thu 24 Dec
    ("lado_meeting_action", "2026-12-28", "2026-12-24"),
    # 10 WD from Mon 30 Mar 2026 over Easter (Good Friday 3, Easter Monday 6 April): Wed 15 April
    ("lado_investigation_report", "2026-03-30", "2026-04-15"),
    # 2 WD from Thu 24 Dec 2026: Christmas, the weekend, Boxing Day observed: Tue 29, Wed 30 Dec
    ("lado_investigation_decision", "2026-12-24", "2026-12-30"),
    # 15 WD from Mon 4 May 2026 (the early May bank holiday) with the spring bank holiday Mon 25 May: Tue 26 May
    ("lado_disciplinary_hearing", "2026-05-04", "2026-05-26"),
]
# professional differences (ADR 25), each stage from its start: Wednesday 24 March 2027 with Easter between
# (Good Friday 26 March, Easter Monday 29 March); senior managers from Christmas Eve 2026 (Christmas Day, the
# weekend, Boxing Day observed on Monday 28 December): Tuesday 29 and Wednesday 30 December
BEFORE_RULES += [
    ("escalation_practitioners", "2027-03-24", "2027-03-30"),
    ("escalation_managers", "2027-03-24", "2027-04-02"),
    ("escalation_senior_managers", "2026-12-24", "2026-12-30"),
    ("escalation_arbitration", "2027-03-24", "2027-04-09"),
]
ISSUE_KEYS = {
    "icpc", "transfer_in_conference", "core_group_first", "rcpc_first", "rcpc_next", "outline_plan",
    "conference_minutes", "assessment", "lac_review_first", "lac_review_second", "lac_review_next",
    "iro_appointment", "lac_review_decisions", "lac_review_record", "iro_dispute_resolution", "lado_referral",
    "serious_incident_notification", "rapid_review", "lcspr",
}


def test_the_samples_cover_every_rule_key_the_issue_names():
    assert {key for key, _a, _d in EVERY_ISSUE_RULE} == ISSUE_KEYS


@pytest.mark.parametrize(("rule", "anchor", "due"),
                         [pytest.param(*row, id=row[0]) for row in EVERY_ISSUE_RULE + BEFORE_RULES])
def test_statutory_due_prints_the_date_and_nothing_else(rule, anchor, due):
    assert statutory_due(rule, anchor) == f"{due}\n"


# --- local closure days from the table --------------------------------------------------------------------

CLOSURES = [
    # closed 29-31 Dec 2026: Mon 7 Dec + 15 WD = 13 to Thu 24 Dec, then Mon 4 and Tue 5 Jan 2027
    pytest.param("icpc", "2026-12-07", ["2026-12-29", "2026-12-30", "2026-12-31"], "2027-01-05",
                 id="icpc-christmas-closure"),
    # Thu 24 Dec 2026 + 1 WD with 29 Dec closed: Wed 30 Dec
    pytest.param("outline_plan", "2026-12-24", ["2026-12-29"], "2026-12-30", id="outline-plan-closure"),
    # Wed 24 Jun 2026 + 6 months = Thu 24 Dec 2026, closed: back to Wed 23 Dec
    pytest.param("rcpc_next", "2026-06-24", ["2026-12-24"], "2026-12-23", id="month-rule-lands-on-closure"),
    # 2 WD before Tue 29 Dec 2026 with 23 Dec closed: Thu 24, Tue 22 Dec
    pytest.param("parents_report_share", "2026-12-29", ["2026-12-23"], "2026-12-22", id="before-rule-closure"),
    # a closure outside the period changes nothing
    pytest.param("icpc", "2026-12-07", ["2027-01-06"], "2026-12-30", id="closure-after-due-date"),
]


@pytest.mark.parametrize(("rule", "anchor", "closed", "due"), CLOSURES)
def test_local_closure_days_in_the_table_apply(rule, anchor, closed, due):
    for day in closed:
        LocalClosureDay.objects.create(date=date.fromisoformat(day), name="Council closure")
    assert statutory_due(rule, anchor) == f"{due}\n"
    assert compute_due(rule, date.fromisoformat(anchor)) == date.fromisoformat(due)


def test_overrides_apply_to_statutory_due(settings):
    settings.STATUTORY_RULE_OVERRIDES = {
        "conference_minutes": {"amount": 10},  # Mon 7 Dec 2026 + 10 WD = Mon 21 Dec
        "icpc": {"amount": 20, "override_national": True},  # + 20 WD = Thu 7 Jan 2027
    }
    assert statutory_due("conference_minutes", "2026-12-07") == "2026-12-21\n"
    assert statutory_due("icpc", "2026-12-07") == "2027-01-07\n"


# --- errors ------------------------------------------------------------------------------------------------

ERRORS = [
    pytest.param(("icpc_typo", "2026-01-05"), "Unknown rule 'icpc_typo'", id="unknown-rule"),
    pytest.param(("icpc", "2026-02-30"), "YYYY-MM-DD", id="no-such-day"),
    pytest.param(("icpc", "05/01/2026"), "YYYY-MM-DD", id="british-format"),
    pytest.param(("icpc", "20260105"), "YYYY-MM-DD", id="compact-iso"),
    pytest.param(("icpc", "2026-1-5"), "YYYY-MM-DD", id="unpadded"),
    pytest.param(("icpc", "tomorrow"), "YYYY-MM-DD", id="words"),
    pytest.param(("icpc",), "Give a RULE and a DATE", id="no-date"),
    pytest.param((), "Give a RULE and a DATE", id="nothing"),
    pytest.param(("--list", "icpc"), "--list takes no RULE", id="list-with-rule"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("statutory_due", *args, stdout=StringIO(), stderr=StringIO())


def test_a_wrong_override_setting_is_a_command_error(settings):
    settings.STATUTORY_RULE_OVERRIDES = {"icpc": {"amount": 20}}
    with pytest.raises(CommandError, match="override_national"):
        call_command("statutory_due", "icpc", "2026-01-05", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["icpc_typo", "2026-01-05"], "Unknown rule 'icpc_typo'", id="unknown-rule"),
    pytest.param(["icpc", "2026-13-01"], "YYYY-MM-DD", id="bad-date"),
])
def test_from_the_shell_an_error_goes_to_stderr_with_a_non_zero_exit(args, message, capsys):
    """The command line as people use it (manage.py's own entry point, in this process: both errors come
    before any database query)."""
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "statutory_due", *args])
    assert exited.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err


# --- --list ---------------------------------------------------------------------------------------------------


def listed_rows(output: str) -> dict[str, str]:
    lines = output.splitlines()
    assert lines[0].split()[:4] == ["KEY", "AMOUNT", "UNIT", "DIRECTION"]
    return {line.split()[0]: line for line in lines[1:]}


LIST_ROWS = [
    pytest.param("icpc", ["15", "working days", "after", "the strategy discussion", "national",
                          "Working Together to Safeguard Children 2023"], id="icpc"),
    pytest.param("rcpc_first", ["3", "calendar months", "after", "the initial conference", "national"], id="months"),
    pytest.param("outline_plan", ["1", "working day ", "after", "the conference", "local",
                                  "North Yorkshire SCP standards"], id="local"),
    pytest.param("conference_reports", ["2", "working days", "before", "the conference", "local"], id="before"),
    pytest.param("lado_referral", ["1", "working day ", "Keeping Children Safe in Education"],
                 id="lado"),
    pytest.param("rapid_review", ["15", "the serious incident notification", "Practice Review Panel"], id="rr"),
]


@pytest.mark.parametrize(("key", "parts"), LIST_ROWS)
def test_list_shows_amount_unit_direction_anchor_scope_and_source(key, parts):
    row = listed_rows(statutory_due("--list"))[key]
    for part in parts:
        assert part in row, (part, row)
    assert "OVERRIDDEN" not in row and "changed locally" not in row


def test_list_has_every_rule():
    rows = listed_rows(statutory_due("--list"))
    assert ISSUE_KEYS | {key for key, _a, _d in BEFORE_RULES} == set(rows)


def test_list_marks_overridden_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {
        "conference_minutes": {"amount": 10, "note": "Guernsey procedure"},
        "icpc": {"amount": 20, "override_national": True, "note": "Partnership decision"},
    }
    rows = listed_rows(statutory_due("--list"))
    assert "changed locally: Guernsey procedure" in rows["conference_minutes"]
    assert " 10 " in rows["conference_minutes"]
    assert "NATIONAL RULE OVERRIDDEN: Partnership decision" in rows["icpc"]
    assert " 20 " in rows["icpc"]
    assert not any("OVERRIDDEN" in line or "changed locally" in line
                   for key, line in rows.items() if key not in ("conference_minutes", "icpc"))
