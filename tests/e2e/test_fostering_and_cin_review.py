"""Two reviews of issue 10, section 3, in Chromium with axe-core on every page: the reviewing officer, on a phone,
finds a fostering household in the navigation, writes its annual review (a child's views, its errors first) and
completes it; then a conference chair records the child in need review three months after a plan ended."""

import datetime

import pytest
from freezegun import freeze_time
from playwright.sync_api import expect

from conferences import services as conference_services
from tests.conferences import story
from tests.factories import ChildFactory
from tests.factories.fostering import BookedFosterReviewFactory
from tests.factories.reviews import LookedAfterEpisodeFactory

from .helpers import assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def foster_review(la):
    review = BookedFosterReviewFactory(days=0, household__first_carer="Jo Carer", household__second_carer="Sam Carer")
    child = LookedAfterEpisodeFactory(child__local_authority=la, child__legal_first_names="Mia").child
    return review, child


@pytest.fixture
def cin_review(la, team, social_worker, chair):
    """Cara's plan, made ten weeks ago and ended by a review conference last week with a child in need plan."""
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Cara", legal_surname="Lane", date_of_birth=datetime.date(2016, 4, 1))
    today = datetime.date.today()
    icpc, ended = today - datetime.timedelta(days=70), today - datetime.timedelta(days=7)
    with freeze_time(icpc - datetime.timedelta(days=3)):
        conf = story.request_icpc(child=child, social_worker=social_worker,
                                  strategy_discussion_date=icpc - datetime.timedelta(days=3))
        story.book(conference=conf, chair=chair, actor=chair, day=icpc)
    with freeze_time(story.at(icpc, 17)):
        conference_services.conference_hold(actor=chair, conference=conf, held_on=icpc, quorum_override_reason="T")
        conference_services.conference_decide(
            actor=chair, conference=conf, outcome="plan", category="NEG", lead_social_worker=social_worker,
            actions=[conference_services.ActionInput(description="Visits", owner_name="Social worker",
                                                     due_date=icpc + datetime.timedelta(days=28))])
    with freeze_time(ended - datetime.timedelta(days=5)):
        review = conference_services.conference_request(actor=social_worker, child=child, kind="review")
        story.book(conference=review, chair=chair, actor=chair, day=ended)
    with freeze_time(story.at(ended, 17)):
        conference_services.conference_hold(actor=chair, conference=review, held_on=ended,
                                            quorum_override_reason="T")
        conference_services.conference_decide(actor=chair, conference=review, outcome="end",
                                              end_reason="harm_reduced", next_step="cin_plan")
    return child


def test_a_foster_carers_review_on_a_phone_and_a_child_in_need_review_after_a_plan(page, foster_review, cin_review,
                                                                                    chair, la):
    review, mia = foster_review
    officer = review.reviewing_officer
    page.set_viewport_size(PHONE)
    log_in(page, officer, "/reviews/")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # the service navigation folds away on a narrow screen
        menu.click()
    page.get_by_role("link", name="Foster carers' reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foster carers' reviews")
    assert_accessible(page, "the households, on a phone")
    page.get_by_role("link", name="Jo Carer and Sam Carer").click()
    expect(page.locator("#household-summary")).to_contain_text("Up to two children aged 0 to 10")
    assert_accessible(page, "the household")
    page.get_by_role("link", name=review.planned_for.strftime("%-d %B %Y")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foster carers' review")
    assert_accessible(page, "the review form, empty")

    # a child's views: the errors first
    page.get_by_role("link", name="Add a child's views").click()
    page.get_by_role("button", name="Add the child's views").click()
    expect(error_summary(page)).to_contain_text("Choose how the child gave their views")
    assert_accessible(page, "a child's views with errors")
    page.get_by_label("The child's reference").fill(mia.local_child_id)
    page.get_by_label("Seen by the reviewing officer on their own").check()
    page.get_by_label("What the child said").fill("I like living here and I want to stay.")
    page.get_by_role("button", name="Add the child's views").click()
    expect(page.get_by_text("The child's views have been added.")).to_be_visible()
    expect(page.locator("#children ~ .govuk-summary-card").first).to_contain_text("I want to stay")

    page.get_by_label("The carers' views").fill("A good year; they would like training on trauma.")
    page.get_by_label("Your report").fill("The carers and their household remain suitable.")
    page.get_by_label("Continue the approval on the same terms").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review has been saved.")).to_be_visible()
    assert_accessible(page, "the review form, written")
    page.get_by_role("link", name="Complete the review").click()
    expect(page.get_by_text("Once completed, the review cannot be changed.")).to_be_visible()
    assert_accessible(page, "completing the review")
    page.get_by_role("button", name="Complete the review").click()
    expect(page.get_by_text("The review is complete.")).to_be_visible()
    expect(page.locator("#review-summary")).to_contain_text("Completed")

    # the chair's child in need review, three months after the plan ended
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, chair, "/conferences/cin-reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Child in need reviews after a plan")
    assert_accessible(page, "the child in need reviews")
    page.get_by_role("link", name="Cara Lane").click()
    expect(page.locator("#cin-review-summary")).to_contain_text("Due: not booked yet")
    assert_accessible(page, "the child in need review, due")
    page.get_by_role("link", name="Record the review").click()
    page.get_by_role("button", name="Record the review").click()
    expect(error_summary(page)).to_contain_text("Enter who took part")
    assert_accessible(page, "recording the review, with errors")
    today = datetime.date.today()
    group = page.get_by_role("group", name="Date of the review")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Who took part").fill("Mother\nSocial worker\nSchool")
    page.get_by_label("The child's progress since the plan ended").fill("Cara is settled and attending school.")
    page.get_by_label("Continue the child in need plan").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("The review has been recorded.")).to_be_visible()
    expect(page.locator("#record + .govuk-summary-list")).to_contain_text("Cara is settled")
    assert_accessible(page, "the child in need review, held")
