"""Working-day arithmetic (safeguarding/clock/workdays.py), table-driven.

Every expected date below was worked out by hand from a calendar and the GOV.UK list of England and
Wales bank holidays, never by calling the code under test. The counting convention: the anchor is
day 0, the first day counted is the next working day.

England and Wales bank holidays used here:
  2025  Wed 1 Jan, Fri 18 Apr, Mon 21 Apr, Mon 5 May, Mon 26 May, Mon 25 Aug, Thu 25 Dec, Fri 26 Dec
  2026  Thu 1 Jan, Fri 3 Apr, Mon 6 Apr, Mon 4 May, Mon 25 May, Mon 31 Aug, Fri 25 Dec,
        Mon 28 Dec (Boxing Day is Sat 26 Dec)
  2027  Fri 1 Jan, Fri 26 Mar, Mon 29 Mar, Mon 3 May, Mon 31 May, Mon 30 Aug,
        Mon 27 Dec and Tue 28 Dec (Christmas Day Sat 25 Dec, Boxing Day Sun 26 Dec)
  2028  Mon 3 Jan (New Year's Day is Sat 1 Jan), Fri 14 Apr, Mon 17 Apr, Mon 1 May, Mon 29 May,
        Mon 28 Aug, Mon 25 Dec, Tue 26 Dec

This module must keep workdays.py at 100 % branch coverage (scripts/test.sh checks it before the suite):

  DJANGO_ENV=test .venv/bin/pytest -p no:cacheprovider tests/clock/test_workdays.py \\
    --cov=safeguarding.clock.workdays --cov-branch --cov-report=term-missing --cov-fail-under=100
"""

from datetime import date

import pytest

from safeguarding.clock import workdays

D = date

# --- add_working_days ----------------------------------------------------------------------------------

