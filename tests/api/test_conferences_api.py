"""``/api/v1/conferences/``: partner agencies read the conferences they are invited to, submit their
report and download the documents sent to them (issue 4, sections 2, 5 and 7).

Real tokens (``api_client_create``), the real policies and services (tests/conferences/story.py),
PostgreSQL. Time is frozen: the strategy discussion is on Monday 2 March 2026, the conference on
Friday 20 March; the ICPC is due on 23 March (15 working days) and reports on 18 March (2 working
days before). The PDF pipeline (safeguarding/documents/pdf.py, templates/conferences/pdf/) was being
written at the same time, so the download tests store Document rows with small stand-in bytes and send
them with the real ``documents_distribute``.
"""

import hashlib
import json
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from freezegun import freeze_time

from cases.models import Involvement
from conferences import selectors, services
from conferences.models import AgencyReport, Conference, Distribution, Document, Invitation
from safeguarding.accounts.models import Membership, Role
from safeguarding.accounts.services import api_client_create, api_client_revoke
from safeguarding.audit.models import CaseEvent, RecordView
from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline
from tests.conferences import story
from tests.factories import (
    ChildFactory,
    RestrictedChildFactory,
    SchoolFactory,
    make_user,
    people,
)
from tests.factories.worlds import afresh, built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("api_conferences")]

LIST = "/api/v1/conferences/"
CONFERENCE_DAY = date(2026, 3, 20)
FIELDS = {"id", "kind", "status", "child", "starts_at", "ends_at", "venue", "online_link", "chair", "due_date",
          "reports_due_date"}


def detail(conf, suffix=""):
    return f"{LIST}{getattr(conf, 'public_id', conf)}/{suffix}"


def download(conf, doc):
    return detail(conf, f"documents/{getattr(doc, 'public_id', doc)}/download/")


def assert_error_shape(resp, status):
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"status", "code", "message", "fields"}, err
    assert err["status"] == status
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["fields"], dict)
    return err


def ids(resp):
    assert resp.status_code == 200, resp.content
    body = resp.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [r["id"] for r in rows]


def post_json(client, url, data):
    """Works for DRF's APIClient and Django's test Client alike."""
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture(autouse=True)
def frozen():
    """Three days after the strategy discussion, before the reports are due."""
    with freeze_time("2026-03-05 10:00") as f:
        yield f


def build_world() -> SimpleNamespace:
    """The people of tests/conftest.py by the same names, and a scheduled initial conference for Amelia with the
    mother, the social worker, police, health and school invited (built once for the class below)."""
    with freeze_time("2026-03-05 10:00"):
        la = people.la()
        team = people.team(la)
        social_worker = people.social_worker(la, team)
        chair = people.chair(la)
        police = people.police()
        health = people.health()
        school = people.school()
        child, mother, practitioners = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=date(2016, 5, 4))
        conf = story.request_icpc(child=child, social_worker=social_worker,
                                  strategy_discussion_date=date(2026, 3, 2))
        conf = story.book(conference=conf, chair=chair, actor=chair, day=CONFERENCE_DAY)
        invitations = story.invite_everyone(conference=conf, actor=chair)
    return SimpleNamespace(la=la, team=team, social_worker=social_worker, chair=chair, police=police, health=health,
                           school=school, conf=conf, child=child, mother=mother, people=practitioners,
                           invitations=invitations)


def read_world(kept: SimpleNamespace) -> SimpleNamespace:
    """The conference's world as one test sees it: every object read afresh from the database."""
    invitations = [afresh(i) for i in kept.invitations]
    by_agency = {i.agency_id: i for i in invitations if i.kind == Invitation.InviteeKind.PROFESSIONAL}
    return SimpleNamespace(
        conf=afresh(kept.conf), child=afresh(kept.child), mother=afresh(kept.mother),
        people={agency: afresh(person) for agency, person in kept.people.items()}, invitations=invitations,
        mother_inv=next(i for i in invitations if i.kind == Invitation.InviteeKind.PARENT),
        police_inv=by_agency[kept.police.pk], school_inv=by_agency[kept.school.pk], sw_inv=by_agency[kept.la.pk],
    )



@pytest.fixture
def police_api(police_client, bearer):
    return bearer(police_client[1])


@pytest.fixture
def other_api(bearer):
    """An agency's client that was never invited to anything."""
    _, token = api_client_create(agency=SchoolFactory(name="Riverside Academy"), name="Riverside MIS")
    return bearer(token)


