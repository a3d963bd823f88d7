"""The child's own form on a narrow phone screen, in Chromium, without an account: opened by their link,
saved and finished later, checked and sent; saying they feel unsafe shows them who has been told; axe-core in
each state. And the IRO making the link."""

import datetime
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from reviews import selectors
from safeguarding.accounts import middleware
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory
from tests.factories.reviews import ScheduledReviewFactory, iro_manager_of

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def public():
    """The child's pages are open without an account: ``reviews:voice`` is in the kernel's public pages.
    The rate limits start from nothing."""
    assert "reviews:voice" in middleware.PUBLIC_URL_NAMES
    cache.clear()


@pytest.fixture
def booked(la, team, social_worker, team_manager, iro):
    """Jade's review, booked for the day before her first review is due (in the future)."""
    today = datetime.date.today()
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2014, 2, 1))
    return ScheduledReviewFactory(child=child, iro=iro, iro_manager=iro_manager_of(la),
                                  start_date=today - datetime.timedelta(days=1))


def test_the_iro_makes_the_link_and_the_child_gives_their_views_on_a_phone(page, context, booked, iro,
                                                                          social_worker):
    log_in(page, iro, f"/reviews/r/{booked.public_id}/")
    page.get_by_role("link", name="Ask the child for their views (a link for their phone)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the child for their views")
    assert_accessible(page, "making the child's link")
    page.get_by_label("The child, on their own phone or a carer's").check()
    page.get_by_role("button", name="Make the link").click()
    link = page.get_by_label("Copy the link now and send it to them: it is not shown again").input_value()
    assert re.search(r"/reviews/voice/[A-Za-z0-9_-]{43}/$", link)
    assert_accessible(page, "the link shown once")

    # the child, on their phone, signed in to nothing
    phone = context.browser.new_context(base_url=page.url.split("/reviews/")[0], locale="en-GB",
                                        viewport=PHONE, is_mobile=True, has_touch=True)
    child = phone.new_page()
    child.goto(link)
    expect(child.get_by_role("heading", level=1)).to_have_text("Hello Jade")
    expect(child.get_by_role("link", name="Safeguarding Hub")).to_have_count(0)
    assert child.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    assert_accessible(child, "the child's form on a phone")

    child.get_by_label("How are things where you live?").fill("I like my carers but I miss my brother")
    child.get_by_label("No, I feel unsafe").check()
    child.get_by_role("button", name="Save and finish later").click()
    expect(child.get_by_role("alert")).to_contain_text("We have told your social worker straight away")
    assert Notification.objects.filter(recipient=social_worker,
                                       subject="A looked-after child said they do not feel safe").exists()
    assert_accessible(child, "saved, having said they feel unsafe")

    # later: the same link, what they wrote is there; they finish, check and send
    child.goto(link)
    expect(child.get_by_label("How are things where you live?")).to_have_value(
        "I like my carers but I miss my brother")
    child.get_by_label("What do you want your review to decide?").fill("To see my brother every week")
    child.get_by_label("I don't want to come. This form says what I think").check()
    child.get_by_role("button", name="Check and send").click()
    expect(child.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert_accessible(child, "checking the answers")
    child.get_by_role("button", name="Send to my IRO").click()
    expect(child.get_by_role("heading", level=1)).to_have_text("Thank you, Jade")
    assert_accessible(child, "sent")
    consultation = selectors.consultations_of(booked)[0]
    assert consultation.sent_at is not None and consultation.suggested_participation == "PN6"
    assert consultation.to_decide == "To see my brother every week"
    phone.close()

    # the IRO sees it on the review
    page.goto(f"/reviews/r/{booked.public_id}/")
    expect(page.locator("#child-voice + .govuk-summary-card")).to_contain_text("To see my brother every week")
    assert_accessible(page, "the review with the child's own words")
