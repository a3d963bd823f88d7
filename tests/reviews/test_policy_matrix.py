"""The permission matrix for looked-after children's records and reviews, both ways (issue 10, section 4).

One world, built through the real services: two children of Northmoor, allocated to Sam Worker in
Assessment Team A, each with an open police involvement (naming Pat Police). The second child is
restricted, with Sam Worker and Tess Manager named on the record. For each child:

- a period of care (section 20, in foster care) recorded by Sam Worker;
- Prue Previous (an IRO) appointed by Ivy Manager (the IRO manager: an IRO and team manager of the
  Safeguarding and QA team), who chaired the first review (held);
- then Ira Reviewing appointed in her place, who booked the second review.

Each table says exactly what each person may do with each record; every other action must be refused,
``can`` and ``visible`` must agree on every cell, and ``get_for`` must return the record when allowed and
raise the same Http404 as for a missing record when not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from freezegun import freeze_time

from cases import services as cases_services
from cases.models import Child, Involvement
from cases.policies import child_policy
from reviews import services
from reviews.models import FosteringHousehold, LookedAfterEpisode, Review, ReviewDecision
from reviews.policies import (
    decision_policy,
    episode_policy,
    foster_review_policy,
    household_policy,
    invitation_policy,
    iro_profile_editable,
    review_policy,
    review_summary_policy,
)
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, TeamFactory, make_user
from tests.factories.worlds import built, shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_policy_matrix")]  # one world

EPISODE_ACTIONS = ("view", "list_service", "allocate", "update", "review")
REVIEW_ACTIONS = ("view", "schedule", "record", "prepare", "track", "ratify", "invited")
HOUSEHOLD_ACTIONS = ("view", "list_service", "manage", "edit", "schedule")
FOSTER_REVIEW_ACTIONS = ("view", "record")


def test_the_tables_cover_every_policy_action():
    assert set(EPISODE_ACTIONS) == set(episode_policy.actions)
    assert set(REVIEW_ACTIONS) == set(review_policy.actions)
    assert set(HOUSEHOLD_ACTIONS) == set(household_policy.actions)
    assert set(FOSTER_REVIEW_ACTIONS) == set(foster_review_policy.actions)


@dataclass
class World:
    people: dict
    children: dict[bool, Child]  # keyed by "restricted"
    episodes: dict[bool, LookedAfterEpisode]
    held: dict[bool, Review]  # the first review, chaired by the previous IRO
    booked: dict[bool, Review]  # the second review, booked by the allocated IRO
    household: FosteringHousehold | None = None  # foster carers reviewed by Ian Other, supervised by Olly Other
    foster_reviews: dict | None = None  # "completed" (by Prue Previous, their officer then), "booked" (by Ian)
    # the decisions (ADR 16): "police" and "la" of the held review (circulated), "booked police" of the booked one
    decisions: dict[bool, dict[str, ReviewDecision]] = field(default_factory=dict)

    def __getitem__(self, who):
        return self.people[who]


def _build() -> World:
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    other_la = LocalAuthorityFactory(name="Southvale City Council")
    police = PoliceFactory(name="Northmoor Police")
    team = TeamFactory(agency=la, name="Assessment Team A")
    other_team = TeamFactory(agency=la, name="Child in Need Team B")
    sqa = TeamFactory(agency=la, name="Safeguarding and QA")
    social_worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker")
    people = {
        "the allocated IRO": make_user(la, Role.IRO, team=sqa, full_name="Ira Reviewing"),
        "the IRO who chaired the first review": make_user(la, Role.IRO, team=sqa, full_name="Prue Previous"),
        "another IRO of the same LA": make_user(la, Role.IRO, team=sqa, full_name="Ian Other"),
        "an IRO of another LA": make_user(other_la, Role.IRO, full_name="Olga Southvale"),
        "the IRO manager": make_user(la, Role.IRO, Role.TEAM_MANAGER, team=sqa, full_name="Ivy Manager"),
        "an IRO manager of another LA": make_user(other_la, Role.IRO, Role.TEAM_MANAGER, full_name="Sue South"),
        "allocated social worker": social_worker,
        "colleague in the team": make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        "social worker of another team": make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other"),
        "team manager": make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        "service manager": make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service"),
        "another LA's service manager": make_user(other_la, Role.SERVICE_MANAGER, full_name="Sol Elsewhere"),
        "conference chair": make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair"),
        "police officer with an open involvement": make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        "LADO": make_user(la, Role.LADO_OFFICER, full_name="Lee Lado"),
        "administrator": make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin"),
        "anonymous": AnonymousUser(),
    }
    manager, previous, iro = people["the IRO manager"], people["the IRO who chaired the first review"], \
        people["the allocated IRO"]
    children, episodes, held, booked, decisions = {}, {}, {}, {}, {}
    for restricted in (False, True):
        with freeze_time("2026-03-02 09:00"):
            child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                                 date_of_birth=date(2014, 5, 1))
            Involvement.objects.create(child=child, agency=police, professional=people[
                "police officer with an open involvement"], role="Public protection officer",
                start_date=date(2020, 1, 1))
            episode = services.episode_open(actor=social_worker, child=child, start_date=date(2026, 3, 2),
                                            legal_status="V2", category_of_need="N1", placement_type="U6",
                                            provider="PR1")
            services.iro_allocate(actor=manager, episode=episode, iro=previous, start_date=date(2026, 3, 2))
            first = services.review_schedule(actor=previous, episode=episode, planned_for=date(2026, 3, 25))
        with freeze_time("2026-03-25 15:00"):
            held[restricted] = services.review_hold(actor=previous, review=first, participation="PN1",
                                                    held_on=date(2026, 3, 25))
            decisions[restricted] = {
                "police": services.review_decision_add(actor=previous, review=first, owner_agency=police,
                                                       description="Share the call-outs", due_date=date(2026, 4, 30)),
                "la": services.review_decision_add(actor=previous, review=first, owner_agency=la,
                                                   description="Arrange a dental check", due_date=date(2026, 4, 30))}
        with freeze_time("2026-03-26 10:00"):
            services.review_decisions_circulate(actor=previous, review=first, circulated_on=date(2026, 3, 26))
        with freeze_time("2026-04-01 09:00"):
            services.iro_allocate(actor=manager, episode=episode, iro=iro, start_date=date(2026, 4, 1),
                                  reason="Caseloads rebalanced")
            booked[restricted] = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 6, 20))
            decisions[restricted]["booked police"] = services.review_decision_add(
                actor=iro, review=booked[restricted], owner_agency=police, description="Attend the review",
                due_date=date(2026, 7, 31))
        if restricted:
            cases_services.child_set_restriction(child=child, actor=people["service manager"], restricted=True,
                                                 named_people=[social_worker, people["team manager"]],
                                                 reason="A member of staff's child")
        children[restricted] = Child.objects.get(pk=child.pk)
        episodes[restricted] = LookedAfterEpisode.objects.get(pk=episode.pk)
    household, foster_reviews = _fostering(people, la)
    return World(people=people, children=children, episodes=episodes, held=held, booked=booked, household=household,
                 foster_reviews=foster_reviews, decisions=decisions)


def _fostering(people, la):
    """A fostering household of Northmoor, registered by the IRO manager with Olly Other as its supervising
    social worker and Prue Previous as its reviewing officer, who completed its review; then Ian Other became its
    reviewing officer and booked the next."""
    manager, previous, officer = people["the IRO manager"], people["the IRO who chaired the first review"], \
        people["another IRO of the same LA"]
    with freeze_time("2026-04-10 09:00"):
        household = services.household_register(
            actor=manager, fostering_service=la, reference="FC1", first_carer="Jo Carer", approval_type="long_term",
            approval_terms="One child", places=1, approved_on=date(2025, 5, 1),
            supervising_social_worker=people["social worker of another team"], reviewing_officer=previous)
        completed = services.foster_review_schedule(actor=previous, household=household, planned_for=date(2026, 4, 10))
        services.foster_review_save(actor=previous, review=completed, carers_views="Well", report="Suitable",
                                    recommendation="continue")
        completed = services.foster_review_complete(actor=previous, review=completed, held_on=date(2026, 4, 10))
        services.household_allocate(actor=manager, household=household, reviewing_officer=officer)
        booked = services.foster_review_schedule(actor=officer, household=household, planned_for=date(2027, 3, 1))
    return FosteringHousehold.objects.get(pk=household.pk), {"completed": completed, "booked": booked}


world = shared_world(_build)


# --- the tables ---------------------------------------------------------------------------------------
# fmt: off
NONE = frozenset()
IRO = frozenset({"view", "review"})
MANAGER = frozenset({"view", "list_service", "allocate", "review"})
STAFF = frozenset({"view", "update"})

# episode_policy: person -> actions, for the unrestricted and the restricted child
EPISODES = {
    #                                                unrestricted      restricted
    "the allocated IRO":                             (IRO,             IRO),
    "the IRO who chaired the first review":          (NONE,            NONE),
    "another IRO of the same LA":                    (NONE,            NONE),
    "an IRO of another LA":                          (NONE,            NONE),
    # the service, but a restricted child only when they may see the child's record (named, break-glass)
    "the IRO manager":                               (MANAGER,         NONE),
    "an IRO manager of another LA":                  (NONE,            NONE),
    "allocated social worker":                       (STAFF,           STAFF),
    "colleague in the team":                         (STAFF,           NONE),
    "social worker of another team":                 (NONE,            NONE),
    "team manager":                                  (STAFF,           STAFF),
    "service manager":                               (STAFF,           NONE),
    "another LA's service manager":                  (NONE,            NONE),
    "conference chair":                              (NONE,            NONE),
    "police officer with an open involvement":       (NONE,            NONE),
    "LADO":                                          (NONE,            NONE),
    "administrator":                                 (NONE,            NONE),
    "anonymous":                                     (NONE,            NONE),
}

CHAIR = frozenset({"view", "record", "prepare", "track"})
BOOKS = frozenset({"view", "schedule"})
PREPARES = frozenset({"view", "prepare", "track"})
# the child's managers (case staff who are team or service managers) also ratify the review record
MANAGES = PREPARES | {"ratify"}
# review_policy on the review booked by the allocated IRO (which she chairs)
BOOKED = {
    "the allocated IRO":                             (BOOKS | CHAIR,   BOOKS | CHAIR),
    # the booked review went to the new IRO with the allocation
    "the IRO who chaired the first review":          (NONE,            NONE),
    "another IRO of the same LA":                    (NONE,            NONE),
    "an IRO of another LA":                          (NONE,            NONE),
    "the IRO manager":                               (BOOKS,           NONE),
    "an IRO manager of another LA":                  (NONE,            NONE),
    "allocated social worker":                       (PREPARES,        PREPARES),
    "colleague in the team":                         (PREPARES,        NONE),
    "social worker of another team":                 (NONE,            NONE),
    "team manager":                                  (MANAGES,         MANAGES),
    "service manager":                               (MANAGES,         NONE),
    "another LA's service manager":                  (NONE,            NONE),
    "conference chair":                              (NONE,            NONE),
    "police officer with an open involvement":       (NONE,            NONE),
    "LADO":                                          (NONE,            NONE),
    "administrator":                                 (NONE,            NONE),
    "anonymous":                                     (NONE,            NONE),
}
# review_policy on the first review, held by the IRO who was allocated then
HELD = {
    "the allocated IRO":                             (BOOKS,           BOOKS),
    # she chaired it: she keeps it (its record is hers to write)
    "the IRO who chaired the first review":          (CHAIR,           CHAIR),
    "another IRO of the same LA":                    (NONE,            NONE),
    "an IRO of another LA":                          (NONE,            NONE),
    "the IRO manager":                               (BOOKS,           NONE),
    "an IRO manager of another LA":                  (NONE,            NONE),
    "allocated social worker":                       (PREPARES,        PREPARES),
    "colleague in the team":                         (PREPARES,        NONE),
    "social worker of another team":                 (NONE,            NONE),
    "team manager":                                  (MANAGES,         MANAGES),
    "service manager":                               (MANAGES,         NONE),
    "another LA's service manager":                  (NONE,            NONE),
    "conference chair":                              (NONE,            NONE),
    "police officer with an open involvement":       (NONE,            NONE),
    "LADO":                                          (NONE,            NONE),
    "administrator":                                 (NONE,            NONE),
    "anonymous":                                     (NONE,            NONE),
}

# child_policy: what each person may do with the child's own record ("view" / "break_glass"), through
# the coverage the reviews app registers (the allocated IRO, the IRO manager) or their own basis
OPENS, BREAKS = "view", "break_glass"
CHILD = {
    "the allocated IRO":                             (OPENS,           BREAKS),
    # no longer the child's IRO: no basis
    "the IRO who chaired the first review":          (None,            None),
    "another IRO of the same LA":                    (None,            None),
    "an IRO of another LA":                          (None,            None),
    "the IRO manager":                               (OPENS,           BREAKS),
    "an IRO manager of another LA":                  (None,            None),
    "allocated social worker":                       (OPENS,           OPENS),
    "colleague in the team":                         (OPENS,           BREAKS),
    "social worker of another team":                 (None,            None),
    "team manager":                                  (OPENS,           OPENS),
    "service manager":                               (OPENS,           BREAKS),
    "another LA's service manager":                  (None,            None),
    "conference chair":                              (None,            None),
    "police officer with an open involvement":       (OPENS,           BREAKS),
    "LADO":                                          (None,            None),
    "administrator":                                 (None,            None),
    "anonymous":                                     (None,            None),
}

# episode_policy.can_open_for (record that the child became looked after) and what each person does
OPENS_A_PERIOD = {"allocated social worker": (True, True), "colleague in the team": (True, False),
                  "team manager": (True, True), "service manager": (True, False)}
ROLES = {
    "the allocated IRO": {"iro"}, "the IRO who chaired the first review": {"iro"},
    "another IRO of the same LA": {"iro"}, "an IRO of another LA": {"iro"},
    "the IRO manager": {"iro", "iro manager", "case staff"}, "an IRO manager of another LA": {"iro", "iro manager",
                                                                                            "case staff"},
    "allocated social worker": {"case staff"}, "colleague in the team": {"case staff"},
    "social worker of another team": {"case staff"}, "team manager": {"case staff"},
    "service manager": {"case staff"}, "another LA's service manager": {"case staff"},
}

# Foster carers' reviews: the reviewing officer, the IRO manager and the supervising social worker, nobody else.
# household_policy on the household; foster_review_policy on its completed review (held by its reviewing officer
# then) and the review booked by its reviewing officer now
REVIEWING = frozenset({"view", "schedule"})
SERVICE = frozenset({"view", "list_service", "manage", "edit", "schedule"})
SUPERVISING = frozenset({"view", "edit"})
HOLDS = frozenset({"view", "record"})
SEES = frozenset({"view"})
FOSTERING = {
    #                                                household      completed review   booked review
    "the allocated IRO":                             (NONE,          NONE,              NONE),
    # its reviewing officer until Ian Other took over: she keeps the review she held
    "the IRO who chaired the first review":          (NONE,          HOLDS,             NONE),
    "another IRO of the same LA":                    (REVIEWING,     SEES,              HOLDS),
    "an IRO of another LA":                          (NONE,          NONE,              NONE),
    "the IRO manager":                               (SERVICE,       SEES,              SEES),
    "an IRO manager of another LA":                  (NONE,          NONE,              NONE),
    "allocated social worker":                       (NONE,          NONE,              NONE),
    "colleague in the team":                         (NONE,          NONE,              NONE),
    # the household's supervising social worker
    "social worker of another team":                 (SUPERVISING,   SEES,              SEES),
    "team manager":                                  (NONE,          NONE,              NONE),
    "service manager":                               (NONE,          NONE,              NONE),
    "another LA's service manager":                  (NONE,          NONE,              NONE),
    "conference chair":                              (NONE,          NONE,              NONE),
    "police officer with an open involvement":       (NONE,          NONE,              NONE),
    "LADO":                                          (NONE,          NONE,              NONE),
    "administrator":                                 (NONE,          NONE,              NONE),
    "anonymous":                                     (NONE,          NONE,              NONE),
}
# household_policy.can_register_for(Northmoor) and may_have_households (the list page is theirs)
REGISTERS = {"the IRO manager"}
MAY_HAVE_HOUSEHOLDS = {
    "the allocated IRO", "the IRO who chaired the first review", "another IRO of the same LA", "an IRO of another LA",
    "the IRO manager", "an IRO manager of another LA", "allocated social worker", "colleague in the team",
    "social worker of another team", "team manager",
}
# fmt: on
PEOPLE = list(EPISODES)


def test_every_table_names_every_person_in_the_world(world):
    for table in (EPISODES, BOOKED, HELD, CHILD, FOSTERING):
        assert list(table) == list(world.people)


def _check(policy, ctx, obj, actions, allowed, where) -> list[str]:
    """Every action on one record: can, visible and get_for must all say the same as the table."""
    wrong = []
    for action in actions:
        expected = action in allowed
        can = policy.can(ctx, action, obj)
        listed = policy.visible(ctx, action).filter(pk=obj.pk).exists()
        try:
            got = policy.get_for(ctx, obj.public_id, action)
            fetched = True
            if got.pk != obj.pk:
                wrong.append(f"{where} {action}: get_for returned another record")
        except Http404:
            fetched = False
        if (can, listed, fetched) != (expected, expected, expected):
            wrong.append(f"{where} {action}: expected {expected}, can={can} visible={listed} get_for={fetched}")
    return wrong


@pytest.mark.parametrize("who", PEOPLE)
def test_matrix(world, who):
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        wrong += _check(episode_policy, ctx, world.episodes[restricted], EPISODE_ACTIONS,
                        EPISODES[who][restricted], f"episode ({label})")
        wrong += _check(review_policy, ctx, world.booked[restricted], REVIEW_ACTIONS, BOOKED[who][restricted],
                        f"booked review ({label})")
        wrong += _check(review_policy, ctx, world.held[restricted], REVIEW_ACTIONS, HELD[who][restricted],
                        f"held review ({label})")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_fostering_matrix(world, who):
    ctx = AccessContext.for_user(world[who])
    household, completed, booked = FOSTERING[who]
    wrong = _check(household_policy, ctx, world.household, HOUSEHOLD_ACTIONS, household, "household")
    wrong += _check(foster_review_policy, ctx, world.foster_reviews["completed"], FOSTER_REVIEW_ACTIONS, completed,
                    "completed foster review")
    wrong += _check(foster_review_policy, ctx, world.foster_reviews["booked"], FOSTER_REVIEW_ACTIONS, booked,
                    "booked foster review")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
    assert household_policy.can_register_for(ctx, world.household.fostering_service_id) is (who in REGISTERS)
    assert household_policy.may_have_households(ctx) is (who in MAY_HAVE_HOUSEHOLDS)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_child_record_through_the_looked_after_service(world, who):
    ctx = AccessContext.for_user(world[who])
    for restricted in (False, True):
        child = world.children[restricted]
        expected = CHILD[who][restricted]
        assert child_policy.can(ctx, "view", child) is (expected == OPENS), restricted
        assert child_policy.can(ctx, "break_glass", child) is (expected == BREAKS), restricted


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_record_that_a_child_is_looked_after(world, who):
    ctx = AccessContext.for_user(world[who])
    for restricted in (False, True):
        expected = OPENS_A_PERIOD.get(who, (False, False))[restricted]
        assert episode_policy.can_open_for(ctx, world.children[restricted]) is expected, restricted


@pytest.mark.parametrize("who", PEOPLE)
def test_what_each_person_does(world, who):
    ctx = AccessContext.for_user(world[who])
    checks = {"iro": episode_policy.is_iro, "iro manager": episode_policy.is_iro_manager,
              "case staff": episode_policy.is_case_staff}
    assert {name for name, is_ in checks.items() if is_(ctx)} == ROLES.get(who, set())


@pytest.mark.parametrize("who", PEOPLE)
def test_the_review_page_s_child_answer_agrees_with_the_child_s_policy(world, who):
    """A review fetched with its child's answer (one query) says what child_policy.can says."""
    ctx = AccessContext.for_user(world[who])
    for restricted in (False, True):
        for review in (world.booked[restricted], world.held[restricted]):
            try:
                got = review_policy.get_for(ctx, review.public_id, "view", answers=(review_policy.CHILD_VIEW,))
            except Http404:
                continue
            expected = child_policy.can(AccessContext.for_user(world[who]), "view", world.children[restricted])
            assert review_policy.known_answer(ctx, got, review_policy.CHILD_VIEW) is expected, restricted


