"""The partnership's permission matrix (issue 12, section 5), both ways, and its pages with statement counts.

Every kind of person against every action of every policy: ``can``, ``visible`` and ``get_for`` agree,
and each extra policy method answers both ways. One world, built once for the module (read only)."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from partnership import services
from partnership.models import AgencyRequest, CriteriaDecision, PartnershipSeat, Referral
from partnership.policies import (
    agency_referral_policy,
    decision_policy,
    rapid_review_policy,
    referral_policy,
    request_policy,
)
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from tests.factories import HealthFactory, LocalAuthorityFactory, PoliceFactory, SchoolFactory, UserFactory, make_user
from tests.factories import partnership as pf
from tests.factories.worlds import shared_world

AWARE = date(2026, 11, 25)


def build():
    """Two rapid reviews and a pending referral; a delegate, an agency lead, and people with no seat."""
    la, police = LocalAuthorityFactory(name="Northmoor"), PoliceFactory(name="Northmoor Police")
    health, school = HealthFactory(name="Northmoor Health"), SchoolFactory(name="Oak School")
    people = {
        "business unit": make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT),
        "health delegate": make_user(health, Role.PARTNER_PRACTITIONER),
        "school lead": make_user(school, Role.PARTNER_PRACTITIONER),
        "police practitioner": make_user(police, Role.PARTNER_PRACTITIONER),
        "social worker": make_user(la, Role.SOCIAL_WORKER),
        "conference chair": make_user(la, Role.CONFERENCE_CHAIR),
        "administrator": make_user(la, Role.ADMINISTRATOR),
        "ended delegate": make_user(police, Role.PARTNER_PRACTITIONER),
    }
    pf.seat(people["health delegate"], health)
    pf.seat(people["school lead"], school, PartnershipSeat.Kind.AGENCY_LEAD)
    ended = pf.seat(people["ended delegate"], police)
    ended.is_active = False
    ended.save()
    bu, referrer = people["business unit"], people["police practitioner"]
    review = pf.rapid_review(business_unit=bu, referrer=referrer, agency=police, la=la, aware_on=AWARE)
    other = pf.rapid_review(business_unit=bu, referrer=referrer, agency=police, la=la, aware_on=date(2026, 12, 1))
    pending = pf.referral(referrer=referrer, agency=police, la=la, aware_on=AWARE)
    services.criteria_decide(actor=people["health delegate"], review=review, agency=health, criteria_met=True,
                             rationale="Serious harm")
    services.agencies_request(actor=bu, review=review, agencies=[school, police], requested_on=AWARE)
    # the meeting held on the other review; a third submitted to the National Panel (ADR 23)
    services.rapid_review_meeting_record(actor=bu, review=other, held_on=date(2026, 12, 3),
                                         attendance=[(police, "Detective inspector")])
    submitted = pf.rapid_review(business_unit=bu, referrer=referrer, agency=police, la=la,
                                aware_on=date(2026, 11, 20))
    services.rapid_review_meeting_record(actor=bu, review=submitted, held_on=date(2026, 12, 1),
                                         attendance=[(health, "Named nurse")])
    services.rapid_review_report_write(actor=bu, review=submitted, findings="Found", decision="lcspr", rationale="Why")
    services.rapid_review_report_send(actor=bu, review=submitted, to="national_panel", sent_on=date(2026, 12, 1))
    return SimpleNamespace(people=people, review=review, other=other, pending=pending, la=la, police=police,
                           submitted=submitted,
                           health=health, school=school,
                           decision=CriteriaDecision.objects.get(rapid_review=review),
                           to_school=AgencyRequest.objects.get(rapid_review=review, agency=school),
                           to_police=AgencyRequest.objects.get(rapid_review=review, agency=police))


world = shared_world(build)
PEOPLE = ["business unit", "health delegate", "school lead", "police practitioner", "social worker",
          "conference chair", "administrator", "ended delegate"]
BU = {"business unit"}
# (policy, action, record name in the world, who may)
MATRIX = [
    (referral_policy, "view", "pending", BU),
    (referral_policy, "triage", "pending", BU),
    (referral_policy, "notify", "pending", BU),
    (rapid_review_policy, "view", "review", {"business unit", "health delegate"}),
    (rapid_review_policy, "manage", "review", BU),
    (rapid_review_policy, "decide", "review", {"health delegate"}),
    (decision_policy, "view", "decision", {"business unit", "health delegate"}),
    (request_policy, "view", "to_school", {"business unit", "school lead"}),
    (request_policy, "view", "to_police", BU),
    (request_policy, "submit", "to_school", {"school lead"}),
    (request_policy, "submit", "to_police", set()),
    # the meeting, the report and the National Panel's response; the files agencies send (ADR 23)
    (rapid_review_policy, "record_meeting", "review", BU),
    (rapid_review_policy, "record_meeting", "other", set()),       # held already
    (rapid_review_policy, "report", "other", BU),
    (rapid_review_policy, "report", "review", set()),              # not before the meeting
    (rapid_review_policy, "report", "submitted", set()),           # the report stands once submitted
    (rapid_review_policy, "record_response", "submitted", BU),
    (rapid_review_policy, "record_response", "other", set()),      # not before the submission
    (request_policy, "files", "to_school", {"business unit", "health delegate", "school lead"}),
    (request_policy, "files", "to_police", {"business unit", "health delegate"}),
    # the referral API: the referrals an agency made, for whoever works in it (the police's here)
    (agency_referral_policy, "view", "pending", {"police practitioner", "ended delegate"}),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("policy", "action", "record", "allowed"), MATRIX,
                         ids=[f"{type(p).__name__}-{a}-{r}" for p, a, r, _ in MATRIX])
def test_can_visible_and_get_for_agree(world, db, who, policy, action, record, allowed):
    ctx = AccessContext.for_user(world.people[who])
    obj = getattr(world, record)
    expected = who in allowed
    assert policy.can(ctx, action, obj) is expected
    assert policy.visible(ctx, action).filter(pk=obj.pk).exists() is expected
    if expected:
        assert policy.get_for(ctx, obj.public_id, action) == obj
    else:
        with pytest.raises(Http404):
            policy.get_for(ctx, obj.public_id, action)


def test_anonymous_reaches_nothing(world, db):
    ctx = AccessContext(user=None)
    assert not rapid_review_policy.can(ctx, "view", world.review)
    assert not referral_policy.can_refer(ctx) and not referral_policy.sees_dashboard(ctx)
    assert not request_policy.visible(ctx).exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_the_extra_questions_both_ways(world, db, who):
    ctx = AccessContext.for_user(world.people[who])
    assert referral_policy.can_refer(ctx)   # everyone here works in an agency
    assert referral_policy.referring_agencies_for(ctx) == ctx.agency_ids
    assert referral_policy.sees_dashboard(ctx) is (who in {"business unit", "health delegate"})
    assert rapid_review_policy.sees_decisions(ctx) is (who in {"business unit", "health delegate"})
    assert rapid_review_policy.sees_requests(ctx) is (who == "business unit")
    assert rapid_review_policy.sees_chronology(ctx) is (who in {"business unit", "health delegate"})
    assert rapid_review_policy.sees_report(ctx) is (who in {"business unit", "health delegate"})
    assert rapid_review_policy.sees_figures(ctx) is (who == "business unit")  # ADR 29
    assert request_policy.sees_requests_list(ctx) is (who == "school lead")
    expected = {world.health.pk} if who == "health delegate" else set()
    assert rapid_review_policy.decision_agencies(ctx, world.review) == expected


def test_an_api_client_refers_for_its_agency_and_sees_its_agencys_referrals(world, db):
    ctx = AccessContext.for_user(make_user(world.police, Role.API_CLIENT))
    assert referral_policy.can_refer(ctx) and referral_policy.referring_agencies_for(ctx) == {world.police.pk}
    assert agency_referral_policy.can(ctx, "view", world.pending)
    assert not agency_referral_policy.can(AccessContext.for_user(make_user(world.health, Role.API_CLIENT)), "view",
                                          world.pending)


def test_someone_in_no_agency_refers_nothing_and_sees_no_referral(world, db):
    ctx = AccessContext.for_user(UserFactory(is_staff=True))
    assert not referral_policy.can_refer(ctx) and referral_policy.referring_agencies_for(ctx) == frozenset()
    assert not agency_referral_policy.visible(ctx).exists()


def _stable(resp) -> str:
    """A page without what differs on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value|content)="[^"]*"', "", resp.content.decode())


