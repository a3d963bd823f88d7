"""A transfer to another authority (issue 11, section 5), told as a story through the services, on dates counted
by hand from the calendar.

Monday 12 October 2026: a Northmoor primary school refers a teaching assistant the day it knew (``lado_referral``
met; ``lado_resolution`` due a month on, Thursday 12 November). Tuesday 13 October: the LADO evaluates (the
threshold met, a strategy discussion) and finds that the assistant and the child both live in Southvale, where the
police investigation will be: she first tells Southvale's LADO (a notification; the case stays open here), then on
Thursday 15 October, agreed between the two LADOs, transfers it. The case closes here that day without an outcome
of Northmoor's, the one-month clock cancelled with the reason; the referrer reads "Closed". Southvale acknowledges
on Monday 19 October. The events and the history say each step; the case keeps its place in the person index (so a
later referral about the assistant still finds it) under the "transferred" retention rule: ten years from the
referral or the assistant's 67th birthday, whichever is later.
"""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from lado import services
from lado.models import LadoCase, Transfer
from lado.selectors.pages import portal_status
from lado.selectors.retention import entry_retention
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from tests.factories import LocalAuthorityFactory
from tests.factories.lado import CHILD, REFERRAL, RegisteredReferrerFactory, lado_officer_of

pytestmark = pytest.mark.django_db


def test_a_transfer_to_another_authority():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    officer = lado_officer_of(la, full_name="Rachel Lado")
    school = RegisteredReferrerFactory(local_authority=la, full_name="Dina School")
    with freeze_time("2026-10-12 11:00"):
        referral = services.referral_submit(actor=school, local_authority=la, children=[dict(CHILD)], data={
            **REFERRAL, "subject_first_names": "Tess", "subject_surname": "Hollins",
            "subject_role": "Teaching assistant", "subject_date_of_birth": date(1990, 7, 1),
            "employer_knew_on": date(2026, 10, 12)})
    resolution = Deadline.objects.get(subject_id=referral.case.pk, rule_key="lado_resolution")
    assert resolution.due_date == date(2026, 11, 12)
    with freeze_time("2026-10-13 10:00"):
        case = services.case_subject_identify(actor=officer, case=referral.case)
        services.case_evaluate(actor=officer, case=case, evaluated_on=date(2026, 10, 13), criteria={"harmed": True},
                               decision="meeting", rationale="A child may have been harmed.",
                               subject_informed_by="not_yet", police_involved=True)
        told = services.transfer_record(
            actor=officer, case=case, kind="notification", grounds=["subject_home", "child"],
            authority="Southvale City Council", contact_name="Sol Southvale", contact_email="lado@southvale.example",
            sent_on=date(2026, 10, 13), what_was_sent="The referral; the evaluation.")
    assert LadoCase.objects.get(pk=case.pk).status == "open"  # told, not transferred

    with freeze_time("2026-10-15 16:00"):
        moved = services.transfer_record(
            actor=officer, case=case, kind="transfer", grounds=["subject_home", "child"],
            authority="Southvale City Council", contact_name="Sol Southvale", sent_on=date(2026, 10, 15),
            what_was_sent="The whole file, by secure email; Southvale's police lead the investigation.")
    case = LadoCase.objects.get(pk=case.pk)
    resolution.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", date(2026, 10, 15))
    assert resolution.status == Deadline.Status.CANCELLED
    assert resolution.cancelled_reason == "Transferred to Southvale City Council's LADO"
    assert not LadoCase.objects.filter(pk=case.pk, outcome__isnull=False).exists()  # no outcome of ours
    assert portal_status(case.referral) == "Closed"

    with freeze_time("2026-10-19 09:00"):
        services.transfer_acknowledge(actor=officer, transfer=moved, acknowledged_on=date(2026, 10, 19),
                                      by_whom="Sol Southvale", note="Southvale has opened its own case.")
    assert [t.kind for t in Transfer.objects.filter(case=case)] == ["notification", "transfer"]
    assert Transfer.objects.get(pk=told.pk).acknowledged_on is None
    codes = list(CaseEvent.objects.filter(subject_id=case.pk, code__startswith="lado.transfer")
                 .order_by("id").values_list("code", flat=True))
    assert codes == ["lado.transfer_recorded", "lado.transfer_recorded", "lado.transfer_acknowledged"]
    reasons = list(case.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "Transferred to Southvale City Council's LADO"

    kept = entry_retention(case.subject)
    assert [c.rule.key for c in kept.cases] == ["transferred"]
    assert kept.retention_date == date(2057, 7, 1)  # her 67th birthday, later than 12 October 2036
