#!/usr/bin/env python
"""`make bench`: load volume data into a database of its own, measure, and print one table.

    python scripts/bench.py            # what `make bench` runs (needs DATABASE_URL: `make bench` sets it)
    python scripts/bench.py measure --json out.json   # one database only (DATABASE_URL), no table

The benchmark never touches the development or test database: it swaps the database name in
``DATABASE_URL`` for ``safeguarding_bench`` (``BENCH_SCALE``, default 1: 100,000 children and 1,000,000
deadlines) and ``safeguarding_bench_small`` (1,000 children and 10,000 deadlines), creates them when
missing, migrates them and loads them (``manage.py load_volume``, idempotent per scale). `make bench`
runs this script through ``scripts/embedded.py`` with ``EMBEDDED_DB_NAME=safeguarding_bench``, so without
``DATABASE_URL`` both databases live in the embedded PostgreSQL under ``var/``.

Each operation is timed per call (median and 95th percentile over ``BENCH_REPS`` calls, default 30,
after ``BENCH_WARMUP`` calls, default 3; the sweep over ``BENCH_SWEEP_REPS``, default 3, after one),
interleaved with its baselines measured in the same process on the same data:

- child search (``cases.selectors.child_search``) for a social worker and for a police practitioner,
  vs the raw SQL of its query (the statement the selector ran, replayed with a cursor);
- the child page (test ``Client`` GET ``/children/<id>/`` as the allocated social worker) vs a bare
  Django view through the same middleware, and vs the raw SQL of ``child_page``'s queries;
- ``GET /api/v1/children/`` with an API client's token vs a bare DRF ``APIView`` with the same
  authentication, and vs the raw SQL of its list queries (count, page, aliases);
- the reminder sweep (``safeguarding.clock.reminders.sweep``) on the data's reference date with an
  empty reminder ledger each time, in deadlines per second, vs the raw SQL of its claim INSERTs.

The bench processes run with DJANGO_ENV=development, DEBUG=False (no query log kept), MFA off,
ALLOWED_HOSTS including testserver, the dummy email backend and LOG_LEVEL=WARNING.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIG_DB = "safeguarding_bench"
SMALL_DB = "safeguarding_bench_small"
SMALL_SCALE = 0.01

BENCH_ENV = {
    "DJANGO_ENV": "development",
    "DEBUG": "False",
    "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
    "MFA_REQUIRED": "False",
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
    "CONN_MAX_AGE": "60",
}


def say(message: str = "") -> None:
    print(message, file=sys.stderr, flush=True)


def _env_number(name: str, default: float, kind: type = float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SystemExit(f"error: {name} must be a number; got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"error: {name} must be more than 0")
    return value


# --- measuring (inside Django) --------------------------------------------------------------------
@dataclass
class Result:
    key: str
    label: str
    group: str
    baseline: bool
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    rows: int | None = None
    per_call_items: int | None = None  # the sweep: deadlines handled per call
    unit: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(median=self.median, p95=self.p95, n=len(self.samples))
        return out


class _Capture:
    def __init__(self):
        self.queries: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params, many))
        return execute(sql, params, many, context)


def captured(fn: Callable[[], object], *, warm: bool = True) -> tuple[object, list[tuple[str, object, bool]]]:
    """Run ``fn`` (after one untimed call when ``warm``, so one-off cache fills are left out), returning
    its result and every statement it sent (SQL, parameters)."""
    from django.db import connection

    if warm:
        fn()
    capture = _Capture()
    with connection.execute_wrapper(capture):
        result = fn()
    return result, capture.queries


def replay(queries: list[tuple[str, object, bool]]) -> int:
    """Run statements with a plain cursor, fetching every row; returns how many rows came back."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql, params, many in queries:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    return rows


def interleaved(calls: dict[str, Callable[[], object]], *, reps: int, warmup: int) -> dict[str, list[float]]:
    """Time each call ``reps`` times, taking turns, after ``warmup`` untimed rounds."""
    for _ in range(warmup):
        for fn in calls.values():
            fn()
    samples: dict[str, list[float]] = {key: [] for key in calls}
    for _ in range(reps):
        for key, fn in calls.items():
            t0 = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - t0)
    return samples


