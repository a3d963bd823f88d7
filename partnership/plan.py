"""The rapid review day by day: the partnership's plan of steps, and the national rules beside it.

Working days are counted with the day the agency became aware as Working Day 1; a day of awareness that is
not a working day makes the next working day Working Day 1 (``working_day_1``). Each step is a rule in
``safeguarding/clock/rules.py`` whose amount is its working day less one, counted from Working Day 1, so
Working Day N is ``add_working_days(working_day_1, N - 1)``. A deployment picks and orders the steps with
the ``PARTNERSHIP_RAPID_REVIEW_STEPS`` setting (rule keys) and moves a step's day with
``STATUTORY_RULE_OVERRIDES``. The national rules keep their own anchors: ``serious_incident_notification``
(5 working days after the local authority became aware) and ``rapid_review`` (15 working days after the
notification, or after awareness where the deployment says so); the plan shows them beside the local steps
and says where the two disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeguarding.clock import rules, workdays

DEFAULT_STEPS: tuple[str, ...] = (
    "rapid_review_consultation", "rapid_review_chronology_requests", "rapid_review_panel_notification",
    "rapid_review_information_returned", "rapid_review_meeting", "rapid_review_report_to_panel",
    "rapid_review_report_to_partners", "rapid_review_submission",
)
NOTIFICATION = "serious_incident_notification"
NATIONAL_REVIEW = "rapid_review"
AWARENESS_ANCHOR = "the local authority becoming aware"
# the local step each national rule stands beside
COUNTERPART = {NOTIFICATION: "rapid_review_panel_notification", NATIONAL_REVIEW: "rapid_review_submission"}


def step_keys() -> tuple[str, ...]:
    """The deployment's steps (rule keys, in order): each a working-day rule of the partnership."""
    keys = tuple(getattr(settings, "PARTNERSHIP_RAPID_REVIEW_STEPS", None) or DEFAULT_STEPS)
    for key in keys:
        try:
            rule = rules.get(key)
        except rules.UnknownRule:
            raise ImproperlyConfigured(f"PARTNERSHIP_RAPID_REVIEW_STEPS names an unknown rule {key!r}") from None
        if rule.service is not rules.Service.PARTNERSHIP or rule.unit is not rules.Unit.WORKING_DAYS \
                or rule.direction is not rules.Direction.AFTER or key in COUNTERPART:
            raise ImproperlyConfigured(f"PARTNERSHIP_RAPID_REVIEW_STEPS: {key!r} is not a rapid review step "
                                       "(a partnership rule in working days after Working Day 1)")
    return keys


def working_day_1(aware_on: date, closures: Iterable[date] = ()) -> date:
    """The day of awareness when it is a working day, else the next working day."""
    return workdays.next_working_day(aware_on, closures)


@dataclass(frozen=True)
class PlannedStep:
    key: str
    title: str
    due: date | None          # None: the national rapid review waits for the notification it is anchored to
    working_day: int | None   # Working Day N of the local plan (None for a national rule)
    national: bool = False
    basis: str = ""           # how the date is worked out, as people read it
    differs_from: date | None = None  # a national rule: its local counterpart's date, where they disagree


def plan(*, aware_on: date, la_aware_on: date | None = None, notified_on: date | None = None,
         closures: Iterable[date] = ()) -> list[PlannedStep]:
    """The local steps in order, then the national rules, for an awareness date."""
    closures = frozenset(closures)
    wd1 = working_day_1(aware_on, closures)
    out = []
    for key in step_keys():
        rule = rules.get(key)
        out.append(PlannedStep(key, rule.title, rule.due(wd1, closures), rule.amount + 1,
                               basis=f"Working Day {rule.amount + 1}"))
    local = {s.key: s.due for s in out}
    la_aware_on = la_aware_on or aware_on
    notice = rules.get(NOTIFICATION)
    national = [(NOTIFICATION, notice.title, notice.due(la_aware_on, closures), notice.summary)]
    review = rules.get(NATIONAL_REVIEW)
    anchor = la_aware_on if review.anchor == AWARENESS_ANCHOR else notified_on
    national.append((NATIONAL_REVIEW, review.title, review.due(anchor, closures) if anchor else None, review.summary))
    for key, title, due, basis in national:
        counterpart = local.get(COUNTERPART[key])
        differs = counterpart if counterpart and due and counterpart != due else None
        out.append(PlannedStep(key, title, due, None, national=True, basis=f"National rule: {basis}",
                               differs_from=differs))
    return out


# Steps met by their own action rather than "record it done" (ADR 23): the meeting by recording it (which
# freezes the merged chronology), the reports by sending the rapid review report (a PDF) to whom the step names.
MEETING_STEP = "rapid_review_meeting"
REPORT_STEPS = {"panel": "rapid_review_report_to_panel", "partners": "rapid_review_report_to_partners",
                "national_panel": "rapid_review_submission"}
ACTION_STEPS = frozenset({MEETING_STEP, *REPORT_STEPS.values()})
