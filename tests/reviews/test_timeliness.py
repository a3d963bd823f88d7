"""The IRO manager's timeliness page (/reviews/timeliness/) and the clock's timeliness selector behind it:
looked-after deadlines due in a period, met on time, late, overdue or still to come, rule by rule and month by
month, for the manager's own authority only, in a fixed number of statements.

Counted by hand, today Wednesday 15 April 2026: in March, three first reviews on time, one late, one IRO
appointment overdue (open, due 20 March) and one cancelled (not counted): 3 of 5 decided on time, 60 %. In April,
one review decision met on time and one still to come (due 30 April): 1 of 1, 100 %. Another authority's
deadline due in March is not counted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from safeguarding.clock.selectors import timeliness
from tests.factories import LocalAuthorityFactory, TeamFactory, make_user
from tests.factories.reviews import iro_manager_of
from tests.figures.helpers import due_on, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    with freeze_time("2026-04-15 10:00"):
        yield date(2026, 4, 15)




@pytest.fixture
def service(today, la, team):
    for day in (date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)):
        due_on("lac_review_first", day, team=team, status="met_on_time", met_on=day)
    due_on("lac_review_first", date(2026, 3, 23), team=team, status="met_late", met_on=date(2026, 3, 25))
    due_on("iro_appointment", date(2026, 3, 20), team=team)  # overdue
    due_on("iro_appointment", date(2026, 3, 27), team=team, status="cancelled")
    due_on("lac_review_decision", date(2026, 4, 10), team=team, status="met_on_time", met_on=date(2026, 4, 9))
    due_on("lac_review_decision", date(2026, 4, 30), team=team)  # still to come
    due_on("icpc", date(2026, 3, 10), team=team)  # child protection: not the looked-after service's
    elsewhere = TeamFactory(agency=LocalAuthorityFactory(name="Southvale City Council"))
    due_on("lac_review_first", date(2026, 3, 12), team=elsewhere)
    return iro_manager_of(la)


def test_the_selector_counts_rule_by_rule_and_month_by_month_in_one_query(service, today, team):
    keys = ["iro_appointment", "lac_review_first", "lac_review_decision"]
    with CaptureQueriesContext(connection) as q:
        by_rule, by_month = timeliness(Deadline.objects.filter(responsible_team=team), start=date(2026, 3, 1),
                                       end=date(2026, 4, 30), rule_keys=keys, today=today)
    assert len(q.captured_queries) == 1
    rows = {r.key: (r.on_time, r.late, r.overdue, r.to_come, r.percent_on_time) for r in by_rule}
    assert rows == {"iro_appointment": (0, 0, 1, 0, 0), "lac_review_first": (3, 1, 0, 0, 75),
                    "lac_review_decision": (1, 0, 0, 1, 100)}
    assert [(m, r.on_time, r.late, r.overdue, r.percent_on_time) for m, r in by_month] == [
        (date(2026, 3, 1), 3, 1, 1, 60), (date(2026, 4, 1), 1, 0, 0, 100)]




def test_the_page_shows_the_managers_service_with_a_chart_and_tables_at_a_fixed_statement_count(
        client_for, service, today, team, social_worker, la):
    c = client_for(service)
    c.get("/reviews/timeliness/")
    with CaptureQueriesContext(connection) as q:
        resp = c.get("/reviews/timeliness/?start_day=1&start_month=3&start_year=2026&end_day=30&end_month=4"
                     "&end_year=2026")
    assert resp.status_code == 200
    small = len(q.captured_queries)
    page = text(resp)
    assert "between 1 March 2026 and 30 April 2026" in page
    assert "March 2026: 60% on time (3 of 5)" in page and "April 2026: 100% on time (1 of 1)" in page
    assert "February 2026" not in page
    assert re.search(r"First looked-after review</a></th> <td[^>]*>3</td> <td[^>]*>1</td> <td[^>]*>0</td> "
                     r"<td[^>]*>75%</td>", page)
    assert "Initial child protection conference" not in page  # another service's rule
    for day in (date(2026, 3, 3), date(2026, 3, 4), date(2026, 4, 1)):  # more deadlines, the same statements
        due_on("lac_review_first", day, team=team, status="met_on_time", met_on=day)
    with CaptureQueriesContext(connection) as q:
        c.get("/reviews/timeliness/?start_day=1&start_month=3&start_year=2026&end_day=30&end_month=4&end_year=2026")
    assert len(q.captured_queries) == small
    # the default period: the last twelve months, this one included
    assert "between 1 May 2025 and 15 April 2026" in text(c.get("/reviews/timeliness/"))
    # a period that ends before it starts: the form says so
    bad = c.get("/reviews/timeliness/?start_day=1&start_month=4&start_year=2026&end_day=1&end_month=3&end_year=2026")
    assert "The last day must be on or after the first day" in text(bad)
    # nobody else: the same 404 as a page that does not exist
    for someone in (social_worker, make_user(la, Role.IRO, full_name="Ira Officer")):
        assert client_for(someone).get("/reviews/timeliness/").status_code == 404