def _bench_urlconf() -> str:
    """The app's URLs plus a bare Django view and a bare DRF endpoint (this process only)."""
    from django.http import HttpResponse
    from django.urls import path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from safeguarding import urls as app_urls

    def bare_view(request):
        return HttpResponse("ok", content_type="text/plain")

    class BareApi(APIView):
        # the project's default authentication (API client token, session) and permission classes
        def get(self, request):
            return Response({"ok": True})

    module = types.ModuleType("bench_urlconf")
    module.urlpatterns = [
        path("bench/bare/", bare_view, name="bench_bare"),
        path("api/v1/bench-bare/", BareApi.as_view(), name="bench_bare_api"),
        *app_urls.urlpatterns,
    ]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(app_urls, handler))
    sys.modules[module.__name__] = module
    return module.__name__


def _ok(response, what: str):
    if response.status_code != 200:
        raise RuntimeError(f"{what} answered {response.status_code}, not 200")
    return response


def measure(*, reps: int = 30, warmup: int = 3, sweep_reps: int = 3, sweep_warmup: int = 1,
            log: Callable[[str], None] = say) -> dict:
    """Measure every operation against its baselines in the current database (loaded by load_volume).

    Returns {"results": [Result.as_dict(), ...], "meta": {...}}. Needs a scratch database (the sweep's
    ledger is emptied between runs).
    """
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings

    from cases.selectors import SearchCriteria, child_page, child_search
    from safeguarding.access.context import AccessContext
    from safeguarding.accounts.services import api_client_create
    from safeguarding.clock import reminders
    from safeguarding.clock.models import ReminderClaim, SweepRun
    from safeguarding.demo import volume
    from safeguarding.notify.models import Notification

    volume.require_scratch_database()
    load_before = os.getloadavg()[0]
    meta = volume.loaded()
    s = volume.subjects()
    results: list[Result] = []

    def record(key, label, group, samples, *, baseline=False, **extra) -> Result:
        r = Result(key=key, label=label, group=group, baseline=baseline, samples=samples, **extra)
        results.append(r)
        log(f"  {label}: median {r.median * 1000:.2f} ms, p95 {r.p95 * 1000:.2f} ms")
        return r

    with override_settings(ROOT_URLCONF=_bench_urlconf()):
        # --- child search ---------------------------------------------------------------------
        for who, user, term in (("social worker", s.social_worker, s.search_social_worker),
                                ("partner practitioner", s.partner_practitioner, s.search_partner)):
            log(f"child search as a {who} for {term!r}")
            ctx = AccessContext.for_user(user)
            criteria = SearchCriteria(name=term)
            found, queries = captured(lambda ctx=ctx, criteria=criteria: child_search(ctx=ctx, criteria=criteria))
            if not found:
                raise RuntimeError(f"child search as a {who} for {term!r} found nothing")
            key = "search_sw" if who == "social worker" else "search_partner"
            samples = interleaved({
                "op": lambda ctx=ctx, criteria=criteria: child_search(ctx=ctx, criteria=criteria),
                "sql": lambda queries=queries: replay(queries),
            }, reps=reps, warmup=warmup)
            record(key, f"child search, {who} (child_search)", key, samples["op"], queries=len(queries),
                   rows=len(found))
            record(f"{key}_sql", "raw SQL of its query", key, samples["sql"], baseline=True, queries=len(queries),
                   rows=replay(queries))

        # --- child page -----------------------------------------------------------------------
        log("child page as the allocated social worker")
        page = Client()
        page.force_login(s.social_worker)
        url = f"/children/{s.page_child.public_id}/"
        _, page_queries = captured(lambda: _ok(page.get(url), url))
        _, bare_queries = captured(lambda: _ok(page.get("/bench/bare/"), "the bare view"))
        _, selector_queries = captured(
            lambda: child_page(child=s.page_child, include_history=True, include_access_log=False))
        samples = interleaved({
            "op": lambda: _ok(page.get(url), url),
            "bare": lambda: _ok(page.get("/bench/bare/"), "the bare view"),
            "sql": lambda: replay(selector_queries),
        }, reps=reps, warmup=warmup)
        record("page", "child page GET /children/<id>/", "page", samples["op"], queries=len(page_queries))
        record("page_bare", "bare Django view, same middleware", "page", samples["bare"], baseline=True,
               queries=len(bare_queries))
        record("page_sql", "raw SQL of child_page's queries", "page", samples["sql"], baseline=True,
               queries=len(selector_queries), rows=replay(selector_queries))

        # --- the API list ---------------------------------------------------------------------
        log("GET /api/v1/children/ with an API client token")
        _client, token = api_client_create(agency=s.partner_agency, name=f"Benchmark {uuid.uuid4().hex[:10]}")
        api = Client(headers={"Authorization": f"Bearer {token}"})
        listing, api_queries = captured(lambda: _ok(api.get("/api/v1/children/"), "the API list"))
        _, api_bare_queries = captured(lambda: _ok(api.get("/api/v1/bench-bare/"), "the bare API endpoint"))
        list_sql = [q for q in api_queries
                    if q[0].lstrip().upper().startswith("SELECT")
                    and ('FROM "cases_child"' in q[0] or 'FROM "cases_childalias"' in q[0])]
        total = listing.json().get("count")
        samples = interleaved({
            "op": lambda: _ok(api.get("/api/v1/children/"), "the API list"),
            "bare": lambda: _ok(api.get("/api/v1/bench-bare/"), "the bare API endpoint"),
            "sql": lambda: replay(list_sql),
        }, reps=reps, warmup=warmup)
        record("api", "GET /api/v1/children/ (API client)", "api", samples["op"], queries=len(api_queries),
               rows=total)
        record("api_bare", "bare DRF endpoint, same authentication", "api", samples["bare"], baseline=True,
               queries=len(api_bare_queries))
        record("api_sql", "raw SQL of its list queries", "api", samples["sql"], baseline=True,
               queries=len(list_sql), rows=replay(list_sql))

        # --- the reminder sweep ---------------------------------------------------------------
        log(f"reminder sweep on {s.reference_date} with an empty ledger")
        started = _db_now()
        claims_table = ReminderClaim._meta.db_table
        notes_table = Notification._meta.db_table

        def reset() -> None:
            """An empty ledger, as the planner sees it too: deleted, vacuumed and analysed (0 rows)."""
            volume.require_scratch_database()
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {claims_table}")
                cursor.execute(f"DELETE FROM {notes_table} WHERE created_at >= %s", [started])
                cursor.execute(f"DELETE FROM {SweepRun._meta.db_table} WHERE worker = %s", ["bench"])
                if not connection.in_atomic_block:
                    cursor.execute(f"VACUUM {claims_table}, {notes_table}")
                cursor.execute(f"ANALYZE {claims_table}, {notes_table}")

        def deadlines_claimed() -> int:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(DISTINCT deadline_id) FROM {claims_table}")
                return cursor.fetchone()[0]

        def one_sweep():
            run = reminders.sweep(today=s.reference_date, worker="bench")
            if run is None:
                raise RuntimeError("another sweep holds the advisory lock")
            return run

        def raw_claims():
            with transaction.atomic():
                replay(inserts)

        def autovacuum(on: bool) -> None:
            # Off while measuring, so that an autovacuum worker analysing the ledger in the middle of one
            # sweep (and not another) does not change its plans: every run starts from the same statistics.
            # (Inside a transaction, as in the tests, autovacuum cannot see the rows anyway.)
            volume.require_scratch_database()
            if connection.in_atomic_block:
                return
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {claims_table} " + ("RESET (autovacuum_enabled)" if on
                                                                 else "SET (autovacuum_enabled = false)"))

        sweep_samples: list[float] = []
        sql_samples: list[float] = []
        autovacuum(False)
        try:
            reset()  # the first sweep is the warm-up, and shows which statements a sweep sends
            run, sweep_queries = captured(one_sweep, warm=False)
            claimed_deadlines = deadlines_claimed()
            inserts = [q for q in sweep_queries
                       if q[0].lstrip().upper().startswith(f"INSERT INTO {claims_table.upper()}")]
            for i in range(max(0, sweep_warmup - 1) + sweep_reps):
                reset()
                t0 = time.perf_counter()
                one_sweep()
                dt = time.perf_counter() - t0
                reset()
                t1 = time.perf_counter()
                raw_claims()
                dt_sql = time.perf_counter() - t1
                if i >= sweep_warmup - 1:
                    sweep_samples.append(dt)
                    sql_samples.append(dt_sql)
            reset()
        finally:
            autovacuum(True)
        record("sweep", "reminder sweep (empty ledger)", "sweep", sweep_samples, queries=len(sweep_queries),
               rows=run.claimed, per_call_items=claimed_deadlines, unit="deadlines")
        record("sweep_sql", "raw SQL of its claim INSERTs", "sweep", sql_samples, baseline=True,
               queries=len(inserts), rows=run.claimed, per_call_items=claimed_deadlines, unit="deadlines")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    info = {
        "database": connection.settings_dict["NAME"], "postgres": server,
        "children": meta["children"], "deadlines": meta["deadlines"], "scale": meta["scale"],
        "reference_date": str(meta["reference_date"]), "load_seconds": meta["seconds"], "load_rows": meta["rows"],
        "loaded_at": str(meta["loaded_at"]), "reps": reps, "warmup": warmup, "sweep_reps": sweep_reps,
        "sweep_warmup": sweep_warmup, "measured_on": date.today().isoformat(), "code": _git_state(),
        "loadavg": [load_before, os.getloadavg()[0]],
    }
    return {"meta": info, "results": [r.as_dict() for r in results]}


