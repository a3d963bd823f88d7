"""DeadlinePolicy: who sees and acts on which deadline, asked both ways (``can`` for one deadline, and
``visible``/``get_for`` as querysets), which must always agree. Forbidden is the same 404 as missing."""

import datetime
import uuid

import pytest
from django.http import Http404

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role
from safeguarding.clock import services
from safeguarding.clock.models import Deadline
from safeguarding.clock.policies import deadline_policy
from tests.factories import ChildFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db

ALL = ("view", "meet", "accept_late", "cancel")
RESPONSIBLE = {"view", "meet"}
MANAGER = set(ALL)
NOTHING: set[str] = set()


@pytest.fixture
def deadline(social_worker, team):
    child = ChildFactory(allocated_social_worker=social_worker, allocated_team=team)
    return services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 2),
                                  label="ICPC for the child", responsible_person=social_worker, responsible_team=team)


def allowed_by_can(user, deadline) -> set[str]:
    ctx = AccessContext.for_user(user)
    fresh = Deadline.objects.select_related("responsible_team").get(pk=deadline.pk)
    return {a for a in ALL if deadline_policy.can(ctx, a, fresh)}


def allowed_by_queryset(user, deadline) -> set[str]:
    ctx = AccessContext.for_user(user)
    out = set()
    for action in ALL:
        in_visible = deadline_policy.visible(ctx, action).filter(pk=deadline.pk).exists()
        try:
            got = deadline_policy.get_for(ctx, deadline.public_id, action)
        except Http404:
            got = None
        assert in_visible == (got is not None), action
        if in_visible:
            out.add(action)
    return out


@pytest.mark.parametrize("who, expected", [
    ("social_worker", RESPONSIBLE),              # the responsible person
    ("colleague", RESPONSIBLE),                  # a member of the responsible team
    ("team_manager", MANAGER),                   # the responsible team's manager
    ("service_manager", MANAGER),                # a service manager of the team's agency
    ("other_la_service_manager", NOTHING),       # a service manager of another local authority
    ("other_social_worker", NOTHING),            # a social worker in another team of the same authority
    ("police_officer", NOTHING),                 # a partner agency's practitioner
    ("chair", NOTHING),                          # a conference chair of the authority, in no team
])
def test_permission_matrix(request, deadline, who, expected):
    user = request.getfixturevalue(who)
    assert allowed_by_can(user, deadline) == expected
    assert allowed_by_queryset(user, deadline) == expected


def test_forbidden_and_missing_are_the_same_404(deadline, police_officer, social_worker):
    ctx = AccessContext.for_user(police_officer)
    for public_id in (deadline.public_id, uuid.uuid4(), "not-a-uuid", None):
        with pytest.raises(Http404, match="No such record"):
            deadline_policy.get_for(ctx, public_id)
    assert deadline_policy.get_for(AccessContext.for_user(social_worker), str(deadline.public_id)) == deadline


def test_nobody_signed_in_sees_nothing(deadline):
    ctx = AccessContext(user=None)
    assert not deadline_policy.visible(ctx).exists()
    assert not deadline_policy.can(ctx, "view", deadline)
    assert deadline_policy.teams(ctx).count() == 0


def test_an_unknown_action_is_a_programming_error(deadline, social_worker):
    ctx = AccessContext.for_user(social_worker)
    with pytest.raises(ValueError):
        deadline_policy.visible(ctx, "edit")
    with pytest.raises(ValueError):
        deadline_policy.can(ctx, "edit", deadline)
    assert not deadline_policy.can(ctx, "view", None)


def test_a_deactivated_person_or_an_ended_membership_loses_sight(deadline, social_worker, colleague):
    Membership.objects.filter(user=colleague).update(is_active=False)
    assert allowed_by_can(colleague, deadline) == allowed_by_queryset(colleague, deadline) == NOTHING
    social_worker.is_active = False
    social_worker.save()
    assert allowed_by_can(social_worker, deadline) == allowed_by_queryset(social_worker, deadline) == NOTHING


def test_the_responsible_person_who_moved_to_another_agency_no_longer_sees_it(deadline, social_worker, police):
    Membership.objects.filter(user=social_worker).update(agency=police, team=None, roles=[Role.PARTNER_PRACTITIONER])
    assert allowed_by_can(social_worker, deadline) == allowed_by_queryset(social_worker, deadline) == NOTHING


def test_a_deadline_without_a_team(social_worker, service_manager, team_manager):
    child = ChildFactory()
    dl = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 2), label="ICPC",
                                responsible_person=social_worker)
    assert allowed_by_can(social_worker, dl) == allowed_by_queryset(social_worker, dl) == RESPONSIBLE
    for manager in (service_manager, team_manager):
        assert allowed_by_can(manager, dl) == allowed_by_queryset(manager, dl) == NOTHING


def test_a_team_manager_of_another_team_is_not_a_manager_here(deadline, la, other_team):
    other_manager = make_user(la, Role.TEAM_MANAGER, team=other_team)
    assert allowed_by_can(other_manager, deadline) == allowed_by_queryset(other_manager, deadline) == NOTHING


def test_can_answers_without_a_query_once_the_team_is_loaded(deadline, team_manager, django_assert_num_queries):
    ctx = AccessContext.for_user(team_manager)
    dl = Deadline.objects.select_related("responsible_team").get(pk=deadline.pk)
    ctx.team_ids, ctx.agency_ids  # noqa: B018 - build the context's cached facts first
    with django_assert_num_queries(0):
        assert all(deadline_policy.can(ctx, a, dl) for a in ALL)


def test_teams_for_the_team_page(la, other_la, team, other_team, social_worker, team_manager, service_manager,
                                 other_la_service_manager, police_officer, chair):
    far = TeamFactory(agency=other_la, name="Southvale Team")
    TeamFactory(agency=la, name="Closed Team", is_active=False)

    def teams(user):
        return {t.name for t in deadline_policy.teams(AccessContext.for_user(user))}

    assert teams(social_worker) == teams(team_manager) == {team.name}
    assert teams(service_manager) == {team.name, other_team.name}
    assert teams(other_la_service_manager) == {far.name}
    assert teams(police_officer) == teams(chair) == set()
    assert deadline_policy.is_manager(AccessContext.for_user(team_manager))
    assert deadline_policy.is_manager(AccessContext.for_user(service_manager))
    assert not deadline_policy.is_manager(AccessContext.for_user(social_worker))
