"""The child protection service's figures (/conferences/figures/): children on a plan by category, plans
started first or repeat, plans open by length, each row agreeing with the list of children it opens, a CSV of
each, a fixed number of statements, and only for the service managers and the conference service.

Counted by hand, today 15 April 2026, Northmoor: open plans: neglect started 1 April 2026 (under 3 months),
neglect started 1 December 2025 (3 to 6 months), emotional abuse started 15 April 2024 (two years or more, to
the day), sexual abuse started 1 May 2025 (under a year... 11 months and a half: 6 months to under 1 year);
ended plans: one first plan started 1 March 2026 and ended. Plans started from 1 May 2025 to 15 April 2026:
1 April 2026 (first), 1 December 2025 (repeat), 1 May 2025 (first), 1 March 2026 (repeat, ended): 2 first and
2 repeat. Southvale's plan is never counted."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from conferences.models import ChildProtectionPlan
from safeguarding.accounts.models import Role
from tests.factories import ChildFactory, LocalAuthorityFactory, make_user
from tests.figures.helpers import rows_of, text
from tests.pages.conftest import normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    with freeze_time("2026-04-15 10:00"):
        yield date(2026, 4, 15)


def plan(la, lead, started, category, *, previous=0, ended=None, name="Child"):
    child = ChildFactory(local_authority=la, legal_first_names=name)
    return ChildProtectionPlan.objects.create(
        child=child, started_on=started, initial_category=category, latest_category=category,
        lead_social_worker=lead, previous_plans=previous, ended_on=ended,
        status="ended" if ended else "active", end_reason="no_longer" if ended else "")


@pytest.fixture
def world(today, la, social_worker):
    plan(la, social_worker, date(2026, 4, 1), "NEG", name="Nia")
    plan(la, social_worker, date(2025, 12, 1), "NEG", previous=1, name="Noah")
    plan(la, social_worker, date(2024, 4, 15), "EMO", name="Ella")
    plan(la, social_worker, date(2025, 5, 1), "SAB", name="Sami")
    plan(la, social_worker, date(2026, 3, 1), "PHY", previous=2, ended=date(2026, 4, 1), name="Pip")
    other = LocalAuthorityFactory(name="Southvale City Council")
    plan(other, make_user(other, Role.SOCIAL_WORKER), date(2026, 4, 1), "NEG", name="Far")
    return make_user(la, Role.SERVICE_MANAGER, full_name="Sue Manager")






def test_the_figures_count_by_hand_and_each_row_opens_the_children_it_counts(client_for, world):
    c = client_for(world)
    page = text(c.get("/conferences/figures/"))
    category = rows_of(page, "category")
    assert {k: v[1] for k, v in category.items()} == {
        "Neglect": ("2", "50"), "Physical abuse": ("0", "0"), "Emotional abuse": ("1", "25"),
        "Sexual abuse": ("1", "25"), "Multiple (not recommended)": ("0", "0")}
    started = rows_of(page, "started")
    assert {k: v[1] for k, v in started.items()} == {"First plan": ("2", "50"),
                                                     "Second or subsequent plan": ("2", "50")}
    length = rows_of(page, "length")
    assert {k: v[1][0] for k, v in length.items()} == {
        "Under 3 months": "1", "3 months to under 6 months": "1", "6 months to under 1 year": "1",
        "1 year to under 2 years": "0", "2 years or more": "1"}
    for figure in (category, started, length):
        for label, (href, values) in figure.items():
            drill = text(c.get(href))
            assert f'id="drill-total">{values[0]} plan' in drill, (label, href)
            assert "Far " not in drill
    neglect = text(c.get(category["Neglect"][0]))
    assert ">Nia " in neglect and ">Noah " in neglect and ">Ella " not in neglect
    assert "Back to the figures" in neglect


def test_each_figure_downloads_as_csv_and_a_row_that_does_not_exist_is_missing(client_for, world):
    c = client_for(world)
    resp = c.get("/conferences/figures/?csv=length")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0] == ["Length of the plan so far", "Plans", "Share (%)"]
    assert rows[-1] == ["2 years or more", "1", "25"]
    assert c.get("/conferences/figures/plans/?figure=category&value=XYZ").status_code == 404
    assert c.get("/conferences/figures/plans/?figure=nothing&value=NEG").status_code == 404


def test_the_page_sends_the_same_statements_however_many_plans(client_for, world, la, social_worker):
    c = client_for(world)
    c.get("/conferences/figures/")
    with CaptureQueriesContext(connection) as q:
        c.get("/conferences/figures/")
    before = len(q.captured_queries)
    for i in range(3):
        plan(la, social_worker, date(2025, 1, 1 + i), "PHY", previous=i)
    with CaptureQueriesContext(connection) as q:
        c.get("/conferences/figures/")
    assert len(q.captured_queries) == before <= 12


def test_who_sees_the_figures(client_for, world, la, social_worker, team_manager, police):
    chair = make_user(la, Role.CONFERENCE_CHAIR, full_name="Cara Chair")
    assert client_for(chair).get("/conferences/figures/").status_code == 200
    assert "Child protection" in text(client_for(chair).get("/figures/"))
    for someone in (social_worker, team_manager, make_user(police, Role.PARTNER_PRACTITIONER),
                    make_user(la, Role.IRO)):
        c = client_for(someone)
        missing = c.get("/conferences/figures/nothing/")
        for url in ("/conferences/figures/", "/conferences/figures/plans/?figure=category&value=NEG"):
            resp = c.get(url)
            assert resp.status_code == 404 and normalised(resp.content.decode()) == normalised(
                missing.content.decode()), (someone, url)
