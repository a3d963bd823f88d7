"""The partnership's figures (/partnership/figures/): rapid review steps met on time step by step (each row
opening the rapid reviews it counts) and month by month, review actions by owner agency (each row opening the
tracker for the agency), a CSV of each, a fixed number of statements, only for the business unit.

By hand, today Monday 15 March 2027: review A (Working Day 1 Monday 1 February 2027) had its consultation on
Working Day 2 (on time); review B (Working Day 1 Monday 1 March 2027) had none: overdue. Every later step of both
is overdue or still to come."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from partnership import services
from partnership.models import Escalation
from safeguarding.accounts.models import Role
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.figures.helpers import rows_of, text
from tests.pages.conftest import normalised

pytestmark = pytest.mark.django_db
ESCALATION_CATEGORY = Escalation.Category.values[0]


@pytest.fixture
def world(la, police, health):
    bu = make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT, full_name="Bea Unit")
    referrer = make_user(police, Role.PARTNER_PRACTITIONER)
    with freeze_time("2027-02-01 10:00"):
        a = pf.rapid_review(business_unit=bu, referrer=referrer, agency=police, la=la, aware_on=date(2027, 2, 1))
    with freeze_time("2027-02-02 10:00"):
        services.rapid_review_step_done(actor=bu, review=a, step="rapid_review_consultation",
                                        done_on=date(2027, 2, 2))
    with freeze_time("2027-03-01 10:00"):
        pf.rapid_review(business_unit=bu, referrer=referrer, agency=police, la=la, aware_on=date(2027, 3, 1))
        review = pf.practice_review(business_unit=bu, referral=pf.learning_review_referral(
            business_unit=bu, referrer=referrer, agency=police, la=la, aware_on=date(2027, 3, 1)),
            decided_on=date(2027, 3, 1))
        pf.action(business_unit=bu, review=review, agency=health, due_on=date(2027, 3, 10))
        pf.action(business_unit=bu, review=review, agency=health, due_on=date(2027, 4, 30))
        services.escalation_raise(actor=referrer, raising_agency=police, raised_with_agency=health,
                                  category=ESCALATION_CATEGORY, concern="The referral was not acted on.",
                                  theme="Information sharing", raised_on=date(2027, 3, 1))
    with freeze_time("2027-03-15 10:00"):
        yield bu






def test_the_steps_count_by_hand_and_each_row_opens_its_rapid_reviews(client_for, world):
    c = client_for(world)
    page = text(c.get("/partnership/figures/?start_day=1&start_month=1&start_year=2027&end_day=15&end_month=3"
                      "&end_year=2027"))
    steps = rows_of(page, "steps")
    consultation = steps["Rapid review: consult the statutory partners"]
    assert consultation[1] == ("1", "0", "1", "50")
    for label, (href, values) in steps.items():
        decided = sum(int(v) for v in values[:3])
        assert f'id="drill-total">{decided} rapid review' in text(c.get(href)), (label, href)
    actions = rows_of(page, "actions")
    assert actions["Northmoor NHS Trust"][1] == ("2", "1", "0")
    assert "/partnership/actions/?agency=" in actions["Northmoor NHS Trust"][0]
    assert c.get("/partnership/figures/?csv=steps")["Content-Type"].startswith("text/csv")
    # the open escalations by stage: each row's count is the register's at that stage
    stages = rows_of(page, "escalations-by-stage")
    assert sum(int(v[1][0]) for v in stages.values()) == 1
    assert rows_of(page, "escalations-by-agency")["Northmoor Police"][1] == ("1", "0")
    for label, (href, values) in stages.items():
        register = text(c.get(href))
        assert int(values[0]) == len(re.findall(r'href="/partnership/escalations/[0-9a-f-]{36}/"', register)), label
    assert "Safeguarding partnership" in text(c.get("/figures/"))


def test_the_page_sends_the_same_statements_however_many_reviews(client_for, world, la, police):
    c = client_for(world)
    c.get("/partnership/figures/")
    with CaptureQueriesContext(connection) as q:
        c.get("/partnership/figures/")
    before = len(q.captured_queries)
    pf.rapid_review(business_unit=world, referrer=make_user(police, Role.PARTNER_PRACTITIONER), agency=police,
                    la=la, aware_on=date(2027, 3, 8))
    with CaptureQueriesContext(connection) as q:
        c.get("/partnership/figures/")
    assert len(q.captured_queries) == before <= 14


def test_only_the_business_unit_sees_the_partnership_s_figures(client_for, world, la, social_worker, police):
    for someone in (social_worker, make_user(la, Role.SERVICE_MANAGER), make_user(police, Role.PARTNER_PRACTITIONER)):
        c = client_for(someone)
        missing = c.get("/partnership/figures/nothing/")
        for url in ("/partnership/figures/", "/partnership/figures/rapid-reviews/?figure=steps"
                    "&value=rapid_review_consultation"):
            resp = c.get(url)
            assert resp.status_code == 404 and normalised(resp.content.decode()) == normalised(
                missing.content.decode()), (someone, url)
