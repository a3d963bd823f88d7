"""Requesting, allocating a chair, booking, rescheduling and cancelling a conference (issue 4, section 1).

Every due date below is counted by hand from the calendar, not with the clock's own code:
- a strategy discussion on Monday 2 March 2026: the initial conference is due 15 working days later,
  Monday 23 March 2026 (no bank holidays in March 2026);
- a transfer notification on Wednesday 1 April 2026: due 15 working days later, skipping Good Friday
  (3 April) and Easter Monday (6 April), on Friday 24 April 2026;
- agency reports and sharing the social work report: 2 working days before the conference (Friday 20
  March 2026 -> Wednesday 18 March; Monday 23 March -> Thursday 19 March).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from conferences import invitations as invitation_emails
from conferences import selectors, services
from conferences.models import Conference, ConferenceRecord, Invitation
from safeguarding.accounts.models import Membership, Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.conferences import story
from tests.factories import ChildFactory, UnbornChildFactory, make_user

pytestmark = pytest.mark.django_db

MON_2_MAR = date(2026, 3, 2)
MON_23_MAR = date(2026, 3, 23)
FRI_20_MAR = date(2026, 3, 20)


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 09:00") as frozen:
        yield frozen


@pytest.fixture
def family(clock, la, team, social_worker, police, health, school):
    child, mother, people = story.child_with_family(
        la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
        legal_first_names="Zebedee", legal_surname="Quennell-Marsh")
    return child, mother, people


@pytest.fixture
def child(family):
    return family[0]


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def deadlines_of(subject, rule_key=None):
    qs = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    return qs.filter(rule_key=rule_key) if rule_key else qs


def request(child, social_worker, **kw) -> Conference:
    kw.setdefault("kind", "initial")
    kw.setdefault("strategy_discussion_date", MON_2_MAR)
    return services.conference_request(actor=social_worker, child=child, **kw)


def decided_without_plan(*, child, social_worker, chair, clock, day: date) -> Conference:
    """A conference taken to a no-plan decision on ``day`` (the clock ends on that day)."""
    clock.move_to(f"{day - timedelta(days=7)} 09:00")
    conf = request(child, social_worker, strategy_discussion_date=day - timedelta(days=8))
    story.book(conference=conf, chair=chair, actor=chair, day=day)
    clock.move_to(f"{day} 15:00")
    services.conference_hold(actor=chair, conference=conf, held_on=day, quorum_override_reason="Testing")
    services.conference_decide(actor=chair, conference=conf, outcome="no_plan", next_step="cin_plan")
    return Conference.objects.get(pk=conf.pk)


def plan_for(*, child, social_worker, chair, clock):
    """An initial conference on Friday 20 March 2026 that made a plan (the clock ends that afternoon)."""
    conf = request(child, social_worker)
    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    clock.move_to("2026-03-20 15:00")
    conf = services.conference_hold(actor=chair, conference=conf, held_on=FRI_20_MAR,
                                    quorum_override_reason="Testing")
    story.decide_plan(conference=conf, chair=chair, lead_social_worker=social_worker)
    conf.refresh_from_db()
    return conf.plan


# --- the request ------------------------------------------------------------------------------------


def test_an_initial_request_opens_the_icpc_deadline_15_working_days_after_the_strategy_discussion(
        child, social_worker, team):
    conf = request(child, social_worker, notes="  Police joint visit on Friday  ")

    conf.refresh_from_db()
    assert (conf.status, conf.kind, conf.requested_by, conf.strategy_discussion_date) == (
        "requested", "initial", social_worker, MON_2_MAR)
    assert conf.request_notes == "Police joint visit on Friday"
    assert ConferenceRecord.objects.filter(conference=conf).exists()
    d = deadlines_of(conf).get()
    assert (d.rule_key, d.anchor_date, d.due_date, d.status) == ("icpc", MON_2_MAR, MON_23_MAR, "open")
    assert (d.responsible_person, d.responsible_team) == (social_worker, team)
    assert d.label == "Initial child protection conference"
    for name in ("Zebedee", "Quennell", "Mary", social_worker.full_name):
        assert name not in d.label
    assert selectors.due_deadline(conf) == d
    assert CaseEvent.objects.filter(code="conference.requested", subject_id=conf.pk, actor=social_worker).exists()


def test_a_strategy_discussion_today_is_accepted_and_one_tomorrow_refused(child, social_worker):
    with pytest.raises(ValidationError) as exc:
        request(child, social_worker, strategy_discussion_date=MON_2_MAR + timedelta(days=1))
    assert errors_of(exc) == {"strategy_discussion_date": [
        "The strategy discussion date must be today or in the past"]}
    assert not Conference.objects.exists() and not Deadline.objects.exists()
    assert request(child, social_worker, strategy_discussion_date=MON_2_MAR).pk


def test_an_initial_request_needs_the_strategy_discussion_date(child, social_worker):
    with pytest.raises(ValidationError) as exc:
        request(child, social_worker, strategy_discussion_date=None)
    assert errors_of(exc) == {"strategy_discussion_date": [
        "Enter the date of the strategy discussion that started the section 47 enquiry"]}


def test_a_pre_birth_conference_is_for_an_unborn_child_only(la, team, social_worker, clock):
    born = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    with pytest.raises(ValidationError) as exc:
        request(born, social_worker, kind="pre_birth")
    assert errors_of(exc) == {"kind": [
        "A pre-birth conference is for an unborn child; this child's date of birth is recorded"]}

    unborn = UnbornChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    conf = request(unborn, social_worker, kind="pre_birth")
    d = deadlines_of(conf).get()
    assert (d.rule_key, d.due_date, d.label) == ("icpc", MON_23_MAR, "Initial child protection conference")


def test_an_initial_conference_for_an_unborn_child_is_refused(la, team, social_worker, clock):
    unborn = UnbornChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    with pytest.raises(ValidationError) as exc:
        request(unborn, social_worker, kind="initial")
    assert errors_of(exc) == {"kind": ["For an unborn child, request a pre-birth conference"]}
    assert not Conference.objects.exists()


def test_a_transfer_in_is_due_15_working_days_after_the_notification_skipping_easter(child, social_worker, clock,
                                                                                     team):
    clock.move_to("2026-04-01 09:00")
    conf = services.conference_request(
        actor=social_worker, child=child, kind="transfer_in", transfer_notification_date=date(2026, 4, 1),
        transferring_authority="  Southvale City Council ", strategy_discussion_date=date(2026, 3, 30))
    conf.refresh_from_db()
    assert conf.transferring_authority == "Southvale City Council"
    assert conf.strategy_discussion_date is None  # only the notification anchors a transfer-in
    d = deadlines_of(conf).get()
    assert (d.rule_key, d.anchor_date, d.due_date) == ("transfer_in_conference", date(2026, 4, 1),
                                                       date(2026, 4, 24))
    assert d.label == "Transfer-in conference"
    assert (d.responsible_person, d.responsible_team) == (social_worker, team)


@pytest.mark.parametrize(("kw", "expected"), [
    ({"transfer_notification_date": None, "transferring_authority": "Southvale"},
     {"transfer_notification_date": ["Enter the date of the written notification from the other authority"]}),
    ({"transfer_notification_date": date(2026, 3, 3), "transferring_authority": "Southvale"},
     {"transfer_notification_date": ["The notification date must be today or in the past"]}),
    ({"transfer_notification_date": date(2026, 3, 2), "transferring_authority": "   "},
     {"transferring_authority": ["Enter the authority the child is moving from"]}),
    ({"transfer_notification_date": None, "transferring_authority": ""},
     {"transfer_notification_date": ["Enter the date of the written notification from the other authority"],
      "transferring_authority": ["Enter the authority the child is moving from"]}),
])
def test_a_transfer_in_needs_the_notification_date_and_the_authority(child, social_worker, kw, expected):
    with pytest.raises(ValidationError) as exc:
        services.conference_request(actor=social_worker, child=child, kind="transfer_in", **kw)
    assert errors_of(exc) == expected
    assert not Conference.objects.exists() and not Deadline.objects.exists()


def test_a_review_needs_an_active_plan(child, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.conference_request(actor=social_worker, child=child, kind="review")
    assert errors_of(exc) == {"kind": ["A review conference needs an active child protection plan"]}


def test_a_review_cannot_review_another_childs_plan(child, social_worker, chair, clock, la, team):
    other = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    plan = plan_for(child=other, social_worker=social_worker, chair=chair, clock=clock)
    with pytest.raises(ValidationError) as exc:
        services.conference_request(actor=social_worker, child=child, kind="review", plan=plan)
    assert errors_of(exc) == {"kind": ["A review conference needs an active child protection plan"]}


def test_a_review_has_no_deadline_of_its_own_and_works_to_the_plans_review_deadline(child, social_worker, chair,
                                                                                   clock):
    plan = plan_for(child=child, social_worker=social_worker, chair=chair, clock=clock)
    review = services.conference_request(actor=social_worker, child=child, kind="review")

    assert review.plan == plan and review.strategy_discussion_date is None
    assert not deadlines_of(review).exists()
    rcpc = deadlines_of(plan, "rcpc_first").get()
    # three calendar months after Friday 20 March 2026 is Saturday 20 June: back to Friday 19 June
    assert rcpc.due_date == date(2026, 6, 19)
    assert selectors.due_deadline(review) == rcpc


def test_an_active_plan_refuses_an_initial_or_a_transfer_in(child, social_worker, chair, clock):
    plan_for(child=child, social_worker=social_worker, chair=chair, clock=clock)
    with pytest.raises(ValidationError) as exc:
        request(child, social_worker, strategy_discussion_date=date(2026, 3, 20))
    assert errors_of(exc) == {"kind": ["This child already has a child protection plan: request a review conference"]}
    with pytest.raises(ValidationError) as exc:
        services.conference_request(actor=social_worker, child=child, kind="transfer_in",
                                    transfer_notification_date=date(2026, 3, 20), transferring_authority="Southvale")
    assert errors_of(exc) == {"kind": ["This child already has a plan with us: request a review conference"]}


def test_only_one_live_conference_per_child(child, social_worker, chair, clock):
    first = request(child, social_worker)
    with pytest.raises(ValidationError) as exc:
        request(child, social_worker)
    assert errors_of(exc) == {"kind": ["This child already has a conference requested or booked"]}
    story.book(conference=first, chair=chair, actor=chair, day=FRI_20_MAR)
    with pytest.raises(ValidationError):
        request(child, social_worker)
    assert Conference.objects.filter(child=child).count() == 1

    services.conference_cancel(actor=chair, conference=first, reason="Family moved away; new enquiry")
    again = request(child, social_worker)
    assert again.pk != first.pk and again.status == "requested"


def test_another_childs_conference_does_not_count(child, social_worker, la, team):
    request(child, social_worker)
    sibling = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    assert request(sibling, social_worker).child == sibling


def test_the_conference_service_is_notified_of_a_request(child, social_worker, chair, administrator, la, other_la,
                                                         team_manager):
    other_chair = make_user(other_la, Role.CONFERENCE_CHAIR, full_name="Olga Elsewhere")
    gone = make_user(la, Role.CONFERENCE_CHAIR, full_name="Gone Away")
    gone.is_active = False
    gone.save()
    left = make_user(la, Role.ADMINISTRATOR, full_name="Left Service")
    Membership.objects.filter(user=left).update(is_active=False)
    both = make_user(la, Role.CONFERENCE_CHAIR, Role.ADMINISTRATOR, full_name="Bo Both")

    conf = request(child, social_worker)

    notified = list(Notification.objects.order_by("recipient__full_name")
                    .values_list("recipient__full_name", flat=True))
    assert notified == sorted([chair.full_name, administrator.full_name, both.full_name])  # once each
    n = Notification.objects.get(recipient=chair)
    assert n.subject == "Initial child protection conference requested: awaiting allocation"
    assert n.url == f"/conferences/{conf.public_id}/"
    assert "Zebedee" not in n.subject + n.body and "Quennell" not in n.subject + n.body
    assert not Notification.objects.filter(recipient__in=[other_chair, gone, left, social_worker,
                                                          team_manager]).exists()


# --- chairs -----------------------------------------------------------------------------------------


def test_suggestions_leave_out_chairs_who_manage_the_case_or_work_elsewhere(child, social_worker, team, other_team,
                                                                          la, other_la, chair):
    # the allocated social worker and the allocated team's manager also chair conferences
    Membership.objects.filter(user=social_worker).update(roles=[Role.SOCIAL_WORKER, Role.CONFERENCE_CHAIR])
    manager_chair = make_user(la, Role.TEAM_MANAGER, Role.CONFERENCE_CHAIR, team=team, full_name="Mo Manager")
    elsewhere_manager = make_user(la, Role.TEAM_MANAGER, Role.CONFERENCE_CHAIR, team=other_team,
                                  full_name="Ed Otherteam")
    make_user(other_la, Role.CONFERENCE_CHAIR, full_name="Ola Southvale")
    inactive = make_user(la, Role.CONFERENCE_CHAIR, full_name="In Active")
    inactive.is_active = False
    inactive.save()
    ended = make_user(la, Role.CONFERENCE_CHAIR, full_name="En Ded")
    Membership.objects.filter(user=ended).update(is_active=False)
    make_user(la, Role.IRO, full_name="Ira Notachair")

    conf = request(child, social_worker)
    suggested = [s.chair for s in selectors.chair_suggestions(conference=conf)]

    assert set(suggested) == {chair, elsewhere_manager}
    assert manager_chair not in suggested and social_worker not in suggested
    for person in (social_worker, manager_chair, inactive, ended):
        with pytest.raises(ValidationError) as exc:
            story.book(conference=conf, chair=person, actor=chair, day=FRI_20_MAR)
        assert errors_of(exc) == {"chair": [
            "Choose a conference chair of this local authority who does not manage the case"]}


def test_a_chair_in_the_allocated_team_who_manages_only_elsewhere_is_still_eligible(child, social_worker, team,
                                                                                   other_la, chair):
    # a member of the allocated team as a chair only (not its manager), and a team manager in another authority
    dual = make_user(child.local_authority, Role.CONFERENCE_CHAIR, team=team, full_name="Dua Lrole")
    Membership.objects.create(user=dual, agency=other_la, roles=[Role.TEAM_MANAGER])
    conf = request(child, social_worker)
    assert dual in [s.chair for s in selectors.chair_suggestions(conference=conf)]


def _busy(chair, *, la, day: date, hours=(9, 12, 15)):
    """Book ``chair`` into other children's conferences on ``day`` (one per hour given)."""
    for hour in hours:
        other = ChildFactory(local_authority=la)
        conf = services.conference_request(actor=chair, child=other, kind="initial",
                                           strategy_discussion_date=date(2026, 3, 2))
        services.conference_schedule(actor=chair, conference=conf, chair=chair, starts_at=story.at(day, hour),
                                     ends_at=story.at(day, hour) + timedelta(hours=2), venue="Room 1",
                                     late_reason="A full diary")


