#!/usr/bin/env python
"""`make bench`: each operation beside the same machine's limit, at several sizes, in one run.

    python scripts/bench.py                  # what `make bench` runs (needs DATABASE_URL: `make bench` sets it)
    python scripts/bench.py measure --json out.json   # DATABASE_URL's database alone, in this process

Sizes. Every run measures 1,000 children (``safeguarding_bench_small``) and 100,000 children
(``safeguarding_bench``); ``BENCH_SCALE=10`` adds 1,000,000 children (``safeguarding_bench_1m``), and
another ``BENCH_SCALE`` adds that size (or, below 1, replaces 100,000). Each size has a database of its
own on DATABASE_URL's server, created when missing, migrated and loaded by ``manage.py load_volume``
(COPY, idempotent per scale). Each is measured by a worker process of its own (``bench.py worker``),
and the sizes take turns call by call: repetition i of every operation runs at every size before
repetition i + 1 runs at any, so that all sizes see the same machine load.

What each operation is set beside (its limit, measured in the same worker, taking turns with it):

- the search page (``GET /children/?name=…``, as a social worker and as a police officer), the child
  page and the conference page (as the allocated social worker), and the figures pages of every service
  (timeliness and child protection as the service manager, looked-after reviews as the IRO manager, the
  LADO's as the LADO manager, the partnership's as its business unit): **a bare view through the same
  middleware and login that replays every statement the page sent** (captured with
  ``connection.execute_wrapper`` during a warm-up call, less the statements the bare view's own
  middleware sends, so that both send the same statements);
- ``GET /api/v1/children/`` with an API client's token: **a bare DRF endpoint serving the same rows
  through the same serializer** (no authentication, policy, count or logging: the 50 children of the
  list's first page, fetched by id with the list's own ``shape_queryset``), and the bare view replaying
  every statement the list sent; and, with gunicorn (2 workers) and ``wrk`` on loopback, the
  throughput of both (target: the list at 40 % or more of the bare endpoint);
- the reminder sweep (an empty ledger each time): **the replay of every statement it sent**, in the same
  transactions, after the same reset;
- forbidden vs missing: the same endpoint (the API's one child, the child page) for an id that does not
  exist and for a child the person has no basis for: both answers and their timings.

It prints p50 and p95 per operation and size, the statements per call, the growth from the smallest
size to each larger one, and the plans of the key queries: every statement of the search, child,
conference, figures and API list pages that reads ``cases_child``, and the visibility id set for a police
officer and a social worker. **A sequential scan of cases_child in any of them fails the run** (exit
status 1, after the table). At 100,000 children and more the plan is PostgreSQL's own; below, where a
sequential scan of a small table is the right plan, the check asks for the plan with ``enable_seqscan``
off, which still scans when no index can serve the query.

Knobs: ``BENCH_SCALE`` (default 1), ``BENCH_REPS`` (timed calls per operation, default 30),
``BENCH_WARMUP`` (untimed calls first, default 3), ``BENCH_SWEEP_REPS`` (timed sweeps, default 3,
after one), ``BENCH_WRK_SECONDS`` (default 5), ``BENCH_WRK_ROUNDS`` (default 3) and ``BENCH_JSON`` (a file for
the raw results). The processes
run with DJANGO_ENV=development, DEBUG=False, MFA off, ALLOWED_HOSTS including testserver, the dummy
email backend, LOG_LEVEL=WARNING, and the API throttle's limits raised out of reach (its cache work
stays in every call).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import types
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SMALL_SCALE = 0.01
KEY_TABLE = "cases_child"
REAL_PLANS_FROM = 100_000  # children: from this size the plans are PostgreSQL's own choice
RAISED_RATE = "1000000/s"

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


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- statements: capture and replay ---------------------------------------------------------------
@dataclass
class Statement:
    sql: str
    params: object
    many: bool
    txn: int | None  # the transaction it ran in; None: autocommit
    failed: bool = False
    rowcount: int = -1

    @property
    def verb(self) -> str:
        return self.sql.lstrip().split(None, 1)[0].upper() if self.sql.strip() else ""


class Capture:
    """Every statement sent while it is installed (``capturing()``), with the transaction each ran in."""

    def __init__(self):
        self.statements: list[Statement] = []
        self.txn = 0
        self.rolled_back: set[int] = set()

    def __call__(self, execute, sql, params, many, context):
        from django.db import connection

        txn = None if connection.get_autocommit() else self.txn
        try:
            result = execute(sql, params, many, context)
        except Exception:
            self.statements.append(Statement(sql, params, many, txn, failed=True))
            raise
        cursor = context.get("cursor")
        self.statements.append(Statement(sql, params, many, txn, rowcount=getattr(cursor, "rowcount", -1)))
        return result


@contextmanager
def capturing() -> Iterator[Capture]:
    from django.db import connection

    capture = Capture()
    commit, rollback = connection.commit, connection.rollback

    def counted_commit():
        try:
            commit()
        finally:
            capture.txn += 1

    def counted_rollback():
        try:
            rollback()
        finally:
            capture.rolled_back.add(capture.txn)
            capture.txn += 1

    connection.commit, connection.rollback = counted_commit, counted_rollback
    try:
        with connection.execute_wrapper(capture):
            yield capture
    finally:
        del connection.commit, connection.rollback


def captured(fn: Callable[[], object], *, warm: bool = True) -> tuple[object, Capture]:
    """Run ``fn`` (after one untimed call when ``warm``, so one-off cache fills are left out), returning
    its result and every statement it sent."""
    if warm:
        fn()
    with capturing() as capture:
        result = fn()
    return result, capture


def _fresh_ids(params):
    """The parameters of an INSERT with new UUIDs (a replayed row must not collide with the first)."""
    if isinstance(params, list | tuple):
        return type(params)(_fresh_ids(p) if isinstance(p, list | tuple) else uuid.uuid4() if isinstance(
            p, uuid.UUID) else p for p in params)
    return params


def replay(statements: list[Statement], *, rolled_back: frozenset[int] = frozenset(), fresh_ids: bool = False) -> int:
    """Send ``statements`` again with a plain cursor, in the same transactions (an atomic block per
    transaction, rolled back where the original was), fetching every row; returns the rows read.
    A statement that failed the first time may fail again: its error is caught, as the caller's was."""
    from django.db import DatabaseError, connection, transaction

    def run(cursor, s: Statement) -> int:
        params = _fresh_ids(s.params) if fresh_ids and s.verb == "INSERT" else s.params
        try:
            if s.many:
                cursor.executemany(s.sql, params)
            else:
                cursor.execute(s.sql, params)
        except DatabaseError:
            if not s.failed:
                raise
            return 0
        return len(cursor.fetchall()) if cursor.description is not None else 0

    rows, i = 0, 0
    with connection.cursor() as cursor:
        while i < len(statements):
            txn = statements[i].txn
            j = i + 1
            while txn is not None and j < len(statements) and statements[j].txn == txn:
                j += 1
            if txn is None:
                rows += run(cursor, statements[i])
            else:
                # inside a transaction already (a test), no savepoint of its own: the same statements
                with transaction.atomic(savepoint=txn in rolled_back):
                    for s in statements[i:j]:
                        rows += run(cursor, s)
                    if txn in rolled_back:
                        transaction.set_rollback(True)
            i = j
    return rows


