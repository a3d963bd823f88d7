"""The child protection service's figures (issue 13, section 3; ADR 29): children on a plan by category,
plans started in a period (first or repeat), and plans open by length (the DfE's bands, two years or more
being the inspected one). Each figure is one grouped query over the plans the caller's policy shows, and each
row's list comes from ``plans_behind`` with the same filter, so a figure and its list cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Q, QuerySet

from safeguarding.clock import rules, workdays
from safeguarding.figures import Column, Figure, FigureRow

from ..models import Category, ChildProtectionPlan

ACTIVE = ChildProtectionPlan.Status.ACTIVE
FIGURES = ("category", "started", "length")


def length_bands(today: date) -> list[tuple[str, str, Q]]:
    """(key, label, condition) of each band of an open plan's length on ``today``."""
    edges = rules.PLAN_LENGTH_BANDS_MONTHS
    since = [workdays.add_months(today, -m) for m in edges]  # a plan started after since[i] is under edges[i]

    def label(months: int) -> str:
        return f"{months // 12} year{'s' if months >= 24 else ''}" if months % 12 == 0 else f"{months} months"

    bands = [("0", f"Under {label(edges[0])}", Q(started_on__gt=since[0]))]
    for i in range(1, len(edges)):
        bands.append((str(edges[i - 1]), f"{label(edges[i - 1])} to under {label(edges[i])}",
                      Q(started_on__gt=since[i], started_on__lte=since[i - 1])))
    bands.append((str(edges[-1]), f"{label(edges[-1])} or more", Q(started_on__lte=since[-1])))
    return bands


def _condition(figure: str, value: str, *, start: date, end: date, today: date) -> Q | None:
    if figure == "category" and value in Category.values:
        return Q(status=ACTIVE, latest_category=value)
    if figure == "started" and value in ("first", "repeat"):
        period = Q(started_on__gte=start, started_on__lte=end)
        return period & (Q(previous_plans=0) if value == "first" else Q(previous_plans__gte=1))
    if figure == "length":
        band = next((q for key, _label, q in length_bands(today) if key == value), None)
        return Q(status=ACTIVE) & band if band is not None else None
    return None


def plans_behind(plans: QuerySet, *, figure: str, value: str, start: date, end: date, today: date
                 ) -> QuerySet | None:
    """The plans one row of a figure counts (None for a row that does not exist), children named."""
    q = _condition(figure, value, start=start, end=end, today=today)
    if q is None:
        return None
    return plans.filter(q).select_related("child", "lead_social_worker").order_by("started_on", "id")


def plan_figures(plans: QuerySet, *, start: date, end: date, today: date, link: Callable[[str, str], str]
                 ) -> list[Figure]:
    """Three figures, three statements."""
    by_category = dict(plans.filter(status=ACTIVE).values_list("latest_category").annotate(n=Count("id"))
                       .order_by())
    started = plans.filter(started_on__gte=start, started_on__lte=end).aggregate(
        first=Count("id", filter=Q(previous_plans=0)), repeat=Count("id", filter=Q(previous_plans__gte=1)))
    bands = length_bands(today)
    lengths = plans.filter(status=ACTIVE).aggregate(**{f"b{key}": Count("id", filter=q) for key, _l, q in bands})
    on_plan = sum(by_category.values())
    total_started = started["first"] + started["repeat"]

    def share(n: int, of: int) -> int | None:
        return round(100 * n / of) if of else None

    category = Figure(
        "category", "Children on a child protection plan today, by category",
        [Column("category", "Category", numeric=False), Column("children", "Children"), Column("share", "Share (%)")],
        [FigureRow(label, (by_category.get(code, 0), share(by_category.get(code, 0), on_plan)),
                   link("category", code), code) for code, label in Category.choices],
        description=f"{on_plan} child{'ren' if on_plan != 1 else ''} on a plan today, by the plan's latest "
                    "category of abuse or neglect.")
    repeat = Figure(
        "started", "Plans started in the period: first or repeat",
        [Column("kind", "Plan", numeric=False), Column("plans", "Plans started"), Column("share", "Share (%)")],
        [FigureRow("First plan", (started["first"], share(started["first"], total_started)),
                   link("started", "first"), "first"),
         FigureRow("Second or subsequent plan", (started["repeat"], share(started["repeat"], total_started)),
                   link("started", "repeat"), "repeat")],
        description="A repeat plan is a second or subsequent plan for the child at any time (the CIN census "
                    "measure).")
    length = Figure(
        "length", "Plans open today, by length",
        [Column("length", "Length of the plan so far", numeric=False), Column("plans", "Plans"),
         Column("share", "Share (%)")],
        [FigureRow(label, (lengths[f"b{key}"], share(lengths[f"b{key}"], on_plan)), link("length", key), key)
         for key, label, _q in bands],
        description="Plans open for two years or more are flagged by inspectors: the last row.")
    return [category, repeat, length]