def another_conference(*, la, social_worker, chair, agency, day=None, restricted=False, named=()):
    """A second child's initial conference with ``agency`` invited (booked on ``day`` if given)."""
    factory = RestrictedChildFactory if restricted else ChildFactory
    kwargs = {"named": list(named)} if restricted else {}
    child = factory(local_authority=la, allocated_social_worker=social_worker, date_of_birth=date(2018, 1, 9),
                    **kwargs)
    Involvement.objects.create(child=child, agency=agency, role="Officer", start_date=date(2025, 1, 1))
    conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 3))
    if day:
        conf = story.book(conference=conf, chair=chair, actor=chair, day=day, late_reason="Chair availability")
    services.invitation_add(actor=chair, conference=conf, kind="professional", name=f"Officer of {agency.name}",
                            role="Officer", agency_id=agency.pk)
    return conf


def store_document(conf, *, kind, copy, version=1, actor):
    """A published document with stand-in bytes (the real PDF renderer is another task's work)."""
    content = f"%PDF-1.7 test {kind} {copy} v{version}".encode()
    return Document.objects.create(
        conference=conf, kind=kind, copy=copy, version=version, filename=f"T1-{kind}-v{version}-{copy}.pdf",
        content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content), created_by=actor)


REPORT = {"summary": "Two call-outs to the home since January.", "worries": "Amelia was present.",
          "strengths": "Mother called us herself.", "recommendation": "A child protection plan."}


# --- documents sent (the fixture of the documents tests) -------------------------------------------------------


@pytest.fixture
def distributed(world, la, social_worker, chair, police):
    """The conference held and decided; the minutes published (both copies) and sent to the police (in
    the app) and the mother (by post). The decision letter is published but sent to nobody."""
    with freeze_time("2026-03-20 13:00"):
        conf = story.hold(conference=world.conf, chair=chair, held_on=CONFERENCE_DAY)
        story.decide_plan(conference=conf, chair=chair, lead_social_worker=social_worker)
    with freeze_time("2026-03-27 09:00"):
        docs = {copy: store_document(world.conf, kind="minutes", copy=copy, actor=chair)
                for copy in ("professional", "family")}
        letter = store_document(world.conf, kind="decision_letter", copy="professional", actor=chair)
        store_document(world.conf, kind="decision_letter", copy="family", actor=chair)
        services.documents_distribute(actor=chair, conference=world.conf, kind="minutes",
                                      invitations=[world.police_inv], method="in_app")
        services.documents_distribute(actor=chair, conference=world.conf, kind="minutes",
                                      invitations=[world.mother_inv], method="post")
    assert Distribution.objects.count() == 2
    return SimpleNamespace(professional=docs["professional"], family=docs["family"], letter=letter)


