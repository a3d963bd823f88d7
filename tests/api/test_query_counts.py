"""Query counts that do not grow with the number of rows, for every list page and endpoint.

Each test measures the same request with a few rows, then with ten times as many (each row with its
own related people and agencies, so a missing select_related/prefetch shows up), and asserts the
counts are equal and under a ceiling.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import ChildAddress, ChildAlias
from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.access.services import break_glass_open
from safeguarding.accounts.models import Role
from safeguarding.audit.services import record_view
from safeguarding.notify.services import notify
from tests.factories import (
    AdultFactory,
    ChildFactory,
    ChronologyEntryFactory,
    HealthFactory,
    InvolvementFactory,
    LocalAuthorityFactory,
    RelationshipFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

CEILING = 40


def count(fn):
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:500]
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def assert_flat(fn, grow, *, few=3, many=30, ceiling=CEILING):
    """Call ``grow(n)`` to add n rows; the request's query count must not change from few to many."""
    grow(few)
    fn()  # warm caches (content types, ...)
    small, small_sql = count(fn)
    grow(many - few)
    large, large_sql = count(fn)
    assert large == small, "query count grew with the rows:\n" + "\n".join(
        q for q in large_sql if q not in small_sql
    )
    assert small <= ceiling, "\n".join(small_sql)
    return small


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def school_api(school):
    from rest_framework.test import APIClient

    from safeguarding.accounts.services import api_client_create

    _, token = api_client_create(agency=school, name="School MIS")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


def test_api_list(school, school_api):
    def grow(n):
        for _ in range(n):
            child = ChildFactory(local_authority=LocalAuthorityFactory())
            InvolvementFactory(child=child, agency=school)
            ChildAlias.objects.create(child=child, name="Alias One")
            ChildAlias.objects.create(child=child, name="Alias Two")

    assert_flat(lambda: school_api.get("/api/v1/children/"), grow)
    assert school_api.get("/api/v1/children/").json()["count"] == 30


def test_api_list_with_a_name_filter(school, school_api):
    def grow(n):
        for _ in range(n):
            child = ChildFactory(legal_surname="Ashworth", local_authority=LocalAuthorityFactory())
            InvolvementFactory(child=child, agency=school)
            ChildAlias.objects.create(child=child, name="Alias")

    assert_flat(lambda: school_api.get("/api/v1/children/", {"name": "Ashworth"}), grow)


def test_api_retrieve(school, school_api):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=school)

    def grow(n):
        for i in range(n):
            ChildAlias.objects.create(child=child, name=f"Alias {i}")
            InvolvementFactory(child=child, agency=SchoolFactory())

    assert_flat(lambda: school_api.get(f"/api/v1/children/{child.public_id}/"), grow)


# --- pages ----------------------------------------------------------------------------------------


def test_search_page(client_for, social_worker, team, la):
    def grow(n):
        for _ in range(n):
            ChildFactory(
                legal_surname="Ashworth",
                local_authority=la,
                allocated_team=TeamFactory(agency=la),
                allocated_social_worker=social_worker,
            )

    c = client_for(social_worker)
    assert_flat(lambda: c.get("/children/", {"name": "Ashworth"}), grow)
    assert c.get("/children/", {"name": "Ashworth"}).content.decode().count("Ashworth") >= 30


def test_search_page_with_other_teams_children_found_as_minimal_rows(client_for, social_worker, team, la):
    """Finding is not opening: the rows the searcher cannot open (another team's, restricted) come in the
    same query, and their sightings are logged in one insert, however many there are."""
    from safeguarding.audit.models import CaseEvent

    ChildFactory(legal_surname="Ashworth", local_authority=la, allocated_social_worker=social_worker)

    def grow(n):
        for i in range(n):
            ChildFactory(legal_surname="Ashworth", local_authority=la, allocated_team=TeamFactory(agency=la),
                         restricted=i % 3 == 0)

    c = client_for(social_worker)
    assert_flat(lambda: c.get("/children/", {"name": "Ashworth"}), grow)
    before = CaseEvent.objects.filter(code="child.sighted").count()
    html = c.get("/children/", {"name": "Ashworth"}).content.decode()
    assert html.count("Request access") == 30
    assert CaseEvent.objects.filter(code="child.sighted").count() == before + 30


def test_child_page_with_many_involvements_relationships_and_chronology(client_for, social_worker, team, la):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    start = timezone.localdate() - datetime.timedelta(days=4000)

    def grow(n):
        for i in range(n):
            agency = HealthFactory()
            professional = UserFactory()
            InvolvementFactory(child=child, agency=agency, professional=professional)
            RelationshipFactory(child=child, adult=AdultFactory())
            ChronologyEntryFactory(child=child, source_agency=SchoolFactory(), recorded_by=UserFactory())
            ChildAlias.objects.create(child=child, name=f"Alias {i}")
            ChildAddress.objects.create(
                child=child,
                line_1=f"{i} High Street",
                town="Northmoor",
                postcode="NM1 1AA",
                start_date=start + datetime.timedelta(days=i),
            )
            services.child_update(
                child=child,
                actor=UserFactory(),
                reason=f"Correction {i}",
                changes={"first_language": f"Language {len(child.history.all())}"},
            )

    c = client_for(social_worker)
    url = f"/children/{child.public_id}/"
    # the child fetched and authorised once, its lists in one statement (issue 9: at most 12)
    assert_flat(lambda: c.get(url), grow, ceiling=9)
    html = c.get(url).content.decode()
    assert "Agencies (30)" in html and "People (30)" in html and "Chronology (30)" in html


def test_home_page(client_for, social_worker, la):
    def grow(n):
        for _ in range(n):
            ChildFactory(
                local_authority=la,
                allocated_social_worker=social_worker,
                allocated_team=TeamFactory(agency=la),
            )

    c = client_for(social_worker)
    assert_flat(lambda: c.get("/"), grow)


def test_access_log_page(client_for, team_manager, team, la):
    child = ChildFactory(local_authority=la, allocated_team=team)

    def grow(n):
        for _ in range(n):
            viewer = UserFactory()
            record_view(user=viewer, record=child, via="page", what="child page")
            break_glass_open(user=UserFactory(), record=child, reason="Urgent strategy discussion today")
            services.child_access_grant(
                child=child,
                user=UserFactory(),
                actor=UserFactory(),
                until=timezone.now() + datetime.timedelta(days=3),
                reason="Court report",
            )
            asker = make_user(la, Role.SOCIAL_WORKER, team=TeamFactory(agency=la))
            services.child_access_request(child=child, actor=asker, reason="A referral today")
            found = list(child_policy.findable(AccessContext.for_user(asker)).filter(pk=child.pk))
            services.child_sightings_record(actor=asker, children=found, via="search")

    c = client_for(team_manager)
    assert_flat(lambda: c.get(f"/children/{child.public_id}/access-log/"), grow)


def test_notifications_page(client_for, social_worker):
    def grow(n):
        for i in range(n):
            notify(
                recipient=social_worker,
                subject=f"Notice {i}",
                body="Something happened",
                url="/",
                email=False,
            )

    c = client_for(social_worker)
    assert_flat(lambda: c.get("/notifications/"), grow)
