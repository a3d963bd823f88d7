"""The child's right to an independent advocate (issue 10, section 2; ADR 15): from 10 the child is told of it
before their review (when and how, recorded), then referred to an advocacy service, and the take-up recorded
(accepted with the advocate named, or declined); the review page shows it and prompts for it.

The world is built once for the module (``tests.reviews.preparing``): Jade is 12."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from reviews import selectors, services
from reviews.models import AdvocacyOffer
from safeguarding.audit.models import CaseEvent
from tests.factories.worlds import shared_world
from tests.reviews import preparing

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_advocacy")]  # one world

world = shared_world(preparing.build)
clock = preparing.clock
booked = preparing.booked
MON_2_MAR, TUE_3_MAR = date(2026, 3, 2), date(2026, 3, 3)


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def test_told_then_referred_then_taken_up(world, booked):
    offer = services.advocacy_told_record(actor=world.iro, review=booked, told_on=MON_2_MAR, how="in_person",
                                          notes="She would like one")
    assert (offer.told_by, offer.episode, offer.outcome) == (world.iro, booked.episode, "")
    # the same again changes nothing; a correction is kept in the history
    assert services.advocacy_told_record(actor=world.social_worker, review=booked, told_on=MON_2_MAR,
                                         how="in_person", notes="She would like one") == offer
    services.advocacy_told_record(actor=world.social_worker, review=booked, told_on=TUE_3_MAR, how="call",
                                  notes="She would like one")
    offer = services.advocacy_refer(actor=world.social_worker, offer=offer, referred_on=TUE_3_MAR,
                                    referred_to="Northmoor Advocacy Service")
    offer = services.advocacy_take_up(actor=world.social_worker, offer=offer, outcome="accepted",
                                      outcome_on=TUE_3_MAR, advocate_name="Ash Advocate")
    offer.refresh_from_db()
    assert (offer.told_on, offer.told_how, offer.referred_to, offer.outcome, offer.advocate_name) == (
        TUE_3_MAR, "call", "Northmoor Advocacy Service", "accepted", "Ash Advocate")
    assert AdvocacyOffer.objects.count() == 1 and offer.history.count() == 4
    assert [e.code for e in CaseEvent.objects.filter(code__startswith="lac.advocacy").order_by("id")] == [
        "lac.advocacy_told", "lac.advocacy_told", "lac.advocacy_updated", "lac.advocacy_updated"]


def test_what_is_recorded_is_checked(world, booked):
    with pytest.raises(ValidationError) as e:
        services.advocacy_told_record(actor=world.iro, review=booked, told_on=date(2026, 3, 4), how="telepathy")
    assert e.value.message_dict == {"told_on": ["The date the child was told must be today or in the past"],
                                    "how": ["Choose how the child was told"]}
    with pytest.raises(ValidationError) as e:
        services.advocacy_told_record(actor=world.iro, review=booked, told_on=date(2026, 2, 1), how="call")
    assert e.value.message_dict == {"told_on": ["The child became looked after on 2 March 2026"]}
    offer = services.advocacy_told_record(actor=world.iro, review=booked, told_on=TUE_3_MAR, how="writing")
    with pytest.raises(ValidationError) as e:
        services.advocacy_take_up(actor=world.iro, offer=offer, outcome="accepted", outcome_on=TUE_3_MAR)
    assert e.value.message_dict == {"outcome": ["Record the referral to the advocacy service first"]}
    with pytest.raises(ValidationError) as e:
        services.advocacy_refer(actor=world.iro, offer=offer, referred_on=MON_2_MAR, referred_to=" ")
    assert e.value.message_dict == {"referred_on": ["The child was told of their right on 3 March 2026"],
                                    "referred_to": ["Enter the advocacy service"]}
    declined = services.advocacy_take_up(actor=world.iro, offer=offer, outcome="declined", outcome_on=TUE_3_MAR,
                                         advocate_name="Ignored")
    assert (declined.outcome, declined.advocate_name) == ("declined", "")
    with pytest.raises(ValidationError, match="did not want an advocate"):
        services.advocacy_refer(actor=world.iro, offer=declined, referred_on=TUE_3_MAR, referred_to="NYAS")


def test_only_the_iro_and_case_staff_record_it(world, booked):
    for person in (world.chair, world.police_officer, world.other_social_worker, world.iro_manager):
        with pytest.raises(ValidationError, match="You cannot record the preparation of this review"):
            services.advocacy_told_record(actor=person, review=booked, told_on=TUE_3_MAR, how="call")


def test_from_10_the_child_must_be_told(world, booked):
    assert selectors.advocacy_expected(booked)  # Jade is 12
    booked.episode.child.date_of_birth = date(2017, 1, 1)  # 9 on the day of the review
    assert not selectors.advocacy_expected(booked)
    booked.episode.child.date_of_birth = date(2016, 3, 27)  # 10 on the day itself
    assert selectors.advocacy_expected(booked)


def test_the_review_page_prompts_then_shows_it_and_its_pages_record_it(client_for, world, booked):
    c = client_for(world.social_worker)
    page = f"/reviews/r/{booked.public_id}/"
    body = text(c.get(page))
    assert "Not recorded</strong> The child is 10 or older: tell them before the review" in body
    assert "the child said they would like an advocate" not in body
    link, _ = services.child_link_issue(actor=world.social_worker, review=booked)
    services.child_views_save(link=link, answers={"advocate": "yes"})
    body = text(c.get(page))
    assert "Through their link the child said they would like an advocate." in body
    told = f"/reviews/r/{booked.public_id}/advocacy/"
    assert f'href="{told}">Record that the child was told of their right to an advocate' in body
    resp = c.post(told, {"told_on_day": "3", "told_on_month": "3", "told_on_year": "2026", "told_how": ""})
    assert "Choose how the child was told" in text(resp)
    resp = c.post(told, {"told_on_day": "3", "told_on_month": "3", "told_on_year": "2026", "told_how": "link",
                         "notes": "Yes please"})
    assert resp.status_code == 302 and resp["Location"].endswith("#advocacy")
    resp = c.post(f"{told}referral/", {"referred_on_day": "3", "referred_on_month": "3", "referred_on_year": "2026",
                                       "referred_to": "Northmoor Advocacy Service"})
    assert resp.status_code == 302
    resp = c.post(f"{told}outcome/", {"outcome": "accepted", "advocate_name": "Ash Advocate", "outcome_on_day": "3",
                                      "outcome_on_month": "3", "outcome_on_year": "2026"})
    assert resp.status_code == 302
    body = text(c.get(page))
    assert "3 March 2026, with their review link" in body and "3 March 2026, to Northmoor Advocacy Service" in body
    assert "The child has an advocate: Ash Advocate (3 March 2026)" in body
    for person in (world.chair, world.police_officer):
        assert client_for(person).get(told).status_code == 404
