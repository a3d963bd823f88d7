"""Pages for holding and recording a conference: the live record and its autosave endpoint, scaling,
holding, the decision, minutes (edit, preview, sign, new version), documents, download and
distribution, and the plan with its core group, actions and mid-way audits.

The story: a strategy discussion on Monday 2 March 2026 starts a section 47 enquiry; the initial
conference is booked for Friday 20 March and held that day by Chris Chair, with a minute-taker (a
social worker from another team). Pages are driven through the Django test client; every HTML page
goes through the no-inline-script checker.

The tests are grouped by the state the conference is in (booked, held, decided, published, under review),
one class each. Each class builds its world once, through the real services (``booked_world`` ...
``review_world`` below), and rolls it back after its last test; each test runs in a savepoint of it and
reads the conference afresh (``booked``, ``w``, ``held``, ... below), so what one test changes no other
test sees.
"""

from __future__ import annotations

import json
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import Adult
from conferences import services
from conferences.models import (
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    ConferenceRecord,
    CoreGroupMeeting,
    Distribution,
    Document,
    Invitation,
    MidwayAudit,
    Minutes,
    PlanAction,
    ScalingScore,
)
from safeguarding.accounts.models import Role
from safeguarding.clock import rules
from safeguarding.clock.models import Deadline
from safeguarding.clock.services import compute_due
from tests.conferences import story
from tests.factories import (
    AgencyFactory,
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)
from tests.factories.worlds import built
from tests.pages.conftest import check_html

# The tests of a class share its world: kept on one xdist worker, so that each world is built once a run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("conference_pages_record")]

STRATEGY_DAY = date(2026, 3, 2)
CONFERENCE_DAY = date(2026, 3, 20)
ON_THE_DAY = "2026-03-20 13:00"  # time stands still at 1pm on the day of the conference
REVIEW_DAY = date(2026, 6, 10)


# --- the worlds -----------------------------------------------------------------------------------------
def _cast() -> SimpleNamespace:
    """Northmoor's agencies and the people of the story: those of tests/conftest.py's fixtures, by the
    same names, and the minute-taker (a social worker from another team: no access to the child's record
    of their own), another chair, and a partner practitioner of an agency that was not invited."""
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    team = TeamFactory(agency=la, name="Assessment Team A")
    other_team = TeamFactory(agency=la, name="Child in Need Team B")
    police = PoliceFactory(name="Northmoor Police")
    cast = SimpleNamespace(
        la=la, team=team, police=police, health=HealthFactory(name="Northmoor NHS Trust"),
        school=SchoolFactory(name="Oakfield Primary School"),
        social_worker=make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker",
                                email="sam.worker@example.org"),
        chair=make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        minute_taker=make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other"),
        colleague=make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        team_manager=make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        other_chair=make_user(la, Role.CONFERENCE_CHAIR, full_name="Olive Otherchair"),
        police_officer=make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        outsider=make_user(AgencyFactory(name="Riverside Housing Association"), Role.PARTNER_PRACTITIONER,
                           full_name="Uma Uninvited"),
    )
    people = (cast.social_worker, cast.chair, cast.minute_taker, cast.colleague, cast.team_manager, cast.other_chair,
              cast.police_officer, cast.outsider)
    cast.sessions = {person.pk: _signed_in(person) for person in people}
    return cast


def _signed_in(user) -> str:
    """The key of a session signed in as ``user`` (as Django's login view makes one)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def booked_world() -> SimpleNamespace:
    """Requested on the day of the strategy discussion, booked for the 20th, everyone invited."""
    cast = _cast()
    with freeze_time("2026-03-02 09:00"):
        child, mother, people = story.child_with_family(
            la=cast.la, social_worker=cast.social_worker, team=cast.team, police=cast.police, health=cast.health,
            school=cast.school, legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=date(2019, 5, 4))
        conf = story.request_icpc(child=child, social_worker=cast.social_worker, strategy_discussion_date=STRATEGY_DAY)
        conf = services.conference_schedule(
            actor=cast.chair, conference=conf, chair=cast.chair, starts_at=story.at(CONFERENCE_DAY),
            ends_at=story.at(CONFERENCE_DAY, 12), venue="Northmoor Civic Centre", minute_taker=cast.minute_taker)
        story.invite_everyone(conference=conf, actor=cast.chair)
    return SimpleNamespace(cast=cast, conf_pk=conf.pk, mother_pk=mother.pk, people=people, review_pk=None)


def held_world() -> SimpleNamespace:
    """Booked, then held on the 20th (everyone attended)."""
    world = booked_world()
    with freeze_time(ON_THE_DAY):
        story.hold(conference=Conference.objects.get(pk=world.conf_pk), chair=world.cast.chair,
                   held_on=CONFERENCE_DAY)
    return world


def decided_world() -> SimpleNamespace:
    """Held, then decided: a plan (neglect) led by Sam Worker, the minutes drafted."""
    world = held_world()
    with freeze_time(ON_THE_DAY):
        story.decide_plan(conference=Conference.objects.get(pk=world.conf_pk), chair=world.cast.chair,
                          lead_social_worker=world.cast.social_worker)
    return world


def published_world() -> SimpleNamespace:
    """Decided, the minutes signed (both copies published) and the decision letter published."""
    world = decided_world()
    conf = Conference.objects.get(pk=world.conf_pk)
    with freeze_time(ON_THE_DAY):
        services.minutes_sign(actor=world.cast.chair, minutes=conf.minutes.get())
        services.decision_letter_publish(actor=world.cast.chair, conference=conf)
    return world


def review_world() -> SimpleNamespace:
    """Decided, then a review conference for the plan, requested on 1 May, held on 10 June 2026."""
    world = decided_world()
    chair, plan = world.cast.chair, Conference.objects.get(pk=world.conf_pk).plan
    with freeze_time("2026-05-01 09:00"):
        conf = services.conference_request(actor=world.cast.social_worker, child=plan.child, kind="review",
                                           plan=plan)
        conf = story.book(conference=conf, chair=chair, actor=chair, day=REVIEW_DAY)
        story.invite_everyone(conference=conf, actor=chair)
    with freeze_time("2026-06-10 13:00"):
        story.hold(conference=conf, chair=chair, held_on=REVIEW_DAY)
    world.review_pk = conf.pk
    return world


def _state(world) -> SimpleNamespace:
    """The class's conference as a test finds it, read afresh (a test may change the objects it is given)."""
    conf = Conference.objects.select_related("child").get(pk=world.conf_pk)
    state = SimpleNamespace(
        child=conf.child, mother=Adult.objects.get(pk=world.mother_pk), people=world.people, conf=conf,
        invitations={i.name: i for i in conf.invitations.all()},
        mother_inv=conf.invitations.get(kind=Invitation.InviteeKind.PARENT),
        police_inv=conf.invitations.get(agency=world.cast.police))
    if conf.plan_id is not None:
        state.plan = conf.plan
        state.minutes = conf.minutes.get()
    return state


# Each class below has a fixture ``world`` (class-scoped): one of the worlds above. The fixtures that follow
# read it; their names say the state a test expects the class's world to be in.
@pytest.fixture
def booked(world):
    return _state(world)


