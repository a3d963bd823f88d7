"""``/api/v1/reviews/`` and ``/api/v1/review-decisions/`` (issue 10, section 4; ADR 16): a partner agency's
client lists the reviews of the looked-after children it is involved with (their summary, no record content)
and the decisions assigned to it, and marks one done; everyone else gets the 404 of a missing record; every
error in the one shape; lists cost the same statements however many rows.

The world: two looked-after children, each with a held review whose circulated decision 1 is owned by the
police; the school is involved with the first child and owns nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as cases_services
from reviews.models import Review, ReviewDecision
from safeguarding.accounts.services import api_client_create
from safeguarding.audit.models import RecordView
from tests.factories import PoliceFactory, SchoolFactory
from tests.factories.reviews import AgencyDecisionFactory, iro_manager_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_api")]  # one world

REVIEWS, DECISIONS = "/api/v1/reviews/", "/api/v1/review-decisions/"
REVIEW_FIELDS = {"id", "child", "status", "number", "early", "planned_for", "held_on", "participation_code", "iro"}
DECISION_FIELDS = {"id", "number", "review", "child", "description", "owner", "owner_agency", "due_date", "status",
                   "overdue", "done_on", "note"}


def _build() -> SimpleNamespace:
    police = PoliceFactory(name="Northmoor Police")
    first = AgencyDecisionFactory(agency=police)
    second = AgencyDecisionFactory(agency=police, description="Tell the carers about the bail conditions")
    school = SchoolFactory(name="Oakfield Primary School")
    child = first.review.episode.child
    cases_services.involvement_add(child=child, actor=child.allocated_social_worker, agency=school,
                                   role="Designated teacher", start_date=first.review.episode.start_date)
    return SimpleNamespace(
        police=police, school=school, decisions=[first, second],
        police_token=api_client_create(agency=police, name="Police case system")[1],
        school_token=api_client_create(agency=school, name="School MIS")[1],
        other_token=api_client_create(agency=PoliceFactory(name="Southvale Police"), name="Southvale")[1],
        manager=iro_manager_of(child.local_authority),
    )


world = shared_world(_build)  # each test runs in a savepoint: what it writes is its own


def client(token) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


@pytest.fixture
def police_api(world):
    return client(world.police_token)


def statements(fn):
    fn()  # warm (content types)
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:500]
    return len(ctx.captured_queries)


def error(resp, status):
    assert resp.status_code == status, resp.content[:500]
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


# --- reviews -------------------------------------------------------------------------------------------------
def test_an_involved_agency_lists_the_children_s_reviews_as_their_summary(world, police_api):
    body = police_api.get(REVIEWS).json()
    assert body["count"] == 2
    row = body["results"][0]
    assert set(row) == REVIEW_FIELDS  # no record, consultation or address: the summary only
    reviews = {d.review.public_id: d.review for d in world.decisions}
    review = reviews[uuid.UUID(row["id"])]
    assert (row["status"], row["number"], row["participation_code"], row["held_on"]) == (
        "held", "first", "PN1", review.held_on.isoformat())
    assert row["child"] == {"id": str(review.episode.child.public_id), "name": review.episode.child.full_name,
                            "date_of_birth": review.episode.child.date_of_birth.isoformat()}
    assert police_api.get(f"{REVIEWS}{review.public_id}/").json() == row
    assert RecordView.objects.filter(record_id=review.pk, via="api").count() == 2  # listed, then read


def test_a_booked_review_has_no_number_or_code_yet(world, police_api):
    review = world.decisions[0].review
    Review.objects.create(episode=review.episode, iro=review.iro, planned_for=review.held_on + timedelta(days=90))
    rows = police_api.get(REVIEWS, {"status": "scheduled"}).json()["results"]
    assert [(r["number"], r["participation_code"], r["held_on"]) for r in rows] == [(None, None, None)]


def test_the_school_sees_the_reviews_of_its_child_only_and_another_agency_none(world):
    school, other = client(world.school_token), client(world.other_token)
    first, second = (d.review for d in world.decisions)
    assert [r["id"] for r in school.get(REVIEWS).json()["results"]] == [str(first.public_id)]
    assert other.get(REVIEWS).json()["count"] == 0
    forbidden = error(school.get(f"{REVIEWS}{second.public_id}/"), 404)
    assert forbidden == error(school.get(f"{REVIEWS}{uuid.uuid4()}/"), 404)


def test_the_review_list_costs_the_same_for_two_and_six_reviews(world, police_api):
    few = statements(lambda: police_api.get(REVIEWS))
    review = world.decisions[0].review
    for n in range(4):
        Review.objects.create(episode=review.episode, status=Review.Status.CANCELLED, cancelled_reason="Test",
                              planned_for=review.held_on + timedelta(days=n + 1))
    assert police_api.get(REVIEWS).json()["count"] == 6
    assert statements(lambda: police_api.get(REVIEWS)) == few <= 6


# --- decisions -----------------------------------------------------------------------------------------------
def test_the_owner_agency_lists_its_decisions(world, police_api):
    body = police_api.get(DECISIONS).json()
    assert body["count"] == 2
    row = next(r for r in body["results"] if r["id"] == str(world.decisions[0].public_id))
    assert set(row) == DECISION_FIELDS
    assert row["owner_agency"] == {"id": str(world.police.public_id), "name": "Northmoor Police"}
    assert (row["status"], row["overdue"], row["done_on"], row["note"]) == ("open", False, None, "")
    assert row["review"]["id"] == str(world.decisions[0].review.public_id)
    # the school is involved with the child but owns none of its decisions
    assert client(world.school_token).get(DECISIONS).json()["count"] == 0


def test_an_overdue_decision_says_so(world, police_api):
    ReviewDecision.objects.filter(pk=world.decisions[0].pk).update(due_date=timezone.localdate() - timedelta(days=1))
    rows = police_api.get(DECISIONS, {"status": "open"}).json()["results"]
    assert [r["overdue"] for r in rows] == [True, False]  # due first, first


def test_the_decision_list_costs_the_same_for_two_and_six_decisions(world, police_api):
    few = statements(lambda: police_api.get(DECISIONS))
    first = world.decisions[0]
    for n in range(2, 6):
        ReviewDecision.objects.create(review=first.review, number=n, description=f"Decision {n}",
                                      owner_name=world.police.name, owner_agency=world.police,
                                      due_date=first.due_date)
    assert police_api.get(DECISIONS).json()["count"] == 6
    assert statements(lambda: police_api.get(DECISIONS)) == few <= 6


@pytest.mark.parametrize(("params", "field"), [({"status": "closed"}, "status"), ({"child": "x"}, "child"),
                                               ({"due_before": "03/04/2026"}, "due_before")])
def test_a_bad_filter_is_400_in_the_error_shape(world, police_api, params, field):
    assert field in error(police_api.get(DECISIONS, params), 400)["fields"]


# --- completing a decision -------------------------------------------------------------------------------------
def complete(api, decision, **data):
    return api.post(f"{DECISIONS}{decision.public_id}/complete/", data, format="json")


def test_the_owner_agency_marks_a_decision_done(world, police_api):
    decision = world.decisions[0]
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    resp = complete(police_api, decision, done_on=day, note="Call-outs shared")
    assert resp.status_code == 200, resp.content
    assert (resp.json()["status"], resp.json()["done_on"], resp.json()["note"]) == ("done", day, "Call-outs shared")
    history = ReviewDecision.objects.get(pk=decision.pk).history.count()
    assert complete(police_api, decision, done_on=day, note="Call-outs shared").status_code == 200  # no change
    assert ReviewDecision.objects.get(pk=decision.pk).history.count() == history
    refused = error(complete(police_api, decision, done_on=timezone.localdate().isoformat(), note="Again"), 400)
    assert refused["fields"] == {"non_field_errors": ["This decision is done already: it cannot change"]}


@pytest.mark.parametrize(("data", "field"), [
    ({"note": "Done"}, "done_on"), ({"done_on": "2026-02-30", "note": "Done"}, "done_on"),
    ({"done_on": "2999-01-01", "note": "Done"}, "done_on"), ({"done_on": "2026-01-01"}, "note"),
    ({"done_on": "2026-01-01", "note": "   "}, "note"),
])
def test_bad_input_is_400_with_the_field_named(world, police_api, data, field):
    assert field in error(complete(police_api, world.decisions[0], **data), 400)["fields"]


def test_anyone_who_may_not_complete_it_gets_the_404_of_a_missing_decision(world, client_for):
    decision = world.decisions[0]
    day = timezone.localdate().isoformat()
    missing = error(client(world.school_token).post(f"{DECISIONS}{uuid.uuid4()}/complete/",
                                                    {"done_on": day, "note": "x"}, format="json"), 404)
    for api in (client(world.school_token), client(world.other_token)):
        assert error(complete(api, decision, done_on=day, note="x"), 404) == missing
        assert error(api.get(f"{DECISIONS}{decision.public_id}/"), 404) == missing
    # the IRO manager (a session) sees the decision but does not follow it through
    manager = client_for(world.manager)
    assert manager.get(f"{DECISIONS}{decision.public_id}/").status_code == 200
    resp = manager.post(f"{DECISIONS}{decision.public_id}/complete/", {"done_on": day, "note": "x"},
                        content_type="application/json")
    assert error(resp, 404) == missing
    assert ReviewDecision.objects.get(pk=decision.pk).is_open


def test_the_reviews_iro_completes_it_with_a_session(world, client_for):
    decision = world.decisions[1]
    resp = client_for(decision.review.iro).post(
        f"{DECISIONS}{decision.public_id}/complete/",
        {"done_on": timezone.localdate().isoformat(), "note": "Confirmed with the police"},
        content_type="application/json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "done"
