"""`manage.py load_demo`: the demo world of Northmoor Borough Council (fictional), idempotently.

    manage.py load_demo                  # agencies, teams, one login per role, about 200 children
    manage.py load_demo --children 20    # a smaller world (tests)
    manage.py load_demo --print-logins   # only the logins table; changes nothing

A second run keeps whatever people changed: existing logins are left alone (their passwords too),
and no children are generated while the demo local authority already holds some.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.demo import data
from safeguarding.demo.loader import demo_exists, format_logins, load, logins_table


class Command(BaseCommand):
    help = "Load the fictional Northmoor demo data (idempotent), or print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--children",
            type=int,
            default=data.DEFAULT_CHILDREN,
            help=f"how many children to generate on the first run (default {data.DEFAULT_CHILDREN})",
        )
        parser.add_argument("--seed", type=int, default=data.SEED, help="random seed (default %(default)s)")
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="print the demo logins (role, email, password) and exit without changing data",
        )

    def handle(self, *args, children, seed, print_logins, **options):
        if print_logins:
            return self._print_logins()
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("load_demo refuses to run in production (DJANGO_ENV=production).")
        if children < 0:
            raise CommandError("--children must be 0 or more")
        load(children=children, seed=seed, say=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (every demo account's password is {data.DEMO_PASSWORD!r} unless changed):"
        )
        for line in format_logins(logins_table()):
            self.stdout.write(f"  {line}")

    def _print_logins(self):
        if not demo_exists():
            self.stdout.write("The demo data has not been loaded yet: run `manage.py load_demo` first.")
            return
        for line in format_logins(logins_table()):
            self.stdout.write(line)
