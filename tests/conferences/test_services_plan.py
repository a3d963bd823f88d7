"""The decision, the child protection plan, core groups, the chair's mid-way audit and the minutes
(issue 4, sections 3 to 5).

Dates counted by hand from a conference held on Friday 20 March 2026 (Good Friday is 3 April 2026 and
Easter Monday 6 April 2026):
- first core group, 10 working days: Tuesday 7 April 2026;
- first review, 3 calendar months: Saturday 20 June 2026, so back to Friday 19 June 2026;
- outline plan and decision letter, 1 working day: Monday 23 March 2026;
- minutes, 15 working days: Tuesday 14 April 2026;
and from a review held on Thursday 18 June 2026: the next review, 6 months, Friday 18 December 2026.
"""

from __future__ import annotations

import hashlib
from copy import deepcopy
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from conferences import selectors, services
from conferences.models import (
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    Decision,
    Distribution,
    Document,
    Invitation,
    Minutes,
    PlanAction,
)
from conferences.services import ActionInput, MemberInput
from safeguarding.accounts.models import Membership, Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.conferences import story
from tests.factories import (
    ChildFactory,
    make_user,
    people,
)
from tests.factories.worlds import built

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("conference_services_plan")]

FRI_20_MAR = date(2026, 3, 20)
THU_18_JUN = date(2026, 6, 18)
HELD_AT = "2026-03-20 13:00"


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 09:00") as frozen:
        yield frozen


def make_family(*, la, team, social_worker, police, health, school):
    return story.child_with_family(la=la, social_worker=social_worker, team=team, police=police, health=health,
                                   school=school, legal_first_names="Zebedee", legal_surname="Quennell-Marsh")


@pytest.fixture
def family(clock, la, team, social_worker, police, health, school):
    return make_family(la=la, team=team, social_worker=social_worker, police=police, health=health, school=school)


@pytest.fixture
def held(family, social_worker, chair, clock):
    """An initial conference held (quorate) on Friday 20 March 2026; the clock is that afternoon."""
    return hold(family, social_worker, chair, clock)


def deadline(subject, rule_key) -> Deadline:
    return Deadline.objects.get(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
                                rule_key=rule_key)


def errors_of(exc):
    return exc.value.message_dict


ACTION = ActionInput(description="Home conditions checked weekly", owner_name="Lead social worker",
                     due_date=date(2026, 4, 17))
SUMMER_ACTION = ActionInput(description="Home conditions checked weekly", owner_name="Lead social worker",
                            due_date=date(2026, 8, 14))  # for conferences held after ACTION's due date


def decide_plan(conf, chair, social_worker, **kw):
    kw.setdefault("category", "NEG")
    kw.setdefault("lead_social_worker", social_worker)
    kw.setdefault("actions", [ACTION])
    kw.setdefault("core_group", [MemberInput(name="Sam Worker", role="Lead social worker", user_id=social_worker.pk)])
    return services.conference_decide(actor=chair, conference=conf, outcome="plan", **kw)


def review_held(plan, *, chair, social_worker, clock, day=THU_18_JUN):
    """A review conference for ``plan`` held on ``day`` (quorum overridden); the clock is that afternoon."""
    clock.move_to(f"{day.replace(day=1)} 09:00")
    review = services.conference_request(actor=social_worker, child=plan.child, kind="review")
    story.book(conference=review, chair=chair, actor=chair, day=day)
    clock.move_to(f"{day} 13:00")
    return services.conference_hold(actor=chair, conference=review, held_on=day, quorum_override_reason="Testing")


