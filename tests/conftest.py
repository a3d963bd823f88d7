"""Shared fixtures: a small world of agencies and people, one of each role.

Tests talk to the real PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) that `make test` provides.
"""

import pytest
from django.test import Client

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import (
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)


@pytest.fixture
def la(db):
    return LocalAuthorityFactory(name="Northmoor Borough Council")


@pytest.fixture
def other_la(db):
    return LocalAuthorityFactory(name="Southvale City Council")


@pytest.fixture
def police(db):
    return PoliceFactory(name="Northmoor Police")


@pytest.fixture
def health(db):
    return HealthFactory(name="Northmoor NHS Trust")


@pytest.fixture
def school(db):
    return SchoolFactory(name="Oakfield Primary School")


@pytest.fixture
def team(la):
    return TeamFactory(agency=la, name="Assessment Team A")


@pytest.fixture
def other_team(la):
    return TeamFactory(agency=la, name="Child in Need Team B")


@pytest.fixture
def social_worker(la, team):
    return make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker", email="sam.worker@example.org")


@pytest.fixture
def colleague(la, team):
    """Another social worker in the same team."""
    return make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague")


@pytest.fixture
def other_social_worker(la, other_team):
    return make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other")


@pytest.fixture
def team_manager(la, team):
    return make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager")


@pytest.fixture
def service_manager(la):
    return make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service")


@pytest.fixture
def other_la_service_manager(other_la):
    return make_user(other_la, Role.SERVICE_MANAGER, full_name="Sol Elsewhere")


@pytest.fixture
def chair(la):
    return make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair")


@pytest.fixture
def iro(la):
    return make_user(la, Role.IRO, full_name="Ira Reviewing")


@pytest.fixture
def lado(la):
    return make_user(la, Role.LADO_OFFICER, full_name="Lee Lado")


@pytest.fixture
def business_unit(la):
    return make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT, full_name="Bea Business")


@pytest.fixture
def administrator(la):
    return make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin")


@pytest.fixture
def police_officer(police):
    return make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police")


@pytest.fixture
def school_dsl(school):
    return make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dee Safeguarding-Lead")


@pytest.fixture
def ctx():
    """ctx(user) -> a fresh AccessContext, as a request would build it."""
    return AccessContext.for_user


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Django test Client signed in as user (MFA off, as in demo/test mode)."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make
