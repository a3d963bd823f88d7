"""Referrals for a case review, their triage and the notifications sent about them (issue 12, section 1)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.services import identifier_clashes, validate_nhs_number, validate_upn
from safeguarding.accounts.models import Agency, AgencyKind
from safeguarding.audit.services import record_event
from safeguarding.records import stamp

from .. import events
from ..models import Notification, Referral, ReferredChild
from ..policies import referral_policy
from ._common import ctx_for, require

CARE_LEAVER_AGE_LIMIT = 25  # "up to and including the age of 24" (Cheshire East arrangements, section 16)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _clean_child(raw: dict, index: int, errors: dict) -> dict:
    key = f"children-{index}"
    first, surname = (raw.get("first_names") or "").strip(), (raw.get("surname") or "").strip()
    if not surname:
        errors[f"{key}-surname"] = "Enter the child's surname"
    out = {"first_names": first, "surname": surname, "date_of_birth": raw.get("date_of_birth"),
           "nhs_number": "", "upn": ""}
    for name, validator in (("nhs_number", validate_nhs_number), ("upn", validate_upn)):
        value = (raw.get(name) or "").strip()
        if value:
            try:
                out[name] = validator(value)
            except ValidationError as e:
                errors[f"{key}-{name}"] = e.messages[0]
    return out


def _match(child: dict) -> tuple[object | None, str]:
    """The existing record an identifier names exactly (any record: the match is never shown to the
    referrer, and a page shows the link only to people the child's policy lets open it)."""
    clashes = identifier_clashes(nhs_number=child["nhs_number"], upn=child["upn"])
    for name in ("nhs_number", "upn"):
        if name in clashes:
            return clashes[name], name
    return None, ""


@transaction.atomic
def referral_make(*, actor, referring_agency: Agency, local_authority: Agency, aware_on: date, what_happened: str,
                  children: list[dict], criteria_reason: str = "", kind: str = Referral.Kind.CASE_REVIEW) -> Referral:
    """Refer a case (or record another notification) for ``children`` (dicts of first_names, surname,
    date_of_birth, nhs_number, upn). Children are matched to existing records by identifier, never created."""
    ctx = ctx_for(actor)
    if referring_agency.pk not in referral_policy.referring_agencies_for(ctx):
        raise ValidationError({"referring_agency": "You can refer only for an agency you work in"})
    errors = {}
    if local_authority.kind != AgencyKind.LOCAL_AUTHORITY:
        errors["local_authority"] = "Choose the local authority where it happened"
    if kind not in Referral.Kind.values:
        errors["kind"] = "Choose what you are referring"
    if aware_on > timezone.localdate():
        errors["aware_on"] = "The day you became aware must be today or in the past"
    if not (what_happened or "").strip():
        errors["what_happened"] = "Say what happened"
    if not children:
        errors["children"] = "Name at least one child"
    cleaned = [_clean_child(raw, i, errors) for i, raw in enumerate(children)]
    if kind == Referral.Kind.CARE_LEAVER_DEATH:
        for i, child in enumerate(cleaned):
            born = child["date_of_birth"]
            if born is None:
                errors[f"children-{i}-date_of_birth"] = "Enter the care leaver's date of birth"
            elif _age_on(born, aware_on) >= CARE_LEAVER_AGE_LIMIT:
                errors[f"children-{i}-date_of_birth"] = "The partnership is notified of care leavers up to 25"
    if errors:
        raise ValidationError(errors)
    referral = Referral(kind=kind, local_authority=local_authority, referring_agency=referring_agency,
                        referred_by=actor, aware_on=aware_on, what_happened=what_happened.strip(),
                        criteria_reason=(criteria_reason or "").strip())
    stamp(referral, actor, "Referred")
    referral.save()
    for child in cleaned:
        record, matched_by = _match(child)
        row = ReferredChild(referral=referral, child=record, matched_by=matched_by, **child)
        stamp(row, actor, "Referred")
        row.save()
    record_event(events.REFERRAL_MADE, actor=actor, subject=referral,
                 payload={"kind": kind, "children": len(cleaned)})
    return referral


@transaction.atomic
def referral_triage(*, actor, referral: Referral, triage: str, rationale: str, la_aware_on: date | None = None):
    """Record the practice review group's triage. A serious incident opens the rapid review on its plan
    (from the day the agency became aware) and the national clocks (from the local authority's awareness,
    by default the same day)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    ctx = ctx_for(actor)
    require(referral_policy.can(ctx, "view", referral))
    if referral.triage != Referral.Triage.PENDING and (referral.triage, referral.triage_rationale) == (
            triage, (rationale or "").strip()):
        return referral
    if not referral_policy.can(ctx, "triage", referral):
        raise ValidationError({"triage": "This referral has been triaged already"})
    errors = {}
    if triage not in Referral.Triage.values or triage == Referral.Triage.PENDING:
        errors["triage"] = "Choose serious incident, learning review or no review"
    if not (rationale or "").strip():
        errors["rationale"] = "Give the practice review group's rationale"
    if la_aware_on is not None and (la_aware_on < referral.aware_on - _YEAR or la_aware_on > timezone.localdate()):
        errors["la_aware_on"] = "The day the local authority became aware must be a real day, not in the future"
    if errors:
        raise ValidationError(errors)
    referral.triage, referral.triage_rationale = triage, rationale.strip()
    referral.triaged_by, referral.triaged_at = actor, timezone.now()
    stamp(referral, actor, f"Triaged: {referral.get_triage_display()}")
    referral.save()
    record_event(events.REFERRAL_TRIAGED, actor=actor, subject=referral, payload={"triage": triage})
    if triage == Referral.Triage.SERIOUS_INCIDENT:
        from .rapid_review import rapid_review_open

        rapid_review_open(actor=actor, referral=referral, la_aware_on=la_aware_on or referral.aware_on)
    return referral


_YEAR = date(2001, 1, 1) - date(2000, 1, 1)


@transaction.atomic
def notification_record(*, actor, referral: Referral, to: str, sent_on: date, reference: str = "",
                        late_reason: str = "") -> Notification:
    """Record a notification sent about ``referral``. The National Panel's meets the notification clocks
    (the national rule and the plan's step) and starts the national rapid review clock where it is
    anchored to the notification."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    require(referral_policy.can(ctx_for(actor), "notify", referral))
    errors = {}
    if to not in Notification.To.values:
        errors["to"] = "Choose who was notified"
    if sent_on > timezone.localdate() or sent_on < referral.aware_on:
        errors["sent_on"] = "The notification was sent on or after the day of awareness, and not in the future"
    if to == Notification.To.NATIONAL_PANEL and not (reference or "").strip():
        errors["reference"] = "Enter the National Panel's reference"
    if errors:
        raise ValidationError(errors)
    existing = referral.notifications.filter(to=to).first()
    if existing and existing.sent_on == sent_on and existing.reference == reference.strip():
        return existing
    note = existing or Notification(referral=referral, to=to, recorded_by=actor)
    note.sent_on, note.reference = sent_on, reference.strip()
    stamp(note, actor, "Notification recorded")
    note.save()
    record_event(events.NOTIFICATION_RECORDED, actor=actor, subject=referral, payload={"to": to})
    review = getattr(referral, "rapid_review", None) if to == Notification.To.NATIONAL_PANEL else None
    if review is not None:
        from .rapid_review import notified_to_panel

        notified_to_panel(actor=actor, review=review, sent_on=sent_on, late_reason=late_reason)
    return note


__all__ = ["notification_record", "referral_make", "referral_triage"]