def _db_now():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


# --- the table ------------------------------------------------------------------------------------
ORDER = ("search_sw", "search_sw_sql", "search_partner", "search_partner_sql", "page", "page_bare", "page_sql",
         "api", "api_bare", "api_sql", "sweep", "sweep_sql")


def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def format_table(runs: list[dict]) -> str:
    """One plain-text table: a block of columns per database, then the growth between the first and last."""
    by_key = [{r["key"]: r for r in run["results"]} for run in runs]
    label_w = max(len(_row_label(r)) for r in runs[0]["results"]) + 2
    block = "{q:>5} {median:>10} {p95:>10} {ratio:>8} {rate:>14}"
    block_w = len(block.format(q="", median="", p95="", ratio="", rate=""))
    lines = []
    titles = [f"{run['meta']['children']:,} children, {run['meta']['deadlines']:,} deadlines" for run in runs]
    head1 = " " * label_w + "   ".join(t.center(block_w) for t in titles)
    head2 = "operation".ljust(label_w) + "   ".join(
        block.format(q="q", median="median", p95="p95", ratio="ratio", rate="rate") for _ in runs)
    if len(runs) > 1:
        head2 += "  " + "growth".rjust(7)
    lines += [head1.rstrip(), head2, "-" * len(head2)]
    for key in ORDER:
        if key not in by_key[0]:
            continue
        first = by_key[0][key]
        cells = []
        for results in by_key:
            r = results[key]
            ratio = ""
            if r["baseline"]:
                op = results[r["group"]]
                ratio = f"{op['median'] / r['median']:.1f}x" if r["median"] > 0 else "-"
            rate = ""
            if r.get("per_call_items"):
                rate = f"{r['per_call_items'] / r['median']:,.0f}/s"
            cells.append(block.format(q=r["queries"] if r["queries"] is not None else "", median=_duration(r["median"]),
                                      p95=_duration(r["p95"]), ratio=ratio, rate=rate))
        line = _row_label(first).ljust(label_w) + "   ".join(cells)
        if len(runs) > 1:
            last = by_key[-1][key]
            line += "  " + f"{last['median'] / first['median']:.1f}x".rjust(7)
        lines.append(line)
    return "\n".join(lines)


