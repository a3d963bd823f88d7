"""``/api/v1/review-invitations/``: invited agencies read their invitations to looked-after reviews and send their
views (issue 10, section 4; ADR 15). Real tokens (``api_client_create``), the real policies and services, one
world for the module (``tests.reviews.preparing``): Jade's first review on Friday 27 March 2026, at 14:00 at
Oakfield Primary School; Northmoor Police invited (Pat Police, for the agency), her mother by name and address.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from freezegun import freeze_time
from rest_framework.test import APIClient

from reviews import services
from reviews.models import InviteeConsultation
from safeguarding.accounts.services import api_client_create
from safeguarding.audit.models import RecordView
from safeguarding.notify.models import Notification
from tests.factories.worlds import shared_world
from tests.reviews import preparing

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_invitations_api")]  # one world

LIST = "/api/v1/review-invitations/"
VIEWS = {"how_child_is": "Well", "going_well": "Every appointment kept", "worries": "Dental check overdue",
         "contact": "", "to_decide": "Book the dental check", "anything_else": "", "attending": "yes"}


def build():
    w = preparing.build()
    with freeze_time(preparing.TODAY):
        services.review_meeting_set(actor=w.iro, review=w.booked, starts_at=time(14), ends_at=time(15, 30),
                                    venue="Oakfield Primary School")
        w.police_inv = services.review_invite(actor=w.iro, review=w.booked, invitee="independent_visitor",
                                              user=w.police_officer, agency=w.police)
        w.mother = services.review_invite(actor=w.iro, review=w.booked, invitee="parent", name="Dawn Holloway",
                                          email="dawn@example.org")
        w.police_client = api_client_create(agency=w.police, name="Police case system")
        w.school_client = api_client_create(agency=w.school, name="School MIS")
    return w


world = shared_world(build)
clock = preparing.clock


def bearer(token) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return c


def staff(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def rows(resp):
    assert resp.status_code == 200, resp.content
    body = resp.json()
    return body["results"] if isinstance(body, dict) else body


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def error(resp, status):
    assert resp.status_code == status, resp.content
    return resp.json()["error"]


def test_an_invited_agency_reads_its_own_invitation_with_the_review_s_time_and_place(world):
    police = bearer(world.police_client[1])
    (row,) = rows(police.get(LIST))
    assert row == {
        "id": str(world.police_inv.public_id), "invitee": "independent_visitor", "name": "Pat Police",
        "agency": {"id": str(world.police.public_id), "name": "Northmoor Police"}, "organisation": "",
        "withdrawn": False, "sent": False,
        "review": {"id": str(world.booked.public_id), "status": "scheduled", "date": "2026-03-27",
                   "starts_at": "2026-03-27T14:00:00Z", "ends_at": "2026-03-27T15:30:00Z",
                   "venue": "Oakfield Primary School", "online_link": "",
                   "child": {"id": str(world.child.public_id), "name": "Jade Holloway", "date_of_birth": "2014-02-01"}},
    }
    assert police.get(f"{LIST}{world.police_inv.public_id}/").json() == row
    assert "@" not in json.dumps(row)  # no email address anywhere
    # the practitioner sees it too, by their own session
    assert [r["id"] for r in rows(staff(world.police_officer).get(LIST))] == [row["id"]]
    assert RecordView.objects.filter(via="api", what="api review invitations").count() == 2


def test_anything_else_is_the_same_404(world):
    police = bearer(world.police_client[1])
    missing = error(police.get(f"{LIST}{uuid.uuid4()}/"), 404)
    assert error(police.get(f"{LIST}{world.mother.public_id}/"), 404) == missing
    assert error(police.get(f"{LIST}{world.mother.public_id}/views/"), 404) == missing
    assert error(post(police, f"{LIST}{world.mother.public_id}/views/", VIEWS), 404) == missing
    assert error(police.get(f"{LIST}not-a-uuid/"), 404) == missing
    school = bearer(world.school_client[1])
    assert rows(school.get(LIST)) == []
    assert error(post(school, f"{LIST}{world.police_inv.public_id}/views/", VIEWS), 404) == missing
    # the withdrawn invitation is gone for the agency
    services.review_invitation_withdraw(actor=world.iro, invitation=world.police_inv, reason="Not needed")
    assert rows(police.get(LIST)) == []
    assert error(police.get(f"{LIST}{world.police_inv.public_id}/"), 404) == missing
    assert error(APIClient().get(LIST), 401)["code"] == "not_authenticated"


def test_the_review_s_people_see_every_invitation_withdrawn_ones_too(world):
    services.review_invitation_withdraw(actor=world.iro, invitation=world.mother, reason="Contact suspended")
    iro = staff(world.iro)
    got = {r["name"]: r["withdrawn"] for r in rows(iro.get(LIST))}
    assert got == {"Pat Police": False, "Dawn Holloway": True}
    assert [r["name"] for r in rows(iro.get(LIST, {"current": "false"}))] == ["Dawn Holloway"]
    assert [r["name"] for r in rows(iro.get(LIST, {"invitee": "parent"}))] == ["Dawn Holloway"]
    assert rows(iro.get(LIST, {"review": str(uuid.uuid4())})) == []
    assert error(iro.get(LIST, {"invitee": "uncle"}), 400)["fields"]["invitee"]
    for not_a_boolean in ("null", "unknown", "1", "True"):  # the schema says true or false
        assert error(iro.get(LIST, {"current": not_a_boolean}), 400)["fields"] == {"current": ["Give true or false."]}
    assert {r["name"] for r in rows(staff(world.social_worker).get(LIST))} == {"Pat Police", "Dawn Holloway"}
    for outsider in (world.other_social_worker, world.school_dsl):
        assert rows(staff(outsider).get(LIST)) == [], outsider


def test_an_invited_agency_sends_its_views_until_the_review_is_held(world, clock):
    police = bearer(world.police_client[1])
    url = f"{LIST}{world.police_inv.public_id}/views/"
    empty = police.get(url).json()
    assert empty["sent_at"] is None and empty["worries"] == ""
    resp = post(police, url, VIEWS)
    assert resp.status_code == 201, resp.content
    assert resp.json()["worries"] == "Dental check overdue" and resp.json()["via"] == "api"
    again = post(police, url, {**VIEWS, "worries": "Dental check booked"})
    assert again.status_code == 200 and again.json()["worries"] == "Dental check booked"
    assert InviteeConsultation.objects.get(invitation=world.police_inv).history.count() == 2
    assert staff(world.iro).get(url).json()["worries"] == "Dental check booked"  # the IRO reads it
    assert Notification.objects.filter(recipient=world.iro, subject="Views were sent for a looked-after review") \
        .count() == 2
    bad = error(post(police, url, {**VIEWS, "worries": "x" * 4001, "attending": "maybe"}), 400)
    assert set(bad["fields"]) == {"worries", "attending"}
    clock.move_to("2026-03-27 16:00")
    services.review_hold(actor=world.iro, review=world.booked, participation="PN1", held_on=date(2026, 3, 27))
    assert error(post(police, url, VIEWS), 400)["fields"] == {
        "non_field_errors": ["Views are taken until the review is held"]}


def test_the_list_costs_the_same_statements_however_many_invitations(world):
    iro = staff(world.iro)
    iro.get(LIST)

    def count():
        with CaptureQueriesContext(connection) as q:
            assert iro.get(LIST).status_code == 200
        return len(q.captured_queries)

    small = count()
    for n in range(4):
        services.review_invite(actor=world.iro, review=world.booked, invitee="carer", name=f"Carer {n}")
    assert count() == small


PATHS = {
    "/api/v1/review-invitations/": {"get"},
    "/api/v1/review-invitations/{public_id}/": {"get"},
    "/api/v1/review-invitations/{public_id}/views/": {"get", "post"},
}


def test_the_schema_documents_every_operation_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    problems = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "eview" in m]
    assert problems == []
    validate_schema(schema)
    assert {p: set(ops) - {"parameters"} for p, ops in schema["paths"].items() if "review-invitations" in p} == PATHS
    for path, methods in PATHS.items():
        for method in methods:
            op = schema["paths"][path][method]
            assert op["summary"] and op.get("description"), (path, method)
            ok = op["responses"]["200"]
            assert next(iter(ok["content"].values())).get("examples"), (path, method)
            if path != "/api/v1/review-invitations/":
                assert "404" in op["responses"], (path, method)
    post_op = schema["paths"]["/api/v1/review-invitations/{public_id}/views/"]["post"]
    assert {"200", "201", "400", "404"} <= set(post_op["responses"])
    components = schema["components"]["schemas"]
    for name in ("ReviewInvitationOutput", "ReviewInvitationReviewOutput", "ReviewInvitationViewsOutput"):
        assert "email" not in components[name]["properties"], name