def without(statements: list[Statement], sent_anyway: list[Statement]) -> list[Statement]:
    """``statements`` less one occurrence of each statement (by its SQL) in ``sent_anyway``."""
    left = Counter(s.sql for s in sent_anyway)
    out = []
    for s in statements:
        if left[s.sql] > 0:
            left[s.sql] -= 1
            continue
        out.append(s)
    return out


# --- plans ----------------------------------------------------------------------------------------
def _plan_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _scan(node: dict) -> str:
    what = node["Node Type"] + (" (parallel)" if node.get("Parallel Aware") else "")
    on, index = node.get("Relation Name"), node.get("Index Name")
    whole = " (no index condition)" if index and "Index Cond" not in node and "Relation Name" in node else ""
    return f"{what}{' on ' + on if on else ''}{' using ' + index if index else ''}{whole}"


def plan_findings(plan: dict, table: str = KEY_TABLE) -> dict:
    """What a JSON plan (EXPLAIN (FORMAT JSON)) does with ``table``: its sequential scans, its index
    scans without an index condition (the whole index read), and the shape of its scans of ``table``
    (with the bitmap index scans under them)."""
    nodes = list(_plan_nodes(plan["Plan"] if "Plan" in plan else plan))
    seq = [n for n in nodes if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == table]
    full_index = [n for n in nodes if n["Node Type"] in ("Index Scan", "Index Only Scan")
                  and n.get("Relation Name") == table and "Index Cond" not in n]
    shape = []
    for n in nodes:
        if n.get("Relation Name") == table:
            shape.append(_scan(n))
            shape += [_scan(b) for b in _plan_nodes(n) if b is not n and b["Node Type"] == "Bitmap Index Scan"]
    return {"seq_scans": len(seq), "full_index_scans": len(full_index), "shape": list(dict.fromkeys(shape)),
            "top": nodes[0]["Node Type"], "scans": len([n for n in nodes if "Relation Name" in n])}


def explain(sql: str, params, *, force_index: bool) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if force_index:
            cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        finally:
            if force_index:
                cursor.execute("RESET enable_seqscan")
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]


def reads_key_table(sql: str) -> bool:
    return f'"{KEY_TABLE}"' in sql or re.search(rf"\b{KEY_TABLE}\b", sql) is not None


# --- the bench URLs: a bare view, the replaying view, the bare DRF endpoint -----------------------
REPLAYS: dict[str, tuple[list[Statement], frozenset[int]]] = {}  # key -> statements the replay view sends
BARE_ROWS: dict[str, object] = {}  # the bare DRF endpoint's rows: "path" (the list's URL), "ids" (public ids)


def _list_view(path: str):
    """The API list's view class and an instance of it, as DRF would make for a list request."""
    from django.urls import resolve

    match = resolve(path)
    cls = getattr(match.func, "cls", None)
    if cls is None:
        raise RuntimeError(f"{path} is not a DRF view")
    view = cls(**getattr(match.func, "initkwargs", {}))
    view.action = "list"
    view.format_kwarg = None
    view.kwargs = {}
    view.args = ()
    return cls, view


def _bench_urlconf() -> str:
    """The app's URLs plus the bench's views (this process only)."""
    from django.http import HttpResponse
    from django.urls import path
    from rest_framework.permissions import AllowAny
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from safeguarding import urls as app_urls

    def bare_view(request):
        return HttpResponse("ok", content_type="text/plain")

    def replay_view(request, key):
        statements, rolled_back = REPLAYS[key]
        replay(statements, rolled_back=rolled_back, fresh_ids=True)
        return HttpResponse("ok", content_type="text/plain")

    class BareRows(APIView):
        """The API list's first page of rows, fetched by id and shaped by the list's own
        ``shape_queryset``, through its serializer: what DRF costs for those rows, and nothing else."""

        authentication_classes: list = []
        permission_classes = [AllowAny]
        throttle_classes: list = []

        def get(self, request):
            cls, view = _list_view(BARE_ROWS["path"])
            view.request = request
            model = cls.policy.model if getattr(cls, "policy", None) else cls.queryset.model
            ids = BARE_ROWS["ids"]
            qs = model._default_manager.filter(public_id__in=ids)
            if hasattr(view, "shape_queryset"):
                qs = view.shape_queryset(qs)
            serializer = view.get_serializer_class()(list(qs), many=True,
                                                     context={"request": request, "view": view, "format": None})
            return Response({"results": serializer.data})

    module = types.ModuleType("bench_urlconf")
    module.urlpatterns = [
        path("bench/bare/", bare_view, name="bench_bare"),
        path("bench/replay/<key>/", replay_view, name="bench_replay"),
        # the same two under /api/, where an API client's calls go (no login page there)
        path("api/v1/bench-view/", bare_view, name="bench_bare_under_api"),
        path("api/v1/bench-replay/<key>/", replay_view, name="bench_replay_under_api"),
        path("api/v1/bench-bare/", BareRows.as_view(), name="bench_bare_api"),
        *app_urls.urlpatterns,
    ]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(app_urls, handler))
    sys.modules[module.__name__] = module
    return module.__name__


