"""Visibility as a union of indexable id sets (issue 9, ADR 11).

Each policy's ``visible()`` is ``pk IN (arm UNION ALL arm ...)``: every arm a small queryset of ids that
one index serves, filtering with the same Q its partial index is built on. These tests hold the arms
to their indexes, the whole query to its plan, a missing and a forbidden record to the same SQL, and
the per-request builder to building once. Who sees what is the permission matrices' business
(tests/cases/test_child_policy_matrix.py, tests/conferences/test_policy_matrix.py); they pass unchanged.

About the plans: the test database holds a handful of rows, so PostgreSQL would rightly read these
tables whole. Each EXPLAIN runs with ``SET LOCAL enable_seqscan = off``, which proves the index CAN
serve the predicate (the planner found a plan through it); whether it does at a given size is the
planner's choice by cost, which ``make bench`` records at 1k, 100k and 1M children.
"""

import datetime
import re
import uuid
from contextlib import contextmanager
from copy import deepcopy
from types import SimpleNamespace

import pytest
from django.db import connection, models, transaction
from django.db.models.sql import Query
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import Child, ChildAccessGrant, Involvement
from cases.policies import child_policy
from conferences.policies import conference_policy, plan_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import (
    ChildFactory,
    ClosedInvolvementFactory,
    InvolvementFactory,
    TeamFactory,
    make_user,
    people,
)
from tests.factories.states import BookedConferenceFactory, DecidedConferenceFactory
from tests.factories.worlds import built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("access_visibility_union")]

# the arm (ChildPolicy.basis_arms' names) -> the index that serves it (None: a foreign key's own index)
ARM_INDEX = {
    "allocated worker": (Child, "child_vis_worker"),
    "allocated team": (Child, "child_vis_team"),
    "service manager's authority": (Child, "child_vis_authority"),
    "named professional": (Involvement, "involvement_vis_professional"),
    "agency's open involvement": (Involvement, "involvement_vis_open"),
    "agency's involvement ending later": (Involvement, "involvement_vis_end_dated"),
    "grant": (ChildAccessGrant, "grant_vis_live"),
    "named person": (None, None),
    "coverage: chairs_see_the_children_they_chair": (None, None),
    "coverage: chairs_see_the_children_of_their_child_in_need_reviews": (None, None),  # index cin_review_chair
}


