import datetime

import pytest

from safeguarding.clock import reminders, services
from safeguarding.clock.models import Deadline, ReminderClaim
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_a_sweep_reminds_once_and_a_second_sweep_sends_nothing_more(social_worker, team, team_manager):
    child = ChildFactory(allocated_social_worker=social_worker)
    today = datetime.date(2026, 11, 25)  # a Wednesday
    soon = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 5),
                                  label="ICPC", responsible_person=social_worker, responsible_team=team)
    late = services.deadline_open(subject=child, rule_key="core_group_first", anchor_date=datetime.date(2026, 11, 2),
                                  label="Core group", responsible_person=social_worker, responsible_team=team)
    assert soon.due_date == datetime.date(2026, 11, 26)
    assert late.due_date == datetime.date(2026, 11, 16)

    run = reminders.sweep(today=today)
    assert run.sent == run.claimed == 3  # due soon (1 WD), overdue, escalated
    assert set(ReminderClaim.objects.values_list("stage", flat=True)) == {"due_soon:1", "overdue", "escalated:3"}
    assert Deadline.objects.get(pk=late.pk).status == Deadline.Status.OVERDUE
    assert Notification.objects.filter(recipient=social_worker).count() == 2
    assert Notification.objects.filter(recipient=team_manager).count() == 1

    again = reminders.sweep(today=today)
    assert (again.claimed, again.sent) == (0, 0)
    assert Notification.objects.count() == 3
