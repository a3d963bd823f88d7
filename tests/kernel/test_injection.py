"""Line breaks and markup in names and typed text inject nothing into calendar files, email headers or PDFs.

Names are left out of emails and calendar files on purpose (ADR 5, ADR 7): a child's or a family
member's name never appears there, however it is written. Text that does go in (a venue, a local
reference, a notification's subject) is folded to one line or escaped. PDFs show names literally.
Everything is read back with the library a recipient would use: icalendar, the email package, pypdf.
"""

from __future__ import annotations

import email.policy
import io
import re
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar
from pypdf import PdfReader

from conferences import documents, services
from conferences.models import Document
from safeguarding.clock import ics
from safeguarding.notify.outbox import one_line
from tests.conferences import story

pytestmark = pytest.mark.django_db

HEADER_BREAK = "Amy\r\nBCC: x@evil.test"
MARKUP = "</p><h1>x</h1>"
ICS_BREAK = "BEGIN:VEVENT\nSUMMARY:evil"
# the tell-tale part of each name: none may appear in an email or a calendar file
NAME_MARKERS = ("x@evil.test", "<h1>x</h1>", "SUMMARY:evil")

# typed free text that does go into calendar files: every way of starting a new line or property (and a
# control character; not NUL, which PostgreSQL refuses to store)
VENUE = "Room 1\r\nEND:VEVENT\rBEGIN:VEVENT\nSUMMARY:venue-injected\u2028ATTACH:http://evil.test/x\x85X-VENUE:1\x07;,\\"
VENUE_ONE_LINE = "Room 1 END:VEVENT BEGIN:VEVENT SUMMARY:venue-injected ATTACH:http://evil.test/x X-VENUE:1;,\\"
LOCAL_ID = "LC1\r\nX-EVIL:1"

LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

FEED_EVENT_PROPERTIES = {"UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION",
                         "URL", "CLASS", "TRANSP"}


def test_one_line_folds_every_line_break_and_drops_control_characters():
    assert one_line(VENUE) == VENUE_ONE_LINE
    assert one_line(HEADER_BREAK) == "Amy BCC: x@evil.test"
    assert one_line("  Łukasz  Dvořák\t") == "Łukasz Dvořák"


def assert_no_injection(raw: bytes, *, events: int, served: bool = True) -> Calendar:
    """Nothing starts a line, component or property that we did not write, and the file parses (strictly
    enough: icalendar) into one calendar with ``events`` events. ``served``: the bytes as served, where
    only CRLF may end a line; a file that went through email (which makes every line end CRLF) may
    end its lines either way, and every CR or LF in it counts as a line end."""
    text = raw.decode("utf-8")
    if served:
        assert text.count("\n") == text.count("\r\n") == text.count("\r")
    lines = re.split(r"\r\n|\r|\n", text)
    assert lines[-1] == ""
    for line in lines[:-1]:
        assert not LINE_BREAKS.search(line) and not CONTROL.search(line), repr(line)
    assert sum(1 for line in lines if line.startswith("BEGIN:")) == events + 1
    assert sum(1 for line in lines if line.startswith("END:")) == events + 1
    assert not any(line.startswith(("BCC", "X-EVIL", "X-VENUE", "ATTACH", "SUMMARY:evil", "SUMMARY:venue"))
                   for line in lines)
    calendar = Calendar.from_ical(raw)
    assert [c.name for c in calendar.walk()] == ["VCALENDAR"] + ["VEVENT"] * events
    return calendar


def assert_no_names(text: str):
    for marker in NAME_MARKERS:
        assert marker not in text


def _feed(user) -> bytes:
    token = ics.calendar_feed_issue(user=user)
    response = Client().get(reverse("clock:calendar_feed", args=[token]))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def booked(la, team, social_worker, chair, police, health, school):
    """A child whose names, and whose mother's, are built to break out, with an initial conference booked
    at a venue typed to break out too."""
    with freeze_time("2026-03-02 09:00"):
        child, mother, _people = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names=HEADER_BREAK, legal_surname=ICS_BREAK, preferred_name=MARKUP, local_child_id=LOCAL_ID)
        mother.first_names = MARKUP
        mother.save()
        conference = story.request_icpc(child=child, social_worker=social_worker,
                                        strategy_discussion_date=date(2026, 3, 2))
        conference = services.conference_schedule(
            actor=chair, conference=conference, chair=chair, starts_at=story.at(date(2026, 3, 20)),
            ends_at=story.at(date(2026, 3, 20), 12), venue=VENUE)
        story.invite_everyone(conference=conference, actor=chair)
    return conference


