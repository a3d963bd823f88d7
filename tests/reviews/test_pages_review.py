"""The review pages (issue 10, sections 2 and 4): the review page, the record editor with its autosave
endpoint, sessions and holding the review, decisions, circulating them, signing and sending the record, the
manager's ratification and the documents. Every page: the policy asked once (the review fetched with its
answers), a 404 for anyone else exactly as for a review that does not exist, a fixed statement count, a way
back, and the child named with a link to their record.

Jade is looked after from Monday 2 March 2026; her first review is booked for Friday 27 March.

Each test class shares one world (``world``: built once for the class, rolled back after its last test; each
test runs in a savepoint of it, so what a test writes is its own): the people of tests/conftest.py by the same
names and fixture names, and Jade's first review booked (on Tuesday 3 March, 9:00) or also held (Friday 27
March, 15:00), as the class's ``state`` says. The clock stands where the world left it; every fixture reads its
object afresh from the database."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from reviews import selectors, services
from reviews.models import Review, ReviewDecision, ReviewRecord
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from tests.factories import (
    ChildFactory,
    make_user,
    people,
)
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of, iro_of, write_record
from tests.factories.worlds import afresh, built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_pages_review")]

FRI_27_MAR = date(2026, 3, 27)
BOOKED_AT, HELD_AT = "2026-03-03 09:00", "2026-03-27 15:00"
# the people the tests ask for, made as tests/conftest.py makes them
PEOPLE = ("la", "other_la", "team", "social_worker", "other_social_worker", "team_manager", "iro", "chair",
          "police_officer")


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def same_page(resp) -> str:
    """A page without what differs on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value|content)="[^"]*"', "", resp.content.decode())


def count(c, url, method="get", **kw):
    with CaptureQueriesContext(connection) as q:
        resp = getattr(c, method)(url, **kw)
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def build(state: str) -> SimpleNamespace:
    """The people, Jade, and her first review booked (``state`` "booked") or also held ("held")."""
    with freeze_time(BOOKED_AT) as clock:
        la = people.la()
        other_la = people.other_la()
        team = people.team(la)
        other_team = people.other_team(la)
        w = SimpleNamespace(
            state=state, la=la, other_la=other_la, team=team,
            social_worker=people.social_worker(la, team),
            other_social_worker=people.other_social_worker(la, other_team),
            team_manager=people.team_manager(la, team),
            iro=people.iro(la),
            chair=people.chair(la),
            police_officer=people.police_officer(people.police()),
        )
        child = ChildFactory(local_authority=la, allocated_social_worker=w.social_worker, allocated_team=team,
                             legal_first_names="Jade", legal_surname="Holloway", date_of_birth=date(2016, 2, 1),
                             local_child_id="LC-JADE")
        episode = AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la),
                                          iro=w.iro, allocated_on=date(2026, 3, 2))
        w.review, w.now = services.review_schedule(actor=w.iro, episode=episode, planned_for=FRI_27_MAR), BOOKED_AT
        if state == "held":
            clock.move_to(HELD_AT)
            w.review, w.now = services.review_hold(actor=w.iro, review=w.review, participation="PN1",
                                                   held_on=FRI_27_MAR), HELD_AT
    return w


@pytest.fixture(scope="class")
def world(request, django_db_setup, django_db_blocker):
    """The class's world (its ``state``), built once for the class and rolled back after its last test."""
    yield from built(lambda: build(request.cls.state), django_db_blocker)


def _reader(name: str):
    @pytest.fixture(name=name)
    def read(world):
        return afresh(getattr(world, name))

    read.__doc__ = f"The world's {name}, read afresh"
    return read


globals().update({f"_world_{name}": _reader(name) for name in PEOPLE})


@pytest.fixture
def clock(world):
    with freeze_time(world.now) as frozen:
        yield frozen


@pytest.fixture
def booked(clock, world):
    assert world.state == "booked", "a class whose world is booked"
    return afresh(world.review)


@pytest.fixture
def held(clock, world):
    assert world.state == "held", "a class whose world is held"
    return afresh(world.review)


def add_decisions(review, iro, owner, n, start=0):
    for i in range(start, start + n):
        services.review_decision_add(actor=iro, review=review, description=f"Decision text {i}", owner=owner,
                                     due_date=date(2026, 4, 10))


