"""Meetings of a LADO case (issue 11, section 3): booked with calendar invitations through the outbox (one per
invitee, no names: the case's reference), moved (the next SEQUENCE), cancelled, an invitee withdrawn, held with
who came; the pages, for the LADO team (the invited police officer sees the meeting, books nothing)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from lado import calendar, services
from lado.models import Meeting
from safeguarding.accounts.models import Role
from safeguarding.notify.models import OutboxEmail
from tests.factories import LocalAuthorityFactory, PoliceFactory, make_user
from tests.factories.lado import EvaluatedCaseFactory, IdentifiedCaseFactory, lado_officer_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_meetings")]


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Lee Lado", email="lee@northmoor.example")
    police = make_user(PoliceFactory(), Role.PARTNER_PRACTITIONER, full_name="Pat Police", email="pat@police.example")
    with freeze_time("2026-03-02 10:00"):
        case = EvaluatedCaseFactory(local_authority=la, officer=officer)
        services.case_invite(actor=officer, case=case, user=police, kind="police")
    return {"la": la, "officer": officer, "police": police, "case": case}


world = shared_world(_build)


def _at(s: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(s))


def _book(w, **kw):
    return services.meeting_book(actor=w["officer"], case=w["case"], kind="strategy", starts_at=_at("2026-03-04 10:00"),
                                 venue="Northmoor Civic Centre, room 2", invitees=[
                                     {"role": "lado", "name": "Lee Lado", "email": "lee@northmoor.example",
                                      "user": w["officer"]},
                                     {"role": "police", "name": "Pat Police", "email": "pat@police.example"},
                                     {"role": "employer", "name": "Ann Head", "email": "head@school.example"}], **kw)


def _emails(meeting):
    return list(OutboxEmail.objects.filter(topic=calendar.TOPIC, group=calendar.group_of(meeting)).order_by("id"))


def test_booking_sends_each_invitee_a_calendar_invitation_without_names(world):
    with freeze_time("2026-03-02 11:00"):
        meeting = _book(world)
    emails = _emails(meeting)
    assert sorted(e.to for e in emails) == ["head@school.example", "lee@northmoor.example", "pat@police.example"]
    e = next(e for e in emails if e.to == "head@school.example")
    ics = e.attachments[0]["content"]
    assert e.subject == "Invitation: Allegations management meeting or strategy discussion on 4 March 2026"
    assert world["case"].reference in e.body and "METHOD:REQUEST" in ics and "SEQUENCE:0" in ics
    everything = " ".join(x.subject + x.body + x.attachments[0]["content"] for x in emails)
    for name in ("Pemberton", "Gareth", "Ella", "Ann Head", "Pat Police", "Lee Lado"):
        assert name not in everything


def test_a_meeting_needs_a_time_a_place_and_someone_to_invite_and_an_open_case(world):
    with pytest.raises(ValidationError) as refused:
        services.meeting_book(actor=world["officer"], case=world["case"], kind="x", starts_at=None, invitees=[
            {"name": "Ann Head", "email": "not an address"}])
    assert set(refused.value.message_dict) == {"kind", "starts_at", "venue", "invitees-0"}
    new_case = IdentifiedCaseFactory(local_authority=world["la"], officer=world["officer"])
    with pytest.raises(ValidationError, match="open case"):
        _book({**world, "case": new_case})
    with pytest.raises(ValidationError):
        services.meeting_book(actor=world["police"], case=world["case"], kind="strategy",
                              starts_at=_at("2026-03-04 10:00"), venue="x", invitees=[{"email": "a@b.example"}])


def test_moving_sends_the_next_sequence_and_cancelling_a_cancellation(world):
    with freeze_time("2026-03-02 11:00"):
        meeting = _book(world)
        same = services.meeting_move(actor=world["officer"], meeting=meeting, starts_at=meeting.starts_at,
                                     venue=meeting.venue, reason="")
        assert same.ics_sequence == 0
        moved = services.meeting_move(actor=world["officer"], meeting=meeting, starts_at=_at("2026-03-05 14:00"),
                                      venue="Online only", online_link="https://meet.example/abc",
                                      reason="The police officer is in court")
        invitee = meeting.invitees.get(email="head@school.example")
        services.meeting_invitee_withdraw(actor=world["officer"], invitee=invitee)
        cancelled = services.meeting_cancel(actor=world["officer"], meeting=meeting, reason="Police asked to wait")
    assert (moved.ics_sequence, cancelled.ics_sequence, cancelled.status) == (1, 2, "cancelled")
    keys = [e.key.removeprefix("lado.meeting:").split(":")[1:] for e in _emails(meeting)]
    assert keys.count(["1", "REQUEST"]) == 3 and keys.count(["1", "CANCEL"]) == 1  # the employer withdrawn
    assert keys.count(["2", "CANCEL"]) == 2  # the other two
    assert "5 March 2026" in next(e.subject for e in _emails(meeting) if "Updated" in e.subject)


def test_a_meeting_is_held_once_it_has_started(world):
    with freeze_time("2026-03-02 11:00"):
        meeting = _book(world)
        with pytest.raises(ValidationError, match="not started"):
            services.meeting_hold(actor=world["officer"], meeting=meeting, attended=[], notes="x")
    came = list(meeting.invitees.filter(role__in=["lado", "police"]).values_list("pk", flat=True))
    with freeze_time("2026-03-04 12:00"):
        held = services.meeting_hold(actor=world["officer"], meeting=meeting, attended=came,
                                     notes="Police to interview the pupil; the teacher is suspended.")
    assert held.status == "held"
    assert dict(meeting.invitees.values_list("role", "attended")) == {"lado": True, "police": True, "employer": False}
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=world["officer"], meeting=meeting, reason="Too late")


def test_the_meeting_pages(world, client_for):
    c = client_for(world["officer"])
    case = world["case"]
    with freeze_time("2026-03-02 11:00"):
        page = c.get(f"/lado/cases/{case.public_id}/meetings/new/").content.decode()
        assert "Pat Police (Police)" in page and "Lee Lado (LADO)" in page
        resp = c.post(f"/lado/cases/{case.public_id}/meetings/new/", {
            "kind": "strategy", "day_day": "4", "day_month": "3", "day_year": "2026", "starts": "10:00",
            "ends": "11:30", "venue": "Civic Centre", "people": ["officer"],
            "others": "employer, Ann Head, head@school.example"})
        assert resp.status_code == 302
        meeting = Meeting.objects.get(case=case)
        assert (timezone.localtime(meeting.ends_at).hour, meeting.invitees.count()) == (11, 2)
        assert resp["Location"] == f"/lado/cases/{case.public_id}/meetings/{meeting.public_id}/"
        police_view = client_for(world["police"]).get(resp["Location"]).content.decode()
        assert "Civic Centre" in police_view and "Move the meeting" not in police_view
        assert "head@school.example" not in police_view  # the addresses are the LADO's
        assert client_for(world["police"]).get(resp["Location"] + "move/").status_code == 404
        case_page = re.sub(r"\s+", " ", c.get(f"/lado/cases/{case.public_id}/").content.decode())
        assert "Allegations management meeting or strategy discussion, 4 Mar 2026, 10:00" in case_page
        workbench = c.get("/lado/").content.decode()
        week = workbench[workbench.index('id="meetings-this-week"'):workbench.index('id="new-referrals"')]
        assert "Wed 4 Mar, 10:00" in week and case.reference in week