def test_a_missing_record_is_the_same_404(world):
    ctx = AccessContext.for_user(world["the IRO manager"])
    for policy in (episode_policy, review_policy, household_policy, foster_review_policy):
        for bad in (uuid.uuid4(), "not-a-uuid", None):
            with pytest.raises(Http404):
                policy.get_for(ctx, bad)


def test_the_iro_manager_who_breaks_the_glass_sees_the_restricted_child_s_period(world):
    manager = world["the IRO manager"]
    child = world.children[True]
    cases_services.child_break_glass(child=child, actor=manager, reason="Allocating an IRO urgently")
    ctx = AccessContext.for_user(manager)
    assert episode_policy.can(ctx, "allocate", world.episodes[True])
    assert review_policy.can(ctx, "schedule", world.booked[True])


def test_an_ended_allocation_is_no_longer_a_basis(world):
    """The IRO allocated now keeps the child while allocated; an earlier IRO lost it the day they were
    replaced (the matrix above), and an ended period ends the IRO manager's coverage."""
    ctx = AccessContext.for_user(world["the IRO manager"])
    episode = world.episodes[False]
    with freeze_time(episode.start_date + timedelta(days=120)):
        services.episode_end(actor=world["allocated social worker"], episode=episode,
                             end_date=episode.start_date + timedelta(days=119), reason="E4A")
    ctx = AccessContext.for_user(world["the IRO manager"])
    assert not child_policy.can(ctx, "view", world.children[False])
    assert not child_policy.can(AccessContext.for_user(world["the allocated IRO"]), "view", world.children[False])
    # the IRO manager still sees the service's (ended) period; the IRO who chaired the review, her review
    assert episode_policy.can(ctx, "view", episode)
    assert review_policy.can(AccessContext.for_user(world["the IRO who chaired the first review"]), "view",
                             world.held[False])


