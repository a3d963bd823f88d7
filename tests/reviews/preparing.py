"""The world the tests of preparing a review share (ADR 15), built once per module (``shared_world``): each test
writes in its own savepoint. Jade Holloway (born 1 February 2014, so 12, reference LC-JADE) became looked after
on Monday 2 March 2026 in Northmoor; Ira Reviewing, her IRO, booked her first review for Friday 27 March 2026.
Pat Police (Northmoor Police) is involved with her. Every test runs on Tuesday 3 March 2026 at 09:00.

    from tests.factories.worlds import shared_world
    from tests.reviews import preparing

    world = shared_world(preparing.build)
    clock = preparing.clock            # autouse: the day every test runs on
    booked = preparing.booked          # the review, fetched afresh for each test
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from cases.models import Involvement
from reviews import services
from reviews.models import Review
from safeguarding.accounts.models import Role
from tests.factories import (
    ChildFactory,
    HealthFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    TeamFactory,
    make_user,
)
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of

TODAY = "2026-03-03 09:00"
FRI_27_MAR = date(2026, 3, 27)


def build() -> SimpleNamespace:
    with freeze_time(TODAY):
        la = LocalAuthorityFactory(name="Northmoor Borough Council")
        police = PoliceFactory(name="Northmoor Police")
        health = HealthFactory(name="Northmoor NHS Trust")
        school = SchoolFactory(name="Oakfield Primary School")
        team = TeamFactory(agency=la, name="Assessment Team A")
        other_team = TeamFactory(agency=la, name="Child in Need Team B")
        w = SimpleNamespace(la=la, police=police, health=health, school=school, team=team)
        w.social_worker = make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker",
                                    email="sam.worker@example.org")
        w.team_manager = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager")
        w.other_social_worker = make_user(la, Role.SOCIAL_WORKER, team=other_team, full_name="Olly Other")
        w.chair = make_user(la, Role.CONFERENCE_CHAIR, full_name="Chris Chair")
        w.iro = make_user(la, Role.IRO, full_name="Ira Reviewing", email="ira.reviewing@example.org")
        w.iro_manager = iro_manager_of(la)
        w.police_officer = make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police",
                                     email="pat.police@example.org")
        w.school_dsl = make_user(school, Role.PARTNER_PRACTITIONER, full_name="Dee Lead")
        w.child = ChildFactory(local_authority=la, allocated_social_worker=w.social_worker, allocated_team=team,
                               legal_first_names="Jade", legal_surname="Holloway", date_of_birth=date(2014, 2, 1),
                               local_child_id="LC-JADE")
        Involvement.objects.create(child=w.child, agency=police, professional=w.police_officer,
                                   role="Youth engagement", start_date=date(2025, 1, 1))
        w.episode = AllocatedEpisodeFactory(child=w.child, start_date=date(2026, 3, 2), iro_manager=w.iro_manager,
                                            iro=w.iro, allocated_on=date(2026, 3, 2))
        w.booked = services.review_schedule(actor=w.iro, episode=w.episode, planned_for=FRI_27_MAR)
    return w


@pytest.fixture(autouse=True)
def clock():
    with freeze_time(TODAY) as frozen:
        yield frozen


@pytest.fixture
def booked(world, db) -> Review:
    return Review.objects.select_related("episode__child").get(pk=world.booked.pk)
