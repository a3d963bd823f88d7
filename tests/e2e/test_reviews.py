"""A looked-after review in Chromium, from the IRO's caseload to the signed record: the review page, the record
written live (each section saves itself as it is typed), a decision added (its errors first), the decisions
circulated late with a reason, the record signed and sent with its PDFs, the manager's ratification; axe-core
on every page in each state."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from reviews import selectors
from reviews.models import ReviewRecord
from tests.factories import ChildFactory
from tests.factories.reviews import RECORD_TEXT, HeldReviewFactory, iro_manager_of, write_record

from .helpers import after_the_autosave_pause, assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e


def fill_date(group, d):
    group.get_by_label("Day").fill(str(d.day))
    group.get_by_label("Month").fill(str(d.month))
    group.get_by_label("Year").fill(str(d.year))


@pytest.fixture
def held(la, team, social_worker, team_manager, iro):
    """Jade Holloway's first review, held about two weeks ago (PN1), chaired by the IRO; every part of the
    record written but the child's wishes and feelings."""
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2016, 2, 1),
                         local_child_id="LC-JADE")
    review = HeldReviewFactory(child=child, iro=iro, iro_manager=iro_manager_of(la))
    write_record(review, iro, {k: v for k, v in RECORD_TEXT.items() if k != "child_wishes"})
    return review


def test_the_iro_runs_the_review_from_the_caseload_to_the_signed_record(page, held, iro, team_manager):
    page.clock.install()  # real pace; moved on past the autosave pause after typing
    log_in(page, iro, "/reviews/")
    page.get_by_role("link", name=held.held_on.strftime("%-d %b %Y")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First review")
    expect(page.get_by_role("link", name="Jade Holloway")).to_be_visible()
    expect(page.locator("#review-summary")).to_contain_text("PN1: Child physically attends")
    assert_accessible(page, "the review page, held, no decisions")

    # the record, written live: the child's wishes and feelings save themselves
    page.get_by_role("link", name="Write the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review record")
    expect(page.get_by_text("Each section is saved a moment after you stop typing")).to_be_visible()
    assert_accessible(page, "the record editor")
    page.get_by_label("The child's wishes and feelings").fill("Jade wants to stay with Sam and Alex")
    after_the_autosave_pause(page)
    expect(page.locator("#status-child_wishes")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"))
    assert ReviewRecord.objects.get(review=held).child_wishes == "Jade wants to stay with Sam and Alex"
    page.get_by_role("link", name="Back to the review").first.click()

    # a decision: its errors first, then added
    page.get_by_role("link", name="Add a decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a decision")
    page.get_by_role("button", name="Add the decision").click()
    expect(error_summary(page)).to_contain_text("Enter what is to be done")
    assert_accessible(page, "a decision with errors")
    page.get_by_label("What is to be done").fill("Update the care plan with the permanence plan")
    page.get_by_label(held.episode.child.allocated_social_worker.display_name).check()
    fill_date(page.get_by_role("group", name="Due by"), held.held_on.replace(year=held.held_on.year + 1))
    page.get_by_label("The same in plain words, for the child's letter").fill(
        "Your social worker will write down your plan.")
    page.get_by_role("button", name="Add the decision").click()
    expect(page.get_by_text("Decision 1 has been added.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("decisions"))).to_contain_text("Update the care plan")
    assert_accessible(page, "the review page with a decision")

    # circulated late (the decisions were due 5 working days after the review): the page asks why
    page.get_by_role("link", name="Circulate the decisions").click()
    fill_date(page.get_by_role("group", name="Date the decisions were sent"), datetime.date.today())
    page.get_by_label("Why were the decisions sent late?").fill("The IRO was on leave")
    assert_accessible(page, "circulating the decisions")
    page.get_by_role("button", name="Record the decisions as sent").click()
    expect(page.get_by_text("The decisions have been recorded as circulated.")).to_be_visible()

    # signed and sent: the record and the letter to the child published
    page.get_by_role("link", name="Sign and send the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign and send the record")
    page.get_by_label("How can the child reach you?").fill("Phone 01632 960 123")
    assert_accessible(page, "signing the record")
    page.get_by_role("button", name="Sign and send the record").click()
    expect(page.get_by_text("The record has been signed and sent to the manager.")).to_be_visible()
    expect(page.get_by_role("link", name="Letter to the child (PDF, version 1)")).to_be_visible()
    assert_accessible(page, "the review page, signed")
    assert sorted(selectors.latest_documents(held)) == ["child_letter", "record"]

    # the manager ratifies it
    log_in(page, team_manager, f"/reviews/r/{held.public_id}/ratify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ratify the review record")
    expect(page.get_by_role("link", name="Download the record (PDF, version 1)")).to_be_visible()
    assert_accessible(page, "the ratification")
    page.get_by_label("Yes, I ratify it").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Your answer has been recorded.")).to_be_visible()
    expect(page.locator("#after")).to_be_visible()
    assert selectors.record_of(held).ratification == "ratified"


def test_the_review_page_on_a_phone(page, held, social_worker):
    """The social worker's view of the review on a narrow screen: the tables fit, axe is clean."""
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, social_worker, f"/reviews/r/{held.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("First review")
    assert_accessible(page, "the review page at 360 pixels")