# --- pages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("business unit", 200), ("health delegate", 200),
                                            ("school lead", 404), ("social worker", 404)])
def test_the_dashboard_is_for_the_business_unit_and_the_delegates(world, db, client_for, who, status):
    response = client_for(world.people[who]).get("/partnership/")
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count("/partnership/rapid-reviews/") == 2


def test_the_dashboard_reads_in_a_fixed_number_of_statements(world, db, client_for):
    client = client_for(world.people["business unit"])
    client.get("/partnership/")
    with CaptureQueriesContext(connection) as two:
        client.get("/partnership/")
    pf.rapid_review(business_unit=world.people["business unit"], referrer=world.people["police practitioner"],
                    agency=world.police, la=world.la, aware_on=date(2026, 12, 2))
    with CaptureQueriesContext(connection) as three:
        body = client.get("/partnership/").content.decode()
    assert body.count("/partnership/rapid-reviews/") == 3
    assert len(three) == len(two) <= 12, [q["sql"] for q in three.captured_queries]


def test_the_rapid_review_page_shows_the_timeline_with_what_is_late(world, db, client_for):
    response = client_for(world.people["business unit"]).get(f"/partnership/rapid-reviews/{world.review.public_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="step-rapid_review_consultation"' in body and 'id="step-serious_incident_notification"' in body
    assert "Late" in body   # Working Day 2 (26 November 2026) has passed and nothing recorded it
    assert "Oak School" in body and "Serious harm" in body


@pytest.mark.parametrize("who", ["school lead", "police practitioner", "social worker"])
def test_the_rapid_review_page_is_missing_for_anyone_else(world, db, client_for, who):
    client = client_for(world.people[who])
    forbidden = client.get(f"/partnership/rapid-reviews/{world.review.public_id}/")
    missing = client.get("/partnership/rapid-reviews/00000000-0000-0000-0000-000000000000/")
    assert forbidden.status_code == missing.status_code == 404
    assert _stable(forbidden) == _stable(missing)


def test_a_delegate_sees_the_decisions_but_not_the_requests(world, db, client_for):
    body = client_for(world.people["health delegate"]).get(
        f"/partnership/rapid-reviews/{world.review.public_id}/").content.decode()
    assert "Serious harm" in body and "Oak School" not in body


def test_the_referral_is_kept_pending(world, db):
    assert world.pending.triage == Referral.Triage.PENDING


# --- practice reviews and action plans (ADR 24): their own world, appended ------------------------------------
from partnership.policies import action_agencies, action_policy, practice_review_policy  # noqa: E402


def build_reviews():
    """A learning review in progress with two actions (the school's, the police's) and a published review; a
    delegate, a school lead, the school's and the health trust's API clients, and people with no seat."""
    base = build()
    bu = base.people["business unit"]
    people = {**base.people, "school api client": make_user(base.school, Role.API_CLIENT),
              "health api client": make_user(base.health, Role.API_CLIENT)}
    ongoing = pf.practice_review(business_unit=bu, referral=pf.learning_review_referral(
        business_unit=bu, referrer=people["police practitioner"], agency=base.police, la=base.la, aware_on=AWARE),
        decided_on=AWARE)
    school_action = pf.action(business_unit=bu, review=ongoing, agency=base.school, due_on=date(2026, 12, 1))
    police_action = pf.action(business_unit=bu, review=ongoing, agency=base.police, due_on=date(2026, 12, 1),
                              recommendation=school_action.recommendation)
    published = pf.practice_review(business_unit=bu, referral=base.review.referral, kind="lcspr", decided_on=AWARE)
    services.practice_review_record(actor=bu, review=published, terms_of_reference="Terms",
                                    terms_agreed_on=AWARE, reviewer="Reviewer", reviewer_appointed_on=AWARE,
                                    methodology="systems", themes=["neglect"])
    services.review_draft_add(actor=bu, review=published, received_on=AWARE)
    services.practice_review_panel_copy(actor=bu, review=published, sent_on=AWARE)
    services.practice_review_publish(actor=bu, review=published, published_on=AWARE, published_where="https://x.test",
                                     learning_summary="Learning")
    done = pf.action(business_unit=bu, review=published, agency=base.school, due_on=date(2026, 12, 1))
    services.action_update(actor=bu, action=done, status="complete", completed_on=AWARE, no_evidence_reason="Seen")
    return SimpleNamespace(**{**vars(base), "people": people, "ongoing": ongoing, "published": published,
                              "school_action": school_action, "police_action": police_action, "done_action": done})


rworld = shared_world(build_reviews)
R_PEOPLE = [*PEOPLE, "school api client", "health api client"]
GROUP = {"business unit", "health delegate"}
SEATED = {"business unit", "health delegate", "school lead"}
REVIEW_MATRIX = [
    (practice_review_policy, "view", "ongoing", GROUP),
    (practice_review_policy, "view", "published", GROUP),
    (practice_review_policy, "manage", "ongoing", BU),
    (practice_review_policy, "manage", "published", set()),
    (practice_review_policy, "plan", "ongoing", BU),
    (practice_review_policy, "plan", "published", BU),
    (practice_review_policy, "summary", "ongoing", set()),
    (practice_review_policy, "summary", "published", SEATED),
    (action_policy, "view", "school_action", {*GROUP, "school lead", "school api client"}),
    (action_policy, "view", "police_action", GROUP),
    (action_policy, "view", "done_action", {*GROUP, "school lead", "school api client"}),
    (action_policy, "update", "school_action", {"business unit", "school lead", "school api client"}),
    (action_policy, "update", "police_action", BU),
    (action_policy, "update", "done_action", set()),
]


@pytest.mark.parametrize("who", R_PEOPLE)
@pytest.mark.parametrize(("policy", "action", "record", "allowed"), REVIEW_MATRIX,
                         ids=[f"{type(p).__name__}-{a}-{r}" for p, a, r, _ in REVIEW_MATRIX])
def test_review_policies_can_visible_and_get_for_agree(rworld, db, who, policy, action, record, allowed):
    ctx = AccessContext.for_user(rworld.people[who])
    obj = getattr(rworld, record)
    expected = who in allowed
    assert policy.can(ctx, action, obj) is expected
    assert policy.visible(ctx, action).filter(pk=obj.pk).exists() is expected
    if expected:
        assert policy.get_for(ctx, obj.public_id, action) == obj
    else:
        with pytest.raises(Http404):
            policy.get_for(ctx, obj.public_id, action)


@pytest.mark.parametrize("who", R_PEOPLE)
def test_the_review_questions_both_ways(rworld, db, who):
    ctx = AccessContext.for_user(rworld.people[who])
    assert practice_review_policy.can_start(ctx) is (who == "business unit")
    assert practice_review_policy.sees_library(ctx) is (who in SEATED)
    assert practice_review_policy.sees_themes(ctx) is (who in GROUP)
    assert action_policy.sees_tracker(ctx) is (who in GROUP)
    owners = {"school lead": {rworld.school.pk}, "school api client": {rworld.school.pk},
              "health api client": {rworld.health.pk}}
    assert action_agencies(ctx) == owners.get(who, set())
    assert action_policy.sees_own_actions(ctx) is (who in owners)


def test_anonymous_reaches_no_review_or_action(rworld, db):
    ctx = AccessContext(user=None)
    assert not practice_review_policy.visible(ctx, "summary").exists()
    assert not action_policy.visible(ctx).exists() and not action_policy.sees_tracker(ctx)
    assert action_agencies(ctx) == frozenset()


# pages: the tracker, the review page, the library, each missing for anyone else
@pytest.mark.parametrize(("who", "status"), [("business unit", 200), ("health delegate", 200), ("school lead", 404),
                                            ("social worker", 404)])
def test_the_tracker_and_review_pages_are_the_groups(rworld, db, client_for, who, status):
    client = client_for(rworld.people[who])
    assert client.get("/partnership/actions/").status_code == status
    assert client.get(f"/partnership/reviews/{rworld.ongoing.public_id}/").status_code == status
    assert client.get("/partnership/themes/").status_code == status


def test_the_tracker_filters_and_reads_in_a_fixed_number_of_statements(rworld, db, client_for):
    client = client_for(rworld.people["business unit"])
    client.get("/partnership/actions/")
    with CaptureQueriesContext(connection) as three:
        body = client.get("/partnership/actions/").content.decode()
    assert body.count("/partnership/actions/") - body.count('href="/partnership/actions/"') >= 3
    assert "3 actions" in body and "2 overdue" in body
    bu = rworld.people["business unit"]
    pf.action(business_unit=bu, review=rworld.ongoing, agency=rworld.health, due_on=date(2026, 12, 2),
              recommendation=rworld.school_action.recommendation)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/partnership/actions/").content.decode()
    assert "4 actions" in body and "3 overdue" in body
    assert len(four) == len(three) <= 12, [q["sql"] for q in four.captured_queries]
    only = client.get(f"/partnership/actions/?agency={rworld.school.public_id}&status=complete").content.decode()
    assert f"/partnership/actions/{rworld.done_action.public_id}/" in only
    assert f"/partnership/actions/{rworld.school_action.public_id}/" not in only
    overdue = client.get("/partnership/actions/?status=overdue").content.decode()
    assert f"/partnership/actions/{rworld.done_action.public_id}/" not in overdue
    assert f"/partnership/actions/{rworld.police_action.public_id}/" in overdue


def test_a_lead_sees_their_agencys_actions_and_not_anothers(rworld, db, client_for):
    client = client_for(rworld.people["school lead"])
    mine = client.get("/partnership/actions/mine/").content.decode()
    assert f"/partnership/actions/{rworld.school_action.public_id}/" in mine
    assert f"/partnership/actions/{rworld.police_action.public_id}/" not in mine
    forbidden = client.get(f"/partnership/actions/{rworld.police_action.public_id}/")
    missing = client.get("/partnership/actions/00000000-0000-0000-0000-000000000000/")
    assert forbidden.status_code == missing.status_code == 404 and _stable(forbidden) == _stable(missing)
    assert client.get(f"/partnership/actions/{rworld.school_action.public_id}/").status_code == 200
    assert client.get("/partnership/library/").status_code == 200
    assert client_for(rworld.people["social worker"]).get("/partnership/library/").status_code == 404


def test_the_library_shows_only_published_summaries(rworld, db, client_for):
    body = client_for(rworld.people["school lead"]).get("/partnership/library/?theme=neglect").content.decode()
    assert f"summary-{rworld.published.public_id}" in body and f"summary-{rworld.ongoing.public_id}" not in body
    themes = client_for(rworld.people["business unit"]).get("/partnership/themes/").content.decode()
    assert 'id="theme-neglect"' in themes and "2026" in themes
