"""Booking the looked-after reviews (issue 10): book the review (after the date it is due by, with why), move it
(with why), cancel it (confirmed first) and ask for an early review (reg 33(3)). Booking, moving and cancelling
are for the child's IRO and the IRO manager; an early review may be asked for by case staff too; anyone else gets
the 404 of a missing record.

Jade and Mia became looked after on Monday 2 March 2026, their IRO Ira Reviewing from the 3rd: their first
review is due by Monday 30 March. Mia's is booked for Friday 27 March. Kai waits for an IRO."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from reviews import services
from reviews.models import Review
from tests.factories.worlds import shared_world

from .episode_world import (
    NOW,
    cast,
    child_of,
    client,
    date_parts,
    errors,
    looked_after,
    missing,
    same_page,
    text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_pages_scheduling")]

FRI_27_MAR, FRI_10_APR = date(2026, 3, 27), date(2026, 4, 10)
EVERYONE = ("social_worker", "team_manager", "other_social_worker", "iro_manager", "iro", "other_iro", "chair",
            "police_officer")
REVIEWERS = {"iro", "iro_manager"}


def build() -> SimpleNamespace:
    with freeze_time(NOW):
        c = cast()
        jade = looked_after(c, child_of(c, "Jade"), iro=c.iro)
        mia = looked_after(c, child_of(c, "Mia"), iro=c.iro)
        booked = services.review_schedule(actor=c.iro, episode=mia, planned_for=FRI_27_MAR)
        kai = looked_after(c, child_of(c, "Kai"))
    return SimpleNamespace(cast=c, jade=jade, mia=mia, booked=booked, kai=kai)


world = shared_world(build)  # one world for the module; each test runs in a savepoint of it


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as clock:
        yield clock


def book(episode) -> str:
    return f"/reviews/e/{episode.public_id}/book/"


def early(episode) -> str:
    return f"/reviews/e/{episode.public_id}/early-review/"


def move(review) -> str:
    return f"/reviews/r/{review.public_id}/move/"


def cancel(review) -> str:
    return f"/reviews/r/{review.public_id}/cancel/"


@pytest.mark.parametrize("page, may", [
    ("book", REVIEWERS), ("early", REVIEWERS | {"social_worker", "team_manager"}), ("move", REVIEWERS),
    ("cancel", REVIEWERS)])
def test_each_page_opens_for_who_may_and_is_the_404_of_a_missing_record_for_others(world, page, may):
    path = {"book": book(world.jade), "early": early(world.jade), "move": move(world.booked),
            "cancel": cancel(world.booked)}[page]
    absent = {"book": missing("e", "book/"), "early": missing("e", "early-review/"), "move": missing("r", "move/"),
              "cancel": missing("r", "cancel/")}[page]
    compared = False
    for who in EVERYONE:
        c = client(world, who)
        resp = c.get(path)
        if who in may:
            body = text(resp)
            assert resp.status_code == 200, who
            name = "Jade" if page in ("book", "early") else "Mia"
            assert 'class="govuk-back-link"' in body and f">{name} Holloway</a>" in body, who
        else:
            assert resp.status_code == 404, who
            if not compared:
                other = c.get(absent)
                assert other.status_code == 404 and same_page(resp) == same_page(other), who
                compared = True


def test_booking_the_review_and_why_it_is_late(world):
    c, jade = client(world, "iro"), world.jade
    body = text(c.get(book(jade)))
    assert "Book the review" in body and "Due by</dt>" in body and "30 March 2026" in body
    assert "Chaired by</dt>" in body and "Ira Reviewing" in body and 'name="late_reason"' not in body
    resp = c.post(book(jade), date_parts("planned_for", date(2026, 3, 3)))
    assert errors(resp) == ["The review must be today or later"]
    resp = c.post(book(jade), date_parts("planned_for", FRI_10_APR))
    assert errors(resp) == ["This review is due by 30 March 2026. Say why it cannot be held by then"]
    assert "Why can the review not be held by the date it is due?" in text(resp)  # asked now
    resp = c.post(book(jade), {**date_parts("planned_for", FRI_10_APR), "late_reason": "The child's exams"})
    review = Review.objects.get(episode=jade)
    assert (resp.status_code, resp["Location"]) == (302, f"/reviews/r/{review.public_id}/")
    assert (review.status, review.planned_for, review.late_reason) == ("scheduled", FRI_10_APR, "The child's exams")
    assert "A review is booked for 10 April 2026 already: move it instead." in text(c.get(book(jade)))


def test_a_review_needs_an_iro_first(world):
    body = text(client(world, "iro_manager").get(book(world.kai)))
    assert "Allocate an IRO to the child first: the IRO chairs the review." in body
    assert "planned_for_day" not in body


def test_asking_for_an_early_review_then_booking_it(world):
    c, jade = client(world, "social_worker"), world.jade
    resp = c.post(early(jade), {"trigger": "", "reason": ""})
    assert errors(resp) == ["Choose why the review is needed early", "Say what happened"]
    resp = c.post(early(jade), {"trigger": "welfare", "reason": "The visit found bruising"})
    assert (resp.status_code, resp["Location"]) == (302, f"/reviews/e/{jade.public_id}/")
    review = Review.objects.get(episode=jade)
    assert (review.status, review.early_trigger, review.iro) == ("requested", "welfare", world.cast.iro)
    assert "An early review has been asked for already" in text(c.get(early(jade)))
    iro = client(world, "iro")
    body = text(iro.get(book(jade)))
    assert "<h1 class=\"govuk-heading-l\">Book the early review</h1>" in body and "The visit found bruising" in body
    resp = iro.post(book(jade), date_parts("planned_for", date(2026, 3, 6)))
    assert resp.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.planned_for) == ("scheduled", date(2026, 3, 6))


def test_moving_the_review_with_why_and_why_it_is_late(world):
    c, review = client(world, "iro_manager"), world.booked
    assert "Booked for</dt>" in text(c.get(move(review)))
    resp = c.post(move(review), {**date_parts("planned_for", date(2026, 3, 20)), "reason": ""})
    assert errors(resp) == ["Say why the review is moving"]
    resp = c.post(move(review), {**date_parts("planned_for", FRI_10_APR), "reason": "The IRO is ill"})
    assert errors(resp) == ["This review is due by 30 March 2026. Say why it cannot be held by then"]
    resp = c.post(move(review), {**date_parts("planned_for", FRI_10_APR), "reason": "The IRO is ill",
                                 "late_reason": "No other IRO knows the child"})
    assert (resp.status_code, resp["Location"]) == (302, f"/reviews/r/{review.public_id}/")
    review.refresh_from_db()
    assert (review.planned_for, review.late_reason) == (FRI_10_APR, "No other IRO knows the child")
    assert review.history.first().history_change_reason == "The IRO is ill"


def test_cancelling_the_review_is_confirmed_first(world):
    c, review = client(world, "iro"), world.booked
    resp = c.post(cancel(review), {"reason": ""})
    assert errors(resp) == ["Say why the review is cancelled"]
    resp = c.post(cancel(review), {"reason": "Booked on the wrong day"})
    body = text(resp)
    assert "Check and confirm the cancellation" in body and "Booked for</dt>" in body and "27 March 2026" in body
    assert 'name="reason" value="Booked on the wrong day"' in body
    assert Review.objects.get(pk=review.pk).status == "scheduled"  # nothing yet
    resp = c.post(cancel(review), {"reason": "Booked on the wrong day", "confirmed": "yes"})
    assert (resp.status_code, resp["Location"]) == (302, f"/reviews/e/{world.mia.public_id}/")
    review.refresh_from_db()
    assert (review.status, review.cancelled_reason) == ("cancelled", "Booked on the wrong day")
    assert "This review was cancelled." in text(c.get(cancel(review)))
    assert "Only a booked review can be moved: this one is cancelled." in text(c.get(move(review)))
