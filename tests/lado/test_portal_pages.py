"""The referral portal's pages (issue 11, section 1): registering without an account (a verified email), the
referrer's own referrals (the reference, the status and what the LADO shared), the referral form, a suspended
account; a referrer reaching for another referrer's referral gets the 404 of a missing one."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from lado import services
from lado.models import Referral
from lado.views import portal
from safeguarding.notify.models import OutboxEmail
from tests.factories import LocalAuthorityFactory, SchoolFactory, make_user
from tests.factories.lado import ReceivedReferralFactory, RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_portal_pages")]


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def same_page(html: bytes) -> str:
    return re.sub(r'(name="csrf-token" content|name="csrfmiddlewaretoken" value)="[^"]+"', "", html.decode())


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado")
    rita = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer")
    rob = RegisteredReferrerFactory(local_authority=la, full_name="Rob Other")
    with freeze_time("2026-03-02 10:00"):
        ritas = ReceivedReferralFactory(local_authority=la, referrer=rita)
        robs = ReceivedReferralFactory(local_authority=la, referrer=rob)
    return {"la": la, "officer": officer, "rita": rita, "rob": rob, "ritas": ritas, "robs": robs}


world = shared_world(_build)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


FORM = {"full_name": "Dee Lead", "email": "dee@scouts.example", "organisation": "1st Northmoor Scouts",
        "sector": "voluntary", "role": "dsl"}


def test_anyone_registers_verifies_the_email_and_signs_in_to_the_portal(world):
    c = Client()
    page = text(c.get("/lado/portal/register/"))
    assert "Register to refer to the LADO" in page and "call 999" in page
    resp = c.post("/lado/portal/register/", {**FORM, "local_authority": str(world["la"].public_id)})
    assert resp.status_code == 302 and resp["Location"] == "/lado/portal/register/check-your-email/"
    assert resp.get("Cache-Control") == "no-store"
    assert "Check your email" in text(c.get(resp["Location"]))
    link = re.search(r"http://[^/]+(/lado/portal/verify/[^/]+/)", OutboxEmail.objects.get(to=FORM["email"]).body)[1]
    page = text(c.get(link))
    assert "Choose a password" in page and "dee@scouts.example" in page
    assert "at least 12 characters" in text(c.post(link, {"password": "short"})).lower()
    resp = c.post(link, {"password": "a good long scout phrase"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/?next=%2Flado%2Fportal%2F"
    assert "This link does not work" in text(c.get(link))
    resp = c.post("/accounts/login/?next=/lado/portal/", {"username": "dee@scouts.example",
                                                           "password": "a good long scout phrase"})
    assert resp.status_code == 302 and resp["Location"] == "/lado/portal/"
    page = text(c.get("/lado/portal/"))
    assert "You have not made a referral yet" in page and "Make a referral" in page
    nav = page[page.index('aria-label="Menu"'):page.index("</nav>", page.index('aria-label="Menu"'))]
    assert "Your referrals to the LADO" in nav and "Find a child" not in nav and "My deadlines" not in nav


def test_a_link_that_does_not_work_is_one_page_whatever_the_reason(world):
    c = Client()
    resp = c.get("/lado/portal/verify/not-a-token/")
    assert resp.status_code == 404 and "This link does not work" in text(resp)


def test_registering_an_address_that_has_an_account_looks_the_same(world):
    c = Client()
    resp = c.post("/lado/portal/register/", {**FORM, "email": world["rita"].email,
                                             "local_authority": str(world["la"].public_id)})
    assert resp["Location"] == "/lado/portal/register/check-your-email/"
    assert OutboxEmail.objects.filter(to=world["rita"].email, subject="You already have an account").exists()


def test_registrations_from_one_address_are_limited(world, monkeypatch):
    monkeypatch.setattr(portal, "REGISTRATIONS_PER_ADDRESS", 1)
    c = Client()
    data = {**FORM, "local_authority": str(world["la"].public_id)}
    assert c.post("/lado/portal/register/", data).status_code == 302
    assert c.post("/lado/portal/register/", {**data, "email": "two@scouts.example"}).status_code == 429


def test_the_referrer_sees_their_own_referrals_and_not_another_s(world, client_for):
    c = client_for(world["rita"])
    with CaptureQueriesContext(connection) as q:
        page = text(c.get("/lado/portal/"))
    few = len(q.captured_queries)
    assert world["ritas"].reference in page and world["robs"].reference not in page and "Received" in page
    with freeze_time("2026-03-03 10:00"):
        ReceivedReferralFactory(local_authority=world["la"], referrer=world["rita"])
    with CaptureQueriesContext(connection) as q:
        c.get("/lado/portal/")
    assert len(q.captured_queries) == few
    missing = c.get("/lado/portal/referrals/00000000-0000-4000-8000-000000000000/")
    other = c.get(f"/lado/portal/referrals/{world['robs'].public_id}/")
    assert other.status_code == missing.status_code == 404
    assert same_page(other.content) == same_page(missing.content)
    assert c.get(f"/lado/referrals/{world['ritas'].public_id}/").status_code == 404  # the LADO's page


def test_a_referral_from_the_portal(world, client_for):
    c = client_for(world["rita"])
    data = {
        "local_authority": str(world["la"].public_id), "organisation": "Northmoor Primary School", "sector": "school",
        "subject_first_names": "Hana", "subject_surname": "Okafor", "subject_role": "Lunchtime supervisor",
        "subject_employment_type": "paid", "subject_employer": "Northmoor Primary School",
        "subject_regulated_body": "none", "allegation": "Pushed a child over in the playground",
        "employer_knew_on_day": "6", "employer_knew_on_month": "3", "employer_knew_on_year": "2026",
        "children-TOTAL_FORMS": "1", "children-INITIAL_FORMS": "0", "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "10", "children-0-first_names": "Ben", "children-0-surname": "Cole",
        "children-0-age_or_year": "Year 2"}
    with freeze_time("2026-03-09 16:00"):  # Monday: the next working day after Friday
        page = text(c.get("/lado/portal/referrals/new/"))
        assert "Make a referral to the LADO" in page and "Referrer's full name" not in page
        resp = c.post("/lado/portal/referrals/new/", data)
    assert resp.status_code == 302
    referral = Referral.objects.get(subject_surname="Okafor")
    assert resp["Location"] == f"/lado/portal/referrals/{referral.public_id}/"
    assert (referral.referred_by, referral.referrer_name, referral.late_reason) == (world["rita"], "Rita Referrer", "")
    page = text(c.get(resp["Location"]))
    assert referral.reference in page and "Received" in page and "No updates yet" in page


def test_a_suspended_referrer_reaches_nothing(world, client_for):
    services.referrer_suspend(actor=world["officer"], referrer=world["rita"].lado_referrer, reason="Left")
    c = client_for(world["rita"])
    page = text(c.get("/lado/portal/"))
    assert "Your account is suspended" in page and world["ritas"].reference not in page
    assert c.get(f"/lado/portal/referrals/{world['ritas'].public_id}/").status_code == 404
    assert c.get("/lado/portal/referrals/new/").status_code == 404


def test_a_partner_practitioner_refers_from_the_menu(world, client_for):
    dsl = make_user(SchoolFactory(), "partner_practitioner")
    page = text(client_for(dsl).get("/"))
    assert re.search(r'href="/lado/portal/"[^>]*>\s*(<strong[^>]*>)?Refer to the LADO', page)
