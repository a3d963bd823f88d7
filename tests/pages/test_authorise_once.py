"""Pages that authorise once (issue 9, ADR 11).

The child page fetches its child once, by key and visibility together, with what else the person may
do with it worked out on that row, and loads everything it shows in one more statement; the conference
page likewise. A missing and a forbidden record take the same path: the same statements, of the same
shape. Statement counts, never timings.

Counts, before and after (a social worker, an unrestricted child): child page 17 -> 9 (at most 12, the
issue's target); conference page, booked 16 -> 11, decided 17 -> 12.
"""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import ChildAlias
from safeguarding.audit.models import RecordView
from tests.factories import (
    AdultFactory,
    ChildFactory,
    ChronologyEntryFactory,
    InvolvementFactory,
    LocalAuthorityFactory,
    RelationshipFactory,
    RestrictedChildFactory,
    SchoolFactory,
    UserFactory,
)
from tests.factories.states import BookedConferenceFactory, DecidedConferenceFactory

pytestmark = pytest.mark.django_db

CHILD_PAGE_TARGET = 12  # the ceiling for the child page
CHILD_PAGE = 9  # session, user, memberships, the child, the view log, the page's lists, notices, conferences, plan
CONFERENCE_PAGE = 12

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
WHEN = re.compile(r"'\d{4}-\d\d-\d\d[ T][\d:.]+\+00:00'")
SESSION_KEY = re.compile(r"\"django_session\".\"session_key\" = '\w+'")


def captured(client, url, status=200):
    client.get(url)  # warm (content types, the clock's closure days...)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == status, (url, resp.status_code)
    return [q["sql"] for q in ctx.captured_queries]


def shapes(statements) -> list[str]:
    return [SESSION_KEY.sub("<session>", WHEN.sub("<when>", UUID.sub("<uuid>", s))) for s in statements]


def child_url(child) -> str:
    return f"/children/{child.public_id}/"


def conference_url(conference) -> str:
    return f"/conferences/{conference.public_id}/"


@pytest.fixture
def child(la, team, social_worker, school):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    RelationshipFactory(child=child, adult=AdultFactory())
    InvolvementFactory(child=child, agency=school, professional=UserFactory())
    ChronologyEntryFactory(child=child, source_agency=school, recorded_by=social_worker)
    ChildAlias.objects.create(child=child, name="Milly Hart")
    return child


# --- the child page ----------------------------------------------------------------------------------------


def test_the_child_page_authorises_once_and_loads_its_lists_in_one_statement(client_for, social_worker, child):
    statements = captured(client_for(social_worker), child_url(child))
    assert len(statements) <= CHILD_PAGE_TARGET
    assert len(statements) == CHILD_PAGE, "\n\n".join(statements)
    # the one fetch of the child: its key and the visibility together (each of the person's arms probed
    # with the child's key)
    fetches = [s for s in statements if s.startswith('SELECT "cases_child"."id"')]
    assert len(fetches) == 1 and '= ("cases_child"."id")' in fetches[0]
    # nothing asks again whether the person may edit it or read its access log
    assert not [s for s in statements if s.startswith('SELECT 1 AS "a" FROM "cases_child"')]
    # relationships, involvements, chronology, addresses, aliases, duplicates, history, events: one statement
    (lists,) = [s for s in statements if s.startswith("SELECT ARRAY(")]
    for table in ("cases_relationship", "cases_involvement", "cases_chronologyentry", "cases_childaddress",
                  "cases_childalias", "cases_duplicatelink", "cases_historicalchild", "audit_caseevent"):
        assert f'"{table}"' in lists, table
    assert len([s for s in statements if s.startswith('INSERT INTO "audit_recordview"')]) == 1


def test_the_child_page_shows_what_its_lists_hold(client_for, social_worker, child, la):
    other = ChildFactory(local_authority=la, allocated_social_worker=social_worker)
    services.duplicate_link(child=child, other=other, actor=social_worker, reason="Same date of birth and name")
    statements = captured(client_for(social_worker), child_url(child))
    assert len(statements) == CHILD_PAGE, "a possible duplicate costs no statement of its own"
    html = client_for(social_worker).get(child_url(child)).content.decode()
    assert "People (1)" in html and "Agencies (1)" in html and "Chronology (1)" in html
    assert "Milly Hart" in html and other.local_child_id in html


def test_the_child_page_for_a_manager_answers_the_access_log_from_the_same_fetch(client_for, team_manager, child):
    statements = captured(client_for(team_manager), child_url(child))
    assert len(statements) == CHILD_PAGE
    assert "Who has looked at this record" in client_for(team_manager).get(child_url(child)).content.decode()


