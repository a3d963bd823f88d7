"""Jade's year in care, told as it happens (issue 10: sections 1 to 3, through the services, the clock
running on the calendar).

Jade is nine. Her brother Kai has been looked after since the spring, and Ian Brook is his IRO. On
Friday 28 August 2026, the last working day before the summer bank holiday, Jade is accommodated under
section 20 and placed with the council's foster carers. Counting working days past the bank holiday
(Monday 31 August): her IRO is due by Monday 7 September (day 5) and her first review by Monday 28
September (day 20).

Every date below is counted by hand from the calendar.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from freezegun import freeze_time

from cases.models import Relationship, RelationshipKind
from reviews import selectors, services, ssda903
from reviews.models import Review
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import AdultFactory, ChildFactory, make_user
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of
from tests.factories.states import BookedConferenceFactory

pytestmark = pytest.mark.django_db


def deadlines_of(subject):
    return {d.rule_key: d for d in Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk).order_by("id")}


def test_jade(la, team, social_worker):
    with freeze_time("2026-04-01 09:00") as clock:
        manager = iro_manager_of(la)
        ian = make_user(la, Role.IRO, Role.CONFERENCE_CHAIR, full_name="Ian Brook")
        make_user(la, Role.IRO, full_name="Olu Adeyemi")  # a second IRO, with nothing yet
        mother = AdultFactory(first_names="Donna", surname="Price")
        kai = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                           legal_first_names="Kai", legal_surname="Price", date_of_birth=date(2013, 11, 2))
        jade = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                            legal_first_names="Jade", legal_surname="Price", date_of_birth=date(2017, 5, 9),
                            local_child_id="LC0042017")
        for child in (kai, jade):
            Relationship.objects.create(child=child, adult=mother, kind=RelationshipKind.MOTHER,
                                        parental_responsibility=True)
        AllocatedEpisodeFactory(child=kai, start_date=date(2026, 4, 1), iro_manager=manager, iro=ian,
                                allocated_on=date(2026, 4, 1))
        # Ian is also a conference chair (as in Walsall): a conference counts in his footprint
        BookedConferenceFactory(chair=ian)

        # --- Friday 28 August 2026: Jade becomes looked after ------------------------------------------------
        clock.move_to("2026-08-28 18:30")
        episode = services.episode_open(
            actor=social_worker, child=jade, start_date=date(2026, 8, 28), legal_status="V2",
            category_of_need="N1", placement_type="U6", provider="PR1", provider_name="The Hendersons",
            postcode="NM4 2JS", home_postcode="NM1 8QT")
        due = deadlines_of(episode)
        assert (due["iro_appointment"].due_date, due["lac_review_first"].due_date) == (date(2026, 9, 7),
                                                                                       date(2026, 9, 28))

        # --- Monday 7 September (day 5): the IRO manager appoints Ian, who reviews Kai --------------------------
        clock.move_to("2026-09-07 09:30")
        caseload = {r.officer.full_name: r.total for r in selectors.caseload(local_authority_id=la.pk)}
        assert caseload["Ian Brook"] == 2 and caseload["Olu Adeyemi"] == 0  # Kai, and the conference he chairs
        first_choice = selectors.iro_suggestions(episode=episode)[0]
        assert (first_choice.officer, first_choice.reviews_siblings) == (ian, True)  # busier, but Kai's IRO
        services.iro_allocate(actor=manager, episode=episode, iro=ian, start_date=date(2026, 9, 7))
        assert deadlines_of(episode)["iro_appointment"].status == "met_on_time"

        # Ian books the first review for day 20; the social worker calls him the same day (15 working days
        # before: Monday 7 September) and the plans reach him on Tuesday 22 (due Wednesday 23)
        review = services.review_schedule(actor=ian, episode=episode, planned_for=date(2026, 9, 28))
        assert deadlines_of(review)["lac_review_sw_contact"].due_date == date(2026, 9, 7)
        services.review_record_contact(actor=social_worker, review=review, contacted_on=date(2026, 9, 7))
        clock.move_to("2026-09-22 11:00")
        for kind in ("care_plan", "health_plan", "pep"):
            paper = services.review_paper_received(actor=ian, review=review, kind=kind, received_on=date(2026, 9, 22))
            assert deadlines_of(paper)["lac_review_papers"].due_date == date(2026, 9, 23)
        services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=date(2026, 9, 21),
                             permanence_plan="return_home", summary="Rehabilitation home with support")

        # --- Monday 28 September (day 20): the first review --------------------------------------------------
        clock.move_to("2026-09-28 16:00")
        first = services.review_hold(actor=ian, review=review, participation="PN1", held_on=date(2026, 9, 28))
        assert first.number == "first"
        due = deadlines_of(episode)
        assert due["lac_review_first"].status == "met_on_time"
        # three months: Monday 28 December is the Boxing Day holiday (and Friday 25th Christmas): Thursday 24th
        assert due["lac_review_second"].due_date == date(2026, 12, 24)
        after = deadlines_of(first)
        assert (after["lac_review_decisions"].due_date, after["lac_review_record"].due_date) == (
            date(2026, 10, 5), date(2026, 10, 26))

        # --- an interim care order on Monday 12 October ------------------------------------------------------
        clock.move_to("2026-10-12 15:00")
        services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2026, 10, 12),
                                     legal_status="C1")

        # --- the second review, at three months: Thursday 17 December -----------------------------------------
        clock.move_to("2026-11-16 09:00")
        review = services.review_schedule(actor=ian, episode=episode, planned_for=date(2026, 12, 17))
        clock.move_to("2026-12-17 15:00")
        second = services.review_hold(actor=ian, review=review, participation="PN6", held_on=date(2026, 12, 17))
        assert second.number == "second"
        assert deadlines_of(episode)["lac_review_second"].status == "met_on_time"
        assert selectors.review_deadline(episode).due_date == date(2027, 6, 17)  # six months on, a Thursday

        # --- January 2027: no permanence plan yet; Ian raises it, and it is put right at stage 2 ---------------
        # Informal alert on Monday 4 January (the answer is due in 10 working days: Monday 18 January); no answer,
        # so formal stage 1 with the team manager on Tuesday 19 January (20 working days: Tuesday 16 February),
        # whose answer does not settle it; formal stage 2 with the service manager on Monday 25 January (Monday
        # 22 February), answered on Friday 29 January with a date for the plan: resolved.
        tess = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager")
        clock.move_to("2027-01-04 10:00")
        dispute = services.dispute_raise(
            actor=ian, episode=episode, category="permanence", raised_with=social_worker,
            concern="Six months on there is no permanence plan", wanted="A permanence plan by the next review")
        assert Deadline.objects.get(rule_key="iro_alert_response").due_date == date(2027, 1, 18)
        clock.move_to("2027-01-19 10:00")
        services.dispute_escalate(actor=ian, dispute=dispute, to_stage=1, raised_with=tess)
        services.dispute_answer(actor=tess, dispute=dispute, response="The team is short of staff; it will follow")
        clock.move_to("2027-01-25 10:00")
        services.dispute_escalate(actor=ian, dispute=dispute, to_stage=2,
                                  raised_with_name="Sian Service, service manager")
        clock.move_to("2027-01-29 12:00")
        services.dispute_answer(actor=ian, dispute=dispute, responder_name="Sian Service",
                                response="A permanence planning meeting on 8 February; the plan by 1 March")
        closed = services.dispute_close(actor=ian, dispute=dispute, outcome="resolved",
                                        note="The service manager set the dates; Ian will check at the mid-point")
        assert (closed.stage, closed.outcome, closed.closed_on) == (2, "resolved", date(2027, 1, 29))
        stages = Deadline.objects.filter(rule_key="iro_dispute_resolution").order_by("due_date")
        assert [(d.due_date, d.status) for d in stages] == [
            (date(2027, 2, 16), "met_on_time"), (date(2027, 2, 22), "met_on_time")]
        assert Deadline.objects.get(rule_key="iro_alert_response").status == "cancelled"  # moved on unanswered

        # --- Monday 1 February 2027: the placement breaks down; an early review is asked for ------------------
        clock.move_to("2027-02-01 17:00")
        services.placement_change(
            actor=social_worker, episode=episode, start_date=date(2027, 2, 1), placement_type="U4", provider="PR4",
            change_reason="CREQB", provider_name="Northmoor Fostering Partners", postcode="NM6 3RW",
            early_review_reason="The Hendersons ended the placement; Jade has moved school too")
        early = selectors.open_review(episode)
        assert (early.status, early.early_trigger) == (Review.Status.REQUESTED, "placement_change")

        # held on Tuesday 16 February: it is the next review, early, and the cycle starts again from it
        clock.move_to("2027-02-02 09:00")
        services.review_schedule(actor=ian, episode=episode, planned_for=date(2027, 2, 16))
        clock.move_to("2027-02-16 16:00")
        third = services.review_hold(actor=ian, review=early, participation="PN1", held_on=date(2027, 2, 16))
        assert (third.number, third.is_early) == ("subsequent", True)
        met = Deadline.objects.get(rule_key="lac_review_next", status="met_on_time")
        assert (met.due_date, met.met_on) == (date(2027, 6, 17), date(2027, 2, 16))
        assert selectors.review_deadline(episode).due_date == date(2027, 8, 16)  # Monday 16 August 2027

        # --- a full care order on Thursday 1 April; Jade goes to live with her aunt under a special
        # guardianship order on Thursday 1 July 2027: the period ends ------------------------------------------
        clock.move_to("2027-04-01 12:00")
        services.legal_status_change(actor=social_worker, episode=episode, start_date=date(2027, 4, 1),
                                     legal_status="C2")
        clock.move_to("2027-07-01 12:00")
        ended = services.episode_end(actor=social_worker, episode=episode, end_date=date(2027, 7, 1), reason="E47")
        assert not Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES, subject_id=episode.pk,
                                           subject_type=ContentType.objects.get_for_model(episode)).exists()
        assert selectors.current_allocation(episode) is None
        assert deadlines_of(episode)["lac_review_next"].status == "cancelled"

        # --- what the SSDA903 return will say -------------------------------------------------------------
        assert [(r.DECOM, r.RNE, r.LS, r.PLACE, r.DEC, r.REC, r.REASON_PLACE_CHANGE) for r in ssda903.episodes(ended)] \
            == [
            (date(2026, 8, 28), "S", "V2", "U6", date(2026, 10, 12), "X1", ""),
            (date(2026, 10, 12), "L", "C1", "U6", date(2027, 2, 1), "X1", "CREQB"),
            (date(2027, 2, 1), "P", "C1", "U4", date(2027, 4, 1), "X1", ""),
            (date(2027, 4, 1), "L", "C2", "U4", date(2027, 7, 1), "E47", ""),
        ]
        assert [(r.REVIEW, r.REVIEW_CODE) for r in ssda903.reviews(ended)] == [
            (date(2026, 9, 28), "PN1"), (date(2026, 12, 17), "PN6"), (date(2027, 2, 16), "PN1")]
        # no deadline anywhere carries Jade's name
        assert not Deadline.objects.filter(label__icontains="Price").exists()
