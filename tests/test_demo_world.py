"""The demo world (`manage.py load_demo` at its default size), loaded once and shared by the demo's tests that
take it as loaded: moved here from tests/test_demo.py and tests/test_demo_conferences.py, which keep the
tests that need an empty database, another size, real commits or a changed loader.

The world is loaded with the clock frozen at LOADED_AT (a Monday, 8:30) and every test runs with the
clock frozen there too, so "today" is the day the demo was loaded, as when each test loaded its own.
Each test runs in a savepoint: one that changes the world (loading it again, editing a child) changes
it for itself only. The tests stay on one xdist worker (``--dist loadgroup``), so it is loaded once.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cases.identifiers import validate_nhs_number, validate_upn
from cases.models import Child, ChildAddress, ChronologyEntry, Involvement, Relationship
from cases.policies import child_policy
from cases.services import child_update, duplicate_candidates
from conferences import selectors
from conferences.models import ChildProtectionPlan, Invitation, Minutes
from conferences.policies import conference_policy, plan_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, User
from safeguarding.clock import workdays
from safeguarding.clock.models import Deadline
from safeguarding.demo import data
from safeguarding.demo import reviews as demo_reviews
from tests.factories.worlds import shared_world
from tests.test_demo import counts, demo_children, load_demo, login
from tests.test_demo_conferences import LOADED_AT, S, deadline_of, demo_conferences, snapshot, status_counts

N = data.DEFAULT_CHILDREN

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_world"), pytest.mark.usefixtures("demo", "frozen")]


@dataclass(frozen=True)
class Demo:
    output: str  # what load_demo printed


def load_the_demo() -> Demo:
    """The demo at its default size (as `make run` loads it), loaded at LOADED_AT."""
    with freeze_time(LOADED_AT):
        return Demo(output=load_demo())


demo = shared_world(load_the_demo, name="demo")


@pytest.fixture
def frozen():
    with freeze_time(LOADED_AT):
        yield


# --- from tests/test_demo.py ------------------------------------------------------------------------------


def test_creates_the_agencies_and_one_login_for_each_role():
    la = Agency.objects.get(name=data.LA.name)
    assert la.kind == AgencyKind.LOCAL_AUTHORITY and la.statutory_partner
    assert set(Agency.objects.filter(statutory_partner=True).values_list("kind", flat=True)) == {
        AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH}
    assert Agency.objects.filter(kind=AgencyKind.EDUCATION).count() == 6
    assert Agency.objects.filter(kind=AgencyKind.PROBATION).exists()
    assert Agency.objects.filter(kind=AgencyKind.VOLUNTARY).exists()
    assert {"Assessment Team", "Child in Need Team", "Child Protection Team", "Children in Care Team",
            "Safeguarding & Quality Assurance Unit"} <= set(la.teams.values_list("name", flat=True))

    for role in set(Role) - {Role.API_CLIENT}:
        assert Membership.objects.filter(user__email__endswith=f"@{data.EMAIL_DOMAIN}",
                                         roles__contains=[role]).exists(), role
    for spec in data.LOGINS:
        user = login(spec.key)
        membership = user.memberships.get()
        # the second conference chair is an IRO as well (safeguarding/demo/reviews.py)
        assert membership.roles == [spec.role, *([Role.IRO] if spec.key == demo_reviews.SECOND_IRO else [])]
        assert membership.agency.name == data.AGENCY_BY_KEY[spec.agency].name
        assert user.check_password(data.DEMO_PASSWORD)
        assert user.is_staff == user.is_superuser == spec.admin
    partner_kinds = {login(key).memberships.get().agency.kind for key in data.PARTNER_LOGINS}
    assert partner_kinds == {AgencyKind.POLICE, AgencyKind.EDUCATION, AgencyKind.HEALTH}
    assert login("admin").is_superuser

    assert demo_children().count() == N



def test_children_are_valid_and_in_varied_states():
    children = list(demo_children())
    today = timezone.localdate()

    for child in children:
        if child.nhs_number:
            assert validate_nhs_number(child.nhs_number) == child.nhs_number
        if child.upn:
            assert validate_upn(child.upn) == child.upn
        if child.date_of_birth:
            assert today - timedelta(days=18 * 366) < child.date_of_birth <= today
        else:
            assert child.expected_date_of_birth > today and not child.nhs_number and not child.upn
    assert sum(bool(c.nhs_number) for c in children) >= N * 0.7
    assert any(c.upn for c in children)
    assert any(c.is_unborn for c in children)

    restricted = [c for c in children if c.restricted]
    assert 2 <= len(restricted) <= 3
    for child in restricted:
        assert login("service_manager") in child.named_people.all()
    assert sum(c.status == Child.Status.CLOSED for c in children) == 2
    assert any(c.allocated_social_worker_id is None for c in children)
    assert any(c.allocated_social_worker == login("social_worker") for c in children)
    assert Involvement.objects.filter(end_date__isnull=False).exists()
    significances = set(ChronologyEntry.objects.values_list("significance", flat=True))
    assert significances == set(ChronologyEntry.Significance.values)
    assert Relationship.objects.filter(child__in=children).exists()
    assert ChildAddress.objects.filter(child__in=children, end_date__isnull=True).count() == N
    # a social worker's caseload as in life, and someone unallocated for the team manager
    caseload = demo_children().filter(allocated_social_worker=login("social_worker")).count()
    assert 10 <= caseload <= 20
    assert demo_children().filter(allocated_social_worker__isnull=True, status=Child.Status.OPEN).exists()



def test_partner_practitioners_and_the_social_worker_see_children():
    for key in data.PARTNER_LOGINS:
        user = login(key)
        visible = child_policy.visible(AccessContext.for_user(user))
        assert visible.exists(), key
        agency = user.memberships.get().agency
        for child in visible:
            assert child.involvements.filter(agency=agency, end_date__isnull=True).exists()

    social_worker = login("social_worker")
    visible = child_policy.visible(AccessContext.for_user(social_worker))
    assert visible.filter(allocated_social_worker=social_worker).exists()
    assert visible.filter(restricted=True).exists()  # the one naming them
    service_manager = child_policy.visible(AccessContext.for_user(login("service_manager")))
    assert service_manager.count() == N  # named on every restricted record



def test_near_duplicates_can_be_found():
    kaydan = demo_children().get(legal_first_names="Kaydan")
    visible = child_policy.visible(AccessContext.for_user(login("service_manager")))

    candidates = duplicate_candidates(visible_children=visible, exclude_pk=kaydan.pk, data={
        "legal_first_names": kaydan.legal_first_names, "legal_surname": kaydan.legal_surname,
        "date_of_birth": kaydan.date_of_birth})

    assert [c.child.legal_first_names.split()[0] for c in candidates] == ["Kayden"]
    assert "day and month of birth transposed" in candidates[0].reasons



def test_running_twice_keeps_changes_and_duplicates_nothing():
    child = demo_children().filter(date_of_birth__isnull=False).order_by("pk").first()
    social_worker = login("social_worker")
    child_update(child=child, actor=social_worker, reason="Known by a nickname",
                 changes={"preferred_name": "Ziggy"})
    social_worker.set_password("a-new-password-of-my-own")
    social_worker.full_name = "Sam Patel-Jones"
    social_worker.save()
    police = Agency.objects.get(name="Northmoor Constabulary")
    police.name = "Northmoor Police Service"
    police.save()
    before, conferences_before, statuses = counts(), snapshot(), status_counts()

    out = load_demo("--children", "50")

    assert counts() == before
    assert snapshot() == conferences_before and status_counts() == statuses
    assert "Skipped generating children" in out and "Skipped demo conferences" in out
    child.refresh_from_db()
    assert child.preferred_name == "Ziggy"
    social_worker.refresh_from_db()
    assert social_worker.check_password("a-new-password-of-my-own")
    assert social_worker.full_name == "Sam Patel-Jones"
    assert not Agency.objects.filter(name="Northmoor Constabulary").exists()  # found again by its public id



def test_print_logins_lists_every_role_and_changes_nothing():
    before = counts()

    out = load_demo("--print-logins")

    assert counts() == before
    lines = out.strip().splitlines()
    assert lines[0].split() == ["Role", "Email", "Password"]
    assert len(lines) == 2 + len(data.LOGINS)
    for spec in data.LOGINS:
        assert any(spec.label in line and spec.email in line and data.DEMO_PASSWORD in line for line in lines)
    for role in set(Role) - {Role.API_CLIENT}:
        assert role.label in out



def test_load_output_documents_the_password(demo):
    out = demo.output

    assert data.DEMO_PASSWORD in out
    assert data.LOGIN_BY_KEY["social_worker"].email in out
    assert f"{N} children" in out


# --- from tests/test_demo_conferences.py ----------------------------------------------------------------


def test_two_chairs_and_an_administrator_in_the_demo_council_are_listed_with_the_logins(demo):
    out = demo.output

    la = Agency.objects.get(name=data.LA.name)
    chairs = User.objects.filter(memberships__agency=la, memberships__roles__contains=[Role.CONFERENCE_CHAIR])
    admins = User.objects.filter(memberships__agency=la, memberships__roles__contains=[Role.ADMINISTRATOR])
    assert chairs.count() >= 2 and admins.count() >= 1
    for key in ("chair", "chair2", "admin"):
        assert data.LOGIN_BY_KEY[key].email in out
        assert login(key).check_password(data.DEMO_PASSWORD)



def test_the_chairs_day_is_built_through_the_services():
    today = timezone.localdate()  # LOADED_AT's day: the clock is frozen there
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



def test_the_demo_chairs_dashboard_lists_the_day(client, django_assert_max_num_queries):
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
    for spec in data.LOGINS:
        client.force_login(login(spec.key))
        assert client.get(reverse("conferences:dashboard")).status_code == 200, spec.key
    chair = login("chair")
    client.force_login(chair)
    for conference in demo_conferences().filter(chair=chair):
        assert client.get(reverse("conferences:detail", args=[conference.public_id])).status_code == 200
    for plan in ChildProtectionPlan.objects.all():
        assert client.get(reverse("conferences:plan", args=[plan.public_id])).status_code == 200



# --- looked-after children (safeguarding/demo/reviews.py) --------------------------------------------------


def test_the_iro_service_is_built_through_the_services(demo):
    """The demo at its default size has the six states: decisions overdue (the second IRO, a conference chair
    too), a record signed and ratified, a child awaiting an IRO, an early review after a move, a child allocated
    and awaiting the first review, an ended period."""
    from reviews import selectors as review_selectors
    from reviews.models import LookedAfterEpisode, Review, ReviewDecision, ReviewRecord
    from reviews.policies import decision_policy, episode_policy

    la = Agency.objects.get(name=data.LA.name)
    assert LookedAfterEpisode.objects.filter(child__local_authority=la).count() == 6
    assert LookedAfterEpisode.objects.filter(child__local_authority=la, end_date__isnull=False).count() == 1
    manager = User.objects.get(email=demo_reviews.IRO_MANAGER.email)
    assert manager.check_password(data.DEMO_PASSWORD)
    waiting = review_selectors.awaiting_iro(episode_policy.visible(AccessContext.for_user(manager), "list_service"))
    assert waiting.count() == 1
    # each officer's whole footprint: the second chair's conferences and looked-after child count together
    rows = {r.officer.email: r for r in review_selectors.caseload(local_authority_id=la.pk)}
    second = rows[data.LOGIN_BY_KEY[demo_reviews.SECOND_IRO].email]
    assert (second.looked_after, second.child_protection) == (1, 2)
    assert rows[data.LOGIN_BY_KEY["iro"].email].looked_after == 3  # the ended period no longer counts
    today = timezone.localdate()
    assert ReviewDecision.objects.filter(status="open", due_date__lt=today).count() == 3
    police = AccessContext.for_user(login("police"))
    assert decision_policy.visible(police, "complete").filter(due_date__lt=today).count() == 1
    assert list(ReviewRecord.objects.order_by("ratification").values_list("ratification", flat=True)) == [
        "", "ratified"]
    assert Review.objects.filter(early_trigger="placement_change", status="scheduled").count() == 1
    assert demo_reviews.IRO_MANAGER.email in demo.output  # the IRO manager's login is printed with the load



def test_the_lado_service_is_built_through_the_services(demo):
    """The demo LADO service: the manager's login printed with the load; portal referrers from a sports club and
    a nursery and the demo school's DSL (a partner user); a referral in every state (two awaiting evaluation, one
    of them late with its reason and one raising the repeat-allegation alert, one open with this week's meeting
    and the police invited, three closed with their outcomes); a consultation. Loading it again makes nothing."""
    from lado.models import Consultation, IndexMatch, LadoCase, Meeting, Outcome, Referral
    from lado.policies import case_policy
    from safeguarding.demo import lado as demo_lado

    la = Agency.objects.get(name=data.LA.name)
    manager = User.objects.get(email=demo_lado.LADO_MANAGER.email)
    assert manager.check_password(data.DEMO_PASSWORD) and demo_lado.LADO_MANAGER.email in demo.output
    referrals = Referral.objects.filter(local_authority=la)
    assert set(referrals.values_list("sector", flat=True)) == {"sports", "early_years", "school"}
    assert referrals.filter(referred_by=login("school")).count() == 2
    assert referrals.exclude(late_reason="").get().late_reason == demo_lado.LATE_REASON
    assert sorted(LadoCase.objects.filter(local_authority=la).values_list("status", flat=True)) == [
        "closed", "closed", "closed", "new", "new", "open"]
    assert sorted(Outcome.objects.values_list("category", flat=True)) == ["malicious", "substantiated",
                                                                         "unsubstantiated"]
    repeat = IndexMatch.objects.get()  # the swimming coach's second referral matches his first
    assert repeat.referral.case.status == "new" and repeat.entry.surname == "Whitlock"
    week = timezone.localdate() + timedelta(days=6 - timezone.localdate().weekday())
    meeting = Meeting.objects.get(status="booked")
    assert timezone.localdate() <= timezone.localdate(meeting.starts_at) < week
    police = AccessContext.for_user(login("police"))
    assert list(case_policy.visible(police)) == [meeting.case]
    assert Consultation.objects.filter(local_authority=la, low_level_concern=True).count() == 1
    again = demo_lado.load(la=la, teams={}, logins={}, say=lambda _: None)
    assert not again and referrals.count() == 6


def test_the_rapid_review_is_built_through_the_services_with_one_agency_late(demo, client):
    """The demo rapid review (issue 12): today Working Day 8 of the plan, the police and the school returned on
    Working Day 6, the health trust late; the meeting due tomorrow. Loading it again makes nothing."""
    from partnership.models import AgencyRequest, RapidReview
    from safeguarding.demo import rapid_review as demo_rapid_review

    review = RapidReview.objects.get()
    today = timezone.localdate()
    assert workdays.add_working_days(review.working_day_1, 7) == today   # today is Working Day 8
    requests = {r.agency.name: r for r in AgencyRequest.objects.filter(rapid_review=review).select_related("agency")}
    assert requests["Northmoor Community Health NHS Trust"].returned_on is None
    assert {r.returned_on for name, r in requests.items() if "Trust" not in name} == {
        workdays.add_working_days(review.working_day_1, 5)}
    steps = {d.rule_key: d for d in Deadline.objects.filter(subject_id=review.pk, rule_key__startswith="rapid_review")}
    assert steps["rapid_review_information_returned"].due_date < today and steps[
        "rapid_review_information_returned"].met_on is None
    assert steps["rapid_review_meeting"].due_date == workdays.add_working_days(today, 1)
    client.force_login(login("business_unit"))
    page = client.get(f"/partnership/rapid-reviews/{review.public_id}/").content.decode()
    assert "Late</strong>: information form not returned" in page and page.count("Late</strong>: information") == 1
    assert not demo_rapid_review.load(agencies={}, teams={}, logins={"police": login("police"),
                                                                     "business_unit": login("business_unit")},
                                      say=lambda _: None)


def test_the_demo_dates_are_in_order_and_its_bookings_plausible():
    """Issue 13: nothing in the demo is signed after it was sent, held before it was asked for or dated
    after today; what is booked ahead is on a working day, in office hours, within months, not years."""
    from conferences.models import Conference, Distribution
    from reviews.models import Review, ReviewRecord

    now, today = timezone.now(), timezone.localdate()
    problems = []
    for d in Distribution.objects.live().select_related("document__minutes", "document__conference"):
        minutes, conference = d.document.minutes, d.document.conference
        if minutes is not None and timezone.localdate(minutes.signed_at) > d.sent_on:
            problems.append(f"minutes v{minutes.version} of {conference.pk} signed after they were sent ({d})")
        if conference.held_on and d.sent_on < conference.held_on:
            problems.append(f"{d} sent before the conference was held ({conference.held_on})")
        if d.sent_on > today:
            problems.append(f"{d} sent in the future")
    for m in Minutes.objects.live().filter(signed_at__isnull=False).select_related("conference"):
        if timezone.localdate(m.signed_at) < m.conference.held_on or m.signed_at > now:
            problems.append(f"minutes of {m.conference.pk} signed on {m.signed_at:%Y-%m-%d}, "
                            f"held {m.conference.held_on}")
    for c in Conference.objects.live():
        if c.held_on and (c.held_on > today or c.held_on < timezone.localdate(c.requested_at)):
            problems.append(f"conference {c.pk} held on {c.held_on}, requested {c.requested_at:%Y-%m-%d}")
        if c.status == Conference.Status.SCHEDULED and c.starts_at and c.starts_at > now:
            start = timezone.localtime(c.starts_at)
            if (not workdays.is_working_day(start.date()) or not 9 <= start.hour < 17
                    or start.date() > today + timedelta(days=120) or c.requested_at > now):
                problems.append(f"conference {c.pk} booked for {start:%a %Y-%m-%d %H:%M}")
    for r in ReviewRecord.objects.filter(review__held_on__isnull=False).select_related("review"):
        held = r.review.held_on
        if r.decisions_circulated_on and not held <= r.decisions_circulated_on <= today:
            problems.append(f"review {r.review_id} held {held}, decisions circulated {r.decisions_circulated_on}")
        if r.signed_at and not held <= timezone.localdate(r.signed_at) <= today:
            problems.append(f"review {r.review_id} held {held}, record signed {r.signed_at:%Y-%m-%d}")
    for review in Review.objects.live().filter(status="scheduled", planned_for__gte=today):
        if not workdays.is_working_day(review.planned_for) or review.planned_for > today + timedelta(days=210):
            problems.append(f"review {review.pk} booked for {review.planned_for:%a %Y-%m-%d}")
    assert not problems, "\n".join(problems[:30])
def test_the_escalation_register_has_one_at_each_stage(demo, client):
    """The demo register (ADR 25): a professional difference at each stage of the protocol and one closed, built
    through the services; the business unit's register lists them; the police delegate sees the one at
    arbitration. Loading it again makes nothing."""
    from partnership.models import Escalation
    from partnership.policies import escalation_policy
    from safeguarding.demo import escalations as demo_escalations

    rows = Escalation.objects.filter(route="professional_difference")
    assert sorted((e.stage_key, e.outcome) for e in rows) == [
        ("escalation_arbitration", ""), ("escalation_managers", ""), ("escalation_practitioners", ""),
        ("escalation_practitioners", "resolved_agreed"), ("escalation_senior_managers", "")]
    assert rows.get(stage_key="escalation_senior_managers").meeting_requested_on is not None
    police = AccessContext.for_user(login("police"))
    assert escalation_policy.visible(police).filter(stage_key="escalation_arbitration").exists()
    client.force_login(login("business_unit"))
    body = client.get("/partnership/escalations/register/").content.decode()
    assert all(f"/partnership/escalations/{e.public_id}/" in body for e in Escalation.objects.all())
    la = Agency.objects.get(name=data.LA.name)
    logins = {key: login(key) for key in ("police", "school", "health", "business_unit")}
    assert not demo_escalations.load(la=la, teams={}, logins=logins, say=lambda _: None)




# --- the statutory returns of the demo (ADR 27) -------------------------------------------------------------


def test_the_demos_returns_pass_the_dfe_validators():
    """The CIN census and the SSDA903 return of the demo's collection year, run through the community's DfE
    validators (csc-validator-be-cin, csc-validator-be-903, real, in .venv-validators): no errors."""
    from returns import cin_census, ssda903, validation
    from returns.years import CollectionYear

    la = Agency.objects.get(name=data.LA.name)
    year = CollectionYear.containing(timezone.localdate()).year
    census = cin_census.build(local_authority_id=la.pk, year=year)
    ret = ssda903.build(local_authority_id=la.pk, year=year)
    assert census.children and ret.periods
    # every child in the census is in need (an episode with its referral), and the periods carry real postcodes
    assert all(c.episodes for c in census.children)
    errors = [*validation.validate_cin_census(census).errors, *validation.validate_ssda903(ret).errors]
    assert [(i.rule, i.child, i.table, i.fields, i.message) for i in errors] == []


# The home pages of every demo login (issue 13; tests/home/demo_home_checks.py), on this module's demo world:
# collected here so that the demo is loaded once.
from tests.home.demo_home_checks import *  # noqa: E402, F403