def test_suggestions_put_the_previous_chair_first_then_the_least_booked(child, social_worker, chair, la, clock):
    zed = make_user(la, Role.CONFERENCE_CHAIR, full_name="Zed Zulu")
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    earlier = decided_without_plan(child=child, social_worker=social_worker, chair=zed, clock=clock,
                                   day=date(2026, 3, 13))
    assert earlier.status == "decided"

    clock.move_to("2026-03-16 09:00")
    conf = request(child, social_worker, strategy_discussion_date=date(2026, 3, 16))  # due Monday 6 April
    _busy(zed, la=la, day=date(2026, 3, 30), hours=(9, 12, 15))
    _busy(chair, la=la, day=date(2026, 3, 31), hours=(9,))
    _busy(abe, la=la, day=date(2026, 4, 30), hours=(9, 12))  # outside the four weeks around the due date

    suggestions = selectors.chair_suggestions(conference=conf)

    assert [(s.chair, s.previous, s.booked) for s in suggestions] == [
        (zed, True, 3), (abe, False, 0), (chair, False, 1)]


def test_a_cancelled_conference_does_not_make_a_previous_chair(child, social_worker, chair, la, clock):
    zed = make_user(la, Role.CONFERENCE_CHAIR, full_name="Zed Zulu")
    first = request(child, social_worker)
    story.book(conference=first, chair=zed, actor=chair, day=FRI_20_MAR)
    services.conference_cancel(actor=chair, conference=first, reason="Requested in error")
    conf = request(child, social_worker)
    assert [(s.chair, s.previous) for s in selectors.chair_suggestions(conference=conf)] == [
        (chair, False), (zed, False)]  # equal bookings: by name