def raise_throttle_limits() -> None:
    """No request of the bench is refused for its rate; the throttle's own work stays in every call."""
    from rest_framework.settings import api_settings

    for cls in api_settings.DEFAULT_THROTTLE_CLASSES:
        rates = getattr(cls, "THROTTLE_RATES", None)
        if isinstance(rates, dict):
            cls.THROTTLE_RATES = {scope: RAISED_RATE for scope in rates}


def wsgi_app():
    """gunicorn's application (``bench:wsgi_app()``): the app with the bench's URLs, for the throughput
    measure; the bare endpoint's rows come from BENCH_API_ROWS."""
    _setup_django()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = _bench_urlconf()
    raise_throttle_limits()
    BARE_ROWS.update(json.loads(os.environ.get("BENCH_API_ROWS", '{"path": "/api/v1/children/", "ids": []}')))
    return get_wsgi_application()


# --- measuring one database (inside Django) -------------------------------------------------------
@dataclass
class Line:
    key: str
    label: str
    group: str
    baseline: bool = False
    fn: Callable[[], object] | None = None
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    rows: int | None = None
    per_call_items: int | None = None  # the sweep: deadlines handled per call
    note: str = ""

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "fn"}
        if self.samples:
            out.update(median=p50(self.samples), p95=p95(self.samples), n=len(self.samples))
        return out


def _ok(response, what: str, status: int = 200):
    if response.status_code != status:
        raise RuntimeError(f"{what} answered {response.status_code}, not {status}")
    return response


