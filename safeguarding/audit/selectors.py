from django.contrib.contenttypes.models import ContentType

from .models import CaseEvent, RecordView


def events_for(record, *, limit: int = 200):
    ct = ContentType.objects.get_for_model(record, for_concrete_model=True)
    return CaseEvent.objects.filter(subject_type=ct, subject_id=record.pk).select_related("actor")[:limit]


def views_of(record, *, limit: int = 500):
    ct = ContentType.objects.get_for_model(record, for_concrete_model=True)
    return RecordView.objects.filter(record_type=ct, record_id=record.pk).select_related("user")[:limit]