class TestAmeliasConference:
    """The tests that take Amelia's conference as booked (``world``). It is built once for the class and rolled
    back after its last test; each test runs in a savepoint of it (what a test writes is its own) and reads every
    object afresh. ``la``, ``chair``, ``police`` and the others are the world's; anyone else a test asks for
    (``client_for``, ``other_la``...) is made for that test, as anywhere else."""

    @pytest.fixture(scope="class")
    @classmethod
    def kept_world(cls, django_db_setup, django_db_blocker):
        yield from built(build_world, django_db_blocker)

    @pytest.fixture
    def world(self, kept_world):
        return read_world(kept_world)


    @pytest.fixture
    def la(self, kept_world):
        return afresh(kept_world.la)

    @pytest.fixture
    def team(self, kept_world):
        return afresh(kept_world.team)

    @pytest.fixture
    def social_worker(self, kept_world):
        return afresh(kept_world.social_worker)

    @pytest.fixture
    def chair(self, kept_world):
        return afresh(kept_world.chair)

    @pytest.fixture
    def police(self, kept_world):
        return afresh(kept_world.police)

    @pytest.fixture
    def health(self, kept_world):
        return afresh(kept_world.health)

    @pytest.fixture
    def school(self, kept_world):
        return afresh(kept_world.school)

    # --- reading conferences -----------------------------------------------------------------------------


    def test_an_invited_agencys_client_lists_and_reads_the_conference(self, world, police_api, chair):
        resp = police_api.get(LIST)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        assert body["count"] == 1 and {"next", "previous", "results"} <= set(body)
        row = body["results"][0]
        assert set(row) == FIELDS
        assert row["id"] == str(world.conf.public_id)
        assert row["kind"] == "initial" and row["status"] == "scheduled"
        # the child's name and date of birth, and nothing else of the record
        assert row["child"] == {"id": str(world.child.public_id), "name": "Amelia Hartley",
                                "date_of_birth": "2016-05-04"}
        assert row["chair"] == "Chris Chair"
        assert row["venue"] == "Northmoor Civic Centre" and row["online_link"] == ""
        assert timezone.datetime.fromisoformat(row["starts_at"]) == world.conf.starts_at
        assert timezone.datetime.fromisoformat(row["ends_at"]) == world.conf.ends_at
        assert row["due_date"] == "2026-03-23"  # 15 working days from the strategy discussion
        assert row["reports_due_date"] == "2026-03-18"  # 2 working days before the conference

        one = police_api.get(detail(world.conf))
        assert one.status_code == 200
        assert one.json() == row
        text = one.content.decode()
        assert world.child.nhs_number not in text and world.child.local_child_id not in text


    def test_due_dates_are_the_services_answers_in_every_state(self, world, la, social_worker, chair, police,
                                                                client_for):
        """The list works the due dates out for a whole page at once; they must be what
        selectors.due_deadline and clock.compute_due say, for initial and review conferences, before and
        after the conference is held."""
        requested = another_conference(la=la, social_worker=social_worker, chair=chair, agency=police)
        with freeze_time("2026-03-20 13:00"):
            held = story.hold(conference=world.conf, chair=chair, held_on=CONFERENCE_DAY)
            story.decide_plan(conference=held, chair=chair, lead_social_worker=social_worker)
        held = Conference.objects.get(pk=held.pk)
        with freeze_time("2026-04-01 10:00"):
            review = services.conference_request(actor=social_worker, child=world.child, kind="review", plan=held.plan)
            review = story.book(conference=review, chair=chair, actor=chair, day=date(2026, 6, 12))
        api = client_for(chair)
        rows = {r["id"]: r for r in api.get(LIST).json()["results"]}
        assert set(rows) == {str(c.public_id) for c in (held, requested, review)}
        for conf in (held, requested, review):
            conf = Conference.objects.get(pk=conf.pk)
            deadline = selectors.due_deadline(conf)
            assert deadline is not None, conf
            reports_due = (clock.compute_due("conference_reports", timezone.localtime(conf.starts_at).date())
                           if conf.starts_at else None)
            row = rows[str(conf.public_id)]
            assert row["due_date"] == deadline.due_date.isoformat(), conf
            assert row["reports_due_date"] == (reports_due.isoformat() if reports_due else None), conf
            assert api.get(detail(conf)).json()["due_date"] == row["due_date"]
        assert rows[str(held.public_id)]["status"] == "decided"
        assert rows[str(held.public_id)]["due_date"] == "2026-03-23"  # the met ICPC deadline still answers
        assert rows[str(review.public_id)]["kind"] == "review"
        assert rows[str(requested.public_id)]["reports_due_date"] is None  # not booked yet
        # a held review too (a tripwire: whatever due_deadline answers for it, the API must answer the same)
        with freeze_time("2026-06-12 15:00"):
            review = story.hold(conference=review, chair=chair, held_on=date(2026, 6, 12),
                                quorum_override_reason="Test: nobody invited")
            deadline = selectors.due_deadline(review)
            answer = client_for(chair).get(detail(review)).json()  # a new session: the first one has expired
            assert answer["status"] == "held"
            assert answer["due_date"] == (deadline.due_date.isoformat() if deadline else None)


    def test_filters(self, world, la, social_worker, chair, police, police_api):
        requested = another_conference(la=la, social_worker=social_worker, chair=chair, agency=police)
        later = another_conference(la=la, social_worker=social_worker, chair=chair, agency=police,
                                   day=date(2026, 3, 27))
        conf, req, lat = (str(c.public_id) for c in (world.conf, requested, later))
        # ordered by start; a conference not yet booked comes last
        assert ids(police_api.get(LIST)) == [conf, lat, req]
        assert ids(police_api.get(LIST, {"status": "scheduled"})) == [conf, lat]
        assert ids(police_api.get(LIST, {"status": "requested"})) == [req]
        assert ids(police_api.get(LIST, {"kind": "initial"})) == [conf, lat, req]
        assert ids(police_api.get(LIST, {"kind": "review"})) == []
        assert ids(police_api.get(LIST, {"child": str(requested.child.public_id)})) == [req]
        assert ids(police_api.get(LIST, {"starts_after": "2026-03-21"})) == [lat]
        assert ids(police_api.get(LIST, {"starts_before": "2026-03-20"})) == [conf]  # on or before
        assert ids(police_api.get(LIST, {"starts_after": "2026-03-20", "starts_before": "2026-03-27"})) == [conf, lat]
        assert ids(police_api.get(LIST, {"page_size": 1, "page": 2})) == [lat]


    @pytest.mark.parametrize("params, field", [
        ({"status": "held_over"}, "status"),
        ({"kind": "emergency"}, "kind"),
        ({"child": "not-a-uuid"}, "child"),
        ({"starts_after": "20/03/2026"}, "starts_after"),
        ({"starts_before": "tomorrow"}, "starts_before"),
    ])
    def test_a_bad_filter_is_400_in_the_error_shape(self, world, police_api, params, field):
        err = assert_error_shape(police_api.get(LIST, params), 400)
        assert err["code"] == "invalid"
        assert list(err["fields"]) == [field]


    def test_an_uninvited_agency_gets_empty_lists_and_the_same_404_as_a_missing_conference(self, world, other_api,
                                                                                            chair):
        doc = store_document(world.conf, kind="minutes", copy="professional", actor=chair)
        assert other_api.get(LIST).json()["count"] == 0
        missing = uuid.uuid4()
        for suffix in ("", "invitations/", "reports/", "documents/"):
            forbidden = other_api.get(detail(world.conf, suffix))
            absent = other_api.get(detail(missing, suffix))
            assert_error_shape(forbidden, 404)
            assert forbidden.json() == absent.json()
        assert_error_shape(other_api.get(detail("not-a-uuid")), 404)
        forbidden = post_json(other_api, detail(world.conf, "reports/"), {"summary": "We know the family"})
        assert_error_shape(forbidden, 404)
        assert forbidden.json() == post_json(other_api, detail(missing, "reports/"), {"summary": "x"}).json()
        assert_error_shape(other_api.get(download(world.conf, doc)), 404)
        assert not AgencyReport.objects.exists()
        assert not CaseEvent.objects.filter(code="document.downloaded").exists()


    def test_a_restricted_childs_conference_shows_only_to_invitees_who_may_see_the_child(
        self, world, la, social_worker, chair, police, police_api, police_officer, client_for
    ):
        hidden = another_conference(la=la, social_worker=social_worker, chair=chair, agency=police, restricted=True,
                                    named=[police_officer])
        # the police's system is invited, but not entitled to the restricted record: nothing at all
        assert ids(police_api.get(LIST)) == [str(world.conf.public_id)]
        assert_error_shape(police_api.get(detail(hidden)), 404)
        assert_error_shape(post_json(police_api, detail(hidden, "reports/"), {"summary": "x"}), 404)
        # the officer named on the record sees it
        assert str(hidden.public_id) in ids(client_for(police_officer).get(LIST))


    def test_reads_are_logged_and_a_404_is_not(self, world, police_api, police_client, other_api):
        assert police_api.get(detail(world.conf)).status_code == 200
        assert police_api.get(LIST).status_code == 200
        other_api.get(detail(world.conf))
        views = list(RecordView.objects.order_by("id"))
        assert [(v.record, v.user, v.via, v.what) for v in views] == [
            (world.conf, police_client[0].user, "api", "api conference"),
            (world.conf, police_client[0].user, "api", "api conferences list"),
        ]


    def test_wrong_methods_get_the_one_error_shape(self, world, police_api):
        assert_error_shape(police_api.delete(detail(world.conf)), 405)
        assert_error_shape(post_json(police_api, LIST, {}), 405)
        assert_error_shape(police_api.put(detail(world.conf, "reports/"), {}, format="json"), 405)
        assert_error_shape(post_json(police_api, detail(world.conf, "invitations/"), {}), 405)


    # --- invitations -------------------------------------------------------------------------------------


    def test_an_invited_agency_sees_only_its_own_agencys_invitations_and_no_email_addresses(
        self, world, police, police_api, client_for, chair, social_worker
    ):
        resp = police_api.get(detail(world.conf, "invitations/"))
        assert resp.status_code == 200
        rows = resp.json()
        assert [r["id"] for r in rows] == [str(world.police_inv.public_id)]
        assert rows[0] == {
            "id": str(world.police_inv.public_id), "kind": "professional", "name": world.police_inv.name,
            "role": world.police_inv.role, "attendance": "invited",
            "agency": {"id": str(police.public_id), "name": "Northmoor Police"},
        }
        assert "@" not in resp.content.decode()

        for staff in (chair, social_worker):
            resp = client_for(staff).get(detail(world.conf, "invitations/"))
            rows = resp.json()
            assert {r["id"] for r in rows} == {str(i.public_id) for i in world.invitations}
            mother = next(r for r in rows if r["kind"] == "parent")
            assert mother["agency"] is None and mother["name"] == world.mother.full_name
            # email addresses are never in the output, not even for staff
            assert "@" not in resp.content.decode()
            assert all("email" not in r for r in rows)


    def test_a_withdrawn_invitation_is_not_listed_and_no_longer_gives_access(self, world, chair, police_api):
        services.invitation_withdraw(actor=chair, invitation=world.police_inv, reason="Invited in error")
        assert_error_shape(police_api.get(detail(world.conf, "invitations/")), 404)
        assert police_api.get(LIST).json()["count"] == 0


    # --- reports -----------------------------------------------------------------------------------------

    def test_an_agency_submits_its_report_201_then_resubmits_200(self, world, police, police_api, police_client):
        url = detail(world.conf, "reports/")
        first = post_json(police_api, url, REPORT)
        assert first.status_code == 201, first.content
        body = first.json()
        assert body["agency"] == {"id": str(police.public_id), "name": "Northmoor Police"}
        assert body["via"] == "api" and body["is_social_work_report"] is False
        assert {k: body[k] for k in REPORT} == REPORT
        assert body["author"] == police_client[0].user.full_name
        report = AgencyReport.objects.get()
        assert (report.agency, report.author, report.via, report.invitation) == (
            police, police_client[0].user, "api", world.police_inv)
        # the agency's report deadline is met, on time
        assert Deadline.objects.get(rule_key="conference_reports",
                                    subject_id=world.police_inv.pk).status == "met_on_time"

        again = post_json(police_api, url, {**REPORT, "summary": "Three call-outs now."})
        assert again.status_code == 200, again.content
        assert again.json()["id"] == body["id"]
        report.refresh_from_db()
        assert report.summary == "Three call-outs now."
        assert AgencyReport.objects.count() == 1
        assert report.history.count() == 2
        events = CaseEvent.objects.filter(code="conference.report_submitted").order_by("id")
        assert [e.payload["resubmitted"] for e in events] == [False, True]
        assert all(e.payload["via"] == "api" for e in events)
        # the same text again is still a 200 and changes nothing
        same = post_json(police_api, url, {**REPORT, "summary": "Three call-outs now."})
        assert same.status_code == 200
        assert report.history.count() == 2


    def test_each_agency_sees_only_its_own_report_and_the_chair_sees_all(
        self, world, police, school, police_api, school_api, client_for, chair, social_worker
    ):
        url = detail(world.conf, "reports/")
        assert police_api.get(url).json() == []
        assert post_json(police_api, url, REPORT).status_code == 201
        assert post_json(school_api, url, {"summary": "Attendance 71% this term."}).status_code == 201

        police_rows = police_api.get(url).json()
        assert [r["agency"]["name"] for r in police_rows] == ["Northmoor Police"]
        school_rows = school_api.get(url).json()
        assert [r["agency"]["name"] for r in school_rows] == ["Oakfield Primary School"]
        assert "call-outs" not in school_api.get(url).content.decode()
        for staff in (chair, social_worker):
            rows = client_for(staff).get(url).json()
            assert {r["agency"]["name"] for r in rows} == {"Northmoor Police", "Oakfield Primary School"}


    @pytest.mark.parametrize("data, field", [
        ({}, "summary"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 50_001}, "summary"),
        ({"summary": "ok", "worries": ["not", "text"]}, "worries"),
        ({"summary": "ok", "agency": "not-a-uuid"}, "agency"),
    ])
    def test_bad_input_is_400_with_the_field_named(self, world, police_api, data, field):
        err = assert_error_shape(post_json(police_api, detail(world.conf, "reports/"), data), 400)
        assert err["code"] == "invalid"
        assert field in err["fields"], err
        assert not AgencyReport.objects.exists()


    def test_malformed_json_is_400_in_the_error_shape(self, world, police_api):
        resp = police_api.post(detail(world.conf, "reports/"), "{not json", content_type="application/json")
        assert_error_shape(resp, 400)


    def test_an_api_client_cannot_report_for_another_agency(self, world, school, police_api):
        err = assert_error_shape(post_json(police_api, detail(world.conf, "reports/"),
                                           {"summary": "x", "agency": str(school.public_id)}), 400)
        assert list(err["fields"]) == ["agency"]
        assert not AgencyReport.objects.exists()


    def test_a_report_after_the_due_date_needs_a_reason(self, world, police_api):
        url = detail(world.conf, "reports/")
        with freeze_time("2026-03-19 09:00"):  # due on the 18th
            err = assert_error_shape(post_json(police_api, url, REPORT), 400)
            assert list(err["fields"]) == ["late_reason"]
            assert "18 March 2026" in err["fields"]["late_reason"][0]
            assert not AgencyReport.objects.exists()
            ok = post_json(police_api, url, {**REPORT, "late_reason": "Officer on leave"})
            assert ok.status_code == 201, ok.content
        deadline = Deadline.objects.get(rule_key="conference_reports", subject_id=world.police_inv.pk)
        assert (deadline.status, deadline.late_reason) == ("met_late", "Officer on leave")


    def test_no_report_once_the_conference_is_held(self, world, chair, police_api):
        with freeze_time("2026-03-20 13:00"):
            story.hold(conference=world.conf, chair=chair, held_on=CONFERENCE_DAY)
            err = assert_error_shape(post_json(police_api, detail(world.conf, "reports/"), REPORT), 400)
        assert err["fields"] == {"non_field_errors": ["Reports are taken until the conference is held"]}
        assert not AgencyReport.objects.exists()


    def test_a_social_worker_submits_the_social_work_report_with_their_session(
        self, world, la, social_worker, client_for, police_api
    ):
        api = client_for(social_worker)
        resp = post_json(api, detail(world.conf, "reports/"), {"summary": "Section 47 enquiry findings."})
        assert resp.status_code == 201, resp.content
        body = resp.json()
        assert body["is_social_work_report"] is True
        assert body["agency"]["name"] == "Northmoor Borough Council"
        report = AgencyReport.objects.get()
        assert (report.agency, report.author, report.via) == (la, social_worker, "api")
        # a partner agency does not see the social work report through the API
        assert police_api.get(detail(world.conf, "reports/")).json() == []


    def test_a_practitioner_reports_for_the_agency_they_were_invited_for(self, world, police, health, client_for):
        officer = world.people[police.pk]
        resp = post_json(client_for(officer), detail(world.conf, "reports/"), {"summary": "Known to us."})
        assert resp.status_code == 201, resp.content
        assert resp.json()["agency"]["name"] == "Northmoor Police"

        # someone in two invited agencies says which one reports
        both = make_user(police, Role.PARTNER_PRACTITIONER, full_name="Dual Role")
        Membership.objects.create(user=both, agency=health, roles=[Role.PARTNER_PRACTITIONER])
        api = client_for(both)
        err = assert_error_shape(post_json(api, detail(world.conf, "reports/"), {"summary": "Seen at clinic."}), 400)
        assert list(err["fields"]) == ["agency"]
        assert "Northmoor NHS Trust" in err["fields"]["agency"][0]
        resp = post_json(api, detail(world.conf, "reports/"), {"summary": "Seen at clinic.",
                                                               "agency": str(health.public_id)})
        assert resp.status_code == 201, resp.content
        assert resp.json()["agency"]["name"] == "Northmoor NHS Trust"
        assert set(AgencyReport.objects.values_list("agency__name", flat=True)) == {"Northmoor Police",
                                                                                     "Northmoor NHS Trust"}


    def test_the_chair_does_not_submit_agency_reports(self, world, chair, client_for):
        assert_error_shape(post_json(client_for(chair), detail(world.conf, "reports/"), REPORT), 404)


    # --- authentication ------------------------------------------------------------------------------------


    def test_a_revoked_token_is_401(self, world, police_client, police_api):
        assert police_api.get(LIST).status_code == 200
        api_client_revoke(client=police_client[0], reason="contract ended")
        for resp in (police_api.get(LIST), police_api.get(detail(world.conf)),
                     police_api.get(detail(world.conf, "invitations/")),
                     post_json(police_api, detail(world.conf, "reports/"), REPORT)):
            err = assert_error_shape(resp, 401)
            assert err["code"] == "authentication_failed"
        assert not AgencyReport.objects.exists()


    def test_no_credentials_is_401(self, world, client):
        assert_error_shape(client.get(LIST), 401)
        assert_error_shape(client.get(detail(world.conf, "reports/")), 401)


    # --- documents -----------------------------------------------------------------------------------------

    def test_an_agency_sees_only_the_documents_sent_to_it(self, world, distributed, police_api, school_api, client_for,
                                                          chair):
        resp = police_api.get(detail(world.conf, "documents/"))
        assert resp.status_code == 200
        rows = resp.json()
        doc = distributed.professional
        assert rows == [{
            "id": str(doc.public_id), "kind": "minutes", "copy": "professional", "version": 1,
            "filename": doc.filename, "sha256": hashlib.sha256(bytes(doc.content)).hexdigest(), "size": doc.size,
            "created_at": rows[0]["created_at"],
            "download_url": f"http://testserver{download(world.conf, doc)}",
        }]
        assert timezone.datetime.fromisoformat(rows[0]["created_at"]) == doc.created_at
        # invited but sent nothing
        assert school_api.get(detail(world.conf, "documents/")).json() == []
        # the chair sees every published copy
        assert len(client_for(chair).get(detail(world.conf, "documents/")).json()) == 4


    def test_downloading_the_pdf(self, world, distributed, police_api, police_client):
        doc = distributed.professional
        resp = police_api.get(download(world.conf, doc))
        assert resp.status_code == 200
        assert resp.content == b"%PDF-1.7 test minutes professional v1"
        assert resp["Content-Type"] == "application/pdf"
        assert resp["Content-Disposition"] == f'attachment; filename="{doc.filename}"'
        assert resp["Cache-Control"] == "no-store"
        assert resp["Content-Length"] == str(doc.size)
        event = CaseEvent.objects.get(code="document.downloaded")
        assert event.actor == police_client[0].user
        assert event.payload == {"document": str(doc.public_id), "copy": "professional", "via": "api"}
        # a client that asks for a PDF gets one (not a 406)
        assert police_api.get(download(world.conf, doc), HTTP_ACCEPT="application/pdf").status_code == 200


    def test_documents_not_sent_to_the_agency_are_the_same_404_as_missing_ones(
        self, world, distributed, la, social_worker, chair, police, police_api
    ):
        for doc in (distributed.family, distributed.letter):
            assert_error_shape(police_api.get(download(world.conf, doc)), 404)
        assert_error_shape(police_api.get(download(world.conf, uuid.uuid4())), 404)
        assert_error_shape(police_api.get(download(world.conf, "not-a-uuid")), 404)
        # errors stay JSON even when the client asks for a PDF
        assert_error_shape(police_api.get(download(world.conf, distributed.family), HTTP_ACCEPT="application/pdf"), 404)
        # a document reached through another conference's address
        other = another_conference(la=la, social_worker=social_worker, chair=chair, agency=police)
        assert police_api.get(detail(other)).status_code == 200
        assert_error_shape(police_api.get(download(other, distributed.professional)), 404)
        assert not CaseEvent.objects.filter(code="document.downloaded").exists()


    def test_a_real_published_pdf_downloads_as_issued(self, world, la, social_worker, chair, police, police_api):
        """With the real WeasyPrint renderer: the decision letter published by the service, sent to the
        police, downloaded byte for byte."""
        with freeze_time("2026-03-20 13:00"):
            conf = story.hold(conference=world.conf, chair=chair, held_on=CONFERENCE_DAY)
            story.decide_plan(conference=conf, chair=chair, lead_social_worker=social_worker)
            docs = services.decision_letter_publish(actor=chair, conference=world.conf)
            services.documents_distribute(actor=chair, conference=world.conf, kind="decision_letter",
                                          invitations=[world.police_inv], method="in_app")
            rows = police_api.get(detail(world.conf, "documents/")).json()
            professional = next(d for d in docs if d.copy == "professional")
            assert [r["id"] for r in rows] == [str(professional.public_id)]
            resp = police_api.get(rows[0]["download_url"])
        assert resp.status_code == 200
        assert resp.content.startswith(b"%PDF-")
        assert hashlib.sha256(resp.content).hexdigest() == rows[0]["sha256"] == professional.sha256
        assert len(resp.content) == rows[0]["size"]

    @pytest.mark.parametrize("suffix", ["invitations/", "reports/", "documents/"])
    def test_each_sub_list_costs_the_same_for_2_and_10_rows(self, world, chair, client_for, suffix):
        api = client_for(chair)
        made = []

        def grow(n):
            for _ in range(n):
                agency = SchoolFactory()
                person = make_user(agency, Role.PARTNER_PRACTITIONER)
                services.invitation_add(actor=chair, conference=world.conf, kind="professional", name=person.full_name,
                                        user_id=person.pk, agency_id=agency.pk)
                services.report_submit(actor=person, conference=world.conf, agency=agency, summary="Known to us")
                made.append(store_document(world.conf, kind="minutes", copy="professional", version=len(made) + 1,
                                           actor=chair))

        assert_flat(lambda: api.get(detail(world.conf, suffix)), grow)
        assert len(api.get(detail(world.conf, suffix)).json()) >= 10