@freeze_time("2026-03-02 09:00")
def test_calendar_feeds_carry_no_names_and_typed_text_stays_inside_its_property(booked, chair, social_worker):
    conference = booked
    assert conference.venue == VENUE.strip()  # stored as typed: the calendar is where it must be made safe

    # the chair's feed: the conference (conferences/calendar.py)
    raw = _feed(chair)
    calendar = assert_no_injection(raw, events=1)
    (event,) = calendar.walk("VEVENT")
    assert set(event.keys()) <= FEED_EVENT_PROPERTIES
    assert str(event["summary"]) == "Initial child protection conference (LC1 X-EVIL:1)"
    assert str(event["location"]) == VENUE_ONE_LINE
    assert_no_names(raw.decode())

    # the social worker's feed: the conference they are invited to, and its three deadlines (the
    # conference, the agency reports, sharing the report with the parents; safeguarding/clock/ics.py),
    # labelled by the child's local reference, never the deadline's label
    raw = _feed(social_worker)
    calendar = assert_no_injection(raw, events=4)
    meeting, *deadlines = sorted(calendar.walk("VEVENT"), key=lambda e: str(e["uid"]).startswith("deadline-"))
    assert str(meeting["uid"]).endswith("@conferences.safeguarding-hub")
    assert str(meeting["location"]) == VENUE_ONE_LINE
    for deadline in deadlines:
        assert str(deadline["uid"]).startswith("deadline-")
        assert str(deadline["summary"]).endswith("(LC1 X-EVIL:1)")
    for event in (meeting, *deadlines):
        assert set(event.keys()) <= FEED_EVENT_PROPERTIES
    assert_no_names(raw.decode())


def test_the_deadline_feed_folds_a_reference_even_when_the_label_holds_a_name(social_worker, team):
    from safeguarding.clock import services as clock_services
    from tests.factories import ChildFactory

    child = ChildFactory(legal_first_names=HEADER_BREAK, legal_surname=ICS_BREAK, local_child_id="NB1\nDTSTART:1999",
                         allocated_social_worker=social_worker, allocated_team=team)
    deadline = clock_services.deadline_open(subject=child, rule_key="icpc", anchor_date=date(2026, 11, 16),
                                            label=f"ICPC for {HEADER_BREAK} {ICS_BREAK}",
                                            responsible_person=social_worker, responsible_team=team)
    raw = ics.deadlines_calendar(deadlines=[deadline], page_url=lambda d: "https://hub.example/d/1",
                                 today=date(2026, 11, 20))
    calendar = assert_no_injection(raw, events=1)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).endswith("(NB1 DTSTART:1999)")
    assert event.decoded("dtstart") == deadline.due_date
    assert_no_names(raw.decode())


# --- PDFs ---------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.pdf
@freeze_time("2026-03-02 09:00")
def test_minutes_pdf_shows_names_and_typed_text_literally(booked, chair):
    chair.full_name = MARKUP
    chair.save()
    # characters no font has (U+2028, NEL, BEL) print as boxes and garble pypdf's text extraction
    booked.venue = "Room 1\r\nEND:VEVENT\nBEGIN:VEVENT"
    booked.save(update_fields=["venue"])
    minutes = services.minutes_draft(actor=chair, conference=booked)
    services.minutes_edit(actor=chair, minutes=minutes, sections=[
        {"key": "a", "heading": "<h2>Heading</h2>", "body": f"{HEADER_BREAK}\n{ICS_BREAK}", "confidential": False},
    ])
    minutes.refresh_from_db()
    text = _pdf_text(documents.render_minutes(minutes, Document.Copy.PROFESSIONAL))

    # every name and typed text is there as text: the markup as characters, line breaks as spaces
    assert "Amy BCC: x@evil.test BEGIN:VEVENT SUMMARY:evil" in text  # the child, in the table
    assert f"Chair {MARKUP}" in text  # literally: no closed paragraph, no new heading
    assert "<h2>Heading</h2> Amy BCC: x@evil.test BEGIN:VEVENT SUMMARY:evil" in text  # the section
    assert "Venue Room 1 END:VEVENT BEGIN:VEVENT" in text


# --- email headers --------------------------------------------------------------------------------

ALLOWED_HEADERS = {"content-type", "mime-version", "content-transfer-encoding", "subject", "from", "to", "date",
                   "message-id", "reply-to", "auto-submitted", "x-auto-response-suppress", "precedence"}