def test_suggestions_count_bookings_around_the_given_day(child, social_worker, chair, la):
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    _busy(abe, la=la, day=date(2026, 3, 18), hours=(9, 12))
    conf = request(child, social_worker)
    assert [s.chair for s in selectors.chair_suggestions(conference=conf)] == [chair, abe]
    far = selectors.chair_suggestions(conference=conf, around=date(2026, 5, 1))
    assert [(s.chair, s.booked) for s in far] == [(abe, 0), (chair, 0)]


def test_suggestions_for_a_booked_conference_do_not_count_its_own_booking(child, social_worker, chair, la):
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    _busy(abe, la=la, day=date(2026, 3, 19), hours=(9,))
    conf = story.book(conference=request(child, social_worker), chair=chair, actor=chair, day=FRI_20_MAR)
    # moving it: Chris's only booking is this one, so Chris is the less booked
    assert [(s.chair, s.booked) for s in selectors.chair_suggestions(conference=conf)] == [(chair, 0), (abe, 1)]


# --- booking ----------------------------------------------------------------------------------------


def test_booking_sets_the_chair_time_and_place_and_tells_the_chair(child, social_worker, chair, administrator):
    conf = request(child, social_worker)
    booked = services.conference_schedule(
        actor=administrator, conference=conf, chair=chair, starts_at=story.at(FRI_20_MAR, 10),
        ends_at=story.at(FRI_20_MAR, 12), venue="  Northmoor Civic Centre ", minute_taker=administrator)
    booked.refresh_from_db()
    assert (booked.status, booked.chair, booked.minute_taker, booked.venue, booked.late_reason) == (
        "scheduled", chair, administrator, "Northmoor Civic Centre", "")
    assert booked.starts_at == story.at(FRI_20_MAR, 10) and booked.ics_sequence == 0
    n = Notification.objects.get(recipient=chair, subject__startswith="You are chairing")
    assert n.body == "On 20 March 2026 at 10:00."
    assert CaseEvent.objects.filter(code="conference.scheduled", subject_id=conf.pk).count() == 1
    # the same booking again changes nothing
    services.conference_schedule(actor=administrator, conference=conf, chair=chair,
                                 starts_at=story.at(FRI_20_MAR, 10), ends_at=story.at(FRI_20_MAR, 12), venue="X")
    assert CaseEvent.objects.filter(code="conference.scheduled", subject_id=conf.pk).count() == 1
    assert Conference.objects.get(pk=conf.pk).venue == "Northmoor Civic Centre"


