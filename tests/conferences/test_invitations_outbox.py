"""Calendar invitations: the emails the services queue in the kernel's one outbox (ADR 8), the emails
``send_pending`` and the outbox task send, and the ICS attachments parsed back with icalendar (issue 4,
section 1; issue 8, section 3).

The test transaction never commits, so the on-commit sending does not run by itself: the tests call
``invitations.send_pending()`` or the outbox task (or capture and run the on-commit callbacks).
"""

from __future__ import annotations

import re
import smtplib
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from conferences import invitations, services, tasks
from conferences.models import Invitation, InvitationEmail
from safeguarding.notify import tasks as outbox_tasks
from safeguarding.notify.outbox import retry_delay
from tests.conferences import story

pytestmark = pytest.mark.django_db

HERE = "tests.conferences.test_invitations_outbox"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FRI_20_MAR = date(2026, 3, 20)
NAMES = ("Zebedee", "Quennell", "Marsh", "Mary")


class RefusesMary(locmem.EmailBackend):
    """A mail server that refuses one address and delivers the rest (into mail.outbox)."""

    refused = "mary@example.org"

    def send_messages(self, email_messages):
        for m in email_messages:
            if self.refused in m.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"5.1.1 Mailbox unavailable")})
        return super().send_messages(email_messages)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = LOCMEM


@pytest.fixture
def clock():
    with freeze_time("2026-03-02 09:00") as frozen:
        yield frozen


@pytest.fixture
def family(clock, la, team, social_worker, police, health, school):
    return story.child_with_family(la=la, social_worker=social_worker, team=team, police=police, health=health,
                                   school=school, legal_first_names="Zebedee", legal_surname="Quennell-Marsh")


@pytest.fixture
def conf(family, social_worker, chair):
    """Requested, with everyone proposed invited (five with an email address) and a grandfather without one."""
    conf = story.request_icpc(child=family[0], social_worker=social_worker, strategy_discussion_date=date(2026, 3, 2))
    story.invite_everyone(conference=conf, actor=chair)
    services.invitation_add(actor=chair, conference=conf, kind="family", name="Grandad Marsh", role="Grandfather")
    return conf


@pytest.fixture
def booked(conf, chair):
    return story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)


def emailable(conference) -> set[str]:
    return set(Invitation.objects.filter(conference=conference, entered_in_error_at__isnull=True)
               .exclude(email="").values_list("email", flat=True))


def calendar_of(message):
    """The message's single text/calendar attachment, parsed, with its MIME type."""
    found = [a for a in message.attachments if a[2].startswith("text/calendar")]
    assert len(found) == 1, message.attachments
    filename, content, mimetype = found[0]
    assert filename == "invitation.ics"
    return Calendar.from_ical(content), mimetype, content


def event_of(cal):
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def calendar_emails():
    return [m for m in mail.outbox if any(a[2].startswith("text/calendar") for a in m.attachments)]


def outbox_rows(**filters):
    """The calendar invitations in the kernel outbox (``invitations.emails_of``)."""
    return invitations.emails_of(**filters)


# --- booking sends one invitation each ------------------------------------------------------------


