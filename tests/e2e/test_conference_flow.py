"""Issue 4's "Done means", in Chromium: a conference taken from request to distributed minutes in the browser.

The social worker requests an initial conference from the child's page; the chair allocates and books it
from the Conferences dashboard, invites the people proposed from the child's record, records attendance,
writes the live record (autosaved), holds the conference, decides on a plan, edits the minutes (one
section marked confidential), previews the family copy, signs off, publishes the decision letter and
sends the minutes to the mother (post) and the police (download). The police practitioner submits the
police report beforehand, then downloads the minutes (a real PDF) and sees neither the family copy nor
another agency's report. axe-core on every page along the way.

Set up outside the browser (story.py, through the real services): the child with a mother and the
police, health and school involvements, and the health visitor's report (another agency's, which the
police must not see). The live server's clock cannot be frozen: every date is relative to today.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from conferences import services
from conferences.models import AgencyReport, Conference, ConferenceRecord, Distribution, Document, Invitation
from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline
from safeguarding.clock.workdays import add_working_days
from tests.conferences import story

from .helpers import after_the_autosave_pause, assert_accessible, error_summary, log_in, log_out

pytestmark = pytest.mark.e2e

# Booking for later today (preferred: it can then be held today for real) needs an hour and a half of the day left.
LATEST_SAME_DAY_BOOKING = datetime.time(21, 0)
# Making the PDFs (WeasyPrint) takes a couple of seconds on a slow machine.
PDF_TIMEOUT_MS = 30_000

CHILDS_VOICE = "Amelia says she likes school and is scared when Dad shouts at night"
PARENTS_VIEWS = "Mary agrees the house needs to be warmer and wants help with the bills"
THIRD_PARTY = "A neighbour (who asked not to be named) reported shouting most nights"
GP_INFORMATION = "The GP shared Mary's own medical history in confidence"


def long_date(d: datetime.date) -> str:
    """As the pages write it: "Wednesday 25 November 2026"."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def fill_date(group, d: datetime.date):
    group.get_by_label("Day").fill(str(d.day))
    group.get_by_label("Month").fill(str(d.month))
    group.get_by_label("Year").fill(str(d.year))


def heading(page):
    return page.get_by_role("heading", level=1)


def success(page):
    return page.get_by_role("alert")


def booking_slot() -> tuple[datetime.date, datetime.time, datetime.time, bool]:
    """(day, start, end, booked for today). Later today when the day allows, or else a few working days
    ahead (and moved to earlier today through the ORM before the conference is held)."""
    now = timezone.localtime()
    if now.time() < LATEST_SAME_DAY_BOOKING:
        # at least 20 minutes from now, on a quarter hour
        start = (now + datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)
        start += datetime.timedelta(minutes=-start.minute % 15)
        end = start + datetime.timedelta(hours=1)
        return start.date(), start.time(), end.time(), True
    return add_working_days(now.date(), 3), datetime.time(10, 0), datetime.time(12, 0), False


@pytest.fixture
def family(la, team, social_worker, police, health, school):
    child, mother, people = story.child_with_family(
        la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
        legal_first_names="Amelia", legal_surname="Hartley", date_of_birth=datetime.date(2019, 5, 4))
    return child, mother, people