def hold(family, social_worker, chair, clock):
    """An initial conference held (quorate) on Friday 20 March 2026; the clock is that afternoon."""
    conf = story.request_icpc(child=family[0], social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    story.invite_everyone(conference=conf, actor=chair)
    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    services.record_save_section(actor=chair, conference=conf, section="harm", text="Bruising to the arm",
                                 base_revision=0)
    services.record_save_section(actor=chair, conference=conf, section="confidential_information",
                                 text="The neighbour who phoned the police", base_revision=0)
    services.scaling_record(actor=chair, conference=conf, participant="Police", score=3, reason="Repeat call-outs")
    clock.move_to(HELD_AT)
    return story.hold(conference=conf, chair=chair, held_on=FRI_20_MAR)


@pytest.fixture
def plan(held, chair, social_worker):
    decide_plan(held, chair, social_worker, category="NEG")
    return Conference.objects.get(pk=held.pk).plan


@pytest.fixture
def signed(plan, held, chair):
    services.minutes_sign(actor=chair, minutes=Minutes.objects.get(conference=held))
    return Conference.objects.get(pk=held.pk)


def build(state: str) -> SimpleNamespace:
    """The people of tests/conftest.py by the same names, Zebedee's family, and the initial conference held, then
    (``state`` "plan") a plan decided, then ("signed") the minutes signed: what the fixtures above build."""
    with freeze_time("2026-03-02 09:00") as clock:
        la = people.la()
        team = people.team(la)
        w = SimpleNamespace(
            state=state, la=la, team=team,
            social_worker=people.social_worker(la, team),
            police=people.police(), health=people.health(),
            school=people.school(), plan=None, signed=None,
        )
        w.family = make_family(la=la, team=team, social_worker=w.social_worker, police=w.police, health=w.health,
                               school=w.school)
        w.chair = people.chair(la)
        w.held = hold(w.family, w.social_worker, w.chair, clock)
        if state in ("plan", "signed"):
            decide_plan(w.held, w.chair, w.social_worker, category="NEG")
            w.plan = Conference.objects.get(pk=w.held.pk).plan
        if state == "signed":
            services.minutes_sign(actor=w.chair, minutes=Minutes.objects.get(conference=w.held))
            w.signed = Conference.objects.get(pk=w.held.pk)
    return w


class ZebedeesConference:
    """The base of the test classes below. The class's world (its ``state``) is built once and rolled back after
    the class's last test; each test runs in a savepoint of it (what it writes is its own) and gets its own copy
    of the objects the fixtures above would have given it (``copy.deepcopy``, as Django's ``setUpTestData``
    does), the clock standing where they left it. Anyone else a test asks for (``team_manager``, ``colleague``...)
    is made for that test, as anywhere else."""

    state: str

    @pytest.fixture(scope="class")
    @classmethod
    def kept_world(cls, django_db_setup, django_db_blocker):
        assert cls.state in ("held", "plan", "signed")
        yield from built(lambda: build(cls.state), django_db_blocker)

    @pytest.fixture
    def world(self, kept_world):
        return deepcopy(kept_world)

    @pytest.fixture
    def clock(self, world):
        with freeze_time(HELD_AT) as frozen:
            yield frozen

    @pytest.fixture
    def la(self, world):
        return world.la

    @pytest.fixture
    def team(self, world):
        return world.team

    @pytest.fixture
    def social_worker(self, world):
        return world.social_worker

    @pytest.fixture
    def police(self, world):
        return world.police

    @pytest.fixture
    def health(self, world):
        return world.health

    @pytest.fixture
    def school(self, world):
        return world.school

    @pytest.fixture
    def chair(self, world):
        return world.chair

    @pytest.fixture
    def family(self, world):
        return world.family

    @pytest.fixture
    def held(self, clock, world):
        return world.held

    @pytest.fixture
    def plan(self, clock, world):
        assert world.plan is not None, "a test of a class whose world has a plan"
        return world.plan

    @pytest.fixture
    def signed(self, clock, world):
        assert world.signed is not None, "a test of a class whose minutes are signed"
        return world.signed


class TestHeld(ZebedeesConference):
    """Zebedee's initial conference held: the decision."""

    state = "held"


    # --- plan or no plan --------------------------------------------------------------------------------

    def test_a_plan_is_made_with_its_category_lead_core_group_and_outline_plan(
            self, held, chair, social_worker, police, team, family):
        officer = family[2][police.pk]
        decision = decide_plan(held, chair, social_worker, category="PHY", rationale=" Significant harm likely ",
                               core_group=[MemberInput(name="Sam Worker", role="Lead social worker",
                                                       user_id=social_worker.pk),
                                           MemberInput(name=officer.full_name, role="Police", user_id=officer.pk,
                                                       agency_id=police.pk),
                                           MemberInput(name="Mary", role="Mother", adult_id=family[1].pk)],
                               actions=[ACTION, ActionInput(description="Nursery five days a week", owner_name="School",
                                                            due_date=date(2026, 5, 1))])

        conf = Conference.objects.get(pk=held.pk)
        plan = conf.plan
        assert conf.status == "decided"
        assert (decision.outcome, decision.category, decision.rationale, decision.decided_by) == (
            "plan", "PHY", "Significant harm likely", chair)
        assert (plan.status, plan.started_on, plan.initial_category, plan.latest_category) == (
            "active", FRI_20_MAR, "PHY", "PHY")
        assert (plan.lead_social_worker, plan.previous_plans, plan.child) == (social_worker, 0, family[0])
        assert sorted(plan.core_group.values_list("role", flat=True)) == ["Lead social worker", "Mother", "Police"]
        assert list(plan.actions.values_list("description", "owner_name", "due_date")) == [
            ("Home conditions checked weekly", "Lead social worker", date(2026, 4, 17)),
            ("Nursery five days a week", "School", date(2026, 5, 1))]
        assert CaseEvent.objects.get(code="plan.started", subject_id=plan.pk).payload == {
            "category": "PHY", "previous_plans": 0}
        assert CaseEvent.objects.get(code="conference.decided", subject_id=conf.pk).payload["outcome"] == "plan"

    def test_a_plan_opens_the_core_group_review_outline_plan_and_minutes_deadlines(
            self, held, chair, social_worker, team):
        decide_plan(held, chair, social_worker)
        conf = Conference.objects.get(pk=held.pk)
        plan = conf.plan

        expected = {
            (plan, "core_group_first"): (date(2026, 4, 7), social_worker, team, "First core group meeting"),
            (plan, "rcpc_first"): (date(2026, 6, 19), chair, team, "First review conference"),
            (conf, "outline_plan"): (date(2026, 3, 23), chair, None, "Outline plan and decision letter"),
            (conf, "conference_minutes"): (date(2026, 4, 14), chair, None, "Conference minutes sent"),
        }
        for (subject, rule), (due, person, responsible_team, label) in expected.items():
            d = deadline(subject, rule)
            assert (d.anchor_date, d.due_date, d.status) == (FRI_20_MAR, due, "open"), rule
            assert (d.responsible_person, d.responsible_team, d.label) == (person, responsible_team, label), rule
            for name in ("Zebedee", "Quennell", "Mary", "Sam Worker", "Chris Chair"):
                assert name not in d.label
        assert deadline(conf, "icpc").status == "met_on_time"

    @pytest.mark.parametrize(("kw", "expected"), [
        ({"category": ""}, {"category": ["Choose the category of abuse or neglect"]}),
        ({"lead_social_worker": None}, {"lead_social_worker": ["Choose the lead social worker"]}),
        ({"actions": []}, {"actions": ["Add at least one action to the outline plan"]}),
        ({"actions": [ActionInput(description="  ", owner_name="SW", due_date=date(2026, 4, 1))]},
         {"actions": ["Action 1: enter what will be done, by whom and by when"]}),
        ({"actions": [ACTION, ActionInput(description="Visit", owner_name=" ", due_date=date(2026, 4, 1))]},
         {"actions": ["Action 2: enter what will be done, by whom and by when"]}),
        # an action of the outline plan made at the conference cannot be due before it
        ({"actions": [ACTION, ActionInput(description="Visit", owner_name="SW", due_date=date(2026, 3, 19))]},
         {"actions": ["Action 2: the date it is due by cannot be before the conference (20 March 2026)"]}),
    ])
    def test_a_plan_needs_a_category_a_lead_and_complete_actions(self, held, chair, social_worker, kw, expected):
        with pytest.raises(ValidationError) as exc:
            decide_plan(held, chair, social_worker, **kw)
        assert errors_of(exc) == expected
        assert Conference.objects.get(pk=held.pk).status == "held"
        assert not ChildProtectionPlan.objects.exists() and not Decision.objects.exists()

    def test_a_category_that_is_not_a_census_code_is_refused(self, held, chair, social_worker):
        with pytest.raises(ValidationError) as exc:
            decide_plan(held, chair, social_worker, category="XYZ")
        assert errors_of(exc) == {"category": [
            "Choose a category of abuse or neglect from the list (NEG, PHY, EMO, SAB or MUL)"]}
        assert not ChildProtectionPlan.objects.exists()

    def test_no_plan_needs_the_next_step_and_makes_no_plan(self, held, chair):
        with pytest.raises(ValidationError) as exc:
            services.conference_decide(actor=chair, conference=held, outcome="no_plan")
        assert errors_of(exc) == {"next_step": ["Choose the next step"]}

        decision = services.conference_decide(actor=chair, conference=held, outcome="no_plan", next_step="early_help",
                                              category="NEG")
        assert (decision.outcome, decision.next_step, decision.category) == ("no_plan", "early_help", "")
        conf = Conference.objects.get(pk=held.pk)
        assert conf.plan is None and not ChildProtectionPlan.objects.exists()
        assert deadline(conf, "outline_plan").due_date == date(2026, 3, 23)
        assert deadline(conf, "conference_minutes").due_date == date(2026, 4, 14)
        assert not Deadline.objects.filter(rule_key__in=["core_group_first", "rcpc_first"]).exists()

    def test_an_initial_conference_cannot_continue_or_end_a_plan(self, held, chair):
        for outcome in ("continue", "end"):
            with pytest.raises(ValidationError) as exc:
                services.conference_decide(actor=chair, conference=held, outcome=outcome, next_step="none",
                                           end_reason="harm_reduced")
            assert errors_of(exc) == {"outcome": [
                "This conference decides child protection plan or no child protection plan"]}

    def test_only_the_chair_decides(self, held, social_worker, la, team_manager):
        other_chair = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
        for person in (other_chair, social_worker, team_manager):
            with pytest.raises(ValidationError) as exc:
                services.conference_decide(actor=person, conference=held, outcome="no_plan", next_step="none")
            assert exc.value.messages == ["Only the conference's chair records its decision"]
        assert Conference.objects.get(pk=held.pk).status == "held"

    def test_the_decision_letter_is_published_after_the_decision_each_time_as_a_new_version(self, family, held, chair,
                                                                                           social_worker):
        with pytest.raises(ValidationError) as exc:
            services.decision_letter_publish(actor=chair, conference=held)
        assert exc.value.messages == ["The decision letter is published after the decision"]
        decide_plan(held, chair, social_worker)
        first = services.decision_letter_publish(actor=chair, conference=held)
        assert {(d.kind, d.copy, d.version) for d in first} == {("decision_letter", "professional", 1),
                                                               ("decision_letter", "family", 1)}
        assert {d.filename for d in first} == {f"{family[0].local_child_id}-decision-letter-v1-professional.pdf",
                                               f"{family[0].local_child_id}-decision-letter-v1-family.pdf"}
        again = services.decision_letter_publish(actor=chair, conference=held)
        assert {d.version for d in again} == {2}
        assert Document.objects.filter(kind="decision_letter").count() == 4


class TestPlan(ZebedeesConference):
    """A plan decided at Zebedee's initial conference: reviews, core groups, minutes."""

    state = "plan"


    # --- reviews ----------------------------------------------------------------------------------------

    def test_a_review_that_continues_with_a_new_category_keeps_the_change_in_history(
            self, plan, chair, social_worker, clock, colleague):
        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        assert deadline(plan, "rcpc_first").status == "met_on_time"
        with pytest.raises(ValidationError) as exc:
            services.conference_decide(actor=chair, conference=review, outcome="plan", category="EMO",
                                       lead_social_worker=social_worker, actions=[SUMMER_ACTION])
        assert errors_of(exc) == {"outcome": ["This conference decides continue the plan or end the plan"]}

        decision = services.conference_decide(actor=chair, conference=review, outcome="continue", category="EMO",
                                              lead_social_worker=colleague)

        plan.refresh_from_db()
        assert (plan.initial_category, plan.latest_category, plan.status) == ("NEG", "EMO", "active")
        assert plan.lead_social_worker == colleague
        assert decision.category == "EMO"
        change = CategoryChange.objects.get(plan=plan)
        assert (change.from_category, change.to_category, change.changed_on, change.changed_by,
                change.conference_id) == (
            "NEG", "EMO", THU_18_JUN, chair, review.pk)
        reasons = [h.history_change_reason for h in plan.history.all()]
        assert "Category changed at review conference" in reasons
        assert [h.latest_category for h in plan.history.all()][-1] == "NEG"
        nxt = deadline(plan, "rcpc_next")
        assert (nxt.anchor_date, nxt.due_date, nxt.label, nxt.responsible_person) == (
            THU_18_JUN, date(2026, 12, 18), "Next review conference", chair)
        assert CaseEvent.objects.get(code="plan.category_changed").payload == {"from": "NEG", "to": "EMO"}

    def test_a_held_review_is_due_by_the_review_deadline_it_met(self, plan, chair, social_worker, clock):
        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        first = deadline(plan, "rcpc_first")
        assert selectors.due_deadline(Conference.objects.get(pk=review.pk)) == first
        services.conference_decide(actor=chair, conference=review, outcome="continue")
        assert selectors.due_deadline(Conference.objects.get(pk=review.pk)) == first

    def test_a_review_that_continues_without_a_category_keeps_the_latest(self, plan, chair, social_worker, clock):
        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        decision = services.conference_decide(actor=chair, conference=review, outcome="continue")
        assert decision.category == "NEG" and not CategoryChange.objects.exists()
        plan.refresh_from_db()
        assert plan.latest_category == "NEG" and plan.lead_social_worker == social_worker
        # the next review after the second is six months on again
        clock.move_to("2026-12-01 09:00")
        second = services.conference_request(actor=social_worker, child=plan.child, kind="review")
        assert selectors.due_deadline(second).due_date == date(2026, 12, 18)

    def test_ending_a_plan_needs_a_reason_and_a_next_step_and_cancels_its_open_deadlines(
            self, plan, chair, social_worker, clock):
        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        assert deadline(plan, "core_group_first").status == "open"  # never met in this story
        with pytest.raises(ValidationError) as exc:
            services.conference_decide(actor=chair, conference=review, outcome="end")
        assert errors_of(exc) == {"next_step": ["Choose the next step"],
                                  "end_reason": ["Choose why the plan is ending"]}

        decision = services.conference_decide(actor=chair, conference=review, outcome="end", end_reason="harm_reduced",
                                              next_step="cin_plan", category="EMO")
        assert (decision.outcome, decision.end_reason, decision.next_step, decision.category) == (
            "end", "harm_reduced", "cin_plan", "")
        plan.refresh_from_db()
        assert (plan.status, plan.ended_on, plan.end_reason, plan.latest_category) == (
            "ended", THU_18_JUN, "harm_reduced", "NEG")
        assert plan.history.first().history_change_reason == "Ended: Likelihood of significant harm has reduced"
        assert deadline(plan, "core_group_first").status == "cancelled"
        assert not Deadline.objects.filter(rule_key="rcpc_next").exists()
        assert CaseEvent.objects.get(code="plan.ended").payload == {"reason": "harm_reduced"}
        # the review's own documents are still due
        assert deadline(review, "conference_minutes").status == "open"

    def test_previous_plans_count_the_childs_ended_plans(self, plan, chair, social_worker, clock):
        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        services.conference_decide(actor=chair, conference=review, outcome="end", end_reason="harm_reduced",
                                   next_step="cin_plan")
        clock.move_to("2026-07-01 09:00")
        again = story.request_icpc(child=plan.child, social_worker=social_worker,
                                   strategy_discussion_date=date(2026, 7, 1))
        story.book(conference=again, chair=chair, actor=chair, day=date(2026, 7, 10))
        clock.move_to("2026-07-10 13:00")
        again = services.conference_hold(actor=chair, conference=again, held_on=date(2026, 7, 10),
                                         quorum_override_reason="x")
        decide_plan(again, chair, social_worker, category="SAB", actions=[SUMMER_ACTION])
        second = Conference.objects.get(pk=again.pk).plan
        assert second.pk != plan.pk
        assert (second.previous_plans, second.initial_category, second.latest_category) == (1, "SAB", "SAB")


    # --- core groups, actions and the mid-way audit ------------------------------------------------------

    def test_no_core_group_meeting_is_recorded_on_an_ended_plan(self, plan, social_worker, clock):
        ChildProtectionPlan.objects.filter(pk=plan.pk).update(status=ChildProtectionPlan.Status.ENDED,
                                                              ended_on=date(2026, 4, 1), end_reason="harm_reduced")
        clock.move_to("2026-04-02 16:00")
        with pytest.raises(ValidationError) as exc:
            services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=date(2026, 4, 2), progress="x")
        assert exc.value.messages == ["The plan has ended: core group meetings are recorded only while it is active"]
        assert not plan.core_group_meetings.exists()

    def test_the_first_core_group_meets_its_deadline(self, plan, social_worker, clock):
        member = plan.core_group.get()
        clock.move_to("2026-04-02 16:00")
        meeting = services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=date(2026, 4, 2),
                                                     progress=" Two visits done ", attendee_ids=[member.pk, 999999],
                                                     next_meeting_on=date(2026, 4, 30))
        assert (meeting.progress, meeting.next_meeting_on, meeting.recorded_by) == (
            "Two visits done", date(2026, 4, 30), social_worker)
        assert list(meeting.attendees.all()) == [member]
        d = deadline(plan, "core_group_first")
        assert (d.status, d.met_on) == ("met_on_time", date(2026, 4, 2))
        # later meetings meet nothing more
        clock.move_to("2026-04-30 16:00")
        services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=date(2026, 4, 30), progress="More")
        assert deadline(plan, "core_group_first").met_on == date(2026, 4, 2)
        assert CaseEvent.objects.filter(code="plan.core_group_met", subject_id=plan.pk).count() == 2

    def test_a_late_first_core_group_needs_a_reason(self, plan, social_worker, clock):
        clock.move_to("2026-04-08 16:00")  # due Tuesday 7 April
        with pytest.raises(ValidationError) as exc:
            services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=date(2026, 4, 8),
                                               progress="Done")
        assert errors_of(exc) == {"late_reason": ["This was due on 7 April 2026: say why it was late"]}
        assert not plan.core_group_meetings.exists()
        services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=date(2026, 4, 8), progress="Done",
                                           late_reason="Father's court date")
        d = deadline(plan, "core_group_first")
        assert (d.status, d.late_reason) == ("met_late", "Father's court date")

    @pytest.mark.parametrize(("kw", "expected"), [
        ({"held_on": date(2026, 3, 21)}, {"held_on": ["The date of the meeting must be today or in the past"]}),
        ({"held_on": date(2026, 3, 19)}, {"held_on": ["The meeting cannot be before the plan started"]}),
        ({"progress": " "}, {"progress": ["Record the progress on the plan's actions"]}),
        ({"next_meeting_on": FRI_20_MAR}, {"next_meeting_on": ["The next meeting must be after this one"]}),
    ])
    def test_core_group_meetings_are_validated(self, plan, social_worker, kw, expected):
        kw = {"held_on": FRI_20_MAR, "progress": "Started", **kw}
        with pytest.raises(ValidationError) as exc:
            services.core_group_meeting_record(actor=social_worker, plan=plan, **kw)
        assert errors_of(exc) == expected

    def test_plan_actions_are_added_and_updated_and_an_ended_plan_takes_none(self, plan, chair, social_worker, clock):
        action = services.plan_action_add(actor=social_worker, plan=plan, action=ActionInput(
            description="GP check", owner_name="Health visitor", due_date=date(2026, 4, 30)))
        with pytest.raises(ValidationError) as exc:
            services.plan_action_add(actor=social_worker, plan=plan, action=ActionInput(
                description=" ", owner_name="", due_date=None))
        assert errors_of(exc) == {"description": ["Enter what will be done"], "owner_name": ["Enter who will do it"],
                                  "due_date": ["Enter the date it is due by"]}
        with pytest.raises(ValidationError) as exc:  # the plan started on 20 March
            services.plan_action_add(actor=social_worker, plan=plan, action=ActionInput(
                description="GP check", owner_name="Health visitor", due_date=date(2026, 3, 19)))
        assert errors_of(exc) == {"due_date": ["The date it is due by cannot be before the plan started"]}
        # the day the plan started is the earliest
        services.plan_action_add(actor=social_worker, plan=plan, action=ActionInput(
            description="Safety plan signed", owner_name="Mother", due_date=FRI_20_MAR))
        services.plan_action_update(actor=social_worker, action=action, progress="in_progress", note="Booked")
        services.plan_action_update(actor=social_worker, action=action, progress="in_progress", note="Booked")
        action = PlanAction.objects.get(pk=action.pk)
        assert (action.progress, action.progress_note) == ("in_progress", "Booked")
        assert CaseEvent.objects.filter(code="plan.action_updated").count() == 1

        review = review_held(plan, chair=chair, social_worker=social_worker, clock=clock)
        services.conference_decide(actor=chair, conference=review, outcome="end", end_reason="harm_reduced",
                                   next_step="none")
        with pytest.raises(ValidationError) as exc:
            services.plan_action_add(actor=social_worker, plan=plan, action=ACTION)
        assert exc.value.messages == ["The plan has ended"]

    def test_the_midway_audit_tells_the_allocated_teams_managers(self, plan, chair, team_manager, la, other_team, team,
                                                                clock):
        elsewhere = make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Tim Elsewhere")
        former = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Fay Former")
        Membership.objects.filter(user=former).update(is_active=False)
        clock.move_to("2026-05-01 12:00")

        audit = services.midway_audit_record(actor=chair, plan=plan, audited_on=date(2026, 5, 1), progress="On track")

        assert (audit.chair, audit.escalation_raised, audit.escalation_detail) == (chair, False, "")
        notes = Notification.objects.filter(subject__startswith="Chair's mid-way audit")
        assert [(n.recipient, n.subject, n.email_pending) for n in notes] == [
            (team_manager, "Chair's mid-way audit recorded", False)]
        assert notes.get().url == f"/conferences/plans/{plan.public_id}/"
        assert not Notification.objects.filter(recipient__in=[elsewhere, former]).exists()

        services.midway_audit_record(actor=chair, plan=plan, audited_on=date(2026, 5, 1), progress="Drifting",
                                     escalation_raised=True, escalation_detail="Raised with the service manager")
        escalated = Notification.objects.get(subject="Chair's mid-way audit: escalation raised")
        assert escalated.recipient == team_manager and escalated.email_pending
        assert CaseEvent.objects.filter(code="plan.midway_audit", subject_id=plan.pk).count() == 2

    @pytest.mark.parametrize(("kw", "expected"), [
        ({"progress": ""}, {"progress": ["Record the progress you found"]}),
        ({"escalation_raised": True}, {"escalation_detail": ["Say what you escalated and to whom"]}),
        ({"audited_on": date(2026, 3, 21)}, {"audited_on": ["The audit date must be today or in the past"]}),
        ({"audited_on": date(2026, 3, 19)}, {"audited_on": ["The audit cannot be before the plan started"]}),
    ])
    def test_the_midway_audit_is_validated(self, plan, chair, kw, expected):
        kw = {"audited_on": FRI_20_MAR, "progress": "On track", **kw}
        with pytest.raises(ValidationError) as exc:
            services.midway_audit_record(actor=chair, plan=plan, **kw)
        assert errors_of(exc) == expected


    # --- minutes ----------------------------------------------------------------------------------------

    def test_the_decision_drafts_the_minutes_from_the_record(self, plan, held):
        minutes = Minutes.objects.get(conference=held)
        assert (minutes.version, minutes.status, minutes.change_reason) == (1, "draft", "")
        keys = [s["key"] for s in minutes.sections]
        assert keys == ["attendance", "child_voice", "parents_views", "harm", "danger_statements",
                        "complicating_factors", "working_well", "safety_goals", "professional_dissent",
                        "confidential_information", "scaling", "reports_not_received", "decision", "outline_plan",
                        "core_group"]
        by_key = {s["key"]: s for s in minutes.sections}
        assert [k for k, s in by_key.items() if s["confidential"]] == ["confidential_information"]
        assert by_key["confidential_information"]["body"] == "The neighbour who phoned the police"
        assert by_key["harm"]["body"] == "Bruising to the arm"
        assert by_key["scaling"]["body"] == "Police: 3 (Repeat call-outs)"
        assert "Mary Quennell-Marsh, Mother (parental responsibility): Attended" in by_key["attendance"]["body"]
        assert by_key["decision"]["body"].startswith("Decision: Child protection plan\nCategory: Neglect")  # no code
        assert "NEG" not in by_key["decision"]["body"]
        # "Lead social worker" names the plan's lead social worker (ADR 28)
        lead = Conference.objects.get(pk=held.pk).plan.lead_social_worker.display_name
        assert by_key["outline_plan"]["body"] == (f"Home conditions checked weekly (by {lead} (Lead social worker), "
                                                  "due 17 April 2026)")
        assert "invited, no report received" in by_key["reports_not_received"]["body"]
        assert CaseEvent.objects.filter(code="minutes.drafted", subject_id=held.pk).count() == 1

    def test_draft_minutes_are_edited_and_validated(self, plan, held, chair):
        minutes = Minutes.objects.get(conference=held)
        new = [{"key": "harm", "heading": "Harm", "body": "Edited text"},
               {"heading": "Third-party", "body": "Secret", "confidential": True}]
        edited = services.minutes_edit(actor=chair, minutes=minutes, sections=new)
        assert edited.sections == [
            {"key": "harm", "heading": "Harm", "body": "Edited text", "confidential": False},
            {"key": "section_2", "heading": "Third-party", "body": "Secret", "confidential": True}]
        assert Minutes.objects.get(pk=minutes.pk).history.first().history_change_reason == "Edited"
        versions = minutes.history.count()
        services.minutes_edit(actor=chair, minutes=minutes, sections=new)  # no change
        assert minutes.history.count() == versions
        for bad, message in (([], "The minutes need at least one section"), ("text", "The minutes need at least one "
                                                                                     "section"),
                             ([{"heading": " ", "body": "x"}], "Section 1 needs a heading"),
                             (["x"], "Section 1 is not valid")):
            with pytest.raises(ValidationError) as exc:
                services.minutes_edit(actor=chair, minutes=minutes, sections=bad)
            assert errors_of(exc) == {"sections": [message]}

    def test_signed_minutes_are_never_edited_and_a_revision_is_a_new_version_with_a_reason(
            self, plan, held, chair, clock):
        minutes = Minutes.objects.get(conference=held)
        with pytest.raises(ValidationError) as exc:
            services.minutes_revise(actor=chair, conference=held, reason="Typo")
        assert exc.value.messages == ["A new version is already being drafted"]
        services.minutes_sign(actor=chair, minutes=minutes)

        with pytest.raises(ValidationError) as exc:
            services.minutes_edit(actor=chair, minutes=minutes, sections=[{"heading": "X", "body": "Y"}])
        assert exc.value.messages == ["Signed minutes are never changed: start a new version with a reason"]
        with pytest.raises(ValidationError) as exc:
            services.minutes_revise(actor=chair, conference=held, reason="  ")
        assert errors_of(exc) == {"reason": ["Say why the signed minutes need changing"]}

        v2 = services.minutes_revise(actor=chair, conference=held, reason=" Mother's name misspelt ")

        assert (v2.version, v2.status, v2.change_reason) == (2, "draft", "Mother's name misspelt")
        assert v2.sections == Minutes.objects.get(pk=minutes.pk).sections
        assert v2.history.first().history_change_reason == "Mother's name misspelt"
        assert Minutes.objects.get(pk=minutes.pk).status == "signed"  # v1 as it was
        services.minutes_edit(actor=chair, minutes=v2, sections=[{"heading": "Attendance", "body": "Fixed"}])
        assert Minutes.objects.get(pk=minutes.pk).sections != Minutes.objects.get(pk=v2.pk).sections
        assert CaseEvent.objects.filter(code="minutes.drafted").latest("id").payload == {
            "version": 2, "reason": "Mother's name misspelt"}

    def test_minutes_draft_again_returns_the_existing_minutes(self, plan, held, chair):
        first = Minutes.objects.get(conference=held)
        assert services.minutes_draft(actor=chair, conference=held) == first
        services.minutes_sign(actor=chair, minutes=first)
        assert services.minutes_draft(actor=chair, conference=held) == first
        assert Minutes.objects.filter(conference=held).count() == 1


    # --- signing, publishing and sending ------------------------------------------------------------------

    def test_a_revised_version_is_published_as_version_2_beside_version_1(self, plan, held, chair):
        v1 = services.minutes_sign(actor=chair, minutes=Minutes.objects.get(conference=held))
        first = set(Document.objects.values_list("pk", "sha256"))
        v2 = services.minutes_revise(actor=chair, conference=held, reason="Wrong date of birth")
        services.minutes_edit(actor=chair, minutes=v2, sections=[{"heading": "Attendance", "body": "Corrected"}])
        services.minutes_sign(actor=chair, minutes=v2)
        assert set(Document.objects.filter(version=1).values_list("pk", "sha256")) == first
        assert set(Document.objects.filter(version=2).values_list("copy", "minutes")) == {
            ("professional", v2.pk), ("family", v2.pk)}
        assert Minutes.objects.get(pk=v1.pk).status == "signed"

    def test_an_action_typed_as_a_role_or_agency_names_the_core_group_member_who_owns_it(
            self, plan, family, chair, police, health, school):
        """ADR 28: "Police" names the core group's police officer; two who could be meant leave it as typed."""
        people = family[2]
        for agency, role in ((police, "Public protection officer"), (health, "Health visitor")):
            services.core_group_member_add(actor=chair, plan=plan, member=services.MemberInput(
                name=people[agency.pk].full_name, role=role, user_id=people[agency.pk].pk, agency_id=agency.pk))
        due = plan.started_on + timedelta(days=30)

        def add(owner_name):
            return services.plan_action_add(actor=chair, plan=plan, action=services.ActionInput(
                description="Something to do", owner_name=owner_name, due_date=due))

        officer = people[police.pk]
        assert add("Police").owner == officer
        assert add("Police").owner_label == f"{officer.full_name} (Police)"
        assert add("Northmoor Police").owner == officer  # the agency's name
        assert add("Health visitor or school nurse").owner == people[health.pk]  # the member's role
        assert add("Lead social worker").owner == plan.lead_social_worker
        assert add("Oakfield Primary School").owner is None  # nobody from the school is in the core group
        assert add("Oakfield Primary School").owner_label == "Oakfield Primary School"
        services.core_group_member_add(actor=chair, plan=plan, member=services.MemberInput(
            name="Second Officer", role="Neighbourhood officer",
            user_id=make_user(police, Role.PARTNER_PRACTITIONER).pk,
            agency_id=police.pk))
        assert add("Police").owner is None  # two police officers: the chair names one