def test_booking_sends_each_invitee_with_an_email_one_calendar_invitation(booked, chair):
    addresses = emailable(booked)
    assert len(addresses) == 5
    assert mail.outbox == []  # nothing before the booking commits

    assert invitations.send_pending() == 5

    assert len(mail.outbox) == 5 == len(calendar_emails())
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(addresses)
    uid = f"{booked.public_id}@conferences.safeguarding-hub"
    for m in mail.outbox:
        assert m.subject == "Invitation: Initial child protection conference on 20 March 2026"
        assert m.from_email == django_settings.DEFAULT_FROM_EMAIL
        cal, mimetype, _raw = calendar_of(m)
        assert mimetype == "text/calendar; method=REQUEST; charset=utf-8"
        assert str(cal["METHOD"]) == "REQUEST"
        ev = event_of(cal)
        assert str(ev["UID"]) == uid
        assert int(ev["SEQUENCE"]) == 0
        assert ev.decoded("DTSTART") == story.at(FRI_20_MAR, 10)
        assert ev.decoded("DTEND") == story.at(FRI_20_MAR, 12)
        assert str(ev["LOCATION"]) == "Northmoor Civic Centre"
        assert str(ev["STATUS"]) == "CONFIRMED"
        assert str(ev["ATTENDEE"]) == f"mailto:{m.to[0]}"
        assert "CN" not in ev["ATTENDEE"].params  # the address only: no name in anybody's calendar
        assert str(ev["ORGANIZER"]) == f"mailto:{django_settings.DEFAULT_FROM_EMAIL}"
    rows = outbox_rows(conference=booked)
    assert sorted(r.to for r in rows) == sorted(addresses)
    assert {(invitations.key_of(r)[1:], r.attempts, r.last_error, r.status) for r in rows} == {
        ((0, "REQUEST"), 1, "", "sent")}
    assert all(r.sent_at for r in rows)
    assert set(Invitation.objects.exclude(email="").values_list("sent_sequence", flat=True)) == {0}
    assert Invitation.objects.get(name="Grandad Marsh").sent_sequence == -1


