"""Access follows current membership: leaving an agency ends what it gave, and roles in one agency
do not combine with another agency's kind."""

import pytest

from cases.policies import child_policy
from safeguarding.accounts.models import Membership, Role
from safeguarding.accounts.services import user_deactivate
from tests.factories import ChildFactory, InvolvementFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db


def test_allocated_worker_who_has_left_the_local_authority_no_longer_sees_the_child(social_worker, ctx):
    child = ChildFactory(allocated_social_worker=social_worker)
    assert child_policy.can(ctx(social_worker), "view", child)
    Membership.objects.filter(user=social_worker).update(is_active=False)
    assert not child_policy.can(ctx(social_worker), "view", child)


def test_named_professional_who_has_left_the_agency_no_longer_sees_the_child(school, ctx):
    teacher = make_user(school, Role.PARTNER_PRACTITIONER)
    child = ChildFactory()
    InvolvementFactory(child=child, agency=school, professional=teacher)
    assert child_policy.can(ctx(teacher), "view", child)
    Membership.objects.filter(user=teacher).update(is_active=False)
    assert not child_policy.can(ctx(teacher), "view", child)


def test_a_deactivated_person_sees_nothing_even_with_a_stale_user_object(social_worker, service_manager, ctx):
    child = ChildFactory(allocated_social_worker=social_worker)
    stale = type(social_worker).objects.get(pk=social_worker.pk)
    user_deactivate(user=social_worker, actor=service_manager, reason="Left the authority")
    stale.is_active = True  # an object loaded before the deactivation
    assert not child_policy.can(ctx(stale), "view", child)


def test_team_access_ends_when_the_team_is_closed(team, colleague, ctx):
    child = ChildFactory(allocated_team=team)
    assert child_policy.can(ctx(colleague), "view", child)
    type(team).objects.filter(pk=team.pk).update(is_active=False)
    assert not child_policy.can(ctx(colleague), "view", child)


def test_social_worker_role_at_a_voluntary_agency_does_not_combine_with_an_la_membership(la, ctx):
    from tests.factories import AgencyFactory

    charity = AgencyFactory(name="Family Support Charity", kind="voluntary")
    person = make_user(charity, Role.SOCIAL_WORKER)
    Membership.objects.create(user=person, agency=la, roles=[Role.ADMINISTRATOR])
    assert not child_policy.can_create(ctx(person))


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER])
def test_childrens_social_care_staff_of_a_local_authority_may_create(la, role, ctx):
    assert child_policy.can_create(ctx(make_user(la, role, team=TeamFactory(agency=la))))


@pytest.mark.parametrize("role", [Role.CONFERENCE_CHAIR, Role.IRO, Role.LADO_OFFICER, Role.ADMINISTRATOR,
                                  Role.PARTNERSHIP_BUSINESS_UNIT, Role.PARTNER_PRACTITIONER])
def test_other_roles_may_not_create(la, role, ctx):
    assert not child_policy.can_create(ctx(make_user(la, role)))
