"""WCAG 2.2 reflow (1.4.10): every main page of each app at 320 CSS pixels wide, which is also what a
1280-pixel window shows at 400 % zoom. The page itself never scrolls sideways (a wide table may scroll
inside its own container, which is allowed), and axe-core finds nothing at that width."""

from datetime import date

import pytest

from tests.conferences import story
from tests.factories import ChildFactory

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}

_OVERFLOW = """
() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !el.closest(".app-table-container")) {
      wide.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} `
                + `right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 8)};
}
"""


def assert_reflows(page, what: str) -> None:
    page.set_viewport_size(PHONE)
    result = page.evaluate(_OVERFLOW)
    assert result["scrollWidth"] <= result["innerWidth"], (
        f"{what} ({page.url}) scrolls sideways at 320px: scrollWidth {result['scrollWidth']} > "
        f"{result['innerWidth']}; too wide: {result['wide']}")
    assert_accessible(page, f"{what} at 320px")


@pytest.fixture
def world(la, team, social_worker, chair, police, health, school):
    child, _, _ = story.child_with_family(
        la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
        legal_first_names="Maximilian-Alexander", legal_surname="Worthington-Featherstonehaugh",
        date_of_birth=date(2016, 5, 4))
    ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                 legal_surname="Worthington")
    conference = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date.today())
    return child, conference


def test_the_main_pages_reflow_at_320_pixels(page, world, social_worker, team_manager, chair, iro, lado,
                                              business_unit):
    child, _conference = world
    page.set_viewport_size(PHONE)
    visits = [
        (social_worker, [("/", "home"), ("/children/?name=Worthington", "search results"),
                         (f"/children/{child.public_id}/", "child's page"), ("/children/new/", "add a child"),
                         ("/deadlines/", "my deadlines"), ("/notifications/", "notifications"),
                         ("/notifications/settings/", "notification settings"), ("/rules/", "rules")]),
        (team_manager, [("/deadlines/team/", "team deadlines")]),
        (chair, [("/conferences/", "conference dashboard"), ("/conferences/service/", "conference service")]),
        (iro, [("/reviews/", "IRO caseload")]),
        (lado, [("/lado/", "LADO workbench"), ("/lado/referrals/new/", "record a LADO referral")]),
        (business_unit, [("/partnership/", "partnership dashboard")]),
    ]
    for person, pages in visits:
        for number, (path, what) in enumerate(pages):
            if number == 0:
                log_in(page, person, path)  # opens the page
            else:
                page.goto(path)
            assert_reflows(page, what)

def test_the_pages_without_an_account_reflow_at_320_pixels(page, db):
    page.set_viewport_size(PHONE)
    for path, what in (("/accounts/login/", "sign in"), ("/lado/portal/register/", "referral portal sign-up")):
        page.goto(path)
        assert_reflows(page, what)