# --- invitations to a review (ADR 15) ---------------------------------------------------------------------------------
# The world above, with invitations to each booked review: Northmoor Police (for the agency), the social worker of
# another team by her account (as the supervising social worker), and the administrator by his, withdrawn. Built
# once, on top of the world, for the tests below (which run last in the module).
INVITATION_ACTIONS = ("view", "manage", "consult")


def test_the_invitation_table_covers_every_action():
    assert set(INVITATION_ACTIONS) == set(invitation_policy.actions)


@pytest.fixture(scope="module")
def invited(world, django_db_blocker):
    def build():
        iro = world["the allocated IRO"]
        police = world["police officer with an open involvement"].memberships.get().agency
        out = {}
        with freeze_time("2026-04-02 09:00"):
            for restricted in (False, True):
                review = world.booked[restricted]
                out[restricted] = {
                    "police": services.review_invite(actor=iro, review=review, invitee="health",
                                                     name="Northmoor Police", agency=police),
                    "by account": services.review_invite(actor=iro, review=review, invitee="supervising_sw",
                                                         user=world["social worker of another team"]),
                    "withdrawn": services.review_invitation_withdraw(actor=iro, reason="Sent in error",
                                                                     invitation=services.review_invite(
                                                                         actor=iro, review=review,
                                                                         invitee="independent_visitor",
                                                                         user=world["administrator"])),
                }
        return out

    yield from built(build, django_db_blocker)


