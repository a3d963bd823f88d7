"""Working days and calendar months: pure date arithmetic, no database, no settings.

- Working days skip Saturdays, Sundays, England & Wales bank holidays (the ``holidays`` package with
  ``country_holidays("GB", subdiv="ENG")``) and any local closure days passed in.
- Day 0 is the anchor day: ``add_working_days(d, n)`` is the n-th working day after ``d``; the anchor
  itself need not be a working day. ``n < 0`` counts back (reports due *before* an event).
- Calendar months clamp to the last day of a shorter month (31 January + 1 month = 28/29 February).
  A month-based due date that falls on a non-working day moves *back* to the previous working day:
  the last day a meeting can really be held within the period.

A bank holiday that falls on a weekend has a substitute weekday ("… (observed)"); the weekend date is
not a working day anyway, so each holiday counts once, on the weekday (``bank_holidays`` lists only
the weekday dates).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

_NO_CLOSURES: frozenset[date] = frozenset()
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> tuple[tuple[date, str], ...]:
    """Every England & Wales holiday of ``year`` as the package lists it (weekend originals included)."""
    return tuple(sorted(holidays.country_holidays("GB", subdiv="ENG", years=year).items()))


@lru_cache(maxsize=64)
def _england_and_wales(year: int) -> frozenset[date]:
    return frozenset(day for day, _name in _holidays_of(year))


def _as_set(closures: Iterable[date]) -> frozenset[date] | set[date]:
    """Closure days as a set: a list or a generator would be slow, or used up, by ``in``."""
    return closures if isinstance(closures, set | frozenset) else frozenset(closures)


def bank_holidays(start: date, end: date) -> list[tuple[date, str]]:
    """England & Wales bank holidays from ``start`` to ``end`` inclusive, on the weekday they are taken.

    A holiday falling at a weekend is listed once, on its substitute weekday ("… (observed)")."""
    return [(day, name)
            for year in range(start.year, end.year + 1)
            for day, name in _holidays_of(year)
            if start <= day <= end and day.weekday() < 5]


def is_bank_holiday(day: date) -> bool:
    return day in _england_and_wales(day.year)


def is_working_day(day: date, closures: Iterable[date] = _NO_CLOSURES) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day) and day not in _as_set(closures)


def add_working_days(anchor: date, n: int, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """The n-th working day after (n > 0) or before (n < 0) ``anchor``; n == 0 gives ``anchor``."""
    closures = _as_set(closures)
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    day = anchor
    while remaining:
        day += step
        if is_working_day(day, closures):
            remaining -= 1
    return day


def add_months(anchor: date, n: int) -> date:
    """Calendar months, clamped to the end of a shorter month."""
    month_index = anchor.month - 1 + n
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def previous_working_day(day: date, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """``day`` itself when it is a working day, otherwise the last working day before it."""
    closures = _as_set(closures)
    while not is_working_day(day, closures):
        day -= _ONE_DAY
    return day


def next_working_day(day: date, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it (the partnership's
    Working Day 1: the day of awareness, or the next working day)."""
    closures = _as_set(closures)
    while not is_working_day(day, closures):
        day += _ONE_DAY
    return day


def add_months_to_working_day(anchor: date, n: int, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """``add_months`` moved back to a working day (the last day a meeting can be held in time)."""
    return previous_working_day(add_months(anchor, n), closures)


def working_days_between(start: date, end: date, closures: Iterable[date] = _NO_CLOSURES) -> int:
    """The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n)) == n``.

    Forwards (``end > start``) it counts the working days after ``start`` up to and including ``end``;
    backwards (``end < start``) the working days from ``end`` up to but not including ``start``, as a
    negative number. The anchor ``start`` is day 0 either way, so it is never counted."""
    closures = _as_set(closures)
    if end >= start:
        first, days, sign = start + _ONE_DAY, (end - start).days, 1
    else:
        first, days, sign = end, (start - end).days, -1
    return sign * sum(1 for i in range(days) if is_working_day(first + timedelta(days=i), closures))
