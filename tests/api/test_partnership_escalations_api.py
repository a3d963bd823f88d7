"""``/api/v1/partnership/escalations/`` (issue 12, section 4; ADR 25): an agency's system raises a professional
difference and answers one raised with its agency, through the same policy and services as the pages; a child is
identified only to a caller who may open the record; refused is the 404 of missing; a fixed number of statements."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership import services
from partnership.models import Escalation
from tests.factories import ChildFactory, InvolvementFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/partnership/escalations/"


@pytest.fixture
def police_api(police_client, bearer):
    return bearer(police_client[1])


def test_an_agencys_system_raises_a_difference_and_reads_it(police_api, police_client, la, police):
    child = ChildFactory(local_authority=la)
    InvolvementFactory(child=child, agency=police, role="Investigating officer")
    answer = police_api.post(URL, {"raised_with_agency": str(la.public_id), "category": "threshold",
                                   "concern": "Closed without a strategy discussion.", "child": str(child.public_id)},
                             format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["route"], body["stage"], body["child"], body["about_a_child"], body["raising_agency"]["name"]) == (
        "professional_difference", 1, str(child.public_id), True, "Northmoor Police")
    assert body["stage_name"].startswith("Stage 1") and body["due_on"] and body["outcome"] == ""
    escalation = Escalation.objects.get()
    assert escalation.raised_by == police_client[0].user
    one = police_api.get(f"{URL}{escalation.public_id}/").json()
    assert [s["kind"] for s in one["steps"]] == ["raised"]


def test_a_child_the_caller_may_not_open_is_refused_without_saying_whose(police_api, la):
    hidden = ChildFactory(local_authority=la)
    answer = police_api.post(URL, {"raised_with_agency": str(la.public_id), "category": "threshold",
                                   "concern": "Closed", "child": str(hidden.public_id)}, format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"child": ["Give the id of a child whose record you can open"]}
    assert not Escalation.objects.exists()


def test_the_agency_raised_with_answers_and_nobody_else_sees_it(police_api, school_api, la, police,
                                                                social_worker):
    escalation = services.escalation_raise(actor=social_worker, raising_agency=la, raised_with_agency=police,
                                           category="information_sharing", concern="Notifications are late.",
                                           theme="Domestic abuse notifications")
    listed = police_api.get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [str(escalation.public_id)]
    assert school_api.get(f"{URL}{escalation.public_id}/").status_code == 404
    assert school_api.post(f"{URL}{escalation.public_id}/responses/", {"response": "No"}, format="json") \
        .status_code == 404
    answer = police_api.post(f"{URL}{escalation.public_id}/responses/",
                             {"response": "We will send them within 24 hours."}, format="json")
    assert answer.status_code == 201, answer.json()
    assert [(s["kind"], s["agency"]["name"]) for s in answer.json()["steps"]] == [
        ("raised", la.name), ("response", "Northmoor Police")]
    # the raiser cannot answer its own difference: a 400 in the one error shape
    services.escalation_close(actor=social_worker, escalation=escalation, outcome="resolved_agreed", note="Agreed")
    again = police_api.post(f"{URL}{escalation.public_id}/responses/", {"response": "More"}, format="json")
    assert again.status_code == 400 and "non_field_errors" in again.json()["error"]["fields"]


def test_the_list_reads_in_a_fixed_number_of_statements(police_api, la, police, social_worker):
    def raise_one(n):
        services.escalation_raise(actor=social_worker, raising_agency=la, raised_with_agency=police,
                                  category="attendance", concern=f"Concern {n}", theme=f"Theme {n}")

    raise_one(1)
    police_api.get(URL)
    with CaptureQueriesContext(connection) as one:
        police_api.get(URL)
    raise_one(2)
    raise_one(3)
    with CaptureQueriesContext(connection) as three:
        police_api.get(URL)
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
