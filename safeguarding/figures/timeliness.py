"""The timeliness figures of any service (child protection, looked-after, LADO, partnership), built from the
clock's deadlines: % met on time month by month (a trend line), team by team and rule by rule (bars), each row
drilling down to the deadlines behind it. The caller passes the deadlines its policy lets the person see as
a manager (``deadline_policy.visible(ctx, "accept_late")``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet

from safeguarding.clock import rules
from safeguarding.clock import selectors as clock

from .charts import Column, Figure, FigureRow

COLUMNS = [Column("on_time", "Met on time"), Column("late", "Met late"), Column("overdue", "Overdue"),
           Column("percent", "On time (%)")]
PERCENT = 3  # the charted column: the share met on time


def _values(row: clock.Timeliness) -> tuple:
    return (row.on_time, row.late, row.overdue, row.percent_on_time)


def rule_keys(service: str) -> list[str]:
    return clock.rule_keys_of_service(service)


def timeliness_figures(scoped: QuerySet, *, service: str, start: date, end: date,
                       link: Callable[..., str], today: date | None = None) -> list[Figure]:
    """Three figures from three grouped queries. ``link(**filters)`` makes the drill-down URL of a row
    (filters: month="YYYY-MM", team=<id or "none">, rule=<key>)."""
    keys = rule_keys(service)
    by_rule, by_month = clock.timeliness(scoped, start=start, end=end, rule_keys=keys, today=today)
    by_team = clock.timeliness_by_team(scoped, start=start, end=end, rule_keys=keys, today=today)
    label = rules.Service(service).label
    month = Figure(
        "by-month", f"{label}: met on time, month by month", [Column("month", "Month", numeric=False), *COLUMNS],
        [FigureRow(row.title, _values(row), link(month=f"{first:%Y-%m}") if row.decided else "", f"{first:%Y-%m}")
         for first, row in by_month],
        description="The share of deadlines that fell due each month and were met on time (overdue ones count as "
                    "not on time; deadlines still to come and cancelled ones are left out).",
        chart="line", chart_column=PERCENT, unit="%", maximum=100)
    team = Figure(
        "by-team", f"{label}: met on time, team by team", [Column("team", "Team", numeric=False), *COLUMNS],
        [FigureRow(f"{t.team} ({t.agency})" if t.agency else t.team, _values(t.row),
                   link(team=str(t.team_id) if t.team_id else "none"), str(t.team_id or "none"))
         for t in by_team if t.row.decided],
        chart="bar", chart_column=PERCENT, unit="%", maximum=100)
    rule = Figure(
        "by-rule", f"{label}: met on time, deadline by deadline", [Column("rule", "Deadline", numeric=False),
                                                                     *COLUMNS],
        [FigureRow(r.title, _values(r), link(rule=r.key), r.key) for r in by_rule if r.decided],
        chart="bar", chart_column=PERCENT, unit="%", maximum=100)
    return [month, team, rule]