ADD_WORKING_DAYS = [
    # (anchor, n, closures, expected)
    # ordinary weeks: 15 working days from a Monday is the Monday three weeks on
    pytest.param(D(2026, 1, 5), 15, (), D(2026, 1, 26), id="15wd-from-monday-is-three-weeks"),
    pytest.param(D(2026, 1, 5), 45, (), D(2026, 3, 9), id="45wd-assessment-nine-weeks"),
    pytest.param(D(2026, 1, 7), 0, (), D(2026, 1, 7), id="zero-is-the-anchor"),
    pytest.param(D(2026, 1, 9), 1, (), D(2026, 1, 12), id="friday-plus-1-is-monday"),
    # Christmas and New Year 2025/26: Thu 25 and Fri 26 Dec, Thu 1 Jan
    pytest.param(D(2025, 12, 24), 1, (), D(2025, 12, 29), id="2025-christmas-eve-plus-1"),
    pytest.param(D(2025, 12, 24), 3, (), D(2025, 12, 31), id="2025-christmas-eve-plus-3"),
    pytest.param(D(2025, 12, 24), 4, (), D(2026, 1, 2), id="2025-christmas-eve-plus-4-skips-new-year"),
    pytest.param(D(2025, 12, 23), 5, (), D(2026, 1, 2), id="2025-26-across-christmas-and-new-year"),
    # 2026/27: Fri 25 Dec, Boxing Day Sat 26 Dec -> substitute Mon 28 Dec, Fri 1 Jan
    pytest.param(D(2026, 12, 24), 1, (), D(2026, 12, 29), id="2026-boxing-day-substitute-monday"),
    pytest.param(D(2026, 12, 24), 4, (), D(2027, 1, 4), id="2026-27-across-new-year"),
    pytest.param(D(2026, 12, 7), 15, (), D(2026, 12, 30), id="2026-icpc-over-christmas"),
    pytest.param(D(2026, 12, 7), 45, (), D(2027, 2, 11), id="2026-assessment-over-christmas"),
    # 2027/28: Christmas Sat 25, Boxing Sun 26 -> Mon 27 and Tue 28; New Year Sat 1 Jan -> Mon 3 Jan
    pytest.param(D(2027, 12, 24), 1, (), D(2027, 12, 29), id="2027-two-substitutes-mon-tue"),
    pytest.param(D(2027, 12, 24), 3, (), D(2027, 12, 31), id="2027-new-years-eve"),
    pytest.param(D(2027, 12, 24), 4, (), D(2028, 1, 4), id="2028-new-year-substitute-monday"),
    pytest.param(D(2027, 12, 24), 15, (), D(2028, 1, 19), id="2027-28-15wd-over-christmas"),
    # Easter
    pytest.param(D(2026, 4, 2), 1, (), D(2026, 4, 7), id="2026-easter-thursday-plus-1"),
    pytest.param(D(2026, 4, 1), 2, (), D(2026, 4, 7), id="2026-easter-wednesday-plus-2"),
    pytest.param(D(2026, 3, 18), 15, (), D(2026, 4, 10), id="2026-15wd-over-easter"),
    pytest.param(D(2027, 3, 25), 1, (), D(2027, 3, 30), id="2027-easter-thursday-plus-1"),
    pytest.param(D(2027, 3, 24), 15, (), D(2027, 4, 16), id="2027-15wd-over-easter"),
    # May and August bank holidays
    pytest.param(D(2026, 5, 1), 1, (), D(2026, 5, 5), id="2026-early-may"),
    pytest.param(D(2027, 4, 30), 1, (), D(2027, 5, 4), id="2027-early-may"),
    pytest.param(D(2026, 5, 22), 1, (), D(2026, 5, 26), id="2026-spring"),
    pytest.param(D(2027, 5, 28), 1, (), D(2027, 6, 1), id="2027-spring-into-june"),
    pytest.param(D(2025, 8, 22), 1, (), D(2025, 8, 26), id="2025-summer"),
    pytest.param(D(2026, 8, 28), 1, (), D(2026, 9, 1), id="2026-summer-into-september"),
    pytest.param(D(2026, 8, 28), 20, (), D(2026, 9, 28), id="2026-20wd-over-summer"),
    # anchors on a weekend or a holiday: day 0 is the anchor, the next working day is day 1
    pytest.param(D(2026, 1, 10), 1, (), D(2026, 1, 12), id="saturday-anchor"),
    pytest.param(D(2026, 1, 11), 5, (), D(2026, 1, 16), id="sunday-anchor"),
    pytest.param(D(2026, 1, 10), 0, (), D(2026, 1, 10), id="saturday-anchor-zero-stays"),
    pytest.param(D(2026, 4, 3), 1, (), D(2026, 4, 7), id="good-friday-anchor"),
    pytest.param(D(2026, 12, 25), 1, (), D(2026, 12, 29), id="christmas-day-anchor"),
    pytest.param(D(2026, 12, 28), 1, (), D(2026, 12, 29), id="substitute-day-anchor"),
    pytest.param(D(2027, 12, 25), 1, (), D(2027, 12, 29), id="saturday-christmas-anchor"),
    # local closure days (passed in)
    pytest.param(D(2025, 12, 23), 1, {D(2025, 12, 24)}, D(2025, 12, 29), id="closure-christmas-eve"),
    pytest.param(D(2025, 12, 23), 3, {D(2025, 12, 24), D(2025, 12, 31)}, D(2026, 1, 2),
                 id="closures-christmas-eve-and-new-years-eve"),
    pytest.param(D(2026, 1, 5), 1, [D(2026, 1, 6)], D(2026, 1, 7), id="closure-as-a-list"),
    pytest.param(D(2026, 1, 5), 1, frozenset({D(2026, 1, 6)}), D(2026, 1, 7), id="closure-as-a-frozenset"),
    pytest.param(D(2026, 1, 5), 1, {D(2026, 1, 10)}, D(2026, 1, 6), id="closure-on-a-weekend-changes-nothing"),
    # negative amounts (Direction.BEFORE rules: reports due before the event)
    pytest.param(D(2026, 1, 12), -2, (), D(2026, 1, 8), id="minus-2-from-monday"),
    pytest.param(D(2026, 4, 8), -2, (), D(2026, 4, 2), id="minus-2-over-easter-2026"),
    pytest.param(D(2027, 1, 4), -1, (), D(2026, 12, 31), id="minus-1-over-new-year-2027"),
    pytest.param(D(2026, 12, 29), -2, (), D(2026, 12, 23), id="minus-2-over-christmas-2026"),
    pytest.param(D(2026, 1, 10), -1, (), D(2026, 1, 9), id="minus-1-from-saturday"),
    pytest.param(D(2026, 1, 12), -1, {D(2026, 1, 9)}, D(2026, 1, 8), id="minus-1-over-closure"),
]