class TestSigned(ZebedeesConference):
    """The minutes of Zebedee's initial conference signed: sending the documents."""

    state = "signed"


    # --- signing, publishing and sending ------------------------------------------------------------------

    def test_family_invitees_get_the_family_copy_and_professionals_the_professional_copy(
            self, signed, chair, family, police, school):
        child, mother, people = family
        mum = Invitation.objects.get(conference=signed, adult=mother)
        officer = Invitation.objects.get(conference=signed, agency=police)
        dsl = Invitation.objects.get(conference=signed, agency=school)
        sent = services.documents_distribute(actor=chair, conference=signed, kind="minutes",
                                             invitations=[mum, officer, dsl], method="secure_email")
        got = {d.invitation_id: (d.document.copy, d.is_family, d.agency_id, d.user_id) for d in sent}
        assert got == {mum.pk: ("family", True, None, None),
                       officer.pk: ("professional", False, police.pk, people[police.pk].pk),
                       dsl.pk: ("professional", False, school.pk, people[school.pk].pk)}
        assert {d.sent_on for d in sent} == {FRI_20_MAR} and {d.method for d in sent} == {"secure_email"}
        d = deadline(signed, "conference_minutes")
        assert (d.status, d.met_on) == ("met_on_time", FRI_20_MAR)
        notes = Notification.objects.filter(subject="Conference minutes sent to you")
        assert {n.recipient for n in notes} == {people[police.pk], people[school.pk]}
        assert {n.url for n in notes} == {f"/conferences/{signed.public_id}/documents/"}
        # sending again to the same people sends nothing new
        assert services.documents_distribute(actor=chair, conference=signed, kind="minutes", invitations=[mum, officer],
                                             method="post") == []
        assert CaseEvent.objects.filter(code="document.distributed").count() == 1

    def test_sending_is_validated(self, signed, chair, family, la, social_worker, clock):
        mum = Invitation.objects.get(conference=signed, adult=family[1])
        kw = {"actor": chair, "conference": signed, "kind": "minutes"}
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(**kw, invitations=[], method="post")
        assert errors_of(exc) == {"recipients": ["Choose who the document is sent to"]}
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(**kw, invitations=[mum], method="in_app")
        assert errors_of(exc) == {"method": [
            "Mary Quennell-Marsh has no account: choose secure email, post or by hand"]}
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(**kw, invitations=[mum], method="post", sent_on=date(2026, 3, 21))
        assert errors_of(exc) == {"sent_on": ["The date sent must be today or in the past"]}
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(actor=chair, conference=signed, kind="decision_letter", invitations=[mum],
                                          method="post")
        assert exc.value.messages == ["The decision letter and outline plan has not been published yet"]
        other = story.request_icpc(child=ChildFactory(local_authority=la), social_worker=social_worker,
                                   strategy_discussion_date=FRI_20_MAR)
        stranger = services.invitation_add(actor=chair, conference=other, kind="family", name="Someone else")
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(**kw, invitations=[stranger], method="post")
        assert errors_of(exc) == {"recipients": ["Recipients must be invitees of this conference"]}
        assert not Distribution.objects.exists()

    def test_sending_the_decision_letter_late_needs_a_reason(self, signed, chair, family, clock):
        services.decision_letter_publish(actor=chair, conference=signed)
        mum = Invitation.objects.get(conference=signed, adult=family[1])
        clock.move_to("2026-03-24 10:00")  # due Monday 23 March
        with pytest.raises(ValidationError) as exc:
            services.documents_distribute(actor=chair, conference=signed, kind="decision_letter", invitations=[mum],
                                          method="post")
        assert errors_of(exc) == {"late_reason": ["This was due on 23 March 2026: say why it was late"]}
        services.documents_distribute(actor=chair, conference=signed, kind="decision_letter", invitations=[mum],
                                      method="post", late_reason="Chair off sick")
        d = deadline(signed, "outline_plan")
        assert (d.status, d.late_reason) == ("met_late", "Chair off sick")


