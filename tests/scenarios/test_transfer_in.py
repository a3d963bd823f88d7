"""Transfer-in conferences: a child on a child protection plan in another authority moves here for good.
The receiving authority must hold a transfer-in conference within 15 working days of the other
authority's written notification (Working Together 2023; the `transfer_in_conference` rule).

Two stories, through the real services and the statutory clock:
- Noah: notified on Wednesday 20 May 2026, conference on Tuesday 9 June, on time; the plan continues here.
- Ava: notified on Friday 21 August 2026; the booking on time has to move past the due date when the chair
  falls ill: the move needs a reason, and the deadline is met late, with that reason.

    May 2026                  June 2026                 August 2026               September 2026
    Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su
                 1  2  3       1  2  3  4  5  6  7                      1  2          1  2  3  4  5  6
     4  5  6  7  8  9 10       8  9 10 11 12 13 14       3  4  5  6  7  8  9       7  8  9 10 11 12 13
    11 12 13 14 15 16 17      15 16 17 18 19 20 21      10 11 12 13 14 15 16      14 15 16 17 18 19 20
    18 19 20 21 22 23 24      22 23 24 25 26 27 28      17 18 19 20 21 22 23      21 22 23 24 25 26 27
    25 26 27 28 29 30 31      29 30                     24 25 26 27 28 29 30      28 29 30
                                                        31

England and Wales bank holidays in play: spring bank holiday Mon 25 May 2026, summer bank holiday Mon 31
August 2026 (GOV.UK; also in tests/clock/test_workdays.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from conferences import services
from conferences.invitations import send_pending
from conferences.models import Conference, Invitation
from safeguarding.clock import services as clock
from tests.conferences import story
from tests.scenarios import deadline_of, facts, on

pytestmark = pytest.mark.django_db

D = date
OPEN, MET, MET_LATE, CANCELLED = "open", "met_on_time", "met_late", "cancelled"
SOUTHVALE = "Southvale City Council"


def family(la, social_worker, team, police, health, school, **child):
    return story.child_with_family(la=la, social_worker=social_worker, team=team, police=police, health=health,
                                   school=school, **child)


def test_noah_moves_in_on_a_plan_and_the_plan_continues_here(la, team, social_worker, chair, police, health, school):
    """Southvale's written notification that Noah, on a plan there under physical abuse since March, has
    moved to Northmoor for good arrives on Wednesday 20 May 2026.

    15 working days from Wed 20 May 2026 (day 0): Thu 21 = 1, Fri 22 = 2, Mon 25 May spring bank holiday
    not counted, Tue 26 = 3, Wed 27 = 4, Thu 28 = 5, Fri 29 = 6, Mon 1 Jun = 7, Tue 2 = 8, Wed 3 = 9,
    Thu 4 = 10, Fri 5 = 11, Mon 8 = 12, Tue 9 = 13, Wed 10 = 14, Thu 11 Jun 2026 = 15."""
    with on(D(2026, 5, 21), 9):
        child, mother, people = family(la, social_worker, team, police, health, school, legal_first_names="Noah",
                                       legal_surname="Fielding", date_of_birth=D(2019, 2, 12))

    # Thursday 21 May: Sam asks for the transfer-in conference. The notification date and the authority
    # the child comes from are both needed, and the notification cannot be in the future.
    with on(D(2026, 5, 21), 10):
        with pytest.raises(ValidationError) as refused:
            services.conference_request(actor=social_worker, child=child, kind="transfer_in",
                                        transfer_notification_date=D(2026, 5, 22), transferring_authority=" ")
        assert refused.value.message_dict == {
            "transfer_notification_date": ["The notification date must be today or in the past"],
            "transferring_authority": ["Enter the authority the child is moving from"]}
        conference = services.conference_request(
            actor=social_worker, child=child, kind="transfer_in", transfer_notification_date=D(2026, 5, 20),
            transferring_authority=f"  {SOUTHVALE} ", notes="On a plan in Southvale since 3 March 2026 (PHY)")
    assert (conference.kind, conference.transferring_authority, conference.strategy_discussion_date) == (
        "transfer_in", SOUTHVALE, None)
    d = deadline_of(conference, "transfer_in_conference")
    assert facts(d) == ("transfer_in_conference", D(2026, 5, 20), D(2026, 6, 11), OPEN, None)
    assert d.label == "Transfer-in conference" and d.responsible_person == social_worker
    assert not Conference.objects.filter(child=child).exclude(pk=conference.pk).exists()

    # Friday 22 May: the chair books Tuesday 9 June at 10:00 (working day 13); everyone is invited.
    with on(D(2026, 5, 22), 11):
        conference = story.book(conference=conference, chair=chair, actor=chair, day=D(2026, 6, 9))
        invitations = story.invite_everyone(conference=conference, actor=chair)
    assert conference.late_reason == "" and len(invitations) == 5
    # Reports 2 working days before Tue 9 Jun: Mon 8 Jun = 1, Fri 5 Jun = 2.
    school_invitation = conference.invitations.get(agency=school)
    assert facts(deadline_of(school_invitation, "conference_reports")) == (
        "conference_reports", D(2026, 6, 9), D(2026, 6, 5), OPEN, None)

    # The police and health report on Thu 4 Jun; the school (new to Noah) does not.
    with on(D(2026, 6, 4), 14):
        for agency in (police, health):
            services.report_submit(actor=people[agency.pk], conference=conference, agency=agency,
                                   summary="Known to us in Southvale; information shared")

    with on(D(2026, 6, 9), 13):
        conference = story.hold(conference=conference, chair=chair, held_on=D(2026, 6, 9))
        decision = services.conference_decide(
            actor=chair, conference=conference, outcome="plan", category="PHY", lead_social_worker=social_worker,
            rationale="The risk of physical harm Southvale's plan addressed remains.",
            core_group=[services.MemberInput(name=social_worker.full_name, role="Lead social worker",
                                             user_id=social_worker.pk)],
            actions=[services.ActionInput(description="Safety plan agreed with Mary", owner_name="Lead social worker",
                                          due_date=D(2026, 6, 19))])

    # Held on working day 13 of 15: on time.
    assert facts(deadline_of(conference, "transfer_in_conference")) == (
        "transfer_in_conference", D(2026, 5, 20), D(2026, 6, 11), MET, D(2026, 6, 9))
    # The school's report never came: no longer chased once the conference is held.
    school_deadline = deadline_of(school_invitation, "conference_reports")
    assert (school_deadline.status, school_deadline.cancelled_reason) == (CANCELLED, "The conference has been held")
    assert deadline_of(conference.invitations.get(agency=police), "conference_reports").status == MET

    # The plan continues here, under the same category as before.
    plan = Conference.objects.get(pk=conference.pk).plan
    assert (decision.outcome, decision.category) == ("plan", "PHY")
    assert (plan.status, plan.started_on, plan.initial_category, plan.latest_category, plan.previous_plans) == (
        "active", D(2026, 6, 9), "PHY", "PHY", 0)

    # From Tue 9 Jun 2026 (day 0):
    # - first core group, 10 working days: Wed 10 = 1, Thu 11 = 2, Fri 12 = 3, Mon 15 = 4, Tue 16 = 5,
    #   Wed 17 = 6, Thu 18 = 7, Fri 19 = 8, Mon 22 = 9, Tue 23 Jun = 10;
    # - first review, 3 calendar months: Wed 9 Sep 2026, a working day, not moved;
    # - decision letter, 1 working day: Wed 10 Jun;
    # - minutes, 15 working days: from Tue 23 Jun = 10, Wed 24 = 11, Thu 25 = 12, Fri 26 = 13, Mon 29 = 14,
    #   Tue 30 Jun 2026 = 15.
    assert facts(deadline_of(plan, "core_group_first")) == ("core_group_first", D(2026, 6, 9), D(2026, 6, 23), OPEN,
                                                            None)
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", D(2026, 6, 9), D(2026, 9, 9), OPEN, None)
    assert facts(deadline_of(conference, "outline_plan")) == ("outline_plan", D(2026, 6, 9), D(2026, 6, 10), OPEN,
                                                              None)
    assert facts(deadline_of(conference, "conference_minutes")) == (
        "conference_minutes", D(2026, 6, 9), D(2026, 6, 30), OPEN, None)

    # The first core group meets on Thu 18 Jun (working day 7 of 10): on time.
    with on(D(2026, 6, 18), 16):
        services.core_group_meeting_record(actor=social_worker, plan=plan, held_on=D(2026, 6, 18),
                                           progress="Safety plan agreed", attendee_ids=[plan.core_group.get().pk])
    assert facts(deadline_of(plan, "core_group_first"))[3:] == (MET, D(2026, 6, 18))

    # Now that Noah has a plan here, another transfer-in (or an initial conference) is a review instead.
    with on(D(2026, 6, 19), 10):
        for kind, extra in (("transfer_in", {"transfer_notification_date": D(2026, 6, 19),
                                             "transferring_authority": SOUTHVALE}),
                            ("initial", {"strategy_discussion_date": D(2026, 6, 19)})):
            with pytest.raises(ValidationError) as refused:
                services.conference_request(actor=social_worker, child=child, kind=kind, **extra)
            assert list(refused.value.message_dict) == ["kind"]
            assert "request a review conference" in refused.value.message_dict["kind"][0]


def test_ava_moves_in_and_her_conference_is_held_late_with_a_reason(la, team, social_worker, team_manager, chair,
                                                                    police, health, school, mailoutbox):
    """Southvale's written notification about Ava arrives on Friday 21 August 2026.

    15 working days from Fri 21 Aug 2026 (day 0): Mon 24 = 1, Tue 25 = 2, Wed 26 = 3, Thu 27 = 4,
    Fri 28 = 5, Mon 31 Aug summer bank holiday not counted, Tue 1 Sep = 6, Wed 2 = 7, Thu 3 = 8, Fri 4 = 9,
    Mon 7 = 10, Tue 8 = 11, Wed 9 = 12, Thu 10 = 13, Fri 11 = 14, Mon 14 Sep 2026 = 15."""
    with on(D(2026, 8, 24), 9):
        child, _mother, _people = family(la, social_worker, team, police, health, school, legal_first_names="Ava",
                                         legal_surname="Marsh", date_of_birth=D(2015, 11, 30))
        conference = services.conference_request(
            actor=social_worker, child=child, kind="transfer_in", transfer_notification_date=D(2026, 8, 21),
            transferring_authority=SOUTHVALE)
    assert facts(deadline_of(conference, "transfer_in_conference")) == (
        "transfer_in_conference", D(2026, 8, 21), D(2026, 9, 14), OPEN, None)

    # Tuesday 25 August: booked for Friday 11 September at 10:00, working day 14: in time, no reason asked.
    with on(D(2026, 8, 25), 11):
        conference = story.book(conference=conference, chair=chair, actor=chair, day=D(2026, 9, 11))
        story.invite_everyone(conference=conference, actor=chair)
    assert conference.late_reason == ""
    assert send_pending() == 5
    first_uids = {str(Calendar.from_ical(m.attachments[0][1]).walk("VEVENT")[0]["uid"]) for m in mailoutbox}
    assert len(first_uids) == 1  # one event per conference
    mailoutbox.clear()

    # Thursday 10 September: the chair is ill, and no other chair is free until Thursday 17 September,
    # after the due date (Mon 14 Sep). Moving it there needs a reason, and the reason it will be late.
    new_start, new_end = story.at(D(2026, 9, 17), 10), story.at(D(2026, 9, 17), 12)
    with on(D(2026, 9, 10), 9):
        with pytest.raises(ValidationError) as refused:
            services.conference_reschedule(actor=chair, conference=conference, starts_at=new_start, ends_at=new_end,
                                           venue="Northmoor Civic Centre", reason="The chair is ill")
        assert refused.value.message_dict == {"late_reason": [
            "This conference is due by 14 September 2026. Say why it cannot be held by then"]}
        late_reason = "The chair is ill and no other chair is free before 17 September"
        conference = services.conference_reschedule(
            actor=chair, conference=conference, starts_at=new_start, ends_at=new_end, venue="Northmoor Civic Centre",
            reason="The chair is ill", late_reason=late_reason)
    assert (conference.late_reason, conference.ics_sequence, conference.starts_at) == (late_reason, 1, new_start)
    assert conference.history.first().history_change_reason == "The chair is ill"

    # Everyone gets the updated calendar invitation: same event (UID), sequence 1, the new time.
    assert send_pending() == 5
    for m in mailoutbox:
        assert m.subject == "Updated invitation: Transfer-in conference on 17 September 2026"
        [event] = Calendar.from_ical(m.attachments[0][1]).walk("VEVENT")
        assert {str(event["uid"])} == first_uids and int(event["sequence"]) == 1
        assert event.decoded("dtstart") == new_start
    # The reports deadlines moved with the conference: 2 working days before Thu 17 Sep is Tue 15 Sep
    # (Wed 16 = 1, Tue 15 = 2); they were Wed 9 Sep for Fri 11 Sep (Thu 10 = 1, Wed 9 = 2).
    for inv in conference.invitations.filter(kind=Invitation.InviteeKind.PROFESSIONAL):
        d = deadline_of(inv, "conference_reports")
        assert facts(d) == ("conference_reports", D(2026, 9, 17), D(2026, 9, 15), OPEN, None)
        assert d.history.earliest().due_date == D(2026, 9, 9)

    # Thursday 17 September: held, 3 working days late (Tue 15, Wed 16, Thu 17); the deadline is met late
    # with the reason given when the date moved, and the team manager accepts it.
    with on(D(2026, 9, 17), 13):
        conference = story.hold(conference=conference, chair=chair, held_on=D(2026, 9, 17))
        story.decide_plan(conference=conference, chair=chair, lead_social_worker=social_worker, category="EMO")
        d = deadline_of(conference, "transfer_in_conference")
        assert facts(d) == ("transfer_in_conference", D(2026, 8, 21), D(2026, 9, 14), MET_LATE, D(2026, 9, 17))
        assert d.late_reason == late_reason
        clock.deadline_accept_late(deadline=d, manager=team_manager)
    assert deadline_of(conference, "transfer_in_conference").late_accepted_by == team_manager

    plan = Conference.objects.get(pk=conference.pk).plan
    assert (plan.started_on, plan.initial_category, plan.latest_category) == (D(2026, 9, 17), "EMO", "EMO")
    # The first review: Thu 17 Sep 2026 + 3 months = Thu 17 Dec 2026, a working day.
    # First core group: Fri 18 Sep = 1, Mon 21 - Fri 25 = 2-6, Mon 28 = 7, Tue 29 = 8, Wed 30 = 9,
    # Thu 1 Oct 2026 = 10.
    assert deadline_of(plan, "rcpc_first").due_date == D(2026, 12, 17)
    assert deadline_of(plan, "core_group_first").due_date == D(2026, 10, 1)