class Bench:
    """The measurements of one database: ``prepare()``, then ``round(group)`` and ``sweep_round()`` as
    often as wanted (each times every line of the group once), then ``finish()``."""

    GROUPS = ("search_sw", "search_partner", "page", "conference", "api", "fm_api", "fm_page", "figures_timeliness",
              "figures_plans", "figures_reviews", "figures_lado", "figures_partnership")

    def __init__(self, *, log: Callable[[str], None] = say):
        import logging
        import warnings

        from django.test.utils import override_settings

        logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s measured are not news
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
        self.log = log
        self.lines: dict[str, Line] = {}
        self.groups: dict[str, list[str]] = {}
        self.plans: list[dict] = []
        self.notes: list[str] = []
        self.turn = 0
        self._override = override_settings(ROOT_URLCONF=_bench_urlconf())
        self._override.enable()
        self._open = True
        raise_throttle_limits()

    def close(self) -> None:
        if self._open:
            self._override.disable()
            self._open = False
            REPLAYS.clear()

    def add(self, line: Line) -> Line:
        self.lines[line.key] = line
        self.groups.setdefault(line.group, []).append(line.key)
        return line

    # --- setting up -------------------------------------------------------------------------------
    def prepare(self, *, warmup: int = 3, sweep: bool = True) -> dict:
        from django.test import Client

        from safeguarding.accounts.services import api_client_create
        from safeguarding.demo import volume

        volume.require_scratch_database()
        self.load_before = os.getloadavg()[0]
        self.meta = volume.loaded()
        if self.meta is None:
            raise RuntimeError("no volume data in this database: run `manage.py load_volume` first")
        s = self.s = volume.subjects()
        self.children = self.meta["children"]
        self.force_index = self.children < REAL_PLANS_FROM

        sw = Client()
        sw.force_login(s.social_worker)
        partner = Client()
        partner.force_login(s.partner_practitioner)
        _client, token = api_client_create(agency=s.partner_agency, name=f"Benchmark {uuid.uuid4().hex[:10]}")
        self.token = token
        api = Client(headers={"Authorization": f"Bearer {token}"})
        bare_sw = self._bare_statements(sw)
        bare_partner = self._bare_statements(partner)
        bare_api = self._bare_statements(api, prefix="/api/v1/bench-view/")

        # pages, each with its limit: a bare view replaying every statement the page sent
        from urllib.parse import urlencode

        self._page("search_sw", "search page, social worker", sw, "/children/?" + urlencode(
            {"name": s.search_social_worker}), bare_sw, plans=True)
        self._page("search_partner", "search page, police officer", partner, "/children/?" + urlencode(
            {"name": s.search_partner}), bare_partner, plans=True)
        self._page("page", "child page GET /children/<id>/", sw, f"/children/{s.page_child.public_id}/", bare_sw,
                   plans=True)
        if s.conference is not None:
            self._page("conference", "conference page GET /conferences/<id>/", sw,
                       f"/conferences/{s.conference.public_id}/", bare_sw, plans=True)
        else:
            self.notes.append("no conference in this data: the conference page is not measured")

        # the service manager's figures (ADR 29), each beside a bare view replaying its statements
        manager = self._service_manager_of(s.page_child.local_authority_id)
        if manager is not None:
            sm = Client()
            sm.force_login(manager)
            bare_sm = self._bare_statements(sm)
            self._page("figures_timeliness", "timeliness figures GET /figures/timeliness/ (service manager)", sm,
                       "/figures/timeliness/?service=child_protection", bare_sm, plans=True)
            self._page("figures_plans", "child protection figures GET /conferences/figures/ (service manager)", sm,
                       "/conferences/figures/", bare_sm, plans=True)
        else:
            self.notes.append("no service manager in this data: the figures pages are not measured")
        # the other services' figures (issue 13), each as the person its policy shows them to
        for key, label, person, url in (
                ("figures_reviews", "looked-after reviews figures GET /reviews/figures/ (IRO manager)", s.iro_manager,
                 "/reviews/figures/"),
                ("figures_lado", "LADO figures GET /lado/figures/ (LADO manager)", s.lado_manager, "/lado/figures/"),
                ("figures_partnership", "partnership figures GET /partnership/figures/ (business unit)",
                 s.business_unit, "/partnership/figures/")):
            if person is None:
                self.notes.append(f"{label}: nobody in this data may see it (loaded before these services were): "
                                  "not measured")
                continue
            client = Client()
            client.force_login(person)
            self._page(key, label, client, url, self._bare_statements(client), plans=True)

        # the API list: its limit is a bare DRF endpoint serving the same rows through the same serializer
        api_path = "/api/v1/children/"
        listing = self._page("api", "GET /api/v1/children/ (API client)", api, api_path, bare_api, plans=True,
                             replay_prefix="/api/v1/bench-replay/")
        body = listing.json()
        results = body.get("results", []) if isinstance(body, dict) else body
        BARE_ROWS.update(path=api_path, ids=[r["id"] for r in results])
        self.api_rows = {"path": api_path, "ids": BARE_ROWS["ids"]}
        self.lines["api"].rows = body.get("count", len(results)) if isinstance(body, dict) else len(results)
        bare = self._call(api, "/api/v1/bench-bare/", "the bare DRF endpoint")
        _, cap = captured(bare)
        returned = len(bare().json()["results"])
        if returned != len(results):
            raise RuntimeError(f"the bare DRF endpoint served {returned} rows, the list {len(results)}")
        self.add(Line("api_bare", f"bare DRF endpoint, the same {returned} rows, same serializer", "api",
                      baseline=True, fn=bare, queries=len(cap.statements), rows=returned))

        # forbidden vs missing: the same endpoint, the same answer, in the same time?
        self._forbidden_vs_missing("fm_api", "API GET /api/v1/children/<id>/ (police API client)", api,
                                   "/api/v1/children/{}/", s.partner_forbidden_child)
        self._forbidden_vs_missing("fm_page", "child page GET /children/<id>/ (social worker)", sw,
                                   "/children/{}/", s.forbidden_child)

        # the visibility id sets of a police officer and a social worker
        from cases.policies import child_policy
        from safeguarding.access.context import AccessContext

        for who, user in (("police officer", s.partner_practitioner), ("social worker", s.social_worker)):
            qs = child_policy.visible(AccessContext.for_user(user), "view").values("pk")
            sql, params = qs.query.sql_with_params()
            self._plan(f"visibility id set, {who}", sql, params)

        if sweep:
            self._prepare_sweep()

        # warm up every group before the first timed round
        for _ in range(warmup):
            for group in self.groups:
                if group != "sweep":
                    for key in self.groups[group]:
                        self.lines[key].fn()
        return self.info()

    def info(self) -> dict:
        return {"groups": [g for g in self.groups if g != "sweep"], "sweep": "sweep" in self.groups,
                "token": self.token, "api_rows": self.api_rows, "children": self.children}

    @staticmethod
    def _service_manager_of(local_authority_id: int):
        from safeguarding.accounts.models import Role, User

        return (User.objects.filter(is_active=True, memberships__is_active=True,
                                    memberships__agency_id=local_authority_id,
                                    memberships__roles__contains=[Role.SERVICE_MANAGER]).order_by("pk").first())

    def _call(self, client, url: str, what: str, status: int = 200) -> Callable[[], object]:
        return lambda: _ok(client.get(url), what, status)

    def _bare_statements(self, client, prefix: str = "/bench/bare/") -> list[Statement]:
        _, cap = captured(self._call(client, prefix, "the bare view"))
        return cap.statements

    def _page(self, key: str, label: str, client, url: str, bare: list[Statement], *, plans: bool,
              replay_prefix: str = "/bench/replay/"):
        call = self._call(client, url, url)
        response, cap = captured(call)
        REPLAYS[key] = (without(cap.statements, bare), frozenset(cap.rolled_back))
        limit = self._call(client, f"{replay_prefix}{key}/", f"the replay of {url}")
        _, limit_cap = captured(limit)
        self.add(Line(key, label, key, fn=call, queries=len(cap.statements)))
        self.add(Line(f"{key}_limit", f"bare view + replay of its {len(cap.statements)} statements", key,
                      baseline=True, fn=limit, queries=len(limit_cap.statements)))
        if plans:
            for n, st in enumerate(cap.statements, 1):
                if st.verb in ("SELECT", "WITH") and not st.many and reads_key_table(st.sql):
                    self._plan(f"{label}: statement {n} of {len(cap.statements)}", st.sql, st.params)
        return response

    def _forbidden_vs_missing(self, key: str, label: str, client, url: str, forbidden) -> None:
        if forbidden is None:
            self.notes.append(f"{label}: no forbidden record in this data")
            return
        missing_url = url.format(self.s.missing_id)
        forbidden_url = url.format(forbidden.public_id)
        answers = {}
        for which, u in (("missing", missing_url), ("forbidden", forbidden_url)):
            response, cap = captured(lambda u=u: client.get(u))
            answers[which] = (response.status_code, len(cap.statements))
        status = answers["missing"][0]
        if answers["forbidden"][0] != status:
            self.notes.append(f"{label}: a missing id answers {status}, a forbidden one {answers['forbidden'][0]}")
        self.add(Line(f"{key}_missing", f"{label}: missing id ({status})", key,
                      fn=self._call(client, missing_url, missing_url, status), queries=answers["missing"][1]))
        self.add(Line(f"{key}_forbidden", f"forbidden id ({answers['forbidden'][0]})", key, baseline=True,
                      fn=self._call(client, forbidden_url, forbidden_url, answers["forbidden"][0]),
                      queries=answers["forbidden"][1]))

    def _plan(self, label: str, sql: str, params) -> None:
        try:
            plan = explain(sql, params, force_index=self.force_index)
        except Exception as exc:  # noqa: BLE001 - a statement EXPLAIN cannot take is reported, not fatal
            self.plans.append({"label": label, "error": str(exc).splitlines()[0], "ok": True,
                               "mode": "forced" if self.force_index else "real"})
            return
        found = plan_findings(plan)
        # A whole-index scan is only a warning, at any size: with enable_seqscan off on a tiny table it is
        # often just the cheapest plan (not a sign that no index can serve the query), and at full size
        # it may be an ordered read that stops early.
        self.plans.append({"label": label, "ok": found["seq_scans"] == 0, **found,
                           "mode": "enable_seqscan off" if self.force_index else "real",
                           "sql": sql[:2000]})

    # --- the sweep ----------------------------------------------------------------------------------
    def _prepare_sweep(self) -> None:
        from django.db import connection

        from safeguarding.clock import reminders

        s = self.s
        # every table's serial column and where its sequence stands: what a reset goes back to
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.relname, a.attname, pg_get_serial_sequence(quote_ident(t.relname), a.attname) "
                "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "WHERE t.relkind = 'r' AND n.nspname = current_schema() "
                "AND pg_get_serial_sequence(quote_ident(t.relname), a.attname) IS NOT NULL")
            self.snapshot = {}
            for table, column, seq in cursor.fetchall():
                cursor.execute(f"SELECT last_value, is_called FROM {seq}")
                last, called = cursor.fetchone()
                self.snapshot[table] = (seq, column, last if called else last - 1)

        def one_sweep():
            run = reminders.sweep(today=s.reference_date, worker="bench")
            if run is None:
                raise RuntimeError("another sweep holds the advisory lock")
            return run

        run, cap = captured(one_sweep, warm=False)  # the first sweep shows which statements a sweep sends
        written = set()
        for st in cap.statements:
            for table in re.findall(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', st.sql, re.IGNORECASE):
                if table in self.snapshot:
                    written.add(table)
        self.sweep_tables = sorted(written)
        inserted = {t for st in cap.statements for t in re.findall(r'INSERT\s+INTO\s+"?(\w+)"?', st.sql, re.I)}
        for st in cap.statements:
            m = re.match(r'\s*UPDATE\s+"?(\w+)"?', st.sql, re.I)
            if m and m.group(1) not in inserted and st.rowcount > 0:
                self.notes.append(f"the sweep updated {st.rowcount} existing rows of {m.group(1)}: the reset "
                                  "cannot undo that, later sweeps may do less")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT deadline_id) FROM clock_reminderclaim")
            deadlines = cursor.fetchone()[0]
        self.sweep_statements = (cap.statements, frozenset(cap.rolled_back))
        self._autovacuum(False)
        self._sweep_reset()
        self.add(Line("sweep", "reminder sweep (empty ledger)", "sweep", fn=one_sweep, queries=len(cap.statements),
                      rows=run.claimed, per_call_items=deadlines))
        self.add(Line("sweep_replay", f"replay of all its {len(cap.statements)} statements", "sweep",
                      baseline=True, fn=lambda: replay(self.sweep_statements[0], rolled_back=self.sweep_statements[1]),
                      queries=len(cap.statements), rows=run.claimed, per_call_items=deadlines))

    def _sweep_reset(self) -> None:
        """The tables the sweep wrote back as before it: its rows deleted, the sequences back (so a replay
        sends the same ids), then vacuumed and analysed (where not inside a transaction)."""
        from django.db import connection, transaction

        from safeguarding.demo import volume

        volume.require_scratch_database()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.sweep_tables:
                seq, column, last = self.snapshot[table]
                cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" > %s', [last])
                cursor.execute("SELECT setval(%s, %s, %s)", [seq, max(last, 1), last >= 1])
        if not connection.in_atomic_block and self.sweep_tables:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE " + ", ".join(f'"{t}"' for t in self.sweep_tables))
        elif self.sweep_tables:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(f'"{t}"' for t in self.sweep_tables))

    def _autovacuum(self, on: bool) -> None:
        # Off while measuring, so that an autovacuum worker analysing the ledger in the middle of one sweep
        # (and not another) does not change its plans: every run starts from the same statistics.
        from django.db import connection

        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for table in self.sweep_tables:
                cursor.execute(f'ALTER TABLE "{table}" ' + ("RESET (autovacuum_enabled)" if on
                                                            else "SET (autovacuum_enabled = false)"))

    # --- timing -----------------------------------------------------------------------------------
    def round(self, group: str) -> dict[str, float]:
        """Time each line of ``group`` once, starting with a different line each round."""
        keys = self.groups[group]
        self.turn += 1
        order = keys[self.turn % len(keys):] + keys[:self.turn % len(keys)]
        out = {}
        for key in order:
            line = self.lines[key]
            t0 = time.perf_counter()
            line.fn()
            out[key] = time.perf_counter() - t0
            line.samples.append(out[key])
        return out

    def sweep_round(self, *, keep: bool = True) -> dict[str, float]:
        out = {}
        self.turn += 1
        for key in (("sweep", "sweep_replay") if self.turn % 2 else ("sweep_replay", "sweep")):
            self._sweep_reset()
            t0 = time.perf_counter()
            self.lines[key].fn()
            out[key] = time.perf_counter() - t0
            if keep:
                self.lines[key].samples.append(out[key])
        self._sweep_reset()
        return out

    def finish(self) -> dict:
        from django.db import connection

        if "sweep" in self.groups:
            self._autovacuum(True)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        m = self.meta
        info = {
            "database": connection.settings_dict["NAME"], "postgres": server, "children": m["children"],
            "deadlines": m["deadlines"], "scale": m["scale"], "reference_date": str(m["reference_date"]),
            "load_seconds": m["seconds"], "load_rows": m["rows"], "loaded_at": str(m["loaded_at"]),
            "load_steps": m.get("step_seconds") or {}, "measured_on": date.today().isoformat(),
            "code": _git_state(), "loadavg": [self.load_before, os.getloadavg()[0]],
            "plan_mode": "enable_seqscan off" if self.force_index else "real",
        }
        lines = [line.as_dict() for line in self.lines.values()]
        self.close()
        return {"meta": info, "results": lines, "plans": self.plans, "notes": self.notes}


