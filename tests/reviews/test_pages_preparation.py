"""The social worker's preparation page (issue 10, section 4): the looked-after reviews booked for their
children with the pre-review deadlines and the plans to send, at a fixed statement count; the pages that
record the conversation with the IRO and each plan the IRO has; 404 for anyone else. And the IRO's caseload
linking each child's reviews, with their open decisions."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from reviews import services
from reviews.models import ReviewPaper
from tests.factories import ChildFactory
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of

pytestmark = pytest.mark.django_db

PAGE = "/reviews/preparation/"


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


@pytest.fixture
def clock():
    with freeze_time("2026-03-03 09:00") as frozen:
        yield frozen


def booked_review(la, team, social_worker, iro, name="Jade", day=date(2026, 3, 27)):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names=name, legal_surname="Holloway", date_of_birth=date(2016, 2, 1))
    episode = AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la),
                                      iro=iro, allocated_on=date(2026, 3, 2))
    services.plan_record(actor=social_worker, episode=episode, kind="care_plan", dated=date(2026, 3, 2),
                         permanence_plan="not_yet")
    return services.review_schedule(actor=iro, episode=episode, planned_for=day)


def test_the_social_worker_sees_what_to_do_before_each_review_at_a_fixed_statement_count(
        client_for, clock, la, team, social_worker, iro):
    review = booked_review(la, team, social_worker, iro)
    c = client_for(social_worker)
    c.get(PAGE)
    with CaptureQueriesContext(connection) as small:
        body = text(c.get(PAGE))
    assert "Jade Holloway: review on 27 March 2026" in body
    assert re.search(r"Speak to the IRO</td> <td[^>]*>6 March 2026</td>", body)
    assert re.search(r"The care plan with the IRO</td> <td[^>]*>24 March 2026</td>", body)
    assert "Care plan: version 1, 2 March 2026" in body and "Health plan: none recorded yet" in body
    assert f'href="/reviews/r/{review.public_id}/contact/"' in body
    assert f'href="/reviews/r/{review.public_id}/plans/care_plan/"' in body
    for i in range(4):
        booked_review(la, team, social_worker, iro, name=f"Child{i}", day=date(2026, 3, 30))
    with CaptureQueriesContext(connection) as large:
        body = text(c.get(PAGE))
    assert body.count("review on 30 March 2026") == 4
    assert len(large) == len(small) <= 9, "\n".join(q["sql"] for q in large.captured_queries)


@pytest.mark.parametrize("who", ["iro", "chair", "police_officer"])
def test_anyone_but_case_staff_gets_a_404(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get(PAGE).status_code == 404


def test_a_social_worker_of_another_team_sees_none_of_these(client_for, clock, la, team, social_worker, iro,
                                                           other_social_worker):
    review = booked_review(la, team, social_worker, iro)
    c = client_for(other_social_worker)
    assert "None of your children has a looked-after review booked." in text(c.get(PAGE))
    assert c.get(f"/reviews/r/{review.public_id}/contact/").status_code == 404


def test_recording_the_conversation_and_a_plan_the_iro_has(client_for, clock, la, team, social_worker, iro):
    review = booked_review(la, team, social_worker, iro)
    c = client_for(social_worker)
    url = f"/reviews/r/{review.public_id}/contact/"
    body = text(c.get(url))
    assert "Record your conversation with the IRO" in body and "Due by</dt>" in body
    assert f'href="/children/{review.episode.child.public_id}/">Jade Holloway</a>' in body
    assert 'href="/reviews/preparation/" class="govuk-back-link"' in body
    resp = c.post(url, {"contacted_on_day": "3", "contacted_on_month": "3", "contacted_on_year": "2026"})
    assert resp.status_code == 302
    review.refresh_from_db()
    assert review.social_worker_contact_on == date(2026, 3, 3)
    assert "The social worker spoke to the IRO on 3 March 2026." in text(c.get(url))
    paper_url = f"/reviews/r/{review.public_id}/plans/health-plan/"
    assert "Record that the IRO has the health plan" in text(c.get(paper_url))
    resp = c.post(paper_url, {"received_on_day": "3", "received_on_month": "3", "received_on_year": "2026"})
    assert resp.status_code == 302
    assert ReviewPaper.objects.get(review=review, kind="health_plan").received_on == date(2026, 3, 3)
    assert c.get(f"/reviews/r/{review.public_id}/plans/passport/").status_code == 404


def test_the_caseload_links_the_reviews_and_counts_the_open_decisions(client_for, clock, la, team, social_worker,
                                                                     iro):
    review = booked_review(la, team, social_worker, iro)
    clock.move_to("2026-03-27 15:00")
    services.review_hold(actor=iro, review=review, participation="PN1", held_on=date(2026, 3, 27))
    for i in range(3):
        services.review_decision_add(actor=iro, review=review, description=f"D{i}", owner=social_worker,
                                     due_date=date(2026, 4, 10))
    body = text(client_for(iro).get("/reviews/"))
    assert f'<a class="govuk-link" href="/reviews/r/{review.public_id}/">27 Mar 2026</a>' in body
    assert re.search(r'Not booked</td> <td class="govuk-table__cell govuk-table__cell--numeric">3</td>', body)
