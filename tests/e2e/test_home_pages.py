"""The home page of several roles in the browser, checked with axe-core (issue 13, section
1; ADR 26): each part a heading, each item a table whose rows link to the work and name their subject."""

import pytest
from playwright.sync_api import expect

from safeguarding.accounts.models import Role
from tests.e2e.helpers import assert_accessible, log_in
from tests.factories import ChildFactory, make_user
from tests.factories.states import ActivePlanFactory, RequestedConferenceFactory

pytestmark = pytest.mark.e2e


def test_a_chair_and_a_social_worker_land_on_their_work(page, la, team, social_worker, chair):
    child = ChildFactory(legal_first_names="Mabel", legal_surname="Greenhalgh", local_authority=la,
                         allocated_social_worker=social_worker, allocated_team=team)
    RequestedConferenceFactory(child=child, social_worker=social_worker)
    ActivePlanFactory(child=ChildFactory(legal_first_names="Tobias", legal_surname="Fairclough", local_authority=la,
                                         allocated_social_worker=social_worker, allocated_team=team))

    log_in(page, chair)
    expect(page.get_by_role("heading", level=2, name="Conferences you chair")).to_be_visible()
    requests = page.get_by_role("table", name="Requests to allocate a chair and a date")
    requests.get_by_role("link", name="Mabel Greenhalgh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("conference")
    page.go_back()
    assert_accessible(page, "the chair's home page")

    log_in(page, social_worker)
    mine = page.get_by_role("table", name="Children allocated to you")
    expect(mine.get_by_role("row", name="Tobias Fairclough")).to_contain_text("Child protection plan since")
    expect(mine.get_by_role("row", name="Mabel Greenhalgh")).to_contain_text("Child in need")
    week = page.get_by_role("table", name="Your deadlines this week")
    expect(week).to_be_visible()
    assert_accessible(page, "the social worker's home page")


def test_a_person_with_several_roles_sees_each_part_and_the_administrator_reaches_administration(page, la, team):
    both = make_user(la, Role.TEAM_MANAGER, Role.ADMINISTRATOR, team=team, full_name="Morgan Both")
    ChildFactory(legal_surname="Unallocatedson", local_authority=la, allocated_team=team)
    log_in(page, both)
    for part in ("Your team", "Administration", "Your deadlines and notifications"):
        expect(page.get_by_role("heading", level=2, name=part)).to_be_visible()
    nobody = page.get_by_role("table", name="Children with no social worker")
    expect(nobody.get_by_role("link", name="Unallocatedson")).to_be_visible()
    expect(page.get_by_role("link", name="Go to administration")).to_have_attribute("href", "/admin/")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Timescales")).to_be_visible()
    assert_accessible(page, "a team manager and administrator's home page")