@pytest.fixture
def circulated(clock, held, iro, social_worker):
    write_record(held, iro)
    add_decisions(held, iro, social_worker, 2)
    services.review_decisions_circulate(actor=iro, review=held, circulated_on=FRI_27_MAR)
    return held


def page(review, name="review", **kw):
    suffix = {"review": "", "record": "record/", "record_save": "record/save/", "session": "sessions/new/",
              "hold": "hold/", "decision_new": "decisions/new/", "circulate": "circulate/", "sign": "sign/",
              "ratify": "ratify/", "contact": "contact/"}[name]
    return f"/reviews/r/{review.public_id}/{suffix}"


# --- the review page ---------------------------------------------------------------------------------------
class TestTheReviewPage:
    """The review page, once the review is held."""

    state = "held"

    def test_the_iro_s_review_page_shows_the_review_its_content_and_decisions_at_a_fixed_statement_count(
            self, client_for, clock, held, iro, social_worker):
        write_record(held, iro)
        add_decisions(held, iro, social_worker, 1)
        c = client_for(iro)
        c.get(page(held))
        small, small_sql, resp = count(c, page(held))
        assert resp.status_code == 200
        body = text(resp)
        assert f'<a class="govuk-link" href="/children/{held.episode.child.public_id}/">Jade Holloway</a>' in body
        assert "<h1 class=\"govuk-heading-l\">First review</h1>" in body
        assert "PN1: Child physically attends and speaks for themselves" in body
        assert "Jade wants to stay with her foster carers" in body and "Long-term fostering" in body
        assert "1. Decision text 0" in body and "Sam Worker" in body
        assert 'href="/reviews/" class="govuk-back-link">Back to your caseload' in body
        for step in ("Write the record", "Add a decision", "Circulate the decisions"):
            assert step in body
        assert "Ratify the record" not in body and "Record a session" not in body
        # more sessions' worth of decisions: the same statements
        add_decisions(held, iro, social_worker, 6, start=1)
        large, large_sql, resp = count(c, page(held))
        assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
        assert "7. Decision text 6" in text(resp)
        assert small <= 20, "\n".join(small_sql)


    def test_decisions_past_their_due_date_and_still_open_are_flagged_overdue(self, client_for, clock, held, iro,
                                                                              social_worker):
        """Worked out by the selector with the decisions (no statement more), for open decisions only."""
        circulated = held
        add_decisions(held, iro, social_worker, 2)
        services.review_decision_add(actor=iro, review=held, description="Decision text 2", owner=social_worker,
                                     due_date=date(2026, 5, 29))
        c = client_for(social_worker)
        c.get(page(circulated))
        before, _, resp = count(c, page(circulated))
        assert "Overdue" not in text(resp)
        clock.move_to("2026-04-20 09:00")  # decisions 1 and 2 were due on 10 April, 3 on 29 May
        second = ReviewDecision.objects.get(review=circulated, number=2)
        services.review_decision_update(actor=iro, decision=second, status="done", done_on=date(2026, 4, 9))
        c = client_for(social_worker)  # signed in afresh: the earlier session has expired by now
        c.get(page(circulated))
        after, sql, resp = count(c, page(circulated))
        assert after == before, "\n".join(sql)
        rows = {m[1]: m[0] for m in re.findall(r'(<tr class="govuk-table__row"> <td class="govuk-table__cell">(\d+)\. '
                                               r'.*?</tr>)', text(resp))}
        assert sorted(rows) == ["1", "2", "3"]
        assert [n for n in sorted(rows) if "Overdue" in rows[n]] == ["1"]


    def test_the_review_page_asks_the_policy_once(self, client_for, held, iro):
        c = client_for(iro)
        c.get(page(held))
        _, sql, _ = count(c, page(held))
        fetches = [q for q in sql if 'FROM "reviews_review"' in q and '"reviews_review"."public_id"' in q]
        assert len(fetches) == 1, "\n".join(fetches)


    def test_the_social_worker_sees_the_review_and_follows_the_decisions_through(self, client_for, circulated,
                                                                                 social_worker):
        body = text(client_for(social_worker).get(page(circulated)))
        assert "Update<span class=\"govuk-visually-hidden\"> decision 1</span>" in body
        assert "Write the record" not in body and "Sign and send" not in body
        assert "Back to the child&#x27;s record" in body


    def test_the_manager_is_offered_the_ratification_once_the_record_is_signed(self, client_for, clock, circulated, iro,
                                                                              team_manager):
        assert "Ratify the record" not in text(client_for(team_manager).get(page(circulated)))
        services.review_record_sign(actor=iro, review=circulated)
        body = text(client_for(team_manager).get(page(circulated)))
        assert "Ratify the record" in body
        assert "Review record (PDF, version 1)" in body and "Letter to the child (PDF, version 1)" in body


