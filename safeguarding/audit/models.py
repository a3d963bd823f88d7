"""The CaseEvent log (coded events written by services) and the view log ("who looked")."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk deletes bypass Model.delete(); refuse them too."""

    def delete(self):
        raise PermissionError(f"The {self.model._meta.verbose_name} log is append-only.")


class CaseEvent(models.Model):
    code = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]

    def __str__(self):
        return f"{self.code} on {self.subject_type.model} {self.subject_id}"

    @property
    def description(self) -> str:
        from .events import describe

        return describe(self.code)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class RecordView(models.Model):
    """One read of a protected record (a child, a LADO case, a restricted record)."""

    class Via(models.TextChoices):
        PAGE = "page", "Web page"
        API = "api", "API"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.BigIntegerField()
    record = GenericForeignKey("record_type", "record_id")
    via = models.CharField(max_length=8, choices=Via.choices)
    what = models.CharField(max_length=120, blank=True, help_text="Which page or endpoint was read.")
    break_glass = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id", "-at"])]

    def __str__(self):
        return f"{self.user} read {self.record_type.model} {self.record_id} at {self.at:%Y-%m-%d %H:%M}"

    def delete(self, *args, **kwargs):
        raise PermissionError("The view log is append-only.")
