"""Adding or removing a local closure day in the admin recomputes the open deadlines it affects."""

import datetime

import pytest

from safeguarding.clock import services
from safeguarding.clock.models import Deadline, LocalClosureDay
from tests.factories import ChildFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, la):
    from safeguarding.accounts.models import Role

    admin = make_user(la, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_adding_then_removing_a_closure_day_moves_open_deadlines_and_back(admin_client):
    child = ChildFactory()
    # strategy discussion Monday 2 November 2026: 15 WD -> Monday 23 November 2026
    d = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 2), label="ICPC")
    met = services.deadline_open(subject=child, rule_key="assessment", anchor_date=datetime.date(2026, 11, 2),
                                 label="Assessment")
    services.deadline_meet(deadline=met, met_on=datetime.date(2026, 11, 3))
    assert d.due_date == datetime.date(2026, 11, 23)

    resp = admin_client.post("/admin/clock/localclosureday/add/", {"date": "2026-11-12", "name": "Staff training"})
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.due_date == datetime.date(2026, 11, 24)  # one more working day
    assert Deadline.objects.get(pk=met.pk).due_date == met.due_date  # met deadlines are reported as they were
    assert d.history.first().history_change_reason.startswith("Closure day changed")

    closure = LocalClosureDay.objects.get()
    resp = admin_client.post(f"/admin/clock/localclosureday/{closure.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.due_date == datetime.date(2026, 11, 23)


def test_a_closure_on_a_month_based_due_date_moves_it_back_and_removing_it_restores_it(admin_client):
    child = ChildFactory()
    # ICPC Tuesday 15 September 2026 + 3 months -> Tuesday 15 December 2026
    d = services.deadline_open(subject=child, rule_key="rcpc_first", anchor_date=datetime.date(2026, 9, 15),
                               label="First review")
    assert d.due_date == datetime.date(2026, 12, 15)
    admin_client.post("/admin/clock/localclosureday/add/", {"date": "2026-12-15", "name": "Closure"})
    d.refresh_from_db()
    assert d.due_date == datetime.date(2026, 12, 14)
    closure = LocalClosureDay.objects.get()
    admin_client.post(f"/admin/clock/localclosureday/{closure.pk}/delete/", {"post": "yes"})
    d.refresh_from_db()
    assert d.due_date == datetime.date(2026, 12, 15)


def test_a_reason_accepted_while_overdue_stays_accepted_only_if_it_is_the_reason_recorded(social_worker,
                                                                                         team_manager):
    child = ChildFactory()
    first = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 10, 1),
                                   label="ICPC")
    Deadline.objects.filter(pk=first.pk).update(status=Deadline.Status.OVERDUE)
    services.deadline_accept_late(deadline=first, manager=team_manager, note="Family unwell; agreed new date")
    same = services.deadline_meet(deadline=first, met_on=datetime.date(2026, 11, 2),
                                  late_reason="Family unwell; agreed new date")
    assert same.late_accepted_by == team_manager

    second = services.deadline_open(subject=child, rule_key="assessment", anchor_date=datetime.date(2026, 8, 3),
                                    label="Assessment")
    Deadline.objects.filter(pk=second.pk).update(status=Deadline.Status.OVERDUE)
    services.deadline_accept_late(deadline=second, manager=team_manager, note="Interpreter not available")
    changed = services.deadline_meet(deadline=second, met_on=datetime.date(2026, 11, 2),
                                     late_reason="Worker off sick")
    assert (changed.late_reason, changed.late_accepted_by) == ("Worker off sick", None)
