"""The review cycle (issue 10, section 2): booking with the preparation clocks, sessions, the participation
code against the date of birth, the first/second/next rule, and an early review resetting the cycle.

Counted by hand: the child becomes looked after on Monday 2 March 2026; the first review is due 20
working days later, Monday 30 March. A review on Friday 27 March 2026 needs the social worker's contact
with the IRO 15 working days before (Friday 6 March) and the plans 3 working days before (Tuesday 24
March). Held that day, the second review is due three months later, Saturday 27 June, so Friday 26 June;
the decisions are due 5 working days after (Tuesday 7 April, after Good Friday and Easter Monday) and the
record 20 working days after (Tuesday 28 April).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from reviews import selectors, services
from reviews.models import Review, ReviewPaper
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of, iro_of

pytestmark = pytest.mark.django_db

MON_2_MAR, FRI_27_MAR = date(2026, 3, 2), date(2026, 3, 27)


@pytest.fixture
def clock():
    with freeze_time("2026-03-03 09:00") as frozen:
        yield frozen


def deadlines_of(subject, *rule_keys):
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    return qs.filter(rule_key__in=rule_keys) if rule_keys else qs


def make_episode(la, team, social_worker, iro, date_of_birth=date(2016, 2, 1)):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         date_of_birth=date_of_birth, local_child_id=f"LC{date_of_birth:%Y%m%d}")
    return AllocatedEpisodeFactory(child=child, start_date=MON_2_MAR, iro_manager=iro_manager_of(la), iro=iro,
                                   allocated_on=MON_2_MAR)


@pytest.fixture
def episode(clock, la, team, social_worker, iro):
    return make_episode(la, team, social_worker, iro)


def book(episode, iro, day=FRI_27_MAR, **kw):
    return services.review_schedule(actor=iro, episode=episode, planned_for=day, **kw)


def hold(clock, review, iro, day=FRI_27_MAR, participation="PN1", **kw):
    clock.move_to(f"{day} 16:00")
    return services.review_hold(actor=iro, review=review, participation=participation, held_on=day, **kw)


# --- booking and preparing ---------------------------------------------------------------------------------
def test_booking_opens_the_preparation_deadlines(episode, iro, social_worker):
    review = book(episode, iro)
    assert (review.status, review.iro, review.planned_for) == (Review.Status.SCHEDULED, iro, FRI_27_MAR)
    contact, = deadlines_of(review)
    assert (contact.rule_key, contact.due_date, contact.responsible_person) == (
        "lac_review_sw_contact", date(2026, 3, 6), social_worker)
    papers = {p.kind: p for p in ReviewPaper.objects.filter(review=review)}
    assert set(papers) == {"care_plan", "health_plan", "pep"}  # aged 10: the PEP too
    for paper in papers.values():
        deadline, = deadlines_of(paper)
        assert (deadline.rule_key, deadline.due_date) == ("lac_review_papers", date(2026, 3, 24))
        assert deadline.label.endswith(paper.get_kind_display().lower())
        assert episode.child.legal_surname not in deadline.label
    # booking the same day again changes nothing; another day while booked: move it instead
    assert book(episode, iro) == review
    with pytest.raises(ValidationError, match="move it instead"):
        book(episode, iro, day=date(2026, 3, 26))
    assert Review.objects.count() == 1 and Deadline.objects.filter(rule_key="lac_review_sw_contact").count() == 1


def test_a_child_under_three_has_no_pep_asked_for(clock, la, team, social_worker, iro):
    episode = make_episode(la, team, social_worker, iro, date_of_birth=date(2024, 6, 1))
    review = book(episode, iro)
    assert set(ReviewPaper.objects.filter(review=review).values_list("kind", flat=True)) == {"care_plan",
                                                                                             "health_plan"}


def test_booking_after_the_due_date_needs_a_reason(episode, iro):
    with pytest.raises(ValidationError) as exc:
        book(episode, iro, day=date(2026, 3, 31))
    assert "due by 30 March 2026" in exc.value.message_dict["late_reason"][0]
    review = book(episode, iro, day=date(2026, 3, 31), late_reason="The child's carer is in hospital")
    assert review.late_reason == "The child's carer is in hospital"


def test_booking_needs_an_iro_and_the_right_person(clock, la, team, social_worker, iro, other_social_worker):
    episode = make_episode(la, team, social_worker, iro)
    for person in (social_worker, iro_of(la), other_social_worker):
        with pytest.raises(ValidationError, match="You cannot book"):
            book(episode, person)
    with pytest.raises(ValidationError, match="today or later"):
        book(episode, iro, day=date(2026, 3, 2))


def test_moving_the_review_moves_its_preparation(clock, episode, iro):
    review = book(episode, iro)
    with pytest.raises(ValidationError) as exc:
        services.review_reschedule(actor=iro, review=review, planned_for=date(2026, 3, 26), reason="")
    assert "Say why" in exc.value.message_dict["reason"][0]
    services.review_reschedule(actor=iro, review=review, planned_for=date(2026, 3, 26), reason="School trip")
    # 15 working days before Thursday 26 March: Thursday 5 March; 3 before: Monday 23 March
    assert set(Deadline.objects.filter(status="open").exclude(rule_key__in=("lac_review_first", "lac_visit_first"))
               .values_list("rule_key", "due_date")) == {("lac_review_sw_contact", date(2026, 3, 5)),
                                                         ("lac_review_papers", date(2026, 3, 23))}


def test_cancelling_a_review_cancels_its_preparation_not_the_period_s_deadline(episode, iro):
    review = book(episode, iro)
    services.review_cancel(actor=iro, review=review, reason="The child is unwell")
    review.refresh_from_db()
    assert review.status == Review.Status.CANCELLED
    assert not (Deadline.objects.filter(status="open").exclude(rule_key__in=("lac_review_first", "lac_visit_first"))
                .exists())
    assert selectors.review_deadline(episode).rule_key == "lac_review_first"
    # a new review can be booked
    assert book(episode, iro, day=date(2026, 3, 30)).pk != review.pk


def test_recording_the_preparation_meets_its_deadlines(clock, episode, iro, social_worker):
    review = book(episode, iro)
    services.review_record_contact(actor=social_worker, review=review, contacted_on=date(2026, 3, 3))
    assert deadlines_of(review).get().status == "met_on_time"
    clock.move_to("2026-03-25 09:00")
    with pytest.raises(ValidationError) as exc:
        services.review_paper_received(actor=iro, review=review, kind="care_plan", received_on=date(2026, 3, 25))
    assert "24 March 2026" in exc.value.message_dict["late_reason"][0]
    paper = services.review_paper_received(actor=iro, review=review, kind="care_plan", received_on=date(2026, 3, 25),
                                           late_reason="The plan was updated after the placement meeting")
    assert paper.received_on == date(2026, 3, 25)
    assert deadlines_of(paper).get().status == "met_late"
    services.review_paper_received(actor=iro, review=review, kind="health_plan", received_on=date(2026, 3, 20))
    with pytest.raises(ValidationError, match="Choose a plan"):
        services.review_paper_received(actor=iro, review=review, kind="pathway_plan", received_on=date(2026, 3, 20))


# --- holding the review ------------------------------------------------------------------------------------
def test_the_first_review_meets_its_deadline_and_opens_the_second(clock, episode, iro):
    review = book(episode, iro)
    clock.move_to("2026-03-25 12:00")
    services.review_session_record(actor=iro, review=review, held_on=date(2026, 3, 25), notes="Met the carers")
    held = hold(clock, review, iro)
    assert (held.status, held.number, held.held_on, held.participation) == ("held", "first", FRI_27_MAR, "PN1")
    assert [s.held_on for s in held.sessions.all()] == [date(2026, 3, 25), FRI_27_MAR]
    episode_deadlines = {d.rule_key: d for d in deadlines_of(episode)}
    assert (episode_deadlines["lac_review_first"].status, episode_deadlines["lac_review_first"].met_on) == (
        "met_on_time", FRI_27_MAR)
    assert (episode_deadlines["lac_review_second"].status, episode_deadlines["lac_review_second"].due_date) == (
        "open", date(2026, 6, 26))
    after = {d.rule_key: (d.due_date, d.responsible_person) for d in deadlines_of(held, "lac_review_decisions",
                                                                                  "lac_review_record")}
    assert after == {"lac_review_decisions": (date(2026, 4, 7), iro), "lac_review_record": (date(2026, 4, 28), iro)}
    # held again the same way: nothing changes; differently: refused
    assert services.review_hold(actor=iro, review=held, participation="PN1") == held
    with pytest.raises(ValidationError, match="held already"):
        services.review_hold(actor=iro, review=held, participation="PN7")


def test_the_date_on_the_return_is_the_last_session(clock, episode, iro):
    review = book(episode, iro, day=date(2026, 3, 20))
    clock.move_to("2026-03-30 12:00")
    for day in (date(2026, 3, 20), date(2026, 3, 26)):
        services.review_session_record(actor=iro, review=review, held_on=day)
    held = services.review_hold(actor=iro, review=review, participation="PN5")
    assert held.held_on == date(2026, 3, 26)


def test_a_review_needs_a_date(clock, episode, iro):
    review = book(episode, iro)
    clock.move_to("2026-03-27 16:00")
    with pytest.raises(ValidationError) as exc:
        services.review_hold(actor=iro, review=review, participation="PN1")
    assert "Enter the date" in exc.value.message_dict["held_on"][0]


@pytest.mark.parametrize(("born", "code", "ok"), [
    (date(2022, 3, 28), "PN0", True),  # 3 on the day of the review (4 tomorrow)
    (date(2022, 3, 28), "PN1", False),
    (date(2022, 3, 27), "PN0", False),  # 4 on the day of the review
    (date(2022, 3, 27), "PN1", True),
    (date(2016, 2, 1), "PN7", True),
    (date(2016, 2, 1), "PX1", False),
])
def test_the_participation_code_fits_the_child_s_age(clock, la, team, social_worker, iro, born, code, ok):
    episode = make_episode(la, team, social_worker, iro, date_of_birth=born)
    review = book(episode, iro)
    if ok:
        assert hold(clock, review, iro, participation=code).participation == code
        return
    with pytest.raises(ValidationError) as exc:
        hold(clock, review, iro, participation=code)
    assert "PN0" in exc.value.message_dict["participation"][0]
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED


def test_only_the_review_s_iro_records_it(clock, episode, iro, la, social_worker):
    review = book(episode, iro)
    clock.move_to("2026-03-27 16:00")
    for person in (social_worker, iro_of(la), iro_manager_of(la)):
        with pytest.raises(ValidationError, match="You cannot record"):
            services.review_hold(actor=person, review=review, participation="PN1", held_on=FRI_27_MAR)


def test_a_late_review_needs_a_reason_when_held(clock, episode, iro):
    review = book(episode, iro, day=date(2026, 3, 31), late_reason="Carer in hospital")
    with pytest.raises(ValidationError) as exc:
        hold(clock, review, iro, day=date(2026, 3, 31))
    assert "30 March 2026" in exc.value.message_dict["late_reason"][0]
    held = hold(clock, review, iro, day=date(2026, 3, 31), late_reason="Carer in hospital")
    assert deadlines_of(episode, "lac_review_first").get().status == "met_late"
    assert held.number == "first"


# --- the cycle: second, next, and an early review resetting it ------------------------------------------
def test_the_cycle_second_then_every_six_months(clock, episode, iro):
    hold(clock, book(episode, iro), iro)
    clock.move_to("2026-06-01 09:00")
    second = hold(clock, book(episode, iro, day=date(2026, 6, 19)), iro, day=date(2026, 6, 19))
    assert second.number == "second"
    # Friday 19 June 2026 + 6 months = Saturday 19 December: back to Friday 18 December
    assert selectors.review_deadline(episode).rule_key == "lac_review_next"
    assert selectors.review_deadline(episode).due_date == date(2026, 12, 18)
    clock.move_to("2026-12-01 09:00")
    third = hold(clock, book(episode, iro, day=date(2026, 12, 14)), iro, day=date(2026, 12, 14))
    assert third.number == "subsequent"
    # Monday 14 December 2026 + 6 months: Monday 14 June 2027
    assert selectors.review_deadline(episode).due_date == date(2027, 6, 14)
    assert [r.number for r in selectors.held_reviews(episode)] == ["first", "second", "subsequent"]


def test_a_placement_move_asks_for_an_early_review_that_resets_the_cycle(clock, episode, iro, social_worker):
    hold(clock, book(episode, iro), iro)
    clock.move_to("2026-04-15 10:00")
    services.placement_change(actor=social_worker, episode=episode, start_date=date(2026, 4, 15),
                              placement_type="U4", provider="PR4", change_reason="CREQB",
                              early_review_reason="Placement broke down; the plan needs reviewing")
    requested = selectors.open_review(episode)
    assert (requested.status, requested.early_trigger, requested.iro) == ("requested", "placement_change", iro)
    assert Notification.objects.filter(recipient=iro, subject__contains="early").count() == 1
    early = book(episode, iro, day=date(2026, 4, 24))
    assert early.pk == requested.pk and early.is_early
    held = hold(clock, early, iro, day=date(2026, 4, 24))
    # the early review is the second review: it meets lac_review_second (due 26 June) early, and the
    # cycle goes on from it: next within six months of Friday 24 April 2026, Saturday 24 October, so Friday 23rd
    assert held.number == "second"
    second = deadlines_of(episode, "lac_review_second").get()
    assert (second.status, second.met_on, second.due_date) == ("met_on_time", date(2026, 4, 24), date(2026, 6, 26))
    assert selectors.review_deadline(episode).due_date == date(2026, 10, 23)


def test_an_early_review_before_the_first_is_the_first(clock, episode, iro):
    services.review_request_early(actor=iro, episode=episode, trigger="welfare",
                                  reason="The statutory visit found the child unsafe")
    clock.move_to("2026-03-10 09:00")
    review = book(episode, iro, day=date(2026, 3, 12))
    held = hold(clock, review, iro, day=date(2026, 3, 12))
    assert (held.number, held.early_trigger) == ("first", "welfare")
    # Thursday 12 March 2026 + 3 months: Friday 12 June 2026
    assert selectors.review_deadline(episode).due_date == date(2026, 6, 12)


def test_an_early_review_needs_a_trigger_and_what_happened(episode, iro, la):
    with pytest.raises(ValidationError) as exc:
        services.review_request_early(actor=iro, episode=episode, trigger="whim", reason="")
    assert set(exc.value.message_dict) == {"trigger", "reason"}
    with pytest.raises(ValidationError, match="You cannot ask"):
        services.review_request_early(actor=iro_of(la), episode=episode, trigger="iro_request", reason="Worried")
    # a review already booked becomes the early review; asking again changes nothing
    review = book(episode, iro)
    early = services.review_request_early(actor=iro, episode=episode, trigger="iro_request", reason="Worried")
    assert early.pk == review.pk and early.early_trigger == "iro_request"
    assert services.review_request_early(actor=iro, episode=episode, trigger="welfare", reason="Again") == early
    assert Review.objects.count() == 1


def test_the_review_workflow(clock, episode, iro):
    assert services.TRANSITIONS == {"requested": {"scheduled", "cancelled"}, "scheduled": {"held", "cancelled"},
                                    "held": set(), "cancelled": set()}
    held = hold(clock, book(episode, iro), iro)
    with pytest.raises(ValidationError, match="held cannot be cancelled"):
        services.review_cancel(actor=iro, review=held, reason="Too late")
    with pytest.raises(ValidationError, match="Only a booked review"):
        services.review_reschedule(actor=iro, review=held, planned_for=date(2026, 4, 2), reason="Moving")
