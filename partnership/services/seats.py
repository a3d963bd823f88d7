"""Seats in the partnership: who is a partner's delegate or an agency's safeguarding lead."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import Agency
from safeguarding.audit.services import record_event
from safeguarding.records import stamp

from .. import events
from ..models import PartnershipSeat
from ..policies import is_business_unit
from ._common import ctx_for


@transaction.atomic
def seat_give(*, actor, user, agency: Agency, kind: str) -> PartnershipSeat:
    """The business unit names a partner's delegate (a statutory partner only) or an agency's lead."""
    if not is_business_unit(ctx_for(actor)):
        raise ValidationError({"user": "Only the partnership business unit names delegates and leads"})
    if kind not in PartnershipSeat.Kind.values:
        raise ValidationError({"kind": "Choose delegate or lead"})
    if kind == PartnershipSeat.Kind.PARTNER_DELEGATE and not agency.statutory_partner:
        raise ValidationError({"agency": "Only a statutory safeguarding partner has delegates"})
    if not user.memberships.filter(agency=agency, is_active=True).exists():
        raise ValidationError({"user": "The person must work in that agency"})
    seat = PartnershipSeat.objects.select_for_update().filter(user=user, agency=agency, kind=kind).first()
    if seat and seat.is_active:
        return seat
    seat = seat or PartnershipSeat(user=user, agency=agency, kind=kind)
    seat.is_active = True
    stamp(seat, actor, "Seat given")
    seat.save()
    record_event(events.SEAT_GIVEN, actor=actor, subject=seat, payload={"kind": kind})
    return seat
