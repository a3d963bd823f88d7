"""A parent's or carer's consultation link (issue 10, section 2; ADR 15): made and checked by the same machinery as
the child's own link (``reviews.services.links``), opened through the same public door
(``/reviews/voice/<token>/``) with its limits and headers, reaching that invitation's short form and nothing
else; what they write lands in the review's consultation.

The world is built once for the module (``tests.reviews.preparing``)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from reviews import selectors, services
from reviews.models import ChildVoiceLink, ConsultationLink, InviteeConsultation
from reviews.views import voice as voice_views
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.factories.worlds import shared_world
from tests.reviews import preparing

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_consultation_links")]  # one world

world = shared_world(preparing.build)
clock = preparing.clock
booked = preparing.booked

ANSWERS = {"how_child_is": "Happier since the move", "going_well": "School", "worries": "She misses her brother",
           "contact": "Fortnightly is not enough", "to_decide": "More contact", "attending": "yes",
           "anything_else": ""}


@pytest.fixture(autouse=True)
def limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mother(world, booked):
    return services.review_invite(actor=world.social_worker, review=booked, invitee="parent", name="Dawn Holloway",
                                  email="dawn@example.org")


@pytest.fixture
def link(world, mother):
    return services.consultation_link_issue(actor=world.social_worker, invitation=mother)


def url(token):
    return f"/reviews/voice/{token}/"


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


# --- the link --------------------------------------------------------------------------------------------------
def test_a_link_is_made_for_a_parent_or_carer_and_opens_their_invitation_only(world, booked, mother, link):
    made, token = link
    assert made.token_hash != token and len(token) >= 43
    assert selectors.consultation_link_for_token(token) == made
    assert selectors.link_for_token(token) is None  # not a child's link
    assert selectors.consultation_link_for_token(token + "x") is None
    assert selectors.consultation_link_for_token("") is None
    again, new_token = services.consultation_link_issue(actor=world.iro, invitation=mother)
    assert selectors.consultation_link_for_token(token) is None
    assert selectors.consultation_link_for_token(new_token) == again
    assert ConsultationLink.objects.get(pk=made.pk).revoked_reason == "Replaced by a new link"
    assert CaseEvent.objects.filter(code="lac.consultation_link_issued").count() == 2
    assert not hasattr(ConsultationLink.history.model, "token_hash")
    # a professional's invitation takes no link: they give their views through the API
    officer = services.review_invite(actor=world.iro, review=booked, invitee="health", user=world.police_officer)
    with pytest.raises(ValidationError, match="A link is made for a parent or a carer"):
        services.consultation_link_issue(actor=world.iro, invitation=officer)
    for person in (world.chair, world.police_officer, world.other_social_worker):
        with pytest.raises(ValidationError, match="You cannot ask this person for their views"):
            services.consultation_link_issue(actor=person, invitation=mother)


def test_a_link_stops_working_when_turned_off_withdrawn_or_the_review_is_held(world, booked, mother, link, clock):
    made, token = link
    services.consultation_link_revoke(actor=world.social_worker, link=made, reason="Sent to the wrong address")
    assert selectors.consultation_link_for_token(token) is None
    with pytest.raises(ValidationError, match="This link does not work any more"):
        services.invitee_views_save(link=made, answers=ANSWERS)
    _, token = services.consultation_link_issue(actor=world.social_worker, invitation=mother)
    clock.move_to("2026-05-03 09:01")  # 60 days on
    assert selectors.consultation_link_for_token(token) is None
    clock.move_to("2026-03-03 09:00")
    assert selectors.consultation_link_for_token(token) is not None
    services.review_invitation_withdraw(actor=world.iro, invitation=mother, reason="No longer involved")
    assert selectors.consultation_link_for_token(token) is None


def test_views_are_saved_then_sent_final_and_the_iro_is_told(world, booked, link):
    made, _ = link
    saved = services.invitee_views_save(link=made, answers={**ANSWERS, "to_decide": ""})
    assert (saved.sent_at, saved.via, saved.to_decide) == (None, "link", "")
    sent = services.invitee_views_save(link=made, answers=ANSWERS, send=True)
    assert sent.pk == saved.pk and sent.sent_at is not None and sent.to_decide == "More contact"
    assert selectors.invitee_consultations_of(booked) == [sent]
    with pytest.raises(ValidationError, match="You have sent your views already"):
        services.invitee_views_save(link=made, answers=ANSWERS)
    (note,) = Notification.objects.filter(recipient=world.iro, subject="Views were sent for a looked-after review")
    assert note.body == "Reference LC-JADE: parent or person with parental responsibility."
    with pytest.raises(ValidationError) as e:
        services.invitee_views_save(link=services.consultation_link_issue(
            actor=world.iro, invitation=services.review_invite(actor=world.iro, review=booked, invitee="carer",
                                                               name="Carla"))[0],
            answers={"worries": "x" * 4001, "attending": "maybe"})
    assert e.value.message_dict == {"worries": ["Write less than 4000 letters here"],
                                    "attending": ["Choose one of the answers"]}


# --- the parent's pages ----------------------------------------------------------------------------------------
def test_the_parent_opens_their_link_without_an_account_and_sees_nothing_else(world, booked, link):
    _, token = link
    parent = Client()
    resp = parent.get(url(token))
    assert resp.status_code == 200
    body = text(resp)
    assert "<h1 class=\"govuk-heading-l\">Your views before Jade's review</h1>" in body
    assert "Jade has a review on Friday 27 March." in body and "Ira Reviewing, the Independent Reviewing" in body
    assert "Holloway" not in body and "LC-JADE" not in body and "Dawn" not in body
    assert resp["Cache-Control"] == "no-store" and resp["Referrer-Policy"] == "strict-origin"
    hrefs = re.findall(r'href="([^"]+)"', resp.content.decode())
    assert all(h.startswith(("/static/", "#", "data:")) for h in hrefs), hrefs
    for other in (f"/reviews/r/{booked.public_id}/", f"/children/{booked.episode.child.public_id}/", "/reviews/",
                  "/api/v1/review-invitations/"):
        resp = parent.get(other)
        assert resp.status_code in (302, 401, 403), other
        assert resp.status_code != 302 or resp["Location"].startswith("/accounts/login/")


def test_saved_checked_and_sent_through_the_page(world, booked, link):
    _, token = link
    parent = Client()
    resp = parent.post(url(token), {"how_child_is": "Happier", "action": "save"})
    assert resp.status_code == 302 and resp["Location"] == f"{url(token)}?saved=1"
    body = text(Client().get(url(token) + "?saved=1"))
    assert "Your answers are saved." in body and "Happier</textarea>" in body
    body = text(parent.post(url(token), {**ANSWERS, "action": "check"}))
    assert "Check your answers" in body and "She misses her brother" in body
    body = text(parent.post(url(token), {**ANSWERS, "action": "send"}))
    assert "the IRO, has your views" in body
    assert InviteeConsultation.objects.get().sent_at is not None
    again = text(parent.get(url(token)))
    assert "has your views" in again and "She misses her brother" not in again
    # it lands on the review page
    page = text(_staff(world.iro).get(f"/reviews/r/{booked.public_id}/"))
    assert "Dawn Holloway, parent or person with parental responsibility: sent 3 March 2026" in page
    assert "Fortnightly is not enough" in page


def _staff(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_door_s_limits_hold_for_parents_links_too(world, link, monkeypatch):
    made, token = link
    monkeypatch.setattr(voice_views, "SAVES", 2)
    parent = Client()
    for _ in range(2):
        assert parent.post(url(token), {"worries": "x", "action": "save"}).status_code == 302
    assert parent.post(url(token), {"worries": "y", "action": "save"}).status_code == 429
    assert InviteeConsultation.objects.get().worries == "x"
    services.consultation_link_revoke(actor=world.iro, link=made, reason="Lost")
    unknown, revoked = Client().get(url("not-a-real-token")), Client().get(url(token))
    assert unknown.status_code == revoked.status_code == 404 and text(unknown) == text(revoked)
    monkeypatch.setattr(voice_views, "BAD_TOKENS", 2)
    guesser = Client()
    for i in range(2):
        guesser.get(url(f"guess{i}"))
    assert guesser.get(url(token)).status_code == 429


def test_the_child_s_link_still_opens_the_child_s_form(world, booked):
    _, token = services.child_link_issue(actor=world.iro, review=booked)
    body = text(Client().get(url(token)))
    assert "Hello Jade" in body and "Your views before" not in body
    assert ChildVoiceLink.objects.count() == 1


def test_the_link_page_shows_the_link_once(client_for, world, booked, mother):
    c = client_for(world.social_worker)
    page = f"/reviews/r/{booked.public_id}/invitations/{mother.public_id}/link/"
    body = text(c.get(page))
    assert "Ask for their views" in body and "Dawn Holloway, parent or person with parental responsibility" in body
    assert c.post(page).status_code == 302
    body = text(c.get(page))
    token = re.search(r'value="http://testserver/reviews/voice/([^/"]+)/"', body).group(1)
    assert "The link for Dawn Holloway" in body
    assert selectors.consultation_link_for_token(token).invitation == mother
    assert "/reviews/voice/" not in text(c.get(page))
