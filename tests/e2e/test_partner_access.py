"""A partner practitioner (a school's designated safeguarding lead) sees only the children their school
is involved with; any other child's address is a plain 'Page not found'."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ChildFactory, InvolvementFactory

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e


def test_school_dsl_sees_only_the_child_their_school_is_involved_with(page, la, team, social_worker, school,
                                                                       school_dsl):
    pupil = ChildFactory(legal_first_names="Ruby", legal_surname="Hartley", local_authority=la,
                         allocated_social_worker=social_worker, allocated_team=team)
    InvolvementFactory(child=pupil, agency=school, role="Designated safeguarding lead")
    not_a_pupil = ChildFactory(legal_first_names="Oscar", legal_surname="Hartley", local_authority=la,
                               allocated_social_worker=social_worker, allocated_team=team)

    log_in(page, school_dsl)
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("Oakfield Primary School")
    expect(banner).to_contain_text("Partner agency practitioner")
    # partners cannot add children, so they are not offered it; they reach the conferences they are invited to,
    # any employer refers an allegation against an adult to the LADO (ADR 19), any agency a case for review (20)
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(["Home", "Find a child", "My deadlines", "Timescales", "Conferences",
                                                   "Refer to the LADO", "Case reviews", "Escalations"])

    page.goto("/children/?name=Hartley")
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    results = page.get_by_role("main").get_by_role("table")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("Ruby Hartley")
    expect(page.get_by_role("main")).not_to_contain_text("Oscar")

    results.get_by_role("link", name="Ruby Hartley").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruby Hartley")
    # they may add to the chronology but not change the child's details or allocation
    expect(page.get_by_role("link", name="Change details")).to_have_count(0)
    expect(page.get_by_role("link", name="Change allocation")).to_have_count(0)

    response = page.goto(f"/children/{not_a_pupil.public_id}/")
    assert response.status == 404
    expect(page).to_have_title("Page not found – Safeguarding Hub")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text("Oscar")
    expect(page.get_by_role("main")).not_to_contain_text("restricted")
    assert_accessible(page, "404 page")

    # a form about that child is just as missing
    response = page.goto(f"/children/{not_a_pupil.public_id}/chronology/new/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_url(re.compile(r"/chronology/new/$"))