def test_the_invitations_go_out_when_the_booking_commits(conf, chair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story.book(conference=conf, chair=chair, actor=chair, day=FRI_20_MAR)
    assert sorted(m.to[0] for m in calendar_emails()) == sorted(emailable(conf))
    assert outbox_rows().count() == 5 and not outbox_rows().exclude(status="sent").exists()


def test_sending_twice_sends_nothing_twice(booked):
    assert invitations.send_pending() == 5
    assert invitations.send_pending() == 0
    tasks.send_invitations()
    tasks.send_invitations.apply()
    outbox_tasks.deliver_emails()  # the one outbox task
    outbox_tasks.deliver_emails.apply()
    assert len(calendar_emails()) == 5


def test_nothing_is_sent_before_a_date_is_booked(conf):
    assert invitations.send_pending() == 0
    assert not outbox_rows().exists() and mail.outbox == []


def test_an_invitee_added_after_booking_gets_just_their_own_invitation(booked, chair, health):
    invitations.send_pending()
    mail.outbox.clear()
    services.invitation_add(actor=chair, conference=booked, kind="professional", name="Dr Green", role="GP",
                            email="dr.green@example.org", agency_id=health.pk)
    assert invitations.send_pending() == 1
    assert [m.to for m in mail.outbox] == [["dr.green@example.org"]]
    assert int(event_of(calendar_of(mail.outbox[0])[0])["SEQUENCE"]) == 0


def test_an_online_conference_carries_its_link(conf, chair):
    services.conference_schedule(actor=chair, conference=conf, chair=chair, starts_at=story.at(FRI_20_MAR, 14),
                                 ends_at=story.at(FRI_20_MAR, 16), online_link="https://meet.example.org/cp-123")
    invitations.send_pending()
    m = mail.outbox[0]
    ev = event_of(calendar_of(m)[0])
    assert str(ev["LOCATION"]) == "Online"
    assert str(ev["URL"]) == "https://meet.example.org/cp-123"
    assert "Join online: https://meet.example.org/cp-123" in str(ev["DESCRIPTION"])
    assert "Join online: https://meet.example.org/cp-123" in m.body
    assert "at online" in m.body


# --- updates and cancellations --------------------------------------------------------------------


def test_a_reschedule_updates_the_same_calendar_entry_with_a_higher_sequence(booked, chair, clock):
    invitations.send_pending()
    first_uids = {str(event_of(calendar_of(m)[0])["UID"]) for m in mail.outbox}
    mail.outbox.clear()

    services.conference_reschedule(actor=chair, conference=booked, starts_at=story.at(date(2026, 3, 19), 13),
                                   ends_at=story.at(date(2026, 3, 19), 15), venue="Room 4, Civic Centre",
                                   reason="Chair's diary")
    assert invitations.send_pending() == 5

    assert sorted(m.to[0] for m in mail.outbox) == sorted(emailable(booked))
    for m in mail.outbox:
        assert m.subject == "Updated invitation: Initial child protection conference on 19 March 2026"
        assert "This replaces the earlier invitation" in m.body
        cal, mimetype, _raw = calendar_of(m)
        ev = event_of(cal)
        assert str(cal["METHOD"]) == "REQUEST" and mimetype.startswith("text/calendar; method=REQUEST")
        assert {str(ev["UID"])} == first_uids
        assert int(ev["SEQUENCE"]) == 1
        assert ev.decoded("DTSTART") == story.at(date(2026, 3, 19), 13)
        assert ev.decoded("DTEND") == story.at(date(2026, 3, 19), 15)
        assert str(ev["LOCATION"]) == "Room 4, Civic Centre"
    assert outbox_rows(sequence=1, method="REQUEST").count() == 5


def test_a_cancellation_removes_the_same_calendar_entry(booked, chair):
    invitations.send_pending()
    services.conference_reschedule(actor=chair, conference=booked, starts_at=story.at(FRI_20_MAR, 14),
                                   ends_at=story.at(FRI_20_MAR, 16), venue="Hall", reason="Room double-booked")
    invitations.send_pending()
    uid = f"{booked.public_id}@conferences.safeguarding-hub"
    mail.outbox.clear()

    services.conference_cancel(actor=chair, conference=booked, reason="Child moved to Wales")
    assert invitations.send_pending() == 5

    assert sorted(m.to[0] for m in mail.outbox) == sorted(emailable(booked))
    for m in mail.outbox:
        assert m.subject == "Cancelled: Initial child protection conference on 20 March 2026"
        cal, mimetype, _raw = calendar_of(m)
        ev = event_of(cal)
        assert mimetype == "text/calendar; method=CANCEL; charset=utf-8"
        assert str(cal["METHOD"]) == "CANCEL"
        assert str(ev["STATUS"]) == "CANCELLED"
        assert str(ev["UID"]) == uid
        assert int(ev["SEQUENCE"]) == 2  # higher than the last update's 1
    assert "Child moved to Wales" not in " ".join(m.body for m in mail.outbox)  # reasons stay in the hub


def test_withdrawing_one_invitee_cancels_only_their_entry(booked, chair, police):
    invitations.send_pending()
    mail.outbox.clear()
    inv = Invitation.objects.get(conference=booked, agency=police)
    services.invitation_withdraw(actor=chair, invitation=inv, reason="Wrong officer")
    assert invitations.send_pending() == 1
    (m,) = mail.outbox
    assert m.to == [inv.email]
    cal, _mimetype, _raw = calendar_of(m)
    assert str(cal["METHOD"]) == "CANCEL" and str(event_of(cal)["STATUS"]) == "CANCELLED"
    # a later cancellation of the whole conference does not write to them again
    mail.outbox.clear()
    services.conference_cancel(actor=chair, conference=booked, reason="Not needed")
    invitations.send_pending()
    assert inv.email not in {m.to[0] for m in mail.outbox} and len(mail.outbox) == 4


# --- no names -------------------------------------------------------------------------------------


def test_no_email_or_calendar_entry_names_the_child_or_family(booked, chair, family):
    child = family[0]
    invitations.send_pending()
    services.conference_reschedule(actor=chair, conference=booked, starts_at=story.at(FRI_20_MAR, 14),
                                   ends_at=story.at(FRI_20_MAR, 16), venue="Hall", reason="Room double-booked")
    services.conference_cancel(actor=chair, conference=booked, reason="Moved away")
    invitations.send_pending()
    assert len(mail.outbox) == 15
    # every invitee's own name too (professionals' and the family's): calendar entries carry no names
    invitees = set(Invitation.objects.filter(conference=booked).values_list("name", flat=True))
    assert len(invitees) >= 5 and any(name.startswith("Mary") for name in invitees)
    for m in mail.outbox:
        cal, _mimetype, raw = calendar_of(m)
        ev = event_of(cal)
        visible = " ".join([m.subject, m.body, str(ev["SUMMARY"]), str(ev["DESCRIPTION"]), str(ev["LOCATION"])])
        for name in NAMES:
            assert name not in visible, (name, m.to, visible)
        assert str(ev["SUMMARY"]) == "Initial child protection conference"
        assert f"Reference: {child.local_child_id}" in str(ev["DESCRIPTION"])
        # nothing at all in anyone's email or calendar file names the family or an invitee (lines unfolded)
        unfolded = raw.replace("\r\n ", "").replace("\r\n\t", "")
        for name in (*NAMES, *invitees):
            assert name not in unfolded and name not in m.body and name not in m.subject, (name, m.to)


def test_typed_text_stays_inside_its_property_in_the_calendar_file_and_out_of_the_headers(booked, chair):
    venue = "Room 1\r\nEND:VEVENT\rBEGIN:VEVENT\nSUMMARY:injected\u2028ATTACH:http://evil.test/x\x85X-EVIL:1\x07;,"
    invitations.send_pending()
    mail.outbox.clear()
    services.conference_reschedule(actor=chair, conference=booked, starts_at=story.at(FRI_20_MAR, 14),
                                   ends_at=story.at(FRI_20_MAR, 16), venue=venue,
                                   online_link="https://meet.example.org/x\r\nATTACH:http://evil.test/y",
                                   reason="Bigger room")
    assert invitations.send_pending() == 5
    for m in mail.outbox:
        assert "\n" not in m.subject and "\r" not in m.subject
        cal, _mimetype, raw = calendar_of(m)
        lines = raw.split("\r\n")
        assert lines[-1] == ""
        for line in lines[:-1]:
            assert not re.search("[\r\n\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]", line), repr(line)
            assert not line.startswith(("SUMMARY:injected", "ATTACH", "X-EVIL"))
        assert [c.name for c in cal.walk()] == ["VCALENDAR", "VEVENT"]
        ev = event_of(cal)
        assert str(ev["LOCATION"]) == ("Room 1 END:VEVENT BEGIN:VEVENT SUMMARY:injected ATTACH:http://evil.test/x "
                                       "X-EVIL:1;,")
        assert "URL" not in ev  # not a plain link: only in the description, as text
        assert "Join online: https://meet.example.org/x ATTACH:http://evil.test/y" in str(ev["DESCRIPTION"])


# --- failures and retries -------------------------------------------------------------------------


def test_a_refused_address_stays_pending_with_its_error_and_next_try_and_the_others_are_sent(booked, settings,
                                                                                           clock):
    settings.EMAIL_BACKEND = f"{HERE}.RefusesMary"

    assert invitations.send_pending() == 4

    assert len(mail.outbox) == 4 and "mary@example.org" not in {m.to[0] for m in mail.outbox}
    mary = outbox_rows().get(to="mary@example.org")
    assert (mary.status, mary.sent_at, mary.attempts) == ("pending", None, 1)
    assert mary.next_attempt_at == timezone.now() + timedelta(minutes=1)
    assert "mary@example.org" in mary.last_error and "550" in mary.last_error
    others = outbox_rows().exclude(pk=mary.pk)
    assert others.count() == 4 and all(r.sent_at and r.attempts == 1 and not r.last_error for r in others)

    # the outbox task retries it at its next try, once the mail server takes the address
    settings.EMAIL_BACKEND = LOCMEM
    outbox_tasks.deliver_emails()
    assert len(calendar_emails()) == 4  # not before its next try
    clock.tick(timedelta(minutes=1))
    outbox_tasks.deliver_emails()
    mary.refresh_from_db()
    assert mary.sent_at is not None and (mary.status, mary.attempts) == ("sent", 2)
    assert [m.to for m in calendar_emails()[4:]] == [["mary@example.org"]]
    outbox_tasks.deliver_emails()  # and runs twice harmlessly
    assert len(calendar_emails()) == 5


def test_a_failing_address_is_failed_after_the_maximum_attempts(booked, settings, clock):
    settings.EMAIL_BACKEND = f"{HERE}.RefusesMary"
    invitations.send_pending()
    outbox_rows().filter(to="mary@example.org").update(attempts=invitations.MAX_ATTEMPTS - 1)
    clock.tick(retry_delay(1))
    assert invitations.send_pending() == 0
    mary = outbox_rows().get(to="mary@example.org")
    assert (mary.status, mary.sent_at, mary.attempts) == ("failed", None, invitations.MAX_ATTEMPTS)
    settings.EMAIL_BACKEND = LOCMEM
    clock.tick(timedelta(days=2))
    assert invitations.send_pending() == 0
    outbox_tasks.deliver_emails()
    assert outbox_rows().get(pk=mary.pk).status == "failed"
    assert "mary@example.org" not in {m.to[0] for m in mail.outbox}


def test_send_pending_for_one_conference_leaves_others_alone(booked, la, social_worker, chair, clock):
    from tests.factories import ChildFactory

    other_child = ChildFactory(local_authority=la)
    other = story.request_icpc(child=other_child, social_worker=social_worker,
                               strategy_discussion_date=date(2026, 3, 2))
    services.invitation_add(actor=chair, conference=other, kind="family", name="Aunt", email="aunt@example.org")
    story.book(conference=other, chair=chair, actor=chair, day=FRI_20_MAR, hour=14)
    assert invitations.send_pending(conference_id=other.pk) == 1
    assert [m.to for m in mail.outbox] == [["aunt@example.org"]]
    assert invitations.send_pending() == 5


def test_the_one_outbox_task_is_scheduled_and_sends_the_invitations(booked):
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert [entry["task"] for entry in schedule.values()].count("notify.deliver_emails") == 1
    assert not any(entry["task"] == "conferences.send_invitations" for entry in schedule.values())  # one outbox
    assert outbox_tasks.deliver_emails.name == "notify.deliver_emails"
    assert tasks.send_invitations.name == "conferences.send_invitations"  # kept for messages already queued
    # the services wrote the kernel outbox (nothing writes the old table): its one task sends them
    outbox_tasks.deliver_emails()
    assert sorted(m.to[0] for m in calendar_emails()) == sorted(emailable(booked))


def test_the_invitation_time_is_local_time_in_the_email(conf, chair, clock):
    # 10:00 in London in summer time is 09:00 UTC; the email says 10:00
    clock.move_to("2026-06-01 09:00")
    services.conference_cancel(actor=chair, conference=conf, reason="Rebook")
    again = story.request_icpc(child=conf.child, social_worker=conf.requested_by,
                               strategy_discussion_date=date(2026, 6, 1))
    services.invitation_add(actor=chair, conference=again, kind="family", name="Aunt", email="aunt@example.org")
    story.book(conference=again, chair=chair, actor=chair, day=date(2026, 6, 5))
    invitations.send_pending()
    (m,) = calendar_emails()
    assert "Friday 5 June 2026 at 10:00" in m.body
    cal, _mimetype, raw = calendar_of(m)
    assert event_of(cal).decoded("DTSTART") == story.at(date(2026, 6, 5), 10)
    assert "DTSTART:20260605T090000Z" in raw


def test_sending_costs_the_same_number_of_queries_for_one_or_five_emails(booked, chair, health):
    with CaptureQueriesContext(connection) as five:
        assert invitations.send_pending() == 5
    services.invitation_add(actor=chair, conference=booked, kind="professional", name="Dr Green", role="GP",
                            email="dr.green@example.org", agency_id=health.pk)
    with CaptureQueriesContext(connection) as one:
        assert invitations.send_pending() == 1
    assert len(five.captured_queries) == len(one.captured_queries) <= 12, [q["sql"][:80] for q in five.captured_queries]


# --- the kernel outbox's writer, and the rows of the old conference outbox ------------------------------


def test_queue_emails_writes_each_invitation_once_in_the_transaction_and_sends_after_commit(
        booked, chair, police, django_capture_on_commit_callbacks):
    """``queue_emails`` is what ``services._queue_invitation_emails`` hands to (same arguments)."""
    invitations.send_pending()
    mail.outbox.clear()
    booked.refresh_from_db()
    inv = Invitation.objects.get(conference=booked, agency=police)
    booked.ics_sequence += 1
    booked.save(update_fields=["ics_sequence"])
    with django_capture_on_commit_callbacks(execute=True):
        written = invitations.queue_emails(booked, [inv], invitations.CANCEL)
        assert [invitations.key_of(r) for r in written] == [(inv.pk, 1, "CANCEL")]
        assert outbox_rows(invitation=inv, sequence=1, method="CANCEL").get().status == "pending"
        assert mail.outbox == []
        assert invitations.queue_emails(booked, [inv], invitations.CANCEL) == []  # the same email: not twice
    inv.refresh_from_db()
    assert inv.sent_sequence == 1
    [m] = mail.outbox
    assert m.to == [inv.email] and str(calendar_of(m)[0]["METHOD"]) == "CANCEL"
    assert outbox_rows(invitation=inv, sequence=1, method="CANCEL").get().status == "sent"
    # an invitee without an address gets nothing, and is not marked sent
    grandad = Invitation.objects.get(conference=booked, name="Grandad Marsh")
    assert invitations.queue_emails(booked, [grandad]) == []
    grandad.refresh_from_db()
    assert grandad.sent_sequence == -1


def test_rows_waiting_in_the_old_conference_outbox_move_to_the_kernel_outbox_once(booked, clock):
    """What migration 0002 did at upgrade (``include_given_up``), and what ``send_pending`` still does for
    rows an older version left. Old rows are written here as a database upgraded from before
    ADR 8 holds them."""
    invitations.send_pending()
    mail.outbox.clear()
    inv_a, inv_b = Invitation.objects.filter(conference=booked).exclude(email="").order_by("pk")[:2]
    waiting = InvitationEmail.objects.create(invitation=inv_a, sequence=7, method="REQUEST", to=inv_a.email,
                                             attempts=3, last_error="SMTPServerDisconnected: gone")
    given_up = InvitationEmail.objects.create(invitation=inv_b, sequence=7, method="REQUEST", to=inv_b.email,
                                              attempts=invitations.MAX_ATTEMPTS, last_error="SMTPRecipientsRefused")
    assert invitations.move_legacy_rows(include_given_up=True) == 2
    assert invitations.move_legacy_rows(include_given_up=True) == 0  # once
    moved = outbox_rows(invitation=inv_a, sequence=7, method="REQUEST").get()
    failed = outbox_rows(invitation=inv_b, sequence=7, method="REQUEST").get()
    assert (moved.status, moved.attempts, moved.last_error) == ("pending", 3, "SMTPServerDisconnected: gone")
    assert (failed.status, failed.attempts) == ("failed", invitations.MAX_ATTEMPTS)
    waiting.refresh_from_db()
    given_up.refresh_from_db()
    assert waiting.sent_at == timezone.now() and given_up.sent_at is None  # the time it left; never sent

    assert invitations.send_pending() == 1  # the moved one, under the kernel's rule
    [m] = mail.outbox
    assert m.to == [inv_a.email] and int(event_of(calendar_of(m)[0])["SEQUENCE"]) == 7
    assert invitations.send_pending() == 0
