"""The partnership's escalation protocol: the stages of a professional difference, in order (ADR 25).

Each stage is a rule in ``safeguarding/clock/rules.py`` (its working days and source), counted from the day the
stage began. A deployment picks and orders the stages with the ``PARTNERSHIP_ESCALATION_STAGES`` setting (rule
keys) and moves a stage's days with ``STATUTORY_RULE_OVERRIDES``. The last stage is always arbitration by the
safeguarding partners (Cheshire East arrangements, section 20): their delegates answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeguarding.clock import rules

DEFAULT_STAGES: tuple[str, ...] = (
    "escalation_practitioners", "escalation_managers", "escalation_senior_managers", "escalation_arbitration",
)


def stage_keys() -> tuple[str, ...]:
    """The deployment's stages (rule keys, in order; the last is arbitration)."""
    keys = tuple(getattr(settings, "PARTNERSHIP_ESCALATION_STAGES", None) or DEFAULT_STAGES)
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise ImproperlyConfigured("PARTNERSHIP_ESCALATION_STAGES needs two or more different stages (the last is "
                                   "the partners' arbitration)")
    for key in keys:
        try:
            rule = rules.get(key)
        except rules.UnknownRule:
            raise ImproperlyConfigured(f"PARTNERSHIP_ESCALATION_STAGES names an unknown rule {key!r}") from None
        if rule.service is not rules.Service.PARTNERSHIP or rule.unit is not rules.Unit.WORKING_DAYS \
                or rule.direction is not rules.Direction.AFTER or not key.startswith("escalation_"):
            raise ImproperlyConfigured(f"PARTNERSHIP_ESCALATION_STAGES: {key!r} is not an escalation stage (a "
                                       "partnership rule escalation_*, in working days after the stage began)")
    return keys


def arbitration_key() -> str:
    return stage_keys()[-1]


@dataclass(frozen=True)
class Stage:
    number: int     # 1-based
    key: str
    title: str
    working_days: int
    is_arbitration: bool


def stages() -> list[Stage]:
    keys = stage_keys()
    return [Stage(n, key, rules.get(key).title, rules.get(key).amount, n == len(keys))
            for n, key in enumerate(keys, start=1)]


def stage(key: str) -> Stage | None:
    return next((s for s in stages() if s.key == key), None)


def due(key: str, started_on: date, closures=()) -> date:
    return rules.get(key).due(started_on, closures)
