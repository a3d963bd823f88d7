"""Print the rapid review's day-by-day due dates for an awareness date, one line per step:

    python manage.py rapid_review_plan 2027-03-24
    rapid_review_consultation 2027-03-25
    ...

The local steps of PARTNERSHIP_RAPID_REVIEW_STEPS, then the national rules (``serious_incident_notification``
from the same day; ``rapid_review`` where it is anchored to awareness, or to ``--notified`` if given).
Local closure days are counted, as the clock counts them.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from safeguarding.clock.services import closures

from ...plan import plan


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Print the rapid review's day-by-day due dates for the day the agency became aware"

    def add_arguments(self, parser):
        parser.add_argument("aware_on", help="The day the agency became aware, YYYY-MM-DD")
        parser.add_argument("--notified", help="The day the National Panel was notified, YYYY-MM-DD")

    def handle(self, *args, aware_on, notified=None, **options):
        steps = plan(aware_on=_day(aware_on), notified_on=_day(notified) if notified else None,
                     closures=closures())
        for step in steps:
            if step.due is None:
                self.stderr.write(f"{step.key}: due 15 working days after the notification (give --notified)")
                continue
            self.stdout.write(f"{step.key} {step.due.isoformat()}")