# --- query counts ------------------------------------------------------------------------------------------


def count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:500]
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def assert_flat(fn, grow, *, few=2, many=10):
    grow(few)
    fn()  # warm caches (content types)
    small, small_sql = count_queries(fn)
    grow(many - few)
    large, large_sql = count_queries(fn)
    assert large == small, "query count grew with the rows:\n" + "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 25, "\n".join(small_sql)


def test_the_conference_list_costs_the_same_for_2_and_10_conferences(la, chair, police, police_api, team):
    made = []

    def grow(n):
        for _ in range(n):
            sw = make_user(la, Role.SOCIAL_WORKER, team=team)
            day = date(2026, 3, 16 + len(made) % 5) if len(made) % 2 else None  # half booked, half requested
            made.append(another_conference(la=la, social_worker=sw, chair=make_user(la, Role.CONFERENCE_CHAIR),
                                           agency=police, day=day))

    assert_flat(lambda: police_api.get(LIST), grow)
    body = police_api.get(LIST).json()
    assert body["count"] == 10
    assert sum(1 for r in body["results"] if r["chair"]) == 5 and all(r["due_date"] for r in body["results"])


def test_the_list_with_review_conferences_costs_the_same_for_2_and_10(la, chair, client_for):
    """A review conference's due date is its plan's review deadline: a second batch query."""

    def grow(n):
        for _ in range(n):
            sw = make_user(la, Role.SOCIAL_WORKER)
            child = ChildFactory(local_authority=la, allocated_social_worker=sw, date_of_birth=date(2015, 2, 2))
            first = story.request_icpc(child=child, social_worker=sw, strategy_discussion_date=date(2026, 3, 2))
            first = story.book(conference=first, chair=make_user(la, Role.CONFERENCE_CHAIR), actor=chair,
                               day=date(2026, 3, 6))
            with freeze_time("2026-03-06 13:00"):
                first = story.hold(conference=first, chair=first.chair, held_on=date(2026, 3, 6),
                                   quorum_override_reason="Test: nobody invited")
                story.decide_plan(conference=first, chair=first.chair, lead_social_worker=sw)
                first.refresh_from_db()
                services.conference_request(actor=sw, child=child, kind="review", plan=first.plan)

    api = client_for(chair)
    assert_flat(lambda: api.get(LIST, {"kind": "review"}), grow)
    rows = api.get(LIST, {"kind": "review"}).json()["results"]
    assert len(rows) == 10 and all(r["due_date"] for r in rows)