def parsed(message) -> EmailMessage:
    """The message as a mail server receives it, parsed back by the standard library."""
    raw = message.message().as_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("ascii")  # headers are ASCII (RFC 2047 encodes the rest)
    for line in head.split("\n"):
        line = line.rstrip("\r")
        # every header line starts a header we write, or continues the one before (folding)
        assert line[:1] in (" ", "\t") or line.split(":", 1)[0].lower() in ALLOWED_HEADERS, repr(line)
    return BytesParser(policy=email.policy.default).parsebytes(raw)


def assert_clean_headers(message, *, to: list[str]) -> EmailMessage:
    msg = parsed(message)
    assert {name.lower() for name in msg.keys()} <= ALLOWED_HEADERS
    assert not LINE_BREAKS.search(str(msg["subject"]))
    assert message.recipients() == to and msg["to"].addresses[0].addr_spec == to[0]
    assert len(msg["to"].addresses) == 1 and msg["cc"] is None and msg["bcc"] is None
    return msg


def test_a_notification_subject_cannot_add_a_header(social_worker, django_capture_on_commit_callbacks, mailoutbox):
    from safeguarding.notify.services import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=social_worker, subject=f"{HEADER_BREAK} {ICS_BREAK}", body=f"{MARKUP}\n{HEADER_BREAK}")
    (message,) = mailoutbox
    msg = assert_clean_headers(message, to=[social_worker.email])
    assert str(msg["subject"]) == "Safeguarding Hub: Amy BCC: x@evil.test BEGIN:VEVENT SUMMARY:evil"


def _attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True) for part in msg.iter_attachments()}


@freeze_time("2026-03-02 09:00")
def test_invitation_emails_and_their_calendar_files_carry_no_names_and_inject_nothing(
    la, team, social_worker, chair, police, health, school, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        child, mother, _people = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names=HEADER_BREAK, legal_surname=ICS_BREAK, preferred_name=MARKUP, local_child_id=LOCAL_ID)
        mother.first_names = MARKUP
        mother.save()
        conference = story.request_icpc(child=child, social_worker=social_worker,
                                        strategy_discussion_date=date(2026, 3, 2))
        conference = services.conference_schedule(
            actor=chair, conference=conference, chair=chair, starts_at=story.at(date(2026, 3, 20)),
            ends_at=story.at(date(2026, 3, 20), 12), venue=VENUE)
        invitations = story.invite_everyone(conference=conference, actor=chair)
    mailoutbox[:] = [m for m in mailoutbox if any(a[0] == "invitation.ics" for a in m.attachments)]
    invited = sorted(inv.email for inv in invitations if inv.email)
    assert mother.email in invited and sorted(m.to[0] for m in mailoutbox) == invited

    for message in mailoutbox:
        msg = assert_clean_headers(message, to=message.to)
        text = msg.as_string()
        assert_no_names(text)
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert "LC1 X-EVIL:1" in body or LOCAL_ID in body  # the reference, in the body only
        calendar = assert_no_injection(_attachments(msg)["invitation.ics"], events=1, served=False)
        (event,) = calendar.walk("VEVENT")
        assert str(event["location"]) == VENUE_ONE_LINE
        assert "cn" not in {k.lower() for k in event["attendee"].params}  # the invitee by address only


@freeze_time("2026-03-02 09:00")
def test_an_address_with_a_header_in_it_never_becomes_a_header(booked, chair, django_capture_on_commit_callbacks,
                                                               mailoutbox):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True):
        try:
            services.invitation_add(actor=chair, conference=booked, kind="family", name="A friend",
                                    email="friend@example.org\r\nBcc: x@evil.test")
        except ValidationError:
            pass  # refused when typed: as good
    for message in mailoutbox:
        parsed(message)
        assert "x@evil.test" not in message.recipients()


def test_reminder_emails_about_the_conference_carry_no_names(booked, social_worker, chair, team_manager, mailoutbox):
    """The sweep's reminders (due soon, overdue, escalated) for the conference's deadlines, emailed."""
    from safeguarding.clock import reminders
    from safeguarding.notify.services import deliver_pending_emails

    with freeze_time("2026-04-30 09:00"):  # every deadline of the booking is overdue, some escalated
        run = reminders.sweep(today=date(2026, 4, 30))
        assert run.sent >= 3
        deliver_pending_emails()
    subjects = [m.subject for m in mailoutbox]
    assert any(s.startswith("Safeguarding Hub: Overdue: ") for s in subjects), subjects
    assert any(s.startswith("Safeguarding Hub: Escalated, overdue: ") for s in subjects), subjects
    for message in mailoutbox:
        msg = assert_clean_headers(message, to=message.to)
        assert_no_names(msg.as_string())
