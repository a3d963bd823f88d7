"""Partner agencies and looked-after reviews (issue 10, section 4; ADR 16): the agency a decision names marks it
done (``services.review_decision_complete``, the service asking ``decision_policy`` again; the page that does
it), and the edges of the partner arms the permission matrix (tests/reviews/test_policy_matrix.py) does not
cross: an involvement that has ended, the agency's API client, the child's own authority as an owner.

A police force owns decision 1 of a held review of a looked-after child, circulated the next working day."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as cases_services
from reviews import services
from reviews.models import ReviewDecision
from reviews.policies import decision_policy, review_summary_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.accounts.services import api_client_create
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.factories import SchoolFactory, make_user
from tests.factories.reviews import AgencyDecisionFactory, iro_manager_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_partner_access")]  # one world


def _build() -> SimpleNamespace:
    decision = AgencyDecisionFactory()
    return SimpleNamespace(
        decision=decision,
        # a practitioner of the police force that owns the decision
        officer=make_user(decision.owner_agency, Role.PARTNER_PRACTITIONER, full_name="Pat Police"),
        school=make_user(SchoolFactory(), Role.PARTNER_PRACTITIONER),
        manager=iro_manager_of(decision.review.episode.child.local_authority),
    )


world = shared_world(_build)  # each test runs in a savepoint: what it writes is its own


@pytest.fixture
def decision(world):
    return ReviewDecision.objects.select_related("review__episode__child", "owner_agency").get(pk=world.decision.pk)


@pytest.fixture
def officer(world):
    return world.officer


def ctx(user) -> AccessContext:
    return AccessContext.for_user(user)


def yesterday():
    return timezone.localdate() - timedelta(days=1)


# --- the service -------------------------------------------------------------------------------------------
def test_the_owner_agency_marks_its_decision_done_and_the_iro_and_social_worker_are_told(decision, officer):
    review = decision.review
    done = services.review_decision_complete(actor=officer, decision=decision, done_on=yesterday(),
                                             note="  Call-outs shared with the social worker  ")
    assert (done.status, done.done_on, done.progress_note) == ("done", yesterday(),
                                                               "Call-outs shared with the social worker")
    latest = done.history.first()
    assert latest.history_user == officer and latest.history_change_reason == "Done: reported by the owner agency"
    event = CaseEvent.objects.filter(code="lac.decision_updated", subject_id=review.pk).latest("id")
    assert event.payload["status"] == "done" and event.payload["owner_agency"] == decision.owner_agency_id
    told = Notification.objects.filter(subject="A decision from a looked-after review is done")
    assert set(told.values_list("recipient_id", flat=True)) == {review.iro_id,
                                                                 review.episode.child.allocated_social_worker_id}
    assert all(review.episode.child.full_name not in n.body and review.episode.child.local_child_id in n.body
               for n in told)


def test_the_same_answer_again_changes_nothing_and_a_done_decision_stays_done(decision, officer):
    services.review_decision_complete(actor=officer, decision=decision, done_on=yesterday(), note="Shared")
    rows = (decision.history.count(), CaseEvent.objects.count(), Notification.objects.count())
    again = services.review_decision_complete(actor=officer, decision=decision, done_on=yesterday(), note="")
    assert again.status == "done"
    assert (decision.history.count(), CaseEvent.objects.count(), Notification.objects.count()) == rows
    with pytest.raises(ValidationError, match="done already"):
        services.review_decision_complete(actor=officer, decision=decision, done_on=timezone.localdate(),
                                          note="Shared again")


def test_what_was_done_and_when_are_checked(decision, officer):
    with pytest.raises(ValidationError) as caught:
        services.review_decision_complete(actor=officer, decision=decision,
                                          done_on=timezone.localdate() + timedelta(days=1), note=" ")
    assert set(caught.value.message_dict) == {"done_on", "note"}
    with pytest.raises(ValidationError) as caught:
        services.review_decision_complete(actor=officer, decision=decision,
                                          done_on=decision.review.held_on - timedelta(days=1), note="Done")
    assert "before the review" in caught.value.message_dict["done_on"][0]
    with pytest.raises(ValidationError) as caught:
        services.review_decision_complete(actor=officer, decision=decision, done_on=None, note="Done")
    assert set(caught.value.message_dict) == {"done_on"}
    decision.refresh_from_db()
    assert decision.is_open


def test_the_service_asks_the_policy_again(world, decision):
    """Another agency's practitioner, and the IRO manager who sees the decision but does not follow it
    through, are refused by the service itself, whoever calls it."""
    school, manager = world.school, world.manager
    assert decision_policy.can(ctx(manager), "view", decision)
    for person in (school, manager):
        with pytest.raises(ValidationError, match="You cannot mark this decision done"):
            services.review_decision_complete(actor=person, decision=decision, done_on=yesterday(), note="Done")
    decision.refresh_from_db()
    assert decision.is_open


def test_the_review_s_iro_may_mark_it_done_too(decision):
    done = services.review_decision_complete(actor=decision.review.iro, decision=decision, done_on=yesterday(),
                                             note="Confirmed with the police")
    assert done.status == "done" and done.history.first().history_change_reason == "Done: reported by the owner agency"


# --- the arms' edges ---------------------------------------------------------------------------------------
def test_the_agency_s_api_client_reaches_what_its_practitioners_reach(decision):
    client, _token = api_client_create(agency=decision.owner_agency, name="Police case system")
    c = ctx(client.user)
    assert decision_policy.can(c, "complete", decision)
    assert review_summary_policy.can(c, "view", decision.review)


def test_an_agency_no_longer_involved_keeps_the_decisions_it_owns_but_not_the_child_s_reviews(decision, officer):
    child = decision.review.episode.child
    involvement = child.involvements.get(agency=decision.owner_agency)
    cases_services.involvement_end(involvement=involvement, actor=child.allocated_social_worker,
                                   end_date=yesterday(), reason="Investigation closed")
    c = ctx(officer)
    assert not review_summary_policy.visible(c).exists()
    assert list(decision_policy.visible(c, "complete")) == [decision]


def test_a_partner_of_the_child_s_own_authority_is_not_an_owner_agency(decision):
    """A decision owned by the child's own authority is followed through by its case staff: a partner
    practitioner of the authority (a family support worker, say) reaches it only through what else they are."""
    la = decision.review.episode.child.local_authority
    # made directly: the service takes no decision once the review's decisions are circulated
    la_decision = ReviewDecision.objects.create(
        review=decision.review, number=2, description="Arrange a dental check", owner_name=la.name, owner_agency=la,
        due_date=decision.due_date)
    worker = make_user(la, Role.PARTNER_PRACTITIONER)
    assert not decision_policy.can(ctx(worker), "view", la_decision)
    assert decision_policy.can(ctx(decision.review.iro), "complete", la_decision)


# --- the page ----------------------------------------------------------------------------------------------
def page(decision_id) -> str:
    return f"/reviews/decisions/{decision_id}/done/"


def test_the_owner_agency_marks_it_done_on_its_page(client_for, decision, officer):
    c = client_for(officer)
    resp = c.get(page(decision.public_id))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Mark a decision as done" in body and "Share the record of police call-outs" in body
    assert f"/children/{decision.review.episode.child.public_id}/" in body  # the way back: the child's page
    day = yesterday()
    resp = c.post(page(decision.public_id), {"done_on_day": day.day, "done_on_month": day.month,
                                             "done_on_year": day.year, "note": ""})
    assert resp.status_code == 200 and "Say what was done" in resp.content.decode()
    resp = c.post(page(decision.public_id), {"done_on_day": day.day, "done_on_month": day.month,
                                             "done_on_year": day.year, "note": "Shared with the social worker"})
    assert resp.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done" and decision.done_on == day
    assert "This decision is done" in c.get(page(decision.public_id)).content.decode()


@pytest.mark.parametrize("who", ["another agency", "the IRO manager", "conference chair"])
def test_anyone_else_gets_the_404_of_a_missing_decision(client_for, world, decision, who):
    person = {"another agency": lambda: world.school, "the IRO manager": lambda: world.manager,
              "conference chair": lambda: make_user(decision.review.episode.child.local_authority,
                                                    Role.CONFERENCE_CHAIR)}[who]()
    c = client_for(person)
    forbidden, missing = c.get(page(decision.public_id)), c.get(page(uuid.uuid4()))
    assert forbidden.status_code == missing.status_code == 404
    assert c.post(page(decision.public_id), {"note": "x"}).status_code == 404
