"""Every demo login lands on a home page that shows its work (issue 13, section 1; ADR 26), in a constant number
of statements per role; deadlines and notifications on it name their subject. Not a test module of its own: its
tests are collected from tests/test_demo_world.py (imported at its end), so that they run on that module's demo
world, loaded once (loading the demo costs a minute or two)."""

import re

import pytest
from django.urls import reverse

from safeguarding.access.context import AccessContext
from safeguarding.demo import data
from safeguarding.home.parts import parts_for
from tests.test_demo import login
from tests.test_demo_conferences import LOADED_AT

# what each demo login must find on arrival: its part, and the item that must have work in the demo
EXPECTED = {
    "chair": ("Conferences you chair", "Your conferences this week"),
    "chair2": ("Conferences you chair", "Requests to allocate a chair and a date"),
    "iro": ("Looked-after children you review", "Reviews due"),
    "lado": ("Allegations against adults (LADO)", "Referrals to evaluate"),
    "social_worker": ("Your children", "Children allocated to you"),
    "team_manager": ("Your team", "Your team's caseload"),
    "service_manager": ("Your service's figures", "Open children"),
    "business_unit": ("Safeguarding partnership", "Rapid reviews in progress"),
    "police": ("Your agency's work", "Conferences your agency is invited to"),
    "school": ("Your agency's work", "Conferences your agency is invited to"),
    "health": ("Your agency's work", "Conferences your agency is invited to"),
    "admin": ("Administration", "People with an account"),
}
# statements for the whole page (session, user, memberships, the parts, the nav's unread count): each role's
# parts are a fixed number of statements whatever the data, so this bound holds at any size
MAX_STATEMENTS = {"chair": 26, "chair2": 26, "iro": 22, "lado": 22, "social_worker": 20, "team_manager": 22,
                  "service_manager": 24, "business_unit": 18, "police": 22, "school": 22, "health": 22, "admin": 18}


def test_every_demo_login_is_covered():
    assert set(EXPECTED) == set(data.LOGIN_BY_KEY)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_demo_login_lands_on_its_work(key, client, django_assert_max_num_queries):
    person = login(key)
    part_title, item_title = EXPECTED[key]
    parts = parts_for(AccessContext.for_user(person), LOADED_AT.date())
    part = next(p for p in parts if p.title == part_title)
    item = next(i for i in part.items if i.title.startswith(item_title))
    assert item.count > 0, f"{key}: {item_title} is empty in the demo"
    assert item.rows is None or item.rows, f"{key}: {item_title} shows no rows"
    client.force_login(person)
    with django_assert_max_num_queries(MAX_STATEMENTS[key]):
        page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert part_title.replace("'", "&#x27;") in html
    assert "No children are allocated to you" not in html or key != "social_worker"
    for row in item.rows or ():
        assert row.url and row.url in html  # each piece of work links to it


def test_the_social_worker_sees_status_tags_and_named_deadlines():
    person = login("social_worker")
    parts = {p.key: p for p in parts_for(AccessContext.for_user(person), LOADED_AT.date())}
    children = parts["social_worker"].items[0]
    assert all(row.tags for row in children.rows)  # child in need, plan since, looked after since
    assert any(re.match(r"Child protection plan since \d", w) for row in children.rows for w, _c in row.tags)
    week = next(i for i in parts["mine"].items if i.title.startswith("Your deadlines this week"))
    for row in week.rows:
        assert ": " in row.text and not row.text.endswith(": ")  # "<what is due>: <whose>"