# --- who may open the pages -----------------------------------------------------------------------------------
class TestWhoMayOpen:
    """Everyone but the review's people gets the 404 of a missing review."""

    state = "booked"

    @pytest.mark.parametrize("name", ["review", "record", "session", "hold", "decision_new", "circulate", "sign",
                                      "ratify"])
    @pytest.mark.parametrize("who", ["chair", "police_officer", "other_social_worker", "another IRO",
                                     "another LA's IRO"])
    def test_anyone_else_gets_the_404_of_a_missing_review(self, client_for, request, booked, la, other_la, name, who):
        person = {"another IRO": lambda: iro_of(la), "another LA's IRO": lambda: iro_of(other_la)}.get(
            who, lambda: request.getfixturevalue(who))()
        c = client_for(person)
        forbidden = c.get(page(booked, name))
        missing = c.get(page(Review(public_id=uuid.uuid4()), name))
        assert forbidden.status_code == missing.status_code == 404
        assert same_page(forbidden) == same_page(missing)


    def test_a_page_for_the_iro_is_a_404_for_the_social_worker(self, client_for, booked, social_worker):
        c = client_for(social_worker)
        for name in ("record", "session", "hold", "decision_new", "circulate", "sign", "ratify"):
            assert c.get(page(booked, name)).status_code == 404, name
        assert c.get(page(booked)).status_code == 200


# --- the record editor and its autosave ----------------------------------------------------------------------
class TestTheRecordAndHolding:
    """The record editor, its autosave, the sessions and holding the review."""

    state = "booked"

    def test_the_record_editor_saves_the_sections_changed_without_javascript(self, client_for, booked, iro):
        c = client_for(iro)
        resp = c.get(page(booked, "record"))
        assert resp.status_code == 200
        body = text(resp)
        assert 'data-autosave-url="/reviews/r/' in body and 'data-section="child_wishes"' in body
        assert "The IRO&#x27;s assessment of the care plan" in body
        form = resp.context["form"]
        data = {k: v for k, v in form.initial.items()}
        data["child_wishes"] = "To see her brother"
        resp = c.post(page(booked, "record"), data)
        assert resp.status_code == 302
        record = ReviewRecord.objects.get(review=booked)
        assert (record.child_wishes, record.revisions) == ("To see her brother", {"child_wishes": 1})
        # a page loaded before that save: its own change to the same section is a conflict, kept in the box
        data["child_wishes"] = "Older page's text"
        resp = c.post(page(booked, "record"), data)
        assert resp.status_code == 200
        body = text(resp)
        assert "Someone else saved ‘The child&#x27;s wishes and feelings’ while you were writing" in body
        assert "Older page&#x27;s text" in body and "To see her brother" in body
        assert ReviewRecord.objects.get(review=booked).child_wishes == "To see her brother"


    def test_the_autosave_endpoint(self, client_for, booked, iro, social_worker):
        c = client_for(iro)
        url = page(booked, "record_save")
        ok = c.post(url, json.dumps({"section": "health", "text": "Dental check due", "base_revision": 0}),
                    content_type="application/json")
        assert ok.status_code == 200 and ok.json()["revision"] == 1
        stale = c.post(url, json.dumps({"section": "health", "text": "Mine", "base_revision": 0}),
                       content_type="application/json")
        assert stale.status_code == 409 and stale.json()["text"] == "Dental check due"
        bad = c.post(url, json.dumps({"section": "nope", "text": "x", "base_revision": 0}),
                     content_type="application/json")
        assert bad.status_code == 400
        assert c.post(url, "not json", content_type="application/json").status_code == 400
        other = client_for(social_worker).post(url, json.dumps({"section": "health", "text": "x", "base_revision": 1}),
                                               content_type="application/json")
        assert other.status_code == 404 and other.json() == {"error": "Not found"}
        assert c.get(url).status_code == 405


    # --- running the review: sessions, holding it ---------------------------------------------------------------
    def test_sessions_and_holding_the_review_with_the_child_s_codes(self, client_for, clock, booked, iro):
        clock.move_to("2026-03-26 15:00")
        c = client_for(iro)
        resp = c.post(page(booked, "session"), {"held_on_day": "26", "held_on_month": "3", "held_on_year": "2026",
                                                "notes": "Saw Jade at school"})
        assert resp.status_code == 302
        resp = c.get(page(booked, "hold"))
        body = text(resp)
        assert 'value="PN0"' not in body and "PN1: Child physically attends" in body  # aged 10
        assert "Date of the review (its last session)" in body
        resp = c.post(page(booked, "hold"), {"participation": "PN5"})
        assert resp.status_code == 302
        booked.refresh_from_db()
        assert (booked.status, booked.held_on, booked.participation) == ("held", date(2026, 3, 26), "PN5")
        assert "This review was held on 26 March 2026." in text(c.get(page(booked, "hold")))


