"""The child's own voice (issue 10, section 2, "in their own words"): a secure link for one review that the
child (or their advocate) opens without an account, a short form in plain words saved and finished later,
landing in the review's consultation and suggesting the participation code; a child who says they do not
feel safe makes their social worker, their managers and their IRO be told at once. The link is
single-purpose (it opens this review's form and nothing else), expires, can be replaced or turned off,
and is rate limited.

The child's pages are public (their token is the key): ``safeguarding/accounts/middleware.py`` lists
``reviews:voice`` in ``PUBLIC_URL_NAMES``."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from freezegun import freeze_time

from reviews import selectors, services
from reviews.models import ChildConsultation, ChildVoiceLink
from reviews.views import voice as voice_views
from safeguarding.accounts import middleware
from safeguarding.audit.models import CaseEvent
from safeguarding.notify.models import Notification
from tests.factories import ChildFactory
from tests.factories.reviews import AllocatedEpisodeFactory, iro_manager_of, iro_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public():
    """The child's pages are open without an account (the kernel lists them) and the rate limits start
    from nothing."""
    assert "reviews:voice" in middleware.PUBLIC_URL_NAMES
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    with freeze_time("2026-03-03 09:00") as frozen:
        yield frozen


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


@pytest.fixture
def child(la, team, social_worker, team_manager):
    return ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                        legal_first_names="Jade Louise", legal_surname="Holloway", date_of_birth=date(2014, 2, 1),
                        local_child_id="LC-JADE")


@pytest.fixture
def booked(clock, la, child, iro):
    episode = AllocatedEpisodeFactory(child=child, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la),
                                      iro=iro, allocated_on=date(2026, 3, 2))
    return services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))


@pytest.fixture
def link(booked, social_worker):
    return services.child_link_issue(actor=social_worker, review=booked)


def url(token):
    return f"/reviews/voice/{token}/"


ANSWERS = {"home": "I like my carers", "school": "Year 6 is hard", "family": "I miss my brother",
           "to_decide": "To see my brother more", "who_comes": "My carers and my teacher", "where": "At school",
           "anything_else": "", "advocate": "yes", "take_part": "this_form", "feel_safe": "yes"}


# --- the link ------------------------------------------------------------------------------------------------
def test_the_iro_or_the_social_worker_makes_a_link_that_opens_this_review_only(booked, iro, social_worker):
    made, token = services.child_link_issue(actor=iro, review=booked)
    assert made.token_hash != token and len(token) >= 43
    assert selectors.link_for_token(token) == made
    assert selectors.link_for_token(token + "x") is None and selectors.link_for_token("") is None
    # a new link for the child replaces it; the advocate's is another link
    again, new_token = services.child_link_issue(actor=social_worker, review=booked)
    assert selectors.link_for_token(token) is None and selectors.link_for_token(new_token) == again
    _, advocate_token = services.child_link_issue(actor=social_worker, review=booked, for_advocate=True)
    assert {lk.for_advocate for lk in selectors.live_links_of(booked)} == {False, True}
    assert selectors.link_for_token(advocate_token).for_advocate
    assert CaseEvent.objects.filter(code="lac.child_link_issued").count() == 3


@pytest.mark.parametrize("who", ["chair", "police_officer", "other_social_worker", "another IRO"])
def test_nobody_else_makes_one(request, booked, la, who):
    person = iro_of(la) if who == "another IRO" else request.getfixturevalue(who)
    with pytest.raises(ValidationError, match="You cannot ask this child for their views"):
        services.child_link_issue(actor=person, review=booked)


def test_a_child_under_4_s_link_is_for_their_advocate(clock, la, team, social_worker, iro):
    baby = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                        date_of_birth=date(2024, 5, 1))
    episode = AllocatedEpisodeFactory(child=baby, start_date=date(2026, 3, 2), iro_manager=iro_manager_of(la), iro=iro,
                                      allocated_on=date(2026, 3, 2))
    review = services.review_schedule(actor=iro, episode=episode, planned_for=date(2026, 3, 27))
    with pytest.raises(ValidationError, match="under 4"):
        services.child_link_issue(actor=iro, review=review)
    assert services.child_link_issue(actor=iro, review=review, for_advocate=True)[0].for_advocate


def test_a_link_stops_working_when_turned_off_expired_or_the_review_is_held(clock, booked, link, iro, social_worker):
    made, token = link
    with pytest.raises(ValidationError) as e:
        services.child_link_revoke(actor=social_worker, link=made, reason=" ")
    assert e.value.message_dict == {"reason": ["Say why the link is being turned off"]}
    services.child_link_revoke(actor=social_worker, link=made, reason="Sent to the wrong number")
    assert selectors.link_for_token(token) is None
    _, token = services.child_link_issue(actor=social_worker, review=booked)
    clock.move_to("2026-05-03 09:00")  # 61 days on
    assert selectors.link_for_token(token) is None
    clock.move_to("2026-03-20 09:00")
    assert selectors.link_for_token(token) is not None
    clock.move_to("2026-03-27 16:00")
    services.review_hold(actor=iro, review=booked, participation="PN1", held_on=date(2026, 3, 27))
    assert selectors.link_for_token(token) is None
    with pytest.raises(ValidationError, match="asked for or booked"):
        services.child_link_issue(actor=iro, review=booked)


# --- what the child says ---------------------------------------------------------------------------------------
def test_the_child_saves_and_sends_their_views_which_suggest_the_participation_code(booked, link, iro):
    made, _ = link
    saved = services.child_views_save(link=made, answers={**ANSWERS, "take_part": ""})
    assert (saved.home, saved.sent_at, saved.suggested_participation) == ("I like my carers", None, "")
    sent = services.child_views_save(link=made, answers=ANSWERS, send=True)
    assert sent.sent_at is not None and sent.suggested_participation == "PN6"
    assert selectors.consultations_of(booked) == [sent]
    note = Notification.objects.get(recipient=iro, subject="A child sent their views for their review")
    assert note.body == "Reference LC-JADE."
    with pytest.raises(ValidationError, match="sent your answers already"):
        services.child_views_save(link=made, answers=ANSWERS)
    assert CaseEvent.objects.filter(code="lac.child_views_sent", actor__isnull=True).count() == 1


def test_what_the_child_writes_is_checked(link):
    made, _ = link
    with pytest.raises(ValidationError) as e:
        services.child_views_save(link=made, answers={"home": "x" * 4001, "feel_safe": "maybe"})
    assert e.value.message_dict == {"home": ["Write less than 4000 letters here"],
                                    "feel_safe": ["Choose one of the answers"]}


@pytest.mark.parametrize("answer, words", [("no", "do not feel safe"), ("not_always", "do not always feel safe")])
def test_a_child_who_does_not_feel_safe_is_acted_on_at_once(booked, link, iro, social_worker, team_manager,
                                                           django_capture_on_commit_callbacks, mailoutbox,
                                                           answer, words):
    made, _ = link
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.child_views_save(link=made, answers={"feel_safe": answer})  # saved, not sent
    told = Notification.objects.filter(subject="A looked-after child said they do not feel safe")
    assert {n.recipient for n in told} == {social_worker, team_manager, iro}
    for n in told:
        assert n.body == (f"Reference LC-JADE: in their views for their review they said they {words} where they "
                          "live. Contact them today.")
        assert n.url == f"/reviews/r/{booked.public_id}/"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([social_worker.email, team_manager.email, iro.email])
    assert all("Jade" not in m.subject + m.body for m in mailoutbox)
    assert consultation.unsafe_told_at is not None
    assert CaseEvent.objects.filter(code="lac.child_said_unsafe").count() == 1
    # told once: saving again, or sending, tells nobody again
    services.child_views_save(link=made, answers={"feel_safe": answer, "home": "More"}, send=True)
    assert told.count() == 3


# --- the child's pages -------------------------------------------------------------------------------------------
def test_the_child_opens_their_link_without_an_account_and_sees_nothing_else(booked, link, iro):
    _, token = link
    child = Client()
    resp = child.get(url(token))
    assert resp.status_code == 200
    body = text(resp)
    assert "<h1 class=\"govuk-heading-l\">Hello Jade</h1>" in body  # the first name only
    assert "Holloway" not in body and "LC-JADE" not in body
    assert "You have a review on Friday 27 March" in body and f"{iro.display_name}, your IRO, wants to know" in body
    assert resp["Cache-Control"] == "no-store" and resp["Referrer-Policy"] == "strict-origin"
    hrefs = re.findall(r'href="([^"]+)"', resp.content.decode())
    assert all(h.startswith(("/static/", "#", "data:")) for h in hrefs), hrefs  # no way into the hub
    # the link is the key to this form only: the review, the child, the hub are behind the sign-in
    for other in (f"/reviews/r/{booked.public_id}/", f"/children/{booked.episode.child.public_id}/", "/reviews/"):
        assert child.get(other)["Location"].startswith("/accounts/login/")


def test_saved_and_finished_later_then_checked_and_sent(booked, link, iro):
    _, token = link
    child = Client()
    resp = child.post(url(token), {"home": "I like my carers", "feel_safe": "yes", "action": "save"})
    assert resp.status_code == 302 and resp["Location"] == f"{url(token)}?saved=1"
    body = text(Client().get(url(token) + "?saved=1"))  # later, on another visit
    assert "Your answers are saved. Open the same link to finish later." in body
    assert "I like my carers</textarea>" in body
    resp = child.post(url(token), {**ANSWERS, "action": "check"})
    body = text(resp)
    assert "Check your answers" in body and "To see my brother more" in body
    assert "I don&#x27;t want to come. This form says what I think" in body
    resp = child.post(url(token), {**ANSWERS, "action": "send"})
    assert "has your answers" in text(resp)
    assert selectors.consultations_of(booked)[0].sent_at is not None
    again = text(child.get(url(token)))
    assert "has your answers" in again and "I like my carers" not in again  # nothing shown back


def test_the_page_says_the_social_worker_was_told(link):
    _, token = link
    child = Client()
    child.post(url(token), {"feel_safe": "no", "action": "save"})
    body = text(child.get(url(token) + "?saved=1"))
    assert "You told us you feel unsafe where you live." in body
    assert "We have told your social worker straight away." in body and "call 999" in body


def test_a_link_that_opens_nothing_is_the_same_page_whatever_the_reason(booked, link, social_worker):
    made, token = link
    unknown = Client().get(url("not-a-real-token"))
    services.child_link_revoke(actor=social_worker, link=made, reason="Lost phone")
    revoked = Client().get(url(token))
    assert unknown.status_code == revoked.status_code == 404
    assert text(unknown) == text(revoked)
    assert "This link does not work" in text(revoked)


def test_guessing_tokens_is_stopped(link, monkeypatch):
    _, token = link
    monkeypatch.setattr(voice_views, "BAD_TOKENS", 3)
    guesser = Client()
    for i in range(3):
        assert guesser.get(url(f"guess{i}")).status_code == 404
    assert guesser.get(url(token)).status_code == 429  # from that address, even the right one waits
    assert "Please wait a few minutes" in text(guesser.get(url(token)))


def test_saves_through_one_link_are_limited(link, monkeypatch):
    _, token = link
    monkeypatch.setattr(voice_views, "SAVES", 2)
    child = Client()
    for _ in range(2):
        assert child.post(url(token), {"home": "x", "action": "save"}).status_code == 302
    assert child.post(url(token), {"home": "y", "action": "save"}).status_code == 429
    assert ChildConsultation.objects.get().home == "x"


# --- the staff side: making the link, the consultation on the review ---------------------------------------------
def test_the_link_is_shown_once_to_the_person_who_makes_it(client_for, booked, social_worker):
    c = client_for(social_worker)
    page = f"/reviews/r/{booked.public_id}/child-link/"
    body = text(c.get(page))
    assert "Ask the child for their views" in body and 'href="/children/' in body
    resp = c.post(page, {"for_advocate": "child"})
    assert resp.status_code == 302
    body = text(c.get(page))
    token = re.search(r'value="http://testserver/reviews/voice/([^/"]+)/"', body).group(1)
    assert selectors.link_for_token(token).review == booked
    assert "/reviews/voice/" not in text(c.get(page))  # shown once
    assert "The child&#x27;s link</dt>" in text(c.get(page))


@pytest.mark.parametrize("who", ["chair", "police_officer", "other_social_worker"])
def test_the_link_page_is_a_404_for_anyone_else(client_for, request, booked, who):
    assert client_for(request.getfixturevalue(who)).get(f"/reviews/r/{booked.public_id}/child-link/") \
        .status_code == 404


def test_the_child_s_words_land_in_the_review_and_suggest_the_code(client_for, clock, booked, link, iro):
    made, _ = link
    services.child_views_save(link=made, answers={**ANSWERS, "feel_safe": "not_always"}, send=True)
    c = client_for(iro)
    body = text(c.get(f"/reviews/r/{booked.public_id}/"))
    assert "From the child: sent 3 March 2026" in body
    assert '<strong class="govuk-tag govuk-tag--red">Not always</strong>' in body
    assert "(suggests PN6)" in body and "I miss my brother" in body
    clock.move_to("2026-03-27 10:00")
    body = text(client_for(iro).get(f"/reviews/r/{booked.public_id}/hold/"))
    assert "The child&#x27;s own answer suggests</dt>" in body
    assert re.search(r'value="PN6" checked', body)


def test_a_link_s_history_never_keeps_the_token_hash(link):
    made, _ = link
    assert not hasattr(ChildVoiceLink.history.model, "token_hash")
