from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import events
from .models import CaseEvent, RecordView


def record_event(code: str, *, actor, subject: models.Model, payload: dict | None = None) -> CaseEvent:
    """Append a coded event. Unknown codes are a programming error."""
    if not events.is_registered(code):
        raise ValueError(f"Unregistered event code {code!r}: declare it in the app's events.py")
    return CaseEvent.objects.create(
        code=code,
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
        subject_id=subject.pk,
        payload=payload or {},
    )


def record_view(*, user, record: models.Model, via: str, what: str = "", break_glass: bool = False) -> RecordView:
    return RecordView.objects.create(
        user=user,
        record_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
        record_id=record.pk,
        via=via,
        what=what[:120],
        break_glass=break_glass,
    )


def record_views(*, user, records, via: str, what: str = "") -> int:
    """Log one view per record of a list that shows whole records: one statement (a single multi-row
    insert, in one batch however long the page), none for an empty list."""
    types: dict[type, ContentType] = {}
    rows = []
    for r in records:
        kind = type(r)
        if kind not in types:
            types[kind] = ContentType.objects.get_for_model(r, for_concrete_model=True)
        rows.append(RecordView(user=user, record_type=types[kind], record_id=r.pk, via=via, what=what[:120]))
    if rows:
        RecordView.objects.bulk_create(rows, batch_size=len(rows))
    return len(rows)
