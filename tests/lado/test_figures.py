"""The LADO service's yearly figures (/lado/figures/): counted by hand, every row agreeing with the referrals it
opens, a CSV of each, the same statements however many referrals, and only for the LADO team.

Today Wednesday 15 April 2026; the default period is 1 May 2025 to 15 April 2026. Northmoor's referrals:
- A: a school's, received 1 April 2026 (the employer knew that day), outcome unsubstantiated on 10 April: within
  one month; DBS referral not needed;
- B: a school's, received 5 January 2026, outcome substantiated on 20 March, DBS referral made: 1 to 3 months;
- C: a sports club's, received Monday 2 March 2026 when the employer knew on Wednesday 25 February: late, with
  its reason; no subject identified yet;
- D: a school's about A's person again, received 8 April 2026: a repeat subject.
One consultation from a school. Southvale's referral is never counted."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from lado import services
from safeguarding.accounts.models import Role
from tests.factories import LocalAuthorityFactory, make_user
from tests.factories.lado import (
    ConsultationFactory,
    EvaluatedCaseFactory,
    IdentifiedCaseFactory,
    ReceivedReferralFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.figures.helpers import rows_of, text
from tests.pages.conftest import normalised

pytestmark = pytest.mark.django_db


def conclude(case, officer, on, category, dbs="not_needed", late_reason=""):
    with freeze_time(f"{on} 12:00"):
        services.case_outcome_record(actor=officer, case=case, category=category, decided_on=on,
                                     rationale="Weighed.", subject_told="In writing.", employer_told="The outcome.",
                                     dbs_referral=dbs, dbs_referred_on=on if dbs == "made" else None,
                                     late_reason=late_reason)


@pytest.fixture
def world(la):
    officer = lado_officer_of(la)
    with freeze_time("2026-04-01 10:00"):
        a = EvaluatedCaseFactory(local_authority=la, officer=officer)
    conclude(a, officer, date(2026, 4, 10), "unsubstantiated")
    with freeze_time("2026-01-05 10:00"):
        b = EvaluatedCaseFactory(local_authority=la, officer=officer,
                                 data={"subject_first_names": "Bea", "subject_surname": "Other"})
    conclude(b, officer, date(2026, 3, 20), "substantiated", dbs="made", late_reason="Police investigation")
    with freeze_time("2026-03-02 10:00"):
        ReceivedReferralFactory(local_authority=la, knew_on=date(2026, 2, 25), late_reason="The club's lead was away",
                                data={"sector": "sports", "organisation": "Northmoor Juniors FC",
                                      "subject_employment_type": "volunteer"})
    with freeze_time("2026-04-08 10:00"):
        IdentifiedCaseFactory(local_authority=la, officer=officer, entry=a.subject)
    with freeze_time("2026-04-09 10:00"):
        ConsultationFactory(local_authority=la, officer=officer)
    elsewhere = LocalAuthorityFactory(name="Southvale City Council")
    with freeze_time("2026-04-02 10:00"):
        ReceivedReferralFactory(local_authority=elsewhere)
    with freeze_time("2026-04-15 10:00"):
        yield {"officer": officer, "manager": lado_manager_of(la)}






def test_the_yearly_figures_count_by_hand_and_each_row_opens_its_referrals(client_for, world):
    c = client_for(world["manager"])
    page = text(c.get("/lado/figures/"))
    figures = {key: rows_of(page, key) for key in ("sector", "employment", "timely", "outcome", "resolution", "dbs",
                                                  "regulator", "repeat")}
    assert figures["sector"]["Schools"][1] == ("3", "1")
    assert figures["sector"]["Sports and leisure clubs"][1] == ("1", "0")
    assert figures["employment"]["Volunteer"][1] == ("1", "25")
    assert figures["timely"]["Within one working day"][1] == ("3", "75")
    assert figures["timely"]["Later (with the reason)"][1] == ("1", "25")
    assert figures["outcome"]["Unsubstantiated"][1] == ("1", "50")
    assert figures["outcome"]["Substantiated"][1] == ("1", "50")
    assert figures["resolution"]["Within 1 month"][1] == ("1", "50", "50", "80")
    assert figures["resolution"]["1 month to 3 months"][1] == ("1", "50", "100", "90")
    assert figures["resolution"]["Over 12 months"][1] == ("0", "0", "–", "–")
    assert figures["dbs"]["Referred to the DBS"][1] == ("1",)
    assert figures["repeat"]["Had an earlier allegation"][1] == ("1",)
    assert figures["repeat"]["First allegation"][1] == ("2",)
    for key, rows in figures.items():
        for label, (href, values) in rows.items():
            drill = text(c.get(href))
            assert f'id="drill-total">{values[0]} referral' in drill, (key, label, href)
    # the time to outcome: each case over the month's target with its reason for the delay
    assert "Police investigation" in text(c.get(figures["resolution"]["1 month to 3 months"][0]))
    late = text(c.get(figures["timely"]["Later (with the reason)"][0]))
    assert "Northmoor Juniors FC" in late and "Northmoor Primary School" not in late
    rows = list(csv.reader(io.StringIO(c.get("/lado/figures/?csv=resolution").content.decode("utf-8-sig"))))
    assert rows[0] == ["Time taken", "Cases", "Share (%)", "Resolved by then (%)", "Target (%)"]
    assert rows[1] == ["Within 1 month", "1", "50", "50", "80"]


def test_the_figures_send_the_same_statements_however_many_referrals(client_for, world, la):
    c = client_for(world["officer"])
    c.get("/lado/figures/")
    with CaptureQueriesContext(connection) as q:
        c.get("/lado/figures/")
    before = len(q.captured_queries)
    for _ in range(2):
        EvaluatedCaseFactory(local_authority=la, officer=world["officer"])
    with CaptureQueriesContext(connection) as q:
        c.get("/lado/figures/")
    assert len(q.captured_queries) == before <= 16


def test_no_one_outside_the_lado_team_sees_the_figures(client_for, world, la, social_worker, police):
    other_lado = lado_officer_of(LocalAuthorityFactory(name="Eastshire County Council"))
    assert "Schools</a>" in text(client_for(other_lado).get("/lado/figures/"))  # its own service: nothing here
    assert rows_of(text(client_for(other_lado).get("/lado/figures/")), "sector")["Schools"][1] == ("0", "0")
    for someone in (social_worker, make_user(la, Role.SERVICE_MANAGER), make_user(police, Role.PARTNER_PRACTITIONER)):
        c = client_for(someone)
        missing = c.get("/lado/figures/nothing/")
        for url in ("/lado/figures/", "/lado/figures/referrals/?figure=sector&value=school"):
            resp = c.get(url)
            assert resp.status_code == 404 and normalised(resp.content.decode()) == normalised(
                missing.content.decode()), (someone, url)
