"""The child in need review three months after a child protection plan ends (issue 10, section 3; Cheshire West and
Chester: "conference chairs also chair a three month child in need meeting after a decision has been made to
discontinue a child protection plan"), told on one world: two children of Northmoor, each with a plan made on
9 January 2026 and ended by a review conference on Monday 2 March 2026, the first stepping down to a child in need
plan, the second to early help. Each test writes in its own savepoint. Who may do what is in the conference
permission matrix (tests/conferences/test_policy_matrix.py)."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.policies import child_policy
from conferences import services
from conferences.models import ChildInNeedReview, ChildProtectionPlan
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.conferences import story
from tests.factories import ChildFactory, LocalAuthorityFactory, TeamFactory, make_user
from tests.factories.states import subject_deadlines
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("cin_review")]  # one world

PLAN_ENDED = date(2026, 3, 2)
DUE = date(2026, 6, 2)  # three calendar months after the decision (a Tuesday)


def _plan_made_and_ended(*, child, chair, sw, next_step):
    hour = 10 if next_step == "cin_plan" else 13
    with freeze_time("2026-01-05 09:00"):
        conf = story.request_icpc(child=child, social_worker=sw, strategy_discussion_date=date(2026, 1, 5))
        story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 1, 9), hour=hour)
    with freeze_time("2026-01-09 17:00"):
        services.conference_hold(actor=chair, conference=conf, held_on=date(2026, 1, 9), quorum_override_reason="Test")
        services.conference_decide(
            actor=chair, conference=conf, outcome="plan", category="NEG", lead_social_worker=sw,
            actions=[services.ActionInput(description="Visits", owner_name="Social worker",
                                          due_date=date(2026, 2, 6))])
    with freeze_time("2026-02-23 09:00"):
        review = services.conference_request(actor=sw, child=child, kind="review")
        story.book(conference=review, chair=chair, actor=chair, day=PLAN_ENDED, hour=hour)
    with freeze_time("2026-03-02 17:00"):
        services.conference_hold(actor=chair, conference=review, held_on=PLAN_ENDED, quorum_override_reason="Test")
        services.conference_decide(actor=chair, conference=review, outcome="end", end_reason="harm_reduced",
                                   next_step=next_step)
    return review


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    team = TeamFactory(agency=la, name="Child in Need Team")
    sw = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker")
    people = SimpleNamespace(
        chair=make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        other_chair=make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able"),
        sw=sw, manager=make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        admin=make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin"),
        iro=make_user(la, Role.IRO, full_name="Ira Reviewing"))
    children = [ChildFactory(local_authority=la, allocated_social_worker=sw, allocated_team=team,
                             legal_first_names=name, date_of_birth=date(2016, 4, 1)) for name in ("Cara", "Eli")]
    ended = _plan_made_and_ended(child=children[0], chair=people.chair, sw=sw, next_step="cin_plan")
    _plan_made_and_ended(child=children[1], chair=people.chair, sw=sw, next_step="early_help")
    return SimpleNamespace(la=la, team=team, people=people, children=children, conference=ended,
                           review=ChildInNeedReview.objects.get(child=children[0]))


world = shared_world(_build)


@pytest.fixture
def review(world):
    return ChildInNeedReview.objects.get(pk=world.review.pk)


@pytest.fixture(autouse=True)
def march():
    with freeze_time("2026-03-10 09:00") as clock:
        yield clock


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


# --- opened by the decision to end the plan ---------------------------------------------------------------------
def test_ending_a_plan_for_a_child_in_need_plan_opens_the_review_with_its_deadline(world, review):
    assert review.status == "due" and review.chair == world.people.chair
    assert review.plan.status == ChildProtectionPlan.Status.ENDED and review.conference == world.conference
    deadline = subject_deadlines(review, "cin_review_after_plan").get()
    assert (deadline.anchor_date, deadline.due_date, deadline.status) == (PLAN_ENDED, DUE, "open")
    assert deadline.label == "Child in need review after the plan ended"
    assert deadline.responsible_person == world.people.chair
    assert CaseEvent.objects.filter(code="cin_review.opened", subject_id=review.pk).exists()
    # stepping down to early help: no child in need review
    assert not ChildInNeedReview.objects.filter(child=world.children[1]).exists()


def test_the_rule_is_local_and_cites_cheshire_west():
    from safeguarding.clock import rules

    rule = rules.get("cin_review_after_plan")
    assert (rule.amount, rule.unit, rule.scope) == (3, rules.Unit.CALENDAR_MONTHS, rules.Scope.LOCAL)
    assert "Cheshire West" in rule.source and rule.service is rules.Service.CHILD_PROTECTION


# --- booked, recorded, cancelled -----------------------------------------------------------------------------------
def test_booking_moving_and_the_late_reason(world, review):
    chair, sw = world.people.chair, world.people.sw
    with pytest.raises(ValidationError, match="You cannot"):
        services.cin_review_schedule(actor=sw, review=review, planned_for=date(2026, 5, 20))
    booked = services.cin_review_schedule(actor=chair, review=review, planned_for=date(2026, 5, 20), venue="School")
    assert booked.status == "scheduled"
    before = booked.history.count()
    assert services.cin_review_schedule(actor=chair, review=booked, planned_for=date(2026, 5, 20), venue="School")
    assert booked.history.count() == before  # the same booking again changes nothing
    with pytest.raises(ValidationError) as e:
        services.cin_review_schedule(actor=chair, review=booked, planned_for=date(2026, 6, 10), venue="School")
    assert set(e.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as e:
        services.cin_review_schedule(actor=chair, review=booked, planned_for=date(2026, 6, 10), reason="Holiday")
    assert "due by 2 June 2026" in e.value.message_dict["late_reason"][0]
    moved = services.cin_review_schedule(actor=chair, review=booked, planned_for=date(2026, 6, 10), reason="Holiday",
                                         late_reason="The family is away")
    assert moved.late_reason == "The family is away"


def test_the_service_hands_the_review_to_another_chair_who_then_reaches_the_child(world, review):
    other = world.people.other_chair
    child = world.children[0]
    assert not child_policy.can(AccessContext.for_user(other), "view", child)
    with pytest.raises(ValidationError) as e:  # the social worker manages the case: never its chair
        services.cin_review_schedule(actor=world.people.admin, review=review, planned_for=date(2026, 5, 20),
                                     chair=world.people.sw)
    assert "chair" in e.value.message_dict
    services.cin_review_schedule(actor=world.people.admin, review=review, planned_for=date(2026, 5, 20), chair=other)
    review.refresh_from_db()
    assert review.chair == other
    open_ = subject_deadlines(review, "cin_review_after_plan").get(status="open")
    assert (open_.responsible_person, open_.due_date) == (other, DUE)
    assert child_policy.can(AccessContext.for_user(other), "view", child)
    with pytest.raises(ValidationError, match="You cannot"):  # only its chair records it
        services.cin_review_record(actor=world.people.chair, review=review, held_on=date(2026, 3, 10),
                                   attended="x", progress="y", outcome="continue")


def test_recording_needs_who_came_the_progress_and_the_decision(world, review):
    chair = world.people.chair
    with pytest.raises(ValidationError) as e:
        services.cin_review_record(actor=chair, review=review, held_on=date(2026, 3, 11), attended="", progress="",
                                   outcome="close")
    assert set(e.value.message_dict) == {"held_on", "attended", "progress", "outcome_reason"}
    with pytest.raises(ValidationError) as e:
        services.cin_review_record(actor=chair, review=review, held_on=date(2026, 2, 27), attended="Mother",
                                   progress="Better", outcome="continue")
    assert "The plan ended on 2 March 2026" in e.value.message_dict["held_on"][0]


def test_stepping_up_meets_the_deadline_and_tells_the_social_worker_and_managers_at_once(world, review):
    chair = world.people.chair
    held = services.cin_review_record(actor=chair, review=review, held_on=date(2026, 3, 10),
                                      attended="Mother\nSocial worker\nSchool", progress="Worries are back",
                                      outcome="step_up", outcome_reason="New bruising reported by the school")
    assert held.status == "held" and held.get_outcome_display().startswith("Step up")
    met = subject_deadlines(review, "cin_review_after_plan").get()
    assert (met.status, met.met_on) == ("met_on_time", date(2026, 3, 10))
    told = Notification.objects.filter(subject="Child in need review: step up to child protection")
    assert set(told.values_list("recipient_id", flat=True)) == {world.people.sw.pk, world.people.manager.pk}
    assert all(world.children[0].legal_first_names not in n.body for n in told)  # the reference, never the name
    # final: the same again changes nothing; anything else is refused, and nothing is cancelled any more
    assert services.cin_review_record(actor=chair, review=held, held_on=date(2026, 3, 10), attended="x",
                                      progress="y", outcome="step_up", outcome_reason="z") == held
    with pytest.raises(ValidationError, match="recorded already"):
        services.cin_review_record(actor=chair, review=held, held_on=date(2026, 3, 10), attended="x", progress="y",
                                   outcome="close", outcome_reason="z")
    with pytest.raises(ValidationError, match="held cannot be cancelled"):
        services.cin_review_cancel(actor=chair, review=held, reason="No")


def test_cancelling_ends_the_deadline(world, review):
    with pytest.raises(ValidationError):
        services.cin_review_cancel(actor=world.people.chair, review=review, reason=" ")
    services.cin_review_cancel(actor=world.people.chair, review=review, reason="The family moved to Southvale")
    assert subject_deadlines(review, "cin_review_after_plan").get().status == "cancelled"
    with pytest.raises(ValidationError, match="cancelled"):
        services.cin_review_schedule(actor=world.people.chair, review=review, planned_for=date(2026, 4, 1))


# --- the pages -------------------------------------------------------------------------------------------------
def _list(client):
    with CaptureQueriesContext(connection) as q:
        resp = client.get("/conferences/cin-reviews/")
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_list_at_a_fixed_statement_count(client_for, world, review):
    c = client_for(world.people.chair)
    c.get("/conferences/cin-reviews/")
    small, small_sql, resp = _list(c)
    page = text(resp)
    assert "Cara" in page and "2 Jun 2026" in page and "Not booked" in page
    # three more reviews of other plans that ended (rows as the decision writes them)
    for i in range(3):
        child = ChildFactory(local_authority=world.la, legal_first_names=f"Extra{i}")
        plan = ChildProtectionPlan.objects.create(child=child, status="ended", started_on=date(2025, 9, 1),
                                                  ended_on=PLAN_ENDED, end_reason="harm_reduced",
                                                  initial_category="NEG", latest_category="NEG",
                                                  lead_social_worker=world.people.sw)
        ChildInNeedReview.objects.create(child=child, plan=plan, conference=world.conference, chair=world.people.chair)
    large, large_sql, resp = _list(c)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert text(resp).count("Extra") == 3
    assert small <= 10, "\n".join(small_sql)


def test_the_pages_are_for_the_chair_the_service_and_case_staff(client_for, world, review):
    url = f"/conferences/cin-reviews/{review.public_id}/"
    assert client_for(world.people.iro).get("/conferences/cin-reviews/").status_code == 404
    assert client_for(world.people.iro).get(url).status_code == 404
    page = text(client_for(world.people.sw).get(url))
    assert "Cara" in page and "Record the review" not in page and "Book the review" not in page
    page = text(client_for(world.people.chair).get(url))
    assert "Record the review" in page and "2 June 2026" in page
    # in the navigation
    assert re.search(r'href="/conferences/cin-reviews/"[^>]*>\s*(<strong[^>]*>)?Child in need reviews', page)
    assert client_for(world.people.sw).get(url + "record/").status_code == 404


def test_the_chair_books_and_records_it_through_the_pages(client_for, world, review):
    c = client_for(world.people.chair)
    url = f"/conferences/cin-reviews/{review.public_id}/"
    resp = c.post(url + "book/", {"planned_for_day": "10", "planned_for_month": "3", "planned_for_year": "2026",
                                  "venue": "Family home", "chair": str(world.people.chair.public_id)})
    assert resp.status_code == 302, text(resp)
    resp = c.post(url + "record/", {"held_on_day": "10", "held_on_month": "3", "held_on_year": "2026",
                                    "attended": "Mother\nSocial worker", "progress": "Settled at school",
                                    "outcome": "close", "outcome_reason": "Needs met by universal services"})
    assert resp.status_code == 302, text(resp)
    page = text(c.get(url))
    assert "End the child in need plan and close the case" in page and "Settled at school" in page
    assert "Record the review" not in page


def test_after_the_due_date_the_booking_asks_why(client_for, world, review, march):
    march.move_to("2026-06-05 09:00")
    c = client_for(world.people.chair)
    url = f"/conferences/cin-reviews/{review.public_id}/book/"
    data = {"planned_for_day": "9", "planned_for_month": "6", "planned_for_year": "2026",
            "chair": str(world.people.chair.public_id)}
    page = text(c.post(url, data))
    assert "This review is due by 2 June 2026" in page and 'name="late_reason"' in page
    assert c.post(url, {**data, "late_reason": "Mother in hospital"}).status_code == 302
