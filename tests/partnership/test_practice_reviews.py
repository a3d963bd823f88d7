"""Practice reviews and their action plans (issue 12, section 3; ADR 24): starting a review from a rapid review
or a triage, recording it, publishing it on its clock (late: the reason), and actions tracked to evidence."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from partnership import services
from partnership.models import PartnershipSeat, PracticeReview, Referral, ReviewAction
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import make_user
from tests.factories import partnership as pf
from tests.uploads.conftest import _upload_root_base, named, pdf_bytes, upload_root  # noqa: F401

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture(autouse=True)
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_RAPID_REVIEW_STEPS = None


@pytest.fixture
def learning(la, police, police_officer, business_unit):
    with freeze_time("2027-01-11 12:00"):
        referral = pf.learning_review_referral(business_unit=business_unit, referrer=police_officer, agency=police,
                                               la=la, aware_on=D(2027, 1, 8))
        return pf.practice_review(business_unit=business_unit, referral=referral, decided_on=D(2027, 1, 11))


def _deadline(obj):
    return Deadline.objects.get(subject_id=obj.pk, rule_key__in=("lcspr", "learning_review", "partnership_action"),
                                subject_type__model=type(obj)._meta.model_name)


def test_a_learning_review_starts_from_the_triage_on_its_own_clock(learning):
    assert learning.kind == PracticeReview.Kind.LEARNING_REVIEW and learning.rapid_review is None
    assert learning.reference == "LR 2027-01"
    deadline = _deadline(learning)
    assert (deadline.rule_key, deadline.due_date, deadline.label) == ("learning_review", D(2027, 7, 9),
                                                                     "Learning review concluded")  # Sun 11 July
    assert CaseEvent.objects.filter(code="partnership.practice_review_started").count() == 1


@freeze_time("2027-01-11 12:00")
def test_an_lcspr_needs_a_rapid_review_and_starting_twice_returns_the_review(learning, la, police, police_officer,
                                                                             business_unit):
    with pytest.raises(ValidationError) as e:
        services.practice_review_start(actor=business_unit, referral=learning.referral, kind="lcspr",
                                       decided_on=D(2027, 1, 11))
    assert "kind" in e.value.message_dict
    assert services.practice_review_start(actor=business_unit, referral=learning.referral, kind="learning_review",
                                          decided_on=D(2027, 1, 11)) == learning
    pending = pf.referral(referrer=police_officer, agency=police, la=la, aware_on=D(2027, 1, 8))
    with pytest.raises(ValidationError) as e:
        services.practice_review_start(actor=business_unit, referral=pending, kind="learning_review",
                                       decided_on=D(2027, 1, 11))
    assert "referral" in e.value.message_dict
    rapid = pf.rapid_review(business_unit=business_unit, referrer=police_officer, agency=police, la=la,
                            aware_on=D(2027, 1, 4))
    lcspr = services.practice_review_start(actor=business_unit, referral=rapid.referral, kind="lcspr",
                                           decided_on=D(2027, 1, 11))
    assert lcspr.rapid_review == rapid and lcspr.reference == "LCSPR 2027-01"
    assert _deadline(lcspr).due_date == D(2027, 7, 9)  # national rule: 6 months, Sunday 11 July back to Friday


@freeze_time("2027-01-11 12:00")
def test_only_the_business_unit_starts_or_records_a_review(learning, police_officer, health):
    delegate = make_user(health, Role.PARTNER_PRACTITIONER)
    pf.seat(delegate, health)
    with pytest.raises(Http404):
        services.practice_review_start(actor=police_officer, referral=learning.referral, kind="learning_review",
                                       decided_on=D(2027, 1, 11))
    with pytest.raises(Http404):
        services.practice_review_record(actor=police_officer, review=learning, reviewer="X")
    with pytest.raises(ValidationError):  # a delegate sees the review but does not run it
        services.practice_review_record(actor=delegate, review=learning, reviewer="X")


@freeze_time("2027-02-01 12:00")
def test_recording_checks_its_fields_and_nothing_changed_writes_nothing(learning, business_unit):
    with pytest.raises(ValidationError) as e:
        services.practice_review_record(actor=business_unit, review=learning, reviewer="Dr A Reviewer",
                                        terms_agreed_on=D(2027, 1, 20), themes=["neglect", "astrology"],
                                        methodology="guesswork")
    assert set(e.value.message_dict) == {"reviewer_appointed_on", "terms_of_reference", "themes", "methodology"}
    review = services.practice_review_record(actor=business_unit, review=learning, reviewer="Dr A Reviewer",
                                             reviewer_appointed_on=D(2027, 1, 25), themes=["neglect", "neglect"])
    assert review.themes == ["neglect"]
    count = review.history.count()
    services.practice_review_record(actor=business_unit, review=review, reviewer=" Dr A Reviewer ")
    assert review.history.count() == count


def _ready(review, bu, *, kind_lcspr=False):
    services.practice_review_record(actor=bu, review=review, terms_of_reference="How agencies saw neglect",
                                    terms_agreed_on=D(2027, 1, 20), reviewer="Dr A Reviewer",
                                    reviewer_appointed_on=D(2027, 1, 25), methodology="systems",
                                    family_involvement="Mother met the reviewer",
                                    practitioner_involvement="A learning event", themes=["neglect", "education"])
    services.review_draft_add(actor=bu, review=review, received_on=D(2027, 4, 1), comments="More on school")


def test_publication_needs_the_pieces_and_a_late_one_its_reason(learning, business_unit):
    bu = business_unit
    with freeze_time("2027-08-02 12:00"):
        with pytest.raises(ValidationError) as e:
            services.practice_review_publish(actor=bu, review=learning, published_on=D(2027, 8, 2),
                                             published_where="https://example.org/lr-2027-01")
        assert {"terms_of_reference", "reviewer", "methodology", "drafts", "learning_summary",
                "delay_reason"} <= set(e.value.message_dict)
        assert "panel_copy_sent_on" not in e.value.message_dict  # a learning review: no copy to the Panel needed
        _ready(learning, bu)
        with pytest.raises(ValidationError) as e:
            services.practice_review_publish(actor=bu, review=learning, published_on=D(2027, 8, 2),
                                             published_where="https://example.org/lr-2027-01",
                                             learning_summary="Neglect seen late")
        assert set(e.value.message_dict) == {"delay_reason"}
        review = services.practice_review_publish(actor=bu, review=learning, published_on=D(2027, 8, 2),
                                                  published_where="https://example.org/lr-2027-01",
                                                  learning_summary="Neglect seen late", delay_reason="Inquest")
    assert review.status == PracticeReview.Status.PUBLISHED
    deadline = _deadline(review)
    assert (deadline.status, deadline.met_on, deadline.late_reason) == (Deadline.Status.MET_LATE, D(2027, 8, 2),
                                                                        "Inquest")
    with pytest.raises(ValidationError):
        services.practice_review_record(actor=bu, review=review, reviewer="Someone else")


@freeze_time("2027-03-01 12:00")
def test_an_action_is_chased_and_its_leads_are_told(learning, business_unit, school):
    lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    action = pf.action(business_unit=business_unit, review=learning, agency=school, due_on=D(2027, 3, 29))
    deadline = _deadline(action)
    assert (deadline.due_date, deadline.label, deadline.responsible_person) == (D(2027, 3, 25), "Review action due",
                                                                               business_unit)  # Easter Monday
    note = Notification.objects.get(recipient=lead)
    assert "LR 2027-01" in note.subject and "Example" not in note.body
    with pytest.raises(ValidationError) as e:
        services.action_add(actor=business_unit, recommendation=action.recommendation, description="",
                            owner_agency=None, due_on=D(2026, 1, 1))
    assert set(e.value.message_dict) == {"description", "owner_agency", "due_on"}


@freeze_time("2027-03-01 12:00")
def test_an_action_is_complete_only_with_evidence_or_a_reason(learning, business_unit, school, police):
    lead = make_user(school, Role.PARTNER_PRACTITIONER)
    pf.seat(lead, school, PartnershipSeat.Kind.AGENCY_LEAD)
    police_lead = make_user(police, Role.PARTNER_PRACTITIONER)
    pf.seat(police_lead, police, PartnershipSeat.Kind.AGENCY_LEAD)
    action = pf.action(business_unit=business_unit, review=learning, agency=school, due_on=D(2027, 3, 29))
    with pytest.raises(Http404):  # another agency's action looks missing
        services.action_update(actor=police_lead, action=action, status="in_progress", progress_note="x")
    with pytest.raises(Http404):
        services.action_evidence_add(actor=police_lead, action=action, file=named(pdf_bytes(), "audit.pdf"))
    with pytest.raises(ValidationError) as e:
        services.action_update(actor=lead, action=action, status="complete", completed_on=D(2027, 3, 1))
    assert set(e.value.message_dict) == {"no_evidence_reason"}
    with pytest.raises(ValidationError) as e:
        services.action_update(actor=lead, action=action, status="cancelled", cancel_reason="Not ours")
    assert set(e.value.message_dict) == {"status"}  # only the business unit
    action = services.action_update(actor=lead, action=action, status="in_progress", progress_note="Audit begun")
    assert services.action_update(actor=lead, action=action, status="in_progress",
                                  progress_note="Audit begun") == action
    services.action_evidence_add(actor=lead, action=action, file=named(pdf_bytes(), "audit.pdf"),
                                 description="The audit report")
    action = services.action_update(actor=lead, action=action, status="complete", completed_on=D(2027, 3, 1),
                                    progress_note="Audit done")
    assert action.status == ReviewAction.Status.COMPLETE and _deadline(action).status == Deadline.Status.MET_ON_TIME
    with pytest.raises(ValidationError):  # closed
        services.action_update(actor=business_unit, action=action, status="in_progress")
    other = pf.action(business_unit=business_unit, review=learning, agency=school, due_on=D(2027, 3, 29),
                      recommendation=action.recommendation)
    done = services.action_update(actor=lead, action=other, status="complete", completed_on=D(2027, 3, 1),
                                  no_evidence_reason="Training attendance is kept by the trainer")
    assert done.no_evidence_reason and done.number == 2
    third = pf.action(business_unit=business_unit, review=learning, agency=school, due_on=D(2027, 3, 29),
                      recommendation=action.recommendation)
    cancelled = services.action_update(actor=business_unit, action=third, status="cancelled",
                                       cancel_reason="Superseded by action 1")
    assert _deadline(cancelled).status == Deadline.Status.CANCELLED


def test_the_referral_is_kept_as_triaged(learning):
    assert learning.referral.triage == Referral.Triage.LEARNING_REVIEW