def test_booking_an_already_booked_conference_at_another_time_says_reschedule(child, social_worker, chair):
    conf = request(child, social_worker)
    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    with pytest.raises(ValidationError) as exc:
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR, hour=14)
    assert exc.value.messages == ["This conference is already booked: reschedule it instead"]


def test_booking_opens_the_report_deadlines_two_working_days_before(child, social_worker, chair, family):
    conf = request(child, social_worker)
    invitations = story.invite_everyone(conference=conf, actor=chair)
    assert not Deadline.objects.filter(rule_key="conference_reports").exists()  # not until there is a date

    story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)

    professionals = [i for i in invitations if i.kind == "professional"]
    reports = Deadline.objects.filter(rule_key="conference_reports")
    assert len(professionals) == 4 and reports.count() == 4
    assert {d.subject_id for d in reports} == {i.pk for i in professionals}
    assert {(d.due_date, d.anchor_date, d.label) for d in reports} == {
        (date(2026, 3, 18), FRI_20_MAR, "Agency report for a conference")}
    police_person = family[2][next(i.agency_id for i in professionals if i.role.startswith("Public"))]
    assert reports.get(responsible_person=police_person)
    share = deadlines_of(conf, "parents_report_share").get()
    assert (share.due_date, share.responsible_person, share.label) == (
        date(2026, 3, 18), social_worker, "Social work report shared with parents")


