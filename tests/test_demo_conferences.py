"""`manage.py load_demo` gives the demo conference chair a realistic day: requests, bookings, a
conference awaiting sign-off, a plan due for review, through the real services and the clock."""

import io
from collections import Counter
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Child
from conferences.models import AgencyReport, ChildProtectionPlan, Conference, Invitation, Minutes
from safeguarding.accounts.models import Membership, User
from safeguarding.clock.models import Deadline
from safeguarding.demo import data

pytestmark = pytest.mark.django_db

SMALL = 20
LOADED_AT = timezone.make_aware(datetime(2026, 3, 9, 8, 30))  # a Monday: "this week" holds the first bookings
S = Conference.Status


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *(args or ("--children", str(SMALL))), stdout=out)
    return out.getvalue()


def login(key: str) -> User:
    return User.objects.get(email=data.LOGIN_BY_KEY[key].email)


def demo_conferences():
    return Conference.objects.filter(child__local_authority__name=data.LA.name)


def status_counts() -> dict[str, int]:
    return {s: demo_conferences().filter(status=s).count() for s in S.values}


def snapshot() -> dict[str, int]:
    from conferences.models import CoreGroupMeeting, Distribution, Document, MidwayAudit
    from safeguarding.notify.models import Notification

    models = (Conference, Invitation, AgencyReport, ChildProtectionPlan, Minutes, CoreGroupMeeting, MidwayAudit,
              Document, Distribution, Deadline, Notification, User, Membership)
    return {m.__name__: m.objects.count() for m in models}


def deadline_of(obj, rule_key: str) -> Deadline:
    from django.contrib.contenttypes.models import ContentType

    return Deadline.objects.get(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk,
                                rule_key=rule_key)


@pytest.mark.django_db(transaction=True)
def test_the_demo_sends_no_email(mailoutbox):
    """Committed for real, so the after-commit sends run inside the load: to nowhere."""
    from conferences.invitations import emails_of
    from safeguarding.notify.models import Notification

    load_demo()

    assert mailoutbox == []
    assert emails_of().exists() and Notification.objects.filter(email_pending=True).exists()
    assert not emails_of().exclude(status="sent").exists()  # settled, to nowhere
    assert not Notification.objects.filter(email_pending=True, emailed_at=None).exists()


def test_a_world_loaded_before_conferences_existed_gets_them_once_its_chairs_are_active(monkeypatch):
    from safeguarding.demo import conferences as module

    real_load = module.load
    monkeypatch.setattr(module, "load", lambda **kw: Counter())
    load_demo()
    assert not demo_conferences().exists()
    children = Child.objects.count()
    monkeypatch.setattr(module, "load", real_load)
    chair2 = login("chair2")
    chair2.is_active = False
    chair2.save()

    assert "the demo conference chairs and administrator must be active" in load_demo()
    assert not demo_conferences().exists()

    chair2.is_active = True
    chair2.save()
    out = load_demo()

    assert "Skipped generating children" in out
    assert Child.objects.count() == children
    assert status_counts()[S.SCHEDULED] == 5 and "created 9 conferences" in out


def test_no_children_no_conferences():
    out = load_demo("--children", "0")

    assert not Conference.objects.exists()
    assert "no child left for a demo booked conference: skipped" in out
    assert "no unborn child for a demo pre-birth conference: skipped" in out
