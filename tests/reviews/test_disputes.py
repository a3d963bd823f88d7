"""The IRO's dispute resolution (issue 10, section 3; ADR 14): an informal alert (``iro_alert_response``, 10
working days), then the formal stages up to the director (``iro_dispute_resolution`` per stage, 20 working
days), an answer at each, stages skipped with a reason, a referral to Cafcass at any point, the outcome; and the
IRO manager's register, at a fixed number of statements.

Counted by hand (2026): Jade's IRO raises an alert on Monday 16 March, answer due Monday 30 March. No answer: on
Tuesday 31 March it goes to stage 1, due 20 working days later (Good Friday and Easter Monday skipped) on
Thursday 30 April. The team manager answers on 20 April; on Tuesday 21 April it goes to stage 2, due (the early
May bank holiday skipped) on Wednesday 20 May. The service manager's answer puts it right on 5 May.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from reviews import services
from reviews.models import Dispute, DisputeStage
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, make_user
from tests.factories.reviews import RaisedDisputeFactory, qa_judgements

from . import between_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_disputes")]  # one world
globals().update(between_world.fixtures())  # world, la, team, social_worker, ... child, episode

MON_2_MAR, MON_16_MAR = date(2026, 3, 2), date(2026, 3, 16)
D = date


@pytest.fixture
def clock():
    with freeze_time("2026-03-16 10:00") as frozen:
        yield frozen


def alert(episode, iro, social_worker) -> Dispute:
    """The IRO's informal alert to Jade's social worker on Monday 16 March (care planning drift)."""
    return services.dispute_raise(actor=iro, episode=episode, category="drift", raised_with=social_worker,
                                  concern="The care plan has drifted.", wanted="A permanence plan by the review.")


def stage_deadlines(dispute):
    ct = ContentType.objects.get_for_model(DisputeStage)
    stages = {s.pk: s.number for s in DisputeStage.objects.filter(dispute=dispute)}
    return {(stages[d.subject_id], d.rule_key, d.due_date, d.status)
            for d in Deadline.objects.filter(subject_type=ct, subject_id__in=stages)}


def test_a_dispute_raised_and_resolved_at_stage_2(clock, episode, iro, social_worker, team_manager, manager):
    dispute = services.dispute_raise(actor=iro, episode=episode, category="permanence", raised_with=team_manager,
                                     concern="No permanence plan after two months.", wanted="A plan by the review.")
    assert (dispute.stage, dispute.raised_on, dispute.is_open) == (0, MON_16_MAR, True)
    assert stage_deadlines(dispute) == {(0, "iro_alert_response", D(2026, 3, 30), "open")}
    told = Notification.objects.filter(subject="The IRO has raised a concern about a care plan")
    assert {n.recipient for n in told} == {social_worker, team_manager}
    assert all("LC-JADE" in n.body and "Holloway" not in n.body for n in told)
    # no answer to the alert: stage 1, with the team manager
    clock.move_to("2026-03-31 09:00")
    services.dispute_escalate(actor=iro, dispute=dispute, to_stage=1, raised_with=team_manager)
    assert stage_deadlines(dispute) == {(0, "iro_alert_response", D(2026, 3, 30), "cancelled"),
                                        (1, "iro_dispute_resolution", D(2026, 4, 30), "open")}
    clock.move_to("2026-04-20 09:00")
    answer = services.dispute_answer(actor=team_manager, dispute=dispute, response="We do not agree: it is early.")
    assert (answer.number, answer.responder_name, answer.responded_on) == (1, team_manager.full_name, D(2026, 4, 20))
    assert Notification.objects.filter(recipient=iro, subject="An answer to an IRO dispute").exists()
    # stage 2, with the service manager (named in words): the IRO records the answer they were given
    clock.move_to("2026-04-21 09:00")
    services.dispute_escalate(actor=iro, dispute=dispute, to_stage=2, raised_with_name="Sian Service, service manager")
    assert (2, "iro_dispute_resolution", D(2026, 5, 20), "open") in stage_deadlines(dispute)
    clock.move_to("2026-05-06 09:00")
    with pytest.raises(ValidationError) as exc:
        services.dispute_answer(actor=iro, dispute=dispute, response="A permanence planning meeting is booked.")
    assert "responder_name" in exc.value.message_dict  # the IRO says who answered
    services.dispute_answer(actor=iro, dispute=dispute, response="A permanence planning meeting is booked.",
                            responder_name="Sian Service, service manager", responded_on=D(2026, 5, 5))
    closed = services.dispute_close(actor=iro, dispute=dispute, outcome="resolved", note="Plan agreed on 5 May.")
    assert (closed.outcome, closed.closed_on, closed.stage) == ("resolved", D(2026, 5, 6), 2)
    assert {(n, s) for n, _r, _d, s in stage_deadlines(dispute)} == {(0, "cancelled"), (1, "met_on_time"),
                                                                     (2, "met_on_time")}
    assert [e.code for e in CaseEvent.objects.filter(subject_id=dispute.pk, code__startswith="lac.dispute")
            .order_by("id")] == ["lac.dispute_raised", "lac.dispute_escalated", "lac.dispute_answered",
                                 "lac.dispute_escalated", "lac.dispute_answered", "lac.dispute_closed"]
    # closing it again the same way changes nothing; anything else is refused
    assert services.dispute_close(actor=iro, dispute=dispute, outcome="resolved", note="Plan agreed on 5 May.") \
        == closed
    with pytest.raises(ValidationError, match="closed on 6 May 2026"):
        services.dispute_escalate(actor=iro, dispute=dispute, to_stage=3, raised_with_name="Head of service")


def test_stages_may_be_skipped_with_a_reason_and_cafcass_referred_at_any_point(clock, episode, iro, social_worker,
                                                                              manager):
    with pytest.raises(ValidationError) as exc:
        services.dispute_raise(actor=iro, episode=episode, category="drift", concern="Drift", wanted="A plan",
                               raised_with_name="Head of service", stage=3)
    assert "skip_reason" in exc.value.message_dict
    dispute = services.dispute_raise(actor=iro, episode=episode, category="drift", concern="Drift", wanted="A plan",
                                     raised_with_name="Hal Head, head of service", stage=3,
                                     skip_reason="The child's human rights are at risk")
    rows = list(DisputeStage.objects.filter(dispute=dispute).order_by("number"))
    assert [(r.number, r.skipped) for r in rows] == [(0, True), (1, True), (2, True), (3, False)]
    assert rows[0].skipped_reason == "The child's human rights are at risk"
    with pytest.raises(ValidationError, match="Record the referral to Cafcass first"):
        services.dispute_close(actor=iro, dispute=dispute, outcome="cafcass", note="Referred")
    with pytest.raises(ValidationError) as exc:
        services.dispute_escalate(actor=iro, dispute=dispute, to_stage=2, raised_with_name="Someone")
    assert "to_stage" in exc.value.message_dict
    referred = services.dispute_refer_to_cafcass(actor=iro, dispute=dispute, referred_on=MON_16_MAR,
                                                 reason="Reg 45: no plan")
    assert referred.cafcass_referred_on == MON_16_MAR
    assert Notification.objects.filter(recipient=manager, subject__contains="Cafcass").exists()
    assert services.dispute_refer_to_cafcass(actor=iro, dispute=dispute, referred_on=MON_16_MAR,
                                             reason="Reg 45: no plan") == referred
    closed = services.dispute_close(actor=iro, dispute=dispute, outcome="cafcass", note="With Cafcass now")
    assert closed.get_outcome_display() == "Referred to Cafcass"
    assert Deadline.objects.get(rule_key="iro_dispute_resolution").status == "cancelled"


def test_who_may_move_and_answer_a_dispute(clock, la, episode, iro, social_worker, team_manager, colleague, manager):
    dispute = alert(episode, iro, social_worker)
    for someone in (social_worker, team_manager, manager, colleague):
        with pytest.raises(ValidationError, match="You cannot move this dispute on"):
            services.dispute_escalate(actor=someone, dispute=dispute, to_stage=1, raised_with_name="TM")
    for someone in (colleague, manager, make_user(la, Role.IRO)):
        with pytest.raises(ValidationError, match="You cannot answer this dispute"):
            services.dispute_answer(actor=someone, dispute=dispute, response="No")
    # a stage is raised with the child's social worker or their team manager by account, or anyone in words
    with pytest.raises(ValidationError) as exc:
        services.dispute_escalate(actor=iro, dispute=dispute, to_stage=1, raised_with=colleague)
    assert "raised_with" in exc.value.message_dict
    answered = services.dispute_answer(actor=social_worker, dispute=dispute, response="We will write it.")
    assert (answered.number, answered.responder_name) == (0, social_worker.full_name)
    assert services.dispute_answer(actor=social_worker, dispute=dispute, response="We will write it.") == answered
    with pytest.raises(ValidationError, match="was answered on"):
        services.dispute_answer(actor=team_manager, dispute=dispute, response="Something else")


# --- the pages ----------------------------------------------------------------------------------------------------
def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def count(c, url):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(url)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_register_lists_stage_age_and_outcome_at_a_fixed_statement_count(client_for, clock, la, team, iro,
                                                                           manager, social_worker):
    def raised(i, on):
        kid = ChildFactory(local_authority=la, allocated_team=team, allocated_social_worker=social_worker,
                           legal_first_names=f"Unit{i}", legal_surname="Testchild", date_of_birth=date(2016, 1, 1))
        return RaisedDisputeFactory(child=kid, start_date=MON_2_MAR, iro_manager=manager, iro=iro,
                                    allocated_on=MON_2_MAR, raised_on=on)

    first = raised(0, date(2026, 3, 9))
    c = client_for(manager)
    c.get("/reviews/disputes/")
    small, small_sql, resp = count(c, "/reviews/disputes/")
    row = text(resp).split("Unit0 Testchild")[1].split("</tr>")[0]
    assert "Informal alert" in row and "waiting for an answer since 9 Mar 2026" in row
    assert re.search(r">7</td>", row)  # 9 to 16 March: 7 days
    assert f'href="/reviews/disputes/{first.public_id}/"' in text(resp)
    second = raised(1, date(2026, 3, 10))
    raised(2, date(2026, 3, 11))
    services.dispute_escalate(actor=iro, dispute=second, to_stage=1, raised_with_name="Tess Manager")
    large, large_sql, resp = count(c, "/reviews/disputes/")
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 10, "\n".join(small_sql)
    assert text(resp).index("Unit0") < text(resp).index("Unit1") < text(resp).index("Unit2")  # the oldest first
    services.dispute_close(actor=iro, dispute=first, outcome="withdrawn", note="Put right")
    closed = text(c.get("/reviews/disputes/?show=closed"))
    assert "Unit0" in closed and "Withdrawn by the IRO" in closed and "Unit1" not in closed
    assert "Unit0" not in text(c.get("/reviews/disputes/"))
    for someone in (iro, social_worker):
        assert client_for(someone).get("/reviews/disputes/").status_code == 404


def test_the_dispute_page_offers_each_person_their_steps(client_for, clock, episode, iro, manager, social_worker,
                                                         colleague):
    dispute = alert(episode, iro, social_worker)
    url = f"/reviews/disputes/{dispute.public_id}/"
    page = text(client_for(iro).get(url))
    assert "Jade Holloway" in page and "Record the answer" in page and "Take it to a formal stage" in page
    assert "Refer the child&#x27;s case to Cafcass" in page and "30 Mar 2026" in page
    page = text(client_for(social_worker).get(url))
    assert "Answer the IRO" in page and "Take it to a formal stage" not in page
    page = text(client_for(manager).get(url))
    assert "Back to the disputes register" in page and "Answer the IRO" not in page and "Record the answer" not in page
    assert client_for(colleague).get(url).status_code == 404
    # the social worker answers on the page; the IRO takes it to stage 2, skipping stage 1 with a reason
    resp = client_for(social_worker).post(url + "answer/", {"response": "Booked for Friday."})
    assert resp.status_code == 302 and DisputeStage.objects.get(number=0).responded_on == MON_16_MAR
    resp = client_for(iro).post(url + "escalate/", {
        "to_stage": "2", "raised_with": "someone-else", "raised_with_name": "Sian Service",
        "started_on_day": "16", "started_on_month": "3", "started_on_year": "2026"})
    assert resp.status_code == 200 and "Say why you are skipping the stages between" in text(resp)
    resp = client_for(iro).post(url + "escalate/", {
        "to_stage": "2", "raised_with": "someone-else", "raised_with_name": "Sian Service", "skip_reason": "Urgent",
        "started_on_day": "16", "started_on_month": "3", "started_on_year": "2026"})
    assert resp.status_code == 302
    assert Dispute.objects.get().stage == 2 and DisputeStage.objects.get(number=1).skipped_reason == "Urgent"
    page = text(client_for(iro).get(url + "close/"))
    assert "Closing the dispute is final" in page and "Referred to Cafcass" not in page


def test_every_page_between_reviews_opens_for_its_person(client_for, clock, episode, iro, manager, social_worker):
    dispute = alert(episode, iro, social_worker)
    qa = services.care_plan_qa_record(actor=iro, episode=episode, feedback="Fine", judgements=qa_judgements())
    pages = [
        (iro, f"/reviews/e/{episode.public_id}/monitoring/new/", "Record a contact or a mid-point check"),
        (social_worker, f"/reviews/e/{episode.public_id}/visits/new/", "Record a visit to the child"),
        (iro, f"/reviews/e/{episode.public_id}/disputes/new/", "Raise a concern about the care plan"),
        (social_worker, f"/reviews/disputes/{dispute.public_id}/answer/", "Answer the IRO"),
        (iro, f"/reviews/disputes/{dispute.public_id}/answer/", "Record the answer"),
        (iro, f"/reviews/disputes/{dispute.public_id}/escalate/", "Take the dispute to a formal stage"),
        (iro, f"/reviews/disputes/{dispute.public_id}/cafcass/", "Refer the child's case to Cafcass"),
        (social_worker, f"/reviews/quality/{qa.public_id}/answer/", "Answer the IRO's feedback"),
        (manager, "/reviews/disputes/?show=all", "Disputes register"),
        (manager, "/reviews/quality/themes/", "Quality assurance themes"),
    ]
    for who, url, heading in pages:
        resp = client_for(who).get(url)
        assert resp.status_code == 200, url
        assert re.search(r'<h1 class="govuk-heading-l">\s*' + re.escape(heading.replace("'", "&#x27;")),
                         resp.content.decode()), url
    # the way to them from the review page, for who may use it (no statement more: the review's own answers)
    review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))
    assert "The IRO&#x27;s monitoring between reviews" in client_for(iro).get(f"/reviews/r/{review.public_id}/") \
        .content.decode()
    page = client_for(social_worker).get(f"/reviews/r/{review.public_id}/").content.decode()
    assert "Record your visit to the child" in page and "monitoring between reviews" not in page