def test_a_chair_takes_a_conference_from_request_to_distributed_minutes(page, family, social_worker, chair, police,
                                                                          health):
    child, mother, people = family
    police_officer, health_visitor = people[police.pk], people[health.pk]
    today = timezone.localdate()
    # "Amelia Hartley: initial child protection conference" (Chromium puts a space before the visually hidden part)
    conference_name = re.compile(rf"^{re.escape(child.full_name)}\s*: initial child protection conference$")

    # --- 1. the social worker requests an initial conference from the child's page ---------------------
    page.clock.install()  # real pace; moved on past the autosave pause after typing in the record
    log_in(page, social_worker, reverse("cases:child_detail", kwargs={"public_id": child.public_id}))
    page.get_by_role("link", name="Request a conference").click()
    expect(heading(page)).to_have_text("Request a conference")
    expect(page).to_have_title("Request a conference – Safeguarding Hub")
    assert_accessible(page, "request form")
    page.get_by_label("Initial child protection conference").check()
    fill_date(page.get_by_role("group", name=re.compile("^Date of the strategy discussion")), today)
    page.get_by_role("button", name="Send the request").click()

    icpc_due = clock.compute_due("icpc", today)
    expect(heading(page)).to_have_text("Initial child protection conference")
    expect(success(page)).to_contain_text(
        f"Initial child protection conference requested. It must be held by {long_date(icpc_due)}.")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"Must be held by{long_date(icpc_due)}")
    assert_accessible(page, "conference page after the request")
    conf = Conference.objects.get(child=child)
    assert (conf.status, conf.strategy_discussion_date) == (Conference.Status.REQUESTED, today)
    assert Deadline.objects.get(rule_key="icpc", status="open").due_date == icpc_due
    log_out(page)

    # --- 2. the chair allocates and books it -------------------------------------------------------------
    log_in(page, chair)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Conferences").click()
    expect(heading(page)).to_have_text("Conferences")
    awaiting = page.get_by_role("table", name="Requests awaiting allocation")
    expect(awaiting.get_by_role("row")).to_have_count(2)  # the header and this request
    assert_accessible(page, "chair's dashboard")
    awaiting.get_by_role("link", name=conference_name).click()
    expect(heading(page)).to_have_text("Initial child protection conference")
    assert_accessible(page, "conference page, requested")
    page.get_by_role("link", name="Allocate a chair and book the conference").click()
    expect(heading(page)).to_have_text("Allocate a chair and book the conference")
    expect(page.get_by_text(f"This conference must be held by {long_date(icpc_due)}")).to_be_visible()
    assert_accessible(page, "schedule form")

    day, start, end, booked_today = booking_slot()
    page.get_by_role("group", name="Chair").get_by_label(chair.full_name).check()
    fill_date(page.get_by_role("group", name="Date", exact=True), day)
    page.get_by_label("Start time").fill(f"{start:%H:%M}")
    page.get_by_label("End time").fill(f"{end:%H:%M}")
    page.get_by_role("button", name="Book the conference").click()  # no venue and no online link
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter a venue or an online meeting link")).to_have_attribute(
        "href", "#id_venue")
    expect(page).to_have_title("Error: Allocate a chair and book the conference – Safeguarding Hub")
    expect(page.get_by_label("Start time")).to_have_value(f"{start:%H:%M}")  # what was typed is kept
    assert_accessible(page, "schedule form with an error")
    summary.get_by_role("link", name="Enter a venue or an online meeting link").click()
    expect(page.get_by_label(re.compile("^Venue"))).to_be_focused()
    page.get_by_label(re.compile("^Venue")).fill("Northmoor Civic Centre, Room 2")
    page.get_by_role("button", name="Book the conference").click()
    expect(success(page)).to_contain_text(
        f"Conference booked for {long_date(day)} at {start:%H:%M}, chaired by {chair.full_name}.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Northmoor Civic Centre, Room 2")
    assert_accessible(page, "conference page, booked")

    # --- 3. invitations: everyone proposed from the child's record ---------------------------------------
    page.get_by_role("link", name="Invite people").click()
    expect(heading(page)).to_have_text("Invitations")
    proposed = page.get_by_role("group", name="People to invite")
    expect(proposed.get_by_role("checkbox")).to_have_count(5)  # mother, social worker, police, health, school
    for box in proposed.get_by_role("checkbox").all():
        expect(box).to_be_checked()
    assert_accessible(page, "invitations, none yet")
    page.get_by_role("button", name="Invite the people ticked").click()
    expect(success(page)).to_contain_text("5 people invited. Each invitee with an email address has been sent a "
                                          "calendar invitation.")
    invited = page.get_by_role("table", name="Invited")
    for name in (mother.full_name, social_worker.full_name, police_officer.full_name, health_visitor.full_name):
        expect(invited).to_contain_text(name)
    expect(invited.get_by_role("row")).to_have_count(6)
    assert_accessible(page, "invitations, five invited")
    log_out(page)

    # another agency's report (the health visitor's): the police must never see it
    conf.refresh_from_db()
    services.report_submit(actor=health_visitor, conference=conf, agency=health, summary="Health visitor report: "
                           "missed developmental checks", late_reason="Submitted after the due date (test set-up)")

    # --- 4. the police practitioner submits the police report --------------------------------------------
    report_due = clock.compute_due("conference_reports", day)
    # partners have no "Conferences" menu item (see the report)
    log_in(page, police_officer, reverse("conferences:dashboard"))
    page.get_by_role("table", name="Conferences you or your agency are invited to").get_by_role(
        "link", name=conference_name).click()
    expect(page.get_by_role("table", name="Your agency's report")).not_to_contain_text(health.name)
    page.get_by_role("link", name="Submit your agency's report").click()
    expect(heading(page)).to_have_text("Your agency's report")
    expect(page.get_by_text(f"Reports are due by {long_date(report_due)}.")).to_be_visible()
    assert_accessible(page, "police report form")
    page.get_by_label("Your agency's involvement and what it knows").fill(
        "Two call-outs to the address for shouting in the last month; no arrests")
    page.get_by_label("What are you worried about?").fill("Father's drinking at weekends")
    page.get_by_role("button", name="Submit the report").click()
    if report_due < today:  # booked for today: the report is late, and the service asks why
        message = f"This was due on {report_due.day} {report_due:%B %Y}: say why it was late"
        expect(error_summary(page).get_by_role("link", name=message)).to_be_visible()
        assert_accessible(page, "police report form, late")
        page.get_by_label("Why is the report late?").fill("The conference was booked at short notice")
        page.get_by_role("button", name="Submit the report").click()
    expect(success(page)).to_contain_text(f"Report received from {police.name}.")
    expect(page.get_by_role("heading", name=f"Report received from {police.name}")).to_be_visible()
    assert_accessible(page, "police report received")
    assert AgencyReport.objects.get(conference=conf, agency=police).author == police_officer
    log_out(page)

    # --- 5. the conference: attendance, the live record, held, the decision ------------------------------
    if not booked_today:
        # Test set-up, not the app: it is too late in the day to book the conference for later today, and the
        # live server's clock cannot be moved. It was booked a few working days ahead; move it to earlier today
        # so that it is "held" today as it would be in real life.
        now = timezone.localtime()
        earlier = max(now.replace(hour=0, minute=0, second=0, microsecond=0), now - datetime.timedelta(hours=2))
        Conference.objects.filter(pk=conf.pk).update(starts_at=earlier, ends_at=now)

    log_in(page, chair, reverse("conferences:detail", kwargs={"public_id": conf.public_id}))
    page.get_by_role("link", name="Record attendance").click()
    expect(heading(page)).to_have_text("Attendance")
    assert_accessible(page, "attendance")
    for group in page.get_by_role("main").locator("form fieldset").all():
        group.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(success(page)).to_contain_text("Attendance saved.")
    expect(page.locator("#quorum")).to_contain_text("Quorate")
    assert set(conf.invitations.values_list("attendance", flat=True)) == {Invitation.Attendance.ATTENDED}

    page.get_by_role("link", name="Back to the conference").click()
    page.get_by_role("link", name="Record the conference").click()
    expect(heading(page)).to_have_text("Conference record")
    voice = page.get_by_label("The child's voice")
    voice.fill(CHILDS_VOICE)
    after_the_autosave_pause(page)
    expect(page.locator("#status-child_voice")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"))
    page.get_by_label("Parents' and carers' views").fill(PARENTS_VIEWS)
    after_the_autosave_pause(page)
    expect(page.locator("#status-parents_views")).to_have_text(re.compile(r"^Saved "))
    page.reload()
    expect(page.get_by_label("The child's voice")).to_have_value(CHILDS_VOICE)
    assert_accessible(page, "live record")
    assert ConferenceRecord.objects.get(conference=conf).child_voice == CHILDS_VOICE

    page.get_by_role("link", name="Record that the conference was held").click()
    expect(heading(page)).to_have_text("Record that the conference was held")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Quorate")
    assert_accessible(page, "hold")
    expect(page.get_by_role("group", name=re.compile("^Date the conference was held")).get_by_label("Day")) \
        .to_have_value(str(today.day))
    page.get_by_role("button", name="Record as held").click()

    expect(heading(page)).to_have_text("Conference decision")
    expect(success(page)).to_contain_text(f"The conference has been recorded as held on {today.day} {today:%B %Y}.")
    assert_accessible(page, "decision form")
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Neglect (NEG)").check()
    page.get_by_label("Lead social worker").select_option(label=social_worker.display_name)
    action = page.get_by_role("group", name="Action 1", exact=True)
    action.get_by_label("What will be done").fill("Heating repaired and the home checked weekly")
    action.get_by_label("Who will do it").fill("Lead social worker")
    fill_date(action.get_by_role("group", name="Due by"), today + datetime.timedelta(days=28))
    page.get_by_role("button", name="Record the decision").click()
    expect(success(page)).to_contain_text("The decision has been recorded and the minutes drafted from the record.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Neglect (NEG)")
    expect(page.get_by_role("table", name="Deadlines opened by the decision")).to_contain_text(
        "First review conference")
    assert_accessible(page, "decision recorded")
    conf.refresh_from_db()
    assert conf.status == Conference.Status.DECIDED and conf.plan.latest_category == "NEG"
    assert conf.plan.lead_social_worker == social_worker

    # --- 6. minutes: edit, mark confidential, preview the family copy, sign, publish, send -----------------
    page.get_by_role("link", name="Edit and sign off the minutes").click()
    expect(heading(page)).to_have_text("Minutes, version 1")
    expect(page.get_by_label("The child's voice", exact=True)).to_have_value(CHILDS_VOICE)  # drafted from the record
    assert_accessible(page, "minutes editor")
    page.get_by_label("Parents' and carers' views", exact=True).fill(f"{PARENTS_VIEWS}. She will attend the core "
                                                                     "group.")
    page.get_by_label("Complicating factors", exact=True).fill(GP_INFORMATION)
    page.get_by_label("Confidential: leave ‘Complicating factors’ out of the family copy").check()
    page.get_by_label("Confidential and third-party information", exact=True).fill(THIRD_PARTY)
    expect(page.get_by_label("Confidential: leave ‘Confidential and third-party information’ out of the family "
                             "copy")).to_be_checked()  # confidential by default
    page.get_by_role("button", name="Save the draft").click()
    expect(success(page)).to_contain_text("The draft minutes have been saved.")
    expect(page.get_by_label("Complicating factors", exact=True)).to_have_value(GP_INFORMATION)

    page.get_by_role("link", name="Preview the professional copy").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(THIRD_PARTY)  # the preview shows it: its absence below means something
    expect(main).to_contain_text(GP_INFORMATION)
    page.get_by_role("link", name="See the family copy").click()
    expect(heading(page)).to_have_text("Minutes, version 1: family copy")
    expect(main).to_contain_text("2 confidential sections are left out of it altogether.")
    expect(main).to_contain_text("She will attend the core group.")
    expect(main).not_to_contain_text(THIRD_PARTY)
    expect(main).not_to_contain_text(GP_INFORMATION)
    expect(page.get_by_role("heading", name="Confidential and third-party information")).to_have_count(0)
    expect(page.get_by_role("heading", name="Complicating factors")).to_have_count(0)
    assert_accessible(page, "family copy preview")

    page.get_by_role("link", name="Back to the minutes").click()
    page.get_by_role("link", name="Sign off the minutes").click()
    expect(heading(page)).to_have_text("Sign off the minutes")
    expect(page.get_by_text("Signing off is final")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Left out of the family copy")).to_contain_text(
        "Complicating factors, Confidential and third-party information")
    assert_accessible(page, "sign-off confirmation")
    page.get_by_role("button", name="Sign off and publish the minutes").click()
    expect(heading(page)).to_have_text("Documents", timeout=PDF_TIMEOUT_MS)
    expect(success(page)).to_contain_text("Minutes version 1 have been signed off. The professional and family "
                                          "copies are published.")
    assert_accessible(page, "documents after sign-off")

    page.get_by_role("link", name="Publish the decision letter").click()
    expect(heading(page)).to_have_text("Publish the decision letter and outline plan")
    assert_accessible(page, "publish the decision letter")
    page.get_by_role("button", name="Publish the decision letter").click()
    expect(success(page)).to_contain_text("The decision letter, version 1, has been published.",
                                          timeout=PDF_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Decision letter and outline plan, version 1")).to_be_visible()
    expect(page.get_by_role("link", name="Download the family copy of the conference minutes, version 1")) \
        .to_be_visible()

    page.get_by_role("link", name="Send the documents").click()
    expect(heading(page)).to_have_text("Send the documents")
    assert_accessible(page, "send the documents")
    page.get_by_label("Conference minutes").check()
    page.get_by_label(re.compile(rf"^{re.escape(mother.full_name)},.*: family copy$")).check()
    page.get_by_label("Post", exact=True).check()
    page.get_by_role("button", name="Record as sent").click()
    expect(success(page)).to_contain_text("Recorded as sent to 1 person (1 with the family copy).")

    page.get_by_role("link", name="Send the documents").click()
    page.get_by_label("Conference minutes").check()
    page.get_by_label(re.compile(rf"^{re.escape(police_officer.full_name)},.*: professional copy$")).check()
    page.get_by_label("Safeguarding Hub (download)").check()
    page.get_by_role("button", name="Record as sent").click()
    expect(success(page)).to_contain_text("Recorded as sent to 1 person.")
    sent = page.get_by_role("region", name="Documents sent")
    expect(sent.get_by_role("row")).to_have_count(3)
    mothers_row = sent.get_by_role("row", name=re.compile(re.escape(mother.full_name)))
    for text in ("Conference minutes, version 1", "Family copy", "Post", f"{today.day} {today:%b %Y}"):
        expect(mothers_row).to_contain_text(text)
    police_row = sent.get_by_role("row", name=re.compile(re.escape(police_officer.full_name)))
    for text in ("Conference minutes, version 1", "Professional copy", "Safeguarding Hub (download)"):
        expect(police_row).to_contain_text(text)
    assert_accessible(page, "documents and who they were sent to")
    assert sorted(Distribution.objects.values_list("recipient_name", "document__copy", "method")) == sorted([
        (mother.full_name, Document.Copy.FAMILY, Distribution.Method.POST),
        (police_officer.full_name, Document.Copy.PROFESSIONAL, Distribution.Method.IN_APP)])
    assert Deadline.objects.get(rule_key="conference_minutes").status == Deadline.Status.MET_ON_TIME
    log_out(page)

    # --- 7. the police practitioner downloads the minutes, and sees nothing else -------------------------
    log_in(page, police_officer)
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("link", name="Conference minutes sent to you").click()
    expect(heading(page)).to_have_text("Documents")
    download_link = page.get_by_role("link", name="Download the professional copy of the conference minutes, "
                                                  "version 1")
    expect(download_link).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("family copy"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("decision letter", re.IGNORECASE))).to_have_count(0)
    expect(page.get_by_role("button", name="Send the documents")).to_have_count(0)
    expect(page.get_by_role("region", name="Documents sent")).to_have_count(0)
    assert_accessible(page, "documents, as the police see them")
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert download.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Back to the conference").click()
    reports = page.get_by_role("table", name="Your agency's report")
    expect(reports).to_contain_text(police.name)
    expect(reports).not_to_contain_text(health.name)
    health_report = AgencyReport.objects.get(conference=conf, agency=health)
    page.goto(reverse("conferences:report_detail", kwargs={"public_id": conf.public_id,
                                                           "report_id": health_report.public_id}))
    expect(heading(page)).to_have_text("Page not found")
    page.goto(reverse("conferences:reports", kwargs={"public_id": conf.public_id}))
    expect(heading(page)).to_have_text("Page not found")
