from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class BreakGlassQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Break-glass records are kept.")


class BreakGlass(models.Model):
    """A person opened a restricted record they are not named on, with a reason. Time-boxed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.BigIntegerField()
    record = GenericForeignKey("record_type", "record_id")
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id", "user", "expires_at"])]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="break_glass_has_reason")]

    def __str__(self):
        return f"{self.user} broke the glass at {self.at:%Y-%m-%d %H:%M}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Break-glass records are kept.")