def measure(*, reps: int = 30, warmup: int = 3, sweep_reps: int = 3, sweep_warmup: int = 1, sweep: bool = True,
            log: Callable[[str], None] = say) -> dict:
    """Measure the current database (loaded by load_volume) in this process, one operation after another."""
    bench = Bench(log=log)
    try:
        info = bench.prepare(warmup=warmup, sweep=sweep)
        for _ in range(reps):
            for group in info["groups"]:
                bench.round(group)
        if info["sweep"]:
            for i in range(sweep_warmup + sweep_reps):
                bench.sweep_round(keep=i >= sweep_warmup)
        return bench.finish()
    finally:
        bench.close()


# --- taking turns across sizes ----------------------------------------------------------------------
def interleave(workers: dict[str, object], *, reps: int, sweep_reps: int, sweep_warmup: int = 1,
               log: Callable[[str], None] = say) -> list[tuple[str, str]]:
    """Repetition by repetition, every group at every size (the sizes' order alternating), then the sweeps
    the same way. ``workers`` map a size to an object with ``call(command) -> dict``. Returns the order
    of the calls (size, group)."""
    order: list[tuple[str, str]] = []
    infos = {size: w.info for size, w in workers.items()}
    sizes = list(workers)
    groups = list(dict.fromkeys(g for info in infos.values() for g in info["groups"]))
    for rep in range(reps):
        turn = sizes if rep % 2 == 0 else sizes[::-1]
        for group in groups:
            for size in turn:
                if group in infos[size]["groups"]:
                    workers[size].call({"cmd": "round", "group": group})
                    order.append((size, group))
        if (rep + 1) % 10 == 0 or rep + 1 == reps:
            log(f"  {rep + 1} of {reps} repetitions")
    for rep in range(sweep_warmup + sweep_reps):
        turn = sizes if rep % 2 == 0 else sizes[::-1]
        for size in turn:
            if infos[size]["sweep"]:
                workers[size].call({"cmd": "sweep_round", "keep": rep >= sweep_warmup})
                order.append((size, "sweep"))
        log(f"  sweep {rep + 1} of {sweep_warmup + sweep_reps}{' (warm-up)' if rep < sweep_warmup else ''}")
    return order


