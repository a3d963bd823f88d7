"""Invitations to a looked-after review (issue 10, section 2; ADR 15): its time and place, who is invited (a person
of the hub, or someone outside it), the calendar invitations sent through the kernel's one outbox and parsed back
with icalendar, updated when the day, time or place changes, cancelled with the review or one invitation; and
the pages that do it, with a confirmation before anything is emailed or withdrawn.

Jade (born 1 February 2014) became looked after on Monday 2 March 2026; her first review is booked for
Friday 27 March 2026 (Greenwich time: 14:00 local is 14:00Z).

The world is built once for the module (``tests.reviews.preparing``). The test transaction never commits, so
the on-commit sending does not run: the tests call ``invitation_calendar.send_pending()``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from reviews import invitation_calendar, services
from reviews.models import ConsultationLink, ReviewInvitation
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from tests.factories import make_user
from tests.factories.worlds import shared_world
from tests.reviews import preparing

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("reviews_invitations")]  # one world

FRI_27_MAR = preparing.FRI_27_MAR
NAMES = ("Jade", "Holloway", "Dawn", "Carla", "Sam Worker", "Pat Police")

world = shared_world(preparing.build)
clock = preparing.clock
booked = preparing.booked


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def set_meeting(review, actor, **kw):
    args = {"starts_at": time(14), "ends_at": time(15, 30), "venue": "Oakfield Primary School", **kw}
    return services.review_meeting_set(actor=actor, review=review, **args)


@pytest.fixture
def invited(world, booked):
    """The social worker and the police officer (for their agency) by account; the mother by name and address;
    a carer without an address."""
    iro, social_worker, police, police_officer = world.iro, world.social_worker, world.police, world.police_officer
    set_meeting(booked, iro)
    return {
        "social worker": services.review_invite(actor=iro, review=booked, invitee="social_worker", user=social_worker),
        "police": services.review_invite(actor=iro, review=booked, invitee="independent_visitor",
                                         user=police_officer, agency=police),
        "mother": services.review_invite(actor=social_worker, review=booked, invitee="parent", name="Dawn Holloway",
                                         email="dawn@example.org"),
        "carer": services.review_invite(actor=social_worker, review=booked, invitee="carer", name="Carla Foster",
                                        organisation="Northmoor Fostering"),
    }


def calendar_of(message):
    found = [a for a in message.attachments if a[2].startswith("text/calendar")]
    assert len(found) == 1, message.attachments
    filename, content, mimetype = found[0]
    assert filename == "invitation.ics"
    cal = Calendar.from_ical(content)
    (event,) = cal.walk("VEVENT")
    return cal, event, mimetype, content


def sent(review):
    invitation_calendar.send_pending(review_id=review.pk)
    out = list(mail.outbox)
    mail.outbox.clear()
    return out


def assert_no_names(message, raw):
    text = f"{message.subject}\n{message.body}\n{raw.decode() if isinstance(raw, bytes) else raw}"
    for name in NAMES:
        assert name not in text, name


# --- the calendar invitations ---------------------------------------------------------------------------------
def test_sending_emails_each_invitee_with_an_address_one_calendar_invitation(world, booked, invited, settings):
    iro, social_worker = world.iro, world.social_worker
    assert services.review_invitations_send(actor=iro, review=booked) == [
        invited["social worker"], invited["police"], invited["mother"]]
    messages = sent(booked)
    assert sorted(m.to[0] for m in messages) == sorted(i.email for i in invited.values() if i.email)
    uid = f"{booked.public_id}@reviews.safeguarding-hub"
    for m in messages:
        assert m.subject == "Invitation: Looked-after review on 27 March 2026"
        assert "You are invited to a looked-after review on Friday 27 March 2026 at 14:00, at Oakfield Primary " \
               "School." in m.body and "Reference: LC-JADE." in m.body
        cal, ev, mimetype, raw = calendar_of(m)
        assert mimetype == "text/calendar; method=REQUEST; charset=utf-8"
        assert (str(cal["METHOD"]), str(ev["UID"]), int(ev["SEQUENCE"]), str(ev["STATUS"])) == (
            "REQUEST", uid, 0, "CONFIRMED")
        assert (ev.decoded("DTSTART"), ev.decoded("DTEND")) == (at(FRI_27_MAR, 14), at(FRI_27_MAR, 15, 30))
        assert str(ev["SUMMARY"]) == "Looked-after review" and str(ev["LOCATION"]) == "Oakfield Primary School"
        assert "Reference: LC-JADE" in str(ev["DESCRIPTION"])
        assert str(ev["ATTENDEE"]) == f"mailto:{m.to[0]}" and "CN" not in ev["ATTENDEE"].params
        assert str(ev["ORGANIZER"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
        assert_no_names(m, raw)
    rows = invitation_calendar.emails_of(review=booked)
    assert {invitation_calendar.key_of(r)[1:] for r in rows} == {(0, "REQUEST")} and rows.count() == 3
    assert ReviewInvitation.objects.get(pk=invited["carer"].pk).sent_sequence == -1
    # sending again sends nothing; someone invited later gets just their own
    assert services.review_invitations_send(actor=social_worker, review=booked) == []
    late = services.review_invite(actor=iro, review=booked, invitee="health", name="Nurse Nia", email="nia@example.org")
    assert services.review_invitations_send(actor=iro, review=booked) == [late]
    assert [m.to for m in sent(booked)] == [["nia@example.org"]]
    assert CaseEvent.objects.filter(code="lac.review_invitations_sent").count() == 2


def test_a_new_time_place_or_day_updates_everyone_sent_and_cancelling_the_review_cancels(world, booked, invited):
    iro = world.iro
    services.review_invitations_send(actor=iro, review=booked)
    sent(booked)
    # the same time and place again: nothing
    set_meeting(booked, iro)
    assert sent(booked) == []
    set_meeting(booked, iro, venue="Room 2, Civic Centre", online_link="https://meet.example.org/lac-1")
    messages = sent(booked)
    assert len(messages) == 3  # the carer was never sent one
    for m in messages:
        _, ev, _, _ = calendar_of(m)
        assert m.subject == "Updated invitation: Looked-after review on 27 March 2026"
        assert "This replaces the earlier invitation: the date, time or place has changed." in m.body
        assert (int(ev["SEQUENCE"]), str(ev["LOCATION"]), str(ev["URL"])) == (
            1, "Room 2, Civic Centre", "https://meet.example.org/lac-1")
    services.review_reschedule(actor=iro, review=booked, planned_for=date(2026, 3, 26), reason="The school is shut")
    for m in sent(booked):
        _, ev, _, _ = calendar_of(m)
        assert (int(ev["SEQUENCE"]), ev.decoded("DTSTART")) == (2, at(date(2026, 3, 26), 14))
    services.review_cancel(actor=iro, review=booked, reason="The child moved to another authority")
    messages = sent(booked)
    assert len(messages) == 3
    for m in messages:
        cal, ev, mimetype, raw = calendar_of(m)
        assert m.subject == "Cancelled: Looked-after review on 26 March 2026"
        assert mimetype == "text/calendar; method=CANCEL; charset=utf-8"
        assert (str(cal["METHOD"]), str(ev["STATUS"]), int(ev["SEQUENCE"])) == ("CANCEL", "CANCELLED", 3)
        assert_no_names(m, raw)


def test_a_review_moved_before_anyone_was_sent_an_invitation_sends_nothing(world, booked, invited):
    iro = world.iro
    services.review_reschedule(actor=iro, review=booked, planned_for=date(2026, 3, 26), reason="Moved")
    services.review_cancel(actor=iro, review=booked, reason="Cancelled")
    assert sent(booked) == []


def test_withdrawing_cancels_that_person_s_entry_and_turns_off_their_link(world, booked, invited):
    iro, social_worker = world.iro, world.social_worker
    services.review_invitations_send(actor=iro, review=booked)
    sent(booked)
    mother = invited["mother"]
    link, _token = services.consultation_link_issue(actor=social_worker, invitation=mother)
    with pytest.raises(ValidationError) as e:
        services.review_invitation_withdraw(actor=iro, invitation=mother, reason=" ")
    assert e.value.message_dict == {"reason": ["Say why the invitation is withdrawn"]}
    services.review_invitation_withdraw(actor=iro, invitation=mother, reason="Contact suspended by the court")
    (m,) = sent(booked)
    cal, ev, _, _ = calendar_of(m)
    assert m.to == ["dawn@example.org"] and str(cal["METHOD"]) == "CANCEL" and int(ev["SEQUENCE"]) == 0
    assert ConsultationLink.objects.get(pk=link.pk).revoked_reason == "Invitation withdrawn"
    # again: nothing; a withdrawn invitation is not updated when the place changes
    assert services.review_invitation_withdraw(actor=iro, invitation=mother, reason="Again").withdrawn_reason == \
        "Contact suspended by the court"
    set_meeting(booked, iro, venue="Elsewhere")
    assert "dawn@example.org" not in [m.to[0] for m in sent(booked)]
    # an invitation never sent is withdrawn without an email
    services.review_invitation_withdraw(actor=iro, invitation=invited["carer"], reason="Moved away")
    assert sent(booked) == []


# --- the rules of inviting ----------------------------------------------------------------------------------------
def test_inviting_checks_what_it_is_given(world, booked):
    iro, social_worker, police = world.iro, world.social_worker, world.police
    with pytest.raises(ValidationError) as e:
        services.review_invite(actor=iro, review=booked, invitee="uncle", name=" ", email="not an address")
    assert e.value.message_dict == {"invitee": ["Choose who they are at the review"], "name": ["Enter their name"],
                                    "email": ["Enter an email address like name@example.org"]}
    client = make_user(police, Role.API_CLIENT)
    client.is_api_client = True
    with pytest.raises(ValidationError, match="Choose a person who uses Safeguarding Hub"):
        services.review_invite(actor=iro, review=booked, invitee="health", user=client)
    first = services.review_invite(actor=iro, review=booked, invitee="social_worker", user=social_worker)
    assert services.review_invite(actor=iro, review=booked, invitee="social_worker", user=social_worker) == first
    assert (first.name, first.email) == ("Sam Worker", "sam.worker@example.org")
    assert CaseEvent.objects.filter(code="lac.review_invited").count() == 1


def test_nobody_else_invites_or_sends(world, booked):
    for person in (world.chair, world.police_officer, world.other_social_worker, world.iro_manager):
        with pytest.raises(ValidationError, match="You cannot invite people to this review"):
            services.review_invite(actor=person, review=booked, invitee="parent", name="Dawn")
        with pytest.raises(ValidationError, match="You cannot"):
            services.review_invitations_send(actor=person, review=booked)
        with pytest.raises(ValidationError, match="You cannot arrange this review"):
            set_meeting(booked, person)


def test_the_time_and_place_are_checked_and_sending_needs_them(world, booked):
    iro = world.iro
    services.review_invite(actor=iro, review=booked, invitee="parent", name="Dawn", email="dawn@example.org")
    with pytest.raises(ValidationError, match="Set the time and place of the review first"):
        services.review_invitations_send(actor=iro, review=booked)
    with pytest.raises(ValidationError) as e:
        set_meeting(booked, iro, starts_at=time(15), ends_at=time(14), venue="", online_link="javascript:alert(1)")
    assert e.value.message_dict == {"ends_at": ["The review must end after it starts"],
                                    "online_link": ["Enter the link to join online, starting https://"]}
    with pytest.raises(ValidationError) as e:
        set_meeting(booked, iro, starts_at=None, venue=" \n ")
    assert e.value.message_dict == {"starts_at": ["Enter the time the review starts"],
                                    "venue": ["Say where the review is, or give the link to join it online"]}
    # typed text goes in on one line
    assert set_meeting(booked, iro, venue="Room 1\r\nDTSTART:19700101").venue == "Room 1 DTSTART:19700101"


# --- the pages ----------------------------------------------------------------------------------------------------
def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def count(c, url, method="get", **kw):
    with CaptureQueriesContext(connection) as q:
        resp = getattr(c, method)(url, **kw)
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_review_page_lists_the_invitations_at_a_fixed_statement_count(client_for, world, booked, invited):
    iro = world.iro
    c = client_for(iro)
    page = f"/reviews/r/{booked.public_id}/"
    c.get(page)
    small, small_sql, resp = count(c, page)
    body = text(resp)
    assert "Friday 27 March 2026, 14:00 to 15:30<br>Oakfield Primary School" in body
    assert "Dawn Holloway<br><span class=\"govuk-body-s\">Parent or person with parental responsibility" in body
    assert "Carla Foster<br><span class=\"govuk-body-s\">Carer (foster carer or residential key worker), " \
           "Northmoor Fostering</span></td> <td class=\"govuk-table__cell\">No email address" in body
    assert f'href="/reviews/r/{booked.public_id}/invitations/send/">Send the invitations' in body
    for n in range(3):
        link, _ = services.consultation_link_issue(
            actor=iro, invitation=services.review_invite(actor=iro, review=booked, invitee="carer",
                                                         name=f"Carer {n}", email=f"carer{n}@example.org"))
        services.invitee_views_save(link=link, answers={"worries": f"Worry {n}"}, send=True)
    large, large_sql, resp = count(c, page)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    body = text(resp)
    assert "Carer 2, carer (foster carer or residential key worker): sent 3 March 2026" in body
    assert "Worry 2" in body


def test_inviting_sending_and_withdrawing_through_the_pages(client_for, world, booked):
    iro, police, police_officer = world.iro, world.police, world.police_officer
    set_meeting(booked, iro)
    c = client_for(iro)
    invite = f"/reviews/r/{booked.public_id}/invitations/new/"
    body = text(c.get(invite))
    assert f'value="person:{police_officer.public_id}"' in body and "Pat Police (Youth engagement, Northmoor Police)" \
        in body
    resp = c.post(invite, {"invitee": "parent", "person": "someone-else", "name": "", "email": ""})
    assert "Enter their name" in text(resp)
    resp = c.post(invite, {"invitee": "parent", "person": "someone-else", "name": "Dawn Holloway",
                           "email": "dawn@example.org"})
    assert resp.status_code == 302 and resp["Location"].endswith("#invitations")
    resp = c.post(invite, {"invitee": "health", "person": f"person:{police_officer.public_id}"})
    assert resp.status_code == 302
    officer = ReviewInvitation.objects.get(user=police_officer)
    assert officer.agency == police  # offered with their agency from the child's record
    send = f"/reviews/r/{booked.public_id}/invitations/send/"
    body = text(c.get(send))
    assert "Emails cannot be taken back once sent." in body and "dawn@example.org" in body
    assert mail.outbox == [] and c.post(send).status_code == 302
    assert len(sent(booked)) == 2
    assert "has been sent their invitation" in text(c.get(send))  # nothing left to send
    dawn = ReviewInvitation.objects.get(name="Dawn Holloway")
    withdraw = f"/reviews/r/{booked.public_id}/invitations/{dawn.public_id}/withdraw/"
    body = text(c.get(withdraw))
    assert "They are emailed that they are no longer invited" in body and "govuk-button--warning" in body
    assert "Say why" in text(c.post(withdraw, {"reason": ""}))
    assert c.post(withdraw, {"reason": "Sent to the wrong person"}).status_code == 302
    assert ReviewInvitation.objects.get(pk=dawn.pk).withdrawn_reason == "Sent to the wrong person"


def test_the_invitation_pages_are_a_404_for_anyone_else(client_for, world, booked, invited):
    mother = invited["mother"]
    for person in (world.police_officer, world.iro_manager):  # an invitee; the IRO manager, who books but prepares not
        c = client_for(person)
        for path in ("meeting/", "invitations/new/", "invitations/send/", f"invitations/{mother.public_id}/withdraw/",
                     f"invitations/{mother.public_id}/link/"):
            assert c.get(f"/reviews/r/{booked.public_id}/{path}").status_code == 404, (person, path)
