"""The LADO team's pages (issue 11, section 5): the workbench, the referral and case pages, the evaluation and
outcome forms, the index search, consultations, portal accounts and the access log. Each list page at a fixed
number of statements however long its list; forbidden is the same 404 as missing; every read of a case, a
referral or an index entry is in the view log.

One world per module: Northmoor's LADO team (Lee Lado, Mo Manager), a portal referrer, a police officer invited
into case A; case A evaluated (a strategy discussion) about Gareth Pemberton, who was the subject of an
earlier, closed case; a new referral about "Garreth" Pemberton (a repeat allegation); a consultation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from cases.models import Involvement
from lado import services
from lado.models import LadoCase
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent, RecordView
from tests.factories import ChildFactory, LocalAuthorityFactory, PoliceFactory, SchoolFactory, make_user
from tests.factories.lado import (
    ConcludedCaseFactory,
    ConsultationFactory,
    EvaluatedCaseFactory,
    ReceivedReferralFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_pages")]


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    police_force = PoliceFactory(name="Northmoor Police")
    officer, manager = lado_officer_of(la, full_name="Lee Lado"), lado_manager_of(la, full_name="Mo Manager")
    referrer = RegisteredReferrerFactory(local_authority=la, full_name="Rita Referrer")
    police = make_user(police_force, Role.PARTNER_PRACTITIONER, full_name="Pat Police")
    with freeze_time("2025-01-10 10:00"):
        earlier = ConcludedCaseFactory(local_authority=la, referrer=referrer, officer=officer,
                                       category="unsubstantiated")
    with freeze_time("2026-03-02 10:00"):
        case_a = EvaluatedCaseFactory(local_authority=la, referrer=referrer, officer=officer,
                                      entry=earlier.subject)
        services.case_invite(actor=officer, case=case_a, user=police, kind="police")
    with freeze_time("2026-03-06 10:00"):  # a Friday: the employer knew on Tuesday
        repeat = ReceivedReferralFactory(local_authority=la, referrer=referrer, knew_on=date(2026, 3, 3),
                                         late_reason="The head teacher was away",
                                         data={"subject_first_names": "Garreth"})
    consultation = ConsultationFactory(local_authority=la, officer=officer)
    return {"la": la, "officer": officer, "manager": manager, "referrer": referrer, "police": police,
            "earlier": earlier, "case_a": LadoCase.objects.get(pk=case_a.pk), "repeat": repeat,
            "consultation": consultation,
            "stranger": make_user(police_force, Role.PARTNER_PRACTITIONER, full_name="Nia Notasked"),
            "service_manager": make_user(la, Role.SERVICE_MANAGER)}


world = shared_world(_build)


@pytest.fixture
def today():
    with freeze_time("2026-03-09 09:00"):
        yield


def same_page(html: bytes) -> str:
    """A page without what changes from one response to the next (the CSRF token)."""
    return re.sub(r'(name="csrf-token" content|name="csrfmiddlewaretoken" value)="[^"]+"', "", html.decode())


def _count(client, url):
    with CaptureQueriesContext(connection) as q:
        resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return len(q.captured_queries), resp


# --- the workbench -----------------------------------------------------------------------------------------------
def test_the_workbench_shows_new_referrals_with_the_working_day_open_cases_by_age_and_repeats(world, client_for,
                                                                                             today):
    page = text(client_for(world["officer"]).get("/lado/"))
    new = page[page.index('id="new-referrals"'):page.index('id="open-cases"')]
    assert world["repeat"].reference in new and "Late" in new and "The head teacher was away" in new
    assert "1 possible match" in new
    opened = page[page.index('id="open-cases"'):]
    assert world["case_a"].reference in opened and "7 days" in opened and "Under 1 month" in opened
    assert world["earlier"].reference not in page  # closed
    alerts = page[page.index('id="repeat-alerts"'):page.index('id="new-referrals"')]
    assert world["repeat"].reference in alerts and world["case_a"].reference in alerts  # a new and an open repeat
    assert "Who read LADO records" not in page  # the manager's
    assert "Who read LADO records" in text(client_for(world["manager"]).get("/lado/"))
    assert re.search(r'href="/lado/"[^>]*>\s*(<strong[^>]*>)?LADO', page)  # in the navigation
    # every case shown is a read
    assert RecordView.objects.filter(user=world["officer"], what="workbench").count() == 2


@pytest.mark.parametrize("who", ["referrer", "police", "service_manager"])
def test_the_lado_pages_are_the_lado_team_s_only(world, client_for, who):
    c = client_for(world[who])
    missing = c.get("/lado/cases/00000000-0000-4000-8000-000000000000/")
    for url in ("/lado/", "/lado/index/", "/lado/consultations/", "/lado/portal-accounts/", "/lado/access-log/",
                f"/lado/referrals/{world['repeat'].public_id}/", f"/lado/cases/{world['earlier'].public_id}/",
                f"/lado/index/{world['earlier'].subject.public_id}/", "/lado/referrals/new/"):
        resp = c.get(url)
        assert resp.status_code == 404, url
        assert same_page(resp.content) == same_page(missing.content), url  # forbidden looks exactly like missing


def test_the_workbench_costs_the_same_however_many_cases(world, client_for, today):
    c = client_for(world["officer"])
    few, _ = _count(c, "/lado/")
    with freeze_time("2026-03-06 11:00"):
        for _ in range(3):
            ReceivedReferralFactory(local_authority=world["la"], referrer=world["referrer"], knew_on=date(2026, 3, 6))
            EvaluatedCaseFactory(local_authority=world["la"], referrer=world["referrer"], officer=world["officer"],
                                 knew_on=date(2026, 3, 6))
    many, resp = _count(c, "/lado/")
    assert many == few, f"{few} statements with 3 cases, {many} with 9"
    assert few <= 12


# --- the referral, the subject, the evaluation ---------------------------------------------------------------------
def test_the_referral_page_shows_the_previous_allegations_before_deciding_and_is_logged(world, client_for, today):
    repeat = world["repeat"]
    page = text(client_for(world["officer"]).get(f"/lado/referrals/{repeat.public_id}/"))
    matches = page[page.index('id="index-matches"'):page.index(">What happened<")]
    assert "Gareth Pemberton" in matches and "similar name" in matches and "same date of birth" in matches
    assert world["earlier"].reference in matches and "Unsubstantiated" in matches  # outcome and date
    assert world["case_a"].reference in matches and "Allegations management meeting" in matches
    assert "The head teacher was away" in page and "Ella Price" in page and 'id="evidence"' in page
    assert "Say who the allegation is about" in page
    assert RecordView.objects.filter(user=world["officer"], record_id=repeat.pk, what="referral page").exists()


def test_identify_then_evaluate_then_record_the_outcome(world, client_for, today):
    c, repeat = client_for(world["officer"]), world["repeat"]
    case = repeat.case
    subject_url = f"/lado/referrals/{repeat.public_id}/subject/"
    page = text(c.get(subject_url))
    assert "Gareth Pemberton, born 14 March 1984" in page and "Someone not in the index" in page
    resp = c.post(subject_url, {"entry": str(world["earlier"].subject.public_id)})
    assert resp.status_code == 302 and resp["Location"] == f"/lado/cases/{case.public_id}/evaluate/"
    page = text(c.get(resp["Location"]))
    history = page[page.index('id="previous-allegations"'):]
    assert world["earlier"].reference in history and world["case_a"].reference in history
    resp = c.post(resp["Location"], {"evaluated_on_day": "9", "evaluated_on_month": "3", "evaluated_on_year": "2026",
                                     "decision": "meeting", "rationale": "", "subject_informed_by": "employer"})
    assert resp.status_code == 200
    assert "Enter the reasons for the decision" in text(resp)
    resp = c.post(f"/lado/cases/{case.public_id}/evaluate/", {
        "evaluated_on_day": "9", "evaluated_on_month": "3", "evaluated_on_year": "2026", "decision": "meeting",
        "rationale": "Bruising", "subject_informed_by": "employer"})
    page = text(resp)
    assert "There is a problem" in page and "at least one of the harm criteria" in page  # the service's rule
    resp = c.post(f"/lado/cases/{case.public_id}/evaluate/", {
        "evaluated_on_day": "9", "evaluated_on_month": "3", "evaluated_on_year": "2026", "decision": "advice",
        "criteria": ["unsuitable"], "rationale": "A pattern at two schools", "subject_informed_by": "employer"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.subject == world["earlier"].subject
    outcome_url = f"/lado/cases/{case.public_id}/outcome/"
    page = text(c.get(outcome_url))
    assert "sufficient evidence to disprove the allegation and there has been a deliberate act to deceive" in page
    assert "There is no evidence or proper basis which supports the allegation being made" in page
    resp = c.post(outcome_url, {"category": "malicious", "decided_on_day": "9", "decided_on_month": "3",
                                "decided_on_year": "2026", "rationale": "The pupil said she made it up",
                                "subject_told": "Told by the head", "employer_told": "Remove it from the file",
                                "dbs_referral": "not_needed"})
    assert resp.status_code == 302
    page = text(c.get(f"/lado/cases/{case.public_id}/"))
    assert "Malicious" in page and "deliberate act to deceive" in page and "Closed on 9 March 2026" in page


def test_the_case_page_for_an_invited_police_officer_and_no_one_else(world, client_for, today):
    case = world["case_a"]
    url = f"/lado/cases/{case.public_id}/"
    page = text(client_for(world["police"]).get(url))
    assert "Gareth Pemberton" in page and "A pupil said the teacher grabbed her arm" in page
    # the case, not the index: no previous allegations, no link to the index or the referral, no invitations
    assert "previous allegations" not in page.lower() and "/lado/index/" not in page
    assert "/lado/referrals/" not in page and 'id="invited"' not in page and "What you can do next" not in page
    assert client_for(world["stranger"]).get(url).status_code == 404
    assert client_for(world["police"]).get(f"/lado/cases/{case.public_id}/outcome/").status_code == 404
    reads = RecordView.objects.filter(record_id=case.pk, user=world["police"])
    assert reads.count() == 1
    # the LADO manager sees who read it
    page = text(client_for(world["manager"]).get(url))
    who = page[page.index('id="who-read"'):]
    assert "Pat Police" in who
    assert 'id="who-read"' not in text(client_for(world["officer"]).get(url))


def test_a_suspension_and_its_written_confirmation(world, client_for, today):
    c, case = client_for(world["officer"]), world["case_a"]
    resp = c.post(f"/lado/cases/{case.public_id}/safety/", {
        "kind": "suspension", "decided_on_day": "6", "decided_on_month": "3", "decided_on_year": "2026",
        "details": "Redeployment was considered: not possible in a small school"})
    assert resp.status_code == 302
    suspension = case.safety_decisions.get()
    confirm = f"/lado/cases/{case.public_id}/safety/{suspension.public_id}/confirm/"
    page = text(c.get(confirm))
    # suspended on Friday: due on Monday, today, so not late (no reason asked)
    assert "9 March 2026" in page and "Why was the confirmation late?" not in page
    resp = c.post(confirm, {"confirmed_on_day": "9", "confirmed_on_month": "3", "confirmed_on_year": "2026"})
    assert resp.status_code == 302
    suspension.refresh_from_db()
    assert suspension.confirmed_in_writing_on == date(2026, 3, 9)


def test_inviting_by_email_address(world, client_for, today):
    c, case = client_for(world["officer"]), world["case_a"]
    url = f"/lado/cases/{case.public_id}/invite/"
    resp = c.post(url, {"kind": "police", "email": "nobody@example.org"})
    assert "No one with an account in the hub has this email address" in text(resp)
    resp = c.post(url, {"kind": "police", "email": world["stranger"].email.upper()})
    assert resp.status_code == 302
    assert client_for(world["stranger"]).get(f"/lado/cases/{case.public_id}/").status_code == 200


# --- the index, consultations, accounts, the access log --------------------------------------------------------------
def test_the_index_search_finds_spellings_and_logs_each_result(world, client_for, today):
    c = client_for(world["officer"])
    page = text(c.get("/lado/index/?name=garreth+pemberton"))
    assert "1 result" in page and "Gareth Pemberton" in page and world["earlier"].reference in page
    assert RecordView.objects.filter(user=world["officer"], what="index search").count() == 1
    assert "No one in the index matches" in text(c.get("/lado/index/?name=Okafor"))
    entry_url = f"/lado/index/{world['earlier'].subject.public_id}/"
    page = text(c.get(entry_url))
    assert world["case_a"].reference in page and "Unsubstantiated" in page and 'id="who-read"' not in page
    assert 'id="who-read"' in text(client_for(world["manager"]).get(entry_url))


def test_the_index_search_costs_the_same_however_many_results(world, client_for, today):
    c = client_for(world["officer"])
    few, _ = _count(c, "/lado/index/?name=Pemberton")
    with freeze_time("2026-03-06 11:00"):
        for first in ("Gary", "Garth", "Gavin"):
            case = ReceivedReferralFactory(local_authority=world["la"], referrer=world["referrer"],
                                           data={"subject_first_names": first,
                                                 "subject_date_of_birth": date(1990, 1, 1)}).case
            services.case_subject_identify(actor=world["officer"], case=case)
    many, resp = _count(c, "/lado/index/?name=Pemberton")
    assert "4 results" in text(resp)
    assert many == few


def test_consultations_are_recorded_listed_and_become_referrals(world, client_for, today):
    c = client_for(world["officer"])
    resp = c.post("/lado/consultations/new/", {
        "received_on_day": "9", "received_on_month": "3", "received_on_year": "2026", "contact_method": "phone",
        "caller_name": "Sid Coach", "organisation": "Northmoor Juniors FC", "sector": "sports",
        "question": "A coach texts players late at night", "advice": "low_level_concern",
        "advice_given": "Record it as a low-level concern under your code of conduct"})
    assert resp.status_code == 302
    few, resp = _count(c, "/lado/consultations/")
    page = text(resp)
    assert "Sid Coach" in page and "A low-level concern: the employer records and holds it" in page
    ConsultationFactory(local_authority=world["la"], officer=world["officer"])
    many, _ = _count(c, "/lado/consultations/")
    assert many == few
    consultation = world["consultation"]
    page = text(c.get(f"/lado/referrals/new/?consultation={consultation.public_id}"))
    assert "follows the consultation" in page and 'value="Dee Lead"' in page


def test_the_lado_records_a_late_referral_and_is_asked_why(world, client_for, today):
    c = client_for(world["officer"])
    data = {
        "referrer_name": "Ann Head", "referrer_role": "Head teacher", "local_authority": str(world["la"].public_id),
        "organisation": "Southfield Nursery", "sector": "early_years", "subject_first_names": "Kim",
        "subject_surname": "Lowe", "subject_role": "Nursery practitioner", "subject_employment_type": "agency",
        "subject_employer": "Little Steps Agency", "subject_regulated_body": "none",
        "allegation": "Seen smacking a toddler", "employer_knew_on_day": "2", "employer_knew_on_month": "3",
        "employer_knew_on_year": "2026", "children-TOTAL_FORMS": "1", "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1", "children-MAX_NUM_FORMS": "10", "children-0-first_names": "Tom",
        "children-0-surname": "Baker", "children-0-age_or_year": "2"}
    page = text(c.post("/lado/referrals/new/", {**data, "add_child": "1"}))
    assert "Child 2" in page and "There is a problem" not in page and 'value="Kim"' in page
    page = text(c.post("/lado/referrals/new/", data))
    assert "Why is the referral later than one working day" in page and "by 3 March 2026" in page
    resp = c.post("/lado/referrals/new/", {**data, "late_reason": "The agency told the nursery late"})
    assert resp.status_code == 302
    referral = LadoCase.objects.filter(referral__subject_surname="Lowe").get().referral
    assert (referral.source, referral.referred_by, referral.late_reason) == ("lado", None,
                                                                            "The agency told the nursery late")


def test_portal_accounts_are_listed_and_suspended(world, client_for, today):
    c = client_for(world["officer"])
    few, resp = _count(c, "/lado/portal-accounts/")
    assert "Rita Referrer" in text(resp)
    RegisteredReferrerFactory(local_authority=world["la"])
    many, _ = _count(c, "/lado/portal-accounts/")
    assert many == few
    profile = world["referrer"].lado_referrer
    url = f"/lado/portal-accounts/{profile.public_id}/suspend/"
    assert "Say why" in text(c.post(url, {"reason": ""}))
    assert c.post(url, {"reason": "Left the school"}).status_code == 302
    profile.refresh_from_db()
    assert profile.is_suspended
    assert "Suspended" in text(c.get("/lado/portal-accounts/"))
    assert client_for(world["police"]).get(url).status_code == 404


def test_the_manager_sees_who_read_what(world, client_for, today):
    client_for(world["police"]).get(f"/lado/cases/{world['case_a'].public_id}/")
    client_for(world["officer"]).get(f"/lado/referrals/{world['repeat'].public_id}/")
    c = client_for(world["manager"])
    few, resp = _count(c, "/lado/access-log/")
    page = text(resp)
    assert "Pat Police" in page and f"Case {world['case_a'].reference}" in page
    assert f"Referral {world['repeat'].reference}" in page
    client_for(world["officer"]).get(f"/lado/index/{world['earlier'].subject.public_id}/")
    many, resp = _count(c, "/lado/access-log/")
    assert "Index entry: Gareth Pemberton" in text(resp)
    assert many <= few + 1  # one more kind of record read: one more query
    assert client_for(world["officer"]).get("/lado/access-log/").status_code == 404


def test_a_child_is_matched_to_a_record_the_lado_may_find_never_a_new_one(world, client_for, today):
    school = SchoolFactory(name="Northmoor Primary School")
    child = ChildFactory(local_authority=world["la"], legal_first_names="Ella", legal_surname="Price",
                         date_of_birth=date(2017, 5, 2))
    Involvement.objects.create(child=child, agency=school, role="School", start_date=date(2025, 9, 1))
    row = world["repeat"].children.get()
    c = client_for(world["officer"])
    url = f"/lado/referrals/{world['repeat'].public_id}/children/{row.public_id}/"
    # the LADO team finds its authority's children (finding is not opening): the minimal row, the sighting logged
    page = text(c.get(url))
    assert f"Ella Price, born 2 May 2017, {child.local_child_id}" in page and "same name" in page
    assert CaseEvent.objects.filter(code="child.sighted", actor=world["officer"], subject_id=child.pk).exists()
    assert c.post(url, {"child": str(child.public_id)}).status_code == 302
    row.refresh_from_db()
    assert row.child == child
    page = text(c.get(f"/lado/referrals/{world['repeat'].public_id}/"))
    assert f'href="/children/{child.public_id}/"' in page


def test_an_update_is_shared_and_the_referrer_sees_it(world, client_for, today):
    c, repeat = client_for(world["officer"]), world["repeat"]
    resp = c.post(f"/lado/referrals/{repeat.public_id}/share/", {"text": "We are speaking to the police today."})
    assert resp.status_code == 302
    page = text(client_for(world["referrer"]).get(f"/lado/portal/referrals/{repeat.public_id}/"))
    assert "We are speaking to the police today." in page and "Received" in page
    assert "Pemberton" not in page and "Ella" not in page  # the reference, status and updates only