# --- the tests that build their own conference, or render real PDFs ----------------------------------------


def test_a_conference_is_decided_only_once_held_and_only_once(family, social_worker, chair, clock):
    conf = story.request_icpc(child=family[0], social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    with pytest.raises(ValidationError) as exc:
        services.conference_decide(actor=chair, conference=conf, outcome="no_plan", next_step="none")
    assert exc.value.messages == ["A conference that is scheduled cannot be decided"]
    clock.move_to("2026-03-20 13:00")
    held = services.conference_hold(actor=chair, conference=conf, held_on=FRI_20_MAR, quorum_override_reason="x")
    first = services.conference_decide(actor=chair, conference=held, outcome="no_plan", next_step="none")
    again = services.conference_decide(actor=chair, conference=held, outcome="plan", category="NEG")
    assert again == first and again.outcome == "no_plan"
    assert CaseEvent.objects.filter(code="conference.decided").count() == 1


def test_an_inquorate_conference_says_so_in_the_minutes(family, social_worker, chair, clock):
    conf = story.request_icpc(child=family[0], social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    clock.move_to("2026-03-20 13:00")
    conf = services.conference_hold(actor=chair, conference=conf, held_on=FRI_20_MAR,
                                    quorum_override_reason="Urgent risk")
    services.conference_decide(actor=chair, conference=conf, outcome="no_plan", next_step="none")
    sections = Minutes.objects.get(conference=conf).sections
    assert sections[1] == {"key": "quorum", "heading": "Quorum", "confidential": False,
                           "body": "The conference was not quorate. The chair went ahead because: Urgent risk"}


def test_there_is_nothing_to_revise_before_the_minutes_exist(family, social_worker, chair):
    conf = story.request_icpc(child=family[0], social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.minutes_revise(actor=chair, conference=conf, reason="Typo")
    assert exc.value.messages == ["There are no minutes yet"]


@pytest.mark.pdf  # the two copies differ only when really rendered
def test_only_the_chair_signs_and_signing_publishes_a_professional_and_a_family_copy(plan, held, chair, la,
                                                                                     family):
    minutes = Minutes.objects.get(conference=held)
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    with pytest.raises(ValidationError) as exc:
        services.minutes_sign(actor=abe, minutes=minutes)
    assert exc.value.messages == ["Only the conference's chair signs the minutes off"]
    assert not Document.objects.exists()

    signed = services.minutes_sign(actor=chair, minutes=minutes)

    assert (signed.status, signed.signed_by, signed.signed_at) == ("signed", chair, timezone.now())
    docs = {d.copy: d for d in Document.objects.filter(conference=held)}
    assert set(docs) == {"professional", "family"}
    ref = family[0].local_child_id
    for copy, d in docs.items():
        content = bytes(d.content)
        assert content.startswith(b"%PDF")
        assert (d.kind, d.version, d.minutes_id, d.size) == ("minutes", 1, minutes.pk, len(content))
        assert d.sha256 == hashlib.sha256(content).hexdigest()
        assert d.filename == f"{ref}-minutes-v1-{copy}.pdf"
    assert docs["professional"].sha256 != docs["family"].sha256
    # signing again changes nothing
    services.minutes_sign(actor=chair, minutes=minutes)
    assert Document.objects.count() == 2
    assert CaseEvent.objects.filter(code="minutes.signed").count() == 1
    assert CaseEvent.objects.filter(code="document.published").count() == 2