def test_a_chair_is_never_double_booked(child, social_worker, chair, la, team):
    first = request(child, social_worker)
    story.book(conference=first, chair=chair, actor=chair, day=FRI_20_MAR)  # 10:00 to 12:00
    sibling = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team)
    second = request(sibling, social_worker)

    for start, end in ((11, 13), (9, 11), (10, 12), (9, 13), (10.5, 11.5)):
        s = story.at(FRI_20_MAR, int(start), int(start % 1 * 60))
        e = story.at(FRI_20_MAR, int(end), int(end % 1 * 60))
        with pytest.raises(ValidationError) as exc:
            services.conference_schedule(actor=chair, conference=second, chair=chair, starts_at=s, ends_at=e,
                                         venue="Room 2")
        assert errors_of(exc) == {"starts_at": [
            "Chris Chair is already chairing a conference from 10:00 to 12:00 that day"]}
    assert Conference.objects.get(pk=second.pk).status == "requested"

    # ending as the other starts (or starting as it ends) is not a clash
    services.conference_schedule(actor=chair, conference=second, chair=chair, starts_at=story.at(FRI_20_MAR, 12),
                                 ends_at=story.at(FRI_20_MAR, 14), venue="Room 2")
    third = request(ChildFactory(local_authority=la), social_worker)
    services.conference_schedule(actor=chair, conference=third, chair=chair, starts_at=story.at(FRI_20_MAR, 8),
                                 ends_at=story.at(FRI_20_MAR, 10), venue="Room 2")
    assert Conference.objects.filter(chair=chair, status="scheduled").count() == 3


def test_the_database_refuses_a_double_booking_written_around_the_service(child, social_worker, chair, la):
    first = request(child, social_worker)
    story.book(conference=first, chair=chair, actor=chair, day=FRI_20_MAR)  # 10:00 to 12:00
    second = request(ChildFactory(local_authority=la), social_worker)
    story.book(conference=second, chair=chair, actor=chair, day=FRI_20_MAR, hour=14)

    with pytest.raises(IntegrityError, match="chair_not_double_booked"), transaction.atomic():
        Conference.objects.filter(pk=second.pk).update(starts_at=story.at(FRI_20_MAR, 11),
                                                       ends_at=story.at(FRI_20_MAR, 13))
    # touching is allowed by the database too ([start, end) ranges)
    Conference.objects.filter(pk=second.pk).update(starts_at=story.at(FRI_20_MAR, 12),
                                                   ends_at=story.at(FRI_20_MAR, 13))
    # a cancelled conference frees the slot
    services.conference_cancel(actor=chair, conference=first, reason="Child moved away")
    Conference.objects.filter(pk=second.pk).update(starts_at=story.at(FRI_20_MAR, 10),
                                                   ends_at=story.at(FRI_20_MAR, 12))


