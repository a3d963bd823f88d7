import pytest

from cases.policies import child_policy
from tests.factories import ChildFactory, InvolvementFactory

pytestmark = pytest.mark.django_db


def test_allocated_social_worker_sees_child_and_stranger_does_not(social_worker, other_social_worker, ctx, team):
    child = ChildFactory(allocated_social_worker=social_worker)
    assert child_policy.can(ctx(social_worker), "view", child)
    assert not child_policy.can(ctx(other_social_worker), "view", child)


def test_involved_agency_sees_child(school, school_dsl, police_officer, ctx):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=school)
    assert list(child_policy.visible(ctx(school_dsl))) == [child]
    assert list(child_policy.visible(ctx(police_officer))) == []
