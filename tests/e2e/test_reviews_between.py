"""Between reviews in Chromium (ADR 14): the IRO goes from the caseload to a child's monitoring page,
quality-assures the care plan (its errors first), and the IRO manager reads the themes as a chart and a table
on a phone; axe-core on each page."""

import datetime

import pytest
from playwright.sync_api import expect

from reviews.models import CarePlanQA
from tests.factories import ChildFactory
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of

from .helpers import assert_accessible, error_summary, log_in

pytestmark = pytest.mark.e2e


def test_the_iro_quality_assures_a_plan_and_the_manager_reads_the_themes(page, la, team, social_worker, iro):
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2016, 2, 1))
    manager = iro_manager_of(la)
    AllocatedEpisodeFactory(child=child, iro=iro, iro_manager=manager)

    log_in(page, iro, "/reviews/")
    page.get_by_role("link", name="Jade Holloway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Between reviews")
    expect(page.locator("#monitoring-summary")).to_contain_text("Social worker's next visit due by")
    assert_accessible(page, "the monitoring page, nothing recorded yet")

    page.get_by_role("link", name="Quality-assure the care plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality-assure the care plan")
    page.get_by_role("group", name="The child's lived experience: your judgement").get_by_label("Inadequate").check()
    page.get_by_role("button", name="Send the feedback").click()
    expect(error_summary(page)).to_contain_text("Choose your judgement of permanence")
    assert_accessible(page, "the quality assurance form with errors")

    page.get_by_label("The child's lived experience: what you found").fill("She has no say in contact.")
    for part in ("Permanence", "Placement", "Health", "Education", "Contact with family and friends", "Identity"):
        page.get_by_role("group", name=f"{part}: your judgement").get_by_label("Good").check()
        page.get_by_label(f"{part}: what you found").fill("As planned.")
    page.get_by_label("Your feedback to the social worker and their team manager").fill("Ask Jade about contact.")
    page.get_by_role("button", name="Send the feedback").click()
    expect(page.get_by_text("Your judgement has been recorded.")).to_be_visible()
    expect(page.get_by_role("table", name="The IRO's grade and comment on each part of the care plan")).to_contain_text(
        "She has no say in contact.")
    assert_accessible(page, "the quality assurance page")
    assert CarePlanQA.objects.get().judgements.filter(grade="inadequate").count() == 1

    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, manager, "/reviews/quality/themes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality assurance themes")
    expect(page.get_by_role("table", name="The numbers", exact=False)).to_contain_text("lived experience")
    expect(page.get_by_text("Inadequate: 1")).to_be_visible()
    assert_accessible(page, "the themes at 360 pixels")
