"""The story of Lily Brook: from a strategy discussion on the Thursday before Christmas to the end of her
child protection plan, through the real services and the statutory clock.

Why 2032. The story needs a year in which the initial conference, held on working day 15 after a strategy
discussion on the Thursday before Christmas, has its first review due 3 months later on a bank holiday.
A small search over 2025-2035 (with safeguarding.clock.workdays, run once by hand, not in this test) found
two such years: 2030 (Thu 19 Dec 2030, ICPC Tue 14 Jan 2031, +3 months = Easter Monday 14 Apr 2031) and
2032 (below). 2032 is the richer one: Christmas Day and Boxing Day fall on a weekend, so both substitute
days (Mon 27 and Tue 28 Dec) and New Year's Day's substitute (Mon 3 Jan 2033) are skipped as well.

    December 2032             January 2033              February 2033
    Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su
           1  2  3  4  5                      1  2          1  2  3  4  5  6
     6  7  8  9 10 11 12       3  4  5  6  7  8  9       7  8  9 10 11 12 13
    13 14 15 16 17 18 19      10 11 12 13 14 15 16      14 15 16 17 18 19 20
    20 21 22 23 24 25 26      17 18 19 20 21 22 23      21 22 23 24 25 26 27
    27 28 29 30 31            24 25 26 27 28 29 30      28
                              31
    April 2033                October 2033
    Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su
                 1  2  3                      1  2
     4  5  6  7  8  9 10       3  4  5  6  7  8  9
    11 12 13 14 15 16 17      10 11 12 13 14 15 16
    18 19 20 21 22 23 24      17 18 19 20 21 22 23
    25 26 27 28 29 30         24 25 26 27 28 29 30
                              31

England and Wales bank holidays in play (GOV.UK): Sat 25 Dec 2032 Christmas Day -> substitute Mon 27 Dec;
Sun 26 Dec Boxing Day -> substitute Tue 28 Dec; Sat 1 Jan 2033 New Year's Day -> substitute Mon 3 Jan;
Good Friday Fri 15 Apr 2033; Easter Monday Mon 18 Apr 2033 (Easter Sunday is 17 April 2033); early May
bank holiday Mon 2 May 2033. October 2033 has none.

The initial conference, counted by hand (day 0 is the strategy discussion, Thu 23 Dec 2032):
    Fri 24 Dec = 1; Sat 25, Sun 26 weekend; Mon 27, Tue 28 substitutes, not counted;
    Wed 29 = 2, Thu 30 = 3, Fri 31 = 4; Sat 1, Sun 2 weekend; Mon 3 Jan substitute, not counted;
    Tue 4 = 5, Wed 5 = 6, Thu 6 = 7, Fri 7 = 8; Mon 10 = 9, Tue 11 = 10, Wed 12 = 11, Thu 13 = 12,
    Fri 14 = 13; Mon 17 = 14, Tue 18 Jan 2033 = 15.
    (Without the three substitute days it would have been Thu 13 Jan.)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from conferences import selectors, services
from conferences.invitations import send_pending
from conferences.models import (
    AgencyReport,
    CategoryChange,
    ChildProtectionPlan,
    Conference,
    Decision,
    Distribution,
    Invitation,
    Minutes,
    PlanAction,
)
from conferences.policies import plan_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.clock import reminders
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.conferences import story
from tests.factories import make_user
from tests.scenarios import deadline_of, deadlines_of, facts, on, pdf_text

# The one scenario that renders its PDFs for real and reads them back (the others get a stand-in PDF).
pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

D = date
OPEN, MET, CANCELLED = "open", "met_on_time", "cancelled"

# The Thursday before Christmas 2032, when the strategy discussion starts the section 47 enquiry.
STRATEGY_DISCUSSION = D(2032, 12, 23)
# Working day 15 (counted in the module docstring): the ICPC's due date, and the day it is held.
ICPC_DAY = D(2033, 1, 18)
# 3 calendar months after Tue 18 Jan 2033 is Mon 18 Apr 2033: Easter Monday. Moved back to a working day:
# Sun 17 and Sat 16 are the weekend, Fri 15 Apr is Good Friday, so the first review is due Thu 14 Apr 2033.
FIRST_REVIEW_DUE = D(2033, 4, 14)


class Cast:
    """The people and agencies of the story."""

    def __init__(self, *, la, team, social_worker, team_manager, chair, police, health, school):
        self.la, self.team, self.police, self.health, self.school = la, team, police, health, school
        self.social_worker, self.team_manager, self.chair = social_worker, team_manager, chair
        # Lily is 6 at her first conference (born 4 May 2026): too young to be proposed as an invitee.
        self.child, self.mother, people = story.child_with_family(
            la=la, social_worker=social_worker, team=team, police=police, health=health, school=school,
            legal_first_names="Lily", legal_surname="Brook", date_of_birth=D(2026, 5, 4))
        self.police_officer = people[police.pk]
        self.health_visitor = people[health.pk]
        self.school_dsl = people[school.pk]

    def practitioner_of(self, agency):
        return {self.la.pk: self.social_worker, self.police.pk: self.police_officer,
                self.health.pk: self.health_visitor, self.school.pk: self.school_dsl}[agency.pk]


@pytest.fixture
def cast(la, team, social_worker, team_manager, chair, police, health, school):
    with on(D(2032, 12, 1)):
        return Cast(la=la, team=team, social_worker=social_worker, team_manager=team_manager, chair=chair,
                    police=police, health=health, school=school)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def reports_in(cast, conference, *, reports_on: date, share_on: date) -> None:
    """Every invited agency (the local authority's social work report included) reports on
    ``reports_on``; Sam shares the social work report with Mary on ``share_on``."""
    with on(reports_on, 11):
        for agency in (cast.la, cast.police, cast.health, cast.school):
            services.report_submit(actor=cast.practitioner_of(agency), conference=conference, agency=agency,
                                   summary=f"{agency.name}: progress since the last conference")
    with on(share_on, 15):
        report = AgencyReport.objects.get(conference=conference, is_social_work_report=True)
        services.report_share_with_parents(actor=cast.social_worker, report=report)


# --- Chapter 1 -------------------------------------------------------------------------------------------
def chapter_1_strategy_discussion_starts_a_section_47_enquiry(cast) -> Conference:
    """Thursday 23 December 2032. The school has raised concerns about neglect; the strategy discussion
    that morning decides to start a section 47 enquiry, and in the afternoon Sam, Lily's social worker,
    asks the conference service for an initial child protection conference."""
    with on(STRATEGY_DISCUSSION, 16):
        icpc = services.conference_request(actor=cast.social_worker, child=cast.child, kind="initial",
                                           strategy_discussion_date=STRATEGY_DISCUSSION,
                                           notes="Neglect: hunger, hygiene, missed health appointments")
    assert icpc.status == Conference.Status.REQUESTED and icpc.chair is None

    # The request opens the ICPC deadline: 15 working days from the strategy discussion, pushed past
    # Christmas Day's and Boxing Day's substitutes and New Year's Day's (counted in the module docstring).
    d = deadline_of(icpc, "icpc")
    assert facts(d) == ("icpc", D(2032, 12, 23), D(2033, 1, 18), OPEN, None)
    assert d.label == "Initial child protection conference"  # no names in deadline labels (ADR 5)
    assert d.responsible_person == cast.social_worker and d.responsible_team == cast.team

    # The conference service (the chair) hears of the request.
    assert Notification.objects.filter(
        recipient=cast.chair, subject="Initial child protection conference requested: awaiting allocation").count() == 1
    return icpc


# --- Chapter 2 -------------------------------------------------------------------------------------------
def chapter_2_the_chair_books_the_conference_and_the_agencies_report(cast, icpc, mailoutbox) -> None:
    """Wednesday 29 December 2032, the first working day after the Christmas substitutes: Chris, the
    chair with capacity who does not manage the case, books the conference for its due date, Tuesday 18
    January at 10:00, and everyone proposed from Lily's record is invited by calendar invitation."""
    with on(D(2032, 12, 29), 11):
        # Terry is a chair too, but also a manager of Lily's allocated team: never suggested, never allowed.
        terry = make_user(cast.la, Role.CONFERENCE_CHAIR, Role.TEAM_MANAGER, team=cast.team,
                          full_name="Terry Manager-Chair")
        suggestions = selectors.chair_suggestions(conference=icpc)
        assert [s.chair for s in suggestions] == [cast.chair]
        with pytest.raises(ValidationError) as refused:
            services.conference_schedule(actor=cast.chair, conference=icpc, chair=terry,
                                         starts_at=story.at(ICPC_DAY, 10), ends_at=story.at(ICPC_DAY, 12),
                                         venue="Northmoor Civic Centre")
        assert list(refused.value.message_dict) == ["chair"]
        icpc = story.book(conference=icpc, chair=cast.chair, actor=cast.chair, day=ICPC_DAY)
        assert icpc.status == Conference.Status.SCHEDULED and icpc.late_reason == ""
        invitations = story.invite_everyone(conference=icpc, actor=cast.chair)

    # Mary (parental responsibility), Sam, and the practitioners of the police, health and the school.
    assert sorted(i.name for i in invitations) == sorted([
        "Mary Brook", cast.social_worker.full_name, cast.police_officer.full_name,
        cast.health_visitor.full_name, cast.school_dsl.full_name])

    # The invitations go out by email, each with a calendar invitation (sent after commit in real life;
    # a test's transaction never commits, so the outbox is sent here).
    assert mailoutbox == []
    assert send_pending() == 5
    assert send_pending() == 0  # sent once
    assert sorted(m.to[0] for m in mailoutbox) == sorted(i.email for i in invitations)
    for m in mailoutbox:
        assert m.subject == "Invitation: Initial child protection conference on 18 January 2033"
        [(filename, ics, mimetype)] = m.attachments
        assert filename == "invitation.ics" and mimetype.startswith("text/calendar; method=REQUEST")
        cal = Calendar.from_ical(ics)
        [event] = cal.walk("VEVENT")
        assert str(cal["method"]) == "REQUEST"
        assert event.decoded("dtstart") == story.at(ICPC_DAY, 10)
        assert event.decoded("dtend") == story.at(ICPC_DAY, 12)
        assert int(event["sequence"]) == 0
        assert str(event["summary"]) == "Initial child protection conference"
        # emails and calendar entries reach phones and shared mailboxes: never the child's name
        text = f"{m.subject}\n{m.body}\n{ics if isinstance(ics, str) else ics.decode()}"
        assert "Lily" not in text and cast.child.local_child_id in text

    # Booking opened the reports deadlines: each invited professional's report is due 2 working days
    # before the conference (local rule), and so is the sharing of the social work report with Mary.
    # Counting back from Tue 18 Jan 2033: Mon 17 Jan = 1, Fri 14 Jan = 2 (Sat 15, Sun 16 are the weekend).
    professionals = [i for i in invitations if i.kind == Invitation.InviteeKind.PROFESSIONAL]
    for inv in professionals:
        d = deadline_of(inv, "conference_reports")
        assert facts(d) == ("conference_reports", ICPC_DAY, D(2033, 1, 14), OPEN, None)
        assert d.responsible_person_id == inv.user_id
    assert facts(deadline_of(icpc, "parents_report_share")) == (
        "parents_report_share", ICPC_DAY, D(2033, 1, 14), OPEN, None)

    # The police report on Tue 4 Jan, health on Wed 5 Jan, Sam writes the social work report on Thu 6 Jan.
    for day, agency in ((D(2033, 1, 4), cast.police), (D(2033, 1, 5), cast.health), (D(2033, 1, 6), cast.la)):
        with on(day, 14):
            services.report_submit(actor=cast.practitioner_of(agency), conference=icpc, agency=agency,
                                   summary="Lily is often hungry; two health appointments missed",
                                   worries="Neglect", strengths="Good school attendance")
    school_invitation = icpc.invitations.get(agency=cast.school)
    assert deadline_of(icpc.invitations.get(agency=cast.police), "conference_reports").met_on == D(2033, 1, 4)
    assert deadline_of(school_invitation, "conference_reports").status == OPEN

    # Monday 10 January, the morning sweep of the clock: the school has not reported. Its report is due
    # on Fri 14 Jan, 4 working days away (Tue 11, Wed 12, Thu 13, Fri 14), inside the 5-day band, and
    # the deadline was opened (29 Dec) more than 5 working days before it is due, so the "due soon"
    # reminder goes to the school's invited practitioner. Sam is reminded of sharing her report with
    # Mary (due the same day). The ICPC itself (due Tue 18 Jan, 6 working days away) is not yet chased.
    with on(D(2033, 1, 10), 12):
        run = reminders.sweep()
    assert (run.claimed, run.sent) == (2, 2)
    chased = Notification.objects.filter(subject__startswith="Due soon")
    [to_school] = chased.filter(recipient=cast.school_dsl)
    assert to_school.subject == "Due soon: Agency report for a conference"
    assert to_school.body == ("Agency reports received by the conference service is due on Friday 14 January 2033, "
                              "in 4 working days.")
    assert to_school.url == f"/deadlines/{deadline_of(school_invitation, 'conference_reports').public_id}/"
    assert not chased.filter(recipient__in=[cast.police_officer, cast.health_visitor]).exists()
    [to_sam] = chased.filter(recipient=cast.social_worker)
    assert to_sam.subject == "Due soon: Social work report shared with parents"

    # The school reports on Wednesday 12 January; Thursday's sweep chases it no more. Sam gets two: the
    # sharing with Mary, due tomorrow (the 1-day band), and now the ICPC itself, due Tue 18 Jan, 3 working
    # days away (Fri 14, Mon 17, Tue 18) and open since long before 5 working days ahead of it.
    with on(D(2033, 1, 12), 9):
        services.report_submit(actor=cast.school_dsl, conference=icpc, agency=cast.school,
                               summary="Lily arrives hungry most days", via=AgencyReport.Via.API)
    assert facts(deadline_of(school_invitation, "conference_reports")) == (
        "conference_reports", ICPC_DAY, D(2033, 1, 14), MET, D(2033, 1, 12))
    with on(D(2033, 1, 13), 12):
        run = reminders.sweep()
    assert (run.claimed, run.sent) == (2, 2)
    assert chased.filter(recipient=cast.school_dsl).count() == 1
    assert sorted(chased.filter(recipient=cast.social_worker).values_list("subject", flat=True)) == [
        "Due soon: Initial child protection conference", "Due soon: Social work report shared with parents",
        "Due soon: Social work report shared with parents"]

    # Friday 14 January, 2 working days before the conference: Sam shares her report with Mary.
    with on(D(2033, 1, 14), 15):
        report = AgencyReport.objects.get(conference=icpc, is_social_work_report=True)
        services.report_share_with_parents(actor=cast.social_worker, report=report)
        status = selectors.reports_status(conference=icpc)
    assert fresh(report).shared_with_parents_at.date() == D(2033, 1, 14)
    assert facts(deadline_of(icpc, "parents_report_share")) == (
        "parents_report_share", ICPC_DAY, D(2033, 1, 14), MET, D(2033, 1, 14))
    # The chair sees every invited agency has reported, each report due Fri 14 Jan.
    assert [(s.agency.name, s.report is not None, s.due_date) for s in status] == [
        ("Northmoor Borough Council", True, D(2033, 1, 14)), ("Northmoor NHS Trust", True, D(2033, 1, 14)),
        ("Northmoor Police", True, D(2033, 1, 14)), ("Oakfield Primary School", True, D(2033, 1, 14))]
    assert all(d.status == MET for d in Deadline.objects.filter(rule_key="conference_reports"))


# --- Chapter 3 -------------------------------------------------------------------------------------------
RECORD = {
    "child_voice": "Lily drew her house and said the kitchen is messy and sometimes there is no dinner.",
    "parents_views": "Mary says things have been hard since she lost her job and she wants help.",
    "harm": "Lily comes to school hungry and in the same clothes; two health appointments were missed.",
    "danger_statements": "We are worried that if nothing changes Lily will go without food and health care.",
    "complicating_factors": "Mary's low mood; debts.",
    "working_well": "Lily goes to school every day; her grandmother visits each week.",
    "safety_goals": "Lily has regular meals and clean clothes and goes to every health appointment.",
    "professional_dissent": "None.",
    "confidential_information": "The referrer, a neighbour (Mrs Jones at number 12), asked not to be named.",
}


def chapter_3_the_initial_conference_makes_a_plan(cast, icpc) -> ChildProtectionPlan:
    """Tuesday 18 January 2033, working day 15: the conference is held on its due date. Everyone comes;
    Chris records the Signs of Safety record as it goes; the conference decides on a child protection
    plan under the category of neglect."""
    with on(ICPC_DAY, 10, 30):
        for section, text in RECORD.items():
            services.record_save_section(actor=cast.chair, conference=icpc, section=section, text=text,
                                         base_revision=0)
        # a second save from a stale screen is refused, never overwriting what was saved
        with pytest.raises(services.StaleSection) as stale:
            services.record_save_section(actor=cast.chair, conference=icpc, section="harm", text="Other words",
                                         base_revision=0)
        assert stale.value.text == RECORD["harm"] and stale.value.revision == 1
        for participant, score in (("Sam Worker", 3), ("Northmoor Police", 4), ("Health visitor", 4),
                                   ("Oakfield Primary School", 5), ("Mary Brook", 6)):
            services.scaling_record(actor=cast.chair, conference=icpc, participant=participant, score=score)

    with on(ICPC_DAY, 12, 30):
        story.all_professionals_attend(conference=icpc, actor=cast.chair)
        q = selectors.quorum(conference=icpc)
        assert q.quorate and q.other_agencies == ("Northmoor NHS Trust", "Northmoor Police", "Oakfield Primary School")
        icpc = services.conference_hold(actor=cast.chair, conference=icpc, held_on=ICPC_DAY)
        decision = services.conference_decide(
            actor=cast.chair, conference=icpc, outcome="plan", category="NEG", lead_social_worker=cast.social_worker,
            rationale="Lily is likely to suffer significant harm through neglect.",
            core_group=[
                services.MemberInput(name=cast.social_worker.full_name, role="Lead social worker",
                                     user_id=cast.social_worker.pk, agency_id=cast.la.pk),
                services.MemberInput(name="Mary Brook", role="Mother", adult_id=cast.mother.pk),
                services.MemberInput(name=cast.health_visitor.full_name, role="Health visitor",
                                     user_id=cast.health_visitor.pk, agency_id=cast.health.pk),
                services.MemberInput(name=cast.school_dsl.full_name, role="Designated safeguarding lead",
                                     user_id=cast.school_dsl.pk, agency_id=cast.school.pk),
            ],
            actions=[
                services.ActionInput(description="Visit weekly and check the food in the house",
                                     owner_name="Lead social worker", owner_id=cast.social_worker.pk,
                                     due_date=D(2033, 3, 1)),
                services.ActionInput(description="Rebook and attend the missed health appointments",
                                     owner_name="Health visitor", owner_id=cast.health_visitor.pk,
                                     due_date=D(2033, 2, 15)),
                services.ActionInput(description="Breakfast club every school day", owner_name="Oakfield Primary",
                                     due_date=D(2033, 1, 31)),
            ])

    icpc = fresh(icpc)
    assert icpc.status == Conference.Status.DECIDED and icpc.held_on == ICPC_DAY and icpc.quorate is True
    assert (decision.outcome, decision.category, decision.decided_by) == ("plan", "NEG", cast.chair)
    # Held on its due date, working day 15: on time.
    assert facts(deadline_of(icpc, "icpc")) == ("icpc", STRATEGY_DISCUSSION, ICPC_DAY, MET, ICPC_DAY)

    plan = icpc.plan
    assert (plan.status, plan.started_on, plan.initial_category, plan.latest_category, plan.previous_plans) == (
        "active", ICPC_DAY, "NEG", "NEG", 0)
    assert plan.lead_social_worker == cast.social_worker
    assert sorted(plan.core_group.values_list("role", flat=True)) == [
        "Designated safeguarding lead", "Health visitor", "Lead social worker", "Mother"]
    assert list(plan.actions.values_list("due_date", flat=True)) == [D(2033, 1, 31), D(2033, 2, 15), D(2033, 3, 1)]

    # Every deadline the decision opened, counted by hand from Tue 18 Jan 2033 (day 0):
    # - first core group, 10 working days: Wed 19 = 1, Thu 20 = 2, Fri 21 = 3, Mon 24 = 4, Tue 25 = 5,
    #   Wed 26 = 6, Thu 27 = 7, Fri 28 = 8, Mon 31 = 9, Tue 1 Feb = 10;
    # - outline plan and decision letter, 1 working day (local rule): Wed 19 Jan;
    # - minutes, 15 working days (local rule): on from Tue 1 Feb = 10, Wed 2 = 11, Thu 3 = 12, Fri 4 = 13,
    #   Mon 7 = 14, Tue 8 Feb = 15;
    # - first review, 3 calendar months: Mon 18 Apr 2033 is Easter Monday, moved back past the weekend and
    #   Good Friday (Fri 15 Apr) to Thu 14 Apr 2033.
    assert facts(deadline_of(plan, "core_group_first")) == ("core_group_first", ICPC_DAY, D(2033, 2, 1), OPEN, None)
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", ICPC_DAY, FIRST_REVIEW_DUE, OPEN, None)
    assert facts(deadline_of(icpc, "outline_plan")) == ("outline_plan", ICPC_DAY, D(2033, 1, 19), OPEN, None)
    assert facts(deadline_of(icpc, "conference_minutes")) == (
        "conference_minutes", ICPC_DAY, D(2033, 2, 8), OPEN, None)
    assert deadline_of(plan, "core_group_first").responsible_person == cast.social_worker
    assert deadline_of(plan, "rcpc_first").responsible_person == cast.chair
    # no names in any label (ADR 5)
    assert not Deadline.objects.filter(label__icontains="Brook").exists()

    # Wednesday 19 January: the decision letter and outline plan are published (a professional and a
    # family copy) and sent: the professionals through the hub, Mary by post. That meets the outline plan
    # deadline on its due date.
    with on(D(2033, 1, 19), 11):
        letters = services.decision_letter_publish(actor=cast.chair, conference=icpc)
        professionals = icpc.invitations.filter(kind=Invitation.InviteeKind.PROFESSIONAL)
        services.documents_distribute(actor=cast.chair, conference=icpc, kind="decision_letter",
                                      invitations=professionals, method="in_app")
        services.documents_distribute(actor=cast.chair, conference=icpc, kind="decision_letter",
                                      invitations=icpc.invitations.filter(adult=cast.mother), method="post")
    assert sorted(d.copy for d in letters) == ["family", "professional"]
    for letter in letters:
        text = pdf_text(letter)
        assert "Lily Brook, born 4 May 2026" in text and "OFFICIAL-SENSITIVE" in text
    assert facts(deadline_of(icpc, "outline_plan")) == ("outline_plan", ICPC_DAY, D(2033, 1, 19), MET,
                                                        D(2033, 1, 19))
    to_mary = Distribution.objects.get(invitation__adult=cast.mother, document__kind="decision_letter")
    assert (to_mary.is_family, to_mary.document.copy, to_mary.method) == (True, "family", "post")
    assert Notification.objects.filter(recipient=cast.school_dsl,
                                       subject="Decision letter and outline plan sent to you").count() == 1

    # Tuesday 25 January: Chris edits the draft minutes (drafted from the record at the decision) and
    # signs them off: published as PDF, a professional and a family copy (the confidential section absent
    # from the family copy). Wednesday 26 January, 6 working days after the conference, they are sent:
    # the minutes deadline (Tue 8 Feb) is met on time.
    with on(D(2033, 1, 25), 16):
        draft = icpc.minutes.get()
        assert draft.status == Minutes.Status.DRAFT
        assert {s["key"]: s["confidential"] for s in draft.sections}["confidential_information"] is True
        sections = draft.sections + [{"key": "chair_summary", "heading": "Chair's summary",
                                      "body": "A plan under neglect; first review by 14 April 2033.",
                                      "confidential": False}]
        services.minutes_edit(actor=cast.chair, minutes=draft, sections=sections)
        signed = services.minutes_sign(actor=cast.chair, minutes=draft)
    assert (signed.status, signed.version, signed.signed_by) == ("signed", 1, cast.chair)
    professional = icpc.documents.get(kind="minutes", copy="professional")
    family = icpc.documents.get(kind="minutes", copy="family")
    professional_text, family_text = pdf_text(professional), pdf_text(family)
    for text in (professional_text, family_text):
        assert "Lily Brook, born 4 May 2026" in text and "first review by 14 April 2033" in text
    assert "Mrs Jones" in professional_text
    assert "Mrs Jones" not in family_text  # removed, not blacked out
    with pytest.raises(ValidationError):
        services.minutes_edit(actor=cast.chair, minutes=signed, sections=sections)  # signed: never changed

    with on(D(2033, 1, 26), 10):
        services.documents_distribute(actor=cast.chair, conference=icpc, kind="minutes",
                                      invitations=icpc.invitations.filter(kind=Invitation.InviteeKind.PROFESSIONAL),
                                      method="in_app")
        services.documents_distribute(actor=cast.chair, conference=icpc, kind="minutes",
                                      invitations=icpc.invitations.filter(adult=cast.mother), method="post")
    assert facts(deadline_of(icpc, "conference_minutes")) == (
        "conference_minutes", ICPC_DAY, D(2033, 2, 8), MET, D(2033, 1, 26))
    assert Distribution.objects.get(invitation__adult=cast.mother, document__kind="minutes").document == family
    return plan


# --- Chapter 4 -------------------------------------------------------------------------------------------
def chapter_4_the_first_core_group_and_the_chairs_midway_audit(cast, plan) -> None:
    """Thursday 27 January 2033, working day 7 of the 10: the core group meets for the first time and
    turns the outline plan into the detailed plan. On Tuesday 1 March Chris audits the plan half way to
    the review."""
    with on(D(2033, 1, 27), 15):
        members = list(plan.core_group.values_list("pk", flat=True))
        meeting = services.core_group_meeting_record(
            actor=cast.social_worker, plan=plan, held_on=D(2033, 1, 27), attendee_ids=members,
            progress="Breakfast club started; health appointments rebooked", next_meeting_on=D(2033, 2, 24))
        action = plan.actions.get(owner_name="Oakfield Primary")
        services.plan_action_update(actor=cast.social_worker, action=action, progress="done",
                                    note="Lily has breakfast at school every day")
    assert meeting.attendees.count() == 4
    assert facts(deadline_of(plan, "core_group_first")) == (
        "core_group_first", ICPC_DAY, D(2033, 2, 1), MET, D(2033, 1, 27))
    assert fresh(action).progress == PlanAction.Progress.DONE

    with on(D(2033, 3, 1), 14):
        services.midway_audit_record(actor=cast.chair, plan=plan, audited_on=D(2033, 3, 1),
                                     progress="Home conditions better; appointments kept",
                                     concerns="Mary's mood is still low")
    [audit] = plan.midway_audits.all()
    assert (audit.chair, audit.audited_on, audit.escalation_raised) == (cast.chair, D(2033, 3, 1), False)
    # Visible to the team manager, who is told of it; only the chair audits.
    assert Notification.objects.filter(recipient=cast.team_manager, subject="Chair's mid-way audit recorded").exists()
    assert plan_policy.can(AccessContext.for_user(cast.team_manager), "view", plan)
    assert plan_policy.can(AccessContext.for_user(cast.chair), "audit", plan)
    assert not plan_policy.can(AccessContext.for_user(cast.social_worker), "audit", plan)


# --- Chapter 5 -------------------------------------------------------------------------------------------
def chapter_5_the_first_review_changes_the_category(cast, plan) -> Conference:
    """The first review. Its due date, 3 months after the ICPC, is Easter Monday 2033; the due date moved
    back to Maundy Thursday, 14 April 2033, and that is when it is held. The concerns have shifted from
    neglect to Lily's emotional wellbeing: the plan continues under emotional abuse."""
    with on(D(2033, 3, 14), 10):
        review = services.conference_request(actor=cast.social_worker, child=cast.child, kind="review")
        assert review.plan == plan and selectors.due_deadline(review).due_date == FIRST_REVIEW_DUE
        # Another chair has joined the service and has nothing booked; Chris comes first all the same,
        # because he chaired Lily's conference before.
        make_user(cast.la, Role.CONFERENCE_CHAIR, full_name="Robin Second-Chair")
        suggestions = selectors.chair_suggestions(conference=review)
        assert [(s.chair.full_name, s.previous) for s in suggestions] == [
            ("Chris Chair", True), ("Robin Second-Chair", False)]
        # Booking it for the 3-month date itself (Easter Monday) or just after the holiday would be late.
        with pytest.raises(ValidationError) as late:
            story.book(conference=review, chair=cast.chair, actor=cast.chair, day=D(2033, 4, 19))
        assert late.value.message_dict == {"late_reason": [
            "This conference is due by 14 April 2033. Say why it cannot be held by then"]}
        review = story.book(conference=review, chair=cast.chair, actor=cast.chair, day=FIRST_REVIEW_DUE)
        assert review.late_reason == ""
        story.invite_everyone(conference=review, actor=cast.chair)
    # Reports due 2 working days before Thu 14 Apr: Wed 13 Apr = 1, Tue 12 Apr = 2.
    assert facts(deadline_of(review, "parents_report_share")) == (
        "parents_report_share", FIRST_REVIEW_DUE, D(2033, 4, 12), OPEN, None)
    reports_in(cast, review, reports_on=D(2033, 4, 11), share_on=D(2033, 4, 12))
    assert deadline_of(review, "parents_report_share").status == MET

    with on(FIRST_REVIEW_DUE, 13):
        review = story.hold(conference=review, chair=cast.chair, held_on=FIRST_REVIEW_DUE)
        decision = services.conference_decide(
            actor=cast.chair, conference=review, outcome="continue", category="EMO",
            rationale="Lily is fed and clothed now; the worry is her emotional wellbeing at home.")
    # Held on the moved due date: on time.
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", ICPC_DAY, FIRST_REVIEW_DUE, MET, FIRST_REVIEW_DUE)
    assert (decision.outcome, decision.category) == ("continue", "EMO")

    # The category change is kept in history; the latest category changes, the initial one never does.
    plan = fresh(plan)
    assert (plan.initial_category, plan.latest_category, plan.status) == ("NEG", "EMO", "active")
    [change] = CategoryChange.objects.filter(plan=plan)
    assert (change.from_category, change.to_category, change.changed_on, change.changed_by, change.conference_id) == (
        "NEG", "EMO", FIRST_REVIEW_DUE, cast.chair, review.pk)

    # The next review: 6 calendar months after Thu 14 Apr 2033 is Fri 14 Oct 2033, a working day.
    assert facts(deadline_of(plan, "rcpc_next")) == ("rcpc_next", FIRST_REVIEW_DUE, D(2033, 10, 14), OPEN, None)
    # The review's own letter and minutes, from Thu 14 Apr (day 0):
    # - 1 working day: Fri 15 Apr is Good Friday, Mon 18 Easter Monday, so Tue 19 Apr 2033;
    # - 15 working days: Tue 19 Apr = 1, Wed 20 = 2, Thu 21 = 3, Fri 22 = 4, Mon 25 = 5, Tue 26 = 6,
    #   Wed 27 = 7, Thu 28 = 8, Fri 29 = 9, Mon 2 May is the early May bank holiday, Tue 3 May = 10,
    #   Wed 4 = 11, Thu 5 = 12, Fri 6 = 13, Mon 9 = 14, Tue 10 May 2033 = 15.
    assert facts(deadline_of(review, "outline_plan")) == ("outline_plan", FIRST_REVIEW_DUE, D(2033, 4, 19), OPEN, None)
    assert facts(deadline_of(review, "conference_minutes")) == (
        "conference_minutes", FIRST_REVIEW_DUE, D(2033, 5, 10), OPEN, None)
    return review


# --- Chapter 6 -------------------------------------------------------------------------------------------
def chapter_6_the_second_review_ends_the_plan(cast, plan) -> Conference:
    """The second review, on Tuesday 11 October 2033, three days inside its due date (Fri 14 Oct): the
    likelihood of significant harm has reduced. The plan ends; Lily steps down to a child in need plan."""
    with on(D(2033, 9, 12), 10):
        review = services.conference_request(actor=cast.social_worker, child=cast.child, kind="review")
        review = story.book(conference=review, chair=cast.chair, actor=cast.chair, day=D(2033, 10, 11))
        story.invite_everyone(conference=review, actor=cast.chair)
    # Reports due 2 working days before Tue 11 Oct: Mon 10 Oct = 1, Fri 7 Oct = 2.
    assert deadline_of(review, "parents_report_share").due_date == D(2033, 10, 7)
    reports_in(cast, review, reports_on=D(2033, 10, 7), share_on=D(2033, 10, 7))

    with on(D(2033, 10, 11), 13):
        review = story.hold(conference=review, chair=cast.chair, held_on=D(2033, 10, 11))
        decision = services.conference_decide(actor=cast.chair, conference=review, outcome="end",
                                              end_reason="harm_reduced", next_step="cin_plan",
                                              rationale="The safety goals have been met for six months.")
    assert (decision.outcome, decision.end_reason, decision.next_step) == ("end", "harm_reduced", "cin_plan")
    assert facts(deadline_of(plan, "rcpc_next")) == (
        "rcpc_next", FIRST_REVIEW_DUE, D(2033, 10, 14), MET, D(2033, 10, 11))

    plan = fresh(plan)
    assert (plan.status, plan.ended_on, plan.end_reason) == ("ended", D(2033, 10, 11), "harm_reduced")
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    # Nothing of the plan is left open, and no further review was opened: by now the plan's review
    # deadline has been met by holding this conference (the cancelling of a deadline still open when a
    # plan ends is shown by test_a_plan_ended_early_cancels_the_deadlines_still_open below).
    assert not deadlines_of(plan).filter(status__in=Deadline.OPEN_STATUSES).exists()
    assert sorted(facts(d) for d in deadlines_of(plan)) == [
        ("core_group_first", ICPC_DAY, D(2033, 2, 1), MET, D(2033, 1, 27)),
        ("rcpc_first", ICPC_DAY, FIRST_REVIEW_DUE, MET, FIRST_REVIEW_DUE),
        ("rcpc_next", FIRST_REVIEW_DUE, D(2033, 10, 14), MET, D(2033, 10, 11)),
    ]
    # The ending conference still owes the family its letter and minutes: from Tue 11 Oct 2033, 1 working
    # day is Wed 12 Oct; 15 working days: Oct 12-14 = 1-3, 17-21 = 4-8, 24-28 = 9-13, Mon 31 = 14,
    # Tue 1 Nov 2033 = 15 (no bank holidays in October).
    assert facts(deadline_of(review, "outline_plan"))[:3] == ("outline_plan", D(2033, 10, 11), D(2033, 10, 12))
    assert facts(deadline_of(review, "conference_minutes"))[:3] == (
        "conference_minutes", D(2033, 10, 11), D(2033, 11, 1))
    # A review can no longer be asked for: there is no plan to review.
    with on(D(2033, 10, 12), 9), pytest.raises(ValidationError) as refused:
        services.conference_request(actor=cast.social_worker, child=cast.child, kind="review")
    assert refused.value.message_dict == {"kind": ["A review conference needs an active child protection plan"]}
    return review


def epilogue_a_new_initial_conference_counts_the_previous_plan(cast) -> None:
    """March 2034: new worries, a new strategy discussion on Monday 6 March and a new initial conference.
    The new plan counts Lily's earlier plan (the CIN census's number of previous plans).

    March 2034: Mon 6 is day 0; Tue 7 - Fri 10 = 1-4, Mon 13 - Fri 17 = 5-9, Mon 20 - Fri 24 = 10-14,
    Mon 27 Mar 2034 = 15 (Easter 2034 is in April: no holidays in the count)."""
    with on(D(2034, 3, 6), 16):
        icpc = services.conference_request(actor=cast.social_worker, child=cast.child, kind="initial",
                                           strategy_discussion_date=D(2034, 3, 6))
    assert facts(deadline_of(icpc, "icpc")) == ("icpc", D(2034, 3, 6), D(2034, 3, 27), OPEN, None)
    with on(D(2034, 3, 7), 10):
        icpc = story.book(conference=icpc, chair=cast.chair, actor=cast.chair, day=D(2034, 3, 22))
        story.invite_everyone(conference=icpc, actor=cast.chair)
    with on(D(2034, 3, 22), 13):
        icpc = story.hold(conference=icpc, chair=cast.chair, held_on=D(2034, 3, 22))
        story.decide_plan(conference=icpc, chair=cast.chair, lead_social_worker=cast.social_worker, category="PHY")
    new_plan = fresh(icpc).plan
    assert (new_plan.previous_plans, new_plan.initial_category, new_plan.started_on) == (1, "PHY", D(2034, 3, 22))
    assert ChildProtectionPlan.objects.filter(child=cast.child).count() == 2
    assert facts(deadline_of(icpc, "icpc")) == ("icpc", D(2034, 3, 6), D(2034, 3, 27), MET, D(2034, 3, 22))


def test_the_story_of_lily_brook(cast, mailoutbox):
    icpc = chapter_1_strategy_discussion_starts_a_section_47_enquiry(cast)
    chapter_2_the_chair_books_the_conference_and_the_agencies_report(cast, icpc, mailoutbox)
    plan = chapter_3_the_initial_conference_makes_a_plan(cast, icpc)
    chapter_4_the_first_core_group_and_the_chairs_midway_audit(cast, plan)
    chapter_5_the_first_review_changes_the_category(cast, plan)
    chapter_6_the_second_review_ends_the_plan(cast, plan)
    epilogue_a_new_initial_conference_counts_the_previous_plan(cast)
    # One decision per conference, four conferences held for Lily, all decided.
    assert Decision.objects.filter(conference__child=cast.child).count() == 4
    assert set(Conference.objects.filter(child=cast.child).values_list("status", flat=True)) == {"decided"}


def test_a_plan_ended_early_cancels_the_deadlines_still_open(la, team, social_worker, chair, police, health, school):
    """Ellis's plan is made on Friday 19 March 2027; five days later the family leaves the UK for good. A
    review brought forward ends the plan before the first core group has met: that deadline, still
    open, is cancelled with the reason; the review deadline is met (early) by the review itself.

    March/April 2027: Mon 1 Mar is day 0 of the ICPC count; 15 working days is Mon 22 Mar.
    From Fri 19 Mar 2027 (day 0), first core group, 10 working days: Mon 22 = 1, Tue 23 = 2, Wed 24 = 3,
    Thu 25 = 4, Fri 26 Mar Good Friday and Mon 29 Mar Easter Monday not counted, Tue 30 = 5, Wed 31 = 6,
    Thu 1 Apr = 7, Fri 2 = 8, Mon 5 = 9, Tue 6 Apr 2027 = 10.
    First review, 3 months: Sat 19 Jun 2027, a weekend, moved back to Fri 18 Jun 2027."""
    with on(D(2027, 3, 1), 9):
        child, _mother, _people = story.child_with_family(la=la, social_worker=social_worker, team=team, police=police,
                                                          health=health, school=school, legal_first_names="Ellis",
                                                          date_of_birth=D(2020, 9, 1))
    with on(D(2027, 3, 1), 16):
        icpc = story.request_icpc(child=child, social_worker=social_worker, strategy_discussion_date=D(2027, 3, 1))
        icpc = story.book(conference=icpc, chair=chair, actor=chair, day=D(2027, 3, 19))
        story.invite_everyone(conference=icpc, actor=chair)
    assert deadline_of(icpc, "icpc").due_date == D(2027, 3, 22)
    with on(D(2027, 3, 19), 13):
        icpc = story.hold(conference=icpc, chair=chair, held_on=D(2027, 3, 19))
        story.decide_plan(conference=icpc, chair=chair, lead_social_worker=social_worker)
    plan = fresh(icpc).plan
    assert facts(deadline_of(plan, "core_group_first")) == (
        "core_group_first", D(2027, 3, 19), D(2027, 4, 6), OPEN, None)
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", D(2027, 3, 19), D(2027, 6, 18), OPEN, None)

    with on(D(2027, 3, 24), 10):
        review = services.conference_request(actor=social_worker, child=child, kind="review",
                                             notes="The family has emigrated permanently")
        review = story.book(conference=review, chair=chair, actor=chair, day=D(2027, 4, 1))
        story.invite_everyone(conference=review, actor=chair)
    with on(D(2027, 4, 1), 13):
        review = story.hold(conference=review, chair=chair, held_on=D(2027, 4, 1))
        services.conference_decide(actor=chair, conference=review, outcome="end", end_reason="left_uk",
                                   next_step="none")
    plan = fresh(plan)
    assert (plan.status, plan.ended_on, plan.end_reason) == ("ended", D(2027, 4, 1), "left_uk")
    core = deadline_of(plan, "core_group_first")
    assert (core.status, core.cancelled_reason, core.met_on) == (CANCELLED, "The plan has ended", None)
    assert facts(deadline_of(plan, "rcpc_first")) == ("rcpc_first", D(2027, 3, 19), D(2027, 6, 18), MET, D(2027, 4, 1))
    assert not deadlines_of(plan, "rcpc_next").exists()
    assert not deadlines_of(plan).filter(status__in=Deadline.OPEN_STATUSES).exists()
