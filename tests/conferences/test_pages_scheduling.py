"""The request and scheduling pages of child protection conferences (issue 4, sections 1, 2 and 7):
who may open each page (everyone else gets the same 404), the forms going through the services with
their errors shown and nothing typed lost, and the lists' query counts.

The story: on Monday 2 March 2026 Sam Worker requests an initial conference for a child after the
strategy discussion that morning; it must be held by Monday 23 March 2026 (15 working days)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from conferences import selectors, services
from conferences.models import AgencyReport, Conference, Invitation
from safeguarding.accounts.models import Role
from safeguarding.audit.models import RecordView
from safeguarding.clock.models import Deadline
from tests.conferences import story
from tests.factories import ChildFactory, make_user
from tests.pages.conftest import check_html

pytestmark = pytest.mark.django_db

START = "2026-03-02 09:00"
STRATEGY = date(2026, 3, 2)
DUE = date(2026, 3, 23)  # 15 working days after the strategy discussion
DOB = date(2019, 5, 4)  # six: not yet proposed as an invitee (the invitee list stays predictable)


def text(resp) -> str:
    return htmllib.unescape(check_html(resp))


def date_parts(name, d: date) -> dict:
    return {f"{name}_day": str(d.day), f"{name}_month": str(d.month), f"{name}_year": str(d.year)}


def errors_of(resp) -> list[str]:
    """The messages in the GOV.UK error summary."""
    page = text(resp)
    m = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", m.group(1), re.S)] if m else []


@pytest.fixture
def frozen():
    with freeze_time(START) as f:
        yield f


@pytest.fixture
def client(client_for):
    """client(user): a signed-in client whose pages are checked for inline script."""

    class Checked:
        def __init__(self, user):
            self.c = client_for(user)

        def get(self, url, **kw):
            resp = self.c.get(url, **kw)
            check_html(resp)
            return resp

        def post(self, url, data=None, **kw):
            resp = self.c.post(url, data or {}, **kw)
            check_html(resp)
            return resp

    return Checked


@pytest.fixture
def other_la_chair(other_la):
    return make_user(other_la, Role.CONFERENCE_CHAIR, full_name="Cora Elsewhere")


@pytest.fixture
def family(frozen, la, team, social_worker, police, health, school):
    child, mother, people = story.child_with_family(
        la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
        legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=DOB)
    return {"child": child, "mother": mother, "people": people}


@pytest.fixture
def requested(family, social_worker):
    return story.request_icpc(child=family["child"], social_worker=social_worker, strategy_discussion_date=STRATEGY)


@pytest.fixture
def booked(requested, chair):
    return story.book(conference=requested, chair=chair, actor=chair, day=date(2026, 3, 20))


def url(name, conference, *extra):
    return f"/conferences/{conference.public_id}/{name}" + "".join(f"{e}/" for e in extra)


def outsiders(other_social_worker, police_officer, other_la_chair):
    return {"social worker of another team": other_social_worker, "police officer not invited": police_officer,
            "chair of another local authority": other_la_chair}


# --- who may open which page -----------------------------------------------------------------------------
def test_each_conference_page_opens_for_the_people_who_may_and_is_404_for_others(
    client, booked, family, chair, administrator, social_worker, other_social_worker, police_officer,
    other_la_chair,
):
    inv = services.invitation_add(actor=chair, conference=booked, kind="parent", name="Mary Hartley",
                                  role="Mother", adult_id=family["mother"].pk)
    report = services.report_submit(actor=social_worker, conference=booked, agency=booked.child.local_authority,
                                    summary="Home visits weekly")
    pages = {
        url("", booked): [chair, administrator, social_worker],
        url("reschedule/", booked): [chair, administrator],
        url("cancel/", booked): [chair, administrator],
        url("invitations/", booked): [chair, administrator],
        url("invitations/", booked, inv.public_id, "withdraw"): [chair, administrator],
        url("attendance/", booked): [chair, administrator],
        url("reports/", booked): [chair, administrator, social_worker],
        url("reports/submit/", booked): [social_worker],
        url("reports/", booked, report.public_id): [chair, administrator, social_worker],
        url("reports/", booked, report.public_id, "share"): [chair, social_worker],
    }
    for page, people in pages.items():
        for person in people:
            resp = client(person).get(page)
            assert resp.status_code == 200, (page, person.full_name)
            assert 'class="govuk-back-link"' in resp.content.decode(), page
        for who, person in outsiders(other_social_worker, police_officer, other_la_chair).items():
            assert client(person).get(page).status_code == 404, (page, who)
            assert client(person).post(page, {"reason": "x"}).status_code == 404, (page, who)
    # the administrator sees the reports but may not record the sharing (the case staff and the chair do)
    assert client(administrator).get(url("reports/", booked, report.public_id, "share")).status_code == 404


def test_the_schedule_page_is_for_the_conference_service(
    client, requested, chair, administrator, social_worker, other_social_worker, police_officer, other_la_chair,
):
    page = url("schedule/", requested)
    for person in (chair, administrator):
        assert client(person).get(page).status_code == 200
    for person in (social_worker, other_social_worker, police_officer, other_la_chair):
        assert client(person).get(page).status_code == 404


def test_missing_and_malformed_ids_are_the_same_404(client, booked, chair):
    c = client(chair)
    assert c.get("/conferences/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert c.get("/conferences/not-a-uuid/schedule/").status_code == 404
    assert c.get(url("invitations/", booked, "not-a-uuid", "withdraw")).status_code == 404
    assert c.get(url("reports/", booked, "00000000-0000-0000-0000-000000000000")).status_code == 404


def test_the_request_page_is_for_those_who_may_edit_the_child(
    client, family, social_worker, team_manager, chair, other_social_worker, police_officer, other_la_chair,
):
    page = f"/conferences/request/{family['child'].public_id}/"
    for person in (social_worker, team_manager):
        assert client(person).get(page).status_code == 200
    for person in (chair, other_social_worker, police_officer, other_la_chair):
        assert client(person).get(page).status_code == 404
    assert client(social_worker).get("/conferences/request/not-a-uuid/").status_code == 404
    assert RecordView.objects.filter(user=social_worker, what="conference request form",
                                     via=RecordView.Via.PAGE).count() == 1


def test_the_service_list_is_for_chairs_and_administrators(client, requested, chair, administrator, social_worker,
                                                          police_officer, other_la_chair):
    for person in (chair, administrator):
        resp = client(person).get("/conferences/service/")
        assert resp.status_code == 200 and "Amelia Hartley" in text(resp)
    for person in (social_worker, police_officer):
        assert client(person).get("/conferences/service/").status_code == 404
    # a chair of another local authority has a service list of their own, without our conference
    resp = client(other_la_chair).get("/conferences/service/")
    assert resp.status_code == 200 and "Amelia Hartley" not in text(resp)
    assert "The conference service has no conferences yet." in text(resp)


def test_the_nav_offers_conferences_to_the_roles_that_use_them(client, chair, administrator, social_worker,
                                                               police_officer, lado, business_unit):
    # partners reach the conferences their agency is invited to (and their report forms) from the nav
    for person in (chair, administrator, social_worker, police_officer):
        assert 'href="/conferences/"' in client(person).get("/").content.decode()
    for person in (lado, business_unit):
        assert 'href="/conferences/"' not in client(person).get("/").content.decode()


# --- the request ----------------------------------------------------------------------------------------
def test_requesting_an_initial_conference_states_the_due_date(client, family, social_worker):
    page = f"/conferences/request/{family['child'].public_id}/"
    resp = client(social_worker).post(page, {"kind": "initial", **date_parts("strategy_discussion_date", STRATEGY),
                                             "notes": "Interpreter: Polish"}, follow=True)
    conference = Conference.objects.get(child=family["child"])
    assert resp.redirect_chain[-1][0] == f"/conferences/{conference.public_id}/"
    page_text = text(resp)
    assert "must be held by Monday 23 March 2026" in page_text
    assert "govuk-notification-banner--success" in page_text
    assert conference.kind == "initial" and conference.request_notes == "Interpreter: Polish"
    assert Deadline.objects.get(rule_key="icpc").due_date == DUE
    assert "3 weeks" not in page_text and "21 days left" in page_text


def test_a_request_with_a_missing_date_shows_the_error_and_keeps_what_was_typed(client, family, social_worker):
    page = f"/conferences/request/{family['child'].public_id}/"
    resp = client(social_worker).post(page, {"kind": "initial", "notes": "Interpreter: Polish"})
    assert resp.status_code == 200
    assert errors_of(resp) == ["Enter the date of the strategy discussion that started the section 47 enquiry"]
    assert "Interpreter: Polish" in text(resp)
    assert 'value="initial" checked' in resp.content.decode()
    assert "<title>Error: " in resp.content.decode()
    assert not Conference.objects.exists()
    # a transfer-in needs the notification and the authority, and says so at those fields
    resp = client(social_worker).post(page, {"kind": "transfer_in", "transferring_authority": ""})
    assert set(errors_of(resp)) == {"Enter the date of the written notification from the other authority",
                                    "Enter the authority the child is moving from"}
    assert 'href="#id_transfer_notification_date_day"' in resp.content.decode()


def test_requesting_a_transfer_in_conference(client, family, social_worker):
    page = f"/conferences/request/{family['child'].public_id}/"
    resp = client(social_worker).post(page, {
        "kind": "transfer_in", **date_parts("transfer_notification_date", date(2026, 2, 27)),
        "transferring_authority": "Southvale City Council"}, follow=True)
    conference = Conference.objects.get(child=family["child"])
    assert conference.kind == "transfer_in" and conference.transferring_authority == "Southvale City Council"
    assert Deadline.objects.get(rule_key="transfer_in_conference").due_date == date(2026, 3, 20)
    assert "must be held by Friday 20 March 2026" in text(resp)


def test_the_request_form_shows_every_field_without_javascript(client, family, social_worker):
    resp = client(social_worker).get(f"/conferences/request/{family['child'].public_id}/")
    page = resp.content.decode()
    for name in ("strategy_discussion_date_day", "transfer_notification_date_day", "transferring_authority", "notes"):
        assert f'name="{name}"' in page
    # every field shows, whatever the kind: no conditional reveal (its aria-expanded on a radio fails axe)
    assert "aria-controls" not in page.split("<main")[1]
    assert "(optional)</legend>" not in page.split("notes")[0]


def test_a_second_request_while_one_is_live_is_refused_at_the_kind(client, requested, social_worker):
    resp = client(social_worker).post(f"/conferences/request/{requested.child.public_id}/", {
        "kind": "initial", **date_parts("strategy_discussion_date", STRATEGY)})
    assert errors_of(resp) == ["This child already has a conference requested or booked"]
    assert Conference.objects.count() == 1


# --- booking -------------------------------------------------------------------------------------------
def schedule_data(chair, day: date, start="10:00", end="12:00", **kw) -> dict:
    return {"chair": str(chair.public_id), **date_parts("date", day), "starts_at": start, "ends_at": end,
            "venue": "Northmoor Civic Centre", **kw}


def test_booking_a_conference(client, requested, chair, administrator, social_worker):
    page = url("schedule/", requested)
    resp = client(administrator).get(page)
    page_text = text(resp)
    assert "This conference must be held by Monday 23 March 2026" in page_text
    assert "Chris Chair" in page_text and "0 conferences booked around the due date" in page_text
    assert 'name="late_reason"' not in page_text  # asked for only when the date is past the due date
    resp = client(administrator).post(page, schedule_data(chair, date(2026, 3, 19), minute_taker=str(
        administrator.public_id)), follow=True)
    c = Conference.objects.get(pk=requested.pk)
    assert c.status == "scheduled" and c.chair == chair and c.minute_taker == administrator
    assert timezone.localtime(c.starts_at).hour == 10 and c.late_reason == ""
    assert "Conference booked for Thursday 19 March 2026 at 10:00, chaired by Chris Chair" in text(resp)


def test_a_date_past_the_due_date_needs_a_reason(client, requested, chair):
    page = url("schedule/", requested)
    data = schedule_data(chair, date(2026, 3, 25), venue="Room 4, Civic Centre")
    resp = client(chair).post(page, data)
    assert resp.status_code == 200
    assert errors_of(resp) == ["This conference is due by 23 March 2026. Say why it cannot be held by then"]
    page_text = text(resp)
    assert "The date you chose is after the due date, Monday 23 March 2026" in page_text
    assert 'value="Room 4, Civic Centre"' in page_text and 'value="25"' in page_text  # nothing lost
    assert "Why can the conference not be held by its due date?</label>" in page_text  # required here, not optional
    assert Conference.objects.get(pk=requested.pk).status == "requested"
    resp = client(chair).post(page, {**data, "late_reason": "The mother is in hospital until 24 March"})
    assert resp.status_code == 302
    c = Conference.objects.get(pk=requested.pk)
    assert c.status == "scheduled" and c.late_reason == "The mother is in hospital until 24 March"


def test_booking_errors_are_shown_at_their_fields(client, requested, chair):
    page = url("schedule/", requested)
    resp = client(chair).post(page, schedule_data(chair, date(2026, 3, 19), start="25:00"))
    assert errors_of(resp) == ["Enter the start time as hours and minutes on the 24-hour clock, for example 14:30"]
    resp = client(chair).post(page, schedule_data(chair, date(2026, 3, 19), start="12:00", end="11:00"))
    assert errors_of(resp) == ["The end time must be after the start time"]
    assert 'href="#id_ends_at"' in resp.content.decode()
    resp = client(chair).post(page, schedule_data(chair, date(2026, 3, 19), venue=""))
    assert errors_of(resp) == ["Enter a venue or an online meeting link"]
    resp = client(chair).post(page, {**schedule_data(chair, date(2026, 3, 19)), "chair": "someone-else"})
    assert errors_of(resp) == ["Choose one of the chairs listed"]
    assert Conference.objects.get(pk=requested.pk).status == "requested"


def test_a_chair_is_not_double_booked(client, requested, chair, la, team, police, health, school):
    other, _, _ = story.child_with_family(la=la, social_worker=requested.child.allocated_social_worker, team=team,
                                          police=police, health=health, school=school, date_of_birth=DOB)
    first = story.request_icpc(child=other, social_worker=requested.child.allocated_social_worker,
                               strategy_discussion_date=STRATEGY)
    story.book(conference=first, chair=chair, actor=chair, day=date(2026, 3, 19))
    resp = client(chair).post(url("schedule/", requested), schedule_data(chair, date(2026, 3, 19), start="11:00",
                                                                        end="12:30"))
    assert errors_of(resp) == ["Chris Chair is already chairing a conference from 10:00 to 12:00 that day"]


def test_an_already_booked_conference_is_not_booked_again(client, booked, chair):
    resp = client(chair).get(url("schedule/", booked))
    assert "it cannot be booked again. Reschedule it instead." in text(resp)
    assert client(chair).post(url("schedule/", booked), schedule_data(chair, date(2026, 3, 19))).status_code == 302
    assert Conference.objects.get(pk=booked.pk).starts_at == story.at(date(2026, 3, 20))


def test_rescheduling_needs_a_reason_and_moves_every_calendar(client, booked, chair):
    page = url("reschedule/", booked)
    resp = client(chair).get(page)
    assert 'value="Northmoor Civic Centre"' in resp.content.decode() and 'value="10:00"' in resp.content.decode()
    data = schedule_data(chair, date(2026, 3, 18), start="14:00", end="16:00")
    resp = client(chair).post(page, data)
    assert errors_of(resp) == ["Say why the conference is being rescheduled"]
    assert 'value="14:00"' in resp.content.decode()
    c = Conference.objects.get(pk=booked.pk)
    assert c.ics_sequence == 0 and c.starts_at == story.at(date(2026, 3, 20))
    resp = client(chair).post(page, {**data, "reason": "The police officer is in court on the 20th"}, follow=True)
    c = Conference.objects.get(pk=booked.pk)
    assert c.ics_sequence == 1 and c.starts_at == story.at(date(2026, 3, 18), 14)
    assert "Conference rescheduled to Wednesday 18 March 2026 at 14:00" in text(resp)
    assert c.history.first().history_change_reason == "The police officer is in court on the 20th"


def test_cancelling_is_confirmed_with_a_reason(client, booked, chair):
    page = url("cancel/", booked)
    resp = client(chair).get(page)
    page_text = text(resp)
    assert "Cancelling cannot be undone" in page_text and "govuk-button--warning" in page_text
    assert "Cancel conference</button>" in page_text and f'href="/conferences/{booked.public_id}/"' in page_text
    assert errors_of(client(chair).post(page, {"reason": ""})) == ["Say why the conference is cancelled"]
    assert Conference.objects.get(pk=booked.pk).status == "scheduled"
    resp = client(chair).post(page, {"reason": "The family has moved to Scotland"}, follow=True)
    c = Conference.objects.get(pk=booked.pk)
    assert c.status == "cancelled" and c.cancelled_reason == "The family has moved to Scotland"
    assert Deadline.objects.get(rule_key="icpc").status == "cancelled"
    assert "The conference has been cancelled" in text(resp)
    # a cancelled conference offers nothing more to do
    assert "it cannot be cancelled" in text(client(chair).get(page))


# --- invitations and attendance ------------------------------------------------------------------------
def test_inviting_the_proposed_people_adding_one_and_withdrawing_one(client, booked, family, chair):
    page = url("invitations/", booked)
    resp = client(chair).get(page)
    page_text = text(resp)
    assert "Each invitee with an email address gets a calendar invitation" in page_text
    proposals = selectors.invitees_proposed(conference=booked)
    assert len(proposals) == 5  # the mother, the social worker, police, health and school
    for p in proposals:
        assert f'value="{p.key}" checked' in resp.content.decode()
    # all but the school, as ticked
    chosen = [p.key for p in proposals if "Oakfield" not in p.role]
    resp = client(chair).post(page, {"form": "proposed", "proposed-invitees": chosen}, follow=True)
    assert "4 people invited" in text(resp)
    live = Invitation.objects.filter(conference=booked, entered_in_error_at__isnull=True)
    assert live.count() == 4 and not live.filter(role__contains="Oakfield").exists()
    assert "Oakfield" in text(resp)  # the school is still proposed

    # one more by hand: a professional needs an agency, and nothing typed is lost meanwhile
    add = {"form": "add", "add-kind": "professional", "add-name": "Dr Rhys Patel", "add-role": "GP",
           "add-email": "rhys.patel@example.org", "add-direct_contact": "on"}
    resp = client(chair).post(page, add)
    assert errors_of(resp) == ["Choose the professional's agency"]
    assert 'value="Dr Rhys Patel"' in text(resp)
    health = family["people"]
    agency_id = next(iter(p.memberships.first().agency_id for p in health.values()
                          if p.memberships.first().agency.name == "Northmoor NHS Trust"))
    resp = client(chair).post(page, {**add, "add-agency": str(agency_id)}, follow=True)
    gp = Invitation.objects.get(conference=booked, name="Dr Rhys Patel")
    assert gp.agency_id == agency_id and gp.direct_contact and gp.sent_sequence == 0  # calendar invitation queued
    assert "Dr Rhys Patel invited" in text(resp)

    # withdraw: a confirmation with a reason
    withdraw = url("invitations/", booked, gp.public_id, "withdraw")
    resp = client(chair).get(withdraw)
    assert "Withdraw Dr Rhys Patel's invitation" in text(resp)
    assert errors_of(client(chair).post(withdraw, {"reason": ""})) == ["Say why the invitation is withdrawn"]
    resp = client(chair).post(withdraw, {"reason": "Invited in error: not the family's GP"})
    assert resp.status_code == 302 and resp["Location"] == page
    gp.refresh_from_db()
    assert gp.entered_in_error and gp.entered_in_error_reason == "Invited in error: not the family's GP"
    assert client(chair).get(withdraw).status_code == 404  # withdrawn invitations are no longer listed


def test_attendance_for_every_invitee_in_one_form_then_the_quorum(client, booked, chair):
    invitations = story.invite_everyone(conference=booked, actor=chair)
    page = url("attendance/", booked)
    resp = client(chair).get(page)
    assert "Not quorate: children's social care is not present" in text(resp)
    ordered = list(Invitation.objects.filter(conference=booked).order_by("kind", "name", "pk"))
    data = {f"attendance_{i}": ("attended" if inv.kind == "professional" else "apologies")
            for i, inv in enumerate(ordered)}
    resp = client(chair).post(page, data, follow=True)
    assert "Attendance saved" in text(resp)
    assert {i.attendance for i in Invitation.objects.filter(kind="professional")} == {"attended"}
    assert Invitation.objects.get(kind="parent").attendance == "apologies"
    assert ("Quorate: children's social care and Northmoor NHS Trust, Northmoor Police, Oakfield Primary School"
            in text(resp))
    assert len(invitations) == 5
    # a missing answer is an error at that invitee, and the other answers stay as chosen
    del data["attendance_0"]
    data["attendance_1"] = "accepted"
    resp = client(chair).post(page, data)
    assert errors_of(resp) == [f"Choose {ordered[0].name}'s attendance"]
    assert 'id="id_attendance_1_1" name="attendance_1" type="radio" value="accepted" checked' in resp.content.decode()


# --- reports -------------------------------------------------------------------------------------------
def test_a_partner_submits_its_report_and_can_replace_it(client, booked, family, chair, health):
    story.invite_everyone(conference=booked, actor=chair)
    nurse = family["people"][health.pk]
    page = url("reports/submit/", booked)
    assert client(nurse).get(url("", booked)).status_code == 200
    resp = client(nurse).post(page, {"summary": "", "worries": "Missed immunisations"})
    assert errors_of(resp) == ["Enter the report"]
    assert "Missed immunisations" in text(resp)
    resp = client(nurse).post(page, {"summary": "Seen at clinic twice", "worries": "Missed immunisations"},
                              follow=True)
    report = AgencyReport.objects.get(conference=booked, agency=health)
    assert report.via == "web" and report.author == nurse and not report.is_social_work_report
    page_text = text(resp)
    assert "Report received from Northmoor NHS Trust" in page_text
    assert "Submitting again replaces the report" in page_text
    assert "Seen at clinic twice" in page_text  # the form holds the report, to change
    client(nurse).post(page, {"summary": "Seen at clinic three times"})
    assert AgencyReport.objects.filter(conference=booked, agency=health).count() == 1
    assert AgencyReport.objects.get(conference=booked, agency=health).summary == "Seen at clinic three times"
    # the chair sees who has reported; the nurse sees only her own agency on the conference page
    page_text = text(client(chair).get(url("reports/", booked)))
    assert re.search(r"Northmoor NHS Trust</td>.*?Received", page_text, re.S)
    assert re.search(r"Northmoor Police</td>.*?Not received", page_text, re.S)
    detail = text(client(nurse).get(url("", booked)))
    assert "Your invitation" in detail and "Northmoor Police" not in detail and "Mary Hartley" not in detail
    # and may read her agency's report, not another agency's
    assert client(nurse).get(url("reports/", booked, report.public_id)).status_code == 200
    police_person = family["people"][next(k for k in family["people"] if k != health.pk
                                          and family["people"][k].memberships.first().agency.kind == "police")]
    police_report = services.report_submit(actor=police_person, conference=booked,
                                           agency=police_person.memberships.first().agency, summary="Two call-outs")
    assert client(nurse).get(url("reports/", booked, police_report.public_id)).status_code == 404
    assert client(nurse).get(url("reports/", booked)).status_code == 404


def test_a_late_report_asks_why(client, booked, family, chair, police, frozen):
    story.invite_everyone(conference=booked, actor=chair)
    officer = family["people"][police.pk]
    frozen.move_to("2026-03-19 09:00")  # due Wednesday 18 March, two working days before the conference
    page = url("reports/submit/", booked)
    assert "Reports are due by Wednesday 18 March 2026." in text(client(officer).get(page))
    resp = client(officer).post(page, {"summary": "Two call-outs in February"})
    assert errors_of(resp) == ["This was due on 18 March 2026: say why it was late"]
    assert "The report is late: it was due by Wednesday 18 March 2026." in text(resp)
    assert "Two call-outs in February" in text(resp)
    assert not AgencyReport.objects.exists()
    resp = client(officer).post(page, {"summary": "Two call-outs in February", "late_reason": "Officer on leave"})
    assert resp.status_code == 302
    assert AgencyReport.objects.get().agency == police
    assert Deadline.objects.filter(rule_key="conference_reports", status="met_late").count() == 1


def test_the_social_work_report_is_shared_with_the_parents(client, booked, social_worker, frozen):
    page = url("reports/submit/", booked)
    assert "The social work report" in text(client(social_worker).get(page))
    client(social_worker).post(page, {"summary": "Assessment findings"})
    report = AgencyReport.objects.get(conference=booked, is_social_work_report=True)
    reports_page = text(client(social_worker).get(url("reports/", booked)))
    assert "Not shared yet" in reports_page and "Due to be shared by Wednesday 18 March 2026" in reports_page
    share = url("reports/", booked, report.public_id, "share")
    resp = client(social_worker).get(share)
    assert 'name="shared_on_day" type="text" inputmode="numeric" value="2"' in resp.content.decode()  # today
    resp = client(social_worker).post(share, date_parts("shared_on", date(2026, 3, 2)), follow=True)
    report.refresh_from_db()
    assert timezone.localtime(report.shared_with_parents_at).date() == date(2026, 3, 2)
    assert report.shared_with_parents_by == social_worker
    assert "shared with the parents on 2 March 2026" in text(resp)
    assert Deadline.objects.get(rule_key="parents_report_share").status == "met_on_time"


def test_sharing_late_asks_why(client, booked, social_worker, frozen):
    services.report_submit(actor=social_worker, conference=booked, agency=booked.child.local_authority,
                           summary="Assessment findings")
    report = AgencyReport.objects.get(conference=booked)
    frozen.move_to("2026-03-19 09:00")
    share = url("reports/", booked, report.public_id, "share")
    data = date_parts("shared_on", date(2026, 3, 19))
    resp = client(social_worker).post(share, data)
    assert errors_of(resp) == ["This was due on 18 March 2026: say why it was late"]
    assert "The report was shared after the date it was due" in text(resp)
    assert AgencyReport.objects.get(pk=report.pk).shared_with_parents_at is None
    resp = client(social_worker).post(share, {**data, "late_reason": "The parents were away until the 19th"})
    assert resp.status_code == 302
    assert Deadline.objects.get(rule_key="parents_report_share").status == "met_late"


# --- the conference page -------------------------------------------------------------------------------
def test_the_conference_page_offers_only_what_the_person_may_do(client, booked, chair, social_worker,
                                                                administrator):
    chair_page = text(client(chair).get(url("", booked)))
    for link in ("reschedule/", "cancel/", "invitations/", "attendance/", "reports/", "record/", "hold/"):
        assert f'href="/conferences/{booked.public_id}/{link}"' in chair_page, link
    assert "Monday 23 March 2026" in chair_page and "21 days left" in chair_page
    assert "Friday 20 March 2026, 10:00 to 12:00" in chair_page
    sw_page = text(client(social_worker).get(url("", booked)))
    for link in ("reschedule/", "cancel/", "invitations/", "record/", "hold/"):
        assert f'href="/conferences/{booked.public_id}/{link}"' not in sw_page, link
    assert f'href="/conferences/{booked.public_id}/reports/submit/"' in sw_page
    assert f'href="/children/{booked.child.public_id}/"' in sw_page  # may see the child
    admin_page = text(client(administrator).get(url("", booked)))
    assert f'href="/children/{booked.child.public_id}/"' not in admin_page  # may not: the name only
    assert "Amelia Hartley" in admin_page
    assert RecordView.objects.filter(what="conference page", via=RecordView.Via.PAGE).count() == 3


# --- the child's page ------------------------------------------------------------------------------------
def test_the_child_page_lists_the_conferences_and_offers_a_request_to_editors(client, family, social_worker,
                                                                              police_officer, chair):
    child_page = f"/children/{family['child'].public_id}/"
    request_link = f'href="/conferences/request/{family["child"].public_id}/"'
    page = text(client(social_worker).get(child_page))
    assert "There are no conferences to show for this child." in page and request_link in page
    conference = story.request_icpc(child=family["child"], social_worker=social_worker,
                                    strategy_discussion_date=STRATEGY)
    page = text(client(social_worker).get(child_page))
    assert f'href="/conferences/{conference.public_id}/"' in page and "Not booked yet" in page
    assert request_link not in page  # one live conference at a time
    # the police officer may see the child (an open involvement) but neither the conference nor the request
    page = text(client(police_officer).get(child_page))
    assert f'href="/conferences/{conference.public_id}/"' not in page and request_link not in page


# --- the dashboard and the service list ------------------------------------------------------------------
def _unit(i: int, *, la, team, chair, social_worker, frozen):
    """One of each thing the chair's dashboard lists, for a fresh child each: a plan (from a conference
    held and decided in March, so with draft minutes and a review due in June), a request at risk of
    going past its due date, and a conference booked this week. Ends on Monday 11 May 2026."""
    kids = [ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         date_of_birth=DOB, legal_surname=f"Unit{i}{k}") for k in "abc"]
    frozen.move_to(START)
    c = story.request_icpc(child=kids[0], social_worker=social_worker, strategy_discussion_date=STRATEGY)
    start = story.at(date(2026, 3, 3), 0) + timedelta(hours=i)
    services.conference_schedule(actor=chair, conference=c, chair=chair, starts_at=start,
                                 ends_at=start + timedelta(minutes=45), venue="Civic Centre")
    frozen.move_to("2026-03-05 12:00")
    c = services.conference_hold(actor=chair, conference=c, held_on=timezone.localtime(start).date(),
                                 quorum_override_reason="Test: no invitations")
    story.decide_plan(conference=c, chair=chair, lead_social_worker=social_worker)
    frozen.move_to("2026-05-11 09:00")
    story.request_icpc(child=kids[1], social_worker=social_worker, strategy_discussion_date=date(2026, 4, 24))
    week = story.request_icpc(child=kids[2], social_worker=social_worker, strategy_discussion_date=date(2026, 5, 11))
    start = story.at(date(2026, 5, 13), 0) + timedelta(hours=i)
    services.conference_schedule(actor=chair, conference=week, chair=chair, starts_at=start,
                                 ends_at=start + timedelta(minutes=45), venue="Civic Centre")


def _count(c, page):
    with CaptureQueriesContext(connection) as q:
        resp = c.get(page)
    assert resp.status_code == 200
    return len(q.captured_queries), [x["sql"] for x in q.captured_queries], resp


def test_the_chairs_dashboard_lists_each_section_at_a_fixed_query_count(client, frozen, la, team, chair,
                                                                        social_worker):
    kw = {"la": la, "team": team, "chair": chair, "social_worker": social_worker, "frozen": frozen}
    for i in range(2):
        _unit(i, **kw)
    c = client(chair)
    c.get("/conferences/")
    small, small_sql, resp = _count(c, "/conferences/")
    page = text(resp)
    for caption in ("My conferences this week", "Requests awaiting allocation", "At risk of going past the due date",
                    "Minutes awaiting sign-off", "Plans needing review"):
        assert f'govuk-table__caption--m">{caption}</caption>' in page, caption
    assert "Monday 18 May 2026" in page  # the at-risk window: 5 working days
    assert page.count("7 days left") == 4  # two at-risk requests due on 18 May, in two sections
    for i in range(2, 10):
        _unit(i, **kw)
    large, large_sql, resp = _count(c, "/conferences/")
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    page = text(resp)
    assert page.count("Unit9") == 5  # in all five sections
    assert small <= 25, "\n".join(small_sql)


def test_the_dashboard_for_a_social_worker_shows_their_requests(client, requested, social_worker, colleague,
                                                                police_officer):
    page = text(client(social_worker).get("/conferences/"))
    assert 'govuk-table__caption--m">Conferences you requested</caption>' in page and "Amelia Hartley" in page
    assert "Requests awaiting allocation" not in page
    page = text(client(colleague).get("/conferences/"))  # same team: the child is one they work with
    assert 'govuk-table__caption--m">Conferences for children you work with</caption>' in page
    page = text(client(police_officer).get("/conferences/"))
    assert "You and your agency have no invitations to conferences that are coming up." in page



def test_the_dashboard_for_a_partner_lists_the_conferences_their_agency_is_invited_to(client, booked, chair,
                                                                                      police, police_officer):
    page = text(client(police_officer).get("/conferences/"))
    assert "You and your agency have no invitations to conferences that are coming up." in page
    assert url("", booked) not in page
    services.invitation_add(actor=chair, conference=booked, kind="professional", name="Officer in the case",
                            agency_id=police.pk)
    page = text(client(police_officer).get("/conferences/"))
    assert 'govuk-table__caption--m">Conferences you or your agency are invited to</caption>' in page
    assert url("", booked) in page
    assert "You and your agency have no invitations to conferences that are coming up." not in page

def test_the_dashboard_for_an_administrator_is_the_services(client, requested, administrator, other_la_chair):
    page = text(client(administrator).get("/conferences/"))
    assert 'govuk-table__caption--m">Requests awaiting allocation</caption>' in page and "Amelia Hartley" in page
    assert "No conferences are booked this week." in page and "My conferences this week" not in page
    assert 'href="/conferences/service/"' in page
    page = text(client(other_la_chair).get("/conferences/"))
    assert "Amelia Hartley" not in page and "No requests are waiting for a chair and a date." in page


def test_an_at_risk_request_drops_off_once_booked_by_its_due_date(client, requested, chair, frozen):
    frozen.move_to("2026-03-17 09:00")  # due 23 March: within 5 working days
    assert "Amelia Hartley" in text(client(chair).get("/conferences/")).split("At risk of going past")[1]
    story.book(conference=requested, chair=chair, actor=chair, day=date(2026, 3, 26),
               late_reason="Chair on leave")
    at_risk = text(client(chair).get("/conferences/")).split("At risk of going past")[1]
    assert "Amelia Hartley" in at_risk  # booked after the due date: still at risk
    services.conference_reschedule(actor=chair, conference=requested, starts_at=story.at(date(2026, 3, 20)),
                                   ends_at=story.at(date(2026, 3, 20), 12), venue="Civic Centre",
                                   reason="Chair back early")
    at_risk = text(client(chair).get("/conferences/")).split("At risk of going past")[1]
    assert "Amelia Hartley" not in at_risk.split("</table>")[0]


def test_the_service_list_filters_and_pages_at_a_fixed_query_count(client, frozen, la, team, social_worker,
                                                                   administrator, chair):
    def grow(n):
        for _ in range(n):
            kid = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                               date_of_birth=DOB)
            story.request_icpc(child=kid, social_worker=social_worker, strategy_discussion_date=STRATEGY)

    c = client(administrator)
    grow(2)
    c.get("/conferences/service/")
    small, small_sql, _ = _count(c, "/conferences/service/?status=requested")
    grow(8)
    large, large_sql, resp = _count(c, "/conferences/service/?status=requested")
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert "10 conferences in all" in text(resp)
    assert "No conferences match the filters." in text(c.get("/conferences/service/?status=scheduled"))
    grow(20)
    page = text(c.get("/conferences/service/?status=requested&page=2"))
    assert "30 conferences in all" in page and "Page 1 of 2" in page
    assert 'href="?status=requested&amp;page=1"' in c.get("/conferences/service/?status=requested&page=2") \
        .content.decode()


# --- review conferences -----------------------------------------------------------------------------------
@pytest.fixture
def plan(booked, chair, social_worker, frozen):
    """Held on Friday 20 March 2026 and decided: a plan, its first review due three months later."""
    frozen.move_to("2026-03-20 13:00")
    conference = story.hold(conference=booked, chair=chair, held_on=date(2026, 3, 20),
                            quorum_override_reason="Only the social worker could attend")
    story.decide_plan(conference=conference, chair=chair, lead_social_worker=social_worker)
    return Conference.objects.get(pk=booked.pk).plan


def test_requesting_a_review_conference_from_the_plan(client, plan, social_worker, chair, other_social_worker,
                                                      police_officer, other_la_chair, frozen):
    due = Deadline.objects.get(rule_key="rcpc_first").due_date
    assert due == date(2026, 6, 19)
    page = f"/conferences/plans/{plan.public_id}/review/"
    for person in (other_social_worker, police_officer, other_la_chair):
        assert client(person).get(page).status_code == 404
    assert client(social_worker).get("/conferences/plans/not-a-uuid/review/").status_code == 404
    frozen.move_to("2026-05-11 09:00")  # within 8 weeks of the review's due date
    dashboard = text(client(chair).get("/conferences/"))
    assert "Amelia Hartley" in dashboard.split("Plans needing review")[1]
    resp = client(social_worker).get(page)
    assert "Friday 19 June 2026" in text(resp) and "39 days left" in text(resp)
    resp = client(social_worker).post(page, {"notes": "Father now living at the address"}, follow=True)
    review = Conference.objects.get(kind="review")
    assert review.plan == plan and review.request_notes == "Father now living at the address"
    assert resp.redirect_chain[-1][0] == f"/conferences/{review.public_id}/"
    assert "Review conference requested. It must be held by Friday 19 June 2026." in text(resp)
    assert "Friday 19 June 2026" in text(client(chair).get(f"/conferences/{review.public_id}/"))
    # requested: no longer listed as needing review, and not requested twice
    dashboard = text(client(chair).get("/conferences/"))
    assert "No plan from your conferences needs a review conference requested." in dashboard
    assert "is already awaiting allocation for this child" in text(client(social_worker).get(page))
    assert client(social_worker).post(page, {}).status_code == 302
    assert Conference.objects.filter(kind="review").count() == 1
    # the chair of the plan's conferences may request it too (the plan policy's "update")
    assert client(chair).get(page).status_code == 200


def test_the_child_page_panel_costs_the_same_whatever_the_number_of_conferences(client, family, social_worker,
                                                                                 chair):
    c = client(social_worker)
    page = f"/children/{family['child'].public_id}/"

    def add(n):
        for i in range(n):
            conference = story.request_icpc(child=family["child"], social_worker=social_worker,
                                            strategy_discussion_date=STRATEGY)
            services.conference_cancel(actor=chair, conference=conference, reason=f"Duplicate request {i}")

    add(1)
    c.get(page)
    small, small_sql, _ = _count(c, page)
    add(5)
    large, large_sql, resp = _count(c, page)
    assert large == small, "\n".join(q for q in large_sql if q not in small_sql)
    assert text(resp).count(">Cancelled</strong>") == 6
