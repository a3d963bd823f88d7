"""The IRO manager's allocation page (issue 10): the officers who may review the child, each with their whole
footprint (looked-after children and child protection children together), the IRO of the child's siblings
first, never an officer who manages the case; a reason when the IRO changes and, after the due date, why it is
late; at a fixed statement count; a 404 for anyone but the IRO manager, as for a missing period.

Jade became looked after on Monday 2 March 2026 (her IRO is due by Monday 9 March); her social worker, Dana Dual,
is an IRO too. Her brother Leo is looked after and reviewed by Zed Siblings; Cara Both is an IRO who chairs a
child protection conference. Mia's IRO is Ira Reviewing."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from cases.models import Household
from reviews.models import IroAllocation
from safeguarding.accounts.models import Role
from tests.factories import make_user
from tests.factories.reviews import iro_of
from tests.factories.states import BookedConferenceFactory
from tests.factories.worlds import shared_world

from .episode_world import (
    NOW,
    TODAY,
    cast,
    child_of,
    client,
    count,
    date_parts,
    errors,
    looked_after,
    missing,
    same_page,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_pages_allocation")]


def build() -> SimpleNamespace:
    with freeze_time(NOW):
        c = cast(dana=lambda la, team: make_user(la, Role.IRO, Role.SOCIAL_WORKER, team=team, full_name="Dana Dual"),
                 zed=lambda la, team: iro_of(la, full_name="Zed Siblings"),
                 cara=lambda la, team: make_user(la, Role.IRO, Role.CONFERENCE_CHAIR, full_name="Cara Both"))
        jade = child_of(c, "Jade", allocated_social_worker=c.dana)
        leo = child_of(c, "Leo")
        Household.objects.create(name="Their mother's home").children.set([jade, leo])
        looked_after(c, leo, iro=c.zed)
        BookedConferenceFactory(chair=c.cara)
        episode = looked_after(c, jade)
        mia = looked_after(c, child_of(c, "Mia"), iro=c.iro)
    return SimpleNamespace(cast=c, episode=episode, mia=mia)


world = shared_world(build)  # one world for the module; each test runs in a savepoint of it


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def url(episode) -> str:
    return f"/reviews/e/{episode.public_id}/iro/"


def offered(resp) -> list[tuple[str, str]]:
    """(name, hint) of each officer offered, in order."""
    return re.findall(r'radios__label" for="id_iro_\d+">([^<]+)</label>\s*<div[^>]*>(.*?)</div>', text(resp))


def test_only_the_iro_manager_opens_it_and_anyone_else_gets_the_404_of_a_missing_period(world):
    assert client(world, "iro_manager").get(url(world.episode)).status_code == 200
    for who in ("social_worker", "team_manager", "other_social_worker", "iro", "other_iro", "dana", "zed", "chair",
                "police_officer"):
        c = client(world, who)
        forbidden, absent = c.get(url(world.episode)), c.get(missing("e", "iro/"))
        assert forbidden.status_code == absent.status_code == 404, who
        assert same_page(forbidden) == same_page(absent), who


def test_the_siblings_iro_first_each_footprint_never_the_case_manager_at_a_fixed_statement_count(world):
    c = client(world, "iro_manager")
    c.get(url(world.episode))
    small, small_sql, resp = count(c, url(world.episode))
    body = text(resp)
    assert f'href="/children/{world.episode.child.public_id}/">Jade Holloway</a>' in body
    assert "An IRO is due by</dt>" in body and "9 March 2026" in body
    names = [name for name, _hint in offered(resp)]
    assert names[0] == "Zed Siblings" and "Dana Dual" not in names  # manages the case: never offered
    assert set(names) == {"Zed Siblings", "Cara Both", "Ira Reviewing", "Oona Elsewhere",
                          world.cast.iro_manager.display_name}
    hints = dict(offered(resp))
    assert "Suggested" in hints["Zed Siblings"] and "1 in all: 1 looked after, 0 child" in hints["Zed Siblings"]
    assert hints["Cara Both"] == "1 in all: 0 looked after, 1 child protection"
    assert hints["Ira Reviewing"] == "1 in all: 1 looked after, 0 child protection"
    assert 'name="reason"' not in body  # a first appointment needs no reason
    # more officers, more children: the same statements
    for i in range(3):
        officer = iro_of(world.cast.la, full_name=f"Extra Officer{i}")
        looked_after(world.cast, child_of(world.cast, f"Extra{i}"), iro=officer)
    large, large_sql, resp = count(c, url(world.episode))
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 15, "\n".join(small_sql)
    assert len(offered(resp)) == 8


def test_allocating_the_iro(world):
    c, episode, zed = client(world, "iro_manager"), world.episode, world.cast.zed
    resp = c.post(url(episode), date_parts("start_date", TODAY))
    assert errors(resp) == ["Choose the IRO"]
    resp = c.post(url(episode), {"iro": str(world.cast.dana.public_id), **date_parts("start_date", TODAY)})
    assert errors(resp) == ["Choose the IRO"]  # the case manager is not a choice
    resp = c.post(url(episode), {"iro": str(zed.public_id), **date_parts("start_date", TODAY)})
    assert (resp.status_code, resp["Location"]) == (302, f"/reviews/e/{episode.public_id}/")
    assert IroAllocation.objects.get(episode=episode, end_date__isnull=True).iro == zed
    assert "Zed Siblings is the child&#x27;s IRO from 4 March 2026." in text(c.get(resp["Location"]))


def test_changing_the_iro_needs_a_reason(world):
    c, mia, other = client(world, "iro_manager"), world.mia, world.cast.other_iro
    body = text(c.get(url(mia)))
    assert "Change the child&#x27;s IRO" in body and "Ira Reviewing, since 3 March 2026" in body
    assert "Ira Reviewing</label>" not in body  # the IRO now is not offered again
    choice = {"iro": str(other.public_id), **date_parts("start_date", TODAY)}
    resp = c.post(url(mia), {**choice, "reason": ""})
    assert errors(resp) == ["Say why the child's IRO is changing"]
    resp = c.post(url(mia), {**choice, "reason": "Caseloads rebalanced"})
    assert resp.status_code == 302
    ended = IroAllocation.objects.get(episode=mia, iro=world.cast.iro)
    assert (ended.end_date, ended.end_reason) == (TODAY, "Caseloads rebalanced")


def test_a_late_appointment_asks_why(world, frozen):
    frozen.move_to("2026-03-11 10:00")  # the IRO was due by Monday 9 March
    c = client(world, world.cast.iro_manager, fresh=True)
    body = text(c.get(url(world.episode)))
    assert "Why is the IRO appointed late?" in body
    choice = {"iro": str(world.cast.zed.public_id), "start_date_day": "11", "start_date_month": "3",
              "start_date_year": "2026"}
    resp = c.post(url(world.episode), {**choice, "late_reason": ""})
    assert errors(resp) == ["This was due on 9 March 2026: say why it was late"]
    resp = c.post(url(world.episode), {**choice, "late_reason": "No IRO free until today"})
    assert resp.status_code == 302