# fmt: off
# review_policy "invited" on the booked review: the invitees, a restricted child's only when they may see the
# child's record (the police officer would have to break the glass; the other team's social worker has no basis)
INVITED = {"police officer with an open involvement": (True, False), "social worker of another team": (True, False)}
WHOLE = frozenset({"view"})
MANAGES_INVITATIONS = frozenset({"view", "manage"})
OWN = frozenset({"view", "consult"})
# invitation_policy on each invitation: person -> {invitation: (unrestricted, restricted)}; those not named: nothing
INVITATIONS = {
    "the allocated IRO":                       {"*": (MANAGES_INVITATIONS, MANAGES_INVITATIONS)},
    "the IRO manager":                         {"*": (WHOLE, NONE)},
    "allocated social worker":                 {"*": (MANAGES_INVITATIONS, MANAGES_INVITATIONS)},
    "colleague in the team":                   {"*": (MANAGES_INVITATIONS, NONE)},
    "team manager":                            {"*": (MANAGES_INVITATIONS, MANAGES_INVITATIONS)},
    "service manager":                         {"*": (MANAGES_INVITATIONS, NONE)},
    "police officer with an open involvement": {"police": (OWN, NONE)},
    "social worker of another team":           {"by account": (OWN, NONE)},
}
# fmt: on


