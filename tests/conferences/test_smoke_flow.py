"""A quick end-to-end pass through the services: request, book, invite, report, hold, decide."""

from datetime import date

import pytest
from django.core import mail
from freezegun import freeze_time

from conferences import selectors, services
from conferences.models import Conference
from conferences.policies import conference_policy
from safeguarding.clock import rules as clock_rules
from safeguarding.clock.models import Deadline
from tests.conferences import story


@pytest.mark.django_db(transaction=False)
def test_flow(la, team, social_worker, chair, police, health, school, ctx, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time("2026-03-02 09:00"):
        child, mother, people = story.child_with_family(la=la, social_worker=social_worker, team=team, police=police,
                                                        health=health, school=school,
                                                        date_of_birth=date(2020, 5, 1))
        conf = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
        d = Deadline.objects.get(rule_key="icpc")
        assert d.due_date == date(2026, 3, 23)
        suggestions = selectors.chair_suggestions(conference=conf)
        assert [s.chair for s in suggestions] == [chair]
        conf = story.book(conference=conf, chair=chair, actor=chair, day=date(2026, 3, 20))
        invs = story.invite_everyone(conference=conf, actor=chair)
        assert len(invs) == 5  # mother, social worker, three agencies
        assert Deadline.objects.filter(rule_key="conference_reports").count() == 4
        for p in people.values():
            agency = p.memberships.first().agency
            services.report_submit(actor=p, conference=conf, agency=agency, summary="Seen weekly")
    assert conference_policy.can(ctx(chair), "decide", conf)
    assert not conference_policy.can(ctx(social_worker), "decide", conf)
    with freeze_time("2026-03-20 13:00"):
        conf = story.hold(conference=conf, chair=chair, held_on=date(2026, 3, 20))
        assert conf.quorate
        story.decide_plan(conference=conf, chair=chair, lead_social_worker=social_worker)
    conf = Conference.objects.get(pk=conf.pk)
    assert conf.status == "decided" and conf.plan.latest_category == "NEG"
    keys = set(Deadline.objects.filter(status="open").values_list("rule_key", flat=True))
    assert {"core_group_first", "rcpc_first", "outline_plan", "conference_minutes"} <= keys
    assert Deadline.objects.get(rule_key="icpc").status == "met_on_time"
    # every deadline is labelled with its clock rule's title (one table of titles: safeguarding/clock/rules.py)
    labels = set(Deadline.objects.values_list("rule_key", "label"))
    assert {key for key, _ in labels} == {"icpc", "conference_reports", "parents_report_share", "outline_plan",
                                          "conference_minutes", "core_group_first", "rcpc_first"}
    assert labels == {(key, clock_rules.get(key).title) for key, _ in labels}
    assert ("icpc", "Initial child protection conference") in labels  # the title, not the description ("... held")
    assert conf.minutes.get().status == "draft"
    from conferences.invitations import send_pending

    assert send_pending() == 5  # on commit in real life; the test's transaction never commits
    assert len(mail.outbox) == 5
    assert any(a[2].startswith("text/calendar") for m in mail.outbox for a in m.attachments)
