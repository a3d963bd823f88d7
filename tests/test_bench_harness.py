"""The benchmark harness (`make bench`): what load_volume writes, and that every measurement comes back
honest (each limit sends the statements its operation sent, the sizes take turns, plans are read).

Runs at a tiny scale (200 children, 2,000 deadlines) in the test database, loaded once for the module
(the looked-after children, the LADO's and the partnership's records at their floors: a few of each
kind). It asserts behaviour, not seconds: timings on a shared machine are for docs/performance.md, not
for a test to fail on.
"""

import csv
import importlib.util
import io
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import Child, Involvement
from conferences.models import ChildProtectionPlan, Conference, Decision, Invitation
from lado.models import Consultation as LadoConsultation
from lado.models import Evaluation as LadoEvaluation
from lado.models import LadoCase, ReferralChild, RegulatorReferral
from lado.models import Outcome as LadoOutcome
from lado.models import Referral as LadoReferral
from lado.policies import referral_policy as lado_referral_policy
from partnership import plan as rapid_review_plan
from partnership import protocol as escalation_protocol
from partnership.models import Escalation, EscalationStep, Notification, PracticeReview, RapidReview, ReviewAction
from partnership.policies import rapid_review_policy
from reviews.models import IroAllocation, LegalStatusPeriod, LookedAfterEpisode, Placement, Review
from reviews.policies import oversight_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import AgencyKind, Membership, Role
from safeguarding.clock import rules, workdays
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

    def test_load_volume_writes_looked_after_children_their_iros_and_reviews(self, loaded):
        ref = volume.loaded()["reference_date"]
        window = ref - timedelta(days=volume.HISTORY_DAYS)
        current = LookedAfterEpisode.objects.filter(end_date__isnull=True)
        # 200 children: the floor of one authority (0.7 % would be one child)
        assert current.count() == volume.MIN_LOOKED_AFTER
        ended = LookedAfterEpisode.objects.filter(end_date__isnull=False)
        assert ended.count() == volume.MIN_LOOKED_AFTER_ENDED
        assert not ended.filter(end_date__gte=ref).exists() and not ended.filter(end_date__lt=window).exists()
        assert not ended.filter(end_reason="").exists()
        # open children of a children in care team, each once, with one placement and one legal status
        assert set(LookedAfterEpisode.objects.values_list("child__allocated_team__name", flat=True)) == {
            "Children in Care Team"}
        assert LookedAfterEpisode.objects.values("child").distinct().count() == LookedAfterEpisode.objects.count()
        for model in (Placement, LegalStatusPeriod):
            assert model.objects.filter(end_date__isnull=True).count() == current.count(), model
            assert model.objects.count() == LookedAfterEpisode.objects.count(), model
        # the IRO (appointed after the period began) is an IRO of the child's authority
        iros = Membership.objects.filter(roles__contains=[Role.IRO])
        allocations = IroAllocation.objects.select_related("episode__child")
        assert allocations.exists()
        for a in allocations:
            assert iros.filter(user_id=a.iro_id, agency_id=a.episode.child.local_authority_id).exists()
            assert a.episode.start_date < a.start_date <= ref
        held = Review.objects.filter(status="held").select_related("episode__child")
        assert held.filter(late_reason="").exists() and Review.objects.exclude(late_reason="").exists()
        assert not held.filter(held_on__gt=ref).exists() and not held.filter(held_on__lt=window).exists()
        for review in held:
            # PN0 exactly when the child was under 4 on the day (4 years of 365.25 days)
            under_four = (review.held_on - review.episode.child.date_of_birth).days < 1461
            assert (review.participation == "PN0") == under_four, review.pk
            assert review.iro_id is not None
        # within a period the reviews come first, second, then subsequent; a period that began in the two
        # years has its first review
        # years has its first review; a review held after its due date (reg 33: 20 working days from the
        # start, 3 months after the first, 6 after each later one) says why, and no other does
        follows = {"first": {"second"}, "second": {"subsequent"}, "subsequent": {"subsequent"}}
        after = {"first": rules.get("lac_review_second"), "second": rules.get("lac_review_next"),
                 "subsequent": rules.get("lac_review_next")}
        for episode in LookedAfterEpisode.objects.all():
            theirs = list(held.filter(episode=episode).order_by("held_on"))
            numbers = [r.number for r in theirs]
            assert all(b in follows[a] for a, b in zip(numbers, numbers[1:], strict=False)), numbers
            if numbers and episode.start_date >= window:
                assert numbers[0] == "first"
            for previous, review in zip([None, *theirs], theirs, strict=False):
                if review.number == "first":
                    due = rules.get("lac_review_first").due(episode.start_date)
                elif previous is not None:
                    due = after[previous.number].due(previous.held_on)
                else:
                    continue  # the review before it was held more than two years ago
                assert bool(review.late_reason) == (review.held_on > due), review.pk
        assert {"first", "subsequent"} <= set(held.values_list("number", flat=True))
        # a period still open has its next review booked after the reference date
        booked = Review.objects.filter(status="scheduled")
        assert booked.exists() and not booked.filter(planned_for__lte=ref).exists()
        assert not booked.filter(episode__end_date__isnull=False).exists()

    def test_load_volume_writes_lado_referrals_cases_and_outcomes(self, loaded):
        ref = volume.loaded()["reference_date"]
        referrals = LadoReferral.objects.all()
        assert referrals.count() == volume.MIN_LADO_REFERRALS  # the floor at 200 children
        assert LadoCase.objects.count() == referrals.count()
        assert not referrals.filter(children__isnull=True).exists()
        assert ReferralChild.objects.filter(child__isnull=False).exists()  # some matched to a child's record
        # a referral more than one working day after the employer knew says why; no other does
        for r in referrals:
            late = timezone.localdate(r.received_at) > workdays.add_working_days(r.employer_knew_on, 1)
            assert late == bool(r.late_reason), r.reference
        assert all(re.fullmatch(r"LADO-\d{5}", r.reference) for r in referrals)  # the service's own numbering
        outcomes = {o.case_id: o for o in LadoOutcome.objects.all()}
        evaluations = {e.case_id: e for e in LadoEvaluation.objects.all()}
        assert outcomes and not LadoOutcome.objects.filter(decided_on__gt=ref).exists()
        for case in LadoCase.objects.all():
            if case.status == LadoCase.Status.NEW:  # not evaluated yet: no subject, no outcome
                assert case.pk not in evaluations and case.subject_id is None and case.pk not in outcomes
                continue
            evaluation = evaluations[case.pk]
            assert case.subject.local_authority_id == case.local_authority_id
            if case.pk in outcomes:  # closed on the day of its outcome
                assert (case.status, case.closed_on) == ("closed", outcomes[case.pk].decided_on)
                assert evaluation.decision != "nfa" and outcomes[case.pk].decided_on >= evaluation.evaluated_on
            elif evaluation.decision == "nfa":  # closed at the evaluation
                assert (case.status, case.closed_on) == ("closed", evaluation.evaluated_on)
            else:
                assert (case.status, case.closed_on) == ("open", None)
        assert LadoConsultation.objects.count() == round(volume.MIN_LADO_REFERRALS *
                                                         volume.LADO_CONSULTATIONS_PER_REFERRAL)

    def test_load_volume_writes_rapid_reviews_on_their_plan_practice_reviews_and_escalations(self, loaded):
        ref = volume.loaded()["reference_date"]
        reviews = RapidReview.objects.select_related("referral")
        assert reviews.count() == volume.MIN_RAPID_REVIEWS  # the floor at 200 children
        steps = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(RapidReview))
        keys = set(rapid_review_plan.step_keys())
        for review in reviews:
            assert review.referral.triage == "serious_incident"
            mine = steps.filter(subject_id=review.pk)
            assert keys | {rapid_review_plan.NOTIFICATION} <= set(mine.values_list("rule_key", flat=True))
            assert mine.count() == len(set(mine.values_list("rule_key", flat=True)))  # each once
            if review.status == RapidReview.Status.SUBMITTED:  # every step done, the National Panel notified
                assert not mine.filter(status__in=Deadline.OPEN_STATUSES).exists()
                assert Notification.objects.filter(referral=review.referral, to="national_panel").exists()
            assert (review.meeting_held_on is None) == (review.chronology_frozen_at is None)
        assert steps.filter(status="met_late").exists()
        assert not steps.filter(status="met_late", late_reason="").exists()
        assert not steps.filter(met_on__gt=ref).exists()
        # the step deadlines are part of the scale's count, and have the business unit to remind
        assert volume.loaded()["counts"]["deadlines"] == Deadline.objects.count() == 2000
        assert not steps.exclude(responsible_person=volume.subjects().business_unit).exists()
        # practice reviews started by a decision, of its kind; published ones with their action plans
        for practice in PracticeReview.objects.filter(rapid_review__isnull=False).select_related("rapid_review"):
            assert practice.kind == practice.rapid_review.decision
        published = PracticeReview.objects.filter(status="published")
        assert published.exists() and not published.filter(actions__isnull=True).exists()
        assert ReviewAction.objects.filter(status="complete").exists()
        assert ReviewAction.objects.filter(status__in=ReviewAction.OPEN).exists()
        # the escalation register: on the protocol's stages, closed with an outcome, every step recorded
        stages = escalation_protocol.stage_keys()
        escalations = Escalation.objects.all()
        assert escalations.count() == volume.MIN_ESCALATIONS
        for e in escalations:
            assert e.stage_key == stages[e.stage - 1]
            assert bool(e.closed_on) == bool(e.outcome)
            kinds = list(EscalationStep.objects.filter(escalation=e).values_list("kind", flat=True))
            assert kinds.count("raised") == 1 and kinds.count("moved_on") == e.stage - 1
            assert kinds.count("closed") == (1 if e.closed_on else 0)

    def test_the_other_services_rows_are_valid_records_with_their_keys(self, loaded):
        """The bulk path checks no foreign key (session_replication_role = replica) and the database checks no
        choice: every row of the services' tables passes its model's validation (choices, lengths, foreign
        keys, unique constraints), and every foreign key of every loaded table points at a row."""
        services = volume.LOADED_MODELS[volume.LOADED_MODELS.index(LookedAfterEpisode):]
        for model in services:
            rows = list(model._default_manager.all())
            assert rows or model is RegulatorReferral, model  # a regulator referral is chance at 200 children
            for obj in rows:
                obj.full_clean()
        tables = [m._meta.db_table for m in volume.LOADED_MODELS]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname "
                "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1] "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)", [tables])
            keys = cursor.fetchall()
            assert len(keys) > 60
            for table, column, target, target_column in keys:
                cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
                               f'(SELECT 1 FROM "{target}" r WHERE r."{target_column}" = t."{column}")')
                assert cursor.fetchone()[0] == 0, f"{table}.{column} -> {target}"

    def test_each_service_figures_page_counts_the_loaded_data_for_who_may_see_it(self, loaded, client):
        """The bench's figures lines measure pages with something on them: each, opened by the person the
        loader chose, counts every record of the two years (the period given), as the database does."""
        s = volume.subjects()
        end, start = s.reference_date, s.reference_date - timedelta(days=volume.HISTORY_DAYS)
        period = {"start_day": start.day, "start_month": start.month, "start_year": start.year,
                  "end_day": end.day, "end_month": end.month, "end_year": end.year}
        la = s.page_child.local_authority_id
        steps = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(RapidReview),
                                        rule_key__in=rapid_review_plan.step_keys(), due_date__range=(start, end))
        decided = Q(status__in=["met_on_time", "met_late"]) | Q(due_date__lt=timezone.localdate())
        expected = {
            "/reviews/figures/": (s.iro_manager, oversight_policy.sees_the_service, "number", Review.objects.filter(
                status="held", held_on__range=(start, end), episode__child__local_authority_id=la,
                episode__child__restricted=False).count()),
            "/lado/figures/": (s.lado_manager, lado_referral_policy.sees_figures, "sector", LadoReferral.objects.filter(
                local_authority_id=la, received_at__date__range=(start, end)).count()),
            "/partnership/figures/": (s.business_unit, rapid_review_policy.sees_figures, "steps",
                                      steps.filter(decided).count()),
        }
        for url, (person, sees, figure, count) in expected.items():
            assert sees(AccessContext.for_user(person)), url
            client.force_login(person)
            response = client.get(url, {**period, "csv": figure})
            assert response.status_code == 200, url
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
            counted = sum(int(row[1]) for row in rows) + (
                sum(int(row[2]) + int(row[3]) for row in rows) if figure == "steps" else 0)
            assert counted == count > 0, url

    def test_load_volume_leaves_every_index_and_constraint_as_migrate_made_them(self, world, db):
        """Indexes are dropped while loading and built again: the same definitions come back."""
        assert _indexes() == world["indexes_before"]

    def test_load_volume_chooses_what_the_benchmark_uses(self, loaded):
        s = volume.subjects()
        # who opens each service's figures: the IRO and LADO managers of the page child's authority (a
        # membership holding both roles), and the partnership's business unit
        for person, roles in ((s.iro_manager, [Role.IRO, Role.TEAM_MANAGER]),
                              (s.lado_manager, [Role.LADO_OFFICER, Role.TEAM_MANAGER]),
                              (s.business_unit, [Role.PARTNERSHIP_BUSINESS_UNIT])):
            assert person.memberships.filter(roles__contains=roles).exists(), roles
        for person in (s.iro_manager, s.lado_manager):
            assert person.memberships.get().agency_id == s.page_child.local_authority_id
        assert s.page_child.allocated_social_worker == s.social_worker
        assert s.conference is not None and s.conference.child == s.page_child and s.conference.status == "decided"
        assert s.forbidden_child.local_authority == s.page_child.local_authority
        assert s.forbidden_child.allocated_team != s.page_child.allocated_team
        theirs = s.partner_forbidden_child.involvements.filter(agency=s.partner_agency, end_date__isnull=True)
        assert not theirs.exists()
        assert not Child.objects.filter(public_id=s.missing_id).exists()

    def test_a_load_by_another_version_of_the_loader_is_loaded_again(self, loaded, monkeypatch):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {volume.META_TABLE} SET version = NULL")  # as a load before there were versions
        calls = []
        monkeypatch.setattr(volume, "wipe", lambda say: calls.append("wipe"))
        monkeypatch.setattr(volume.VolumeLoader, "load", lambda self: calls.append("load") or {})
        out = io.StringIO()
        volume.load(scale=SCALE, say=lambda line: out.write(line + "\n"))
        assert calls == ["wipe", "load"]
        assert f"loaded by version 1 of the loader, this is version {volume.LOADER_VERSION}" in out.getvalue()

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
                    "figures_plans", "figures_reviews", "figures_lado", "figures_partnership"}
        assert expected - {"sweep"} <= set(bench.Bench.GROUPS)
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
        for key in ("search_sw", "search_partner", "page", "conference", "api", "figures_timeliness", "figures_plans",
                    "figures_reviews", "figures_lado", "figures_partnership"):
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
                     "child protection figures", "looked-after reviews figures"):
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
        # The same seed on one connection: the same deadlines. Loaded the small way (no TRUNCATE of every
        # table, seconds here whatever their size); the bulk path on one connection is TestLoadedData's.
        with transaction.atomic():
            volume.load(scale=0.001, fresh=True, say=lambda line: None, bulk=False)
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


def test_any_rows_sees_a_row_in_any_of_the_tables(db):
    """What lets the parallel load skip emptying tables that are empty already (a TRUNCATE of every table
    costs seconds even then), and never skip one that holds a row."""
    from safeguarding.accounts.models import Agency, Team

    tables = [Agency._meta.db_table, Team._meta.db_table]
    assert not volume._any_rows(tables) and not volume._any_rows([])
    Team.objects.create(agency=Agency.objects.create(name="Anywhere Council", kind=AgencyKind.LOCAL_AUTHORITY),
                        name="Only team")
    assert volume._any_rows(tables) and volume._any_rows([Team._meta.db_table])


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
