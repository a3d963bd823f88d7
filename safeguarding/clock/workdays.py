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


@lru_cache(maxsize=64)
def _england_and_wales(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(start: date, end: date) -> list[tuple[date, str]]:
    """England & Wales bank holidays from ``start`` to ``end`` inclusive, on the weekday they are taken."""
    out = []
    for year in range(start.year, end.year + 1):
        names = holidays.country_holidays("GB", subdiv="ENG", years=year)
        for day, name in sorted(names.items()):
            if start <= day <= end and day.weekday() < 5:
                out.append((day, name))
    return out


def is_bank_holiday(day: date) -> bool:
    return day in _england_and_wales(day.year)


def is_working_day(day: date, closures: Iterable[date] = _NO_CLOSURES) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day) and day not in closures


def add_working_days(anchor: date, n: int, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """The n-th working day after (n > 0) or before (n < 0) ``anchor``; n == 0 gives ``anchor``."""
    closures = frozenset(closures)
    step = timedelta(days=1 if n >= 0 else -1)
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
    closures = frozenset(closures)
    while not is_working_day(day, closures):
        day -= timedelta(days=1)
    return day


def add_months_to_working_day(anchor: date, n: int, closures: Iterable[date] = _NO_CLOSURES) -> date:
    """``add_months`` moved back to a working day (the last day a meeting can be held in time)."""
    return previous_working_day(add_months(anchor, n), closures)


def working_days_between(start: date, end: date, closures: Iterable[date] = _NO_CLOSURES) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier):
    the inverse of ``add_working_days`` for working-day ends."""
    closures = frozenset(closures)
    if end == start:
        return 0
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign > 0 else (end, start)
    count = 0
    day = lo
    while day < hi:
        day += timedelta(days=1)
        if is_working_day(day, closures):
            count += 1
    return sign * count
