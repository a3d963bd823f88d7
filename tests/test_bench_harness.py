"""The benchmark harness (`make bench`): what load_volume writes, and that every measurement comes back
honest (each limit sends the statements its operation sent, the sizes take turns, plans are read).

Runs at a tiny scale (200 children, 2,000 deadlines) in the test database, loaded once for the module.
It asserts behaviour, not seconds: timings on a shared machine are for docs/performance.md, not for a
test to fail on.
"""

import importlib.util
import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import Child, Involvement
from conferences.models import ChildProtectionPlan, Conference, Decision, Invitation
from safeguarding.accounts.models import AgencyKind, Membership, Role
from safeguarding.clock.models import Deadline, ReminderClaim
from safeguarding.demo import volume
from tests.factories.worlds import shared_world

pytestmark = pytest.mark.xdist_group("bench_harness")

SCALE = 0.002  # 200 children, 2,000 deadlines
ROOT = Path(__file__).resolve().parent.parent


def _bench():
    """scripts/bench.py as a module (scripts/ is not a package)."""
    if "bench_harness_script" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_harness_script", ROOT / "scripts" / "bench.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
        spec.loader.exec_module(module)
    return sys.modules["bench_harness_script"]


def _indexes() -> set[tuple]:
    """The indexes of the loaded tables: name, method, columns, uniqueness, whether partial (a predicate
    built again from its definition reads back in other words: ``ANY (ARRAY[...])`` casts move)."""
    tables = [m._meta.db_table for m in volume.LOADED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, i.relname, am.amname, x.indkey::text, x.indisunique, x.indpred IS NOT NULL, "
            "x.indexprs IS NOT NULL, EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_am am ON am.oid = i.relam WHERE t.relname = ANY(%s)", [tables])
        return set(cursor.fetchall())


def _load():
    """The module's data, loaded the way a large scale is (tables emptied, indexes dropped and built
    again, rows frozen), so that the tests see that path too."""
    before = _indexes()
    out = io.StringIO()
    volume.load(scale=SCALE, say=lambda line: out.write(line + "\n"), bulk=True)
    return {"output": out.getvalue(), "indexes_before": before}


world = shared_world(_load, scope="class")


@pytest.fixture
def loaded(world, db):
    return world["output"]


# --- the measurements ---------------------------------------------------------------------------------
@pytest.fixture(scope="class")
def measured(world, django_db_blocker):
    """One measurement of the class's data (inside its transaction), read by its tests."""
    with django_db_blocker.unblock():
        return _bench().measure(reps=2, warmup=0, sweep_reps=1, sweep_warmup=0, log=lambda message: None)


