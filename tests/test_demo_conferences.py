"""`manage.py load_demo` gives the demo conference chair a realistic day: requests, bookings, a
conference awaiting sign-off, a plan due for review, through the real services and the clock."""

import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases.models import Child
from conferences import selectors
from conferences.models import AgencyReport, ChildProtectionPlan, Conference, Invitation, Minutes
from conferences.policies import conference_policy, plan_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, Membership, Role, User
from safeguarding.clock import workdays
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


def test_two_chairs_and_an_administrator_in_the_demo_council_are_listed_with_the_logins():
    out = load_demo()

    la = Agency.objects.get(name=data.LA.name)
    chairs = User.objects.filter(memberships__agency=la, memberships__roles__contains=[Role.CONFERENCE_CHAIR])
    admins = User.objects.filter(memberships__agency=la, memberships__roles__contains=[Role.ADMINISTRATOR])
    assert chairs.count() >= 2 and admins.count() >= 1
    for key in ("chair", "chair2", "admin"):
        assert data.LOGIN_BY_KEY[key].email in out
        assert login(key).check_password(data.DEMO_PASSWORD)


def test_the_chairs_day_is_built_through_the_services():
    with freeze_time(LOADED_AT):
        load_demo()
        today = timezone.localdate()
    chair, chair2 = login("chair"), login("chair2")

    assert status_counts() == {S.REQUESTED: 2, S.SCHEDULED: 5, S.HELD: 0, S.DECIDED: 2, S.CANCELLED: 0}
    kinds = set(demo_conferences().values_list("kind", flat=True))
    assert kinds == {"initial", "transfer_in", "pre_birth"}

    # requests awaiting allocation: each has its open icpc deadline from the strategy discussion; one is at risk
    requests = list(demo_conferences().filter(status=S.REQUESTED))
    for conference in requests:
        d = deadline_of(conference, "icpc")
        assert d.status == Deadline.Status.OPEN
        assert d.due_date == workdays.add_working_days(conference.strategy_discussion_date, 15)
    until, _ = selectors.at_risk_until(today)
    at_risk = list(selectors.at_risk(demo_conferences(), until=until))
    assert [c.status for c in at_risk] == [S.REQUESTED]
    assert at_risk[0].due_on <= workdays.add_working_days(today, 3)

    # chair 1: three bookings this week and next, inviting the demo police officer, health visitor and DSL
    mine = list(demo_conferences().filter(chair=chair, status=S.SCHEDULED).order_by("starts_at"))
    assert len(mine) == 3
    days = [timezone.localtime(c.starts_at).date() for c in mine]
    monday = today - timedelta(days=today.weekday())
    assert all(monday < d < monday + timedelta(days=14) for d in days)
    assert len(selectors.chair_week(demo_conferences(), chair=chair, week=selectors.iso_week(today))) >= 2
    for conference in mine:
        assert conference.starts_at > LOADED_AT
        assert timezone.localtime(conference.starts_at).date() <= deadline_of(conference, "icpc").due_date
        assert conference.invitations.filter(kind=Invitation.InviteeKind.PARENT).exists()
    invited_users = set(Invitation.objects.filter(conference__in=mine).values_list("user__email", flat=True))
    for key in ("police", "health", "school"):
        assert data.LOGIN_BY_KEY[key].email in invited_users, key
    first = mine[0]
    reported = set(first.reports.values_list("agency__name", flat=True))
    assert {data.LA.name, "Northmoor Constabulary", "Northmoor Community Health NHS Trust"} <= reported
    assert first.reports.get(is_social_work_report=True).shared_with_parents_at is not None
    assert "Oakfield Primary School" in set(first.invitations.values_list("agency__name", flat=True)) - reported
    chasing = Deadline.objects.filter(rule_key="conference_reports", status__in=Deadline.OPEN_STATUSES,
                                      subject_id__in=first.invitations.values("pk"))
    assert chasing.exists()  # the agency that has not reported is chased through the clock
    met = Deadline.objects.filter(rule_key="conference_reports", status=Deadline.Status.MET_ON_TIME,
                                  subject_id__in=first.invitations.values("pk"))
    assert met.count() >= 3  # social worker, police officer, health practitioner: in on time
    assert deadline_of(first, "parents_report_share").status == Deadline.Status.MET_ON_TIME

    # the conference held on the last working day: decided, plan (neglect), minutes in draft
    awaiting = list(selectors.minutes_awaiting_sign_off(demo_conferences(), chair=chair))
    assert len(awaiting) == 1
    held = awaiting[0]
    assert held.status == S.DECIDED and held.held_on == workdays.add_working_days(today, -1)
    assert held.decision.outcome == "plan" and held.plan.initial_category == "NEG"
    assert held.quorate
    assert deadline_of(held, "icpc").status == Deadline.Status.MET_ON_TIME
    assert deadline_of(held.plan, "core_group_first").status == Deadline.Status.OPEN
    assert held.plan.actions.count() >= 3 and held.plan.core_group.count() >= 3
    assert timezone.localtime(held.starts_at).date() == held.held_on
    assert not Deadline.objects.filter(rule_key="parents_report_share", subject_id=held.pk,
                                       status__in=Deadline.OPEN_STATUSES).exists()

    # the plan due for review: first review within six weeks, core groups met, audited, documents sent on time
    due = list(selectors.plans_needing_review(ChildProtectionPlan.objects.all(), until=today + timedelta(weeks=6)))
    assert len(due) == 1
    plan = due[0]
    review = deadline_of(plan, "rcpc_first")
    assert review.status == Deadline.Status.OPEN and today < review.due_date <= today + timedelta(weeks=6)
    assert plan.latest_category == "EMO"
    assert deadline_of(plan, "core_group_first").status == Deadline.Status.MET_ON_TIME
    assert plan.core_group_meetings.count() == 2 and plan.midway_audits.filter(chair=chair).count() == 1
    made_by = plan.conferences.get()
    for rule in ("icpc", "outline_plan", "conference_minutes"):
        assert deadline_of(made_by, rule).status == Deadline.Status.MET_ON_TIME, rule
    assert made_by.minutes.get().status == Minutes.Status.SIGNED
    assert made_by.documents.filter(copy="family").exists()
    assert timezone.localtime(made_by.starts_at).date() == made_by.held_on == plan.started_on
    assert made_by.strategy_discussion_date < timezone.localtime(made_by.requested_at).date() < made_by.held_on
    assert all(r.submitted_at < made_by.starts_at for r in made_by.reports.all())

    # the second chair: a transfer-in and a pre-birth conference
    theirs = demo_conferences().filter(chair=chair2, status=S.SCHEDULED)
    assert set(theirs.values_list("kind", flat=True)) == {"transfer_in", "pre_birth"}
    transfer = theirs.get(kind="transfer_in")
    assert deadline_of(transfer, "transfer_in_conference").anchor_date == transfer.transfer_notification_date
    assert theirs.get(kind="pre_birth").child.is_unborn

    # what each demo person can reach, through the policies
    ctx = AccessContext.for_user
    assert set(conference_policy.visible(ctx(chair), "decide")) == set(
        demo_conferences().filter(chair=chair))
    assert conference_policy.visible(ctx(login("admin")), "list_service").count() == demo_conferences().count()
    for key in ("police", "health", "school"):
        assert conference_policy.visible(ctx(login(key))).filter(status=S.SCHEDULED).exists(), key
    assert plan_policy.visible(ctx(chair), "audit").count() == 2

    # the placeholder bookings of the conferences that took place left no trace on the bookings
    for conference in demo_conferences().exclude(starts_at=None):
        assert conference.ends_at > conference.starts_at
    assert not demo_conferences().exclude(late_reason="").exists()