@pytest.mark.parametrize(("anchor", "n", "closures", "expected"), ADD_WORKING_DAYS)
def test_add_working_days(anchor, n, closures, expected):
    assert workdays.add_working_days(anchor, n, closures) == expected


def test_add_working_days_without_closures_argument():
    assert workdays.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_closures_may_be_a_generator():
    """A generator is used up by the first ``in``: the function must take a copy first."""
    closed = (d for d in [D(2026, 1, 6), D(2026, 1, 7)])
    assert workdays.add_working_days(D(2026, 1, 5), 2, closed) == D(2026, 1, 9)


# --- calendar months -------------------------------------------------------------------------------------

ADD_MONTHS = [
    pytest.param(D(2027, 1, 31), 1, D(2027, 2, 28), id="31-jan-2027-plus-1-is-28-feb"),
    pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="31-jan-2028-plus-1-is-29-feb-leap"),
    pytest.param(D(2026, 8, 31), 6, D(2027, 2, 28), id="31-aug-2026-plus-6"),
    pytest.param(D(2027, 8, 31), 6, D(2028, 2, 29), id="31-aug-2027-plus-6-leap"),
    pytest.param(D(2026, 11, 30), 3, D(2027, 2, 28), id="30-nov-2026-plus-3"),
    pytest.param(D(2027, 11, 30), 3, D(2028, 2, 29), id="30-nov-2027-plus-3-leap"),
    pytest.param(D(2026, 10, 31), 1, D(2026, 11, 30), id="31-oct-plus-1-is-30-nov"),
    pytest.param(D(2026, 11, 15), 3, D(2027, 2, 15), id="over-the-year-end"),
    pytest.param(D(2026, 1, 15), 12, D(2027, 1, 15), id="twelve-months"),
    pytest.param(D(2026, 1, 15), 0, D(2026, 1, 15), id="zero-months"),
    pytest.param(D(2026, 3, 31), -1, D(2026, 2, 28), id="minus-1-clamps"),
    pytest.param(D(2026, 1, 15), -1, D(2025, 12, 15), id="minus-1-over-the-year-end"),
    pytest.param(D(2028, 2, 29), -12, D(2027, 2, 28), id="minus-12-from-leap-day"),
]


@pytest.mark.parametrize(("anchor", "n", "expected"), ADD_MONTHS)
def test_add_months(anchor, n, expected):
    assert workdays.add_months(anchor, n) == expected