def test_a_different_chair_may_be_booked_at_the_same_time(child, social_worker, chair, la):
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    story.book(conference=request(child, social_worker), chair=chair, actor=chair, day=FRI_20_MAR)
    other = request(ChildFactory(local_authority=la), social_worker)
    assert story.book(conference=other, chair=abe, actor=chair, day=FRI_20_MAR).status == "scheduled"


def test_a_date_past_the_due_date_needs_a_reason_which_is_kept(child, social_worker, chair):
    conf = request(child, social_worker)
    with pytest.raises(ValidationError) as exc:
        story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 24), late_reason="   ")
    assert errors_of(exc) == {"late_reason": [
        "This conference is due by 23 March 2026. Say why it cannot be held by then"]}

    booked = story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 24),
                        late_reason=" Police could not attend before the 24th ")
    assert Conference.objects.get(pk=booked.pk).late_reason == "Police could not attend before the 24th"
    assert CaseEvent.objects.get(code="conference.scheduled").payload["late_reason"] == (
        "Police could not attend before the 24th")


def test_on_the_due_date_no_reason_is_needed_and_none_is_kept(child, social_worker, chair):
    conf = request(child, social_worker)
    booked = story.book(conference=conf, chair=chair, actor=chair, day=MON_23_MAR, late_reason="Not needed")
    assert Conference.objects.get(pk=booked.pk).late_reason == ""


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    ("2026-03-02 08:59", "2026-03-02 11:00", {"starts_at": ["The conference must start in the future"]}),
    ("2026-03-02 09:00", "2026-03-02 11:00", {"starts_at": ["The conference must start in the future"]}),
    ("2026-03-20 10:00", "2026-03-20 10:00", {"ends_at": ["The end time must be after the start time"]}),
    ("2026-03-20 10:00", "2026-03-20 09:00", {"ends_at": ["The end time must be after the start time"]}),
])
def test_times_must_be_in_the_future_and_end_after_they_start(child, social_worker, chair, starts, ends, expected):
    from datetime import datetime

    from django.utils import timezone

    conf = request(child, social_worker)
    s = timezone.make_aware(datetime.fromisoformat(starts))
    e = timezone.make_aware(datetime.fromisoformat(ends))
    with pytest.raises(ValidationError) as exc:
        services.conference_schedule(actor=chair, conference=conf, chair=chair, starts_at=s, ends_at=e, venue="Hall")
    assert errors_of(exc) == expected
    assert Conference.objects.get(pk=conf.pk).status == "requested"


def test_a_venue_or_an_online_link_is_needed(child, social_worker, chair):
    conf = request(child, social_worker)
    kw = {"actor": chair, "conference": conf, "chair": chair, "starts_at": story.at(FRI_20_MAR),
          "ends_at": story.at(FRI_20_MAR, 12)}
    with pytest.raises(ValidationError) as exc:
        services.conference_schedule(**kw, venue="  ", online_link=" ")
    assert errors_of(exc) == {"venue": ["Enter a venue or an online meeting link"]}
    booked = services.conference_schedule(**kw, online_link="https://meet.example.org/abc")
    assert (booked.venue, booked.online_link) == ("", "https://meet.example.org/abc")


def test_a_cancelled_conference_cannot_be_booked(child, social_worker, chair):
    conf = request(child, social_worker)
    services.conference_cancel(actor=chair, conference=conf, reason="Strategy discussion revisited: no s47")
    with pytest.raises(ValidationError) as exc:
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    assert exc.value.messages == ["A conference that is cancelled cannot be scheduled"]


# --- rescheduling -----------------------------------------------------------------------------------


def reschedule(conf, actor, day, hour=10, **kw):
    kw.setdefault("reason", "The chair is ill")
    kw.setdefault("venue", "Northmoor Civic Centre")
    return services.conference_reschedule(actor=actor, conference=conf, starts_at=story.at(day, hour),
                                          ends_at=story.at(day, hour) + timedelta(hours=2), **kw)


@pytest.fixture
def booked(child, social_worker, chair, family):
    conf = request(child, social_worker)
    story.invite_everyone(conference=conf, actor=chair)
    return story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)


