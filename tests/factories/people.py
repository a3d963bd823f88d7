"""The agencies and people of tests/conftest.py's fixtures, by the same names, as plain functions: the fixtures
call them, and so do the worlds built once for a class or a module (tests/factories/worlds.py), whose fixtures of
the same names then give a test the same people it would otherwise have had made for it."""

from safeguarding.accounts.models import Role
from tests.factories import (
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)


def la():
    return LocalAuthorityFactory(name="Northmoor Borough Council")


def other_la():
    return LocalAuthorityFactory(name="Southvale City Council")


def police():
    return PoliceFactory(name="Northmoor Police")


def health():
    return HealthFactory(name="Northmoor NHS Trust")


def school():
    return SchoolFactory(name="Oakfield Primary School")


def team(la):
    return TeamFactory(agency=la, name="Assessment Team A")


def other_team(la):
    return TeamFactory(agency=la, name="Child in Need Team B")


def social_worker(la, team):
    return make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker", email="sam.worker@example.org")


def colleague(la, team):
    """Another social worker in the same team."""
    return make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague")


def other_social_worker(la, other_team):
    return make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other")


def team_manager(la, team):
    return make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager")


def service_manager(la):
    return make_user(la, Role.SERVICE_MANAGER, full_name="Sian Service")


def other_la_service_manager(other_la):
    return make_user(other_la, Role.SERVICE_MANAGER, full_name="Sol Elsewhere")


def chair(la):
    return make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair")


def iro(la):
    return make_user(la, Role.IRO, full_name="Ira Reviewing")


def lado(la):
    return make_user(la, Role.LADO_OFFICER, full_name="Lee Lado")


def business_unit(la):
    return make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT, full_name="Bea Business")


def administrator(la):
    return make_user(la, Role.ADMINISTRATOR, full_name="Ada Admin")


def police_officer(police):
    return make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police")


def school_dsl(school):
    return make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dee Safeguarding-Lead")
