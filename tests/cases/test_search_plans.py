"""Child search and the duplicate check read candidate rows through indexes, not every child (issue 9).

Plans: the test tables hold a handful of rows, where a sequential scan is always the cheapest plan, so
each plan here is taken with ``SET LOCAL enable_seqscan = off``. What that proves is that the index
*can* serve the predicate as PostgreSQL receives it from the ORM (the operator, the expression and, for
a partial index, its predicate all match): were they not to match, PostgreSQL would have no choice but
a sequential scan of cases_child, off or not. It does not prove the planner prefers the index at volume:
``make bench`` checks the real plans at 100,000 (and, with BENCH_SCALE=10, 1,000,000) children.

Each plan is taken with ``EXPLAIN (ANALYZE, FORMAT JSON)`` of the statement the search really sent
(captured), so the index that served the match is the one whose scan returned the row.

The candidates of a name are drawn from the children the searcher may find (``child_policy.findable_scope``:
their authorities' children, or those they have a basis for), not from every child in the database: at
1,000,000 children a search that ranked the whole country's namesakes grew 4 to 7 times over 1,000 children.
In a search the planner may then reach the candidates through the scope's indexes (the authority's, the
keys of the basis) rather than the trigram indexes; ``name_candidates`` alone is still all trigram scans.

Statement counts: the same search sends the same statements with 5 and with 50 matching children.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.duplicates import identifier_clashes
from cases.policies import child_policy
from cases.search import (
    NAME_SIMILARITY,
    THRESHOLD_SETTING,
    SearchCriteria,
    child_duplicate_matches,
    child_search,
    name_candidates,
    threshold_in_connection_options,
)
from safeguarding.access.context import AccessContext
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(2016, 5, 4)


def scans(sql: str, params=None) -> list[dict]:
    """Every node of the plan of ``sql`` (run, with sequential scans disabled for this transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    [root] = raw if isinstance(raw, list) else json.loads(raw)
    nodes, todo = [], [root["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def assert_no_seq_scan_of_children(nodes):
    seq = [n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"]
    assert not {"cases_child", "cases_childalias"} & set(seq), f"sequential scan of {seq}"


def rows_through(nodes, index: str) -> int:
    """The rows the scans of ``index`` returned (0 when the plan does not use it)."""
    return sum(n["Actual Rows"] for n in nodes if n.get("Index Name") == index)


def search_statement(ctx, criteria) -> tuple[list, str]:
    """The results of ``child_search`` and the SQL of its query (the one statement that reads children)."""
    with CaptureQueriesContext(connection) as captured:
        results = child_search(ctx=ctx, criteria=criteria)
    [sql] = [q["sql"] for q in captured.captured_queries if 'FROM "cases_child"' in q["sql"]]
    return results, sql


@pytest.fixture
def sam(social_worker):
    return AccessContext.for_user(social_worker)


@pytest.fixture
def hartley(la, team, social_worker):
    child = ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", preferred_name="Milly",
                         date_of_birth=DOB, local_authority=la, allocated_team=team,
                         allocated_social_worker=social_worker)
    services.child_alias_add(child=child, actor=social_worker, name="Jayden Smith")
    # others of the authority, none of them matching
    for first, surname in (("Oliver", "Brennan"), ("Ruby", "Castellano"), ("Noah", "Pemberton")):
        ChildFactory(legal_first_names=first, legal_surname=surname, date_of_birth=DOB - datetime.timedelta(days=900),
                     local_authority=la, allocated_team=team)
    return child


# --- name search: candidates through the trigram indexes -------------------------------------------

# what is typed, the index that finds Amelia Hartley (Milly, alias Jayden Smith), and why it matched
NAME_CASES = [
    ("hartley", "child_surname_upper_trgm", "Surname contains “hartley”"),
    ("AMELIA", "child_first_upper_trgm", "First names contain “AMELIA”"),
    ("milly", "child_preferred_upper_trgm", "Preferred name contains “milly”"),
    ("Jayden", "alias_name_upper_trgm", "An alias or previous name contains “Jayden”"),
    ("Hartlee", "child_surname_trgm", "Name sounds or looks like “Hartlee”"),  # misspelt: similarity
]


def rows_through_scope(nodes) -> int:
    """The rows the scope's indexes gave (the authority's children, the keys of the basis)."""
    return sum(n["Actual Rows"] for n in nodes if (n.get("Index Name") or "").startswith(
        ("cases_child_local_authority_id", "cases_child_pkey", "child_vis_", "cases_childalias_child_id")))


@pytest.mark.parametrize(("term", "index", "reason"), NAME_CASES)
def test_a_name_search_draws_its_candidates_through_indexes(sam, hartley, term, index, reason):
    results, sql = search_statement(sam, SearchCriteria(name=term))
    assert [(r.child, r.reasons) for r in results] == [(hartley, [reason])]

    nodes = scans(sql)
    assert_no_seq_scan_of_children(nodes)
    assert rows_through(nodes, index) >= 1 or rows_through_scope(nodes) >= 1, \
        f"no index found the candidates: {[n.get('Index Name') for n in nodes]}"


def test_the_candidates_are_the_searchers_not_the_whole_database(sam, hartley):
    """Namesakes in another authority, with no basis, are not even candidates of Sam's search (the result
    never showed them; now they cost nothing either). Unscoped, the same term finds them all."""
    from cases.search import use_name_similarity_threshold
    from tests.factories import LocalAuthorityFactory

    elsewhere = LocalAuthorityFactory(name="Southvale City Council")
    namesakes = {ChildFactory(legal_first_names="Amelia", legal_surname="Hartley", local_authority=elsewhere).pk
                 for _ in range(3)}
    use_name_similarity_threshold()
    scoped = set(name_candidates("Hartley", lambda **kw: child_policy.findable_scope(sam, **kw))
                 .values_list("pk", flat=True))
    everywhere = set(name_candidates("Hartley").values_list("pk", flat=True))
    assert scoped == {hartley.pk}
    assert everywhere == {hartley.pk} | namesakes
    # and an alias is scoped the same way
    assert set(name_candidates("Jayden", lambda **kw: child_policy.findable_scope(sam, **kw))
               .values_list("pk", flat=True)) == {hartley.pk}


@pytest.mark.parametrize(("term", "index", "reason"), NAME_CASES)
def test_the_candidate_query_alone_is_index_scans(hartley, term, index, reason):
    """The candidates of one term, without the visibility around them: a BitmapOr of the six indexes on
    cases_child (contains and looks like, for each name) and the live aliases' index."""
    from cases.search import use_name_similarity_threshold

    use_name_similarity_threshold()
    sql, params = name_candidates(term).query.sql_with_params()
    nodes = scans(sql, params)
    assert_no_seq_scan_of_children(nodes)
    used = {n["Index Name"] for n in nodes if n["Node Type"] == "Bitmap Index Scan"}
    assert used == {"child_surname_upper_trgm", "child_first_upper_trgm", "child_preferred_upper_trgm",
                    "child_surname_trgm", "child_first_trgm", "child_preferred_trgm", "alias_name_upper_trgm"}
    assert rows_through(nodes, index) >= 1


def test_several_terms_each_narrow_the_candidates(sam, hartley):
    results, sql = search_statement(sam, SearchCriteria(name="Milly Hartley"))
    assert [(r.child, r.reasons) for r in results] == [
        (hartley, ["Preferred name contains “Milly”", "Surname contains “Hartley”"])]
    nodes = scans(sql)
    assert_no_seq_scan_of_children(nodes)
    assert (rows_through(nodes, "child_preferred_upper_trgm") >= 1
            and rows_through(nodes, "child_surname_upper_trgm") >= 1) or rows_through_scope(nodes) >= 2


# --- the similarity threshold -------------------------------------------------------------------------


def test_a_misspelling_below_pg_trgms_default_threshold_is_found(sam, la, team):
    """word_similarity('Okafur', 'Okafor') is 0.57: under pg_trgm's default threshold (0.6), above ours
    (0.45). The search sets the threshold itself, whatever the session had."""
    okafor = ChildFactory(legal_first_names="Amara", legal_surname="Okafor", local_authority=la, allocated_team=team)
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity('Okafur', 'Okafor')")
        assert NAME_SIMILARITY <= cursor.fetchone()[0] < 0.6
        cursor.execute(f"SET {THRESHOLD_SETTING} = 0.6")

    results = child_search(ctx=sam, criteria=SearchCriteria(name="Okafur"))

    assert [(r.child, r.reasons) for r in results] == [(okafor, ["Name sounds or looks like “Okafur”"])]
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {THRESHOLD_SETTING}")
        assert float(cursor.fetchone()[0]) == NAME_SIMILARITY


def test_the_threshold_costs_no_statement_when_the_connection_starts_with_it(sam, hartley):
    def statements():
        with CaptureQueriesContext(connection) as captured:
            assert child_search(ctx=sam, criteria=SearchCriteria(name="Hartley"))
        return [q["sql"] for q in captured.captured_queries]

    setting_it = statements()
    assert sum(THRESHOLD_SETTING in sql for sql in setting_it) == 1
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("options")
    options["options"] = f"{before or ''} -c {THRESHOLD_SETTING}={NAME_SIMILARITY}".strip()
    try:
        started_with_it = statements()
    finally:
        if before is None:
            del options["options"]
        else:
            options["options"] = before
    assert len(started_with_it) == len(setting_it) - 1
    assert not any(THRESHOLD_SETTING in sql for sql in started_with_it)


@pytest.mark.parametrize(("options", "expected"), [
    ("-c jit=off -c pg_trgm.word_similarity_threshold=0.45", True),
    ("-c pg_trgm.word_similarity_threshold=0.45 -c jit=off", True),
    ("-c jit=off -c pg_trgm.word_similarity_threshold=0.6", False),
    ("-c jit=off", False),
    (None, False),
])
def test_threshold_in_connection_options(options, expected):
    assert threshold_in_connection_options({"OPTIONS": {"options": options} if options else {}}) is expected


# --- identifiers: equality lookups on their unique indexes ---------------------------------------------


@pytest.mark.parametrize(("criterion", "index_prefix", "reason"), [
    ("nhs_number", "child_nhs_unique", "NHS number matches"),
    ("upn", "child_upn_unique", "Unique pupil number matches"),
    ("local_child_id", "cases_child_local_child_id_", "Local child ID matches"),
    ("date_of_birth", "cases_child_date_of_", "Date of birth matches"),
])
def test_an_identifier_search_is_an_index_lookup(sam, hartley, criterion, index_prefix, reason):
    value = getattr(hartley, criterion)
    if criterion == "local_child_id":
        value = value.lower()  # typed in any case
    results, sql = search_statement(sam, SearchCriteria(**{criterion: value}))
    assert [(r.child, r.reasons) for r in results] == [(hartley, [reason])]

    nodes = scans(sql)
    assert_no_seq_scan_of_children(nodes)
    assert any(n.get("Index Name", "").startswith(index_prefix) and n["Actual Rows"] >= 1 for n in nodes), (
        [n.get("Index Name") for n in nodes])


# --- statement counts, constant in the number of children ----------------------------------------------


def grow(n, la, team, **names):
    for _ in range(n):
        ChildFactory(local_authority=la, allocated_team=team, date_of_birth=DOB, **names)


@pytest.mark.parametrize("criteria", [
    SearchCriteria(name="Ashworth"),
    SearchCriteria(name="Ashworht"),  # misspelt
    SearchCriteria(name="Kai Ashworth"),
    SearchCriteria(date_of_birth=DOB),
])
def test_a_search_sends_the_same_statements_for_5_and_for_50_children(sam, la, team, criteria):
    def count():
        child_search(ctx=sam, criteria=criteria)  # warm the caches (content types)
        with CaptureQueriesContext(connection) as captured:
            found = child_search(ctx=sam, criteria=criteria)
        return len(captured.captured_queries), len(found)

    grow(5, la, team, legal_first_names="Kai", legal_surname="Ashworth")
    few, found_few = count()
    grow(45, la, team, legal_first_names="Kai", legal_surname="Ashworth")
    many, found_many = count()
    assert (found_few, found_many) == (5, 50)
    assert many == few <= 3


def test_the_duplicate_check_sends_the_same_statements_for_5_and_for_50_children(sam, la, team):
    data = {"legal_first_names": "Kai", "legal_surname": "Ashworth", "date_of_birth": DOB}

    def count():
        child_duplicate_matches(ctx=sam, data=data)
        with CaptureQueriesContext(connection) as captured:
            found = child_duplicate_matches(ctx=sam, data=data)
        return len(captured.captured_queries), len(found)

    grow(5, la, team, legal_first_names="Kai", legal_surname="Ashworth")
    few, found_few = count()
    grow(45, la, team, legal_first_names="Kai", legal_surname="Ashworth")
    many, found_many = count()
    assert (found_few, found_many) == (5, 20)  # the best 20
    assert many == few <= 2


# --- the duplicate check ---------------------------------------------------------------------------------


def test_the_duplicate_check_draws_its_candidates_through_the_date_indexes(sam, hartley):
    data = {"legal_first_names": "Amelia", "legal_surname": "Hartly", "date_of_birth": DOB}
    with CaptureQueriesContext(connection) as captured:
        [candidate] = child_duplicate_matches(ctx=sam, data=data)
    assert candidate.child == hartley
    assert candidate.reasons[1] == "same date of birth"
    [sql] = [q["sql"] for q in captured.captured_queries if 'FROM "cases_child"' in q["sql"]]

    nodes = scans(sql)
    assert_no_seq_scan_of_children(nodes)
    used = {n.get("Index Name", "") for n in nodes}
    assert {"cases_child_date_of_ae4ebc_idx", "cases_child_expecte_9043fb_idx"} <= used
    assert rows_through(nodes, "cases_child_date_of_ae4ebc_idx") >= 1


def test_identifier_clashes_are_one_lookup_on_the_unique_indexes(la, other_la):
    by_nhs = ChildFactory(local_authority=other_la)
    by_upn = ChildFactory(local_authority=la)
    with CaptureQueriesContext(connection) as captured:
        clashes = identifier_clashes(nhs_number=by_nhs.nhs_number, upn=by_upn.upn)
    assert clashes == {"nhs_number": by_nhs, "upn": by_upn}
    [sql] = [q["sql"] for q in captured.captured_queries]

    nodes = scans(sql)
    assert_no_seq_scan_of_children(nodes)
    assert rows_through(nodes, "child_nhs_unique") == 1
    assert rows_through(nodes, "child_upn_unique") == 1