@contextmanager
def only_indexes(tables: list[str], keep: set[str]):
    """Within a savepoint rolled back on exit, drop every index of ``tables`` but their primary keys and
    ``keep``: the planner then has the kept index or nothing (with sequential scans priced out), so a
    plan through it shows that the index can serve the query, whatever a handful of rows would suggest."""
    sid = transaction.savepoint()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign key checks: the table may be altered
            cursor.execute("""
                SELECT ci.relname, t.relname, con.conname FROM pg_index i
                JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
                LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = t.oid
                     AND con.contype IN ('u', 'x')
                WHERE t.relname::text = ANY(%s) AND NOT i.indisprimary""", [tables])
            for index, table, constraint in cursor.fetchall():
                if index in keep:
                    continue
                if constraint:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
                else:
                    cursor.execute(f'DROP INDEX "{index}"')
        yield
    finally:
        transaction.savepoint_rollback(sid)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def explain(sql: str, params=()) -> str:
    """The plan of ``sql`` with sequential scans priced out (see the module's docstring)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def explain_qs(qs) -> str:
    return explain(*qs.query.sql_with_params())


def index_of(model, name) -> models.Index:
    return next(i for i in model._meta.indexes if i.name == name)


def leaf_sql(model, q: models.Q) -> list[str]:
    """Each condition of ``q`` (an AND of lookups) as SQL with its table name left out."""
    out = []
    for child in q.children:
        query = Query(model, alias_cols=False)
        where = query.build_where(models.Q(child))
        sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
        out.append((sql % tuple(params)).strip("()"))
    return out


def unqualified(sql: str) -> str:
    return re.sub(r'"?[A-Z]\d+"?\.|"\w+"\.', "", sql)


def build() -> SimpleNamespace:
    """The people of tests/conftest.py by the same names (their authority, team and school beside ``world``), and
    in ``world``: a child allocated to the social worker in their team, with the school involved (the partner's
    agency) and the partner named as the professional; another involvement ending next month; a grant;
    a child the chair chairs a conference for."""
    la = people.la()
    team = people.team(la)
    social_worker = people.social_worker(la, team)
    team_manager = people.team_manager(la, team)
    service_manager = people.service_manager(la)
    school = people.school()
    school_dsl = people.school_dsl(school)
    chair = people.chair(la)
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    InvolvementFactory(child=child, agency=school, professional=school_dsl)
    ending = ChildFactory(local_authority=la)
    InvolvementFactory(child=ending, agency=school, end_date=timezone.localdate() + datetime.timedelta(days=30))
    ClosedInvolvementFactory(child=ChildFactory(local_authority=la), agency=school)
    granted = make_user(la, Role.SOCIAL_WORKER, team=TeamFactory(agency=la), full_name="Gus Granted")
    services.child_access_grant(child=child, user=granted, actor=service_manager,
                                until=timezone.now() + datetime.timedelta(days=3), reason="Covering a visit")
    chaired = BookedConferenceFactory(child__local_authority=la, chair=chair)
    return SimpleNamespace(la=la, team=team, school=school, world={
        "child": child, "ending": ending, "granted": granted, "chaired": chaired.child,
        "people": {"social worker": social_worker, "team manager": team_manager, "service manager": service_manager,
                   "partner": school_dsl, "grant holder": granted, "chair": chair}})


# --- each arm filters with its index's predicate, and the index can serve it ---------------------------


UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
WHEN = re.compile(r"'\d{4}-\d\d-\d\d[ T][\d:.]+\+00:00'")


def shapes(captured) -> list[str]:
    return [WHEN.sub("<when>", UUID.sub("<uuid>", q["sql"])) for q in captured.captured_queries]


def run(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - the 404 is what both answer
            assert type(exc).__name__ == "Http404"
    return shapes(captured)


def test_every_partial_index_predicate_is_in_the_database_as_in_the_model():
    """The migration built the indexes the models declare (the arms' predicates, not looser ones)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname::text = ANY(%s)",
                       [[name for _, name in ARM_INDEX.values() if name]])
        defs = dict(cursor.fetchall())
    for model, name in ARM_INDEX.values():
        if name is None:
            continue
        index = index_of(model, name)
        assert name in defs, f"{name} is missing from the database"
        if index.condition is not None:
            for condition in leaf_sql(model, index.condition):
                assert unqualified(condition).replace('"', "") in defs[name].replace('"', ""), defs[name]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'open_involvement'")
        assert cursor.fetchone() is None, "the index no visibility query could use is gone"


