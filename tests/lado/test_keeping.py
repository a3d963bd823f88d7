"""Transfers to another authority's LADO, legal holds, the retention policy, disposal (by redaction, never
deletion) and evidence shared with the people invited into a case (ADR 22): the services, each with its
re-checked policy and its "nothing changes" case."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from freezegun import freeze_time

from lado import rules, services
from lado.models import (
    Disposal,
    EvidenceShare,
    LadoCase,
    LegalHold,
    PersonIndexEntry,
    Referral,
    ReferralChild,
    SharedUpdate,
    Transfer,
)
from lado.policies import shared_evidence_policy
from lado.selectors.retention import add_years, case_retention, entry_retention, retention_review
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Role
from safeguarding.audit.models import CaseEvent
from safeguarding.clock.models import Deadline
from safeguarding.uploads.models import Upload
from tests.factories import LocalAuthorityFactory, PoliceFactory, make_user
from tests.factories.lado import (
    ConcludedCaseFactory,
    EvaluatedCaseFactory,
    RegisteredReferrerFactory,
    lado_manager_of,
    lado_officer_of,
)

pytestmark = pytest.mark.django_db

OLD_DOB = {"subject_date_of_birth": date(1950, 6, 1)}  # pension age (67) in 2017: ten years decide


@pytest.fixture
def la():
    return LocalAuthorityFactory(name="Northmoor Borough Council")


@pytest.fixture
def officer(la):
    return lado_officer_of(la, full_name="Lee Lado")


@pytest.fixture
def manager(la):
    return lado_manager_of(la, full_name="Mo Manager")


def _transfer(officer, case, kind="transfer", **kw):
    return services.transfer_record(**{
        "actor": officer, "case": case, "kind": kind, "grounds": ["subject_home", "child"],
        "authority": "Southvale City Council", "contact_name": "Sol Southvale",
        "contact_email": "lado@southvale.example",
        "sent_on": date.today(), "what_was_sent": "The referral, the evaluation and the strategy notes.", **kw})


# --- transfers ------------------------------------------------------------------------------------------------
def test_a_notification_leaves_the_case_open_here(la, officer):
    case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    transfer = _transfer(officer, case, kind="notification")
    case.refresh_from_db()
    assert case.status == "open" and transfer.grounds == ["subject_home", "child"]
    assert Deadline.objects.get(subject_id=case.pk, rule_key="lado_resolution").is_open
    event = CaseEvent.objects.get(code="lado.transfer_recorded", subject_id=case.pk)
    assert event.payload["kind"] == "notification" and event.payload["authority"] == "Southvale City Council"
    assert transfer.history.first().history_change_reason.startswith("Notification")


def test_a_transfer_closes_the_case_here_and_cancels_its_clock(la, officer):
    case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    _transfer(officer, case)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", date.today())
    clock = Deadline.objects.get(subject_id=case.pk, rule_key="lado_resolution")
    assert clock.status == Deadline.Status.CANCELLED and "Southvale" in clock.cancelled_reason
    assert case.history.first().history_change_reason == "Transferred to Southvale City Council's LADO"
    with pytest.raises(ValidationError, match="This case is closed"):
        _transfer(officer, case, kind="notification")


def test_a_transfer_is_checked_and_its_acknowledgement_recorded_once(la, officer):
    case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    with pytest.raises(ValidationError) as refused:
        _transfer(officer, case, kind="", grounds=[], authority="", contact_name="", what_was_sent="",
                  sent_on=date(2099, 1, 1))
    assert set(refused.value.message_dict) == {"kind", "grounds", "authority", "contact_name", "what_was_sent",
                                               "sent_on"}
    transfer = _transfer(officer, case, kind="notification")
    with pytest.raises(ValidationError) as refused:
        services.transfer_acknowledge(actor=officer, transfer=transfer, acknowledged_on=None, by_whom="")
    assert set(refused.value.message_dict) == {"acknowledged_on", "by_whom"}
    done = services.transfer_acknowledge(actor=officer, transfer=transfer, acknowledged_on=date.today(),
                                         by_whom="Sol Southvale", note="They open their own case.")
    assert (done.acknowledged_on, done.acknowledged_by_whom) == (date.today(), "Sol Southvale")
    again = services.transfer_acknowledge(actor=officer, transfer=transfer, acknowledged_on=date.today(),
                                          by_whom="Someone else")
    assert again.acknowledged_by_whom == "Sol Southvale"
    assert CaseEvent.objects.filter(code="lado.transfer_acknowledged").count() == 1


def test_only_the_lado_team_working_the_case_transfers_it(la, officer):
    case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    police = make_user(PoliceFactory(), Role.PARTNER_PRACTITIONER)
    services.case_invite(actor=officer, case=case, user=police, kind="police")
    other_lado = lado_officer_of(LocalAuthorityFactory(name="Southvale City Council"))
    for actor in (police, other_lado, case.referral.referred_by):
        with pytest.raises(ValidationError, match="You cannot"):
            _transfer(actor, case)
    transfer = _transfer(officer, case, kind="notification")
    with pytest.raises(ValidationError, match="You cannot"):
        services.transfer_acknowledge(actor=police, transfer=transfer, acknowledged_on=date.today(), by_whom="X")
    assert Transfer.objects.count() == 1


# --- the retention rules --------------------------------------------------------------------------------------
def test_the_default_rules_come_with_their_sources():
    table = rules.retention_rules()
    assert set(table) == {"substantiated", "unsubstantiated", "unfounded", "false", "malicious", "nfa", "transferred"}
    assert all(r.years == 10 and r.until_pension_age and r.source for r in table.values())
    assert {k for k, r in table.items() if r.employer_removes} == {"false", "malicious"}
    assert rules.pension_age() == rules.PENSION_AGE


def test_a_deployment_changes_a_rule_and_a_bad_change_is_refused(settings):
    settings.LADO_RETENTION = {"malicious": {"years": 6, "until_pension_age": False, "note": "Local schedule"}}
    malicious = rules.retention_rules()["malicious"]
    assert (malicious.years, malicious.until_pension_age, malicious.note) == (6, False, "Local schedule")
    for bad in ({"guilty": {"years": 6}}, {"false": {"years": 0}}, {"false": {"months": 6}},
                {"false": {"until_pension_age": "yes"}}, ["false"]):
        settings.LADO_RETENTION = bad
        with pytest.raises(ImproperlyConfigured):
            rules.retention_rules()
    settings.LADO_RETENTION_PENSION_AGE = 30
    with pytest.raises(ImproperlyConfigured):
        rules.pension_age()


def test_add_years_keeps_29_february_in_a_short_year():
    assert add_years(date(2024, 2, 29), 10) == date(2034, 2, 28)
    assert add_years(date(2024, 2, 29), -4) == date(2020, 2, 29)


def test_a_case_is_kept_ten_years_or_to_pension_age_whichever_is_later(la, officer):
    with freeze_time("2026-03-02 10:00"):
        case = ConcludedCaseFactory(local_authority=la, officer=officer, category="substantiated")
    young, old = date(1984, 3, 14), date(1950, 6, 1)
    assert case_retention(case, young).retention_date == date(2051, 3, 14)  # 67th birthday
    assert case_retention(case, old).retention_date == date(2036, 3, 2)  # ten years from the referral
    assert case_retention(case, None).retention_date == date(2036, 3, 2)  # no date of birth: the years only
    assert case_retention(case, young).rule.key == "substantiated"
    open_case = EvaluatedCaseFactory(local_authority=la, officer=officer)
    assert case_retention(open_case, young).retention_date is None


# --- legal hold, the review list and disposal ----------------------------------------------------------------
def _old_case(la, officer, category="unsubstantiated", entry=None, year=2012):
    with freeze_time(f"{year}-05-08 10:00"):
        return ConcludedCaseFactory(local_authority=la, officer=officer, category=category, entry=entry,
                                    data=dict(OLD_DOB), children=[{"first_names": "Ella", "surname": "Price",
                                                                   "date_of_birth": date(2003, 5, 2)}])


def test_the_review_lists_what_is_past_its_date_and_a_hold_stops_the_disposal(la, officer, manager):
    old = _old_case(la, officer)
    recent = ConcludedCaseFactory(local_authority=la, officer=officer, data={"subject_surname": "Recent"})
    EvaluatedCaseFactory(local_authority=la, officer=officer, data={"subject_surname": "Open"})
    review = retention_review([la.pk])
    assert [r.entry for r in review.rows] == [old.subject] and review.rows[0].retention_date == date(2022, 5, 8)
    assert recent.subject not in [r.entry for r in review.rows]

    hold = services.legal_hold_place(actor=officer, record=old, reason="A civil claim against the school")
    state = entry_retention(old.subject)
    assert state.on_hold and not state.disposable
    with pytest.raises(ValidationError, match="legal hold is in force"):
        services.entry_dispose(actor=manager, entry=old.subject, reason="Past retention", confirm=True)
    with pytest.raises(ValidationError, match="You cannot"):  # only the LADO manager releases
        services.legal_hold_release(actor=officer, hold=hold, reason="Settled")
    with pytest.raises(ValidationError) as refused:
        services.legal_hold_release(actor=manager, hold=hold, reason="")
    assert "release_reason" in refused.value.message_dict
    hold = services.legal_hold_release(actor=manager, hold=hold, reason="The claim was settled in 2025")
    assert not hold.in_force and hold.released_by == manager
    assert services.legal_hold_release(actor=manager, hold=hold, reason="Again").release_reason == \
        "The claim was settled in 2025"
    assert CaseEvent.objects.filter(code__startswith="lado.legal_hold").count() == 2
    assert entry_retention(old.subject).disposable


def test_disposal_is_refused_before_the_date_for_an_open_case_without_confirmation_and_to_the_officer(
        la, officer, manager):
    recent = ConcludedCaseFactory(local_authority=la, officer=officer, data=dict(OLD_DOB))
    with pytest.raises(ValidationError, match="retention date has not passed"):
        services.entry_dispose(actor=manager, entry=recent.subject, reason="Tidy", confirm=True)
    old = _old_case(la, officer)
    EvaluatedCaseFactory(local_authority=la, officer=officer, entry=old.subject, data=dict(OLD_DOB))
    with pytest.raises(ValidationError, match="not closed"):
        services.entry_dispose(actor=manager, entry=old.subject, reason="Tidy", confirm=True)
    other = _old_case(la, officer, year=2011)
    with pytest.raises(ValidationError, match="You cannot"):
        services.entry_dispose(actor=officer, entry=other.subject, reason="Tidy", confirm=True)
    with pytest.raises(ValidationError) as refused:
        services.entry_dispose(actor=manager, entry=other.subject, reason="", confirm=False)
    assert set(refused.value.message_dict) == {"reason", "confirm"}
    assert not Disposal.objects.exists()


def test_disposal_redacts_the_person_everywhere_and_deletes_nothing(la, officer, manager, tmp_path, settings):
    settings.UPLOAD_ROOT = str(tmp_path)
    first = _old_case(la, officer, year=2011)
    second = _old_case(la, officer, category="malicious", entry=first.subject, year=2012)
    services.referral_share(actor=officer, referral=second.referral, text="Gareth Pemberton may return to work.")
    from tests.uploads.conftest import named, pdf_bytes
    upload = services.evidence_add(actor=officer, owner=first, file=named(pdf_bytes(), "Pemberton notes.pdf"))
    from lado.models import ParallelProcess

    process = ParallelProcess.objects.create(case=first, kind="police", status="concluded", lead="DC Pemberton-Hale",
                                             reference="CR/2011/1", started_on=date(2011, 6, 1),
                                             ended_on=date(2011, 9, 1), outcome="No further action for Pemberton")
    counts = {m: m.objects.count() for m in (PersonIndexEntry, LadoCase, Referral, ReferralChild, SharedUpdate,
                                              Upload, ParallelProcess)}
    entry = first.subject

    disposal = services.entry_dispose(actor=manager, entry=entry, reason="Past retention; no hold", confirm=True)
    assert {m: m.objects.count() for m in counts} == counts  # nothing deleted
    entry.refresh_from_db()
    assert (entry.first_names, entry.surname, entry.date_of_birth) == ("[disposed]", "[disposed]", None)
    for referral in Referral.objects.filter(pk__in=[first.referral_id, second.referral_id]):
        assert referral.subject_surname == "[disposed]" and referral.allegation == "[disposed]"
        assert referral.subject_date_of_birth is None and referral.reference.startswith("LADO-")
    assert not ReferralChild.objects.filter(referral__in=[first.referral_id, second.referral_id],
                                            first_names="Ella").exists()
    assert SharedUpdate.objects.get(referral=second.referral).text == "[disposed]"
    process.refresh_from_db()  # the parallel processes too (ADR 21)
    assert (process.lead, process.reference, process.outcome) == ("[disposed]", "", "")
    # the history keeps its rows (who, when, why) without the personal fields
    assert Referral.history.filter(id=first.referral_id).exists()
    assert not Referral.history.filter(subject_surname="Pemberton").exists()
    assert not PersonIndexEntry.history.filter(surname="Pemberton").exists()
    assert entry.history.first().history_change_reason.startswith("Disposed of under the retention policy")
    # the outcome category, the dates and the references stay for the figures
    assert LadoCase.objects.get(pk=second.pk).outcome.category == "malicious"
    upload.refresh_from_db()
    assert upload.withdrawn and upload.withdrawal_reason == "Disposed of under the LADO retention policy"
    assert (disposal.disposed_by, disposal.retention_date) == (manager, date(2022, 5, 8))
    assert [c["reference"] for c in disposal.cases] == [first.reference, second.reference]
    assert CaseEvent.objects.filter(code="lado.disposed").count() == 3  # the entry and each case
    with pytest.raises(ValidationError, match="disposed of already"):
        services.entry_dispose(actor=manager, entry=entry, reason="Again", confirm=True)
    assert retention_review([la.pk]).rows == []


# --- the personnel record -------------------------------------------------------------------------------------
def test_the_lado_records_telling_the_employer_to_remove_a_malicious_allegation(la, officer):
    malicious = ConcludedCaseFactory(local_authority=la, officer=officer, category="malicious")
    advice = services.personnel_advice_record(actor=officer, case=malicious, told_on=date.today(),
                                              told_whom="The head teacher", note="By letter")
    assert advice.told_whom == "The head teacher"
    assert CaseEvent.objects.get(code="lado.personnel_advice").payload["outcome"] == "malicious"
    with pytest.raises(ValidationError, match="recorded already"):
        services.personnel_advice_record(actor=officer, case=malicious, told_on=date.today(), told_whom="Again")
    kept = ConcludedCaseFactory(local_authority=la, officer=officer, category="substantiated",
                                data={"subject_surname": "Kept"})
    with pytest.raises(ValidationError, match="false or malicious"):
        services.personnel_advice_record(actor=officer, case=kept, told_on=date.today(), told_whom="HR")


# --- evidence shared with the people invited into a case -----------------------------------------------------
def test_the_lado_shares_a_file_with_an_invited_police_officer_only(la, officer, tmp_path, settings):
    settings.UPLOAD_ROOT = str(tmp_path)
    from tests.uploads.conftest import named, pdf_bytes

    referrer = RegisteredReferrerFactory(local_authority=la)
    case = EvaluatedCaseFactory(local_authority=la, officer=officer, referrer=referrer)
    police, other = (make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER) for _ in "ab")
    invitation = services.case_invite(actor=officer, case=case, user=police, kind="police")
    from_school = services.evidence_add(actor=referrer, owner=case.referral, file=named(pdf_bytes(), "a.pdf"))
    ours = services.evidence_add(actor=officer, owner=case, file=named(pdf_bytes(), "b.pdf"))
    shares = services.evidence_share(actor=officer, case=case, uploads=[from_school, ours], invitations=[invitation])
    assert len(shares) == 2
    assert services.evidence_share(actor=officer, case=case, uploads=[ours], invitations=[invitation]) == []
    ctx = AccessContext.for_user(police)
    assert set(shared_evidence_policy.shared_with(ctx, case)) == {from_school, ours}
    assert not shared_evidence_policy.shared_with(AccessContext.for_user(other), case).exists()
    with pytest.raises(ValidationError, match="You cannot"):
        services.evidence_share(actor=police, case=case, uploads=[ours], invitations=[invitation])
    elsewhere = EvaluatedCaseFactory(local_authority=la, officer=officer, data={"subject_surname": "Else"})
    with pytest.raises(ValidationError) as refused:  # a file of another case, an invitation of another case
        services.evidence_share(actor=officer, case=elsewhere, uploads=[ours], invitations=[invitation])
    assert set(refused.value.message_dict) == {"uploads", "invitations"}

    services.evidence_unshare(actor=officer, share=next(s for s in shares if s.upload == ours),
                              reason="Sent by mistake")
    assert list(shared_evidence_policy.shared_with(AccessContext.for_user(police), case)) == [from_school]
    services.invitation_end(actor=officer, invitation=invitation)
    assert not shared_evidence_policy.shared_with(AccessContext.for_user(police), case).exists()
    assert EvidenceShare.objects.count() == 2 and LegalHold.objects.count() == 0