@pytest.fixture
def w(world):
    """The world on the day of the conference (time stands still at 1pm on the 20th)."""
    with freeze_time(ON_THE_DAY):
        yield _state(world)


@pytest.fixture
def held(world):
    with freeze_time(ON_THE_DAY):
        yield _state(world)


@pytest.fixture
def decided(world):
    with freeze_time(ON_THE_DAY):
        yield _state(world)


@pytest.fixture
def published(world):
    with freeze_time(ON_THE_DAY):
        yield _state(world)


@pytest.fixture
def review(world):
    """The review conference and the plan it reviews (time stands still at 1pm on 10 June)."""
    with freeze_time("2026-06-10 13:00"):
        yield SimpleNamespace(conf=Conference.objects.get(pk=world.review_pk),
                              plan=Conference.objects.get(pk=world.conf_pk).plan)


@pytest.fixture
def client_for(world, db):
    """client_for(user) -> a Django test client signed in as ``user``: with the session made for them when the
    class's world was built (each test's changes to it are rolled back with the test), instead of signing in
    again for each client (a login is some twenty statements); anyone else signs in as usual."""

    def make(user):
        client = Client()
        session = world.cast.sessions.get(user.pk)
        if session is None:
            client.force_login(user)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        return client

    return make


# The people of the story, as the class's world has them.
@pytest.fixture
def chair(world):
    return world.cast.chair


@pytest.fixture
def social_worker(world):
    return world.cast.social_worker


@pytest.fixture
def colleague(world):
    """Another social worker in the same team."""
    return world.cast.colleague


@pytest.fixture
def minute_taker(world):
    """A social worker from another team: no access to the child's record of their own."""
    return world.cast.minute_taker


@pytest.fixture
def team_manager(world):
    return world.cast.team_manager


@pytest.fixture
def other_chair(world):
    return world.cast.other_chair


@pytest.fixture
def police_officer(world):
    return world.cast.police_officer


@pytest.fixture
def outsider(world):
    """A partner practitioner of an agency that was not invited."""
    return world.cast.outsider


@pytest.fixture
def people(chair, minute_taker, other_chair, social_worker, team_manager, police_officer, outsider):
    return {"chair": chair, "minute_taker": minute_taker, "other_chair": other_chair,
            "social_worker": social_worker, "team_manager": team_manager, "police_officer": police_officer,
            "outsider": outsider}


@pytest.fixture
def page(client_for):
    """page(user) -> a client whose HTML answers are checked for inline script."""

    class Checked:
        def __init__(self, user):
            self.c = client_for(user)

        def get(self, *a, **kw):
            resp = self.c.get(*a, **kw)
            check_html(resp)
            return resp

        def post(self, *a, **kw):
            resp = self.c.post(*a, **kw)
            check_html(resp)
            return resp

    return Checked


def url(name, obj, **extra):
    from django.urls import reverse

    return reverse(f"conferences:{name}", kwargs={"public_id": obj.public_id, **extra})