@pytest.mark.django_db
class TestLoadedData:
    """The data (loaded once for the class, rolled back after it) and one measurement of it."""

    def test_load_volume_writes_the_expected_counts_with_valid_identifiers(self, loaded):
        assert "rows/s" in loaded  # it reports its speed
        assert Child.objects.count() == 200
        assert Deadline.objects.count() == 2000
        meta = volume.loaded()
        assert (meta["children"], meta["deadlines"]) == (200, 2000)
        assert meta["step_seconds"]["deadlines"] >= 0 and "children" in meta["step_seconds"]  # how long each step took

        nhs = list(Child.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
        upns = list(Child.objects.exclude(upn="").values_list("upn", flat=True))
        assert len(nhs) > 150 and len(upns) > 50
        assert len(set(nhs)) == len(nhs) and len(set(upns)) == len(upns)
        for number in nhs:
            assert validate_nhs_number(number) == number
        for upn in upns:
            assert validate_upn(upn) == upn

    def test_load_volume_spreads_people_involvements_and_deadlines(self, loaded):
        ref = volume.loaded()["reference_date"]
        # social workers hold caseloads; partner practitioners' agencies have open involvements
        assert Child.objects.filter(allocated_social_worker__isnull=False).count() > 100
        assert Membership.objects.filter(roles__contains=[Role.SOCIAL_WORKER]).count() >= 8
        partner_agencies = set(Membership.objects.filter(roles__contains=[Role.PARTNER_PRACTITIONER])
                               .values_list("agency__kind", flat=True))
        assert {AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION} <= partner_agencies
        open_involvements = Involvement.objects.filter(end_date__isnull=True)
        assert open_involvements.filter(agency__kind=AgencyKind.POLICE).exists()
        assert open_involvements.filter(agency__kind=AgencyKind.EDUCATION).exists()
        assert Involvement.objects.filter(end_date__isnull=False).exists()

        by_status = {s: Deadline.objects.filter(status=s) for s in Deadline.Status.values}
        for status in (Deadline.Status.OPEN, Deadline.Status.OVERDUE, Deadline.Status.MET_ON_TIME,
                       Deadline.Status.MET_LATE):
            assert by_status[status].exists(), status
        assert not by_status[Deadline.Status.OPEN].filter(due_date__lt=ref).exists()
        assert not by_status[Deadline.Status.OVERDUE].filter(due_date__gte=ref).exists()
        assert by_status[Deadline.Status.OPEN].filter(due_date__lte=ref + timedelta(days=7)).exists()
        assert not Deadline.objects.filter(met_on__gt=ref).exists()
        # every open deadline has someone to remind and a team whose manager hears when it is escalated
        assert not by_status[Deadline.Status.OPEN].filter(responsible_person__isnull=True).exists()
        assert not by_status[Deadline.Status.OVERDUE].filter(responsible_team__isnull=True).exists()
        assert Deadline.objects.values("rule_key").distinct().count() >= 10

    def test_load_volume_writes_plans_conferences_and_their_chairs(self, loaded):
        ref = volume.loaded()["reference_date"]
        plans = ChildProtectionPlan.objects.filter(status="active")
        assert plans.count() > 10
        # every plan's child is on a child protection team, and was decided at an initial (or pre-birth) conference
        assert set(plans.values_list("child__allocated_team__name", flat=True)) <= {"Child Protection Team"}
        initial = Conference.objects.filter(kind__in=["initial", "pre_birth"], status="decided")
        assert initial.count() == plans.count()
        assert Conference.objects.filter(kind="review", status="decided").exists()
        assert not Conference.objects.filter(status="decided", decision__isnull=True).exists()
        assert Decision.objects.filter(outcome="plan").count() == plans.count()
        assert not Conference.objects.filter(status="decided", held_on__gt=ref).exists()
        # reviews due soon are booked with a chair of the child's authority, never two at once for a chair
        booked = Conference.objects.filter(status="scheduled")
        assert booked.exists() and not booked.filter(chair__isnull=True).exists()
        assert not booked.filter(starts_at__date__lte=ref).exists()
        chairs = Membership.objects.filter(roles__contains=[Role.CONFERENCE_CHAIR])
        for c in booked:
            assert chairs.filter(user_id=c.chair_id, agency_id=c.child.local_authority_id).exists()
        assert Conference.objects.filter(status="requested", chair__isnull=True).exists()
        # invitations: the parent and the agencies involved
        assert Invitation.objects.filter(kind="parent", adult__isnull=False).exists()
        assert Invitation.objects.filter(kind="professional", agency__isnull=False).exists()

    def test_load_volume_leaves_every_index_and_constraint_as_migrate_made_them(self, world, db):
        """Indexes are dropped while loading and built again: the same definitions come back."""
        assert _indexes() == world["indexes_before"]

    def test_load_volume_chooses_what_the_benchmark_uses(self, loaded):
        s = volume.subjects()
        assert s.page_child.allocated_social_worker == s.social_worker
        assert s.conference is not None and s.conference.child == s.page_child and s.conference.status == "decided"
        assert s.forbidden_child.local_authority == s.page_child.local_authority
        assert s.forbidden_child.allocated_team != s.page_child.allocated_team
        theirs = s.partner_forbidden_child.involvements.filter(agency=s.partner_agency, end_date__isnull=True)
        assert not theirs.exists()
        assert not Child.objects.filter(public_id=s.missing_id).exists()

    def test_load_volume_is_idempotent_per_scale_and_reloads_when_fresh(self, loaded):
        again = io.StringIO()
        call_command("load_volume", scale=SCALE, stdout=again)
        assert "nothing to do" in again.getvalue()
        assert Child.objects.count() == 200

        fresh = io.StringIO()
        call_command("load_volume", scale=SCALE, fresh=True, stdout=fresh)
        assert "Emptied" in fresh.getvalue()
        assert (Child.objects.count(), Deadline.objects.count()) == (200, 2000)

    def test_measure_returns_numbers_for_every_operation_and_its_limit(self, measured, db):
        bench = _bench()
        rows = {r["key"]: r for r in measured["results"]}
        expected = {"search_sw", "search_partner", "page", "conference", "api", "sweep", "figures_timeliness",
                    "figures_plans"}
        assert expected <= set(rows)
        for key in expected:
            assert any(r["group"] == key and r["baseline"] for r in rows.values()), f"{key} has no limit"
        assert {"fm_api_missing", "fm_api_forbidden", "fm_page_missing", "fm_page_forbidden", "api_bare"} <= set(rows)
        for key, r in rows.items():
            assert r["n"] >= 1, key
            assert all(isinstance(x, float) and x > 0 for x in r["samples"]), key
            assert 0 < r["median"] <= r["p95"], key
            assert r["queries"] >= 1, key
        assert rows["api"]["rows"] >= 1
        assert rows["sweep"]["rows"] > 0 and rows["sweep"]["per_call_items"] > 0
        assert not ReminderClaim.objects.exists()  # the ledger is left empty

        table = bench.format_report([measured, measured])
        for r in measured["results"]:
            assert r["label"] in table
        assert "x200" in table  # the growth column
        assert "Plans of the key queries" in table

    def test_each_limit_sends_every_statement_its_operation_sent(self, measured, db):
        """The honest baselines: a page's limit replays all of the page's statements (the bare view's own
        middleware statements included once), the sweep's replay all of the sweep's."""
        rows = {r["key"]: r for r in measured["results"]}
        for key in ("search_sw", "search_partner", "page", "conference", "api", "figures_timeliness", "figures_plans"):
            assert rows[f"{key}_limit"]["queries"] == rows[key]["queries"], key
        assert rows["sweep_replay"]["queries"] == rows["sweep"]["queries"]
        # the bare DRF endpoint serves the same rows as the list's first page
        assert rows["api_bare"]["rows"] == min(50, rows["api"]["rows"])
        # forbidden and missing: the same answer
        assert rows["fm_api_missing"]["label"].endswith("(404)") and rows["fm_api_forbidden"]["label"].endswith("(404)")
        assert rows["fm_page_missing"]["label"].endswith("(404)")
        assert rows["fm_page_forbidden"]["label"].endswith("(404)")

    def test_measure_reads_the_plans_of_the_key_queries(self, measured, db):
        labels = [p["label"] for p in measured["plans"]]
        for what in ("search page, social worker", "search page, police officer", "child page", "conference page",
                     "GET /api/v1/children/", "visibility id set, police officer", "visibility id set, social worker",
                     "child protection figures"):
            assert any(label.startswith(what) for label in labels), what
        for p in measured["plans"]:
            assert p["mode"] == "enable_seqscan off"  # 200 children: a sequential scan would be the right plan
            assert "error" in p or p["shape"] or p["scans"] >= 0
        bench = _bench()
        failures = bench.plan_failures([measured])
        assert len(failures) == len([p for p in measured["plans"] if not p["ok"]])
        if failures:
            assert "FAILED" in bench.format_report([measured])


@pytest.mark.django_db(transaction=True)
def test_a_committed_bulk_load_puts_the_deadlines_on_a_second_connection():
    """Outside a transaction, as superuser (the bench's case), the deadlines load beside the rest on a
    connection of their own: the same rows as a load on one connection, every index back."""
    if not volume._is_superuser():
        pytest.skip("the database role is not a superuser: the loader uses one connection")
    before = _indexes()
    out = io.StringIO()
    try:
        volume.load(scale=0.001, say=lambda line: out.write(line + "\n"), bulk=True)
        assert "on a second connection" in out.getvalue()
        assert (Child.objects.count(), Deadline.objects.count()) == (100, 1000)
        assert volume.loaded()["counts"]["deadlines"] == 1000
        assert _indexes() == before
        assert not Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES, responsible_person__isnull=True).exists()
        parallel = sorted(Deadline.objects.values_list("public_id", flat=True))
        with transaction.atomic():  # the same seed on one connection: the same deadlines
            volume.load(scale=0.001, fresh=True, say=lambda line: None, bulk=True)
            assert sorted(Deadline.objects.values_list("public_id", flat=True)) == parallel
            transaction.set_rollback(True)
    finally:
        volume.wipe(say=lambda line: None)  # the record of the load too (not a table the test cleanup knows)