def test_a_restricted_child_with_a_basis_goes_to_break_the_glass_from_the_same_one_query(
        client_for, la, team, colleague):
    restricted = RestrictedChildFactory(local_authority=la, allocated_team=team)
    c = client_for(colleague)
    c.get(child_url(restricted))
    with CaptureQueriesContext(connection) as ctx:
        resp = c.get(child_url(restricted))
    assert resp.status_code == 302 and resp.url.endswith(f"/children/{restricted.public_id}/break-glass/")
    assert len([q for q in ctx.captured_queries if '"cases_child"' in q["sql"]]) == 1


def test_a_missing_and_a_forbidden_child_page_run_the_same_statements(client_for, other_social_worker, child):
    c = client_for(other_social_worker)
    forbidden = shapes(captured(c, child_url(child), status=404))
    missing = shapes(captured(c, f"/children/{uuid.uuid4()}/", status=404))
    assert missing == forbidden
    assert len([s for s in missing if '"cases_child"' in s]) == 1, "one query: the id and the visibility together"


# --- the conference page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["social worker", "chair"])
def test_the_conference_page_authorises_once(client_for, who):
    conference = BookedConferenceFactory()
    person = conference.child.allocated_social_worker if who == "social worker" else conference.chair
    statements = captured(client_for(person), conference_url(conference))
    assert len(statements) <= CONFERENCE_PAGE - 1, "\n\n".join(statements)
    # whether they see the whole conference, may act on it or may open the child: all with the fetch
    assert not [s for s in statements if s.startswith('SELECT 1 AS "a" FROM "conferences_conference"')]
    assert not [s for s in statements if s.startswith('SELECT 1 AS "a" FROM "cases_child"')]
    assert not [s for s in statements if " AS \"can_schedule\"" in s]


def test_a_decided_conference_page_shows_the_plan_from_the_same_fetch(client_for):
    conference = DecidedConferenceFactory()
    person = conference.child.allocated_social_worker
    statements = captured(client_for(person), conference_url(conference))
    assert len(statements) <= CONFERENCE_PAGE, "\n\n".join(statements)
    assert not [s for s in statements if s.startswith('SELECT "conferences_childprotectionplan"')]
    assert f"/conferences/plans/{conference.plan.public_id}/" in client_for(person).get(
        conference_url(conference)).content.decode()


def test_the_conference_page_finds_its_child_by_key(client_for):
    """The fetch joins the child on its key; with sequential scans priced out (a small table would
    rightly be read whole), the plan reaches cases_child through an index only: it can, at any size."""
    conference = BookedConferenceFactory()
    statements = captured(client_for(conference.child.allocated_social_worker), conference_url(conference))
    (fetch,) = [s for s in statements if s.startswith('SELECT "conferences_conference"."id"')]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + fetch)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert not re.search(r"Seq Scan on cases_child\b", plan), plan
    assert re.search(r"Index (Only )?Scan using cases_child_pkey on cases_child", plan), plan


def test_a_missing_and_a_forbidden_conference_page_run_the_same_statements(client_for, other_social_worker):
    conference = BookedConferenceFactory()
    c = client_for(other_social_worker)
    forbidden = shapes(captured(c, conference_url(conference), status=404))
    missing = shapes(captured(c, f"/conferences/{uuid.uuid4()}/", status=404))
    assert missing == forbidden
    assert len([s for s in missing if '"conferences_conference"' in s]) == 1


# --- the children API ----------------------------------------------------------------------------------------


@pytest.fixture
def school_api(school):
    from rest_framework.test import APIClient

    from safeguarding.accounts.services import api_client_create

    _, token = api_client_create(agency=school, name="School MIS")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


def _grow(school, n):
    for _ in range(n):
        child = ChildFactory(local_authority=LocalAuthorityFactory())
        InvolvementFactory(child=child, agency=school)
        ChildAlias.objects.create(child=child, name="Alias")


def test_the_children_api_list_costs_the_same_for_3_or_30_rows_and_logs_them_in_one_insert(school, school_api):
    _grow(school, 3)
    small = captured(school_api, "/api/v1/children/")
    _grow(school, 27)
    before = RecordView.objects.count()
    large = captured(school_api, "/api/v1/children/")
    assert len(small) == len(large) <= 8, "\n\n".join(large)
    assert len([s for s in large if s.startswith('INSERT INTO "audit_recordview"')]) == 1
    assert RecordView.objects.count() == before + 2 * 30  # the warming call and the one counted


def test_the_children_api_detail_and_a_missing_and_a_forbidden_child(school, school_api):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=school)
    assert len(captured(school_api, f"/api/v1/children/{child.public_id}/")) <= 6
    forbidden_child = ChildFactory()
    InvolvementFactory(child=forbidden_child, agency=SchoolFactory())
    forbidden = shapes(captured(school_api, f"/api/v1/children/{forbidden_child.public_id}/", status=404))
    missing = shapes(captured(school_api, f"/api/v1/children/{uuid.uuid4()}/", status=404))
    assert missing == forbidden
    assert len([s for s in missing if '"cases_child"' in s]) == 1
