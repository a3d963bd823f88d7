"""The IRO caseload page (issue 10, section 4): the IRO's children with their next review, and for the IRO
manager the children waiting for an IRO and every officer's whole footprint; at a fixed number of
statements however long the lists; a 404 for anyone else."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases import services as cases_services
from reviews import services
from safeguarding.accounts.models import Role
from tests.factories import ChildFactory, make_user
from tests.factories.reviews import AllocatedEpisodeFactory, LookedAfterEpisodeFactory, iro_manager_of, iro_of
from tests.factories.states import AllocatedChildFactory, BookedConferenceFactory

pytestmark = pytest.mark.django_db

PAGE = "/reviews/"


@pytest.fixture
def frozen():
    with freeze_time("2026-03-02 09:00") as clock:
        yield clock


@pytest.fixture
def manager(la):
    return iro_manager_of(la)


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def _count(c):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(PAGE)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def _children(n, *, la, manager, iro, start=0):
    for i in range(start, start + n):
        child = AllocatedChildFactory(local_authority=la, legal_first_names=f"Unit{i}", legal_surname="Testchild",
                                      date_of_birth=date(2015, 1, 1))
        AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=manager, iro=iro,
                                allocated_on=date(2026, 3, 2))
        LookedAfterEpisodeFactory(start_date=date(2026, 3, 2), iro_manager=manager)  # waiting for an IRO


def test_the_iro_sees_their_children_and_what_is_due(client_for, frozen, la, manager, iro):
    _children(1, la=la, manager=manager, iro=iro)
    page = text(client_for(iro).get(PAGE))
    assert 'govuk-table__caption--m">The children you are IRO for</caption>' in page
    assert "Unit0 Testchild" in page and "30 Mar 2026" in page  # the first review: 20 working days
    assert "Children waiting for an IRO" not in page and "whole caseload" not in page


def test_a_restricted_child_s_name_is_not_listed(client_for, frozen, la, manager, iro):
    _children(1, la=la, manager=manager, iro=iro)
    child = ChildFactory._meta.model.objects.get(legal_first_names="Unit0")
    cases_services.child_set_restriction(child=child, actor=make_user(la, Role.SERVICE_MANAGER), restricted=True,
                                         named_people=[child.allocated_social_worker], reason="Staff member's child")
    page = text(client_for(iro).get(PAGE))
    assert "Unit0" not in page and "Restricted record" in page and child.local_child_id in page


def test_the_manager_sees_the_queue_and_the_footprints_at_a_fixed_statement_count(client_for, frozen, la, manager):
    both = make_user(la, Role.IRO, Role.CONFERENCE_CHAIR, full_name="Walsall Both")
    BookedConferenceFactory(chair=both)
    _children(2, la=la, manager=manager, iro=both)
    c = client_for(manager)
    c.get(PAGE)
    small, small_sql, resp = _count(c)
    page = text(resp)
    assert 'govuk-table__caption--m">Children waiting for an IRO</caption>' in page
    assert 'govuk-table__caption--m">Each officer\'s whole caseload</caption>' in page
    assert re.search(r"Walsall Both</td> <td[^>]*>2</td> <td[^>]*>1</td> <td[^>]*>3</td>", page)
    assert "9 Mar 2026" in page  # the IRO is due 5 working days after 2 March
    _children(6, la=la, manager=manager, iro=both, start=2)
    large, large_sql, resp = _count(c)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert re.search(r"Walsall Both</td> <td[^>]*>8</td> <td[^>]*>1</td> <td[^>]*>9</td>", text(resp))
    assert small <= 12, "\n".join(small_sql)


def test_an_iro_of_the_manager_s_own_team_is_listed_once(client_for, frozen, la, manager):
    page = text(client_for(manager).get(PAGE))
    assert page.split('id="footprints"')[1].count(manager.display_name) == 1
    assert "Every looked-after child has an IRO." in page


@pytest.mark.parametrize("who", ["social_worker", "chair", "police_officer", "service_manager"])
def test_anyone_else_gets_a_404(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get(PAGE).status_code == 404


def test_an_iro_of_another_authority_sees_nothing_of_ours(client_for, frozen, la, other_la, manager, iro):
    _children(1, la=la, manager=manager, iro=iro)
    page = text(client_for(iro_of(other_la)).get(PAGE))
    assert "Unit0" not in page and "You are not the IRO of any looked-after child" in page


def test_an_early_review_asked_for_shows(client_for, frozen, la, manager, iro):
    _children(1, la=la, manager=manager, iro=iro)
    episode = iro.iro_allocations.get().episode
    services.review_request_early(actor=iro, episode=episode, trigger="iro_request", reason="Contact concerns")
    assert "Early review asked for" in text(client_for(iro).get(PAGE))


def test_the_iro_finds_the_caseload_in_the_navigation_and_others_do_not(client_for, la, iro, social_worker):
    link = re.compile(r'<a class="govuk-service-navigation__link" href="/reviews/"[^>]*>\s*Looked-after children')
    assert link.search(client_for(iro).get("/").content.decode())
    assert 'href="/reviews/"' not in client_for(social_worker).get("/").content.decode()


def test_a_social_worker_finds_reviews_to_prepare_and_only_the_longest_match_is_active(
        client_for, social_worker, la, team):
    from safeguarding.accounts.models import Role as R

    both = make_user(la, R.IRO, R.SOCIAL_WORKER, team=team)
    page = client_for(both).get("/reviews/preparation/").content.decode()
    active = re.findall(r'aria-current="[^"]+">\s*<strong class="govuk-service-navigation__active-fallback">([^<]+)<',
                        page)
    assert active == ["Reviews to prepare"]
    assert "Looked-after children" in page
    assert 'href="/reviews/preparation/"' in client_for(social_worker).get("/").content.decode()
