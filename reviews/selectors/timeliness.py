"""The IRO service's timeliness: how many of the looked-after deadlines (the clock's rules of the
looked-after service: IRO appointed, each review, decisions, records, visits, disputes...) were met on time,
rule by rule and month by month, for the authorities whose service the IRO manager runs. The deadlines
counted are those of the authorities' teams (each deadline's responsible team); one grouped query
(``safeguarding.clock.selectors.timeliness``)."""

from __future__ import annotations

from datetime import date

from safeguarding.clock import rules
from safeguarding.clock.models import Deadline
from safeguarding.clock.selectors import Timeliness, timeliness


def looked_after_rule_keys() -> list[str]:
    return [key for key, rule in rules.all_rules().items() if rule.service is rules.Service.LOOKED_AFTER]


def service_timeliness(*, authorities: list[int], start: date, end: date
                       ) -> tuple[list[Timeliness], list[tuple[date, Timeliness]]]:
    scoped = Deadline.objects.filter(responsible_team__agency_id__in=authorities)
    return timeliness(scoped, start=start, end=end, rule_keys=looked_after_rule_keys())
