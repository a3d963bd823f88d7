"""Keeping the LADO's records under its retention policy (``lado.rules.retention_rules``; ADR 22):

- ``legal_hold_place`` / ``legal_hold_release``: a hold on a case or an index entry stops any disposal of it
  (and, for a case, of its subject's entry) until it is released with a reason;
- ``personnel_advice_record``: after a false or malicious outcome, that the LADO told the employer to remove
  the details from the personnel record (the employer's act);
- ``entry_dispose``: the LADO manager's confirmed disposal of an index entry and all its cases past their
  retention date. **Nothing is deleted** (the house rule): the personal fields of every row are redacted, in the
  rows and in their history (the history rows stay: who changed what and when, and why), the files are withdrawn
  (kept by the kernel, never served again), shares end, and a tombstone (``Disposal``) and events record who
  disposed of what, when, why and under which rules. Refused while anything is on hold, a case is not closed, or
  the retention date has not passed.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.records import stamp
from safeguarding.uploads.models import Upload
from safeguarding.uploads.services import upload_withdraw

from .. import events, rules
from ..models import (
    LIVE_SHARE,
    Consultation,
    Disposal,
    Evaluation,
    EvidenceShare,
    LadoCase,
    LegalHold,
    Meeting,
    MeetingAction,
    MeetingInvitee,
    MeetingMinutes,
    Outcome,
    ParallelProcess,
    PersonIndexEntry,
    PersonnelRecordAdvice,
    Referral,
    ReferralChild,
    SafetyDecision,
    SharedUpdate,
    Transfer,
)
from ..policies import retention_policy
from ..selectors.retention import entry_retention
from ._common import _ctx, _past, _require, _text

DISPOSED = "[disposed]"  # what a redacted name or text reads
WITHDRAWN_REASON = "Disposed of under the LADO retention policy"


def _unique_email():
    return Concat(Value("disposed-"), Cast("id", CharField()), Value("@invalid.invalid"))


# What is redacted, model by model: (model, which rows (entry id, case ids, referral ids), {field: value}). Every
# personal field of the LADO's records of one person. A new LADO model holding personal text adds a row here (and
# a test in tests/lado/test_retention.py).
REDACTIONS = [
    (PersonIndexEntry, lambda e, c, r: Q(pk=e), {
        "first_names": DISPOSED, "surname": DISPOSED, "other_names": "", "date_of_birth": None, "ni_number": "",
        "teacher_reference": "", "registration_number": "", "employer": "", "role": ""}),
    (Referral, lambda e, c, r: Q(pk__in=r), {
        "referrer_name": DISPOSED, "referrer_email": "", "referrer_phone": "", "setting_address": "",
        "subject_first_names": DISPOSED, "subject_surname": DISPOSED, "subject_other_names": "",
        "subject_date_of_birth": None, "subject_ni_number": "", "subject_teacher_reference": "",
        "subject_registration_number": "", "allegation": DISPOSED, "actions_taken": "", "late_reason": ""}),
    (ReferralChild, lambda e, c, r: Q(referral_id__in=r), {
        "first_names": "", "surname": DISPOSED, "date_of_birth": None, "age_or_year": "", "details": "",
        "child": None}),
    (SharedUpdate, lambda e, c, r: Q(referral_id__in=r), {"text": DISPOSED}),
    (Consultation, lambda e, c, r: Q(referral_id__in=r), {
        "caller_name": DISPOSED, "caller_role": "", "question": DISPOSED, "advice_given": DISPOSED}),
    (Evaluation, lambda e, c, r: Q(case_id__in=c), {"rationale": DISPOSED, "subject_informing_note": ""}),
    (SafetyDecision, lambda e, c, r: Q(case_id__in=c), {"details": DISPOSED}),
    (Outcome, lambda e, c, r: Q(case_id__in=c), {
        "rationale": DISPOSED, "subject_told": DISPOSED, "employer_told": DISPOSED, "family_told": ""}),
    (Meeting, lambda e, c, r: Q(case_id__in=c), {"notes": "", "cancelled_reason": ""}),
    (MeetingInvitee, lambda e, c, r: Q(meeting__case_id__in=c), {"name": DISPOSED, "email": _unique_email()}),
    (Transfer, lambda e, c, r: Q(case_id__in=c), {"what_was_sent": DISPOSED, "acknowledgement_note": ""}),
    (PersonnelRecordAdvice, lambda e, c, r: Q(case_id__in=c), {"note": ""}),
    # the meetings' minutes (their issued PDFs too), actions and the parallel processes (ADR 21)
    (MeetingMinutes, lambda e, c, r: Q(meeting__case_id__in=c), {
        "purpose": DISPOSED, "agency_information": "", "children_and_families": "", "discussion": DISPOSED,
        "employer_arrangements": "", "next_steps": ""}),
    (MeetingAction, lambda e, c, r: Q(meeting__case_id__in=c), {
        "description": DISPOSED, "owner_name": DISPOSED, "progress_note": ""}),
    (ParallelProcess, lambda e, c, r: Q(case_id__in=c), {
        "lead": DISPOSED, "reference": "", "outcome": "", "progress_note": ""}),
]
# the issued minutes' PDFs name everyone: emptied with the rows (the history keeps no PDFs)
PDF_REDACTIONS = [(MeetingMinutes, lambda e, c, r: Q(meeting__case_id__in=c),
                   {"full_pdf": None, "full_sha256": "", "employer_pdf": None, "employer_sha256": ""})]


# --- legal hold -------------------------------------------------------------------------------------------------
@transaction.atomic
def legal_hold_place(*, actor: User, record: LadoCase | PersonIndexEntry, reason: str) -> LegalHold:
    """Place a legal hold on a case or an index entry: nothing it touches is disposed of until it is released."""
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    _require(retention_policy.can_place_hold(_ctx(actor), record), "place a legal hold on this record")
    errors: dict[str, str] = {}
    reason = _text({"reason": reason}, "reason", "why the records must be kept", errors)
    if errors:
        raise ValidationError(errors)
    if isinstance(record, PersonIndexEntry) and hasattr(record, "disposal"):
        raise ValidationError("This entry has been disposed of")
    hold = LegalHold(local_authority_id=record.local_authority_id, reason=reason, created_by=actor,
                     **({"case": record} if isinstance(record, LadoCase) else {"entry": record}))
    stamp(hold, actor, "Legal hold placed")
    hold.save()
    record_event(events.HOLD_PLACED, actor=actor, subject=record, payload={"hold": hold.pk})
    return hold


@transaction.atomic
def legal_hold_release(*, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    """Release a hold (the LADO manager), with the reason. Releasing a released hold changes nothing."""
    hold = LegalHold.objects.select_for_update(of=("self",)).select_related("case", "entry").get(pk=hold.pk)
    if not hold.in_force:
        return hold
    _require(retention_policy.can_release_hold(_ctx(actor), hold), "release this legal hold")
    errors: dict[str, str] = {}
    reason = _text({"release_reason": reason}, "release_reason", "why the hold is released", errors)
    if errors:
        raise ValidationError(errors)
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), actor, reason
    stamp(hold, actor, f"Legal hold released: {reason}")
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    record_event(events.HOLD_RELEASED, actor=actor, subject=hold.case or hold.entry, payload={"hold": hold.pk})
    return hold


# --- the personnel record -------------------------------------------------------------------------------------
@transaction.atomic
def personnel_advice_record(*, actor: User, case: LadoCase, told_on: date | None, told_whom: str,
                            note: str = "") -> PersonnelRecordAdvice:
    """After a false or malicious outcome (a rule with ``employer_removes``): when and whom the LADO told to remove
    the allegation's details from the person's personnel record. Once per case."""
    case = LadoCase.objects.select_for_update(of=("self",)).select_related("referral").get(pk=case.pk)
    _require(retention_policy.can_advise_employer(_ctx(actor), case), "record advice on this case")
    outcome = Outcome.objects.filter(case=case).first()
    if case.status != LadoCase.Status.CLOSED or outcome is None or \
            not rules.retention_rules()[outcome.category].employer_removes:
        raise ValidationError("Only a false or malicious outcome is removed from the personnel record")
    if PersonnelRecordAdvice.objects.filter(case=case).exists():
        raise ValidationError("The advice to the employer has been recorded already")
    errors: dict[str, str] = {}
    told_whom = _text({"told_whom": told_whom}, "told_whom", "who at the employer was told", errors, limit=200)
    _past(told_on, "told_on", "the date they were told", errors)
    if told_on and "told_on" not in errors and told_on < outcome.decided_on:
        errors["told_on"] = "They cannot have been told before the outcome"
    if errors:
        raise ValidationError(errors)
    advice = PersonnelRecordAdvice(case=case, told_on=told_on, told_whom=told_whom, note=(note or "").strip(),
                                   created_by=actor)
    stamp(advice, actor, "Employer told to remove the allegation from the personnel record")
    advice.save()
    record_event(events.PERSONNEL_ADVICE, actor=actor, subject=case, payload={"advice": advice.pk,
                                                                              "outcome": outcome.category})
    return advice


# --- disposal ---------------------------------------------------------------------------------------------------
def _redact(model, where: Q, values: dict) -> int:
    """Redact ``values`` in the rows ``where`` picks and in every history row of those rows (kept: who, when, why)."""
    ids = list(model.objects.filter(where).values_list("pk", flat=True))
    if not ids:
        return 0
    model.objects.filter(pk__in=ids).update(**values)
    history = getattr(model, "history", None)
    if history is not None:
        history.model.objects.filter(id__in=ids).update(**values)
    return len(ids)


@transaction.atomic
def entry_dispose(*, actor: User, entry: PersonIndexEntry, reason: str, confirm: bool) -> Disposal:
    """Dispose of an index entry and every case about the person, past their retention date, as the LADO manager
    confirms (``confirm``). Refused while a hold is in force on the entry or any of its cases, while any case is
    not closed, or before the retention date. Redacts; deletes nothing."""
    entry = PersonIndexEntry.objects.select_for_update().get(pk=entry.pk)
    ctx = _ctx(actor)
    _require(retention_policy.can_dispose(ctx, entry), "dispose of this record")
    if Disposal.objects.filter(entry=entry).exists():
        raise ValidationError("This entry has been disposed of already")
    cases = list(LadoCase.objects.select_for_update(of=("self",)).filter(subject=entry).live()
                 .order_by("id"))
    state = entry_retention(entry)
    errors: dict[str, str] = {}
    if state.on_hold:
        errors["__all__"] = "A legal hold is in force on this person or one of their cases: nothing can be disposed " \
                            "of until it is released"
    elif state.open_cases:
        errors["__all__"] = "A case about this person is not closed"
    elif not state.past_retention:
        errors["__all__"] = "The retention date has not passed" + (
            f" (it is {state.retention_date:%-d %B %Y})" if state.retention_date else "")
    reason = _text({"reason": reason}, "reason", "why the record is disposed of", errors)
    if not confirm:
        errors["confirm"] = "Confirm that the personal details are to be removed"
    if errors:
        raise ValidationError(errors)
    case_ids = [c.pk for c in cases]
    referral_ids = [c.referral_id for c in cases]
    redacted = {}
    for model, rows, values in REDACTIONS:
        n = _redact(model, rows(entry.pk, case_ids, referral_ids), values)
        if n:
            redacted[model._meta.model_name] = n
    for model, rows, values in PDF_REDACTIONS:
        model.objects.filter(rows(entry.pk, case_ids, referral_ids)).update(**values)
    # the files: withdrawn (the kernel keeps them and never serves them again); shares end
    from django.contrib.contenttypes.models import ContentType

    owners = Q(owner_type=ContentType.objects.get_for_model(LadoCase), owner_id__in=case_ids) | Q(
        owner_type=ContentType.objects.get_for_model(Referral), owner_id__in=referral_ids)
    files = list(Upload.objects.filter(owners, withdrawn_at__isnull=True))
    for upload in files:
        upload_withdraw(actor=actor, upload=upload, reason=WITHDRAWN_REASON, allowed=True)
    EvidenceShare.objects.filter(LIVE_SHARE, case_id__in=case_ids).update(
        ended_at=timezone.now(), ended_by=actor, end_reason=WITHDRAWN_REASON)
    if files:
        redacted["upload (withdrawn)"] = len(files)
    disposal = Disposal.objects.create(
        entry=entry, local_authority_id=entry.local_authority_id, disposed_at=timezone.now(), disposed_by=actor,
        reason=reason, retention_date=state.retention_date, redacted=redacted,
        cases=[{"reference": c.case.reference, "rule": c.rule.key, "retention_date": c.retention_date.isoformat()}
               for c in state.cases])
    entry.refresh_from_db()
    stamp(entry, actor, f"Disposed of under the retention policy: {reason}")
    entry.save()
    for case in cases:
        case.refresh_from_db()
        stamp(case, actor, "Disposed of under the retention policy")
        case.save(update_fields=["status"])
        record_event(events.DISPOSED, actor=actor, subject=case, payload={"disposal": disposal.pk})
    record_event(events.DISPOSED, actor=actor, subject=entry, payload={
        "disposal": disposal.pk, "cases": [c["reference"] for c in disposal.cases], "redacted": redacted})
    return disposal