# --- decisions ---------------------------------------------------------------------------------------------
class TestDecisionsCirculatingAndSigning:
    """Decisions, circulating them, signing, ratifying; the form pages and their statement counts."""

    state = "held"

    def test_adding_a_decision_and_marking_it_done(self, client_for, clock, held, iro, social_worker, la):
        c = client_for(iro)
        resp = c.get(page(held, "decision_new"))
        body = text(resp)
        assert "Sam Worker" in body and la.name in body and "Someone else" in body
        form = resp.context["form"]
        person = next(k for k, u in form.people.items() if u == social_worker)
        resp = c.post(page(held, "decision_new"), {
            "description": "Update the care plan", "owner": person, "due_date_day": "10", "due_date_month": "4",
            "due_date_year": "2026", "child_words": ""})
        assert resp.status_code == 302, text(resp)
        resp = c.post(page(held, "decision_new"), {
            "description": "Find an independent visitor", "owner": "someone-else", "owner_name": "",
            "due_date_day": "1", "due_date_month": "5", "due_date_year": "2026"})
        assert "Enter who will do it" in text(resp)
        decision = ReviewDecision.objects.get(review=held)
        assert (decision.owner, decision.owner_name) == (social_worker, social_worker.full_name)
        url = f"/reviews/r/{held.public_id}/decisions/{decision.public_id}/"
        clock.move_to("2026-04-01 09:00")  # (a session idle that long has ended: sign in again)
        sw = client_for(social_worker)
        body = text(sw.get(url))
        assert "No longer needed" not in body  # the IRO decides that
        resp = sw.post(url, {"status": "done", "done_on_day": "1", "done_on_month": "4", "done_on_year": "2026"})
        assert resp.status_code == 302
        decision.refresh_from_db()
        assert (decision.status, decision.done_on) == ("done", date(2026, 4, 1))
        assert "This decision is done (1 April 2026)." in text(sw.get(url))
        # another review's decision through this review's URL: 404
        assert sw.get(f"/reviews/r/{held.public_id}/decisions/{uuid.uuid4()}/").status_code == 404
        assert sw.get(f"/reviews/r/{held.public_id}/decisions/not-a-uuid/").status_code == 404


    # --- circulating, signing, ratifying, the documents -----------------------------------------------------------
    def test_circulate_sign_and_ratify_through_the_pages(self, client_for, clock, held, iro, social_worker,
                                                         team_manager):
        c = client_for(iro)
        write_record(held, iro)
        assert "Add the review&#x27;s decisions first." in text(c.get(page(held, "circulate")))
        add_decisions(held, iro, social_worker, 1)
        assert "Circulate the decisions first" in text(c.get(page(held, "sign")))
        clock.move_to("2026-03-30 10:00")
        c = client_for(iro)
        resp = c.post(page(held, "circulate"), {"circulated_on_day": "30", "circulated_on_month": "3",
                                                "circulated_on_year": "2026"})
        assert resp.status_code == 302
        body = text(c.get(page(held, "sign")))
        assert "The child&#x27;s wishes and feelings</dt>" in body and "Written" in body
        resp = c.post(page(held, "sign"), {"contact_for_child": "Phone 01632 960 123"})
        assert resp.status_code == 302
        record = selectors.record_of(held)
        assert record.signed_by == iro and record.contact_for_child == "Phone 01632 960 123"
        assert "The record was signed by" in text(c.get(page(held, "sign")))
        m = client_for(team_manager)
        body = text(m.get(page(held, "ratify")))
        assert "Download the record (PDF, version 1)" in body
        resp = m.post(page(held, "ratify"), {"ratification": "responded", "response": ""})
        assert "Say what you do not agree with, and why" in text(resp)
        resp = m.post(page(held, "ratify"), {"ratification": "ratified"})
        assert resp.status_code == 302
        assert selectors.record_of(held).ratification == "ratified"
        docs = selectors.latest_documents(held)
        download = m.get(f"/reviews/r/{held.public_id}/documents/{docs['record'].public_id}/")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["Cache-Control"] == "no-store"
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert CaseEvent.objects.filter(code="lac.document_downloaded").count() == 1
        # a document through another review's URL is missing
        other = Review(public_id=uuid.uuid4())
        assert m.get(f"/reviews/r/{other.public_id}/documents/{docs['record'].public_id}/").status_code == 404


    def test_a_late_circulation_asks_why_on_the_page(self, client_for, clock, held, iro, social_worker):
        add_decisions(held, iro, social_worker, 1)
        clock.move_to("2026-04-09 10:00")
        c = client_for(iro)
        body = text(c.get(page(held, "circulate")))
        assert "Why were the decisions sent late?" in body
        resp = c.post(page(held, "circulate"), {"circulated_on_day": "9", "circulated_on_month": "4",
                                                "circulated_on_year": "2026", "late_reason": ""})
        assert "This was due on 7 April 2026: say why it was late" in text(resp)


    def test_every_form_page_names_the_child_with_a_link_and_a_way_back(self, client_for, held, iro):
        c = client_for(iro)
        for name in ("record", "decision_new", "circulate", "sign"):
            body = text(c.get(page(held, name)))
            assert f'href="/children/{held.episode.child.public_id}/">Jade Holloway</a>' in body, name
            assert 'class="govuk-back-link"' in body, name


    def test_a_restricted_child_s_iro_who_cannot_open_the_record_sees_the_name_without_a_link(
            self, client_for, clock, held, iro, la, social_worker):
        """The IRO who chaired a review keeps it after a new IRO is allocated, but no longer opens the child."""
        manager = iro_manager_of(la)
        services.iro_allocate(actor=manager, episode=held.episode, iro=iro_of(la), start_date=FRI_27_MAR,
                              reason="Caseloads rebalanced")
        body = text(client_for(iro).get(page(held)))
        assert "Jade Holloway" in body and f'href="/children/{held.episode.child.public_id}/"' not in body


    def test_an_iro_manager_is_shown_the_review_but_runs_nothing(self, client_for, held, la):
        body = text(client_for(iro_manager_of(la)).get(page(held)))
        assert "First review" in body and "What you can do next" not in body


    def test_a_partner_and_another_authority_s_manager_get_404(self, client_for, held, police_officer, other_la):
        assert client_for(police_officer).get(page(held)).status_code == 404
        assert client_for(make_user(other_la, Role.SERVICE_MANAGER)).get(page(held)).status_code == 404


    @pytest.mark.parametrize("name, who", [("record", "iro"), ("session", "iro"), ("hold", "iro"),
                                           ("decision_new", "iro"), ("circulate", "iro"), ("sign", "iro"),
                                           ("decision_update", "social_worker"), ("ratify", "team_manager"),
                                           ("child_link", "social_worker"), ("review", "social_worker")])
    def test_every_page_has_a_fixed_statement_count(self, request, client_for, clock, held, iro, social_worker, name,
                                                    who):
        """However many decisions, sessions and people: the same statements (the review fetched once)."""
        write_record(held, iro)
        add_decisions(held, iro, social_worker, 1)
        first = ReviewDecision.objects.get(review=held)
        paths = {"decision_update": f"/reviews/r/{held.public_id}/decisions/{first.public_id}/",
                 "child_link": f"/reviews/r/{held.public_id}/child-link/"}
        path = paths.get(name) or page(held, name)
        c = client_for(request.getfixturevalue(who))
        c.get(path)
        small, small_sql, resp = count(c, path)
        assert resp.status_code == 200
        add_decisions(held, iro, social_worker, 6, start=1)
        large, large_sql, resp = count(c, path)
        assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
        assert small <= 16, "\n".join(small_sql)
        fetches = [q for q in large_sql if 'FROM "reviews_review"' in q and '"reviews_review"."public_id"' in q]
        assert len(fetches) == 1, "\n".join(fetches)