@pytest.mark.parametrize("who", PEOPLE)
def test_invitations_both_ways(world, invited, who):
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        booked = BOOKED[who][restricted]
        allowed = booked | ({"invited"} if INVITED.get(who, (False, False))[restricted] else set())
        wrong += _check(review_policy, ctx, world.booked[restricted], REVIEW_ACTIONS, allowed,
                        f"booked review ({label})")
        wrong += _check(review_policy, ctx, world.held[restricted], REVIEW_ACTIONS, HELD[who][restricted],
                        f"held review ({label})")
        for name, invitation in invited[restricted].items():
            table = INVITATIONS.get(who, {})
            expected = table.get(name, table.get("*", (NONE, NONE)))[restricted]
            if name == "withdrawn":
                expected = expected - {"consult"}
            wrong += _check(invitation_policy, ctx, invitation, INVITATION_ACTIONS, expected,
                            f"invitation {name} ({label})")
        seen = set(invitation_policy.visible_for(ctx, world.booked[restricted]))
        expected_seen = {inv for name, inv in invited[restricted].items()
                         if "view" in INVITATIONS.get(who, {}).get(name, INVITATIONS.get(who, {}).get(
                             "*", (NONE, NONE)))[restricted]}
        if seen != expected_seen:
            wrong.append(f"visible_for ({label}): {seen} != {expected_seen}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_changes_an_iro_s_photo_and_contact(world, who):
    """The IRO themselves, and the IRO manager of their authority; nobody else."""
    ctx = AccessContext.for_user(world[who])
    allocated = world["the allocated IRO"]
    expected = who in ("the allocated IRO", "the IRO manager")
    assert iro_profile_editable(ctx, allocated) is expected
    own = world[who]
    expected_own = who in ROLES and "iro" in ROLES[who]
    assert iro_profile_editable(ctx, own if getattr(own, "pk", None) else None) is expected_own


# --- between reviews: monitoring, quality assurance, disputes (issue 10, section 3; ADR 14) -------------------
from reviews.models import CarePlanQA, Dispute  # noqa: E402
from reviews.policies import dispute_policy, oversight_policy, quality_policy  # noqa: E402
from tests.factories.reviews import qa_judgements  # noqa: E402

OVERSIGHT_ACTIONS = ("oversee", "monitor")
QA_ACTIONS = ("view", "respond", "themes")
DISPUTE_ACTIONS = ("view", "manage", "respond", "register")


def test_the_between_reviews_tables_cover_every_action():
    assert set(OVERSIGHT_ACTIONS) == set(oversight_policy.actions)
    assert set(QA_ACTIONS) == set(quality_policy.actions)
    assert set(DISPUTE_ACTIONS) == set(dispute_policy.actions)


@dataclass
class Between:
    qas: dict[bool, CarePlanQA]
    disputes: dict[bool, Dispute]


@pytest.fixture(scope="module")
def between(world, django_db_blocker):
    """For each child of the world, a quality assurance and a dispute by the allocated IRO (built once)."""

    def build():
        iro = world["the allocated IRO"]
        qas, disputes = {}, {}
        with freeze_time("2026-04-15 10:00"):
            for restricted, episode in world.episodes.items():
                qas[restricted] = services.care_plan_qa_record(actor=iro, episode=episode, judgements=qa_judgements(),
                                                               feedback="Write the permanence plan.")
                disputes[restricted] = services.dispute_raise(
                    actor=iro, episode=episode, category="drift", concern="Drift", wanted="A plan",
                    raised_with=world["allocated social worker"])
        return Between(qas=qas, disputes=disputes)

    yield from built(build, django_db_blocker)


# fmt: off
OVERSEES, MONITORS = frozenset({"oversee"}), frozenset({"oversee", "monitor"})
# oversight_policy on the period of care: the allocated IRO monitors, the IRO manager oversees; nobody else
OVERSIGHT = {"the allocated IRO": (MONITORS, MONITORS), "the IRO manager": (OVERSEES, NONE)}
SEES, ANSWERS = frozenset({"view"}), frozenset({"view", "respond"})
# quality_policy: the IRO sees it, the child's social worker and team manager see and answer it, the IRO
# manager counts it in the themes (a restricted child only when they may see the child's record)
QA = {"the allocated IRO": (SEES, SEES), "the IRO manager": (SEES | {"themes"}, NONE),
      "allocated social worker": (ANSWERS, ANSWERS), "team manager": (ANSWERS, ANSWERS)}
# dispute_policy: the allocated IRO manages it, the child's social worker and team manager answer it, the IRO
# manager keeps the register
DISPUTES = {"the allocated IRO": (SEES | {"manage"}, SEES | {"manage"}), "the IRO manager": (SEES | {"register"}, NONE),
            "allocated social worker": (ANSWERS, ANSWERS), "team manager": (ANSWERS, ANSWERS)}
# oversight_policy's other questions: who sees the service (the register and the themes), who answers the IRO
SEES_THE_SERVICE = {"the IRO manager", "an IRO manager of another LA"}
ANSWERS_THE_IRO = {who for who, roles in ROLES.items() if "case staff" in roles}
# fmt: on


@pytest.mark.parametrize("who", PEOPLE)
def test_between_reviews_matrix(world, between, who):
    """Everyone else (the IRO who chaired the first review, a colleague in the team, the service manager, the
    conference chair, partners, the LADO, the administrator, the anonymous) may do none of it."""
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        wrong += _check(oversight_policy, ctx, world.episodes[restricted], OVERSIGHT_ACTIONS,
                        OVERSIGHT.get(who, (NONE, NONE))[restricted], f"oversight ({label})")
        wrong += _check(quality_policy, ctx, between.qas[restricted], QA_ACTIONS, QA.get(who, (NONE, NONE))[restricted],
                        f"quality assurance ({label})")
        wrong += _check(dispute_policy, ctx, between.disputes[restricted], DISPUTE_ACTIONS,
                        DISPUTES.get(who, (NONE, NONE))[restricted], f"dispute ({label})")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_the_service_and_who_answers_the_iro(world, who):
    ctx = AccessContext.for_user(world[who])
    assert oversight_policy.sees_the_service(ctx) is (who in SEES_THE_SERVICE)
    assert oversight_policy.answers_the_iro(ctx) is (who in ANSWERS_THE_IRO)


def test_the_service_arms_stop_at_the_authority(world, between):
    """An IRO manager of another authority sees the service pages, and none of ours on them."""
    ctx = AccessContext.for_user(world["an IRO manager of another LA"])
    assert not quality_policy.visible(ctx, "themes").exists()
    assert not dispute_policy.visible(ctx, "register").exists()


# --- partner agencies: a review's summary and the decisions that name them (ADR 16) -----------------------
def test_the_partner_tables_cover_every_action():
    assert set(review_summary_policy.actions) == {"view"}
    assert set(DECISION_ACTIONS) == set(decision_policy.actions)


# review_summary_policy "view": everyone who sees the review (review_policy "view"), and the partner agency
# involved with the child now: (unrestricted, restricted)
PARTNER_SUMMARY = {"police officer with an open involvement": (True, False)}

# fmt: off
DECISION_ACTIONS = ("view", "complete")
SEES = frozenset({"view"})
FOLLOWS = frozenset({"view", "complete"})
# decision_policy on the held review's decision owned by the police (circulated)
POLICE_DECISION = {
    #                                                unrestricted      restricted
    # the IRO allocated now sees the review, but follows through only the decisions of the reviews she chairs
    "the allocated IRO":                             (SEES,            SEES),
    "the IRO who chaired the first review":          (FOLLOWS,         FOLLOWS),
    "another IRO of the same LA":                    (NONE,            NONE),
    "an IRO of another LA":                          (NONE,            NONE),
    "the IRO manager":                               (SEES,            NONE),
    "an IRO manager of another LA":                  (NONE,            NONE),
    "allocated social worker":                       (FOLLOWS,         FOLLOWS),
    "colleague in the team":                         (FOLLOWS,         NONE),
    "social worker of another team":                 (NONE,            NONE),
    "team manager":                                  (FOLLOWS,         FOLLOWS),
    "service manager":                               (FOLLOWS,         NONE),
    "another LA's service manager":                  (NONE,            NONE),
    "conference chair":                              (NONE,            NONE),
    # the agency it names: a restricted child's only when they may see the child's record
    "police officer with an open involvement":       (FOLLOWS,         NONE),
    "LADO":                                          (NONE,            NONE),
    "administrator":                                 (NONE,            NONE),
    "anonymous":                                     (NONE,            NONE),
}
# the held review's decision owned by the child's own local authority: its case staff follow it, no partner
LA_DECISION = {**POLICE_DECISION, "police officer with an open involvement": (NONE, NONE)}
# the booked review's decision naming the police, not yet circulated: the police do not see it yet
BOOKED_POLICE_DECISION = {
    **POLICE_DECISION,
    "the allocated IRO":                             (FOLLOWS,         FOLLOWS),
    "the IRO who chaired the first review":          (NONE,            NONE),
    "police officer with an open involvement":       (NONE,            NONE),
}
# fmt: on


def test_every_partner_table_names_every_person_in_the_world(world):
    for table in (POLICE_DECISION, LA_DECISION, BOOKED_POLICE_DECISION):
        assert list(table) == list(world.people)
    assert set(PARTNER_SUMMARY) <= set(world.people)


@pytest.mark.parametrize("who", PEOPLE)
def test_review_summary_matrix(world, who):
    """The summary is the review for everyone who sees it, and for the involved agency besides."""
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        partner = PARTNER_SUMMARY.get(who, (False, False))[restricted]
        for name, review, table in (("booked", world.booked, BOOKED), ("held", world.held, HELD)):
            allowed = SEES if ("view" in table[who][restricted] or partner) else NONE
            wrong += _check(review_summary_policy, ctx, review[restricted], ("view",), allowed,
                            f"{name} review summary ({label})")
            # the summary never opens the whole review (its page): review_policy stays as its tables say
            assert review_policy.can(ctx, "view", review[restricted]) is ("view" in table[who][restricted])
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_decision_matrix(world, who):
    ctx = AccessContext.for_user(world[who])
    wrong = []
    for restricted in (False, True):
        label = "restricted" if restricted else "unrestricted"
        decisions = world.decisions[restricted]
        for key, table in (("police", POLICE_DECISION), ("la", LA_DECISION), ("booked police", BOOKED_POLICE_DECISION)):
            wrong += _check(decision_policy, ctx, decisions[key], DECISION_ACTIONS, table[who][restricted],
                            f"{key} decision ({label})")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_decisions_marked_as_the_agency_s_own_are_exactly_those_it_reaches_as_their_owner(world, who):
    """``owned_by_agency_q`` (the child page's "Mark as done" links) agrees with the owner agency's arm."""
    ctx = AccessContext.for_user(world[who])
    everything = [d for by_key in world.decisions.values() for d in by_key.values()]
    mine = set(ReviewDecision.objects.filter(decision_policy.owned_by_agency_q(ctx),
                                             pk__in=[d.pk for d in everything]).values_list("pk", flat=True))
    expected = {world.decisions[False]["police"].pk} if who == "police officer with an open involvement" else set()
    assert mine == expected