# --- the schema --------------------------------------------------------------------------------------------

PATHS = {
    "/api/v1/conferences/": {"get"},
    "/api/v1/conferences/{public_id}/": {"get"},
    "/api/v1/conferences/{public_id}/invitations/": {"get"},
    "/api/v1/conferences/{public_id}/reports/": {"get", "post"},
    "/api/v1/conferences/{public_id}/documents/": {"get"},
    "/api/v1/conferences/{public_id}/documents/{document_id}/download/": {"get"},
}


def test_the_schema_has_every_conference_path_documented_and_generates_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    problems = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "onference" in m]
    assert problems == []
    validate_schema(schema)
    paths = {p: set(ops) - {"parameters"} for p, ops in schema["paths"].items() if "/conferences" in p}
    assert paths == PATHS
    for path, methods in PATHS.items():
        for method in methods:
            op = schema["paths"][path][method]
            assert op["summary"] and op.get("description"), (path, method)
            ok = op["responses"]["200" if "200" in op["responses"] else "201"]
            media = next(iter(ok["content"].values()))
            if path.endswith("/download/"):
                assert set(ok["content"]) == {"application/pdf"}
                assert media["schema"] == {"type": "string", "format": "binary"}
            else:
                assert media.get("examples"), (path, method)
            if path != "/api/v1/conferences/":
                assert "404" in op["responses"], (path, method)
    post = schema["paths"]["/api/v1/conferences/{public_id}/reports/"]["post"]
    assert {"200", "201", "400", "404"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["examples"]
    params = {p["name"] for p in schema["paths"]["/api/v1/conferences/"]["get"]["parameters"]}
    assert {"status", "kind", "child", "starts_after", "starts_before", "page", "page_size"} <= params
    # the sub-lists are plain lists, without the list's filters
    for path in ("/api/v1/conferences/{public_id}/invitations/", "/api/v1/conferences/{public_id}/documents/"):
        assert {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])} == {"public_id"}
    # no email address in any output
    components = schema["components"]["schemas"]
    for name in ("ConferenceOutput", "InvitationOutput", "ReportOutput", "DocumentOutput"):
        assert "email" not in components[name]["properties"], name


def test_the_schema_is_served(client):
    resp = client.get("/api/v1/schema/")
    assert resp.status_code == 200
    assert b"/api/v1/conferences/{public_id}/reports/" in resp.content


def test_an_api_address_that_matches_no_route_answers_in_the_error_shape(client):
    response = client.get("/api/v1/conferences/00000000-0000-4000-8000-000000000000/nonsense/")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}}