def test_bench_scale_sets_the_counts(db, monkeypatch):
    monkeypatch.setenv("BENCH_SCALE", "0.001")
    call_command("load_volume", stdout=io.StringIO())
    assert (Child.objects.count(), Deadline.objects.count()) == (100, 1000)
    assert volume.scaled(1) == (100_000, 1_000_000)
    assert volume.scaled(0.01) == (1_000, 10_000)


def test_volume_data_goes_only_into_scratch_databases():
    assert volume.is_scratch_database("safeguarding_bench")
    assert volume.is_scratch_database("safeguarding_bench_small")
    assert volume.is_scratch_database("test_sgh_bench")
    assert not volume.is_scratch_database("safeguarding_hub")


def test_interleave_takes_turns_repetition_by_repetition():
    bench = _bench()

    class Fake:
        def __init__(self, groups):
            self.info = {"groups": groups, "sweep": True}
            self.calls = []

        def call(self, command):
            self.calls.append(command)
            return {}

    small, large = Fake(["a", "b"]), Fake(["a", "b"])
    order = bench.interleave({"1k": small, "100k": large}, reps=2, sweep_reps=1, sweep_warmup=1, log=lambda m: None)
    assert order == [("1k", "a"), ("100k", "a"), ("1k", "b"), ("100k", "b"),
                     ("100k", "a"), ("1k", "a"), ("100k", "b"), ("1k", "b"),
                     ("1k", "sweep"), ("100k", "sweep"), ("100k", "sweep"), ("1k", "sweep")]
    assert [c["keep"] for c in small.calls if c["cmd"] == "sweep_round"] == [False, True]


