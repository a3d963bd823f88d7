"""The referrer API, ``/api/v1/lado/referrals/`` (issue 11): a portal referrer's session and an agency's API
client (a real token) each make referrals, list and read only their own (the reference, the status, what the LADO
shared, the files they sent) and send files (multipart) through the kernel's upload service. Errors are the one
JSON shape; missing and forbidden are the same 404; the list is a fixed number of statements."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from freezegun import freeze_time
from rest_framework.test import APIClient

from lado import services
from lado.models import Referral
from safeguarding.accounts.services import api_client_create
from safeguarding.audit.models import RecordView
from safeguarding.uploads.models import ScanStatus, Upload
from tests.factories import LocalAuthorityFactory, SchoolFactory
from tests.factories.lado import REFERRAL, ReceivedReferralFactory, RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_api")]

LIST = "/api/v1/lado/referrals/"


def detail(referral, suffix=""):
    return f"{LIST}{referral.public_id}/{suffix}"


def assert_error_shape(resp, status):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "fields"}, body
    assert body["error"]["status"] == status
    return body["error"]


REFERRAL_DAY = date(2026, 3, 2)


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado")
    referrer = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer")
    other = RegisteredReferrerFactory(local_authority=la, full_name="Rob Other")
    with freeze_time("2026-03-02 15:00"):
        mine = ReceivedReferralFactory(local_authority=la, referrer=referrer, knew_on=REFERRAL_DAY)
        theirs = ReceivedReferralFactory(local_authority=la, referrer=other, knew_on=REFERRAL_DAY)
        services.referral_share(actor=officer, referral=mine, text="A strategy discussion is planned.")
    school = SchoolFactory(name="Northmoor Primary School")
    _, token = api_client_create(agency=school, name="School MIS")
    return {"la": la, "officer": officer, "referrer": referrer, "other": other, "mine": mine, "theirs": theirs,
            "token": token}


world = shared_world(_build)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-03-02 16:00"):
        yield


@pytest.fixture
def session(world):
    client = APIClient()
    client.force_login(world["referrer"])
    return client


@pytest.fixture
def system(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    return client


def body(world, **over):
    data = {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in REFERRAL.items()},
            "local_authority": str(world["la"].public_id), "employer_knew_on": "2026-03-02",
            "children": [{"first_names": "Ella", "surname": "Price", "details": "Year 4"}]}
    return {**data, **over}


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_a_referrer_lists_and_reads_only_their_own(world, session):
    resp = session.get(LIST)
    assert resp.status_code == 200, resp.content
    rows = resp.json()["results"]
    assert [r["reference"] for r in rows] == [world["mine"].reference]
    assert rows[0]["status"] == "received" and rows[0]["shared"][0]["text"] == "A strategy discussion is planned."
    assert set(rows[0]) == {"id", "reference", "received_at", "organisation", "status", "shared"}
    assert RecordView.objects.filter(user=world["referrer"], record_id=world["mine"].pk, via="api").exists()

    one = session.get(detail(world["mine"]))
    assert one.status_code == 200 and one.json()["files"] == []
    refused, missing = session.get(detail(world["theirs"])), session.get(f"{LIST}{'0' * 8}-0000-0000-0000-{'0' * 12}/")
    assert assert_error_shape(refused, 404) == assert_error_shape(missing, 404)


def test_the_list_is_a_fixed_number_of_statements(world, session):
    def count():
        with CaptureQueriesContext(connection) as q:
            assert session.get(LIST).status_code == 200
        return len(q)

    few = count()
    with freeze_time("2026-03-03 10:00"):
        for _ in range(3):
            r = ReceivedReferralFactory(local_authority=world["la"], referrer=world["referrer"],
                                        knew_on=REFERRAL_DAY.replace(day=3))
            services.referral_share(actor=world["officer"], referral=r, text="Noted")
    assert count() == few


def test_an_agency_system_makes_a_referral_and_sends_a_file(world, system):
    resp = post_json(system, LIST, body(world, referrer_name="Dana Price", referrer_role="DSL"))
    assert resp.status_code == 201, resp.content
    out = resp.json()
    referral = Referral.objects.get(public_id=out["id"])
    assert (referral.source, referral.referrer_name, out["status"], out["shared"]) == ("api", "Dana Price",
                                                                                      "received", [])
    assert referral.referred_by.is_api_client
    assert [r["id"] for r in system.get(LIST).json()["results"]] == [out["id"]]

    sent = system.post(detail(referral, "evidence/"),
                       {"file": named(pdf_bytes(), "Statement.pdf"), "description": "The pupil's account"},
                       format="multipart")
    assert sent.status_code == 201, sent.content
    assert sent.json()["scan_status"] == ScanStatus.PENDING and sent.json()["content_type"] == "application/pdf"
    upload = Upload.objects.get(public_id=sent.json()["id"])
    assert upload.owner == referral and upload.purpose == "evidence"
    assert [f["name"] for f in system.get(detail(referral)).json()["files"]] == ["Statement.pdf"]


def test_a_referral_s_errors_are_the_one_shape(world, session):
    err = assert_error_shape(post_json(session, LIST, body(world, sector="circus", children=[])), 400)
    assert "sector" in err["fields"] and any(k.startswith("children") for k in err["fields"])
    err = assert_error_shape(post_json(session, LIST, body(world, employer_knew_on="2026-02-23")), 400)  # a week on
    assert "late_reason" in err["fields"]
    err = assert_error_shape(post_json(session, LIST, body(world, local_authority=str(world["officer"].public_id))),
                             400)
    assert "local_authority" in err["fields"]
    assert not Referral.objects.filter(source="api").exists()


def test_evidence_only_on_one_s_own_referral_and_only_an_accepted_file(world, session, system):
    theirs = session.post(detail(world["theirs"], "evidence/"), {"file": named(pdf_bytes(), "a.pdf")},
                          format="multipart")
    assert_error_shape(theirs, 404)
    assert_error_shape(system.post(detail(world["mine"], "evidence/"), {"file": named(pdf_bytes(), "a.pdf")},
                                   format="multipart"), 404)
    bad = session.post(detail(world["mine"], "evidence/"), {"file": named(b"<html></html>", "a.pdf")},
                       format="multipart")
    assert "file" in assert_error_shape(bad, 400)["fields"]
    missing = session.post(detail(world["mine"], "evidence/"), {"description": "No file"}, format="multipart")
    assert "file" in assert_error_shape(missing, 400)["fields"]
    # the LADO's own file on the referral is never listed to the referrer
    services.evidence_add(actor=world["officer"], owner=world["mine"], file=named(pdf_bytes(), "Notes.pdf"))
    assert session.get(detail(world["mine"])).json()["files"] == []
    assert not Upload.objects.filter(uploaded_by=world["referrer"]).exists()


def test_a_suspended_referrer_sees_nothing(world, session):
    services.referrer_suspend(actor=world["officer"], referrer=world["referrer"].lado_referrer, reason="Left")
    assert session.get(LIST).json()["results"] == []
    assert_error_shape(session.get(detail(world["mine"])), 404)
    assert_error_shape(post_json(session, LIST, body(world)), 400)


def test_the_schema_documents_the_referrer_api_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    problems = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "lado" in m.lower()
                or "referral" in m.lower() or "collision" in m]
    assert problems == []
    validate_schema(schema)
    paths = {p: set(ops) - {"parameters"} for p, ops in schema["paths"].items() if "/lado/" in p}
    assert paths == {"/api/v1/lado/referrals/": {"get", "post"}, "/api/v1/lado/referrals/{public_id}/": {"get"},
                     "/api/v1/lado/referrals/{public_id}/evidence/": {"post"},
                     "/api/v1/lado/referrals/{public_id}/evidence/{upload_id}/": {"get"}}
    post = schema["paths"]["/api/v1/lado/referrals/{public_id}/evidence/"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "LadoReferralStatusEnum" in schema["components"]["schemas"]
    children = schema["components"]["schemas"]["ReferralInputRequest"]["properties"]["children"]
    assert children["minItems"] == 1
    assert {"201", "400", "404"} <= set(post["responses"])