ADD_MONTHS_TO_WORKING_DAY = [
    # month ends, then back to a working day
    pytest.param(D(2027, 1, 31), 1, (), D(2027, 2, 26), id="28-feb-2027-is-sunday-back-to-friday"),
    pytest.param(D(2028, 1, 31), 1, (), D(2028, 2, 29), id="29-feb-2028-is-a-tuesday"),
    pytest.param(D(2026, 8, 31), 6, (), D(2027, 2, 26), id="31-aug-plus-6-back-to-friday"),
    pytest.param(D(2027, 8, 31), 6, (), D(2028, 2, 29), id="31-aug-2027-plus-6-leap-day"),
    pytest.param(D(2025, 11, 30), 3, (), D(2026, 2, 27), id="30-nov-2025-plus-3-sat-back-to-friday"),
    pytest.param(D(2026, 11, 30), 3, (), D(2027, 2, 26), id="30-nov-2026-plus-3"),
    # landing on a bank holiday
    pytest.param(D(2026, 9, 25), 3, (), D(2026, 12, 24), id="lands-on-christmas-day-2026"),
    pytest.param(D(2026, 6, 28), 6, (), D(2026, 12, 24), id="lands-on-boxing-day-substitute"),
    pytest.param(D(2027, 6, 27), 6, (), D(2027, 12, 24), id="lands-on-christmas-substitute-2027"),
    pytest.param(D(2027, 7, 1), 6, (), D(2027, 12, 31), id="lands-on-saturday-new-years-day-2028"),
    pytest.param(D(2026, 1, 3), 3, (), D(2026, 4, 2), id="lands-on-good-friday-2026"),
    pytest.param(D(2026, 9, 29), 6, (), D(2027, 3, 25), id="lands-on-easter-monday-2027"),
    pytest.param(D(2026, 2, 25), 3, (), D(2026, 5, 22), id="lands-on-spring-bank-holiday-2026"),
    pytest.param(D(2026, 5, 31), 3, (), D(2026, 8, 28), id="lands-on-summer-bank-holiday-2026"),
    # landing on a weekend; a working day stays
    pytest.param(D(2026, 12, 7), 3, (), D(2027, 3, 5), id="7-mar-2027-sunday-back-to-friday"),
    pytest.param(D(2026, 12, 7), 6, (), D(2027, 6, 7), id="7-jun-2027-monday-stays"),
    # weekend anchors: months run from the anchor itself
    pytest.param(D(2026, 1, 31), 1, (), D(2026, 2, 27), id="saturday-anchor-month-end"),
    # local closure days
    pytest.param(D(2026, 1, 16), 1, {D(2026, 2, 16)}, D(2026, 2, 13), id="lands-on-closure-day"),
    pytest.param(D(2026, 6, 24), 6, {D(2026, 12, 24)}, D(2026, 12, 23), id="closure-then-christmas"),
    # negative months (a BEFORE rule in months): still moved earlier
    pytest.param(D(2027, 3, 25), -3, (), D(2026, 12, 24), id="minus-3-lands-on-christmas"),
]


@pytest.mark.parametrize(("anchor", "n", "closures", "expected"), ADD_MONTHS_TO_WORKING_DAY)
def test_add_months_to_working_day(anchor, n, closures, expected):
    assert workdays.add_months_to_working_day(anchor, n, closures) == expected


PREVIOUS_WORKING_DAY = [
    pytest.param(D(2026, 1, 7), (), D(2026, 1, 7), id="a-working-day-is-itself"),
    pytest.param(D(2026, 1, 11), (), D(2026, 1, 9), id="sunday-to-friday"),
    pytest.param(D(2026, 12, 28), (), D(2026, 12, 24), id="boxing-substitute-to-christmas-eve"),
    pytest.param(D(2027, 1, 3), (), D(2026, 12, 31), id="over-new-year-2027"),
    pytest.param(D(2027, 12, 28), (), D(2027, 12, 24), id="over-christmas-2027"),
    pytest.param(D(2026, 1, 12), {D(2026, 1, 12), D(2026, 1, 9)}, D(2026, 1, 8), id="over-closures"),
]


@pytest.mark.parametrize(("day", "closures", "expected"), PREVIOUS_WORKING_DAY)
def test_previous_working_day(day, closures, expected):
    assert workdays.previous_working_day(day, closures) == expected


NEXT_WORKING_DAY = [
    pytest.param(D(2027, 3, 24), (), D(2027, 3, 24), id="a-working-day-is-itself"),
    pytest.param(D(2027, 3, 26), (), D(2027, 3, 30), id="good-friday-over-easter-to-tuesday"),
    pytest.param(D(2026, 12, 25), (), D(2026, 12, 29), id="christmas-to-after-boxing-day-substitute"),
    pytest.param(D(2026, 1, 10), {D(2026, 1, 12)}, D(2026, 1, 13), id="saturday-over-a-closure"),
]


@pytest.mark.parametrize(("day", "closures", "expected"), NEXT_WORKING_DAY)
def test_next_working_day(day, closures, expected):
    assert workdays.next_working_day(day, closures) == expected


# --- is_working_day ---------------------------------------------------------------------------------------

