"""Managers' timeliness figures (/figures/timeliness/): the trend by month, team by team and deadline by
deadline, each row's numbers agreeing with the list it drills into, CSV downloads, the managers' scope only,
and a statement count that does not grow with the deadlines.

Counted by hand, today Wednesday 15 April 2026, child protection: team A met two initial conferences on time
in March and one late, and has one review conference overdue (due 20 March): 2 of 4 on time, 50 %. Team B met
one in April on time and has one still to come (not counted): 1 of 1, 100 %. A cancelled deadline and a
looked-after one are not counted; another authority's team is not seen."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from safeguarding.accounts.models import Role
from tests.factories import LocalAuthorityFactory, TeamFactory, make_user
from tests.figures.helpers import due_on, rows_of, text
from tests.pages.conftest import normalised

pytestmark = pytest.mark.django_db
PERIOD = "start_day=1&start_month=3&start_year=2026&end_day=30&end_month=4&end_year=2026"


@pytest.fixture
def today():
    with freeze_time("2026-04-15 10:00"):
        yield date(2026, 4, 15)




@pytest.fixture
def world(today, la, team, other_team):
    due_on("icpc", date(2026, 3, 2), team=team, status="met_on_time", met_on=date(2026, 3, 2))
    due_on("icpc", date(2026, 3, 9), team=team, status="met_on_time", met_on=date(2026, 3, 6))
    due_on("icpc", date(2026, 3, 16), team=team, status="met_late", met_on=date(2026, 3, 18))
    due_on("rcpc_first", date(2026, 3, 20), team=team)  # overdue
    due_on("icpc", date(2026, 3, 27), team=team, status="cancelled")
    due_on("lac_review_first", date(2026, 3, 12), team=team, status="met_late", met_on=date(2026, 3, 13))
    due_on("icpc", date(2026, 4, 7), team=other_team, status="met_on_time", met_on=date(2026, 4, 7))
    due_on("icpc", date(2026, 4, 28), team=other_team)  # still to come
    elsewhere = TeamFactory(agency=LocalAuthorityFactory(name="Southvale City Council"))
    due_on("icpc", date(2026, 3, 12), team=elsewhere)
    return {"service_manager": make_user(la, Role.SERVICE_MANAGER, full_name="Sue Manager"),
            "team_manager": make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Tam Manager")}






def test_the_service_manager_sees_the_trend_the_teams_and_the_rules_each_agreeing_with_its_list(
        client_for, world):
    c = client_for(world["service_manager"])
    page = text(c.get(f"/figures/timeliness/?service=child_protection&{PERIOD}"))
    assert "Timeliness: Child protection" in page
    months = rows_of(page, "by-month")
    assert months["March 2026"][1] == ("2", "1", "1", "50")
    assert months["April 2026"][1] == ("1", "0", "0", "100")
    teams = rows_of(page, "by-team")
    assert teams["Assessment Team A (Northmoor Borough Council)"][1] == ("2", "1", "1", "50")
    assert teams["Child in Need Team B (Northmoor Borough Council)"][1] == ("1", "0", "0", "100")
    assert not any("Southvale" in label for label in teams)
    by_rule = rows_of(page, "by-rule")
    assert {label: r[1] for label, r in by_rule.items()} == {
        "Initial child protection conference": ("3", "1", "0", "75"),
        "First review conference": ("0", "0", "1", "0")}
    assert '<svg class="app-chart__svg"' in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    # each row's numbers are the list it opens
    for figure in (months, teams, by_rule):
        for label, (href, values) in figure.items():
            decided = sum(int(v) for v in values[:3])
            drill = text(c.get(href))
            total = int(re.search(r'id="drill-total">(\d+) deadline', drill).group(1))
            assert total == decided, (label, href)
    # and a bucket of a row
    late = text(c.get(f"{teams['Assessment Team A (Northmoor Borough Council)'][0]}&bucket=late"))
    assert 'id="drill-total">1 deadline fell due' in late


def test_every_figure_downloads_as_csv(client_for, world):
    c = client_for(world["service_manager"])
    resp = c.get(f"/figures/timeliness/?service=child_protection&{PERIOD}&csv=by-team")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0] == ["Team", "Met on time", "Met late", "Overdue", "On time (%)"]
    assert ["Assessment Team A (Northmoor Borough Council)", "2", "1", "1", "50"] in rows
    assert c.get(f"/figures/timeliness/?service=child_protection&{PERIOD}&csv=nothing").status_code == 404


def test_a_team_manager_sees_their_team_only_and_others_get_the_missing_page(
        client_for, world, social_worker, la, police):
    page = text(client_for(world["team_manager"]).get(f"/figures/timeliness/?service=child_protection&{PERIOD}"))
    teams = rows_of(page, "by-team")
    assert list(teams) == ["Child in Need Team B (Northmoor Borough Council)"]
    for someone in (social_worker, make_user(police, Role.PARTNER_PRACTITIONER),
                    make_user(la, Role.CONFERENCE_CHAIR)):
        c = client_for(someone)
        missing = c.get("/figures/nothing-here/")
        for url in ("/figures/timeliness/", f"/figures/timeliness/deadlines/?service=child_protection&{PERIOD}"):
            resp = c.get(url)
            assert resp.status_code == 404 and normalised(resp.content.decode()) == normalised(missing.content.decode())


def test_the_page_sends_the_same_statements_whatever_the_number_of_deadlines(client_for, world, team):
    c = client_for(world["service_manager"])
    url = f"/figures/timeliness/?service=child_protection&{PERIOD}"
    c.get(url)
    with CaptureQueriesContext(connection) as q:
        assert c.get(url).status_code == 200
    before = len(q.captured_queries)
    for day in (date(2026, 3, 3), date(2026, 3, 4), date(2026, 4, 1)):
        due_on("icpc", day, team=TeamFactory(agency=team.agency), status="met_on_time", met_on=day)
    with CaptureQueriesContext(connection) as q:
        c.get(url)
    assert len(q.captured_queries) == before <= 12


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client_for, world):
    bad = client_for(world["service_manager"]).get(
        "/figures/timeliness/?service=child_protection&start_day=1&start_month=4&start_year=2026&end_day=1"
        "&end_month=3&end_year=2026")
    assert "The last day must be on or after the first day" in text(bad)


def test_the_figures_read_the_authority_s_deadlines_team_by_team_from_their_index(client_for, world):
    """At scale the figures must cost the authority's deadlines of the period, not every deadline there is: the
    service manager's scope is the authority's team ids (not a join to every team), so each grouped query is an
    index-only range scan of ``deadline_team_due`` per team. Taken with sequential scans off (a few test rows:
    see tests/cases/test_search_plans.py); ``make bench`` reads the real plans at 100,000 children."""
    from tests.cases.test_search_plans import scans

    c = client_for(world["service_manager"])
    with CaptureQueriesContext(connection) as cap:
        assert c.get(f"/figures/timeliness/?service=child_protection&{PERIOD}").status_code == 200
    grouped = [q["sql"] for q in cap.captured_queries if "clock_deadline" in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(grouped) == 2  # by month and rule, by team
    for sql in grouped:
        nodes = scans(sql)
        on_deadlines = [(n["Node Type"], n.get("Index Name")) for n in nodes
                        if n.get("Relation Name") == "clock_deadline"]
        assert on_deadlines == [("Index Only Scan", "deadline_team_due")], on_deadlines
