"""The IRO's quality assurance of the care plan (issue 10, section 3; ADR 14): a structured judgement on set
criteria (the child's lived experience first), feedback to the social worker and their team manager with an
answer due (``lac_qa_response``, 10 working days), the answer, and the themes the IRO manager sees, as a chart
and a table, at a fixed number of statements.

Counted by hand: Jade's IRO judges her plan on Monday 16 March 2026; the answer is due 10 working days later,
Monday 30 March.
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
from reviews.models import CarePlanQA, QAJudgement
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory, make_user
from tests.factories.reviews import QualityAssuredEpisodeFactory, qa_judgements

from . import between_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_quality")]  # one world
globals().update(between_world.fixtures())  # world, la, team, social_worker, ... child, episode

MON_2_MAR, MON_16_MAR = date(2026, 3, 2), date(2026, 3, 16)


@pytest.fixture
def clock():
    with freeze_time("2026-03-16 10:00") as frozen:
        yield frozen


def judge(episode, iro) -> CarePlanQA:
    """The IRO's quality assurance of Jade's plan on Monday 16 March (good throughout)."""
    return services.care_plan_qa_record(actor=iro, episode=episode, judgements=qa_judgements(),
                                        feedback="Bring the permanence plan to the next review.")


def qa_deadline(qa) -> Deadline:
    return Deadline.objects.get(subject_type=ContentType.objects.get_for_model(CarePlanQA), subject_id=qa.pk)


def test_the_iro_judges_the_plan_and_the_social_worker_and_manager_are_told(clock, episode, iro, social_worker,
                                                                            team_manager):
    services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=date(2026, 3, 10),
                         permanence_plan="not_yet")
    qa = services.care_plan_qa_record(
        actor=iro, episode=episode, feedback="Write the permanence plan before the review.",
        judgements=qa_judgements(lived_experience="requires_improvement", permanence="inadequate"))
    assert (qa.iro, qa.judged_on, qa.care_plan.version) == (iro, MON_16_MAR, 1)
    rows = list(QAJudgement.objects.filter(qa=qa).order_by("position").values_list("criterion", "grade"))
    assert rows[0] == ("lived_experience", "requires_improvement")  # the child's lived experience first
    assert rows[1] == ("permanence", "inadequate")
    assert [c for c, _g in rows] == ["lived_experience", "permanence", "placement", "health", "education",
                                     "contact", "identity"]  # leaving care from 16 only
    deadline = qa_deadline(qa)
    assert (deadline.rule_key, deadline.due_date, deadline.responsible_person) == (
        "lac_qa_response", date(2026, 3, 30), social_worker)
    told = Notification.objects.filter(subject="The IRO's feedback on a care plan")
    assert {n.recipient for n in told} == {social_worker, team_manager}
    assert all("LC-JADE" in n.body and "30 March 2026" in n.body and "Holloway" not in n.body for n in told)
    assert "Holloway" not in deadline.label and "Jade" not in deadline.label
    assert CaseEvent.objects.get(code="lac.qa_recorded").payload["grades"]["permanence"] == "inadequate"
    # the same judgement again (a double submit) changes nothing
    again = services.care_plan_qa_record(
        actor=iro, episode=episode, feedback="Write the permanence plan before the review.",
        judgements=qa_judgements(lived_experience="requires_improvement", permanence="inadequate"))
    assert again == qa and CarePlanQA.objects.count() == 1


def test_each_criterion_needs_a_grade_and_a_comment_and_leaving_care_comes_at_16(clock, episode, iro, child):
    child = type(child).objects.get(pk=child.pk)  # the shared world's child is changed here only
    judgements = qa_judgements()
    judgements["health"] = ("excellent", "")
    del judgements["identity"]
    with pytest.raises(ValidationError) as exc:
        services.care_plan_qa_record(actor=iro, episode=episode, judgements=judgements, feedback=" ")
    assert set(exc.value.message_dict) == {"grade_health", "comment_health", "grade_identity", "comment_identity",
                                           "feedback"}
    with pytest.raises(ValidationError, match="Not a criterion for this child: leaving_care"):
        services.care_plan_qa_record(actor=iro, episode=episode, judgements=qa_judgements(leaving_care=True),
                                     feedback="Fine")
    child.date_of_birth = date(2010, 1, 1)
    child.save()
    with pytest.raises(ValidationError) as exc:
        services.care_plan_qa_record(actor=iro, episode=episode, judgements=qa_judgements(), feedback="Fine")
    assert set(exc.value.message_dict) == {"grade_leaving_care", "comment_leaving_care"}


def test_only_the_child_s_iro_quality_assures(clock, episode, social_worker, la, manager):
    for someone in (social_worker, manager, make_user(la, Role.IRO)):
        with pytest.raises(ValidationError, match="You cannot quality-assure"):
            services.care_plan_qa_record(actor=someone, episode=episode, judgements=qa_judgements(), feedback="x")


def test_the_social_worker_answers_once_and_the_iro_is_told(clock, episode, iro, social_worker, team_manager,
                                                            colleague):
    qa = judge(episode, iro)
    for someone in (colleague, iro):  # a colleague of the team is not the child's social worker or manager
        with pytest.raises(ValidationError, match="You cannot answer this feedback"):
            services.care_plan_qa_answer(actor=someone, qa=qa, response="Noted")
    with pytest.raises(ValidationError) as exc:
        services.care_plan_qa_answer(actor=social_worker, qa=qa, response=" ")
    assert "response" in exc.value.message_dict
    clock.move_to("2026-03-31 09:00")  # the day after it was due
    with pytest.raises(ValidationError) as exc:
        services.care_plan_qa_answer(actor=social_worker, qa=qa, response="The plan is written.")
    assert "late_reason" in exc.value.message_dict
    answered = services.care_plan_qa_answer(actor=social_worker, qa=qa, response="The plan is written.",
                                            late_reason="Court")
    assert (answered.responded_by, answered.responded_on) == (social_worker, date(2026, 3, 31))
    assert qa_deadline(qa).status == "met_late"
    note = Notification.objects.get(recipient=iro, subject="Your feedback on a care plan was answered")
    assert "LC-JADE" in note.body and "Holloway" not in note.body
    assert services.care_plan_qa_answer(actor=social_worker, qa=qa, response="The plan is written.") == answered
    with pytest.raises(ValidationError, match="was answered on 31 March 2026"):
        services.care_plan_qa_answer(actor=team_manager, qa=qa, response="Something else")


# --- the pages ----------------------------------------------------------------------------------------------------
def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def unmasked(resp) -> str:
    """The page without its CSRF token (masked afresh on every response)."""
    return re.sub(r'(name="csrf-token" content|name="csrfmiddlewaretoken" value)="[^"]*"', "", resp.content.decode())


def count(c, url):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(url)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_iro_judges_on_the_page_and_the_social_worker_answers_on_hers(client_for, clock, episode, iro,
                                                                        social_worker):
    url = f"/reviews/e/{episode.public_id}/quality/new/"
    page = text(client_for(iro).get(url))
    assert page.index("1. The child&#x27;s lived experience") < page.index("2. Permanence")
    assert "Leaving care" not in page
    data = {f"grade_{name}": grade for name, (grade, _c) in qa_judgements().items()}
    data |= {f"comment_{name}": comment for name, (_g, comment) in qa_judgements().items()}
    resp = client_for(iro).post(url, {**data, "grade_health": "", "feedback": "Good work."})
    assert resp.status_code == 200 and "Choose your judgement of health" in text(resp)
    resp = client_for(iro).post(url, {**data, "feedback": "Good work."})
    qa = CarePlanQA.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/reviews/quality/{qa.public_id}/"
    c = client_for(social_worker)
    page = text(c.get(f"/reviews/quality/{qa.public_id}/"))
    assert "Jade Holloway" in page and "Due by 30 March 2026" in page and "Answer the IRO" in page
    resp = c.post(f"/reviews/quality/{qa.public_id}/answer/", {"response": "Thank you."})
    assert resp.status_code == 302
    assert "Thank you." in text(c.get(f"/reviews/quality/{qa.public_id}/"))
    # the feedback page listed it until it was answered
    assert "Nothing to answer." in text(c.get("/reviews/feedback/"))


def test_the_feedback_page_lists_what_to_answer_at_a_fixed_statement_count(client_for, clock, la, iro, manager,
                                                                          social_worker, team_manager, colleague):

    def one(i):
        kid = ChildFactory(local_authority=la, allocated_social_worker=social_worker,
                           allocated_team=social_worker.memberships.get().team, legal_first_names=f"Unit{i}",
                           date_of_birth=date(2016, 1, 1))
        QualityAssuredEpisodeFactory(child=kid, start_date=MON_2_MAR, iro_manager=manager, iro=iro,
                                     allocated_on=MON_2_MAR, judged_on=MON_16_MAR)

    one(0)
    c = client_for(team_manager)
    c.get("/reviews/feedback/")
    small, small_sql, resp = count(c, "/reviews/feedback/")
    assert "Unit0" in text(resp) and "30 Mar 2026" in text(resp)
    one(1)
    large, large_sql, resp = count(c, "/reviews/feedback/")
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert "Unit1" in text(resp)
    assert "Unit0" not in text(client_for(colleague).get("/reviews/feedback/"))
    assert client_for(iro).get("/reviews/feedback/").status_code == 404


def test_the_themes_roll_up_by_criterion_and_grade_as_a_chart_and_a_table(client_for, clock, la, iro, team,
                                                                           manager):

    def judged(on, **grades):
        kid = ChildFactory(local_authority=la, allocated_team=team, date_of_birth=date(2016, 1, 1),
                           allocated_social_worker=make_user(la, Role.SOCIAL_WORKER, team=team))
        QualityAssuredEpisodeFactory(child=kid, start_date=MON_2_MAR, iro_manager=manager, iro=iro,
                                     allocated_on=MON_2_MAR, judged_on=on, grades=grades)

    judged(MON_16_MAR, lived_experience="inadequate", permanence="requires_improvement")
    judged(date(2026, 3, 13), lived_experience="inadequate")
    url = "/reviews/quality/themes/?start_day=1&start_month=3&start_year=2026&end_day=31&end_month=3&end_year=2026"
    c = client_for(manager)
    c.get(url)
    small, small_sql, resp = count(c, url)
    page = text(resp)
    assert "2 judgements of a care plan" in page
    table = page.split('id="themes"')[1]
    cells = r"\s*<td[^>]*>{}</td>" * 4
    assert re.search(r"lived experience</th>" + cells.format(0, 0, 2, 2), table)
    assert re.search(r"Permanence</th>" + cells.format(1, 1, 0, 2), table)
    chart = page.split('id="chart"')[1].split('id="themes"')[0]
    assert "Inadequate: 2" in chart and 'width="100%"' in chart and 'aria-hidden="true"' in chart
    judged(date(2026, 3, 12), health="inadequate")
    judged(date(2026, 4, 1))  # after the period: not counted
    large, large_sql, resp = count(c, url)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert small <= 10, "\n".join(small_sql)
    assert "3 judgements of a care plan" in text(resp)
    # a bad period is said so; the IRO and the social worker: 404
    assert "The last day must be on or after the first day" in text(c.get(
        "/reviews/quality/themes/?start_day=2&start_month=3&start_year=2026&end_day=1&end_month=3&end_year=2026"))
    assert client_for(iro).get("/reviews/quality/themes/").status_code == 404


def test_the_qa_page_is_the_same_404_for_anyone_else(client_for, clock, episode, iro, police_officer, colleague):
    qa = judge(episode, iro)
    for someone in (police_officer, colleague):
        missing = client_for(someone).get("/reviews/quality/00000000-0000-0000-0000-000000000000/")
        resp = client_for(someone).get(f"/reviews/quality/{qa.public_id}/")
        assert resp.status_code == 404 and unmasked(resp) == unmasked(missing)
        assert client_for(someone).get(f"/reviews/quality/{qa.public_id}/answer/").status_code == 404
    assert client_for(iro).get(f"/reviews/quality/{qa.public_id}/answer/").status_code == 404
