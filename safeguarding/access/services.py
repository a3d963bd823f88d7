from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.audit.services import record_event

from .models import BreakGlass


@transaction.atomic
def break_glass_open(*, user, record, reason: str) -> BreakGlass:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Explain why you need to see this record (at least 10 characters)"})
    now = timezone.now()
    bg = BreakGlass.objects.create(
        user=user,
        record_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
        record_id=record.pk,
        reason=reason,
        at=now,
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    record_event("access.break_glass", actor=user, subject=record, payload={"reason": reason})
    return bg


def break_glass_record_ids(model, user_id, now=None) -> QuerySet:
    """The ids of the ``model`` records ``user_id`` holds a break-glass on that has not expired by ``now``
    (default: now; a policy passes its context's moment) as an id set to use as ``pk IN (...)``; served by
    the index on the break-glass's user."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return BreakGlass.objects.filter(record_type=ct, user_id=user_id,
                                     expires_at__gt=now or timezone.now()).values("record_id")


def break_glass_active_q(model, user_id, *, outer="pk") -> Q:
    """A Q on ``model`` true where ``user_id`` holds an unexpired break-glass on the row."""
    if user_id is None:
        return Q(pk__in=[])
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return Q(
        Exists(
            BreakGlass.objects.filter(
                record_type=ct, record_id=OuterRef(outer), user_id=user_id, expires_at__gt=timezone.now()
            )
        )
    )