def test_rescheduling_needs_a_reason(booked, chair):
    with pytest.raises(ValidationError) as exc:
        reschedule(booked, chair, MON_23_MAR, reason="  ")
    assert errors_of(exc) == {"reason": ["Say why the conference is being rescheduled"]}
    assert Conference.objects.get(pk=booked.pk).starts_at == story.at(FRI_20_MAR)


def test_rescheduling_keeps_history_bumps_the_calendar_sequence_and_moves_report_deadlines(booked, chair):
    before = booked.history.count()
    moved = reschedule(booked, chair, MON_23_MAR, reason="Police officer on leave on the 20th")

    moved.refresh_from_db()
    assert moved.starts_at == story.at(MON_23_MAR) and moved.ics_sequence == 1
    assert moved.history.count() == before + 1
    latest = moved.history.first()
    assert latest.history_change_reason == "Police officer on leave on the 20th"
    assert latest.history_user == chair
    assert [h.starts_at for h in moved.history.all()[:2]] == [story.at(MON_23_MAR), story.at(FRI_20_MAR)]
    reports = Deadline.objects.filter(rule_key__in=["conference_reports", "parents_report_share"])
    assert reports.count() == 5
    assert {(d.anchor_date, d.due_date) for d in reports} == {(MON_23_MAR, date(2026, 3, 19))}
    event = CaseEvent.objects.get(code="conference.rescheduled", subject_id=booked.pk)
    assert event.payload["reason"] == "Police officer on leave on the 20th"
    assert event.payload["from"]["starts_at"] == story.at(FRI_20_MAR).isoformat()


def test_a_new_time_on_the_same_day_leaves_the_report_deadlines_alone(booked, chair):
    reschedule(booked, chair, FRI_20_MAR, hour=14, reason="Room needed in the morning")
    assert {d.due_date for d in Deadline.objects.filter(rule_key="conference_reports")} == {date(2026, 3, 18)}
    assert Conference.objects.get(pk=booked.pk).ics_sequence == 1


def test_rescheduling_to_the_same_booking_changes_nothing(booked, chair):
    before = booked.history.count()
    reschedule(booked, chair, FRI_20_MAR, reason="No change really")
    booked.refresh_from_db()
    assert booked.ics_sequence == 0 and booked.history.count() == before
    assert not CaseEvent.objects.filter(code="conference.rescheduled").exists()


def test_rescheduling_refuses_a_double_booking_and_a_late_date_without_reason(booked, chair, la, social_worker):
    other = request(ChildFactory(local_authority=la), social_worker)
    story.book(conference=other, chair=chair, actor=chair, day=MON_23_MAR)
    with pytest.raises(ValidationError) as exc:
        reschedule(booked, chair, MON_23_MAR, hour=11)
    assert list(errors_of(exc)) == ["starts_at"]
    with pytest.raises(ValidationError) as exc:
        reschedule(booked, chair, date(2026, 3, 25))
    assert errors_of(exc) == {"late_reason": [
        "This conference is due by 23 March 2026. Say why it cannot be held by then"]}
    moved = reschedule(booked, chair, date(2026, 3, 25), late_reason="Interpreter available only then")
    assert Conference.objects.get(pk=moved.pk).late_reason == "Interpreter available only then"
    # and back within the due date: the late reason no longer applies
    back = reschedule(booked, chair, date(2026, 3, 19))
    assert Conference.objects.get(pk=back.pk).late_reason == ""


def test_rescheduling_to_another_chair_checks_the_chair(booked, chair, social_worker, la):
    with pytest.raises(ValidationError) as exc:
        reschedule(booked, chair, FRI_20_MAR, chair=social_worker)
    assert list(errors_of(exc)) == ["chair"]
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    moved = reschedule(booked, chair, FRI_20_MAR, chair=abe, reason="Chris is on leave")
    assert Conference.objects.get(pk=moved.pk).chair == abe


def test_rescheduling_to_another_chair_tells_the_new_chair(booked, chair, la):
    abe = make_user(la, Role.CONFERENCE_CHAIR, full_name="Abe Able")
    reschedule(booked, chair, FRI_20_MAR, chair=abe, reason="Chris is on leave")
    n = Notification.objects.get(recipient=abe)
    assert n.subject == "You are chairing an initial child protection conference"
    assert n.body == "On 20 March 2026 at 10:00."
    assert n.url == f"/conferences/{booked.public_id}/"
    # a new time with the same chair tells nobody again
    reschedule(booked, chair, FRI_20_MAR, hour=14, chair=abe, reason="Room change")
    assert Notification.objects.filter(recipient=abe).count() == 1


