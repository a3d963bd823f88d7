"""Preparing a review in Chromium (ADR 15): the social worker sets the time and place, invites the child's mother,
sends the invitation after confirming it, and makes her link; the mother gives her views on a narrow phone
without an account; they land on the review page. axe-core in each state."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from reviews import invitation_calendar
from reviews.models import InviteeConsultation
from tests.factories import ChildFactory
from tests.factories.reviews import ScheduledReviewFactory, iro_manager_of

from .helpers import assert_accessible, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()


@pytest.fixture
def booked(la, team, social_worker, team_manager, iro):
    today = datetime.date.today()
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2014, 2, 1))
    return ScheduledReviewFactory(child=child, iro=iro, iro_manager=iro_manager_of(la),
                                  start_date=today - datetime.timedelta(days=1))


def test_the_social_worker_invites_the_mother_who_gives_her_views_on_a_phone(page, context, booked, social_worker):
    log_in(page, social_worker, f"/reviews/r/{booked.public_id}/")
    page.get_by_role("link", name="Set the time and place").click()
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Where (optional)").fill("Oakfield Primary School")
    page.get_by_role("button", name="Save the time and place").click()
    expect(page.locator("#invitations + .govuk-summary-list")).to_contain_text("Oakfield Primary School")

    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone to the review")
    page.get_by_label("Parent or person with parental responsibility").check()
    page.get_by_label("Someone else").check()
    page.get_by_label("Their name (optional)").fill("Dawn Holloway")
    page.get_by_label("Their email address (optional)").fill("dawn@example.org")
    assert_accessible(page, "inviting someone")
    page.get_by_role("button", name="Invite them").click()
    expect(page.locator("#invitation-list")).to_contain_text("Dawn Holloway")
    assert_accessible(page, "the review with its invitations")

    page.get_by_role("link", name="Send the invitations").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("Emails cannot be taken back once sent.")
    assert_accessible(page, "confirming the invitations")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 invitation sent.")
    invitation_calendar.send_pending(review_id=booked.pk)  # (sent already when the request committed)
    (sent,) = [m for m in mail.outbox if m.attachments]
    assert sent.to == ["dawn@example.org"] and "Holloway" not in sent.body

    page.get_by_role("link", name="Ask for their views of Dawn Holloway").click()
    page.get_by_role("button", name="Make the link").click()
    link = page.get_by_label("Copy the link now and send it to them: it is not shown again").input_value()
    assert re.search(r"/reviews/voice/[A-Za-z0-9_-]{43}/$", link)

    # the mother, on her phone, signed in to nothing
    phone = context.browser.new_context(base_url=page.url.split("/reviews/")[0], locale="en-GB",
                                        viewport=PHONE, is_mobile=True, has_touch=True)
    mother = phone.new_page()
    mother.goto(link)
    expect(mother.get_by_role("heading", level=1)).to_have_text("Your views before Jade's review")
    assert mother.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(mother, "the parent's form on a phone")
    mother.get_by_label("Is anything worrying you? (optional)").fill("She misses her brother")
    mother.get_by_label("Yes").check()
    mother.get_by_role("button", name="Check and send").click()
    expect(mother.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert_accessible(mother, "checking the answers")
    mother.get_by_role("button", name="Send to the IRO").click()
    expect(mother.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(mother, "sent")
    phone.close()
    assert InviteeConsultation.objects.get().worries == "She misses her brother"

    page.goto(f"/reviews/r/{booked.public_id}/")
    expect(page.locator("#invitee-views + .govuk-summary-card")).to_contain_text("She misses her brother")
