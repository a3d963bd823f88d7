"""Every stage of the reminder sweep, day by day on a real calendar (England & Wales bank holidays and
local closure days), with its recipients and its words.

Decisions these tests pin down (see safeguarding/clock/reminders.py):
- the due-soon bands come from REMINDER_DAYS_BEFORE and do not overlap; a band other than the
  tightest reminds only deadlines that were open N working days before their due date, so a deadline
  opened 2 working days before it is due gets one "due soon" reminder (the day before), not two;
- every stage is evaluated as of the day of the sweep: after an outage of several days the first
  sweep sends what is still meaningful (overdue and escalated, not "due soon" or "due today"), once;
- the ledger key is (deadline, due date, stage): a deadline recomputed to a later date is reminded at
  every stage again for its new date, and never twice for the same date.

The clock is frozen at midday, London time, on the day of each sweep (freezegun), so the tests do not
depend on the day they run.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from safeguarding.accounts.models import Membership
from safeguarding.clock import reminders, services, workdays
from safeguarding.clock.models import Deadline, LocalClosureDay, ReminderClaim
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, Role, make_user

pytestmark = pytest.mark.django_db

D = datetime.date
LONG_AGO = D(2026, 10, 1)


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def sweep_on(day: datetime.date):
    with freeze_time(at_noon(day)):
        return reminders.sweep()


def make_deadline(due, *, person=None, team=None, opened=LONG_AGO, label=None, child=None) -> Deadline:
    """An open ICPC deadline due on ``due`` (the anchor 15 working days earlier), opened on ``opened``."""
    child = child or ChildFactory()
    return Deadline.objects.create(
        rule_key="icpc", subject_type=ContentType.objects.get_for_model(child), subject_id=child.pk,
        label=label or f"ICPC for {child.local_child_id}", anchor_date=workdays.add_working_days(due, -15),
        due_date=due, responsible_person=person, responsible_team=team, created_at=at_noon(opened),
    )


def timeline(deadline, first: datetime.date, last: datetime.date) -> dict[datetime.date, set[str]]:
    """Sweep every calendar day from ``first`` to ``last``; the stages claimed for ``deadline`` each day."""
    seen: set[str] = set()
    out: dict[datetime.date, set[str]] = {}
    day = first
    while day <= last:
        sweep_on(day)
        stages = set(ReminderClaim.objects.filter(deadline=deadline).values_list("stage", flat=True))
        if stages - seen:
            out[day] = stages - seen
        seen = stages
        day += datetime.timedelta(days=1)
    assert not ReminderClaim.objects.filter(sent_at__isnull=True).exists()
    return out


def test_the_bank_holidays_the_calendar_below_relies_on():
    assert workdays.is_bank_holiday(D(2026, 12, 25))
    assert workdays.is_bank_holiday(D(2026, 12, 28))  # Boxing Day falls on a Saturday: the Monday is the holiday
    assert not workdays.is_working_day(D(2026, 12, 26))
    assert workdays.is_working_day(D(2026, 12, 24)) and workdays.is_working_day(D(2026, 12, 29))


def test_every_stage_on_its_day_across_christmas(social_worker, team, team_manager):
    deadline = make_deadline(D(2026, 12, 23), person=social_worker, team=team)  # a Wednesday
    assert timeline(deadline, D(2026, 11, 30), D(2027, 1, 8)) == {
        D(2026, 12, 16): {"due_soon:5"},  # 5 working days before
        D(2026, 12, 22): {"due_soon:1"},
        D(2026, 12, 23): {"due_today"},
        D(2026, 12, 24): {"overdue"},
        # 3 working days after the due date: 24 December, then 29 and 30 (25 and 28 are bank holidays)
        D(2026, 12, 30): {"escalated:3"},
    }
    assert Notification.objects.filter(recipient=social_worker).count() == 4
    assert Notification.objects.filter(recipient=team_manager).count() == 1


def test_a_local_closure_day_puts_the_escalation_back_a_day(social_worker, team, team_manager):
    LocalClosureDay.objects.create(date=D(2026, 12, 29), name="Council closure between Christmas and New Year")
    deadline = make_deadline(D(2026, 12, 23), person=social_worker, team=team)
    assert timeline(deadline, D(2026, 12, 23), D(2027, 1, 8)) == {
        D(2026, 12, 23): {"due_today"},
        D(2026, 12, 24): {"overdue"},
        D(2026, 12, 31): {"escalated:3"},  # 24, 30 and 31 December
    }


def test_a_local_closure_day_counts_in_the_due_soon_bands_too(social_worker, team):
    LocalClosureDay.objects.create(date=D(2026, 12, 3), name="Staff training day")
    deadline = make_deadline(D(2026, 12, 4), person=social_worker, team=team)  # a Friday
    got = timeline(deadline, D(2026, 11, 23), D(2026, 12, 4))
    # 5 working days before Friday 4 December, skipping Thursday 3: Thursday 26 November; 1 before: Wednesday 2
    assert got == {D(2026, 11, 26): {"due_soon:5"}, D(2026, 12, 2): {"due_soon:1"}, D(2026, 12, 4): {"due_today"}}


@pytest.mark.parametrize(("opened", "expected"), [
    (D(2026, 11, 20), {D(2026, 11, 27): {"due_soon:5"}, D(2026, 12, 3): {"due_soon:1"}}),
    (D(2026, 11, 27), {D(2026, 11, 27): {"due_soon:5"}, D(2026, 12, 3): {"due_soon:1"}}),  # exactly 5 WD before
    (D(2026, 11, 28), {D(2026, 11, 28): {"due_soon:5"}, D(2026, 12, 3): {"due_soon:1"}}),  # a Saturday: still 5
    (D(2026, 11, 30), {D(2026, 12, 3): {"due_soon:1"}}),  # 4 working days before
    (D(2026, 12, 2), {D(2026, 12, 3): {"due_soon:1"}}),  # 2 working days before: one reminder, not two
    (D(2026, 12, 3), {D(2026, 12, 3): {"due_soon:1"}}),  # the day before: the tightest band always applies
], ids=["10WD", "5WD", "saturday-5WD", "4WD", "2WD", "1WD"])
def test_only_the_tightest_band_applies_to_a_deadline_opened_inside_a_looser_one(social_worker, team, opened,
                                                                               expected):
    deadline = make_deadline(D(2026, 12, 4), person=social_worker, team=team, opened=opened)
    got = timeline(deadline, opened, D(2026, 12, 3))
    assert got == expected


@override_settings(REMINDER_DAYS_BEFORE=[1, 10, 3, 0], ESCALATE_AFTER_WORKING_DAYS=5)
def test_the_bands_and_the_escalation_come_from_settings(social_worker, team, team_manager):
    deadline = make_deadline(D(2026, 12, 16), person=social_worker, team=team)  # a Wednesday
    assert timeline(deadline, D(2026, 11, 30), D(2026, 12, 31)) == {
        D(2026, 12, 2): {"due_soon:10"},
        D(2026, 12, 11): {"due_soon:3"},
        D(2026, 12, 15): {"due_soon:1"},
        D(2026, 12, 16): {"due_today"},
        D(2026, 12, 17): {"overdue"},
        D(2026, 12, 23): {"escalated:5"},  # 17, 18, 21, 22, 23
    }


def test_a_due_date_on_a_non_working_day_escalates_on_the_third_working_day_after_it(social_worker, team,
                                                                                    team_manager):
    # A due date can fall on a closed day when closure days are added after the deadline was computed.
    deadline = make_deadline(D(2026, 11, 21), person=social_worker, team=team)  # a Saturday
    assert timeline(deadline, D(2026, 11, 21), D(2026, 11, 30)) == {
        D(2026, 11, 21): {"due_today"},
        D(2026, 11, 22): {"overdue"},
        D(2026, 11, 25): {"escalated:3"},  # Monday 23, Tuesday 24, Wednesday 25
    }


def test_recipients_and_words_of_every_stage(social_worker, colleague, team, other_team, team_manager, la):
    make_user(la, Role.TEAM_MANAGER, team=team, full_name="Dee Deputy")
    make_user(la, Role.TEAM_MANAGER, team=other_team, full_name="Other Team Manager")
    former = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Former Manager")
    Membership.objects.filter(user=former).update(is_active=False)
    left = make_user(la, Role.TEAM_MANAGER, team=team, full_name="Left The Council")
    left.__class__.objects.filter(pk=left.pk).update(is_active=False)

    late = make_deadline(D(2026, 11, 16), person=social_worker, team=team, label="ICPC for Jayden Smith")
    today = make_deadline(D(2026, 11, 25), person=social_worker, team=team, label="ICPC for Amy Jones")
    soon = make_deadline(D(2026, 11, 26), person=colleague, team=team, label="ICPC for Ben Ng")
    run = sweep_on(D(2026, 11, 25))
    assert (run.claimed, run.sent, run.marked_overdue) == (4, 4, 1)

    def notes(deadline):
        return sorted(
            (n.recipient.full_name, n.subject, n.body)
            for n in Notification.objects.filter(url=f"/deadlines/{deadline.public_id}/").select_related("recipient")
        )

    what = "Initial child protection conference held"
    assert notes(late) == sorted([
        ("Sam Worker", "Overdue: ICPC for Jayden Smith",
         f"{what} was due on Monday 16 November 2026. Record when it was met, or the reason for the delay."),
        ("Tess Manager", "Escalated, overdue: ICPC for Jayden Smith",
         f"{what} was due on Monday 16 November 2026 and is still not met, 7 working days later. "
         "Sam Worker is responsible. You are told as a manager of Assessment Team A."),
        ("Dee Deputy", "Escalated, overdue: ICPC for Jayden Smith",
         f"{what} was due on Monday 16 November 2026 and is still not met, 7 working days later. "
         "Sam Worker is responsible. You are told as a manager of Assessment Team A."),
    ])
    assert notes(today) == [("Sam Worker", "Due today: ICPC for Amy Jones",
                             f"{what} is due today, Wednesday 25 November 2026.")]
    assert notes(soon) == [("Cal Colleague", "Due soon: ICPC for Ben Ng",
                            f"{what} is due on Thursday 26 November 2026, in 1 working day.")]
    assert Notification.objects.count() == 5  # nobody else: not the other team's manager, nor former managers


def test_overdue_marks_the_deadline_with_a_history_row(social_worker, team):
    late = make_deadline(D(2026, 11, 24), person=social_worker, team=team)
    due_today = make_deadline(D(2026, 11, 25), person=social_worker, team=team)
    rows_before = late.history.count()
    sweep_on(D(2026, 11, 25))
    assert Deadline.objects.get(pk=due_today.pk).status == Deadline.Status.OPEN
    late.refresh_from_db()
    assert late.status == Deadline.Status.OVERDUE
    row = late.history.order_by("-history_id").first()
    assert (row.status, row.history_type, row.history_change_reason) == ("overdue", "~", "Past its due date")
    assert (row.due_date, row.label, row.responsible_person_id) == (late.due_date, late.label, social_worker.pk)
    assert late.history.count() == rows_before + 1
    assert sweep_on(D(2026, 11, 26)).marked_overdue == 1  # due_today's turn; late is not marked again
    assert late.history.count() == rows_before + 1


def test_met_and_cancelled_deadlines_get_nothing(social_worker, team, team_manager):
    with freeze_time(at_noon(D(2026, 11, 25))):
        met = make_deadline(D(2026, 11, 26), person=social_worker, team=team)
        services.deadline_meet(deadline=met, met_on=D(2026, 11, 25))
        met_late = make_deadline(D(2026, 11, 16), person=social_worker, team=team)
        services.deadline_meet(deadline=met_late, met_on=D(2026, 11, 20), late_reason="Chair off sick")
        cancelled = make_deadline(D(2026, 11, 25), person=social_worker, team=team)
        services.deadline_cancel(deadline=cancelled, reason="The enquiry found no need for a conference")
        cancelled_late = make_deadline(D(2026, 11, 10), person=social_worker, team=team)
        services.deadline_cancel(deadline=cancelled_late, reason="Child moved to another authority")
    for day in (D(2026, 11, 25), D(2026, 11, 26), D(2026, 12, 10)):
        run = sweep_on(day)
        assert (run.claimed, run.sent, run.marked_overdue) == (0, 0, 0)
    assert not ReminderClaim.objects.exists()
    assert not Notification.objects.exists()


def test_a_deadline_met_after_its_first_reminder_gets_no_more(social_worker, team, team_manager):
    deadline = make_deadline(D(2026, 12, 4), person=social_worker, team=team)
    sweep_on(D(2026, 11, 27))
    assert list(ReminderClaim.objects.values_list("stage", flat=True)) == ["due_soon:5"]
    with freeze_time(at_noon(D(2026, 11, 30))):
        services.deadline_meet(deadline=deadline, met_on=D(2026, 11, 30))
    for day in (D(2026, 12, 3), D(2026, 12, 4), D(2026, 12, 7), D(2026, 12, 14)):
        assert sweep_on(day).claimed == 0
    assert Notification.objects.count() == 1


def test_a_deadline_recomputed_to_a_later_date_is_reminded_by_its_new_date(social_worker, team, team_manager):
    late = make_deadline(D(2026, 11, 16), person=social_worker, team=team)
    sweep_on(D(2026, 11, 24))  # late: overdue and escalated
    soon = make_deadline(D(2026, 11, 26), person=social_worker, team=team)  # not reminded yet
    assert Deadline.objects.get(pk=late.pk).status == Deadline.Status.OVERDUE
    with freeze_time(at_noon(D(2026, 11, 25))):
        # the strategy discussions were really on 19 November: the conferences are due on 10 December
        for d in (soon, late):
            services.deadline_recompute(deadline=d, anchor_date=D(2026, 11, 19), reason="Anchor date corrected")
    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.due_date == late.due_date == D(2026, 12, 10)
    assert late.status == Deadline.Status.OPEN

    assert sweep_on(D(2026, 11, 25)).claimed == 0  # soon is no longer due tomorrow
    assert timeline(soon, D(2026, 11, 26), D(2026, 12, 16)) == {
        D(2026, 12, 3): {"due_soon:5"}, D(2026, 12, 9): {"due_soon:1"}, D(2026, 12, 10): {"due_today"},
        D(2026, 12, 11): {"overdue"}, D(2026, 12, 15): {"escalated:3"},
    }
    assert Notification.objects.filter(subject__startswith="Due soon", url__contains=str(soon.public_id),
                                       body__contains="Thursday 10 December 2026").count() == 2  # 5 and 1 WD
    # late had its overdue and escalated reminders for the old date; the ledger key includes the due date,
    # so it is reminded at every stage again for the new one, each once.
    assert set(ReminderClaim.objects.filter(deadline=late).values_list("due_date", "stage")) == {
        (D(2026, 11, 16), "overdue"), (D(2026, 11, 16), "escalated:3"),
        (D(2026, 12, 10), "due_soon:5"), (D(2026, 12, 10), "due_soon:1"), (D(2026, 12, 10), "due_today"),
        (D(2026, 12, 10), "overdue"), (D(2026, 12, 10), "escalated:3")}
    assert Deadline.objects.get(pk=late.pk).status == Deadline.Status.OVERDUE  # from 11 December again
    assert Notification.objects.filter(url__contains=str(late.public_id)).count() == 2 + 5


def test_after_an_outage_the_next_sweep_sends_what_is_still_meaningful_once(social_worker, team, team_manager):
    """No sweep ran for a fortnight: every stage of ``late`` fell due meanwhile. The first sweep after it
    sends "overdue" and "escalated" (all four stage windows are evaluated as of today), not the due-soon
    or due-today reminders whose day has passed."""
    late = make_deadline(D(2026, 11, 19), person=social_worker, team=team)  # 4 working days overdue on the 25th
    just_late = make_deadline(D(2026, 11, 24), person=social_worker, team=team)  # 1 working day: not escalated yet
    due_today = make_deadline(D(2026, 11, 25), person=social_worker, team=team)
    tomorrow = make_deadline(D(2026, 11, 26), person=social_worker, team=team)
    in_5 = make_deadline(D(2026, 12, 2), person=social_worker, team=team)
    run = sweep_on(D(2026, 11, 25))

    def stages(d):
        return set(ReminderClaim.objects.filter(deadline=d).values_list("stage", flat=True))

    assert stages(late) == {"overdue", "escalated:3"}
    assert stages(just_late) == {"overdue"}
    assert stages(due_today) == {"due_today"}
    assert stages(tomorrow) == {"due_soon:1"}
    assert stages(in_5) == {"due_soon:5"}
    assert (run.claimed, run.sent, run.marked_overdue) == (6, 6, 2)
    assert Notification.objects.filter(recipient=team_manager).count() == 1
    assert Notification.objects.filter(recipient=social_worker).count() == 5

    again = sweep_on(D(2026, 11, 25))
    assert (again.claimed, again.sent, again.retried) == (0, 0, 0)
    assert Notification.objects.count() == 6


def test_nobody_responsible_means_no_notification_but_the_claim_is_settled(team):
    deadline = make_deadline(D(2026, 11, 25))  # no person, no team
    run = sweep_on(D(2026, 11, 25))
    assert (run.claimed, run.sent) == (1, 1)
    assert ReminderClaim.objects.get(deadline=deadline).sent_at is not None
    assert not Notification.objects.exists()


@override_settings(ESCALATE_AFTER_WORKING_DAYS=0)
def test_escalating_after_0_working_days_escalates_with_the_overdue_reminder_not_on_the_due_date(
    social_worker, team, team_manager
):
    deadline = make_deadline(D(2026, 11, 25), person=social_worker, team=team)
    assert timeline(deadline, D(2026, 11, 25), D(2026, 11, 27)) == {
        D(2026, 11, 25): {"due_today"}, D(2026, 11, 26): {"overdue", "escalated:0"}}