class LocalWorker:
    """A size measured in this process (the harness test: two of them on one database)."""

    def __init__(self, bench: Bench, info: dict):
        self.bench, self.info = bench, info

    def call(self, command: dict) -> dict:
        if command["cmd"] == "round":
            return self.bench.round(command["group"])
        if command["cmd"] == "sweep_round":
            return self.bench.sweep_round(keep=command["keep"])
        raise ValueError(command)


class ProcessWorker:
    """A size measured by ``bench.py worker`` in a process of its own, one JSON line per command."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name = name
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "worker"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.info: dict = {}

    def call(self, command: dict) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise SystemExit(f"error: the bench worker for {self.name} stopped (exit status {code})")
        answer = json.loads(line)
        if "error" in answer:
            raise SystemExit(f"error: the bench worker for {self.name}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.call({"cmd": "quit"})
            except SystemExit:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def worker_main() -> int:
    """``bench.py worker``: commands on stdin, answers on the original stdout (anything else printed goes
    to stderr)."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    _setup_django()
    bench = Bench()
    for line in sys.stdin:
        command = json.loads(line)
        try:
            cmd = command["cmd"]
            if cmd == "prepare":
                result = bench.prepare(warmup=command["warmup"])
            elif cmd == "round":
                result = bench.round(command["group"])
            elif cmd == "sweep_round":
                result = bench.sweep_round(keep=command["keep"])
            elif cmd == "finish":
                result = bench.finish()
            elif cmd == "quit":
                answers.write(json.dumps({"result": None}) + "\n")
                return 0
            else:
                raise ValueError(f"unknown command {cmd!r}")
        except Exception as exc:  # noqa: BLE001 - reported to the orchestrator, which stops
            import traceback

            traceback.print_exc()
            answers.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            return 1
        answers.write(json.dumps({"result": result}, default=str) + "\n")
    return 0


# --- throughput: gunicorn and wrk ---------------------------------------------------------------------
def parse_wrk(output: str) -> dict:
    """Requests per second, the latency percentiles and the non-2xx count from ``wrk --latency``."""
    out: dict = {"rps": None, "latency_p50_ms": None, "latency_p99_ms": None, "non_2xx": 0, "requests": None}

    def ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if m:
        out["rps"] = float(m.group(1))
    m = re.search(r"^\s*(\d+) requests in", output, re.M)
    if m:
        out["requests"] = int(m.group(1))
    for pct, key in (("50", "latency_p50_ms"), ("99", "latency_p99_ms")):
        m = re.search(rf"^\s*{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\b", output, re.M)
        if m:
            out[key] = ms(m.group(1), m.group(2))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if m:
        out["non_2xx"] = int(m.group(1))
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"error: gunicorn stopped (exit status {proc.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/bench-view/")  # under /api/: no login page
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("error: gunicorn did not answer within a minute")


