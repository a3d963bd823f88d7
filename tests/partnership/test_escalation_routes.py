"""Escalations that begin elsewhere arrive in the one register by their route (issue 12, section 4; ADR 25): a
chair's escalation from a mid-way audit, dissent written in a conference's record, and an IRO's dispute, each
followed as its source changes; the register page shows them to the business unit by route."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils.html import escape
from freezegun import freeze_time

from conferences import services as conference_services
from partnership.models import Escalation
from reviews import services as review_services
from safeguarding.accounts.models import Role
from safeguarding.clock import workdays
from tests.factories import make_user
from tests.factories.reviews import RaisedDisputeFactory
from tests.factories.states import ActivePlanFactory, HeldConferenceFactory

pytestmark = pytest.mark.django_db


def test_a_chairs_mid_way_audit_escalation_arrives_in_the_register(client_for):
    plan = ActivePlanFactory()
    # a surname nobody else on the page has (Faker's could be a person's): the register must not show it
    plan.child.legal_surname = "Quillfeather"
    plan.child.save(update_fields=["legal_surname"])
    chair = plan.conferences.get().chair
    unit = make_user(plan.child.local_authority, Role.PARTNERSHIP_BUSINESS_UNIT)
    audited_on = plan.started_on + timedelta(days=30)
    with freeze_time(f"{audited_on} 12:00"):
        audit = conference_services.midway_audit_record(
            actor=chair, plan=plan, audited_on=audited_on, progress="Little progress on home conditions",
            escalation_raised=True, escalation_detail="Raised with the service manager: no core group for six weeks")
        conference_services.midway_audit_record(actor=chair, plan=plan, audited_on=audited_on, progress="Fine")

    row = Escalation.objects.get()   # the audit without an escalation adds nothing
    assert (row.route, row.source_id, row.child, row.raised_by, row.raised_on, row.category, row.is_open) == (
        "midway_audit", audit.public_id, plan.child, chair, audited_on, "plan_progress", True)
    assert row.concern == "Raised with the service manager: no core group for six weeks"
    with freeze_time(f"{audited_on} 13:00"):
        body = client_for(unit).get("/partnership/escalations/register/?route=midway_audit").content.decode()
        assert f"/partnership/escalations/{row.public_id}/" in body
        assert "Chair&#x27;s escalation from a mid-way audit" in body
        # the business unit has no reason to open the child's record: the register says "a child", not who
        assert "A child" in body and escape(plan.child.legal_surname) not in body
        # the chair sees it among the escalations they raised, the child named; it is worked on the plan
        mine = client_for(chair).get("/partnership/escalations/").content.decode()
        assert f"/partnership/escalations/{row.public_id}/" in mine and escape(plan.child.full_name) in mine
        page = client_for(chair).get(f"/partnership/escalations/{row.public_id}/respond/").content.decode()
        assert "worked where it began" in page


def test_dissent_written_in_the_conference_record_arrives_when_the_conference_decides():
    conference = HeldConferenceFactory()
    chair = conference.chair
    with freeze_time(f"{conference.held_on} 13:00"):
        conference_services.record_save_section(actor=chair, conference=conference, section="professional_dissent",
                                                text="The police would have made a plan under physical abuse.",
                                                base_revision=0)
        conference_services.conference_decide(
            actor=chair, conference=conference, outcome="no_plan", next_step="cin_plan",
            rationale="Risks managed under a child in need plan")
    row = Escalation.objects.get(route="conference_dissent")
    assert (row.source_id, row.child, row.raised_on, row.category) == (
        conference.public_id, conference.child, conference.held_on, "conference_decision")
    assert row.concern == "The police would have made a plan under physical abuse."


def test_a_conference_without_dissent_adds_nothing():
    conference = HeldConferenceFactory()
    with freeze_time(f"{conference.held_on} 13:00"):
        conference_services.conference_decide(actor=conference.chair, conference=conference, outcome="no_plan",
                                              next_step="cin_plan", rationale="No plan")
    assert not Escalation.objects.exists()


def test_an_iro_dispute_appears_and_follows_its_stages_and_outcome(client_for):
    dispute = RaisedDisputeFactory()
    episode, iro = dispute.episode, dispute.raised_by
    row = Escalation.objects.get(route="iro_dispute")
    due = workdays.add_working_days(dispute.raised_on, 10)   # iro_alert_response
    assert (row.source_id, row.child, row.stage, row.stage_label, row.route_due_on) == (
        dispute.public_id, episode.child, 0, "Informal alert", due)
    assert row.concern.startswith("Care planning drift or delay: ")

    later = workdays.add_working_days(due, 1)
    with freeze_time(f"{later} 10:00"):
        unit = make_user(episode.child.local_authority, Role.PARTNERSHIP_BUSINESS_UNIT)
        body = client_for(unit).get("/partnership/escalations/register/?status=overdue").content.decode()
        assert f"/partnership/escalations/{row.public_id}/" in body   # the alert went unanswered
        review_services.dispute_escalate(actor=iro, dispute=dispute, to_stage=1, raised_with_name="Team manager")
        row.refresh_from_db()
        assert (row.stage, row.stage_label, row.route_due_on) == (
            1, "Formal stage 1", workdays.add_working_days(later, 20))
        review_services.dispute_answer(actor=iro, dispute=dispute, response="A plan by Friday",
                                       responder_name="Team manager")
        row.refresh_from_db()
        assert (row.stage_label, row.route_due_on) == ("Formal stage 1 (answered)", None)
        review_services.dispute_close(actor=iro, dispute=dispute, outcome="resolved", note="Plan in place")
    row.refresh_from_db()
    assert (row.outcome, row.closed_on) == ("resolved_agreed", later)
    assert [s.kind for s in row.steps.all()] == ["raised", "route_update", "route_update", "closed"]


def test_the_register_counts_routes_by_agency_and_quarter(client_for):
    RaisedDisputeFactory(start_date=date(2026, 1, 5))
    row = Escalation.objects.get()
    unit = make_user(row.raised_with_agency, Role.PARTNERSHIP_BUSINESS_UNIT)
    body = client_for(unit).get("/partnership/escalations/register/").content.decode()
    assert "Jan to Mar 2026" in body and 'id="by-raised-with-agency"' in body
