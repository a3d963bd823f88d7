"""The rapid review's statutory story over Easter 2027 (issue 12): a police officer refers on the Wednesday
before Easter; the business unit triages it a serious incident; the partners decide on Working Day 2; the
agencies are asked on Working Day 3 (Tuesday after the Easter weekend); the National Panel is notified on
Working Day 5; health is late; the meeting on Working Day 9 freezes the merged chronology, and health's form,
which comes the day after, is a late addition; a local child safeguarding practice review is decided; the
report goes to the panel, the partners and the National Panel on its days; the Panel's response is recorded.
Every step is checked against the day worked out by hand (see test_plan.py)."""

from datetime import date

import pytest
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat, RapidReview, Referral
from partnership.selectors import timeline
from partnership.selectors.report import chronology_parts
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import make_user
from tests.factories import partnership as pf

D = date


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


def test_a_rapid_review_over_easter_runs_from_referral_to_submission(la, police, health, school, police_officer,
                                                                   business_unit):
    bu = business_unit
    police_delegate, health_delegate = make_user(police, Role.PARTNER_PRACTITIONER), make_user(
        health, Role.PARTNER_PRACTITIONER)
    school_lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(police_delegate, police)
    pf.seat(health_delegate, health)
    pf.seat(school_lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    health_lead = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(health_lead, health, PartnershipSeat.Kind.AGENCY_LEAD)

    with freeze_time("2027-03-24 16:00"):   # Wednesday before Easter: Working Day 1
        referral = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=D(2027, 3, 24))
        services.referral_triage(actor=bu, referral=referral, triage=Referral.Triage.SERIOUS_INCIDENT,
                                 rationale="Serious harm, neglect suspected")
    review = RapidReview.objects.get(referral=referral)
    due = {d.rule_key: d.due_date for d in Deadline.objects.filter(subject_id=review.pk)}
    assert due == {
        "rapid_review_consultation": D(2027, 3, 25), "rapid_review_chronology_requests": D(2027, 3, 30),
        "rapid_review_panel_notification": D(2027, 4, 1), "rapid_review_information_returned": D(2027, 4, 5),
        "rapid_review_meeting": D(2027, 4, 7), "rapid_review_report_to_panel": D(2027, 4, 12),
        "rapid_review_report_to_partners": D(2027, 4, 14), "rapid_review_submission": D(2027, 4, 15),
        "serious_incident_notification": D(2027, 4, 2),
    }

    with freeze_time("2027-03-25 12:00"):   # Maundy Thursday, Working Day 2: the partners decide
        for delegate, agency in ((police_delegate, police), (health_delegate, health)):
            services.criteria_decide(actor=delegate, review=review, agency=agency, criteria_met=True,
                                     rationale="Serious harm; two agencies involved")
        services.rapid_review_step_done(actor=bu, review=review, step="rapid_review_consultation",
                                        done_on=D(2027, 3, 25))
    with freeze_time("2027-03-30 10:00"):   # Tuesday after Easter Monday, Working Day 3
        to_school, to_health = services.agencies_request(actor=bu, review=review, agencies=[school, health])
    with freeze_time("2027-04-01 15:00"):   # Working Day 5: the National Panel (and Ofsted) notified
        services.notification_record(actor=bu, referral=referral, to="national_panel", sent_on=D(2027, 4, 1),
                                     reference="SIN-2027-0042")
        services.notification_record(actor=bu, referral=referral, to="ofsted", sent_on=D(2027, 4, 1))
        services.chronology_entry_add(actor=school_lead, request=to_school, happened_on=D(2027, 3, 1),
                                      entry="Absences rose")
        services.information_return(actor=school_lead, request=to_school, information="Attendance fell")
    national = Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review")
    assert national.due_date == D(2027, 4, 22)   # 15 working days after Thursday 1 April

    with freeze_time("2027-04-06 09:00"):   # Working Day 8: health is late
        rows = {r.step.key: r for r in timeline(review, {d.rule_key: d for d in Deadline.objects.filter(
            subject_id=review.pk)}, D(2027, 4, 6))}
        assert rows["rapid_review_information_returned"].state == "late"
        assert rows["rapid_review_panel_notification"].state == "done"
        assert rows["serious_incident_notification"].step.differs_from == D(2027, 4, 1)
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=D(2027, 2, 10),
                                      entry="Missed health visitor appointment")
    with freeze_time("2027-04-07 16:00"):   # Working Day 9: the meeting is held, the chronology frozen
        services.rapid_review_meeting_record(actor=bu, review=review, held_on=D(2027, 4, 7), attendance=[
            (la, "Head of service"), (police, "Detective inspector"), (health, "Named nurse"),
            (school, "Designated safeguarding lead")])
    with freeze_time("2027-04-08 11:00"):   # health's form comes after the meeting: a late addition
        services.chronology_entry_add(actor=health_lead, request=to_health, happened_on=D(2027, 3, 20),
                                      entry="A&E attendance, bruising")
        services.information_return(actor=health_lead, request=to_health, information="Missed appointments",
                                    late_reason="Health's form came in the day after the meeting")
    frozen, late = chronology_parts(review)
    assert [(e.happened_on, e.request.agency_id) for e in frozen] == [(D(2027, 2, 10), health.pk),
                                                                       (D(2027, 3, 1), school.pk)]
    assert [e.entry for e in late] == ["A&E attendance, bruising"]

    with freeze_time("2027-04-09 10:00"):   # a local child safeguarding practice review is decided
        services.rapid_review_report_write(
            actor=bu, review=review, findings="Health and school information was not shared.", decision="lcspr",
            rationale="Serious harm with multi-agency learning: the criteria for a local review are met.")
    for day, to in ((D(2027, 4, 12), "panel"), (D(2027, 4, 14), "partners"), (D(2027, 4, 15), "national_panel")):
        with freeze_time(f"{day} 16:00"):
            services.rapid_review_report_send(actor=bu, review=review, to=to, sent_on=day)
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    states = {d.rule_key: d.status for d in Deadline.objects.filter(subject_id=review.pk)}
    assert states.pop("rapid_review_information_returned") == Deadline.Status.MET_LATE
    assert states.pop("rapid_review_consultation") == Deadline.Status.MET_ON_TIME
    assert set(states.values()) == {Deadline.Status.MET_ON_TIME}
    assert Deadline.objects.get(subject_id=review.pk, rule_key="rapid_review").met_on == D(2027, 4, 15)

    with freeze_time("2027-05-20 10:00"):   # the National Panel agrees: a local review, no national one
        services.panel_response_record(actor=bu, review=review, received_on=D(2027, 5, 20),
                                       response="The Panel agrees with a local review.", agrees=True,
                                       national_review=False)
    review.refresh_from_db()
    assert (review.decision, review.panel_agrees, review.national_review) == ("lcspr", True, False)