def throughput(sizes: dict[str, dict], *, seconds: int, rounds: int, log: Callable[[str], None] = say) -> dict:
    """For each size (name -> {"env", "token", "api_rows"}): gunicorn with 2 workers, and ``wrk`` against the
    API list and the bare endpoint serving the same rows, taking turns (round by round, size by size)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"absent": "wrk is not installed (Debian: apt-get install wrk): no throughput measured"}
    servers = {}
    try:
        for name, spec in sizes.items():
            port = _free_port()
            env = {**spec["env"], "BENCH_API_ROWS": json.dumps(spec["api_rows"])}
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                 "--pythonpath", f"{ROOT},{ROOT / 'scripts'}", "--chdir", str(ROOT), "--log-level", "warning",
                 "--timeout", "120", "bench:wsgi_app()"], cwd=ROOT, env=env, start_new_session=True)
            servers[name] = (port, proc)
        for port, proc in servers.values():
            _wait_ready(port, proc)
        results: dict[str, dict[str, list[dict]]] = {name: {"api": [], "bare": []} for name in sizes}
        names = list(sizes)
        for r in range(rounds):
            for name in (names if r % 2 == 0 else names[::-1]):
                port = servers[name][0]
                targets = [("api", sizes[name]["api_rows"]["path"]), ("bare", "/api/v1/bench-bare/")]
                for which, path in (targets if r % 2 == 0 else targets[::-1]):
                    out = subprocess.run(
                        [wrk, "-t1", "-c4", f"-d{seconds}s", "--latency", "-H",
                         f"Authorization: Bearer {sizes[name]['token']}", f"http://127.0.0.1:{port}{path}"],
                        capture_output=True, text=True, timeout=seconds + 60)
                    parsed = parse_wrk(out.stdout)
                    results[name][which].append(parsed)
            log(f"  throughput round {r + 1} of {rounds}")
        return {"seconds": seconds, "rounds": rounds, "connections": 4, "workers": 2, "results": results}
    finally:
        for _port, proc in servers.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


# --- the report ---------------------------------------------------------------------------------------
def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def _size(children: int) -> str:
    for n, word in ((1_000_000, "M"), (1_000, "k")):
        if children >= n and children % n == 0:
            return f"{children // n}{word}"
    return f"{children:,}"


def _row_label(r: dict) -> str:
    return f"  vs {r['label']}" if r["baseline"] else r["label"]


def format_table(runs: list[dict]) -> str:
    """One plain-text table: a block of columns per size, then the growth from the first size to each other."""
    by_key = [{r["key"]: r for r in run["results"]} for run in runs]
    keys = list(dict.fromkeys(r["key"] for run in runs for r in run["results"]))
    label_w = max(len(_row_label(r)) for run in runs for r in run["results"]) + 2
    block = "{q:>5} {median:>10} {p95:>10} {ratio:>7} {rate:>12}"
    block_w = len(block.format(q="", median="", p95="", ratio="", rate=""))
    titles = [f"{run['meta']['children']:,} children" for run in runs]
    head1 = " " * label_w + "   ".join(t.center(block_w) for t in titles)
    head2 = "operation".ljust(label_w) + "   ".join(
        block.format(q="q", median="p50", p95="p95", ratio="ratio", rate="rate") for _ in runs)
    growth_titles = [f"x{_size(run['meta']['children'])}" for run in runs[1:]]
    head2 += "".join(f"  {t:>7}" for t in growth_titles)
    lines = [head1.rstrip(), head2, "-" * len(head2)]
    for key in keys:
        first = next(results[key] for results in by_key if key in results)
        cells = []
        for results in by_key:
            r = results.get(key)
            if r is None or not r.get("samples"):
                cells.append(block.format(q="", median="-", p95="-", ratio="", rate=""))
                continue
            ratio = ""
            if r["baseline"]:
                op = next((x for x in results.values() if x["group"] == r["group"] and not x["baseline"]), None)
                if op and op.get("samples") and r["median"] > 0:
                    ratio = f"{op['median'] / r['median']:.1f}x" if not r["key"].endswith("_forbidden") else \
                        f"{r['median'] / op['median']:.2f}x"
            rate = f"{r['per_call_items'] / r['median']:,.0f}/s" if r.get("per_call_items") else ""
            cells.append(block.format(q=r["queries"] if r["queries"] is not None else "", median=_duration(r["median"]),
                                      p95=_duration(r["p95"]), ratio=ratio, rate=rate))
        line = _row_label(first).ljust(label_w) + "   ".join(cells)
        base = by_key[0].get(key)
        for results in by_key[1:]:
            r = results.get(key)
            growth = f"{r['median'] / base['median']:.2f}" if base and r and base.get("samples") and r.get(
                "samples") else "-"
            line += f"  {growth:>7}"
        lines.append(line)
    return "\n".join(lines)


def format_throughput(tp: dict | None, runs: list[dict]) -> list[str]:
    if not tp:
        return []
    if "absent" in tp:
        return ["", f"THROUGHPUT NOT MEASURED: {tp['absent']}"]
    names = list(tp["results"])
    lines = ["", f"Throughput: gunicorn ({tp['workers']} sync workers) and wrk -t1 -c{tp['connections']} "
                 f"-d{tp['seconds']}s on loopback, {tp['rounds']} rounds taking turns; median of the rounds",
             "".ljust(44) + "".join(f"{n:>26}" for n in names)]
    ratios = {}
    for which, label in (("api", "GET /api/v1/children/ (API client)"),
                         ("bare", "bare DRF endpoint, same rows, same serializer")):
        cells = []
        for n in names:
            rounds = tp["results"][n][which]
            rps = [x["rps"] for x in rounds if x["rps"] is not None]
            lat = [x["latency_p50_ms"] for x in rounds if x["latency_p50_ms"] is not None]
            bad = sum(x["non_2xx"] for x in rounds)
            if rps:
                ratios.setdefault(n, {})[which] = statistics.median(rps)
            cell = (f"{statistics.median(rps):,.0f} req/s, p50 {statistics.median(lat):.1f} ms" if rps and lat
                    else "-") + (f" ({bad} non-2xx!)" if bad else "")
            cells.append(f"{cell:>26}")
        lines.append(label.ljust(44) + "".join(cells))
    cells = []
    for n in names:
        r = ratios.get(n, {})
        cells.append(f"{r['api'] / r['bare'] * 100:.0f} %" if r.get("api") and r.get("bare") else "-")
    lines.append("API list / bare endpoint (target >= 40 %)".ljust(44) + "".join(f"{c:>26}" for c in cells))
    return lines


def plan_failures(runs: list[dict]) -> list[str]:
    out = []
    for run in runs:
        for p in run.get("plans", []):
            if not p.get("ok", True):
                scans = [s for s in p["shape"] if "Seq Scan" in s]
                out.append(f"{_size(run['meta']['children'])} children ({p['mode']}): {p['label']}: "
                           f"{'; '.join(scans)}")
    return out


def format_plans(runs: list[dict]) -> list[str]:
    lines = ["", f"Plans of the key queries (their scans of {KEY_TABLE}). FAIL: a sequential scan of it (below "
                 f"{REAL_PLANS_FROM:,} children planned with enable_seqscan off,",
             "where a sequential scan is left only when no index can serve the query); full: a whole index read "
             "with no index condition (a warning)"]
    for run in runs:
        lines.append(f"  {run['meta']['children']:,} children ({run['meta']['plan_mode']}):")
        for p in run.get("plans", []):
            if "error" in p:
                lines.append(f"    ??   {p['label']}: EXPLAIN failed: {p['error']}")
                continue
            mark = "FAIL" if not p["ok"] else "full" if p["full_index_scans"] else "ok  "
            shape = "; ".join(p["shape"]) or f"no scan of {KEY_TABLE}"
            if p["ok"] and len(shape) > 140:
                shape = shape[:137] + "..."
            lines.append(f"    {mark} {p['label']}: {shape}")
    return lines


def format_report(runs: list[dict], throughput_result: dict | None = None) -> str:
    m = runs[-1]["meta"]
    cpu = _cpu_model()
    code = f", code {m['code']}" if m.get("code") else ""
    n = {r["key"]: r.get("n", 0) for r in runs[-1]["results"]}
    header = [
        f"Safeguarding Hub benchmark, {m['measured_on']}: PostgreSQL {m['postgres']}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores{f' ({cpu})' if cpu else ''}{code}",
        f"per call: p50 and p95 of {max(n.values(), default=0)} calls (the sweep: {n.get('sweep', 0)}), the sizes "
        "taking turns call by call; q = SQL statements per call",
        "ratio = the operation's p50 / its limit's (forbidden lines: forbidden / missing); rate = deadlines swept "
        "a second; xN = p50 at that size / p50 at the first",
        "",
        format_table(runs),
    ]
    header += format_throughput(throughput_result, runs)
    header += format_plans(runs)
    header.append("")
    for run in runs:
        r = run["meta"]
        steps = ", ".join(f"{k} {v:.0f} s" for k, v in r.get("load_steps", {}).items() if v >= 1)
        header.append(f"{r['database']}: {r['children']:,} children, {r['deadlines']:,} deadlines, reference date "
                      f"{r['reference_date']}; loaded {r['loaded_at'][:16]} in {r['load_seconds']:.1f} s "
                      f"({r['load_rows']:,} rows{'; ' + steps if steps else ''}); load average "
                      f"{r['loadavg'][0]:.1f} before measuring, {r['loadavg'][1]:.1f} after")
        extra = {x["key"]: x for x in run["results"]}
        bits = []
        if "api" in extra:
            bits.append(f"API list count {extra['api']['rows']}")
        if "sweep" in extra:
            bits.append(f"sweep claimed {extra['sweep']['rows']:,} reminders for {extra['sweep']['per_call_items']:,} "
                        "deadlines")
        if bits:
            header.append("  " + "; ".join(bits))
        for note in run.get("notes", []):
            header.append(f"  note: {note}")
    failures = plan_failures(runs)
    if failures:
        header += ["", f"FAILED: {len(failures)} key quer{'y reads' if len(failures) == 1 else 'ies read'} "
                       f"{KEY_TABLE} with a sequential scan:"] + [f"  {f}" for f in failures]
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


def database_for(scale: float) -> str:
    if math.isclose(scale, SMALL_SCALE):
        return "safeguarding_bench_small"
    if math.isclose(scale, 1):
        return "safeguarding_bench"
    children = round(100_000 * scale)
    return f"safeguarding_bench_{_size(children).lower().replace(',', '_')}"


def sizes_for(scale: float) -> list[float]:
    """1,000 children always; 100,000 from BENCH_SCALE=1 on; BENCH_SCALE's own size."""
    sizes = {SMALL_SCALE, scale}
    if scale >= 1:
        sizes.add(1.0)
    return sorted(sizes)


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
    result = subprocess.run(args, cwd=ROOT, env=env, stdout=sys.stderr)  # stdout is the report's
    if result.returncode != 0:
        raise SystemExit(f"error: {' '.join(args[1:])} failed (exit status {result.returncode})")


