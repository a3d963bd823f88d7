"""Foster carers' reviews (issue 10, section 3): a household registered by the IRO manager is due its review a year
after approval (Fostering Services (England) Regulations 2011, reg 28(2)), then a year after each review; its
reviewing officer books, writes and completes the review (the carers' views, each placed child's, the report and a
recommendation to the fostering panel); the pages, at a fixed number of statements. Who may do what is in the
permission matrix (tests/reviews/test_policy_matrix.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from cases import services as cases_services
from reviews import services
from reviews.models import FosterCarerReview, FosterChildView, FosteringHousehold
from safeguarding.accounts.models import Role
from safeguarding.notify.models import Notification
from tests.factories import make_user
from tests.factories.fostering import (
    BookedFosterReviewFactory,
    CompletedFosterReviewFactory,
    FosteringHouseholdFactory,
)
from tests.factories.reviews import LookedAfterEpisodeFactory, iro_manager_of, iro_of
from tests.factories.states import subject_deadlines

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time("2026-03-02 09:00") as clock:
        yield clock


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def due_of(household) -> date | None:
    deadline = subject_deadlines(household, "foster_carer_review").filter(status__in=("open", "overdue")).first()
    return deadline.due_date if deadline else None


# --- the household and its clock ----------------------------------------------------------------------------
def test_registering_opens_the_review_a_year_after_approval(la):
    household = FosteringHouseholdFactory(approved_on=date(2025, 5, 10))
    # 10 May 2026 is a Sunday: the due date moves back to Friday 8 May
    assert due_of(household) == date(2026, 5, 8)
    deadline = subject_deadlines(household, "foster_carer_review").get()
    assert deadline.label == "Foster carers' annual review"
    assert deadline.responsible_person == household.reviewing_officer
    assert "Jo" not in deadline.label


def test_a_household_reviewed_before_it_came_onto_the_hub_is_due_a_year_after_that_review(la):
    household = FosteringHouseholdFactory(approved_on=date(2020, 1, 6), last_reviewed_on=date(2025, 9, 1))
    assert due_of(household) == date(2026, 9, 1)


def test_only_the_iro_manager_registers_and_the_details_are_checked(la, other_la, iro, social_worker):
    manager = FosteringHouseholdFactory().reviewing_officer  # an IRO, not the manager
    args = dict(fostering_service=la, reference="FC9", first_carer="Ann", approval_type="long_term",
                approval_terms="One child", places=1, approved_on=date(2025, 1, 1),
                supervising_social_worker=social_worker)
    with pytest.raises(ValidationError, match="You cannot"):
        services.household_register(actor=manager, **args)
    boss = iro_manager_of(la)
    with pytest.raises(ValidationError) as e:
        services.household_register(actor=boss, **{**args, "places": 0, "reference": "",
                                                   "supervising_social_worker": make_user(other_la, Role.SOCIAL_WORKER),
                                                   "reviewing_officer": iro_of(other_la)})
    assert set(e.value.message_dict) == {"places", "reference", "supervising_social_worker", "reviewing_officer"}
    both = make_user(la, Role.IRO, Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError, match="cannot be the carers' supervising social worker"):
        services.household_register(actor=boss, **{**args, "supervising_social_worker": both,
                                                   "reviewing_officer": both})
    with pytest.raises(ValidationError, match="You cannot"):  # another authority's service
        services.household_register(actor=boss, **{**args, "fostering_service": other_la})


def test_the_supervising_social_worker_keeps_the_details_but_not_who_supervises(la):
    household = FosteringHouseholdFactory()
    ssw = household.supervising_social_worker
    before = household.history.count()
    assert services.household_update(actor=ssw, household=household, places=2) == household
    assert household.history.count() == before  # nothing changed, nothing written
    services.household_update(actor=ssw, household=household, places=3, allegations_note="Allegation, 1 March",
                              lado_reference="LADO-77", reason="After the panel")
    household.refresh_from_db()
    assert (household.places, household.lado_reference) == (3, "LADO-77")
    assert household.history.first().history_change_reason == "After the panel"
    with pytest.raises(ValidationError) as e:
        services.household_update(actor=ssw, household=household,
                                  supervising_social_worker=make_user(la, Role.SOCIAL_WORKER))
    assert "supervising_social_worker" in e.value.message_dict
    with pytest.raises(ValidationError, match="You cannot"):
        services.household_update(actor=household.reviewing_officer, household=household, places=1)


# --- booking and writing the review ----------------------------------------------------------------------------
def test_booking_moving_and_the_late_reason(la):
    household = FosteringHouseholdFactory(approved_on=date(2025, 4, 1))  # due Wednesday 1 April 2026
    officer = household.reviewing_officer
    review = services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 3, 20))
    assert services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 3, 20)) == review
    with pytest.raises(ValidationError) as e:
        services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 4, 10))
    assert set(e.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as e:
        services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 4, 10),
                                        reason="Carer unwell")
    assert "due by 1 April 2026" in e.value.message_dict["late_reason"][0]
    moved = services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 4, 10),
                                            reason="Carer unwell", late_reason="Carer in hospital")
    assert moved.pk == review.pk and moved.late_reason == "Carer in hospital"
    with pytest.raises(ValidationError, match="You cannot"):  # the supervising social worker does not book
        services.foster_review_schedule(actor=household.supervising_social_worker, household=household,
                                        planned_for=date(2026, 3, 25))


def test_a_household_without_a_reviewing_officer_cannot_be_booked_until_one_is_allocated(la):
    household = FosteringHouseholdFactory(reviewing_officer=None)
    manager = FosteringHousehold.objects.get(pk=household.pk).history.last().history_user
    with pytest.raises(ValidationError, match="Allocate a reviewing officer"):
        services.foster_review_schedule(actor=manager, household=household, planned_for=date(2026, 3, 10))
    officer = iro_of(la)
    services.household_allocate(actor=manager, household=household, reviewing_officer=officer)
    review = services.foster_review_schedule(actor=manager, household=household, planned_for=date(2026, 3, 10))
    assert review.reviewing_officer == officer
    # a new officer takes the booked review with them
    other = iro_of(la)
    services.household_allocate(actor=manager, household=household, reviewing_officer=other)
    review.refresh_from_db()
    assert review.reviewing_officer == other


def test_the_children_s_views_by_their_record_or_by_name(la, other_la):
    review = BookedFosterReviewFactory()
    officer = review.reviewing_officer
    placed = LookedAfterEpisodeFactory(child__local_authority=la).child
    elsewhere = LookedAfterEpisodeFactory(child__local_authority=other_la).child
    view = services.foster_review_child_view_add(actor=officer, review=review, how="seen_alone", views="I like it",
                                                 child_reference=placed.local_child_id.lower())
    assert view.child == placed and view.child_name == ""
    with pytest.raises(ValidationError, match="recorded for this review already"):
        services.foster_review_child_view_add(actor=officer, review=review, how="seen_alone", views="Again",
                                              child_reference=placed.local_child_id)
    with pytest.raises(ValidationError) as e:  # another authority's child is named in words, not by our reference
        services.foster_review_child_view_add(actor=officer, review=review, how="seen_alone", views="Hi",
                                              child_reference=elsewhere.local_child_id)
    assert "No child looked after by" in e.value.message_dict["child_reference"][0]
    with pytest.raises(ValidationError) as e:
        services.foster_review_child_view_add(actor=officer, review=review, how="in_writing", child_name="Kim")
    assert set(e.value.message_dict) == {"placing_authority", "views"}
    services.foster_review_child_view_add(actor=officer, review=review, how="not_consulted", child_name="Baby K",
                                          placing_authority="Southvale")
    assert FosterChildView.objects.filter(review=review).count() == 2
    with pytest.raises(ValidationError, match="You cannot"):
        services.foster_review_child_view_add(actor=review.household.supervising_social_worker, review=review,
                                              how="not_consulted", child_name="X", placing_authority="Y")


def test_completing_needs_the_views_the_report_and_the_recommendation(la):
    review = BookedFosterReviewFactory(days=0)
    officer = review.reviewing_officer
    with pytest.raises(ValidationError) as e:
        services.foster_review_complete(actor=officer, review=review, held_on=TODAY)
    assert set(e.value.message_dict) == {"carers_views", "report", "recommendation"}
    services.foster_review_save(actor=officer, review=review, carers_views="Fine", report="Suitable",
                                recommendation="change_terms")
    with pytest.raises(ValidationError) as e:
        services.foster_review_complete(actor=officer, review=review, held_on=TODAY)
    assert set(e.value.message_dict) == {"proposed_terms"}
    before = review.history.count()
    services.foster_review_save(actor=officer, review=review, carers_views="Fine")
    assert review.history.count() == before  # nothing changed, nothing written


def test_completing_meets_the_review_opens_the_next_and_tells_the_service(la):
    household = FosteringHouseholdFactory(approved_on=date(2025, 3, 20))
    review = CompletedFosterReviewFactory(household=household, recommendation="change_terms")
    assert review.status == FosterCarerReview.Status.COMPLETED and review.held_on == TODAY
    met = subject_deadlines(household, "foster_carer_review").get(status="met_on_time")
    assert met.met_on == TODAY
    assert due_of(household) == date(2027, 3, 2)  # a year after the review, not after the approval
    told = set(Notification.objects.filter(subject="Foster carers' review completed")
               .values_list("recipient_id", flat=True))
    assert household.supervising_social_worker.pk in told
    assert all("Carer" not in n.body for n in Notification.objects.all())  # the reference, never the names
    # final: the same completion changes nothing; nothing else may be written
    assert services.foster_review_complete(actor=review.reviewing_officer, review=review, held_on=TODAY) == review
    with pytest.raises(ValidationError, match="completed"):
        services.foster_review_save(actor=review.reviewing_officer, review=review, report="Changed")


def test_a_late_review_needs_its_reason(la):
    household = FosteringHouseholdFactory(approved_on=date(2025, 2, 20))  # due 20 February 2026
    officer = household.reviewing_officer
    with pytest.raises(ValidationError):
        services.foster_review_schedule(actor=officer, household=household, planned_for=TODAY)
    review = services.foster_review_schedule(actor=officer, household=household, planned_for=TODAY,
                                             late_reason="Carers abroad")
    services.foster_review_save(actor=officer, review=review, carers_views="v", report="r", recommendation="continue")
    services.foster_review_complete(actor=officer, review=review, held_on=TODAY)  # the booking's reason is kept
    met = subject_deadlines(household, "foster_carer_review").get(status="met_late")
    assert met.late_reason == "Carers abroad"


def test_cancelling_a_review_and_ending_the_approval(la):
    review = BookedFosterReviewFactory()
    household = review.household
    officer = review.reviewing_officer
    with pytest.raises(ValidationError):
        services.foster_review_cancel(actor=officer, review=review, reason="")
    services.foster_review_cancel(actor=officer, review=review, reason="Carers on holiday")
    assert due_of(household) is not None  # still due: book another
    again = BookedFosterReviewFactory(household=household)
    manager = household.history.last().history_user
    with pytest.raises(ValidationError, match="You cannot"):
        services.household_end(actor=officer, household=household, ended_on=TODAY, reason="Resigned")
    services.household_end(actor=manager, household=household, ended_on=TODAY, reason="The carers resigned")
    again.refresh_from_db()
    assert again.status == "cancelled" and due_of(household) is None
    with pytest.raises(ValidationError, match="approval has ended"):
        services.foster_review_schedule(actor=officer, household=household, planned_for=TODAY)


# --- the pages -------------------------------------------------------------------------------------------------
def _list(client):
    with CaptureQueriesContext(connection) as q:
        resp = client.get("/reviews/fostering/")
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_list_shows_the_next_review_due_at_a_fixed_statement_count(client_for, la):
    first = FosteringHouseholdFactory(approved_on=date(2025, 2, 20))  # overdue
    officer = first.reviewing_officer
    c = client_for(officer)
    c.get("/reviews/fostering/")
    small, small_sql, resp = _list(c)
    page = text(resp)
    assert "Jo Carer and Sam Carer" in page and "20 Feb 2026" in page and "Overdue" in page
    for _ in range(4):
        BookedFosterReviewFactory(household__reviewing_officer=officer)
    large, large_sql, resp = _list(c)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert text(resp).count("Jo Carer and Sam Carer") == 5
    assert small <= 10, "\n".join(small_sql)


def test_the_list_is_for_the_people_of_the_service_only(client_for, la, police_officer, chair, iro):
    household = FosteringHouseholdFactory()
    assert client_for(police_officer).get("/reviews/fostering/").status_code == 404
    assert client_for(chair).get("/reviews/fostering/").status_code == 404
    page = text(client_for(iro).get("/reviews/fostering/"))
    assert "Jo Carer" not in page  # not theirs
    # in the navigation
    assert re.search(r'href="/reviews/fostering/"[^>]*>\s*(<strong[^>]*>)?Foster carers&#x27; reviews', page)
    assert "Jo Carer" in text(client_for(household.supervising_social_worker).get("/reviews/fostering/"))
    assert client_for(iro).get(f"/reviews/fostering/{household.public_id}/").status_code == 404


def test_the_review_form_names_children_with_a_link_only_to_records_the_viewer_may_open(client_for, la):
    review = BookedFosterReviewFactory()
    officer = review.reviewing_officer
    opened = LookedAfterEpisodeFactory(child__local_authority=la, child__legal_first_names="Opal").child
    shut = LookedAfterEpisodeFactory(child__local_authority=la, child__legal_first_names="Rowan").child
    for child in (opened, shut):
        services.foster_review_child_view_add(actor=officer, review=review, how="seen_alone", views="Happy here",
                                              child_reference=child.local_child_id)
    cases_services.child_set_restriction(child=shut, actor=make_user(la, Role.SERVICE_MANAGER), restricted=True,
                                         named_people=[shut.allocated_social_worker], reason="Staff member's child")
    # the officer may open neither record; the supervising social worker, allocated to Opal, may open hers
    ssw = review.household.supervising_social_worker
    opened.allocated_social_worker = ssw
    opened.save(update_fields=["allocated_social_worker"])
    url = f"/reviews/fostering/reviews/{review.public_id}/"
    link = reverse("cases:child_detail", kwargs={"public_id": opened.public_id})
    page = text(client_for(officer).get(url))
    assert f">{opened.full_name}</h3>" in page and link not in page
    assert "Rowan" not in page and f"A child with a restricted record ({shut.local_child_id})" in page
    assert 'name="report"' in page  # the form, for its reviewing officer
    page = text(client_for(ssw).get(url))
    assert f'<a class="govuk-link" href="{link}">{opened.full_name}</a>' in page
    assert 'name="report"' not in page  # read only
    assert client_for(ssw).post(url, {"report": "x"}).status_code == 404


def test_the_reviewing_officer_writes_and_completes_the_review_in_the_browser_pages(client_for, la):
    review = BookedFosterReviewFactory(days=0)
    c = client_for(review.reviewing_officer)
    url = f"/reviews/fostering/reviews/{review.public_id}/"
    resp = c.post(url, {"carers_views": "A good year", "report": "Suitable", "recommendation": "continue"})
    assert resp.status_code == 302
    resp = c.post(url + "complete/", {"held_on_day": "2", "held_on_month": "3", "held_on_year": "2026"})
    assert resp.status_code == 302, text(resp)
    review.refresh_from_db()
    assert review.status == "completed"
    page = text(c.get(f"/reviews/fostering/{review.household.public_id}/"))
    assert "Continue the approval on the same terms" in page and "2 March 2027" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as q:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries]


def _rebook(officer, household, review):
    """Cancel the review booked and book another: one more review in the household's history."""
    services.foster_review_cancel(actor=officer, review=review, reason="Carer unwell")
    return services.foster_review_schedule(actor=officer, household=household, planned_for=date(2026, 3, 20))


def _children_say(officer, review, n):
    for i in range(n):
        services.foster_review_child_view_add(actor=officer, review=review, how="in_writing", views="Fine",
                                              child_name=f"Child {i}", placing_authority="Southvale")


def test_the_household_page_and_the_review_form_at_a_fixed_statement_count(client_for, la):
    review = BookedFosterReviewFactory()
    household, officer = review.household, review.reviewing_officer
    c = client_for(officer)
    household_url = f"/reviews/fostering/{household.public_id}/"
    review = _rebook(officer, household, review)
    _children_say(officer, review, 1)
    small = [_count(c, household_url), _count(c, f"/reviews/fostering/reviews/{review.public_id}/")]
    for _ in range(3):
        review = _rebook(officer, household, review)
    _children_say(officer, review, 4)
    large = [_count(c, household_url), _count(c, f"/reviews/fostering/reviews/{review.public_id}/")]
    for (n, sql), (m, more) in zip(small, large, strict=True):
        assert n == m, "\n".join(q for q in more if q not in sql)
        assert n <= 14, "\n".join(sql)
