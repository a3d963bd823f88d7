"""Allocating an IRO (issue 10, section 1): the appointment meets ``iro_appointment``; never one who manages
the case; a parent and child both looked after get different IROs; the officer who reviews the child's
siblings is suggested first; the caseload counts each officer's whole footprint (looked-after children
and child protection conferences together).

The child becomes looked after on Monday 2 March 2026: the IRO is due 5 working days later, Monday 9 March.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import Household, Relationship, RelationshipKind
from reviews import selectors, services
from reviews.models import IroAllocation, Review
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import AdultFactory, ChildFactory, make_user
from tests.factories.reviews import AllocatedEpisodeFactory, LookedAfterEpisodeFactory, iro_manager_of, iro_of
from tests.factories.states import ActivePlanFactory, BookedConferenceFactory

pytestmark = pytest.mark.django_db

MON_2_MAR, MON_9_MAR = date(2026, 3, 2), date(2026, 3, 9)


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 09:00") as frozen:
        yield frozen


@pytest.fixture
def manager(la):
    return iro_manager_of(la)


@pytest.fixture
def episode(clock, la, team, social_worker, manager):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         date_of_birth=date(2016, 2, 1))
    return LookedAfterEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=manager)


def allocate(episode, manager, iro, day=MON_2_MAR, **kw):
    return services.iro_allocate(actor=manager, episode=episode, iro=iro, start_date=day, **kw)


def test_the_appointment_meets_the_deadline_and_tells_the_iro(episode, manager, iro):
    allocation = allocate(episode, manager, iro, day=date(2026, 3, 2))
    assert (allocation.iro, allocation.start_date, allocation.end_date) == (iro, MON_2_MAR, None)
    deadline = Deadline.objects.get(rule_key="iro_appointment")
    assert (deadline.due_date, deadline.status, deadline.met_on) == (MON_9_MAR, "met_on_time", MON_2_MAR)
    note = Notification.objects.get(recipient=iro)
    assert episode.child.local_child_id in note.body and episode.child.legal_surname not in note.body
    assert CaseEvent.objects.filter(code="lac.iro_allocated").count() == 1
    assert selectors.current_allocation(episode) == allocation
    # the same IRO again changes nothing
    assert allocate(episode, manager, iro) == allocation
    assert IroAllocation.objects.count() == 1 and CaseEvent.objects.filter(code="lac.iro_allocated").count() == 1


def test_a_late_appointment_needs_a_reason(clock, episode, manager, iro):
    clock.move_to("2026-03-11 09:00")
    with pytest.raises(ValidationError) as exc:
        allocate(episode, manager, iro, day=date(2026, 3, 10))
    assert "9 March 2026" in exc.value.message_dict["late_reason"][0]
    assert not IroAllocation.objects.exists()  # all or nothing
    allocate(episode, manager, iro, day=date(2026, 3, 10), late_reason="No IRO free until Tuesday")
    deadline = Deadline.objects.get(rule_key="iro_appointment")
    assert (deadline.status, deadline.late_reason) == ("met_late", "No IRO free until Tuesday")


def test_only_the_iro_manager_allocates(episode, iro, social_worker, team_manager, service_manager):
    for person in (iro, social_worker, team_manager, service_manager):
        with pytest.raises(ValidationError, match="You cannot allocate"):
            allocate(episode, person, iro)
    assert not IroAllocation.objects.exists()


def test_never_one_who_manages_the_case(episode, manager, la, team, other_la):
    # the child's own social worker and their team manager, though IROs too, do not review the case
    sw_and_iro = episode.child.allocated_social_worker
    sw_and_iro.memberships.update(roles=[Role.SOCIAL_WORKER, Role.IRO])
    manager_and_iro = make_user(la, Role.TEAM_MANAGER, Role.IRO, team=team)
    elsewhere = iro_of(other_la)
    for person in (sw_and_iro, manager_and_iro, elsewhere):
        with pytest.raises(ValidationError) as exc:
            allocate(episode, manager, person)
        assert "does not manage the case" in exc.value.message_dict["iro"][0]
    assert set(selectors.eligible_iros(episode=episode)) == set(selectors.iros_of(la)) - {sw_and_iro,
                                                                                          manager_and_iro}


def test_a_parent_and_child_both_looked_after_have_different_iros(clock, la, team, social_worker, manager):
    mother_iro, other_iro = iro_of(la, full_name="Mo Mother's-IRO"), iro_of(la, full_name="Bea Baby's-IRO")
    young_mother = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                                date_of_birth=date(2009, 5, 1))
    baby = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                        date_of_birth=date(2026, 1, 10))
    mother_episode = AllocatedEpisodeFactory(child=young_mother, start_date=MON_2_MAR, iro_manager=manager,
                                             iro=mother_iro, allocated_on=MON_2_MAR)
    baby_episode = LookedAfterEpisodeFactory(child=baby, start_date=MON_2_MAR, iro_manager=manager,
                                             looked_after_parent=young_mother, placement_type="R3")
    assert mother_iro not in selectors.eligible_iros(episode=baby_episode)
    assert mother_iro not in [s.officer for s in selectors.iro_suggestions(episode=baby_episode)]
    with pytest.raises(ValidationError) as exc:
        allocate(baby_episode, manager, mother_iro)
    assert "a parent and child who are both looked after have different IROs" in exc.value.message_dict["iro"][0]
    allocate(baby_episode, manager, other_iro)
    # and the other way round: the baby's IRO may not take over the mother
    with pytest.raises(ValidationError, match="different IROs"):
        allocate(mother_episode, manager, other_iro, reason="Rebalancing")


@pytest.mark.parametrize("link", ["mother", "household"])
def test_the_iro_of_the_siblings_is_suggested_first(clock, la, team, social_worker, manager, link):
    siblings_iro = iro_of(la, full_name="Zed Siblings")
    free_iro = iro_of(la, full_name="Amy Free")
    brother = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    sister = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    if link == "mother":
        mother = AdultFactory()
        for child in (brother, sister):
            Relationship.objects.create(child=child, adult=mother, kind=RelationshipKind.MOTHER)
    else:
        Household.objects.create(name="Mother's home").children.set([brother, sister])
    AllocatedEpisodeFactory(child=brother, start_date=MON_2_MAR, iro_manager=manager, iro=siblings_iro,
                            allocated_on=MON_2_MAR)
    for _ in range(2):  # Zed is busier than Amy...
        AllocatedEpisodeFactory(start_date=MON_2_MAR, iro_manager=manager, iro=siblings_iro, allocated_on=MON_2_MAR)
    episode = LookedAfterEpisodeFactory(child=sister, start_date=MON_2_MAR, iro_manager=manager)
    suggestions = selectors.iro_suggestions(episode=episode)
    # ... but reviews the brother: first; then the others by load (the IRO manager, who may also hold
    # children and whose generated name sorts anywhere, ties with Amy at 0)
    ranks = [(s.officer, s.reviews_siblings, s.looked_after) for s in suggestions]
    assert ranks[0] == (siblings_iro, True, 3)
    assert (free_iro, False, 0) in ranks[1:]
    assert [load for _o, _s, load in ranks[1:]] == sorted(load for _o, _s, load in ranks[1:])
    assert not any(siblings for _o, siblings, _l in ranks[1:])


def test_siblings_do_not_include_the_child_nor_ended_periods(clock, la, team, social_worker, manager):
    mother = AdultFactory()
    brother = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    for c in (brother, child):
        Relationship.objects.create(child=c, adult=mother, kind=RelationshipKind.MOTHER)
    # a grandmother's other grandchild is not a sibling
    cousin = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    grandmother = AdultFactory()
    for c in (cousin, child):
        Relationship.objects.create(child=c, adult=grandmother, kind=RelationshipKind.GRANDPARENT)
    iro_a, iro_b = iro_of(la), iro_of(la)
    ended = AllocatedEpisodeFactory(child=brother, start_date=MON_2_MAR, iro_manager=manager, iro=iro_a,
                                    allocated_on=MON_2_MAR)
    services.episode_end(actor=social_worker, episode=ended, end_date=MON_2_MAR, reason="E4A")
    AllocatedEpisodeFactory(child=cousin, start_date=MON_2_MAR, iro_manager=manager, iro=iro_b,
                            allocated_on=MON_2_MAR)
    episode = AllocatedEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=manager, allocated_on=MON_2_MAR)
    assert selectors.sibling_iro_ids(episode) == set()


def test_replacing_the_iro_hands_over_the_reviews_not_yet_held(clock, episode, manager, iro, la):
    allocate(episode, manager, iro)
    review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))
    newcomer = iro_of(la, full_name="New Comer")
    clock.move_to("2026-03-10 09:00")
    with pytest.raises(ValidationError) as exc:
        allocate(episode, manager, newcomer, day=date(2026, 3, 10))
    assert "Say why" in exc.value.message_dict["reason"][0]
    allocation = allocate(episode, manager, newcomer, day=date(2026, 3, 10), reason="Iris is on long-term leave")
    old = IroAllocation.objects.get(iro=iro)
    assert (old.end_date, old.end_reason) == (date(2026, 3, 10), "Iris is on long-term leave")
    assert selectors.current_allocation(episode) == allocation
    review.refresh_from_db()
    assert review.iro == newcomer
    assert Deadline.objects.get(rule_key="iro_appointment").met_on == MON_2_MAR  # met once, by the first IRO


# --- the caseload: the whole footprint -------------------------------------------------------------------
def test_the_caseload_counts_looked_after_children_and_conferences_together(clock, la, other_la, manager):
    both = make_user(la, Role.IRO, Role.CONFERENCE_CHAIR, full_name="Walsall Both")
    iro_only = iro_of(la, full_name="Ira Only")
    for _ in range(2):
        AllocatedEpisodeFactory(start_date=MON_2_MAR, iro_manager=manager, iro=both, allocated_on=MON_2_MAR)
    AllocatedEpisodeFactory(start_date=MON_2_MAR, iro_manager=manager, iro=iro_only, allocated_on=MON_2_MAR)
    ended = AllocatedEpisodeFactory(start_date=MON_2_MAR, iro_manager=manager, iro=iro_only, allocated_on=MON_2_MAR)
    services.episode_end(actor=ended.child.allocated_social_worker, episode=ended, end_date=MON_2_MAR, reason="E2")
    # a booked conference and a child on a plan, both chaired by the IRO who is also a chair
    BookedConferenceFactory(chair=both)
    ActivePlanFactory(chair=both, held_on=date(2026, 2, 27))
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.caseload(local_authority_id=la.pk)
    assert len(queries) == 1
    by_name = {r.officer.full_name: (r.looked_after, r.child_protection, r.total) for r in rows}
    assert by_name["Walsall Both"] == (2, 2, 4)
    assert by_name["Ira Only"] == (1, 0, 1)
    assert by_name[manager.full_name] == (0, 0, 0)
    assert [r.officer.full_name for r in rows][-1] == "Walsall Both"  # the lightest first
    # another authority's officers and children are not in it
    assert selectors.caseload(local_authority_id=other_la.pk) == []


def test_suggestions_put_the_lightest_footprint_first(clock, la, manager, episode):
    busy_chair = make_user(la, Role.IRO, Role.CONFERENCE_CHAIR, full_name="Abe Busy")
    light = iro_of(la, full_name="Zoe Light")
    BookedConferenceFactory(chair=busy_chair)
    suggestions = selectors.iro_suggestions(episode=episode)
    names = [s.officer.full_name for s in suggestions]
    assert names.index("Zoe Light") < names.index("Abe Busy")
    assert not any(s.current for s in suggestions)
    allocate(episode, manager, light)
    assert [s.current for s in selectors.iro_suggestions(episode=episode) if s.officer == light] == [True]


def test_the_early_review_request_follows_the_allocation(clock, episode, manager, iro):
    allocate(episode, manager, iro)
    review = services.review_request_early(actor=iro, episode=episode, trigger="iro_request",
                                           reason="Concerns about contact arrangements")
    assert (review.status, review.iro) == (Review.Status.REQUESTED, iro)
