"""A period of care in Chromium, from the social worker to the first review booked: the social worker records that
the child became looked after (the errors first), the IRO manager allocates the IRO (the siblings' IRO and the
footprints offered), the IRO books the first review; axe-core on every page, the looked-after page at phone
width too."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import IroAllocation, LookedAfterEpisode, Review
from tests.factories import ChildFactory
from tests.factories.reviews import iro_manager_of

from .helpers import assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e


def fill_date(group, d):
    group.get_by_label("Day").fill(str(d.day))
    group.get_by_label("Month").fill(str(d.month))
    group.get_by_label("Year").fill(str(d.year))


def test_the_social_worker_starts_a_period_of_care_the_manager_allocates_and_the_iro_books(
        page, la, team, social_worker, iro):
    manager = iro_manager_of(la)
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2016, 2, 1),
                         local_child_id="LC-JADE")
    today = timezone.localdate()

    # the social worker: the way in from the child's record leads to the form; its errors first
    log_in(page, social_worker, f"/reviews/children/{child.public_id}/looked-after/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that the child became looked after")
    expect(page.get_by_role("link", name="Jade Holloway")).to_be_visible()
    page.get_by_role("button", name="Save the period of care").click()
    expect(error_summary(page)).to_contain_text("Choose the legal status")
    assert_accessible(page, "starting a period of care, with errors")
    page.get_by_label("Legal status", exact=True).select_option("C1")
    page.get_by_label("N1: Abuse or neglect").check()
    page.get_by_label("Placement type").select_option("U6")
    page.get_by_label("PR1: Own provision (by the local authority)").check()
    page.get_by_label("The carers, the home or the provider").fill("Sam and Alex Carter")
    page.get_by_label("Postcode of the placement").fill("nm1 4ab")
    page.get_by_role("button", name="Save the period of care").click()
    expect(page.get_by_text("The period of care has been recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Looked after since {today:%-d %B %Y}")
    expect(page.locator("#iro")).to_contain_text("Not allocated")
    assert_accessible(page, "the looked-after page, waiting for an IRO")
    episode = LookedAfterEpisode.objects.get(child=child)

    # the IRO manager allocates the IRO
    log_in(page, manager, f"/reviews/e/{episode.public_id}/")
    page.get_by_role("link", name="Allocate an IRO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate an IRO")
    expect(page.locator("#officers")).to_contain_text("0 in all: 0 looked after, 0 child protection")
    assert_accessible(page, "the allocation page")
    page.get_by_label(iro.display_name).check()
    page.get_by_role("button", name="Appoint the IRO").click()
    expect(page.get_by_text(f"{iro.display_name} is the child's IRO from")).to_be_visible()
    assert IroAllocation.objects.get(episode=episode).iro == iro

    # the IRO books the first review
    log_in(page, iro, f"/reviews/e/{episode.public_id}/")
    page.get_by_role("link", name="Book the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book the review")
    fill_date(page.get_by_role("group", name="Date of the review"), today + datetime.timedelta(days=7))
    assert_accessible(page, "booking the review")
    page.get_by_role("button", name="Book the review").click()
    expect(page.get_by_text("The review is booked for")).to_be_visible()
    review = Review.objects.get(episode=episode)
    assert review.status == "scheduled" and review.iro == iro

    # the looked-after page on a phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/reviews/e/{episode.public_id}/")
    expect(page.locator("#open-review")).to_contain_text("Booked for")
    assert_accessible(page, "the looked-after page at 360 pixels")
