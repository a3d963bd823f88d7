"""The escalation register's services (issue 12, section 4; ADR 25) and its statutory story.

Counted by hand (2027, Easter between: Good Friday 26 March, Easter Monday 29 March). The police raise a
difference with the local authority on Wednesday 24 March: stage 1 (practitioners, 2 working days) is due on
Tuesday 30 March, and answered that day. Not resolved: on Wednesday 31 March it moves to stage 2 (managers,
5 working days), due Wednesday 7 April; nobody answers; on Thursday 8 April it moves to stage 3 (senior
managers, 2 working days), due Monday 12 April; answered a day late on Tuesday 13 April with the reason; health
asks for a multi-agency resolution meeting. On Wednesday 14 April it goes to the safeguarding partners for
arbitration (10 working days), due Wednesday 28 April; the health delegate arbitrates on 27 April; the police
close it, resolved and agreed, on 28 April.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from freezegun import freeze_time

from partnership import services
from partnership.models import Escalation, EscalationStep, PartnershipSeat
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.notify.models import Notification
from tests.factories import (
    ChildFactory,
    HealthFactory,
    InvolvementFactory,
    LocalAuthorityFactory,
    PoliceFactory,
    SchoolFactory,
    make_user,
)
from tests.factories import partnership as pf

D = date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_rules")]


@pytest.fixture
def plain_rules(settings):
    settings.STATUTORY_RULE_OVERRIDES = {}
    settings.PARTNERSHIP_ESCALATION_STAGES = None


@pytest.fixture
def w():
    class W:
        la = LocalAuthorityFactory(name="Northmoor Borough Council")
        police = PoliceFactory(name="Northmoor Police")
        health = HealthFactory(name="Northmoor Health")
        school = SchoolFactory(name="Oak School")
        officer = make_user(police, Role.PARTNER_PRACTITIONER, full_name="Pat Police")
        social_worker = make_user(la, Role.SOCIAL_WORKER, full_name="Sam Social")
        nurse = make_user(health, Role.PARTNER_PRACTITIONER, full_name="Hana Health")
        teacher = make_user(school, Role.PARTNER_PRACTITIONER, full_name="Tess Teacher")
        delegate = make_user(health, Role.PARTNER_PRACTITIONER, full_name="Dee Delegate")
        unit = make_user(la, Role.PARTNERSHIP_BUSINESS_UNIT, full_name="Bea Unit")
        child = ChildFactory(legal_first_names="Mia", legal_surname="Stone", local_authority=la)
        stranger = ChildFactory(legal_first_names="Noah", legal_surname="Hidden", local_authority=la)

    InvolvementFactory(child=W.child, agency=W.police, role="Investigating officer")
    pf.seat(W.delegate, W.health)
    pf.seat(W.social_worker, W.la, PartnershipSeat.Kind.AGENCY_LEAD)
    return W


def _deadlines(e):
    return sorted((d.rule_key, d.due_date, d.status) for d in Deadline.objects.filter(subject_id=e.pk)
                  if d.subject_type.model == "escalation")


def test_an_escalation_from_stage_1_to_arbitration_on_the_right_working_days(w):
    with freeze_time("2027-03-24 10:00") as clock:
        e = services.escalation_raise(
            actor=w.officer, raising_agency=w.police, raised_with_agency=w.la, child=w.child,
            category="threshold", concern="The referral was closed without a strategy discussion.",
            wanted="A strategy discussion this week.", raised_with_name="Duty team manager")
        assert (e.stage, e.stage_key, e.stage_started_on) == (1, "escalation_practitioners", D(2027, 3, 24))
        assert _deadlines(e) == [("escalation_practitioners", D(2027, 3, 30), "open")]
        # the local authority's safeguarding lead is told, with no name in the notification (ADR 5)
        note = Notification.objects.get(recipient=w.social_worker)
        assert "Mia" not in note.subject and note.url == f"/partnership/escalations/{e.public_id}/"

        clock.move_to("2027-03-30 10:00")
        services.escalation_respond(actor=w.social_worker, escalation=e, agency=w.la,
                                    response="The threshold for a strategy discussion was not met.")
        clock.move_to("2027-03-31 10:00")
        services.escalation_move_on(actor=w.officer, escalation=e, reason="We still think the threshold is met.",
                                    raised_with_name="Team manager")
        assert _deadlines(e) == [("escalation_managers", D(2027, 4, 7), "open"),
                                 ("escalation_practitioners", D(2027, 3, 30), "met_on_time")]
        clock.move_to("2027-04-08 10:00")   # no answer at stage 2
        services.escalation_move_on(actor=w.officer, escalation=e, reason="No answer from the team manager.")
        assert ("escalation_managers", D(2027, 4, 7), "cancelled") in _deadlines(e)
        assert ("escalation_senior_managers", D(2027, 4, 12), "open") in _deadlines(e)

        clock.move_to("2027-04-13 10:00")
        with pytest.raises(ValidationError) as late:
            services.escalation_respond(actor=w.social_worker, escalation=e, agency=w.la, response="We disagree.")
        assert "late_reason" in late.value.message_dict
        services.escalation_respond(actor=w.social_worker, escalation=e, agency=w.la, response="We disagree.",
                                    late_reason="The senior manager was on leave")
        with pytest.raises(Http404):   # health is not a party: the escalation is missing to them
            services.escalation_meeting_request(actor=w.nurse, escalation=e, agency=w.health, reason="Meet")
        services.escalation_meeting_request(actor=w.officer, escalation=e, agency=w.police,
                                            reason="Three agencies should sit down together.")
        services.escalation_meeting_held(actor=w.unit, escalation=e, held_on=D(2027, 4, 13),
                                         note="No agreement; to the partners.")
        clock.move_to("2027-04-14 10:00")
        e = services.escalation_move_on(actor=w.officer, escalation=e, reason="The meeting did not agree.")
        assert (e.stage, e.stage_key) == (4, "escalation_arbitration")
        assert ("escalation_arbitration", D(2027, 4, 28), "open") in _deadlines(e)
        assert Notification.objects.filter(recipient=w.delegate, subject__contains="arbitration").exists()
        with pytest.raises(ValidationError):   # the last stage: no further stage
            services.escalation_move_on(actor=w.officer, escalation=e, reason="Further")
        # at arbitration the agency raised with no longer answers: the partners' delegates do
        with pytest.raises(ValidationError):
            services.escalation_respond(actor=w.social_worker, escalation=e, agency=w.la, response="Again")

        clock.move_to("2027-04-27 10:00")
        services.escalation_respond(actor=w.delegate, escalation=e, agency=w.health,
                                    response="The partners find the threshold was met: hold the discussion.")
        clock.move_to("2027-04-28 10:00")
        e = services.escalation_close(actor=w.officer, escalation=e, outcome="resolved_agreed",
                                      note="Strategy discussion held.")
    assert (e.outcome, e.closed_on) == ("resolved_agreed", D(2027, 4, 28))
    assert ("escalation_arbitration", D(2027, 4, 28), "met_on_time") in _deadlines(e)
    steps = [(s.kind, s.stage, s.on, s.by.full_name) for s in EscalationStep.objects.filter(escalation=e)]
    assert steps == [
        ("raised", 1, D(2027, 3, 24), "Pat Police"), ("response", 1, D(2027, 3, 30), "Sam Social"),
        ("moved_on", 2, D(2027, 3, 31), "Pat Police"), ("moved_on", 3, D(2027, 4, 8), "Pat Police"),
        ("response", 3, D(2027, 4, 13), "Sam Social"), ("meeting_requested", 3, D(2027, 4, 13), "Pat Police"),
        ("meeting_held", 3, D(2027, 4, 13), "Bea Unit"), ("moved_on", 4, D(2027, 4, 14), "Pat Police"),
        ("response", 4, D(2027, 4, 27), "Dee Delegate"), ("closed", 4, D(2027, 4, 28), "Pat Police")]
    reasons = list(e.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert "We still think the threshold is met." in reasons and "Resolved: agreed" in reasons
    assert CaseEvent.objects.filter(code__startswith="partnership.escalation_", subject_id=e.pk).count() == 10


def test_raising_checks_what_it_is_told(w):
    with pytest.raises(ValidationError) as exc:
        services.escalation_raise(actor=w.officer, raising_agency=w.la, raised_with_agency=None,
                                  category="nonsense", concern=" ", raised_on=D(2099, 1, 1))
    assert set(exc.value.message_dict) == {"raising_agency", "raised_with_agency", "category", "concern", "theme",
                                           "raised_on"}
    with pytest.raises(ValidationError) as exc:   # a child the raiser may not open is refused, and not named
        pf.escalation(raiser=w.officer, raising_agency=w.police, raised_with_agency=w.la, child=w.stranger)
    assert exc.value.message_dict == {"child": ["Choose a child whose record you can open"]}
    with pytest.raises(ValidationError) as exc:   # a conference's decision is disputed by its own route
        pf.escalation(raiser=w.officer, raising_agency=w.police, raised_with_agency=w.la, theme="Thresholds",
                      category="conference_decision")
    assert "category" in exc.value.message_dict


def test_raising_twice_changes_nothing_and_a_theme_needs_no_child(w):
    first = pf.escalation(raiser=w.teacher, raising_agency=w.school, raised_with_agency=w.health,
                          theme="School nursing cover")
    again = pf.escalation(raiser=w.teacher, raising_agency=w.school, raised_with_agency=w.health,
                          theme="School nursing cover")
    assert first == again and Escalation.objects.count() == 1
    assert (first.child, first.theme, first.route) == (None, "School nursing cover", "professional_difference")


def test_only_the_parties_act_and_anybody_else_gets_the_404(w):
    e = pf.escalation(raiser=w.teacher, raising_agency=w.school, raised_with_agency=w.health, theme="Cover")
    with pytest.raises(Http404):   # the police see nothing of it
        services.escalation_respond(actor=w.officer, escalation=e, agency=w.police, response="Hm")
    with pytest.raises(ValidationError):   # health sees it (raised with them) but does not move it on
        services.escalation_move_on(actor=w.nurse, escalation=e, reason="No")
    with pytest.raises(ValidationError) as exc:  # a school is not a statutory agency: no meeting request
        services.escalation_meeting_request(actor=w.teacher, escalation=e, agency=w.school, reason="Meet")
    assert "statutory" in str(exc.value)
    services.escalation_meeting_request(actor=w.nurse, escalation=e, agency=w.health, reason="Meet")
    closed = services.escalation_close(actor=w.teacher, escalation=e, outcome="withdrawn", note="Sorted locally")
    assert services.escalation_close(actor=w.teacher, escalation=e, outcome="withdrawn", note="Sorted locally") \
        == closed   # closing again the same way changes nothing
    with pytest.raises(ValidationError):
        services.escalation_respond(actor=w.nurse, escalation=e, agency=w.health, response="Late answer")
    assert [(key, status) for key, _due, status in _deadlines(e)] == [("escalation_practitioners", "cancelled")]


def test_the_stages_are_a_setting_of_rules(w, settings):
    settings.PARTNERSHIP_ESCALATION_STAGES = ["escalation_managers", "escalation_arbitration"]
    settings.STATUTORY_RULE_OVERRIDES = {"escalation_managers": {"amount": 3, "note": "Local protocol 2027"}}
    with freeze_time("2027-03-24 10:00"):
        e = pf.escalation(raiser=w.officer, raising_agency=w.police, raised_with_agency=w.la, child=w.child)
        assert _deadlines(e) == [("escalation_managers", D(2027, 3, 31), "open")]   # 3 WD, Easter skipped
        e = services.escalation_move_on(actor=w.officer, escalation=e, reason="No")
    assert (e.stage, e.stage_key) == (2, "escalation_arbitration")


@pytest.mark.parametrize("stages", [
    ["escalation_practitioners"], ["icpc", "escalation_arbitration"],
    ["rapid_review_meeting", "escalation_arbitration"], ["nope", "escalation_managers"]])
def test_a_bad_stage_setting_is_refused(settings, stages):
    from django.core.exceptions import ImproperlyConfigured

    from partnership import protocol

    settings.PARTNERSHIP_ESCALATION_STAGES = stages
    with pytest.raises(ImproperlyConfigured):
        protocol.stage_keys()