def _row_label(r: dict) -> str:
    return f"  vs {r['label']}" if r["baseline"] else r["label"]


def format_report(runs: list[dict]) -> str:
    m = runs[-1]["meta"]
    cpu = _cpu_model()
    code = f", code {m['code']}" if m.get("code") else ""
    header = [
        f"Safeguarding Hub benchmark, {m['measured_on']}: PostgreSQL {m['postgres']}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores{f' ({cpu})' if cpu else ''}{code}",
        f"per call: median and 95th percentile of {m['reps']} calls after {m['warmup']} warm-up calls "
        f"(the sweep: {m['sweep_reps']} after {m['sweep_warmup']}); q = SQL statements per call",
        "ratio = the operation's median / this baseline's median; rate = deadlines swept per second; "
        "growth = last column / first",
        "",
        format_table(runs),
        "",
    ]
    for run in runs:
        r = run["meta"]
        header.append(f"{r['database']}: {r['children']:,} children, {r['deadlines']:,} deadlines, reference date "
                      f"{r['reference_date']}; loaded {r['loaded_at'][:16]} in {r['load_seconds']:.1f} s "
                      f"({r['load_rows'] / r['load_seconds']:,.0f} rows/s, {r['load_rows']:,} rows); machine load "
                      f"average {r['loadavg'][0]:.1f} before measuring, {r['loadavg'][1]:.1f} after")
        extra = {x["key"]: x for x in run["results"]}
        header.append(f"  search results: social worker {extra['search_sw']['rows']}, partner "
                      f"{extra['search_partner']['rows']}; API list count {extra['api']['rows']:,}; sweep claimed "
                      f"{extra['sweep']['rows']:,} reminders for {extra['sweep']['per_call_items']:,} deadlines")
    return "\n".join(header)