def date_parts(name, d):
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def text_of(resp) -> str:
    html = resp.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csrf_from(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def query_count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def save(client, conf, **payload):
    return client.post(url("record_save", conf), data=json.dumps(payload), content_type="application/json")


def record_post(conf, **texts):
    """The no-JavaScript form as the page shows it now, with ``texts`` typed into it."""
    from conferences.forms_record import RecordForm

    record = ConferenceRecord.objects.get(conference=conf)
    data = RecordForm.initial_for({n: getattr(record, n) for n in ConferenceRecord.section_names()},
                                  record.revisions)
    data.update(texts)
    return {k: str(v) for k, v in data.items()}


def decision_data(**extra):
    data = {"action_rows": "3"}
    data.update(extra)
    return data


def action(i, description, owner, due):
    return {f"action_{i}_description": description, f"action_{i}_owner": owner,
            **date_parts(f"action_{i}_due", due)}


def minutes_post(minutes, **changes):
    """The editor's form for ``minutes``, with section bodies changed by key and ``confidential_keys``."""
    confidential = changes.pop("confidential_keys", None)
    data = {}
    for i, s in enumerate(minutes.sections):
        data[f"body_{i}"] = changes.get(s["key"], s["body"])
        is_conf = s["key"] in confidential if confidential is not None else s["confidential"]
        if is_conf:
            data[f"confidential_{i}"] = "on"
    return data


def distribute(client, conf, kind, invitations, method="secure_email", **extra):
    return client.post(url("distribute", conf), {
        "kind": kind, "recipients": [str(i.public_id) for i in invitations], "method": method,
        **date_parts("sent_on", CONFERENCE_DAY), **extra})


# --- who may open each page -----------------------------------------------------------------------------
CONFERENCE_PAGES = {
    # page: the people who may open it (everyone else gets the same 404 as for a missing conference)
    "record": {"chair", "minute_taker"},
    "scaling": {"chair", "minute_taker"},
    "hold": {"chair"},
    "decision": {"chair"},
    "minutes": {"chair", "minute_taker"},
    "minutes_preview": {"chair", "minute_taker"},
    "minutes_sign": {"chair"},
    "minutes_revise": {"chair"},
    "decision_letter_publish": {"chair"},
    # the conference service (chairs and administrators of the local authority) distributes documents
    "distribute": {"chair", "other_chair"},
    # everyone who sees the conference; which documents they see is the document policy's business
    "documents": {"chair", "minute_taker", "other_chair", "social_worker", "team_manager", "police_officer"},
}
PLAN_PAGES = {
    "plan": {"chair", "other_chair", "social_worker", "team_manager"},
    "core_group_new": {"chair", "social_worker", "team_manager"},
    "core_group_member_new": {"chair", "social_worker", "team_manager"},
    "plan_action_new": {"chair", "social_worker", "team_manager"},
    "plan_action_update": {"chair", "social_worker", "team_manager"},
    "midway_audit_new": {"chair"},
}


def test_every_section_belongs_to_one_group():
    from conferences.forms_record import RECORD_GROUPS

    grouped = [n for _, names, _ in RECORD_GROUPS for n in names]
    assert sorted(grouped) == sorted(ConferenceRecord.section_names())


class TestBooked:
    """Booked on 2 March for the 20th, everyone invited (the clock is not frozen)."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(booked_world, django_db_blocker)

    def test_hold_asks_why_when_held_after_the_due_date(self, booked, chair, page):
        with freeze_time("2026-03-27 10:00"):  # a week after the due date (the 23rd)
            story.all_professionals_attend(conference=booked.conf, actor=chair)
            resp = page(chair).get(url("hold", booked.conf))
            assert 'name="late_reason"' in resp.content.decode()
            late_day = date(2026, 3, 26)
            resp = page(chair).post(url("hold", booked.conf), date_parts("held_on", late_day))
            assert resp.status_code == 200
            assert "say why it was late" in resp.content.decode()
            resp = page(chair).post(url("hold", booked.conf), {**date_parts("held_on", late_day),
                                                               "late_reason": "Chair unwell on the 20th"})
            assert resp.status_code == 302
        d = Deadline.objects.get(rule_key="icpc")
        assert d.status == Deadline.Status.MET_LATE and d.late_reason == "Chair unwell on the 20th"


class TestOnTheDay:
    """On the day of the conference (1pm on the 20th), before it is held: the live record, scaling and holding it."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(booked_world, django_db_blocker)

    def test_record_page_has_every_section_with_its_revision(self, w, chair, page):
        services.record_save_section(actor=chair, conference=w.conf, section="harm", text="Bruising seen",
                                     base_revision=0)
        resp = page(chair).get(url("record", w.conf))
        assert resp.status_code == 200
        html = resp.content.decode()
        for name in ConferenceRecord.section_names():
            assert re.search(rf'<textarea[^>]+data-section="{name}"', html), name
            assert f'id="status-{name}" aria-live="polite"' in html
        assert re.search(r'data-section="harm" data-revision="1"', html)
        assert re.search(r'data-section="child_voice" data-revision="0"', html)
        assert "Bruising seen" in html
        text = text_of(resp)
        for heading in ("The child's voice", "Parents' and carers' views", "What we are worried about",
                        "What is working well", "What needs to happen", "Professional dissent",
                        "Confidential and third-party information"):
            assert heading in text.replace("&#x27;", "'")
        assert "left out of the family copy" in text
        assert 'src="/static/js/record-autosave.js"' in html
        assert f'data-autosave-url="{url("record_save", w.conf)}"' in html
        assert "Save record" in text
        assert url("attendance", w.conf) in html and url("hold", w.conf) in html

    def test_autosave_saves_and_counts_revisions(self, w, chair, minute_taker, client_for):
        c = client_for(minute_taker)
        resp = save(c, w.conf, section="child_voice", text="Amelia says she likes school", base_revision=0)
        assert resp.status_code == 200, resp.content
        assert resp.json()["revision"] == 1 and resp["Cache-Control"] == "no-store"
        resp = save(client_for(chair), w.conf, section="child_voice", text="Amelia says she likes school a lot",
                    base_revision=1)
        assert resp.json()["revision"] == 2
        record = ConferenceRecord.objects.get(conference=w.conf)
        assert record.child_voice == "Amelia says she likes school a lot"
        assert record.revisions == {"child_voice": 2}
        assert record.updated_by == chair

    def test_autosave_refuses_a_stale_revision_and_overwrites_nothing(self, w, chair, minute_taker, client_for):
        assert save(client_for(chair), w.conf, section="harm", text="Chair's words", base_revision=0).status_code == 200
        resp = save(client_for(minute_taker), w.conf, section="harm", text="Minute-taker's words", base_revision=0)
        assert resp.status_code == 409
        body = resp.json()
        assert body["text"] == "Chair's words" and body["revision"] == 1 and body["error"]
        assert ConferenceRecord.objects.get(conference=w.conf).harm == "Chair's words"
        # saving again from their revision is a knowing overwrite
        resp = save(client_for(minute_taker), w.conf, section="harm", text="Both: chair's and mine", base_revision=1)
        assert resp.status_code == 200 and resp.json()["revision"] == 2

    @pytest.mark.parametrize("payload, field", [
        ({"section": "not_a_section", "text": "x", "base_revision": 0}, "section"),
        ({"section": "harm", "text": "x"}, "base_revision"),
        ({"section": "harm", "text": "x", "base_revision": "two"}, "base_revision"),
        ({"section": "harm", "base_revision": 0}, "text"),
    ])
    def test_autosave_rejects_what_is_not_valid(self, w, chair, client_for, payload, field):
        resp = save(client_for(chair), w.conf, **payload)
        assert resp.status_code == 400
        assert field in resp.json()["errors"]
        assert ConferenceRecord.objects.get(conference=w.conf).revisions == {}

    def test_autosave_rejects_malformed_json_and_non_text(self, w, chair, client_for):
        c = client_for(chair)
        assert c.post(url("record_save", w.conf), data="{not json", content_type="application/json").status_code == 400
        assert save(c, w.conf, section="harm", text=["a"], base_revision=0).status_code == 400

    def test_autosave_takes_a_form_post_too(self, w, chair, client_for):
        resp = client_for(chair).post(url("record_save", w.conf), {"section": "working_well", "text": "Nursery daily",
                                                                   "base_revision": "0"})
        assert resp.status_code == 200
        assert ConferenceRecord.objects.get(conference=w.conf).working_well == "Nursery daily"

    def test_autosave_is_404_for_people_who_may_not_record(self, w, people, client_for):
        for who in ("other_chair", "social_worker", "team_manager", "police_officer", "outsider"):
            resp = save(client_for(people[who]), w.conf, section="harm", text="Not mine to write", base_revision=0)
            assert resp.status_code == 404, who
            assert resp.json() == {"error": "Not found"}
        assert ConferenceRecord.objects.get(conference=w.conf).harm == ""

    def test_autosave_is_post_only(self, w, chair, client_for):
        assert client_for(chair).get(url("record_save", w.conf)).status_code == 405

    def test_autosave_enforces_csrf(self, w, chair):
        c = Client(enforce_csrf_checks=True)
        c.force_login(chair)
        resp = save(c, w.conf, section="harm", text="No token", base_revision=0)
        assert resp.status_code == 403
        assert ConferenceRecord.objects.get(conference=w.conf).harm == ""
        token = csrf_from(c.get(url("record", w.conf)).content.decode())
        resp = c.post(url("record_save", w.conf), data=json.dumps({"section": "harm", "text": "With the form's token",
                                                                   "base_revision": 0}),
                      content_type="application/json", headers={"X-CSRFToken": token})
        assert resp.status_code == 200
        assert ConferenceRecord.objects.get(conference=w.conf).harm == "With the form's token"

    def test_record_saves_without_javascript(self, w, minute_taker, page):
        data = record_post(w.conf, harm="Bruising to the arm\r\nseen at school", safety_goals="Safe bedtimes",
                           confidential_information="Neighbour's report")
        resp = page(minute_taker).post(url("record", w.conf), data)
        assert resp.status_code == 302 and resp["Location"] == url("record", w.conf)
        record = ConferenceRecord.objects.get(conference=w.conf)
        assert record.harm == "Bruising to the arm\nseen at school"  # one kind of line ending, whoever saved it
        assert record.safety_goals == "Safe bedtimes" and record.confidential_information == "Neighbour's report"
        assert record.revisions == {"harm": 1, "safety_goals": 1, "confidential_information": 1}
        # posting the same again changes nothing
        assert page(minute_taker).post(url("record", w.conf), record_post(w.conf)).status_code == 302
        assert ConferenceRecord.objects.get(conference=w.conf).revisions == record.revisions

    def test_record_without_javascript_shows_a_conflict_and_keeps_both_texts(self, w, chair, minute_taker, page):
        data = record_post(w.conf)  # the minute-taker opened the page at revision 0 everywhere
        services.record_save_section(actor=chair, conference=w.conf, section="harm", text="The chair's version",
                                     base_revision=0)
        data.update(harm="The minute-taker's version", working_well="Grandmother helps")
        resp = page(minute_taker).post(url("record", w.conf), data)
        assert resp.status_code == 200
        html = resp.content.decode()
        assert "There is a problem" in html and "Someone else saved" in html
        assert "The chair&#x27;s version" in html  # theirs, shown beside the box
        assert re.search(r'data-section="harm" data-revision="1"[^>]*>\s*The minute-taker&#x27;s version</textarea>',
                         html)  # ours, still in the box, now based on their revision
        record = ConferenceRecord.objects.get(conference=w.conf)
        assert record.harm == "The chair's version"
        assert record.working_well == "Grandmother helps"  # the other sections were saved

    def test_record_without_javascript_leaves_alone_what_was_not_changed_on_the_page(self, w, chair, minute_taker,
                                                                                     page):
        data = record_post(w.conf)  # opened at revision 0 everywhere
        services.record_save_section(actor=chair, conference=w.conf, section="harm", text="The chair's version",
                                     base_revision=0)
        data.update(working_well="Grandmother helps")  # the minute-taker wrote only here
        resp = page(minute_taker).post(url("record", w.conf), data)
        assert resp.status_code == 302  # no conflict: the harm section was not touched on this page
        record = ConferenceRecord.objects.get(conference=w.conf)
        assert (record.harm, record.working_well) == ("The chair's version", "Grandmother helps")
        assert record.revisions == {"harm": 1, "working_well": 1}

    def test_scaling_score_from_an_invitee_and_from_someone_else(self, w, minute_taker, page):
        resp = page(minute_taker).post(url("scaling", w.conf), {
            "scaling-invitation": str(w.police_inv.public_id), "scaling-score": "4",
            "scaling-reason": "Injuries unexplained"})
        assert resp.status_code == 302 and resp["Location"].endswith("#scaling")
        resp = page(minute_taker).post(url("scaling", w.conf), {"scaling-participant": "Grandmother",
                                                                "scaling-score": "7"})
        assert resp.status_code == 302
        scores = list(ScalingScore.objects.filter(conference=w.conf).order_by("pk"))
        assert [(s.participant, s.score, s.invitation_id) for s in scores] == [
            (w.police_inv.name, 4, w.police_inv.pk), ("Grandmother", 7, None)]
        text = text_of(page(minute_taker).get(url("record", w.conf)))
        assert "Injuries unexplained" in text and "Grandmother" in text

    @pytest.mark.parametrize("data, message", [
        ({"scaling-participant": "Gran", "scaling-score": "11"}, "The score must be 10 or less"),
        ({"scaling-participant": "Gran", "scaling-score": ""}, "Enter a score from 0 to 10"),
        ({"scaling-score": "5"}, "Choose who gave the score, or enter their name"),
    ])
    def test_scaling_errors_are_shown(self, w, chair, page, data, message):
        resp = page(chair).post(url("scaling", w.conf), data)
        assert resp.status_code == 200
        assert message in resp.content.decode()
        assert not ScalingScore.objects.exists()

    def test_hold_a_quorate_conference(self, w, chair, page):
        story.all_professionals_attend(conference=w.conf, actor=chair)
        resp = page(chair).get(url("hold", w.conf))
        assert resp.status_code == 200
        text = text_of(resp)
        assert "Quorate: children's social care and" in text.replace("&#x27;", "'")
        assert "quorum_override_reason" not in resp.content.decode()
        resp = page(chair).post(url("hold", w.conf), date_parts("held_on", CONFERENCE_DAY))
        assert resp.status_code == 302 and resp["Location"] == url("decision", w.conf)
        w.conf.refresh_from_db()
        assert (w.conf.status, w.conf.held_on, w.conf.quorate) == ("held", CONFERENCE_DAY, True)
        assert Deadline.objects.get(rule_key="icpc").status == Deadline.Status.MET_ON_TIME

    def test_hold_without_a_quorum_needs_the_chairs_reason(self, w, chair, page):
        resp = page(chair).get(url("hold", w.conf))
        assert "Not quorate" in text_of(resp)
        assert 'name="quorum_override_reason"' in resp.content.decode()
        resp = page(chair).post(url("hold", w.conf), {**date_parts("held_on", CONFERENCE_DAY),
                                                      "quorum_override_reason": ""})
        assert resp.status_code == 200
        assert "Record why the conference went ahead" in resp.content.decode()
        assert Conference.objects.get(pk=w.conf.pk).status == "scheduled"
        resp = page(chair).post(url("hold", w.conf), {
            **date_parts("held_on", CONFERENCE_DAY), "quorum_override_reason": "Police delayed; risk too high to wait"})
        assert resp.status_code == 302
        conf = Conference.objects.get(pk=w.conf.pk)
        assert conf.quorate is False and conf.quorum_override_reason == "Police delayed; risk too high to wait"

    def test_decision_page_before_the_conference_is_held(self, w, chair, page):
        resp = page(chair).get(url("decision", w.conf))
        assert resp.status_code == 200
        assert "Record that the conference was held before recording its decision" in text_of(resp)
        assert 'name="outcome"' not in resp.content.decode()


class TestHeld:
    """Held on the 20th, not yet decided: the decision, and what waits for it."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(held_world, django_db_blocker)

    def test_hold_page_after_holding_says_so(self, held, chair, page):
        resp = page(chair).get(url("hold", held.conf))
        assert "recorded as held on 20 March 2026" in text_of(resp)
        resp = page(chair).post(url("hold", held.conf), date_parts("held_on", CONFERENCE_DAY))
        assert resp.status_code == 302  # nothing changed, said so

    def test_decision_page_lists_the_deadlines_the_decision_opens(self, held, chair, social_worker, colleague, page):
        resp = page(chair).get(url("decision", held.conf))
        assert resp.status_code == 200
        text = text_of(resp)
        for key in ("outline_plan", "core_group_first", "conference_minutes", "rcpc_first"):
            due = compute_due(key, CONFERENCE_DAY)
            assert f"{rules.get(key).description}: due by {due:%-d %B %Y}" in text
        assert "First review conference: due by 19 June 2026" in text  # 20 June is a Saturday
        html = resp.content.decode()
        for code in ("NEG", "PHY", "EMO", "SAB", "MUL"):
            assert f'value="{code}"' in html
        assert "Neglect (NEG)" in text
        assert html.count('name="action_') >= 3 * 5  # three rows of description, owner, day, month, year
        # the mother and the professionals in direct contact are proposed for the core group
        assert re.search(rf'value="{held.mother_inv.public_id}" checked', html)
        # the lead social worker: the local authority's social workers, the allocated one first choice
        assert f'<option value="{social_worker.public_id}" selected>' in html
        assert f'<option value="{colleague.public_id}">' in html
        assert f'value="{chair.public_id}"' not in html

    def test_decision_plan(self, held, chair, social_worker, page):
        h = held
        health_inv = h.conf.invitations.get(agency__name="Northmoor NHS Trust")
        data = decision_data(outcome="plan", category="EMO", lead_social_worker=str(social_worker.public_id),
                             core_group=[str(h.mother_inv.public_id), str(health_inv.public_id)],
                             rationale="Risk of emotional harm from parental conflict",
                             **action(0, "Parenting assessment", "Sam Worker", date(2026, 4, 30)),
                             **action(2, "Health visitor to visit weekly", "Health visitor", date(2026, 4, 3)))
        resp = page(chair).post(url("decision", h.conf), data)
        assert resp.status_code == 302, resp.content.decode()
        conf = Conference.objects.get(pk=h.conf.pk)
        plan = conf.plan
        assert conf.status == "decided" and conf.decision.outcome == "plan"
        assert (plan.initial_category, plan.latest_category, plan.lead_social_worker) == ("EMO", "EMO", social_worker)
        assert sorted(a.description for a in plan.actions.all()) == ["Health visitor to visit weekly",
                                                                     "Parenting assessment"]
        members = {m.name: m for m in plan.core_group.all()}
        assert set(members) == {social_worker.full_name, h.mother_inv.name, health_inv.name}
        assert members[social_worker.full_name].role == "Lead social worker"
        assert members[h.mother_inv.name].adult_id == h.mother.pk
        opened = set(Deadline.objects.filter(status="open").values_list("rule_key", flat=True))
        assert {"outline_plan", "conference_minutes", "core_group_first", "rcpc_first"} <= opened
        # the decision page now shows what was decided and what to do next
        text = text_of(page(chair).get(url("decision", h.conf)))
        assert "Emotional abuse (EMO)" in text and "Publish the decision letter" in text

    def test_decision_no_plan(self, held, chair, page):
        resp = page(chair).post(url("decision", held.conf), decision_data(outcome="no_plan", next_step="cin_plan"))
        assert resp.status_code == 302
        conf = Conference.objects.get(pk=held.conf.pk)
        assert (conf.decision.outcome, conf.decision.next_step, conf.plan) == ("no_plan", "cin_plan", None)
        assert not ChildProtectionPlan.objects.exists()

    def test_decision_errors_are_shown_and_nothing_is_decided(self, held, chair, page):
        resp = page(chair).post(url("decision", held.conf), decision_data(
            outcome="plan", **action(1, "Parenting assessment", "", date(2026, 4, 30))))
        assert resp.status_code == 200
        html = resp.content.decode()
        assert "There is a problem" in html
        assert "Action 2: enter who will do it" in html
        resp = page(chair).post(url("decision", held.conf), decision_data(outcome="plan"))
        html = resp.content.decode()
        for message in ("Choose the category of abuse or neglect", "Choose the lead social worker",
                        "Add at least one action to the outline plan"):
            assert message in html
        resp = page(chair).post(url("decision", held.conf), decision_data())
        assert "Choose what the conference decided" in resp.content.decode()
        resp = page(chair).post(url("decision", held.conf), decision_data(outcome="no_plan"))
        assert "Choose the next step" in resp.content.decode()
        assert Conference.objects.get(pk=held.conf.pk).status == "held"
        assert not ChildProtectionPlan.objects.exists()

    def test_decision_add_another_action_keeps_what_was_entered(self, held, chair, page):
        resp = page(chair).post(url("decision", held.conf), decision_data(
            outcome="plan", add_action="1", **action(0, "Parenting assessment", "Sam Worker", date(2026, 4, 30))))
        assert resp.status_code == 200
        html = resp.content.decode()
        assert 'name="action_3_description"' in html and 'name="action_4_description"' not in html
        assert 'name="action_rows" value="4"' in html
        assert "Parenting assessment" in html
        assert "There is a problem" not in html  # another row, not a submission
        assert Conference.objects.get(pk=held.conf.pk).status == "held"

    def test_minutes_pages_before_the_decision(self, held, chair, page):
        assert "drafted from the record when the decision is recorded" in text_of(
            page(chair).get(url("minutes", held.conf)))
        assert page(chair).get(url("minutes_preview", held.conf)).status_code == 404
        assert "no minutes to sign off yet" in text_of(page(chair).get(url("minutes_sign", held.conf)))

    def test_decision_letter_before_the_decision(self, held, chair, page):
        resp = page(chair).post(url("decision_letter_publish", held.conf))
        assert resp.status_code == 302
        assert not Document.objects.exists()


class TestDecided:
    """Decided on the 20th (a plan, the minutes drafted): who opens which page, the record closed, the minutes
    and the plan."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(decided_world, django_db_blocker)

    @pytest.mark.parametrize("name", sorted(CONFERENCE_PAGES))
    def test_conference_page_access(self, name, decided, people, page):
        for who, user in people.items():
            resp = page(user).get(url(name, decided.conf))
            expected = 200 if who in CONFERENCE_PAGES[name] else 404
            assert resp.status_code == expected, f"{name} for {who}: {resp.status_code}"

    @pytest.mark.parametrize("name", sorted(PLAN_PAGES))
    def test_plan_page_access(self, name, decided, people, page):
        extra = {}
        if name == "plan_action_update":
            extra["action_id"] = decided.plan.actions.get().public_id
        for who, user in people.items():
            resp = page(user).get(url(name, decided.plan, **extra))
            expected = 200 if who in PLAN_PAGES[name] else 404
            assert resp.status_code == expected, f"{name} for {who}: {resp.status_code}"

    def test_a_missing_conference_or_plan_is_the_same_404(self, decided, chair, page):
        import uuid

        for name in ("record", "decision", "documents", "plan"):
            assert page(chair).get(f"/conferences/{'plans/' if name == 'plan' else ''}{uuid.uuid4()}/"
                                   f"{'' if name == 'plan' else name + '/'}").status_code == 404
        assert page(chair).get(url("plan_action_update", decided.plan, action_id="not-a-uuid")).status_code == 404
        assert page(chair).get(url("plan_action_update", decided.plan, action_id=uuid.uuid4())).status_code == 404

    def test_autosave_after_the_decision_is_refused(self, decided, chair, client_for):
        resp = save(client_for(chair), decided.conf, section="harm", text="Too late", base_revision=0)
        assert resp.status_code == 400
        assert "decision" in resp.json()["error"]

    def test_record_is_read_only_after_the_decision(self, decided, chair, page):
        resp = page(chair).get(url("record", decided.conf))
        html = resp.content.decode()
        assert resp.status_code == 200
        assert "<textarea" not in html.split('id="scaling"')[0]
        assert "record-autosave.js" not in html
        assert "the record is closed" in html

    def test_minutes_editor_saves_the_draft(self, decided, minute_taker, page):
        m = decided.minutes
        resp = page(minute_taker).get(url("minutes", decided.conf))
        assert resp.status_code == 200
        html = resp.content.decode()
        assert "Confidential: leave ‘The child&#x27;s voice’ out of the family copy" in html
        assert "Only the chair signs the minutes off" in html
        assert url("minutes_sign", decided.conf) not in html
        resp = page(minute_taker).post(url("minutes", decided.conf), minutes_post(
            m, harm="Bruising, explained by a fall", confidential_keys={"confidential_information", "harm"}))
        assert resp.status_code == 302
        m.refresh_from_db()
        by_key = {s["key"]: s for s in m.sections}
        assert by_key["harm"]["body"] == "Bruising, explained by a fall" and by_key["harm"]["confidential"]
        assert by_key["confidential_information"]["confidential"] and not by_key["working_well"]["confidential"]

    def test_minutes_preview_labels_the_copy_and_leaves_confidential_out_of_the_family_copy(self, decided, chair, page):
        m = decided.minutes
        sections = [dict(s) for s in m.sections]
        for s in sections:
            if s["key"] == "confidential_information":
                s["body"] = "Anonymous referrer at number 12"
        services.minutes_edit(actor=chair, minutes=m, sections=sections)
        prof = page(chair).get(url("minutes_preview", decided.conf) + "?copy=professional")
        fam = page(chair).get(url("minutes_preview", decided.conf) + "?copy=family")
        assert prof.status_code == fam.status_code == 200
        assert "professional copy" in text_of(prof) and "Anonymous referrer at number 12" in text_of(prof)
        assert "family copy" in text_of(fam) and "Anonymous referrer at number 12" not in fam.content.decode()
        assert "Confidential and third-party information" not in text_of(fam)
        assert page(chair).get(url("minutes_preview", decided.conf) + "?copy=neighbours").status_code == 404

    def test_minutes_sign_then_a_new_version(self, decided, chair, page):
        resp = page(chair).get(url("minutes_sign", decided.conf))
        text = text_of(resp)
        assert "Signing off is final" in text and "couple of seconds" in text
        resp = page(chair).post(url("minutes_sign", decided.conf))
        assert resp.status_code == 302 and resp["Location"] == url("documents", decided.conf)
        m = Minutes.objects.get(pk=decided.minutes.pk)
        assert m.status == "signed" and m.signed_by == chair
        docs = Document.objects.filter(conference=decided.conf, kind="minutes")
        assert sorted(docs.values_list("copy", flat=True)) == ["family", "professional"]
        # signed: read-only, with a form for a new version
        resp = page(chair).get(url("minutes", decided.conf))
        html = resp.content.decode()
        assert "Signed off" in html and 'name="body_0"' not in html
        assert f'action="{url("minutes_revise", decided.conf)}"' in html
        # a second sign-off changes nothing and says so
        assert page(chair).post(url("minutes_sign", decided.conf)).status_code == 302
        assert Document.objects.filter(conference=decided.conf).count() == 2
        # a new version needs a reason
        resp = page(chair).post(url("minutes_revise", decided.conf), {"reason": ""})
        assert resp.status_code == 200 and "Say why the signed minutes need changing" in resp.content.decode()
        resp = page(chair).post(url("minutes_revise", decided.conf), {"reason": "Mother's name misspelt"})
        assert resp.status_code == 302 and resp["Location"] == url("minutes", decided.conf)
        v2 = Minutes.objects.get(conference=decided.conf, version=2)
        assert (v2.status, v2.change_reason) == ("draft", "Mother's name misspelt")
        assert Minutes.objects.get(pk=m.pk).status == "signed"
        text = text_of(page(chair).get(url("minutes", decided.conf)))
        assert "Minutes, version 2" in text and "Mother's name misspelt" in text.replace("&#x27;", "'")

    def test_only_the_chair_signs(self, decided, minute_taker, client_for):
        assert client_for(minute_taker).post(url("minutes_sign", decided.conf)).status_code == 404
        assert Minutes.objects.get(pk=decided.minutes.pk).status == "draft"

    def test_decision_letter_publish(self, decided, chair, page):
        resp = page(chair).get(url("decision_letter_publish", decided.conf))
        assert "couple of seconds" in text_of(resp)
        resp = page(chair).post(url("decision_letter_publish", decided.conf))
        assert resp.status_code == 302
        docs = Document.objects.filter(conference=decided.conf, kind="decision_letter")
        assert sorted(docs.values_list("copy", "version")) == [("family", 1), ("professional", 1)]
        assert "Version 1 was published" in text_of(page(chair).get(url("decision_letter_publish", decided.conf)))

    def test_plan_page(self, decided, team_manager, chair, page):
        p = decided.plan
        services.midway_audit_record(actor=chair, plan=p, audited_on=CONFERENCE_DAY, progress="Visits happening",
                                     escalation_raised=True, escalation_detail="Told the team manager about drift")
        resp = page(team_manager).get(url("plan", p))
        assert resp.status_code == 200
        text = text_of(resp)
        assert "Neglect (NEG)" in text and "Sam Worker" in text
        assert "First review conference due by 19 June 2026" in text
        assert "Previous plans" in text
        assert "Home conditions improved and checked weekly" in text
        assert "Told the team manager about drift" in text  # the mid-way audit, visible to the team manager
        html = resp.content.decode()
        assert url("core_group_new", p) in html and url("plan_action_new", p) in html
        assert url("review_request", p) in html
        assert url("midway_audit_new", p) not in html  # the chair's

    def test_plan_page_query_count_does_not_grow_with_rows(self, decided, chair, social_worker, client_for):
        p = decided.plan

        def add_rows(n):
            members = [services.core_group_member_add(actor=chair, plan=p, member=services.MemberInput(
                name=f"Member {n} {i}")) for i in range(n)]
            for i in range(n):
                services.plan_action_add(actor=chair, plan=p, action=services.ActionInput(
                    description=f"Action {i}", owner_name="Someone", due_date=date(2026, 5, 1)))
                services.core_group_meeting_record(actor=chair, plan=p, held_on=CONFERENCE_DAY, progress=f"Meeting {i}",
                                                   attendee_ids=[m.pk for m in members])
                services.midway_audit_record(actor=chair, plan=p, audited_on=CONFERENCE_DAY, progress=f"Audit {i}")

        c = client_for(social_worker)
        add_rows(1)
        c.get(url("plan", p))
        small = query_count(lambda: c.get(url("plan", p)))
        add_rows(4)
        large = query_count(lambda: c.get(url("plan", p)))
        assert CoreGroupMeeting.objects.count() == 5 and MidwayAudit.objects.count() == 5
        assert large == small

    def test_overdue_actions_are_flagged_on_the_plan_and_the_childs_page(self, decided, chair, social_worker,
                                                                         client_for):
        """An action past its due date and not done (nor recorded as not done) is "Overdue" on the plan page and
        counted, with a link to the plan's actions, in the conferences panel of the child's page; worked out in
        the pages' own statements (no statement more with overdue actions)."""
        from django.urls import reverse

        p, c = decided.plan, client_for(social_worker)
        child_page = reverse("cases:child_detail", kwargs={"public_id": decided.child.public_id})
        added = {name: services.plan_action_add(actor=chair, plan=p, action=services.ActionInput(
            description=name, owner_name="Someone", due_date=date(2026, 4, 30)))
            for name in ("Overdue one", "Done one", "Later one")}
        c.get(url("plan", p)), c.get(child_page)
        before = (query_count(lambda: c.get(url("plan", p))), query_count(lambda: c.get(child_page)))
        assert "plan action" not in c.get(child_page).content.decode()
        PlanAction.objects.filter(pk__in=[added["Overdue one"].pk, added["Done one"].pk]).update(
            due_date=date(2026, 3, 13))
        services.plan_action_update(actor=social_worker, action=added["Done one"], progress="done")
        after = (query_count(lambda: c.get(url("plan", p))), query_count(lambda: c.get(child_page)))
        assert after == before

        html = c.get(url("plan", p)).content.decode()
        rows = {m[1]: m[0] for m in re.findall(
            r'(<tr class="govuk-table__row">\s*<td[^>]*id="action-[^"]*">([^<]*)</td>.*?</tr>)', html, flags=re.S)}
        assert {"Overdue one", "Done one", "Later one"} <= rows.keys()
        assert [name for name, row in rows.items() if "Overdue" in row] == ["Overdue one"]
        panel = c.get(child_page).content.decode()
        assert f'href="{url("plan", p)}#actions">1 plan action overdue</a>' in panel
        assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in panel

    def test_core_group_meeting(self, decided, social_worker, page):
        p = decided.plan
        member = p.core_group.get()
        resp = page(social_worker).get(url("core_group_new", p))
        assert "First core group meeting due by" in text_of(resp)
        resp = page(social_worker).post(url("core_group_new", p), {"progress": ""})
        assert resp.status_code == 200
        html = resp.content.decode()
        assert "Enter the date of the meeting" in html and "Record the progress on the plan" in html
        resp = page(social_worker).post(url("core_group_new", p), {
            **date_parts("held_on", CONFERENCE_DAY), "attendees": [str(member.public_id)], "progress": "Good start",
            **date_parts("next_meeting_on", date(2026, 4, 17))})
        assert resp.status_code == 302
        meeting = CoreGroupMeeting.objects.get(plan=p)
        assert list(meeting.attendees.all()) == [member] and meeting.next_meeting_on == date(2026, 4, 17)
        assert Deadline.objects.get(rule_key="core_group_first").status == Deadline.Status.MET_ON_TIME

    def test_core_group_meeting_late_asks_why(self, decided, social_worker, page):
        p = decided.plan
        with freeze_time("2026-04-20 10:00"):  # the first core group was due within 10 working days
            resp = page(social_worker).get(url("core_group_new", p))
            assert 'name="late_reason"' in resp.content.decode()
            data = {**date_parts("held_on", date(2026, 4, 20)), "progress": "Late start"}
            resp = page(social_worker).post(url("core_group_new", p), data)
            assert resp.status_code == 200 and "say why it was late" in resp.content.decode()
            resp = page(social_worker).post(url("core_group_new", p), {**data, "late_reason": "Easter holidays"})
            assert resp.status_code == 302
        assert Deadline.objects.get(rule_key="core_group_first").late_reason == "Easter holidays"

    def test_core_group_member_and_actions(self, decided, social_worker, page):
        p = decided.plan
        resp = page(social_worker).post(url("core_group_member_new", p), {"name": "", "role": "Aunt"})
        assert "Enter the member&#x27;s name" in resp.content.decode()
        resp = page(social_worker).post(url("core_group_member_new", p), {"name": "Jo Hartley", "role": "Aunt"})
        assert resp.status_code == 302
        assert p.core_group.filter(name="Jo Hartley", role="Aunt").exists()
        resp = page(social_worker).post(url("plan_action_new", p), {"description": "Nursery place", "owner_name": "",
                                                                    **date_parts("due_date", date(2026, 5, 1))})
        assert "Enter who will do it" in resp.content.decode()
        resp = page(social_worker).post(url("plan_action_new", p), {"description": "Nursery place",
                                                                    "owner_name": "Early years team",
                                                                    **date_parts("due_date", date(2026, 5, 1))})
        assert resp.status_code == 302
        action = PlanAction.objects.get(plan=p, description="Nursery place")
        resp = page(social_worker).get(url("plan_action_update", p, action_id=action.public_id))
        assert "Nursery place" in text_of(resp)
        resp = page(social_worker).post(url("plan_action_update", p, action_id=action.public_id),
                                        {"progress": "in_progress", "note": "Place offered from June"})
        assert resp.status_code == 302
        action.refresh_from_db()
        assert (action.progress, action.progress_note) == ("in_progress", "Place offered from June")
        text = text_of(page(social_worker).get(url("plan", p)))
        assert "Place offered from June" in text and "In progress" in text

    def test_midway_audit(self, decided, chair, page):
        p = decided.plan
        resp = page(chair).post(url("midway_audit_new", p), {
            **date_parts("audited_on", CONFERENCE_DAY), "progress": "Visits happening", "escalation_raised": "yes"})
        assert resp.status_code == 200 and "Say what you escalated and to whom" in resp.content.decode()
        resp = page(chair).post(url("midway_audit_new", p), {**date_parts("audited_on", CONFERENCE_DAY),
                                                             "progress": "Visits happening", "escalation_raised": "no",
                                                             "concerns": "School attendance"})
        assert resp.status_code == 302
        audit = MidwayAudit.objects.get(plan=p)
        assert (audit.chair, audit.concerns, audit.escalation_raised) == (chair, "School attendance", False)


class TestPublished:
    """Decided, the minutes signed and the decision letter published: documents, download and distribution."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(published_world, django_db_blocker)

    def test_distribution_gives_parents_the_family_copy(self, published, chair, page):
        p = published
        resp = page(chair).get(url("distribute", p.conf))
        text = text_of(resp)
        assert f"{p.mother_inv.name}, {p.mother_inv.role}: family copy" in text
        assert f"{p.police_inv.name}, {p.police_inv.role}: professional copy" in text
        resp = distribute(page(chair), p.conf, "minutes", [p.mother_inv, p.police_inv])
        assert resp.status_code == 302, resp.content.decode()
        sent = {d.invitation_id: d for d in Distribution.objects.select_related("document")}
        assert sent[p.mother_inv.pk].document.copy == "family" and sent[p.mother_inv.pk].is_family
        assert sent[p.police_inv.pk].document.copy == "professional"
        assert Deadline.objects.get(rule_key="conference_minutes").status == Deadline.Status.MET_ON_TIME
        # the documents page lists who was sent what
        text = text_of(page(chair).get(url("documents", p.conf)))
        assert p.mother_inv.name in text and "Family copy" in text and "Secure email" in text

    def test_distribution_errors(self, published, chair, page):
        resp = distribute(page(chair), published.conf, "minutes", [])
        assert resp.status_code == 200 and "Choose who the document is sent to" in resp.content.decode()
        resp = distribute(page(chair), published.conf, "minutes", [published.mother_inv], method="in_app")
        assert "has no account" in resp.content.decode()
        assert not Distribution.objects.exists()

    def test_distribution_past_its_due_date_asks_why(self, published, chair, page):
        with freeze_time("2026-04-30 10:00"):  # minutes were due within 15 working days of the 20th
            resp = page(chair).get(url("distribute", published.conf))
            assert 'name="late_reason"' in resp.content.decode()
            resp = page(chair).post(url("distribute", published.conf), {
                "kind": "minutes", "recipients": [str(published.police_inv.public_id)], "method": "secure_email",
                **date_parts("sent_on", date(2026, 4, 30))})
            assert resp.status_code == 200 and "say why it was late" in resp.content.decode()
            resp = page(chair).post(url("distribute", published.conf), {
                "kind": "minutes", "recipients": [str(published.police_inv.public_id)], "method": "secure_email",
                "late_reason": "Chair on leave", **date_parts("sent_on", date(2026, 4, 30))})
            assert resp.status_code == 302
        assert Deadline.objects.get(rule_key="conference_minutes").late_reason == "Chair on leave"

    def test_download_a_pdf(self, published, chair, client_for):
        doc = Document.objects.get(conference=published.conf, kind="minutes", copy="professional")
        resp = client_for(chair).get(url("document_download", published.conf, document_id=doc.public_id))
        assert resp.status_code == 200
        body = b"".join(resp.streaming_content)
        assert body.startswith(b"%PDF") and body == bytes(doc.content)
        assert resp["Content-Type"] == "application/pdf"
        assert resp["Content-Disposition"] == f'attachment; filename="{doc.filename}"'
        assert resp["Cache-Control"] == "no-store"
        from conferences import events
        from safeguarding.audit.models import CaseEvent

        assert CaseEvent.objects.filter(code=events.DOCUMENT_DOWNLOADED, actor=chair).count() == 1

    def test_download_only_what_was_sent_to_you(self, published, chair, police_officer, client_for):
        p = published
        prof = Document.objects.get(conference=p.conf, kind="minutes", copy="professional")
        fam = Document.objects.get(conference=p.conf, kind="minutes", copy="family")
        c = client_for(police_officer)
        assert c.get(url("document_download", p.conf, document_id=prof.public_id)).status_code == 404
        assert "There are no documents for you to see yet" in text_of(c.get(url("documents", p.conf)))
        services.documents_distribute(actor=chair, conference=p.conf, kind="minutes",
                                      invitations=[p.police_inv, p.mother_inv], method="secure_email")
        resp = c.get(url("document_download", p.conf, document_id=prof.public_id))
        assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF")
        assert c.get(url("document_download", p.conf, document_id=fam.public_id)).status_code == 404
        text = text_of(c.get(url("documents", p.conf)))
        assert "Download the professional copy" in text and "family copy" not in text.lower().replace(
            "for parents and family", "")
        assert "Who was sent what" not in text
        # the document's own conference only
        other = Conference.objects.exclude(pk=p.conf.pk).first()
        assert other is None or c.get(url("document_download", other, document_id=prof.public_id)).status_code == 404

    def test_download_is_404_for_the_wrong_conference_or_a_stranger(self, published, outsider, chair, client_for):
        doc = Document.objects.filter(conference=published.conf).first()
        assert client_for(outsider).get(url("document_download", published.conf,
                                             document_id=doc.public_id)).status_code == 404
        import uuid

        bad = f"/conferences/{uuid.uuid4()}/documents/{doc.public_id}/download/"
        assert client_for(chair).get(bad).status_code == 404

    def test_documents_page_groups_by_kind_and_version(self, published, chair, page):
        services.minutes_revise(actor=chair, conference=published.conf, reason="Typo")
        services.minutes_sign(actor=chair, minutes=Minutes.objects.get(conference=published.conf, version=2))
        text = text_of(page(chair).get(url("documents", published.conf)))
        assert "Conference minutes, version 2" in text and "Conference minutes, version 1" in text
        assert "Decision letter and outline plan, version 1" in text
        assert text.index("Conference minutes, version 2") < text.index("Conference minutes, version 1")

    def test_documents_page_query_count_does_not_grow_with_rows(self, published, chair, client_for):
        p = published
        c = client_for(chair)
        c.get(url("documents", p.conf))  # warm caches (content types, sessions)
        services.documents_distribute(actor=chair, conference=p.conf, kind="minutes", invitations=[p.mother_inv],
                                      method="post")
        small = query_count(lambda: c.get(url("documents", p.conf)))
        services.decision_letter_publish(actor=chair, conference=p.conf)  # two more documents
        services.documents_distribute(actor=chair, conference=p.conf, kind="minutes",
                                      invitations=list(p.conf.invitations.all()), method="secure_email")
        services.documents_distribute(actor=chair, conference=p.conf, kind="decision_letter",
                                      invitations=list(p.conf.invitations.all()), method="secure_email")
        assert Distribution.objects.count() > 6 and Document.objects.count() == 6
        large = query_count(lambda: c.get(url("documents", p.conf)))
        assert large == small


class TestReview:
    """A review of the plan, requested on 1 May and held on 10 June (the clock stands at 1pm that day)."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        yield from built(review_world, django_db_blocker)

    def test_review_decision_page_shows_the_current_category(self, review, chair, page):
        resp = page(chair).get(url("decision", review.conf))
        text = text_of(resp)
        assert "current category is Neglect" in text
        assert "Continue the plan" in text and "End the plan" in text
        assert "Child protection plan" not in re.findall(r'<label[^>]*>([^<]*)</label>', resp.content.decode())
        assert f"Next review conference: due by {compute_due('rcpc_next', date(2026, 6, 10)):%-d %B %Y}" in text

    def test_review_continue_with_a_category_change(self, review, chair, page):
        resp = page(chair).post(url("decision", review.conf), decision_data(outcome="continue", category="PHY"))
        assert resp.status_code == 302, resp.content.decode()
        plan = ChildProtectionPlan.objects.get(pk=review.plan.pk)
        assert (plan.initial_category, plan.latest_category, plan.status) == ("NEG", "PHY", "active")
        change = CategoryChange.objects.get(plan=plan)
        assert (change.from_category, change.to_category, change.changed_on) == ("NEG", "PHY", date(2026, 6, 10))
        assert Deadline.objects.filter(rule_key="rcpc_next", status="open").count() == 1
        text = text_of(page(chair).get(url("plan", plan)))
        assert "Category changes" in text and "Neglect (NEG)" in text and "Physical abuse (PHY)" in text

    def test_review_end_with_a_reason(self, review, chair, page):
        resp = page(chair).post(url("decision", review.conf), decision_data(outcome="end"))
        html = resp.content.decode()
        assert "Choose why the plan is ending" in html and "Choose the next step" in html
        resp = page(chair).post(url("decision", review.conf), decision_data(
            outcome="end", end_reason="harm_reduced", next_step="cin_plan"))
        assert resp.status_code == 302
        plan = ChildProtectionPlan.objects.get(pk=review.plan.pk)
        assert (plan.status, plan.end_reason, plan.ended_on) == ("ended", "harm_reduced", date(2026, 6, 10))
        text = text_of(page(chair).get(url("plan", plan)))
        assert "Ended" in text and "Likelihood of significant harm has reduced" in text

    def test_plan_forms_after_the_plan_ended(self, review, chair, social_worker, page):
        services.conference_decide(actor=chair, conference=review.conf, outcome="end", end_reason="harm_reduced",
                                   next_step="cin_plan")
        resp = page(social_worker).get(url("plan_action_new", review.plan))
        assert "nothing more can be recorded" in text_of(resp)
        resp = page(social_worker).post(url("plan_action_new", review.plan), {
            "description": "x", "owner_name": "y", **date_parts("due_date", date(2026, 7, 1))})
        assert resp.status_code == 302
        assert not PlanAction.objects.filter(description="x").exists()
