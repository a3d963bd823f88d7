"""The benchmark harness (`make bench`): what load_volume writes, and that every measurement comes back.

Runs at a tiny scale (200 children, 2,000 deadlines) in the test database. It asserts behaviour, not
seconds: timings on a shared machine are for docs/performance.md, not for a test to fail on.
"""

import importlib.util
import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import Child, Involvement
from safeguarding.accounts.models import AgencyKind, Membership, Role
from safeguarding.clock.models import Deadline, ReminderClaim
from safeguarding.demo import volume

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


@pytest.fixture
def loaded(db):
    out = io.StringIO()
    call_command("load_volume", scale=SCALE, stdout=out)
    return out.getvalue()


def test_load_volume_writes_the_expected_counts_with_valid_identifiers(loaded):
    assert "rows/s" in loaded  # it reports its speed
    assert Child.objects.count() == 200
    assert Deadline.objects.count() == 2000
    meta = volume.loaded()
    assert (meta["children"], meta["deadlines"]) == (200, 2000)

    nhs = list(Child.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    upns = list(Child.objects.exclude(upn="").values_list("upn", flat=True))
    assert len(nhs) > 150 and len(upns) > 50
    assert len(set(nhs)) == len(nhs) and len(set(upns)) == len(upns)
    for number in nhs:
        assert validate_nhs_number(number) == number
    for upn in upns:
        assert validate_upn(upn) == upn


def test_load_volume_spreads_people_involvements_and_deadlines(loaded):
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


def test_load_volume_is_idempotent_per_scale_and_reloads_when_fresh(loaded):
    again = io.StringIO()
    call_command("load_volume", scale=SCALE, stdout=again)
    assert "nothing to do" in again.getvalue()
    assert Child.objects.count() == 200

    fresh = io.StringIO()
    call_command("load_volume", scale=SCALE, fresh=True, stdout=fresh)
    assert "Emptied" in fresh.getvalue()
    assert (Child.objects.count(), Deadline.objects.count()) == (200, 2000)


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


def test_measure_returns_numbers_for_every_operation(loaded):
    bench = _bench()
    result = bench.measure(reps=2, warmup=1, sweep_reps=1, sweep_warmup=0, log=lambda message: None)
    rows = {r["key"]: r for r in result["results"]}
    assert set(rows) == set(bench.ORDER)
    for key, r in rows.items():
        assert r["n"] >= 1, key
        assert all(isinstance(x, float) and x > 0 for x in r["samples"]), key
        assert 0 < r["median"] <= r["p95"], key
        assert r["queries"] >= 1, key
    assert rows["search_sw"]["rows"] >= 1 and rows["search_partner"]["rows"] >= 1
    assert rows["api"]["rows"] >= 1
    assert rows["sweep"]["rows"] > 0 and rows["sweep"]["per_call_items"] > 0
    assert not ReminderClaim.objects.exists()  # the ledger is left empty

    table = bench.format_report([result, result])
    for r in result["results"]:
        assert r["label"] in table
    assert "growth" in table
