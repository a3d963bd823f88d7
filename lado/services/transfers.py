"""Cross-border: a case notified to another authority's LADO (it stays open here) or transferred to them (it is
closed here, without an outcome of ours: ``lado_resolution`` is cancelled with the reason, and the retention rule
is "transferred"); and the other LADO's acknowledgement."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import LadoCase, Transfer
from ..policies import transfer_policy
from ._common import _ctx, _past, _require, _text
from .casework import _lock_case, _move

Kind, Ground = Transfer.Kind, Transfer.Ground


@transaction.atomic
def transfer_record(*, actor: User, case: LadoCase, kind: str, grounds: list[str], authority: str,
                    contact_name: str, sent_on: date | None, what_was_sent: str, contact_email: str = "",
                    contact_phone: str = "") -> Transfer:
    """Record that the case was notified or transferred to another authority's LADO. A transfer closes the case
    here (on the day it was sent) and cancels its resolution clock; a notification leaves it as it is. Only a
    case that is not closed may be notified or transferred."""
    case = _lock_case(case)
    _require(transfer_policy.can_record(_ctx(actor), case), "notify or transfer this case")
    if case.status == LadoCase.Status.CLOSED:
        raise ValidationError("This case is closed")
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Select whether the case is transferred or the other LADO is told"
    grounds = [g for g in dict.fromkeys(grounds or []) if g]
    if not grounds or any(g not in Ground.values for g in grounds):
        errors["grounds"] = "Select what lies in the other authority"
    data = {"authority": authority, "contact_name": contact_name, "what_was_sent": what_was_sent,
            "contact_email": contact_email, "contact_phone": contact_phone}
    authority = _text(data, "authority", "the other local authority", errors, limit=200)
    contact_name = _text(data, "contact_name", "the name of their LADO", errors, limit=200)
    what_was_sent = _text(data, "what_was_sent", "what was sent to them", errors)
    contact_email = _text(data, "contact_email", "their email address", errors, required=False, limit=254)
    contact_phone = _text(data, "contact_phone", "their telephone number", errors, required=False, limit=40)
    _past(sent_on, "sent_on", "the date it was sent", errors)
    if sent_on and "sent_on" not in errors and sent_on < timezone.localdate(case.referral.received_at):
        errors["sent_on"] = "The date it was sent cannot be before the referral was received"
    if errors:
        raise ValidationError(errors)
    transfer = Transfer(case=case, kind=kind, grounds=grounds, authority=authority, contact_name=contact_name,
                        contact_email=contact_email, contact_phone=contact_phone, sent_on=sent_on,
                        what_was_sent=what_was_sent, created_by=actor)
    stamp(transfer, actor, transfer.get_kind_display())
    transfer.save()
    if kind == Kind.TRANSFER:
        clock.deadlines_cancel_open(subject=case, reason=f"Transferred to {authority}'s LADO", actor=actor,
                                    rule_keys=("lado_resolution",))
        case.officer = case.officer or actor
        _move(case, LadoCase.Status.CLOSED, actor, f"Transferred to {authority}'s LADO", closed_on=sent_on)
    record_event(events.TRANSFER_RECORDED, actor=actor, subject=case, payload={
        "transfer": transfer.pk, "kind": kind, "grounds": grounds, "authority": authority})
    return transfer


@transaction.atomic
def transfer_acknowledge(*, actor: User, transfer: Transfer, acknowledged_on: date | None, by_whom: str,
                         note: str = "") -> Transfer:
    """Record the other LADO's acknowledgement (once: a second changes nothing)."""
    transfer = Transfer.objects.select_for_update().select_related("case__referral").get(pk=transfer.pk)
    _require(transfer_policy.can_record(_ctx(actor), transfer.case), "record the acknowledgement")
    if transfer.acknowledged_on is not None:
        return transfer
    errors: dict[str, str] = {}
    by_whom = _text({"by_whom": by_whom}, "by_whom", "who acknowledged it", errors, limit=200)
    _past(acknowledged_on, "acknowledged_on", "the date it was acknowledged", errors)
    if acknowledged_on and "acknowledged_on" not in errors and acknowledged_on < transfer.sent_on:
        errors["acknowledged_on"] = "The acknowledgement cannot be before it was sent"
    if errors:
        raise ValidationError(errors)
    transfer.acknowledged_on, transfer.acknowledged_by_whom = acknowledged_on, by_whom
    transfer.acknowledgement_note = (note or "").strip()
    stamp(transfer, actor, "Acknowledged by the other authority's LADO")
    transfer.save(update_fields=["acknowledged_on", "acknowledged_by_whom", "acknowledgement_note"])
    record_event(events.TRANSFER_ACKNOWLEDGED, actor=actor, subject=transfer.case,
                 payload={"transfer": transfer.pk, "on": acknowledged_on.isoformat()})
    return transfer
