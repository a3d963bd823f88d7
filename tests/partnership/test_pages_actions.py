"""The partnership's action pages (issue 12): refer in the browser, triage, a partner's decision, a step done.
Each is a thin page over a service: these check the round trip and that refused looks like missing."""

from datetime import date

import pytest
from freezegun import freeze_time

from partnership.models import CriteriaDecision, Referral
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory, make_user
from tests.factories import partnership as pf

AWARE = date(2027, 3, 24)


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


@freeze_time("2027-03-24 12:00")
def test_an_agency_refers_in_the_browser_and_is_told_nothing_of_the_match(la, police, police_officer, client_for):
    known = ChildFactory(local_authority=la)
    client = client_for(police_officer)
    page = client.get("/partnership/refer/")
    assert page.status_code == 200 and "Northmoor Police" in page.content.decode()
    form = {"referring_agency": str(police.public_id), "local_authority": str(la.public_id), "kind": "case_review",
            **_date("aware_on", AWARE), "what_happened": "Serious injury", "criteria_reason": "",
            "first_names": "Ava", "surname": "", "nhs_number": known.nhs_number}
    again = client.post("/partnership/refer/", form)
    assert again.status_code == 200 and "Enter the child&#x27;s surname" in again.content.decode()
    done = client.post("/partnership/refer/", {**form, "surname": "Example"}, follow=True)
    body = done.content.decode()
    assert "Your referral has been sent" in body and known.legal_surname not in body
    assert Referral.objects.get().children.get().child == known


@freeze_time("2027-03-24 12:00")
def test_the_business_unit_triages_from_the_dashboard_and_the_rapid_review_opens(
        la, police, police_officer, business_unit, client_for, social_worker):
    referral = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=AWARE)
    client = client_for(business_unit)
    assert f"/partnership/referrals/{referral.public_id}/triage/" in client.get("/partnership/").content.decode()
    url = f"/partnership/referrals/{referral.public_id}/triage/"
    assert client_for(social_worker).get(url).status_code == 404
    client.post(url, {"triage": "serious_incident", "rationale": "Serious harm"})
    referral.refresh_from_db()
    assert referral.triage == "serious_incident"
    review = referral.rapid_review
    page = client.get(f"/partnership/rapid-reviews/{review.public_id}/").content.decode()
    assert f"/partnership/rapid-reviews/{review.public_id}/steps/rapid_review_consultation/" in page
    assert "This referral has been triaged" in client.get(url).content.decode()


def test_a_delegate_decides_and_the_business_unit_records_a_step(la, police, police_officer, business_unit,
                                                                   health, client_for):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=AWARE)
    delegate = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(delegate, health)
    with freeze_time("2027-03-25 12:00"):
        decide = f"/partnership/rapid-reviews/{review.public_id}/decision/"
        assert client_for(police_officer).get(decide).status_code == 404
        client_for(delegate).post(decide, {"agency": str(health.public_id), "criteria_met": "yes",
                                           "rationale": "Serious harm"})
        assert CriteriaDecision.objects.get().criteria_met is True
        step = f"/partnership/rapid-reviews/{review.public_id}/steps/rapid_review_consultation/"
        assert client_for(delegate).get(step).status_code == 404
        client_for(business_unit).post(step, _date("done_on", date(2027, 3, 25)))
    assert Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_consultation").status == "met_on_time"
    assert client_for(business_unit).get(
        f"/partnership/rapid-reviews/{review.public_id}/steps/no_such_step/").status_code == 404


def test_the_business_unit_records_the_panel_notification(la, police, police_officer, business_unit, client_for):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=AWARE)
    url = f"/partnership/rapid-reviews/{review.public_id}/notifications/new/"
    with freeze_time("2027-04-02 12:00"):
        client = client_for(business_unit)
        form = {"to": "national_panel", **_date("sent_on", date(2027, 4, 2)), "reference": "SIN-9"}
        late = client.post(url, form)
        assert late.status_code == 200 and "say why it was late" in late.content.decode()
        client.post(url, {**form, "late_reason": "Easter"})
    assert review.referral.notifications.get().reference == "SIN-9"
    assert Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review").due_date == date(2027, 4, 23)


def test_the_business_unit_asks_agencies_for_their_chronologies(la, police, police_officer, business_unit, school,
                                                                health, client_for):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=AWARE)
    url = f"/partnership/rapid-reviews/{review.public_id}/requests/new/"
    with freeze_time("2027-03-30 12:00"):
        client = client_for(business_unit)
        assert url in client.get(f"/partnership/rapid-reviews/{review.public_id}/").content.decode()
        assert client_for(police_officer).get(url).status_code == 404
        client.post(url, {"agencies": [str(school.public_id), str(health.public_id)]})
    assert sorted(r.agency.name for r in review.requests.all()) == ["Northmoor NHS Trust", "Oakfield Primary School"]
    assert Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_chronology_requests").met_on == \
        date(2027, 3, 30)


def test_the_business_unit_gives_seats(business_unit, health, school, client_for, social_worker):
    delegate = make_user(health, Role.PARTNER_PRACTITIONER, email="dana.delegate@example.org")
    client = client_for(business_unit)
    assert client_for(social_worker).get("/partnership/seats/").status_code == 404
    wrong = client.post("/partnership/seats/", {"agency": str(school.public_id), "kind": "agency_lead",
                                                "email": "dana.delegate@example.org"})
    assert "Nobody with that email address works in that agency" in wrong.content.decode()
    client.post("/partnership/seats/", {"agency": str(health.public_id), "kind": "partner_delegate",
                                        "email": "Dana.Delegate@example.org"})
    page = client.get("/partnership/seats/").content.decode()
    assert "Safeguarding partner&#x27;s delegate: " + delegate.full_name in page