def _git_state() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


# --- orchestration (outside Django) ---------------------------------------------------------------
def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _libpq(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def ensure_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    last_error: Exception | None = None
    for admin_db in ("postgres", "template1"):
        try:
            with psycopg.connect(_libpq(with_database(url, admin_db)), autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                    say(f"creating database {name}")
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return
        except psycopg.OperationalError as exc:
            last_error = exc
    raise SystemExit(f"error: cannot reach the PostgreSQL server of DATABASE_URL to create {name}: {last_error}")


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise SystemExit(f"error: {' '.join(args[1:])} failed (exit status {result.returncode})")


def bench_database(url: str, name: str, scale: float) -> dict:
    """Create, migrate and load one bench database, then measure in a process of its own."""
    ensure_database(url, name)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": with_database(url, name), "BENCH_SCALE": f"{scale:g}"}
    say(f"== {name}: migrate")
    _run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    say(f"== {name}: load_volume --scale {scale:g}")
    _run([sys.executable, "manage.py", "load_volume", "--scale", f"{scale:g}"], env)
    say(f"== {name}: measure")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        _run([sys.executable, str(Path(__file__).resolve()), "measure", "--json", str(out)], env)
        return json.loads(out.read_text())


def orchestrate() -> int:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise SystemExit("error: DATABASE_URL is not set: run `make bench` (it starts the embedded PostgreSQL), or "
                         "set DATABASE_URL to a server; the benchmark uses its own databases on that server")
    scale = _env_number("BENCH_SCALE", 1.0)
    started = time.monotonic()
    plan = [(SMALL_DB, SMALL_SCALE), (BIG_DB, scale)] if not math.isclose(scale, SMALL_SCALE) else [(BIG_DB, scale)]
    runs = [bench_database(url, name, s) for name, s in plan]
    say(f"== done in {time.monotonic() - started:.0f} s")
    print(format_report(runs), flush=True)
    return 0


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    m = sub.add_parser("measure", help="measure in DATABASE_URL's database (loaded by load_volume) only")
    m.add_argument("--json", type=Path, help="write the results here (default: print the table)")
    args = parser.parse_args(argv)
    if args.command != "measure":
        return orchestrate()
    _setup_django()
    result = measure(reps=int(_env_number("BENCH_REPS", 30, int)), warmup=int(_env_number("BENCH_WARMUP", 3, int)),
                     sweep_reps=int(_env_number("BENCH_SWEEP_REPS", 3, int)))
    if args.json:
        args.json.write_text(json.dumps(result, default=str))
    else:
        print(format_report([result]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
