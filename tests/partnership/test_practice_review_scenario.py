"""The practice review's statutory story (issue 12, section 7; ADR 24): a serious incident's rapid review decides a
local child safeguarding practice review; the business unit records its terms, reviewer, methodology and
involvement, two drafts, the copy to the National Panel and DfE, and publishes it on time; its action plan's
actions are tracked to evidence by the agencies that own them, one late with its reason, and the library and the
themes table show the learning."""

from datetime import date

import pytest
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat, PracticeReview, ReviewAction
from partnership.selectors import library, themes_by_year, tracker
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.clock.models import Deadline
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


def test_a_practice_review_from_a_rapid_review_to_publication_and_its_actions_to_evidence(
        la, police, health, school, police_officer, business_unit):
    bu = business_unit
    school_lead = make_user(school, Role.PARTNER_PRACTITIONER)
    health_lead = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(school_lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    pf.seat(health_lead, health, PartnershipSeat.Kind.AGENCY_LEAD)
    with freeze_time("2027-03-24 16:00"):
        rapid = pf.rapid_review(business_unit=bu, referrer=police_officer, agency=police, la=la,
                                aware_on=D(2027, 3, 24))
    with freeze_time("2027-04-15 16:00"):   # the rapid review's decision: a local review
        review = services.practice_review_start(actor=bu, referral=rapid.referral, kind="lcspr",
                                                decided_on=D(2027, 4, 15))
    clock = Deadline.objects.get(subject_id=review.pk, rule_key="lcspr")
    assert review.rapid_review == rapid and clock.due_date == D(2027, 10, 15)   # six months on, a Friday

    with freeze_time("2027-05-10 10:00"):
        services.practice_review_record(actor=bu, review=review, terms_of_reference="Agencies' work with the family",
                                        terms_agreed_on=D(2027, 5, 6), reviewer="Independent reviewer",
                                        reviewer_appointed_on=D(2027, 4, 29), methodology="systems",
                                        family_involvement="Both parents met the reviewer",
                                        practitioner_involvement="Two learning events",
                                        themes=["neglect", "information_sharing"])
        recommendation = services.recommendation_add(actor=bu, review=review, text="Share absence data")
        to_school = services.action_add(actor=bu, recommendation=recommendation, description="Absence protocol",
                                        owner_agency=school, due_on=D(2027, 9, 30))
        to_health = services.action_add(actor=bu, recommendation=recommendation, description="Missed visits audit",
                                        owner_agency=health, due_on=D(2027, 8, 31))
    with freeze_time("2027-08-02 10:00"):
        services.review_draft_add(actor=bu, review=review, received_on=D(2027, 7, 20))
        services.review_draft_add(actor=bu, review=review, received_on=D(2027, 8, 2), comments="Final draft")
        services.practice_review_panel_copy(actor=bu, review=review, sent_on=D(2027, 8, 2))
        services.action_evidence_add(actor=school_lead, action=to_school, file=named(pdf_bytes(), "protocol.pdf"),
                                     description="The new protocol")
        services.action_update(actor=school_lead, action=to_school, status="complete", completed_on=D(2027, 8, 2))
    with freeze_time("2027-09-06 10:00"):   # the health action is overdue on the tracker
        ctx = AccessContext.for_user(bu)
        view = tracker(ctx=ctx, today=D(2027, 9, 6))
        assert view["counts"]["overdue"] == 1 and view["counts"]["complete"] == 1
        assert [r["action"] for r in view["actions"] if r["overdue"]] == [to_health]
        review = services.practice_review_publish(actor=bu, review=review, published_on=D(2027, 9, 6),
                                                  published_where="https://scp.example/lcspr-2027-01",
                                                  learning_summary="See the family whole; share absence data.")
        services.action_evidence_add(actor=health_lead, action=to_health, file=named(pdf_bytes(), "audit.pdf"))
        services.action_update(actor=health_lead, action=to_health, status="complete", completed_on=D(2027, 9, 6),
                               progress_note="The audit waited for the new records system")

    assert review.status == PracticeReview.Status.PUBLISHED
    assert Deadline.objects.get(pk=clock.pk).status == Deadline.Status.MET_ON_TIME
    chased = {d.subject_id: d for d in Deadline.objects.filter(rule_key="partnership_action")}
    assert chased[to_school.pk].status == Deadline.Status.MET_ON_TIME
    assert (chased[to_health.pk].status, chased[to_health.pk].late_reason) == (
        Deadline.Status.MET_LATE, "The audit waited for the new records system")
    assert set(ReviewAction.objects.values_list("status", flat=True)) == {ReviewAction.Status.COMPLETE}
    lead_ctx = AccessContext.for_user(school_lead)
    assert library(ctx=lead_ctx) == [review]
    table = themes_by_year(ctx=AccessContext.for_user(bu))
    assert table["years"] == [2027] and {r["key"]: r["counts"] for r in table["table"]} == {
        "neglect": [1], "information_sharing": [1]}
