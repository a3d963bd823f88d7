"""The state factories give the state they are named after, built through the services; a shared world
is built once and each test's writes stay in that test."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from freezegun import freeze_time

from cases.models import Child
from conferences.models import ChildProtectionPlan, Conference, Invitation, Minutes
from safeguarding.accounts.models import Agency
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory
from tests.factories.states import (
    ActivePlanFactory,
    AllocatedChildFactory,
    BookedConferenceFactory,
    ChildWithPlanFactory,
    DecidedConferenceFactory,
    HeldConferenceFactory,
    MetDeadlineFactory,
    OpenDeadlineFactory,
    OverdueDeadlineFactory,
    RequestedConferenceFactory,
    subject_deadlines,
)
from tests.factories.worlds import shared_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 10)  # a Wednesday
S = Conference.Status
D = Deadline.Status


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-06-10 11:00:00"):
        yield


def events_of(subject) -> set[str]:
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    return set(CaseEvent.objects.filter(subject_type=ct, subject_id=subject.pk).values_list("code", flat=True))


def statuses(subject) -> dict[str, str]:
    return dict(subject_deadlines(subject).values_list("rule_key", "status"))


def test_an_allocated_child_has_a_team_and_a_social_worker_of_its_authority():
    child = AllocatedChildFactory()

    assert child.allocated_team.agency == child.local_authority
    assert child.allocated_social_worker.memberships.get().team == child.allocated_team


def test_a_requested_conference_waits_for_a_chair_with_its_icpc_deadline_open():
    conference = RequestedConferenceFactory()

    assert conference.status == S.REQUESTED and conference.chair is None
    assert conference.requested_by == conference.child.allocated_social_worker
    assert statuses(conference) == {"icpc": D.OPEN}
    assert "conference.requested" in events_of(conference)


def test_a_booked_conference_has_a_chair_a_date_and_its_invitations():
    conference = BookedConferenceFactory()

    assert conference.status == S.SCHEDULED
    assert timezone.localtime(conference.starts_at) == timezone.make_aware(datetime.datetime(2026, 6, 11, 10))
    assert conference.chair.memberships.get().agency == conference.child.local_authority
    agencies = set(conference.invitations.values_list("agency__kind", flat=True))
    assert agencies == {"local_authority", "police", "health"}
    assert statuses(conference)["icpc"] == D.OPEN


def test_a_held_conference_was_quorate_and_met_its_icpc_deadline_on_time():
    conference = HeldConferenceFactory()

    assert conference.status == S.HELD and conference.quorate
    assert conference.held_on == datetime.date(2026, 6, 9)  # the last working day before today
    assert timezone.localdate(conference.requested_at) == datetime.date(2026, 6, 2)
    assert set(conference.invitations.values_list("attendance", flat=True)) == {Invitation.Attendance.ATTENDED}
    icpc = subject_deadlines(conference, "icpc").get()
    assert (icpc.status, icpc.met_on) == (D.MET_ON_TIME, datetime.date(2026, 6, 9))


def test_a_held_conference_on_a_day_of_ones_choosing():
    conference = HeldConferenceFactory(held_on=datetime.date(2026, 5, 20))

    assert conference.held_on == datetime.date(2026, 5, 20)
    assert subject_deadlines(conference, "icpc").get().met_on == datetime.date(2026, 5, 20)


def test_a_decided_conference_made_a_plan_and_drafted_its_minutes():
    conference = DecidedConferenceFactory(category="EMO")

    assert conference.status == S.DECIDED and conference.decision.outcome == "plan"
    assert conference.plan.initial_category == "EMO"
    assert Minutes.objects.get(conference=conference).status == Minutes.Status.DRAFT
    assert statuses(conference) == {"icpc": D.MET_ON_TIME, "parents_report_share": D.OPEN, "outline_plan": D.OPEN,
                                    "conference_minutes": D.OPEN}
    assert statuses(conference.plan) == {"core_group_first": D.OPEN, "rcpc_first": D.OPEN}


def test_an_active_plan_and_a_child_with_a_plan():
    plan = ActivePlanFactory()
    child = ChildWithPlanFactory()

    assert isinstance(plan, ChildProtectionPlan) and plan.status == ChildProtectionPlan.Status.ACTIVE
    assert plan.lead_social_worker == plan.child.allocated_social_worker
    assert plan.core_group.filter(user=plan.lead_social_worker).exists() and plan.actions.count() == 1
    assert isinstance(child, Child)
    assert child.protection_plans.get().status == ChildProtectionPlan.Status.ACTIVE


def test_people_passed_in_are_the_ones_used(social_worker, team, chair, la):
    child = ChildFactory(local_authority=la, allocated_team=team, allocated_social_worker=social_worker)

    conference = HeldConferenceFactory(child=child, chair=chair)

    assert conference.chair == chair and conference.requested_by == social_worker
    assert not Agency.objects.exclude(pk=la.pk).filter(kind="local_authority").exists()


def test_deadlines_open_overdue_and_met():
    child = ChildFactory()

    open_ = OpenDeadlineFactory(subject=child)
    overdue = OverdueDeadlineFactory(rule_key="conference_minutes")
    met = MetDeadlineFactory(rule_key="outline_plan", anchor_date=datetime.date(2026, 6, 1))

    assert (open_.status, open_.subject, open_.anchor_date) == (D.OPEN, child, TODAY)
    assert open_.due_date == datetime.date(2026, 7, 1)  # icpc: 15 working days after Wednesday 10 June
    assert overdue.status == D.OVERDUE and overdue.due_date < TODAY
    assert (met.status, met.met_on) == (D.MET_ON_TIME, datetime.date(2026, 6, 1))
    assert "deadline.opened" in events_of(open_)


# --- a shared world ----------------------------------------------------------------------------------------

BUILDS = []


def build_world():
    """Two children."""
    BUILDS.append(1)
    return [ChildFactory(legal_first_names="Ada"), ChildFactory(legal_first_names="Bo")]


world = shared_world(build_world)


class TestASharedWorld:
    def test_a_test_may_change_the_world(self, world):
        Child.objects.filter(pk=world[0].pk).update(legal_first_names="Changed")
        ChildFactory(legal_first_names="Extra")

        assert Child.objects.count() == 3

    def test_the_next_test_sees_the_world_as_built(self, world):
        assert sorted(Child.objects.values_list("legal_first_names", flat=True)) == ["Ada", "Bo"]

    def test_it_was_built_once(self, world):
        assert len(BUILDS) == 1
