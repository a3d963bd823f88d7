"""`manage.py load_volume`: volume data for the benchmarks (`make bench`), with PostgreSQL COPY.

    manage.py load_volume                  # 100,000 children and 1,000,000 deadlines (or BENCH_SCALE)
    manage.py load_volume --scale 0.01     # 1,000 children and 10,000 deadlines
    manage.py load_volume --fresh          # empty the database and load again

Idempotent per scale: when the data is already there at that scale, nothing is done. Another scale,
or ``--fresh``, empties every table first. Runs only in a scratch database (a name starting with
``safeguarding_bench`` or ``test``); see safeguarding/demo/volume.py for what is loaded.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.demo import volume


def _env_scale() -> float:
    raw = os.environ.get("BENCH_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        return float(raw)
    except ValueError:
        raise CommandError(f"BENCH_SCALE must be a number, e.g. 0.01; got {raw!r}") from None


class Command(BaseCommand):
    help = "Load benchmark volume data (default 100,000 children, 1,000,000 deadlines; BENCH_SCALE scales both)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None,
                            help="multiplies 100,000 children and 1,000,000 deadlines (default: BENCH_SCALE or 1)")
        parser.add_argument("--fresh", action="store_true", help="empty the database and load again")
        parser.add_argument("--seed", type=int, default=volume.SEED, help="random seed (default %(default)s)")

    def handle(self, *args, scale, fresh, seed, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("load_volume refuses to run in production (DJANGO_ENV=production).")
        scale = _env_scale() if scale is None else scale
        try:
            volume.load(scale=scale, fresh=fresh, seed=seed, say=self.stdout.write)
        except volume.VolumeError as exc:
            raise CommandError(str(exc)) from None
