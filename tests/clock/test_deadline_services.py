"""The deadline services (safeguarding/clock/services.py): open, meet on time, met late with a reason,
accept a late reason, cancel, and recompute when an anchor is corrected or a local rule changes. Every
change is kept in history with who made it and why, and repeating an action changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from safeguarding.audit.models import CaseEvent
from safeguarding.clock import services
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
S = Deadline.Status


@pytest.fixture
def frozen():
    with freeze_time("2026-11-25 10:00:00"):
        yield


@pytest.fixture
def child(social_worker, team):
    return ChildFactory(allocated_social_worker=social_worker, allocated_team=team)


@pytest.fixture
def icpc(child, social_worker, team):
    # strategy discussion Monday 2 November 2026: 15 working days later is Monday 23 November
    return services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 2),
                                  label="Initial conference", actor=social_worker, responsible_person=social_worker,
                                  responsible_team=team)


def fresh(deadline) -> Deadline:
    return Deadline.objects.get(pk=deadline.pk)


def events(deadline, code):
    return CaseEvent.objects.filter(code=code, subject_id=deadline.pk)


# --- open ------------------------------------------------------------------------------------------


def test_open_computes_the_due_date_from_the_rule_and_records_it(icpc, social_worker, team):
    assert icpc.due_date == datetime.date(2026, 11, 23)
    assert icpc.status == S.OPEN
    assert (icpc.responsible_person, icpc.responsible_team) == (social_worker, team)
    assert icpc.computation["amount"] == 15 and icpc.computation["unit"] == "working_days"
    assert icpc.computation["overridden"] is False and icpc.computation["holidays_version"]
    first = icpc.history.get()
    assert (first.history_type, first.history_user, first.history_change_reason) == (
        "+", social_worker, "Deadline opened: Initial child protection conference")
    assert events(icpc, "deadline.opened").get().payload == {"rule": "icpc", "due_date": "2026-11-23"}


def test_opening_again_while_open_returns_the_same_deadline(icpc, child, social_worker):
    again = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 9),
                                   label="Initial conference (again)", actor=social_worker)
    assert again.pk == icpc.pk and again.due_date == icpc.due_date
    assert Deadline.objects.count() == 1 and events(icpc, "deadline.opened").count() == 1


def test_after_it_is_met_the_same_rule_opens_a_new_deadline(icpc, child, social_worker):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 20), actor=social_worker)
    again = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 16),
                                   label="Initial conference", actor=social_worker)
    assert again.pk != icpc.pk and again.status == S.OPEN
    assert fresh(icpc).status == S.MET_ON_TIME


def test_an_unknown_rule_is_refused(child):
    from safeguarding.clock.rules import UnknownRule

    with pytest.raises(UnknownRule):
        services.deadline_open(subject=child, rule_key="no_such_rule", anchor_date=TODAY, label="x")


# --- meet ------------------------------------------------------------------------------------------


def test_met_on_time(icpc, social_worker):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 23), actor=social_worker)
    d = fresh(icpc)
    assert (d.status, d.met_on, d.late_reason) == (S.MET_ON_TIME, datetime.date(2026, 11, 23), "")
    latest = d.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (social_worker, "Met")


def test_met_late_needs_a_reason(icpc, social_worker):
    with pytest.raises(ValidationError) as exc:
        services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 24), actor=social_worker,
                               late_reason="   ")
    assert "late_reason" in exc.value.error_dict
    assert "23 November 2026" in exc.value.error_dict["late_reason"][0].messages[0]
    assert fresh(icpc).status == S.OPEN


def test_met_late_with_a_reason(icpc, social_worker):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 24), actor=social_worker,
                           late_reason="  Chair unavailable; first date all agencies could attend  ")
    d = fresh(icpc)
    assert (d.status, d.late_reason) == (S.MET_LATE, "Chair unavailable; first date all agencies could attend")
    latest = d.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.late_reason) == (
        social_worker, "Met late", d.late_reason)
    assert events(icpc, "deadline.met").get().payload["late"] is True


def test_meeting_in_the_future_or_a_cancelled_deadline_is_refused(icpc, social_worker, team_manager):
    with pytest.raises(ValidationError) as exc:
        services.deadline_meet(deadline=icpc, met_on=TODAY + datetime.timedelta(days=1), actor=social_worker)
    assert "met_on" in exc.value.error_dict
    services.deadline_cancel(deadline=icpc, reason="Child moved to another area", actor=team_manager)
    with pytest.raises(ValidationError, match="cancelled"):
        services.deadline_meet(deadline=icpc, met_on=TODAY, actor=social_worker, late_reason="late")


def test_meeting_twice_changes_nothing(icpc, social_worker, colleague):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 20), actor=social_worker)
    rows = icpc.history.count()
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 24), actor=colleague, late_reason="x")
    d = fresh(icpc)
    assert (d.status, d.met_on, d.history.count()) == (S.MET_ON_TIME, datetime.date(2026, 11, 20), rows)


# --- accept late -------------------------------------------------------------------------------------


def test_a_manager_accepts_the_reason_a_deadline_was_met_late(icpc, social_worker, team_manager):
    with pytest.raises(ValidationError, match="late or overdue"):
        services.deadline_accept_late(deadline=icpc, manager=team_manager)
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 24), actor=social_worker,
                           late_reason="Parents asked to move it")
    services.deadline_accept_late(deadline=icpc, manager=team_manager, note="Agreed")
    d = fresh(icpc)
    assert (d.late_accepted_by, d.late_reason) == (team_manager, "Parents asked to move it")
    assert d.late_accepted_at is not None
    latest = d.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (team_manager, "Reason for delay accepted")
    rows = d.history.count()
    services.deadline_accept_late(deadline=icpc, manager=team_manager, note="again")  # a double submit
    assert fresh(icpc).history.count() == rows


def test_an_overdue_deadline_needs_a_reason_before_it_is_accepted(icpc, team_manager):
    Deadline.objects.filter(pk=icpc.pk).update(status=S.OVERDUE)
    with pytest.raises(ValidationError) as exc:
        services.deadline_accept_late(deadline=icpc, manager=team_manager, note=" ")
    assert "note" in exc.value.error_dict
    services.deadline_accept_late(deadline=icpc, manager=team_manager, note="Social worker off sick")
    d = fresh(icpc)
    assert (d.status, d.late_reason, d.late_accepted_by) == (S.OVERDUE, "Social worker off sick", team_manager)


# --- cancel ----------------------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_is_kept_in_history(icpc, team_manager):
    with pytest.raises(ValidationError) as exc:
        services.deadline_cancel(deadline=icpc, reason="  ", actor=team_manager)
    assert "reason" in exc.value.error_dict
    services.deadline_cancel(deadline=icpc, reason="Strategy discussion entered in error", actor=team_manager)
    d = fresh(icpc)
    assert (d.status, d.cancelled_reason) == (S.CANCELLED, "Strategy discussion entered in error")
    latest = d.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (team_manager, "Strategy discussion entered in error")
    rows = d.history.count()
    services.deadline_cancel(deadline=icpc, reason="again", actor=team_manager)
    assert fresh(icpc).history.count() == rows and fresh(icpc).cancelled_reason == d.cancelled_reason


def test_a_met_deadline_cannot_be_cancelled(icpc, social_worker, team_manager):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 23), actor=social_worker)
    with pytest.raises(ValidationError, match="met"):
        services.deadline_cancel(deadline=icpc, reason="No longer needed", actor=team_manager)


def test_a_cancelled_deadline_lets_the_rule_be_opened_again(icpc, child, team_manager):
    services.deadline_cancel(deadline=icpc, reason="Wrong child", actor=team_manager)
    again = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 9), label="x")
    assert again.pk != icpc.pk


# --- recompute -------------------------------------------------------------------------------------


def test_recompute_when_the_anchor_date_is_corrected(icpc, team_manager):
    services.deadline_recompute(deadline=icpc, reason="Strategy discussion was on 9 November",
                                anchor_date=datetime.date(2026, 11, 9), actor=team_manager)
    d = fresh(icpc)
    assert (d.anchor_date, d.due_date) == (datetime.date(2026, 11, 9), datetime.date(2026, 11, 30))
    dues = [h.due_date for h in d.history.order_by("history_date", "history_id")]
    assert dues == [datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)]  # the old due date stays in history
    latest = d.history.latest()
    assert latest.history_user == team_manager
    assert latest.history_change_reason == "Strategy discussion was on 9 November"
    assert events(icpc, "deadline.recomputed").get().payload == {
        "from": "2026-11-23", "to": "2026-11-30", "reason": "Strategy discussion was on 9 November"}


def test_recompute_needs_a_reason_and_does_nothing_when_nothing_changes(icpc, team_manager):
    with pytest.raises(ValidationError):
        services.deadline_recompute(deadline=icpc, reason="", anchor_date=datetime.date(2026, 11, 9))
    rows = icpc.history.count()
    services.deadline_recompute(deadline=icpc, reason="Checked", anchor_date=icpc.anchor_date, actor=team_manager)
    assert fresh(icpc).history.count() == rows


def test_an_overdue_deadline_recomputed_into_the_future_is_open_again(icpc, team_manager):
    Deadline.objects.filter(pk=icpc.pk).update(status=S.OVERDUE)
    services.deadline_recompute(deadline=icpc, reason="Anchor corrected", anchor_date=datetime.date(2026, 11, 20),
                                actor=team_manager)
    d = fresh(icpc)
    assert (d.status, d.due_date) == (S.OPEN, datetime.date(2026, 12, 11))


def test_met_and_cancelled_deadlines_keep_their_due_dates(icpc, child, social_worker, team_manager):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 20), actor=social_worker)
    services.deadline_recompute(deadline=icpc, reason="x", anchor_date=datetime.date(2026, 11, 9))
    assert fresh(icpc).due_date == datetime.date(2026, 11, 23)


def test_a_local_rule_override_recomputes_every_open_deadline_under_it(settings, child, social_worker, team_manager):
    conference = datetime.date(2026, 11, 2)
    minutes = [
        services.deadline_open(subject=ChildFactory(), rule_key="conference_minutes", anchor_date=conference,
                               label="Minutes", responsible_person=social_worker)
        for _ in range(3)
    ]
    assert {m.due_date for m in minutes} == {datetime.date(2026, 11, 23)}  # 15 working days
    services.deadline_meet(deadline=minutes[2], met_on=datetime.date(2026, 11, 20), actor=social_worker)
    other_rule = services.deadline_open(subject=child, rule_key="outline_plan", anchor_date=conference, label="Plan")

    settings.STATUTORY_RULE_OVERRIDES = {"conference_minutes": {"amount": 10, "note": "Local standard from 2027"}}
    changed = services.deadlines_recompute_rule(rule_key="conference_minutes", reason="Local standard now 10 days",
                                                actor=team_manager)
    assert changed == 2
    for m in minutes[:2]:
        d = fresh(m)
        assert d.due_date == datetime.date(2026, 11, 16)
        assert d.computation["amount"] == 10 and d.computation["overridden"] is True
        assert d.history.latest().history_change_reason == "Local standard now 10 days"
        assert datetime.date(2026, 11, 23) in {h.due_date for h in d.history.all()}
    assert fresh(minutes[2]).due_date == datetime.date(2026, 11, 23)  # met: reported as it was
    assert fresh(other_rule).due_date == other_rule.due_date

    rows = sum(fresh(m).history.count() for m in minutes)
    assert services.deadlines_recompute_rule(rule_key="conference_minutes", reason="again") == 0  # idempotent
    assert sum(fresh(m).history.count() for m in minutes) == rows


# --- reassign ------------------------------------------------------------------------------------------


def test_reassign_gives_the_same_deadline_to_someone_else_with_who_and_why_in_history(icpc, team_manager, other_team):
    due = icpc.due_date

    services.deadline_reassign(deadline=icpc, reason="Moved to the CIN team", actor=team_manager,
                               responsible_person=team_manager, responsible_team=other_team)

    moved = fresh(icpc)
    assert (moved.responsible_person, moved.responsible_team, moved.due_date) == (team_manager, other_team, due)
    assert Deadline.objects.count() == 1
    latest = moved.history.first()
    assert (latest.history_user, latest.history_change_reason) == (team_manager, "Moved to the CIN team")
    assert events(icpc, "deadline.reassigned").get().payload["to"] == {"person": team_manager.pk,
                                                                         "team": other_team.pk}


def test_reassign_keeps_what_is_not_given_needs_a_reason_and_changes_nothing_twice(icpc, team_manager, team):
    with pytest.raises(ValidationError) as error:
        services.deadline_reassign(deadline=icpc, reason=" ", responsible_person=team_manager)
    assert "reason" in error.value.message_dict

    for _ in range(2):
        services.deadline_reassign(deadline=icpc, reason="Cover", actor=team_manager, responsible_person=team_manager)

    moved = fresh(icpc)
    assert (moved.responsible_person, moved.responsible_team) == (team_manager, team)
    assert events(icpc, "deadline.reassigned").count() == 1


def test_a_met_deadline_keeps_the_owner_it_was_met_by(icpc, social_worker, team_manager):
    services.deadline_meet(deadline=icpc, met_on=datetime.date(2026, 11, 20), actor=social_worker)

    services.deadline_reassign(deadline=icpc, reason="Cover", actor=team_manager, responsible_person=team_manager)

    assert fresh(icpc).responsible_person == social_worker
