"""Everything names its subject in the browser, nothing by email or calendar (issue 13, section 2; ADR 26 and 5):
deadlines, reminders and notifications name the child (or the LADO case) with a link; a restricted child is named
only to those who may open it; emails and the calendar feed keep carrying no names."""

import datetime

import pytest
from django.urls import reverse

from cases.status import tags_of
from safeguarding.access.context import AccessContext
from safeguarding.clock import ics, reminders, services
from safeguarding.notify.models import Notification, OutboxEmail
from safeguarding.notify.services import notify
from safeguarding.records.subjects import UNKNOWN, name_subjects
from tests.factories import ChildFactory, RestrictedChildFactory
from tests.factories.states import ActivePlanFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def _deadlines(child, social_worker, team):
    soon = services.deadline_open(subject=child, rule_key="icpc", anchor_date=datetime.date(2026, 11, 5),
                                  label="Initial conference", responsible_person=social_worker, responsible_team=team)
    late = services.deadline_open(subject=child, rule_key="core_group_first", anchor_date=datetime.date(2026, 11, 2),
                                  label="First core group", responsible_person=social_worker, responsible_team=team)
    return soon, late


def test_reminders_name_the_child_on_the_page_and_never_in_the_email(social_worker, team, team_manager, client_for):
    child = ChildFactory(legal_first_names="Kacey", legal_surname="Wellbeloved", allocated_social_worker=social_worker)
    _deadlines(child, social_worker, team)
    reminders.sweep(today=TODAY)
    notes = list(Notification.objects.filter(recipient=social_worker))
    assert notes and all(n.subject_id == child.pk for n in notes)
    # the emails (outbox rows) carry no name, as before (ADR 5)
    emails = list(OutboxEmail.objects.filter(recipient=social_worker))
    assert emails
    for email in emails:
        assert "Wellbeloved" not in email.subject + email.body and "Kacey" not in email.subject + email.body
    # the page names the child, linked to the child's page
    html = client_for(social_worker).get(reverse("notify:list")).content.decode()
    child_url = reverse("cases:child_detail", args=[child.public_id])
    assert f'About <a class="govuk-link" href="{child_url}">Kacey Wellbeloved</a>' in html


def test_my_deadlines_and_a_deadline_page_name_the_child(social_worker, team, client_for):
    child = ChildFactory(legal_first_names="Rowan", legal_surname="Ashdown", allocated_social_worker=social_worker)
    soon, _late = _deadlines(child, social_worker, team)
    client = client_for(social_worker)
    child_url = reverse("cases:child_detail", args=[child.public_id])
    listing = client.get(reverse("clock:my_deadlines")).content.decode()
    assert listing.count(f'href="{child_url}">Rowan Ashdown</a>') == 2  # two deadlines, each naming the child
    page = client.get(reverse("clock:deadline_detail", args=[soon.public_id])).content.decode()
    assert f'For <a class="govuk-link" href="{child_url}">Rowan Ashdown</a>' in page


def test_the_calendar_feed_keeps_carrying_no_names(social_worker, team):
    child = ChildFactory(legal_first_names="Rowan", legal_surname="Ashdown", allocated_social_worker=social_worker)
    _deadlines(child, social_worker, team)
    body = ics.deadlines_calendar(deadlines=ics.person_open_deadlines(social_worker), page_url=lambda d: "/x",
                                  user=social_worker).decode()
    assert "Ashdown" not in body and "Rowan" not in body
    assert child.local_child_id in body


def test_a_restricted_child_is_named_only_to_someone_who_may_open_it(la, social_worker, team):
    hidden = RestrictedChildFactory(local_authority=la)
    plan = ActivePlanFactory(child=ChildFactory(local_authority=la, legal_surname="Openshaw",
                                                allocated_social_worker=social_worker, allocated_team=team))
    from django.contrib.contenttypes.models import ContentType

    child_ct = ContentType.objects.get(app_label="cases", model="child")
    plan_ct = ContentType.objects.get(app_label="conferences", model="childprotectionplan")
    ctx = AccessContext.for_user(social_worker)
    names = name_subjects(ctx, [(child_ct.pk, hidden.pk), (plan_ct.pk, plan.pk), (plan_ct.pk, 10**9)])
    assert names[(child_ct.pk, hidden.pk)].text == "Restricted record"
    assert hidden.legal_surname not in names[(child_ct.pk, hidden.pk)].text
    assert names[(plan_ct.pk, plan.pk)].text.endswith("Openshaw")
    assert names[(plan_ct.pk, 10**9)] is UNKNOWN


def test_notify_about_a_record_names_it_on_the_page_only(social_worker, client_for):
    plan = ActivePlanFactory(child=ChildFactory(legal_first_names="Ada", legal_surname="Quennell",
                                                allocated_social_worker=social_worker))
    notify(recipient=social_worker, subject="A plan changed", body="Reference only.", url="/", about=plan)
    email = OutboxEmail.objects.get(recipient=social_worker)
    assert "Quennell" not in email.subject + email.body
    assert "Ada Quennell</a>" in client_for(social_worker).get(reverse("notify:list")).content.decode()


def test_a_child_on_a_plan_shows_its_status_next_to_the_name(social_worker, client_for):
    plan = ActivePlanFactory(child=ChildFactory(allocated_social_worker=social_worker))
    html = client_for(social_worker).get(reverse("cases:child_detail", args=[plan.child.public_id])).content.decode()
    category = plan.get_latest_category_display()
    assert f"Child protection plan since {plan.started_on:%-d %B %Y} ({category})" in html


def test_an_open_child_with_no_plan_and_not_looked_after_is_a_child_in_need():
    assert tags_of({}) == [("Child in need", "blue")]
    assert tags_of({}, child_status="closed") == []