IS_WORKING_DAY = [
    pytest.param(D(2026, 1, 5), (), True, id="monday"),
    pytest.param(D(2026, 1, 10), (), False, id="saturday"),
    pytest.param(D(2026, 1, 11), (), False, id="sunday"),
    pytest.param(D(2026, 1, 1), (), False, id="new-years-day"),
    pytest.param(D(2026, 4, 3), (), False, id="good-friday-2026"),
    pytest.param(D(2026, 4, 6), (), False, id="easter-monday-2026"),
    pytest.param(D(2027, 3, 26), (), False, id="good-friday-2027"),
    pytest.param(D(2027, 3, 29), (), False, id="easter-monday-2027"),
    pytest.param(D(2026, 5, 4), (), False, id="early-may-2026"),
    pytest.param(D(2026, 5, 25), (), False, id="spring-2026"),
    pytest.param(D(2026, 8, 31), (), False, id="summer-2026"),
    pytest.param(D(2026, 12, 28), (), False, id="boxing-day-substitute-2026"),
    pytest.param(D(2026, 12, 29), (), True, id="29-dec-2026-works"),
    pytest.param(D(2027, 12, 27), (), False, id="christmas-substitute-2027"),
    pytest.param(D(2027, 12, 28), (), False, id="boxing-substitute-2027"),
    pytest.param(D(2028, 1, 3), (), False, id="new-year-substitute-2028"),
    # one-off changes the package knows: 2022 spring holiday moved to Thu 2 June; Coronation 2023
    pytest.param(D(2022, 5, 30), (), True, id="2022-last-monday-of-may-worked"),
    pytest.param(D(2022, 6, 2), (), False, id="2022-spring-holiday-moved"),
    pytest.param(D(2023, 5, 8), (), False, id="2023-coronation"),
    pytest.param(D(2026, 1, 6), {D(2026, 1, 6)}, False, id="local-closure"),
    pytest.param(D(2026, 1, 6), [D(2026, 1, 6)], False, id="local-closure-list"),
    pytest.param(D(2026, 1, 6), {D(2026, 1, 7)}, True, id="other-closure"),
]


@pytest.mark.parametrize(("day", "closures", "expected"), IS_WORKING_DAY)
def test_is_working_day(day, closures, expected):
    assert workdays.is_working_day(day, closures) is expected


def test_is_bank_holiday_counts_the_weekend_original_too():
    # Boxing Day 2026 is a Saturday: not a working day whether or not it is counted as a holiday
    assert workdays.is_bank_holiday(D(2026, 12, 26))
    assert workdays.is_bank_holiday(D(2026, 12, 28))
    assert not workdays.is_bank_holiday(D(2026, 12, 29))


# --- working_days_between ------------------------------------------------------------------------------

BETWEEN = [
    pytest.param(D(2026, 1, 5), D(2026, 1, 26), (), 15, id="three-weeks"),
    pytest.param(D(2026, 1, 26), D(2026, 1, 5), (), -15, id="three-weeks-back"),
    pytest.param(D(2026, 1, 5), D(2026, 1, 5), (), 0, id="same-day"),
    pytest.param(D(2025, 12, 24), D(2026, 1, 2), (), 4, id="over-christmas-2025"),
    pytest.param(D(2026, 1, 2), D(2025, 12, 24), (), -4, id="over-christmas-2025-back"),
    pytest.param(D(2026, 12, 24), D(2026, 12, 29), (), 1, id="over-christmas-2026"),
    pytest.param(D(2026, 12, 29), D(2026, 12, 24), (), -1, id="over-christmas-2026-back"),
    pytest.param(D(2027, 3, 25), D(2027, 3, 30), (), 1, id="over-easter-2027"),
    pytest.param(D(2027, 12, 24), D(2028, 1, 4), (), 4, id="over-christmas-and-new-year-2027"),
    # a non-working start is day 0 either way
    pytest.param(D(2026, 1, 10), D(2026, 1, 12), (), 1, id="saturday-to-monday"),
    pytest.param(D(2026, 1, 10), D(2026, 1, 9), (), -1, id="saturday-back-to-friday"),
    pytest.param(D(2026, 12, 28), D(2026, 12, 24), (), -1, id="substitute-day-back-to-christmas-eve"),
    # a non-working end
    pytest.param(D(2026, 1, 9), D(2026, 1, 10), (), 0, id="friday-to-saturday"),
    pytest.param(D(2026, 1, 12), D(2026, 1, 10), (), 0, id="monday-back-to-saturday"),
    # closures
    pytest.param(D(2026, 1, 5), D(2026, 1, 9), {D(2026, 1, 7)}, 3, id="closure-forward"),
    pytest.param(D(2026, 1, 9), D(2026, 1, 5), {D(2026, 1, 7)}, -3, id="closure-back"),
]