def prepare_database(url: str, scale: float) -> tuple[str, dict[str, str], float]:
    """Create, migrate and load one size's database; returns its name, its environment and the seconds
    the load step took (0 when it was already loaded)."""
    name = database_for(scale)
    ensure_database(url, name)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": with_database(url, name), "BENCH_SCALE": f"{scale:g}"}
    say(f"== {name}: migrate")
    _run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    say(f"== {name}: load_volume --scale {scale:g}")
    t0 = time.monotonic()
    _run([sys.executable, "manage.py", "load_volume", "--scale", f"{scale:g}"], env)
    return name, env, time.monotonic() - t0


def orchestrate() -> int:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise SystemExit("error: DATABASE_URL is not set: run `make bench` (it starts the embedded PostgreSQL), or "
                         "set DATABASE_URL to a server; the benchmark uses its own databases on that server")
    scale = _env_number("BENCH_SCALE", 1.0)
    reps = int(_env_number("BENCH_REPS", 30, int))
    warmup = int(_env_number("BENCH_WARMUP", 3, int))
    sweep_reps = int(_env_number("BENCH_SWEEP_REPS", 3, int))
    started = time.monotonic()
    if shutil.which("wrk") is None:
        say("NOTE: wrk is not installed (Debian: apt-get install wrk): the throughput lines will be missing")
    prepared = {}
    for s in sizes_for(scale):
        name, env, seconds = prepare_database(url, s)
        prepared[name] = env
        say(f"== {name}: ready ({seconds:.0f} s for load_volume)")
    workers = {name: ProcessWorker(name, env) for name, env in prepared.items()}
    try:
        for name, w in workers.items():
            say(f"== {name}: preparing (capturing statements, plans, {warmup} warm-up rounds)")
            w.info = w.call({"cmd": "prepare", "warmup": warmup})
        say(f"== measuring: {reps} repetitions, sizes taking turns")
        interleave(workers, reps=reps, sweep_reps=sweep_reps)
        runs = [w.call({"cmd": "finish"}) for w in workers.values()]
        infos = {name: w.info for name, w in workers.items()}
    finally:
        for w in workers.values():
            w.close()
    say("== throughput (gunicorn, wrk)")
    tp = throughput({_size(infos[n]["children"]) + " children": {"env": prepared[n], "token": infos[n]["token"],
                                                                "api_rows": infos[n]["api_rows"]} for n in workers},
                    seconds=int(_env_number("BENCH_WRK_SECONDS", 5, int)),
                    rounds=int(_env_number("BENCH_WRK_ROUNDS", 3, int)))
    say(f"== done in {time.monotonic() - started:.0f} s")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps({"runs": runs, "throughput": tp}, default=str))
    print(format_report(runs, tp), flush=True)
    failures = plan_failures(runs)
    if failures:
        print(f"\nbench FAILED: {len(failures)} key queries scan {KEY_TABLE} sequentially (above).", file=sys.stderr)
        return 1
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
    sub.add_parser("worker", help="(internal) measure one database, commanded by JSON lines on stdin")
    args = parser.parse_args(argv)
    if args.command == "worker":
        return worker_main()
    if args.command != "measure":
        return orchestrate()
    _setup_django()
    result = measure(reps=int(_env_number("BENCH_REPS", 30, int)), warmup=int(_env_number("BENCH_WARMUP", 3, int)),
                     sweep_reps=int(_env_number("BENCH_SWEEP_REPS", 3, int)))
    if args.json:
        args.json.write_text(json.dumps(result, default=str))
    else:
        print(format_report([result]))
    return 1 if plan_failures([result]) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
