import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguarding.accounts.models import NotDeletable

NOT_DELETABLE = "Case records are never deleted: close them or mark them entered in error."


class CaseRecordQuerySet(models.QuerySet):
    def live(self):
        """The records not entered in error."""
        return self.filter(entered_in_error_at__isnull=True)

    def delete(self):
        raise NotDeletable(NOT_DELETABLE)


class CaseRecord(models.Model):
    """Common fields of every case record: public id, who created it, and 'entered in error'."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    entered_in_error_reason = models.TextField(blank=True, editable=False)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None

    def delete(self, *args, **kwargs):
        raise NotDeletable(NOT_DELETABLE)


def stamp(obj: models.Model, actor, reason: str = "") -> None:
    """Tell django-simple-history who is changing ``obj`` and why (before ``save()``)."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