def test_only_a_booked_conference_is_rescheduled(child, social_worker, chair):
    conf = request(child, social_worker)
    with pytest.raises(ValidationError) as exc:
        reschedule(conf, chair, FRI_20_MAR)
    assert exc.value.messages == ["Only a booked conference can be rescheduled"]


# --- cancelling -------------------------------------------------------------------------------------


def test_cancelling_cancels_the_deadlines_and_sends_cancellations_only_to_those_invited_by_email(
        booked, chair, family):
    child, mother, people = family
    # one invitee without an email address, and one withdrawn (who had their cancellation then)
    no_email = services.invitation_add(actor=chair, conference=booked, kind="family", name="Grandad",
                                       role="Grandfather")
    withdrawn = Invitation.objects.get(conference=booked, adult=mother)
    services.invitation_withdraw(actor=chair, invitation=withdrawn, reason="Invited in error")
    emailed = list(Invitation.objects.live().filter(conference=booked).exclude(email=""))
    assert len(emailed) == 4 and no_email.sent_sequence == -1
    assert invitation_emails.emails_of(method="CANCEL").count() == 1  # the withdrawal's

    with pytest.raises(ValidationError) as exc:
        services.conference_cancel(actor=chair, conference=booked, reason=" ")
    assert errors_of(exc) == {"reason": ["Say why the conference is cancelled"]}

    cancelled = services.conference_cancel(actor=chair, conference=booked, reason="The family moved to Wales")
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.cancelled_reason, cancelled.ics_sequence) == (
        "cancelled", "The family moved to Wales", 1)
    assert cancelled.history.first().history_change_reason == "The family moved to Wales"
    icpc = deadlines_of(cancelled, "icpc").get()
    assert icpc.status == "cancelled" and "The family moved to Wales" in icpc.cancelled_reason
    assert deadlines_of(cancelled, "parents_report_share").get().status == "cancelled"
    assert set(Deadline.objects.filter(rule_key="conference_reports").values_list("status", flat=True)) == {
        "cancelled"}
    cancels = invitation_emails.emails_of(method="CANCEL", sequence=1)
    assert {invitation_emails.key_of(e)[0] for e in cancels} == {i.pk for i in emailed}
    assert selectors.due_deadline(cancelled) is None
    # twice is harmless
    services.conference_cancel(actor=chair, conference=booked, reason="Again")
    assert Conference.objects.get(pk=booked.pk).cancelled_reason == "The family moved to Wales"
    assert CaseEvent.objects.filter(code="conference.cancelled").count() == 1


def test_cancelling_a_request_sends_nobody_a_cancellation(child, social_worker, chair):
    conf = request(child, social_worker)
    story.invite_everyone(conference=conf, actor=chair)
    assert not invitation_emails.emails_of().exists()  # nothing is sent before a date is booked
    services.conference_cancel(actor=chair, conference=conf, reason="No longer needed")
    assert not invitation_emails.emails_of().exists()
    assert deadlines_of(conf, "icpc").get().status == "cancelled"


def test_a_held_conference_cannot_be_cancelled(booked, chair, clock):
    clock.move_to("2026-03-20 13:00")
    services.conference_hold(actor=chair, conference=booked, held_on=FRI_20_MAR, quorum_override_reason="Test")
    with pytest.raises(ValidationError) as exc:
        services.conference_cancel(actor=chair, conference=booked, reason="Too late")
    assert exc.value.messages == ["A conference that is held: awaiting decision cannot be cancelled"]


def test_cancelling_a_review_keeps_the_plans_review_deadline(child, social_worker, chair, clock):
    plan = plan_for(child=child, social_worker=social_worker, chair=chair, clock=clock)
    review = services.conference_request(actor=social_worker, child=child, kind="review")
    story.book(conference=review, chair=chair, actor=chair, day=date(2026, 6, 1))
    services.conference_cancel(actor=chair, conference=review, reason="Chair ill: to be rebooked")
    assert deadlines_of(plan, "rcpc_first").get().status == "open"
    again = services.conference_request(actor=social_worker, child=child, kind="review")
    assert selectors.due_deadline(again).due_date == date(2026, 6, 19)


def test_due_deadline_after_the_conference_is_held_is_the_met_deadline(booked, chair, clock):
    clock.move_to("2026-03-20 13:00")
    services.conference_hold(actor=chair, conference=booked, held_on=FRI_20_MAR, quorum_override_reason="Test")
    d = selectors.due_deadline(Conference.objects.get(pk=booked.pk))
    assert (d.rule_key, d.status, d.met_on) == ("icpc", "met_on_time", FRI_20_MAR)