def test_running_twice_duplicates_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    before = snapshot()
    counts = status_counts()

    with django_capture_on_commit_callbacks(execute=True):
        out = load_demo()

    assert snapshot() == before
    assert status_counts() == counts
    assert "Skipped demo conferences" in out


@pytest.mark.django_db(transaction=True)
def test_the_demo_sends_no_email(mailoutbox):
    """Committed for real, so the after-commit sends run inside the load: to nowhere."""
    from conferences.models import InvitationEmail
    from safeguarding.notify.models import Notification

    load_demo()

    assert mailoutbox == []
    assert InvitationEmail.objects.exists() and Notification.objects.filter(email_pending=True).exists()
    assert not InvitationEmail.objects.filter(sent_at=None).exists()  # settled, to nowhere
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


def test_the_demo_chairs_dashboard_lists_the_day(client, django_assert_max_num_queries):
    with freeze_time(LOADED_AT):
        load_demo()
        chair = login("chair")
        client.force_login(chair)
        with django_assert_max_num_queries(15):  # 13 today: one per section, not per row
            response = client.get(reverse("conferences:dashboard"))

    assert response.status_code == 200
    sections = response.context["sections"]
    body = response.content.decode()
    week = sections["week"]["rows"]
    assert len(week) >= 2 and all(c.chair == chair and c.status == S.SCHEDULED for c in week)
    assert len(sections["awaiting"]["rows"]) == 2
    assert len(sections["at_risk"]["rows"]) == 1
    assert len(sections["minutes"]["rows"]) == 1
    assert len(sections["plans"]["rows"]) == 1
    for key in ("week", "awaiting", "at_risk", "minutes"):
        for conference in sections[key]["rows"]:
            assert conference.child.full_name in body, key
    assert sections["plans"]["rows"][0].child.full_name in body


def test_every_demo_login_sees_its_dashboard_and_the_chair_its_conferences(client):
    load_demo()

    for spec in data.LOGINS:
        client.force_login(login(spec.key))
        assert client.get(reverse("conferences:dashboard")).status_code == 200, spec.key
    chair = login("chair")
    client.force_login(chair)
    for conference in demo_conferences().filter(chair=chair):
        assert client.get(reverse("conferences:detail", args=[conference.public_id])).status_code == 200
    for plan in ChildProtectionPlan.objects.all():
        assert client.get(reverse("conferences:plan", args=[plan.public_id])).status_code == 200