@pytest.mark.parametrize(("start", "end", "closures", "expected"), BETWEEN)
def test_working_days_between(start, end, closures, expected):
    assert workdays.working_days_between(start, end, closures) == expected


@pytest.mark.parametrize("anchor", [
    pytest.param(D(2026, 12, 24), id="christmas-eve-2026"),
    pytest.param(D(2026, 12, 26), id="saturday-boxing-day"),
    pytest.param(D(2027, 12, 25), id="saturday-christmas"),
    pytest.param(D(2026, 4, 3), id="good-friday"),
    pytest.param(D(2026, 1, 7), id="wednesday"),
])
@pytest.mark.parametrize("n", [-20, -5, -1, 0, 1, 5, 20])
def test_working_days_between_undoes_add_working_days(anchor, n):
    """The documented inverse, in both directions and from non-working anchors."""
    closed = {D(2026, 12, 31), D(2027, 1, 4)}
    assert workdays.working_days_between(anchor, workdays.add_working_days(anchor, n, closed), closed) == n


# --- bank_holidays -------------------------------------------------------------------------------------------

YEARS = {
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25),
           D(2025, 12, 25), D(2025, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
           D(2026, 12, 25), D(2026, 12, 28)],
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
           D(2027, 12, 27), D(2027, 12, 28)],
    2028: [D(2028, 1, 3), D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 1), D(2028, 5, 29), D(2028, 8, 28),
           D(2028, 12, 25), D(2028, 12, 26)],
}


@pytest.mark.parametrize(("year", "expected"), [pytest.param(y, days, id=str(y)) for y, days in YEARS.items()])
def test_bank_holidays_of_a_year_match_the_gov_uk_list(year, expected):
    listed = workdays.bank_holidays(D(year, 1, 1), D(year, 12, 31))
    assert [day for day, _name in listed] == expected


BANK_HOLIDAY_RANGES = [
    pytest.param(D(2025, 12, 1), D(2026, 1, 31),
                 [(D(2025, 12, 25), "Christmas"), (D(2025, 12, 26), "Boxing"), (D(2026, 1, 1), "New Year")],
                 id="2025-26"),
    # Boxing Day is Saturday 26 December 2026: listed once, on Monday 28 December
    pytest.param(D(2026, 12, 1), D(2027, 1, 31),
                 [(D(2026, 12, 25), "Christmas"), (D(2026, 12, 28), "Boxing"), (D(2027, 1, 1), "New Year")],
                 id="2026-27-boxing-day-on-monday-only"),
    # Christmas and Boxing Day 2027 at the weekend; New Year's Day 2028 a Saturday
    pytest.param(D(2027, 12, 1), D(2028, 1, 31),
                 [(D(2027, 12, 27), "Christmas"), (D(2027, 12, 28), "Boxing"), (D(2028, 1, 3), "New Year")],
                 id="2027-28-substitutes-only"),
    pytest.param(D(2026, 4, 3), D(2026, 4, 6), [(D(2026, 4, 3), "Good Friday"), (D(2026, 4, 6), "Easter Monday")],
                 id="both-ends-inclusive"),
    pytest.param(D(2026, 4, 4), D(2026, 4, 5), [], id="easter-weekend-none"),
    pytest.param(D(2026, 1, 2), D(2026, 4, 2), [], id="none-in-range"),
    pytest.param(D(2026, 12, 31), D(2026, 1, 1), [], id="end-before-start"),
]


@pytest.mark.parametrize(("start", "end", "expected"), BANK_HOLIDAY_RANGES)
def test_bank_holidays_list_each_holiday_once_on_its_weekday(start, end, expected):
    listed = workdays.bank_holidays(start, end)
    assert [day for day, _name in listed] == [day for day, _word in expected]
    for (_day, name), (_expected_day, word) in zip(listed, expected, strict=True):
        assert word in name
    assert all(day.weekday() < 5 for day, _name in listed)