class TestTheVisibilityQueries:
    """The tests that take the world above: built once for the class and rolled back after its last test; each
    test runs in a savepoint of it (what it writes is its own) with its own deepcopy of the objects, as Django's
    ``setUpTestData`` does. ``la``, ``team``, ``school`` and the people in it are the world's; anyone else a test
    asks for (``other_la``, ``other_social_worker``...) is made for that test, as anywhere else."""

    @pytest.fixture(scope="class")
    @classmethod
    def kept_world(cls, django_db_setup, django_db_blocker):
        yield from built(build, django_db_blocker)

    @pytest.fixture
    def kept_copy(self, kept_world):
        return deepcopy(kept_world)

    @pytest.fixture
    def world(self, kept_copy):
        return kept_copy.world


    @pytest.fixture
    def la(self, kept_copy):
        return kept_copy.la

    @pytest.fixture
    def team(self, kept_copy):
        return kept_copy.team

    @pytest.fixture
    def school(self, kept_copy):
        return kept_copy.school

    @pytest.fixture
    def social_worker(self, world):
        return world["people"]["social worker"]

    @pytest.fixture
    def team_manager(self, world):
        return world["people"]["team manager"]

    @pytest.fixture
    def service_manager(self, world):
        return world["people"]["service manager"]

    @pytest.fixture
    def school_dsl(self, world):
        return world["people"]["partner"]

    @pytest.fixture
    def chair(self, world):
        return world["people"]["chair"]

    @pytest.mark.parametrize("who", ["social worker", "team manager", "service manager", "partner", "grant holder",
                                     "chair"])
    def test_each_arm_uses_its_index_and_filters_with_its_predicate(self, world, who):
        ctx = AccessContext.for_user(world["people"][who])
        arms = child_policy.basis_arms(ctx)
        assert set(arms) <= set(ARM_INDEX), f"an arm without an index named here: {set(arms) - set(ARM_INDEX)}"
        for name, arm in arms.items():
            model, index_name = ARM_INDEX[name]
            arm = arm.order_by()  # as in the union
            if index_name is None:
                plan = explain_qs(arm)
                assert "Seq Scan" not in plan, f"{who}, arm {name!r}:\n{plan}"
                continue
            with only_indexes([model._meta.db_table], {index_name}):
                plan = explain_qs(arm)
            assert index_name in plan, f"{who}, arm {name!r} does not use {index_name}:\n{plan}"
            assert f"Seq Scan on {model._meta.db_table}" not in plan, plan
            index = index_of(model, index_name)
            if index.condition is not None:
                sql = unqualified(str(arm.query))
                for condition in leaf_sql(model, index.condition):
                    assert unqualified(condition) in sql, f"arm {name!r} lacks {condition!r} of {index_name}: {sql}"


    # --- the whole query's plan ------------------------------------------------------------------------------

    @pytest.mark.parametrize(("who", "indexes"), [
        ("social worker", {"child_vis_worker", "child_vis_team", "involvement_vis_professional"}),
        ("partner", {"involvement_vis_open", "involvement_vis_end_dated", "involvement_vis_professional"}),
    ])
    def test_the_visibility_query_of_a_partner_and_a_social_worker_uses_the_new_indexes(self, world, who, indexes):
        """Each of the person's arms through its index (the others dropped for the EXPLAIN, so that one of
        ours serving an arm cannot stand in for another), the children joined by key: no scan of cases_child."""
        ctx = AccessContext.for_user(world["people"][who])
        tables = ["cases_child", "cases_involvement", "cases_childaccessgrant"]
        for qs in (child_policy.visible(ctx, "view"), child_policy.visible(ctx, "view").values("pk")):
            with only_indexes(tables, indexes | {"grant_vis_live"}):
                plan = explain_qs(qs)
            for index in indexes:
                assert index in plan, f"{who}: {index} not in\n{plan}"
            assert not re.search(r"Seq Scan on cases_child\b", plan), plan
        # finding: staff find every child of their authority too, tested on each row (the authority's column,
        # each reason probed by the row's key); findable is always narrowed first by something selective
        # (search candidates, the duplicate check's dates, one key), which then drives the query
        some = list(Child.objects.order_by("pk").values_list("local_child_id", flat=True)[:3])
        with only_indexes(tables,
                          indexes | {"grant_vis_live", "child_vis_authority", "cases_child_local_child_id_key"}):
            plan = explain_qs(child_policy.findable(ctx).filter(local_child_id__in=some))
        assert not re.search(r"Seq Scan on cases_(child|involvement)\b", plan), plan

    def test_visible_is_pk_in_a_union_not_an_or_of_exists(self, world):
        ctx = AccessContext.for_user(world["people"]["social worker"])
        listed = str(child_policy.visible(ctx, "view").query)
        assert '"cases_child"."id" = ANY(ARRAY(' in listed and "UNION ALL" in listed
        assert "EXISTS" not in listed
        # one row found by key: each arm probed with the row's key (an EXISTS per arm, by its index)
        probed = str(child_policy.probe(ctx, "view").query)
        assert probed.count("EXISTS") == len(child_policy.basis_arms(ctx)) and "UNION" not in probed

    def test_a_list_reads_the_visible_children_by_key(self, world):
        """Lists and counts: the id set is built once (an InitPlan) and the children read through their
        primary key, whatever the planner would guess of the set's size."""
        for who in ("social worker", "partner", "service manager"):
            ctx = AccessContext.for_user(world["people"][who])
            plan = explain_qs(child_policy.visible(ctx, "view").values("pk"))
            assert "Index Cond: (id = ANY ($" in plan, f"{who}:\n{plan}"

    def test_one_record_by_key_probes_each_arm_by_that_key(self, world):
        """``can`` and ``get_for``: each arm is an EXISTS keyed to the row (an index probe), so the
        person's whole id set need never be built to look for one row in it. (Whether PostgreSQL probes
        per row or hashes an arm is its choice by cost: a handful of rows here are cheaper hashed; a
        service manager's authority of thousands is probed, as ``make bench`` shows.)"""
        ctx = AccessContext.for_user(world["people"]["service manager"])
        with CaptureQueriesContext(connection) as captured:
            child_policy.get_for(ctx, world["child"].public_id)
        (fetch,) = captured.captured_queries
        sql = fetch["sql"]
        assert "UNION" not in sql and "ANY(ARRAY" not in sql, sql
        assert sql.count('= ("cases_child"."id")') >= len(child_policy.basis_arms(ctx)), sql
        plan = explain(sql)
        assert not re.search(r"Seq Scan on cases_(child|involvement)\b", plan), plan

    def test_a_conference_by_key_probes_its_child_by_key_too(self, world, la, service_manager):
        """Case staff see a conference through its child: the child joined by the conference's key and
        tested on its own columns, never the authority's children gathered to look for it; the page's
        answers come from one flag per arm."""
        conference = BookedConferenceFactory(child=world["child"])
        ctx = AccessContext.for_user(service_manager)
        with CaptureQueriesContext(connection) as captured:
            conference_policy.get_for(ctx, conference.public_id, answers=(
                conference_policy.SEES_WHOLE, conference_policy.CHILD_VIEW, conference_policy.PLAN_VIEW, "schedule",
                "record", "decide", "report", "distribute"))
        (fetch,) = captured.captured_queries
        sql = fetch["sql"]
        assert "ANY(ARRAY" not in sql, sql
        assert 'INNER JOIN "cases_child" ON ("conferences_conference"."child_id" = "cases_child"."id")' in sql
        # each arm the answers need once (chair, minute taker, service, case staff, reporter), not once per answer
        assert sql.count('AS "policy_may_arm_') == 5
        plan = explain(sql)
        assert not re.search(r"Seq Scan on (cases_child|conferences_conference)\b", plan), plan


    # --- conferences and plans ----------------------------------------------------------------------------------

    def test_conference_visibility_is_a_union_too_and_the_child_is_joined_by_key(self, world):
        ctx = AccessContext.for_user(world["people"]["social worker"])
        conference = BookedConferenceFactory(child=world["child"])
        sql = str(conference_policy.visible(ctx, "view").query)
        assert "= ANY(ARRAY(" in sql and "UNION ALL" in sql
        with CaptureQueriesContext(connection) as captured:
            conference_policy.get_for(ctx, conference.public_id,
                                      queryset=conference_policy.model.objects.select_related("child"))
        (fetch,) = captured.captured_queries
        plan = explain(fetch["sql"])
        assert not re.search(r"Seq Scan on cases_child\b", plan), plan

    @pytest.mark.parametrize("who", ["social worker", "team manager", "service manager", "partner", "chair",
                                     "grant holder"])
    def test_the_child_s_conferences_and_plans_through_the_child_are_the_policy_s(self, world, who, la, school):
        ctx = AccessContext.for_user(world["people"][who])
        booked = BookedConferenceFactory(child=world["child"], invitees=[
            (school, world["people"]["partner"], "Designated safeguarding lead")])
        decided = DecidedConferenceFactory(child__local_authority=la, chair=world["people"]["chair"])
        for child in (booked.child, decided.child, world["chaired"]):
            child = Child.objects.get(pk=child.pk)
            assert (set(conference_policy.visible_for_child(ctx, child))
                    == set(conference_policy.visible(ctx, "view").filter(child=child))), (who, child)
            assert (set(plan_policy.visible_for_child(ctx, child))
                    == set(plan_policy.visible(ctx, "view").filter(child=child))), (who, child)

    def test_a_restricted_child_s_conferences_through_the_child_are_the_policy_s(
            self, world, la, team, school, school_dsl, colleague, service_manager, chair):
        restricted = ChildFactory(local_authority=la, allocated_team=team, restricted=True,
                                  allocated_social_worker=world["people"]["social worker"])
        restricted.named_people.add(world["people"]["social worker"])
        conference = BookedConferenceFactory(child=restricted, invitees=[
            (school, school_dsl, "Designated safeguarding lead")])
        people = [school_dsl, colleague, service_manager, chair, conference.chair, world["people"]["social worker"]]
        for opened in (False, True):
            if opened:
                restricted.named_people.add(school_dsl)
            for person in people:
                ctx = AccessContext.for_user(person)
                child = Child.objects.get(pk=restricted.pk)
                expected = set(conference_policy.visible(ctx, "view").filter(child=child))
                assert set(conference_policy.visible_for_child(ctx, child)) == expected, (person, opened)
                assert set(plan_policy.visible_for_child(ctx, child)) == set(
                    plan_policy.visible(ctx, "view").filter(child=child)), (person, opened)
        assert conference in conference_policy.visible_for_child(AccessContext.for_user(school_dsl), restricted)

    def test_edit_on_the_child_s_own_columns_is_visible_edit(
            self, world, la, other_la, team, social_worker, service_manager, colleague):
        """``edit_row_q`` (what a conference's or plan's probe asks of its child) is exactly ``visible(edit)``,
        including the worker allocated to a child of an authority they do not belong to, who may edit it
        only with another reason to reach it (a grant here), and restricted children named or not."""
        elsewhere = ChildFactory(local_authority=other_la, allocated_social_worker=social_worker)
        granted_elsewhere = ChildFactory(local_authority=other_la, allocated_social_worker=social_worker)
        services.child_access_grant(child=granted_elsewhere, user=social_worker, actor=service_manager,
                                    until=timezone.now() + datetime.timedelta(days=3), reason="Covering a visit")
        named = ChildFactory(local_authority=la, allocated_team=team, restricted=True)
        named.named_people.add(social_worker)
        ChildFactory(local_authority=la, allocated_team=team, restricted=True)
        for person in (*world["people"].values(), colleague):
            ctx = AccessContext.for_user(person)
            assert (set(Child.objects.filter(child_policy.edit_row_q(ctx)))
                    == set(child_policy.visible(ctx, "edit"))), person
        ctx = AccessContext.for_user(social_worker)
        editable = set(Child.objects.filter(child_policy.edit_row_q(ctx)).values_list("pk", flat=True))
        assert granted_elsewhere.pk in editable and elsewhere.pk not in editable and named.pk in editable

    def test_restricted_children_opened_are_exactly_the_visible_restricted_ones(self, world, la, social_worker):
        child = world["child"]
        named = ChildFactory(local_authority=la, restricted=True)
        named.named_people.add(social_worker)
        broken = ChildFactory(local_authority=la, restricted=True, allocated_social_worker=social_worker)
        services.child_break_glass(child=broken, actor=social_worker, reason="Police called about the family")
        ChildFactory(local_authority=la, restricted=True, allocated_social_worker=social_worker)  # not opened
        ctx = AccessContext.for_user(social_worker)
        opened = set(Child.objects.filter(pk__in=child_policy.restricted_opened_ids(ctx)).values_list("pk", flat=True))
        assert opened == set(child_policy.visible(ctx, "view").filter(restricted=True).values_list("pk", flat=True))
        assert opened == {named.pk, broken.pk}
        assert child.pk not in opened


    # --- built once per request ------------------------------------------------------------------------------

    def test_the_id_sets_are_built_once_per_context_and_shared_by_the_policies(self, world):
        ctx = AccessContext.for_user(world["people"]["social worker"])
        assert child_policy.basis_arms(ctx) is child_policy.basis_arms(ctx)
        assert child_policy.basis_ids(ctx) is child_policy.basis_ids(ctx)
        assert child_policy.visible_ids(ctx, "edit") is child_policy.visible_ids(ctx, "edit")
        assert conference_policy.ids(ctx, "case staff") is conference_policy.ids(ctx, "case staff")
        # a new request, a new context: nothing carried over
        other = AccessContext.for_user(world["people"]["social worker"])
        assert child_policy.basis_arms(other) is not child_policy.basis_arms(ctx)

    def test_a_change_during_the_request_is_seen_by_the_next_query(self, world, la, social_worker):
        """Only SQL is kept on the context, never rows."""
        ctx = AccessContext.for_user(social_worker)
        child = ChildFactory(local_authority=la)
        assert not child_policy.visible(ctx).filter(pk=child.pk).exists()
        Child.objects.filter(pk=child.pk).update(allocated_social_worker=social_worker)
        assert child_policy.visible(ctx).filter(pk=child.pk).exists()


    # --- forbidden looks exactly like missing ------------------------------------------------------------------

    @pytest.mark.parametrize("action", ["view", "edit", "find", "break_glass"])
    def test_a_missing_and_a_forbidden_child_run_the_same_sql(self, world, la, action, other_social_worker):
        ctx = AccessContext.for_user(other_social_worker)
        forbidden = world["child"]
        run(lambda: child_policy.get_for(ctx, forbidden.public_id, action))  # warm (content types)
        missing = run(lambda: child_policy.get_for(ctx, uuid.uuid4(), action))
        assert missing == run(lambda: child_policy.get_for(ctx, forbidden.public_id, action))
        assert len(missing) == 1, "one query: the id and the visibility together"

    def test_a_missing_and_a_forbidden_conference_run_the_same_sql(self, world, other_social_worker):
        ctx = AccessContext.for_user(other_social_worker)
        conference = BookedConferenceFactory(child=world["child"])
        run(lambda: conference_policy.get_for(ctx, conference.public_id))
        missing = run(lambda: conference_policy.get_for(ctx, uuid.uuid4()))
        assert missing == run(lambda: conference_policy.get_for(ctx, conference.public_id))
        assert len(missing) == 1
