"""``manage.py statutory_due RULE DATE``: the due date under a rule, as YYYY-MM-DD and nothing else.

``manage.py statutory_due --list``: every rule with its amount, unit, direction, anchor, national or
local, source, and whether this deployment overrides it (STATUTORY_RULE_OVERRIDES).

Local closure days (the LocalClosureDay table) count as non-working days, as for stored deadlines.
"""

import re
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from safeguarding.clock import rules
from safeguarding.clock.services import compute_due

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> date:
    if _ISO_DATE.fullmatch(text or ""):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CommandError(f"DATE must be a real date written YYYY-MM-DD, e.g. 2026-01-05 (got {text!r})")


def override_label(rule: rules.Rule) -> str:
    if not rule.overridden:
        return ""
    label = "NATIONAL RULE OVERRIDDEN" if rule.scope is rules.Scope.NATIONAL else "changed locally"
    return f"{label}: {rule.override_note}" if rule.override_note else label


class Command(BaseCommand):
    help = ("Print the due date (YYYY-MM-DD) under a statutory rule for an anchor date, "
            "or --list every rule.")

    def add_arguments(self, parser):
        parser.add_argument("rule", nargs="?", help="The rule's key, e.g. icpc (see --list)")
        parser.add_argument("date", nargs="?", help="The anchor date (for a 'before' rule, the event's date), "
                                                    "YYYY-MM-DD")
        parser.add_argument("--list", action="store_true", dest="list_rules",
                            help="List every rule with its amount, unit and source")

    def handle(self, *args, rule=None, date=None, list_rules=False, **options):
        try:
            every_rule = rules.all_rules()
        except ImproperlyConfigured as exc:
            raise CommandError(f"STATUTORY_RULE_OVERRIDES is wrong: {exc}") from None
        if list_rules:
            if rule or date:
                raise CommandError("--list takes no RULE or DATE")
            self._list(every_rule.values())
            return
        if not rule or not date:
            raise CommandError("Give a RULE and a DATE (e.g. statutory_due icpc 2026-01-05), or --list")
        if rule not in every_rule:
            raise CommandError(f"Unknown rule {rule!r}. Rules: {', '.join(sorted(every_rule))}")
        anchor = parse_date(date)
        self.stdout.write(compute_due(rule, anchor).isoformat())

    def _list(self, every_rule):
        header = ("KEY", "AMOUNT", "UNIT", "DIRECTION", "ANCHOR", "SCOPE", "OVERRIDE", "SOURCE")
        rows = [header] + [
            (r.key, str(r.amount), r.unit.label_for(r.amount), r.direction.value, r.anchor, r.scope.value,
             override_label(r) or "-", r.source)
            for r in every_rule
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]))