def test_plan_findings_see_sequential_and_whole_index_scans():
    bench = _bench()
    plan = {"Plan": {"Node Type": "Hash Join", "Plans": [
        {"Node Type": "Seq Scan", "Relation Name": "cases_child"},
        {"Node Type": "Index Only Scan", "Relation Name": "cases_child", "Index Name": "cases_child_pkey"},
        {"Node Type": "Bitmap Heap Scan", "Relation Name": "cases_child", "Plans": [
            {"Node Type": "Bitmap Index Scan", "Index Name": "child_surname_trgm", "Index Cond": "x"}]},
        {"Node Type": "Index Scan", "Relation Name": "cases_involvement", "Index Name": "open_involvement"},
    ]}}
    found = bench.plan_findings(plan)
    assert (found["seq_scans"], found["full_index_scans"]) == (1, 1)
    assert "Bitmap Index Scan using child_surname_trgm" in found["shape"]
    assert not any("cases_involvement" in s for s in found["shape"])
    assert bench.plan_findings({"Plan": {"Node Type": "Index Scan", "Relation Name": "cases_child",
                                         "Index Name": "cases_child_public_id_key", "Index Cond": "x"}})[
        "seq_scans"] == 0


def test_replay_sends_the_statements_again_in_their_transactions(db):
    bench = _bench()
    with bench.capturing() as cap:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 2")
            cursor.execute("SELECT 3")
    selects = [s for s in cap.statements if s.verb == "SELECT"]
    assert [s.sql for s in selects] == ["SELECT 1", "SELECT 2", "SELECT 3"]
    assert {s.verb for s in cap.statements} == {"SELECT", "SAVEPOINT", "RELEASE"}  # the test's own transaction
    assert bench.replay(cap.statements) == 3  # a row each, the savepoints sent again around them
    # the statements the bare view sends anyway are left out once each
    kept = bench.without(selects, [selects[-1]])
    assert [s.sql for s in kept] == ["SELECT 1", "SELECT 2"]


def test_wrk_output_and_a_missing_wrk_are_reported():
    bench = _bench()
    out = """Running 5s test @ http://127.0.0.1:8000/api/v1/children/
  1 threads and 4 connections
  Latency Distribution
     50%   12.50ms
     75%   15.00ms
     90%   20.00ms
     99%    1.20s
  2000 requests in 5.00s, 10.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    400.12
Transfer/sec:      2.00MB
"""
    parsed = bench.parse_wrk(out)
    assert parsed == {"rps": 400.12, "latency_p50_ms": 12.5, "latency_p99_ms": 1200.0, "non_2xx": 3, "requests": 2000}
    lines = bench.format_throughput({"absent": "wrk is not installed"}, [])
    assert any("THROUGHPUT NOT MEASURED" in line for line in lines)


def test_sizes_alternate_and_each_has_its_database():
    bench = _bench()
    assert bench.sizes_for(1) == [0.01, 1]
    assert bench.sizes_for(10) == [0.01, 1, 10]
    assert bench.sizes_for(0.1) == [0.01, 0.1]
    assert bench.sizes_for(0.01) == [0.01]
    assert [bench.database_for(s) for s in (0.01, 1, 10, 0.1)] == [
        "safeguarding_bench_small", "safeguarding_bench", "safeguarding_bench_1m", "safeguarding_bench_10k"]
