"""The partnership's services (issue 12, sections 1 and 2): referral with children matched, never created;
triage; notifications; the rapid review on the clock; the partners' decisions; requests to agencies."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat, RapidReview, Referral
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory, make_user
from tests.factories import partnership as pf

D = date
EASTER_WEDNESDAY = D(2027, 3, 24)
pytestmark = pytest.mark.usefixtures("plain_rules")


@pytest.fixture
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


def _deadlines(review):
    return {d.rule_key: d for d in Deadline.objects.filter(subject_id=review.pk, rule_key__in=DUE)
            if d.subject_type.model == "rapidreview"}


DUE = {
    "rapid_review_consultation": D(2027, 3, 25), "rapid_review_chronology_requests": D(2027, 3, 30),
    "rapid_review_panel_notification": D(2027, 4, 1), "rapid_review_information_returned": D(2027, 4, 5),
    "rapid_review_meeting": D(2027, 4, 7), "rapid_review_report_to_panel": D(2027, 4, 12),
    "rapid_review_report_to_partners": D(2027, 4, 14), "rapid_review_submission": D(2027, 4, 15),
    "serious_incident_notification": D(2027, 4, 2),
}


# --- referral -----------------------------------------------------------------------------------------
@freeze_time("2027-03-24 12:00")
def test_a_referral_matches_a_child_by_nhs_number_and_creates_none(la, police_officer, police):
    known = ChildFactory(local_authority=la)
    before = type(known).objects.count()
    made = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=EASTER_WEDNESDAY, children=[
        {"first_names": "Someone", "surname": "Else", "nhs_number": known.nhs_number},
        {"first_names": "New", "surname": "Child", "date_of_birth": D(2019, 1, 1)}])
    rows = list(made.children.order_by("id"))
    assert [(r.child_id, r.matched_by) for r in rows] == [(known.pk, "nhs_number"), (None, "")]
    assert type(known).objects.count() == before
    assert made.triage == Referral.Triage.PENDING


@freeze_time("2027-03-24 12:00")
def test_a_referral_is_validated_and_only_for_the_referrers_own_agency(la, police_officer, police, health):
    with pytest.raises(ValidationError) as e:
        pf.referral(referrer=police_officer, agency=health, la=la, aware_on=EASTER_WEDNESDAY)
    assert "referring_agency" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.referral_make(actor=police_officer, referring_agency=police, local_authority=police,
                               aware_on=D(2027, 3, 25), what_happened=" ", children=[{"surname": "",
                                                                                     "nhs_number": "123"}])
    assert set(e.value.message_dict) == {"local_authority", "aware_on", "what_happened", "children-0-surname",
                                         "children-0-nhs_number"}


@freeze_time("2027-03-24 12:00")
def test_a_care_leavers_death_is_recorded_up_to_25(la, police_officer, police):
    old = {"first_names": "A", "surname": "B", "date_of_birth": D(2002, 3, 24)}   # 25 on the day
    with pytest.raises(ValidationError) as e:
        pf.referral(referrer=police_officer, agency=police, la=la, aware_on=EASTER_WEDNESDAY, children=[old],
                    kind=Referral.Kind.CARE_LEAVER_DEATH)
    assert "children-0-date_of_birth" in e.value.message_dict
    made = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=EASTER_WEDNESDAY,
                       children=[{**old, "date_of_birth": D(2002, 3, 25)}], kind=Referral.Kind.CARE_LEAVER_DEATH)
    assert made.kind == Referral.Kind.CARE_LEAVER_DEATH


# --- triage -------------------------------------------------------------------------------------------
@freeze_time("2027-03-24 12:00")
def test_triage_needs_the_business_unit_and_a_rationale_and_is_done_once(la, police_officer, police,
                                                                         business_unit, social_worker):
    made = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=EASTER_WEDNESDAY)
    with pytest.raises(Http404):
        services.referral_triage(actor=social_worker, referral=made, triage="no_review", rationale="x")
    with pytest.raises(ValidationError) as e:
        services.referral_triage(actor=business_unit, referral=made, triage="pending", rationale=" ")
    assert set(e.value.message_dict) == {"triage", "rationale"}
    services.referral_triage(actor=business_unit, referral=made, triage="learning_review", rationale="Below")
    made.refresh_from_db()
    assert (made.triage, made.triaged_by, RapidReview.objects.count()) == ("learning_review", business_unit, 0)
    assert services.referral_triage(actor=business_unit, referral=made, triage="learning_review",
                                    rationale="Below").triage == "learning_review"   # nothing changes
    with pytest.raises(ValidationError):
        services.referral_triage(actor=business_unit, referral=made, triage="no_review", rationale="Changed")


# --- the rapid review on the clock (the scenario's clock part) ----------------------------------------
@freeze_time("2027-03-24 12:00")
def test_a_serious_incident_on_the_wednesday_before_easter_opens_every_step_on_its_working_day(
        la, police_officer, police, business_unit):
    review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                             aware_on=EASTER_WEDNESDAY)
    assert review.working_day_1 == EASTER_WEDNESDAY
    deadlines = _deadlines(review)
    assert {k: d.due_date for k, d in deadlines.items()} == DUE
    # the national rapid review clock waits for the notification (its default anchor)
    assert not Deadline.objects.filter(rule_key="rapid_review", subject_id=review.pk).exists()
    assert "Ava" not in " ".join(d.label for d in deadlines.values())   # labels carry no names (ADR 5)


@freeze_time("2027-03-24 12:00")
def test_the_local_authoritys_later_awareness_moves_only_the_national_notification(
        la, police_officer, police, business_unit):
    made = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=D(2027, 3, 22))
    services.referral_triage(actor=business_unit, referral=made, triage="serious_incident", rationale="SI",
                             la_aware_on=EASTER_WEDNESDAY)
    deadlines = _deadlines(made.rapid_review)
    assert deadlines["serious_incident_notification"].due_date == D(2027, 4, 2)
    assert deadlines["rapid_review_consultation"].due_date == D(2027, 3, 23)


def test_the_panel_notification_meets_both_clocks_and_starts_the_national_rapid_review(
        la, police_officer, police, business_unit):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=EASTER_WEDNESDAY)
    with freeze_time("2027-04-02 12:00"):
        with pytest.raises(ValidationError) as e:   # a day after the local plan's day 5: say why
            services.notification_record(actor=business_unit, referral=review.referral, to="national_panel",
                                         sent_on=D(2027, 4, 2), reference="SIN-1")
        assert "late_reason" in e.value.message_dict
        services.notification_record(actor=business_unit, referral=review.referral, to="national_panel",
                                     sent_on=D(2027, 4, 2), reference="SIN-1", late_reason="Bank holidays")
    deadlines = {d.rule_key: d for d in Deadline.objects.filter(subject_id=review.pk)}
    assert deadlines["serious_incident_notification"].status == Deadline.Status.MET_ON_TIME
    assert deadlines["rapid_review_panel_notification"].status == Deadline.Status.MET_LATE
    assert deadlines["rapid_review"].due_date == D(2027, 4, 23)   # 15 WD after Fri 2 April


def test_steps_are_done_by_the_business_unit_and_the_meeting_and_reports_by_their_own_action(
        la, police_officer, police, business_unit, health):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=EASTER_WEDNESDAY)
    delegate = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(delegate, health)
    step = "rapid_review_consultation"   # Working Day 2: Thursday 25 March
    with freeze_time("2027-04-15 12:00"):
        with pytest.raises(ValidationError):   # a delegate sees the review but does not run it
            services.rapid_review_step_done(actor=delegate, review=review, step=step, done_on=D(2027, 3, 25))
        with pytest.raises(ValidationError) as e:
            services.rapid_review_step_done(actor=business_unit, review=review, step=step, done_on=D(2027, 3, 26))
        assert "late_reason" in e.value.message_dict
        services.rapid_review_step_done(actor=business_unit, review=review, step=step, done_on=D(2027, 3, 25))
        services.rapid_review_step_done(actor=business_unit, review=review, step=step,
                                        done_on=D(2027, 3, 25))   # nothing changes
        for own in ("rapid_review_meeting", "rapid_review_report_to_panel", "rapid_review_report_to_partners",
                    "rapid_review_submission"):   # met by recording the meeting and sending the report (ADR 23)
            with pytest.raises(ValidationError) as e:
                services.rapid_review_step_done(actor=business_unit, review=review, step=own, done_on=D(2027, 4, 7))
            assert "step" in e.value.message_dict
    review.refresh_from_db()
    assert review.status == RapidReview.Status.OPEN
    assert Deadline.objects.get(subject_id=review.pk, rule_key=step).met_on == D(2027, 3, 25)


@freeze_time("2027-03-25 12:00")
def test_each_partners_delegate_records_the_decision_for_their_partner_only(
        la, police_officer, police, business_unit, health, school):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=EASTER_WEDNESDAY)
    delegate = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(delegate, health)
    with pytest.raises(Http404):
        services.criteria_decide(actor=police_officer, review=review, agency=police, criteria_met=True,
                                 rationale="x")
    with pytest.raises(ValidationError) as e:
        services.criteria_decide(actor=delegate, review=review, agency=police, criteria_met=True, rationale="x")
    assert "agency" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.criteria_decide(actor=delegate, review=review, agency=health, criteria_met=True, rationale=" ")
    assert "rationale" in e.value.message_dict
    first = services.criteria_decide(actor=delegate, review=review, agency=health, criteria_met=True,
                                     rationale="Serious harm, neglect suspected")
    again = services.criteria_decide(actor=delegate, review=review, agency=health, criteria_met=True,
                                     rationale="Serious harm, neglect suspected")
    assert (again.pk, first.history.count()) == (first.pk, 1)


@freeze_time("2027-03-30 12:00")
def test_requests_to_agencies_meet_the_chronology_step(la, police_officer, police, business_unit, health, school):
    with freeze_time("2027-03-24 12:00"):
        review = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                                 aware_on=EASTER_WEDNESDAY)
    made = services.agencies_request(actor=business_unit, review=review, agencies=[health, school])
    assert len(made) == 2
    assert services.agencies_request(actor=business_unit, review=review, agencies=[health]) == []
    step = Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review_chronology_requests")
    assert step.status == Deadline.Status.MET_ON_TIME


@freeze_time("2027-03-24 12:00")
def test_only_the_business_unit_names_seats_and_delegates_sit_for_statutory_partners(
        business_unit, police, school, police_officer, school_dsl):
    with pytest.raises(ValidationError):
        services.seat_give(actor=police_officer, user=police_officer, agency=police, kind="partner_delegate")
    with pytest.raises(ValidationError) as e:
        services.seat_give(actor=business_unit, user=school_dsl, agency=school, kind="partner_delegate")
    assert "agency" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.seat_give(actor=business_unit, user=school_dsl, agency=police, kind="agency_lead")
    assert "user" in e.value.message_dict
    seat = services.seat_give(actor=business_unit, user=police_officer, agency=police, kind="partner_delegate")
    assert services.seat_give(actor=business_unit, user=police_officer, agency=police,
                              kind=PartnershipSeat.Kind.PARTNER_DELEGATE) == seat
