"""An uploaded file: where it is kept, what it really is, and where its virus scan stands.

The bytes live under ``settings.UPLOAD_ROOT`` (never a served directory) under a random name; the
record holds the rest. Nothing is deleted: an upload is *withdrawn* with a reason and kept, and every
change is in its history (django-simple-history), every read in the view log (``audit.RecordView``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import NotDeletable

NOT_DELETABLE = "Uploads are never deleted: withdraw them with a reason."


class ScanStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a virus scan"
    CLEAN = "clean", "No virus found"
    INFECTED = "infected", "Virus found"
    FAILED = "failed", "Virus scan failed"


# The scans still to do (the sweep's index): pending, or failed with attempts left.
TO_SCAN = Q(scan_status__in=[ScanStatus.PENDING, ScanStatus.FAILED])


class UploadQuerySet(models.QuerySet):
    def live(self):
        """The uploads not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def of(self, owner: models.Model):
        """The uploads attached to ``owner`` (any model instance)."""
        return self.filter(owner_type=ContentType.objects.get_for_model(owner, for_concrete_model=True),
                           owner_id=owner.pk)

    def delete(self):
        raise NotDeletable(NOT_DELETABLE)


class Upload(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # what it belongs to: a record of any app (the kernel knows none of them)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.BigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    purpose = models.CharField(max_length=60, help_text="What it was uploaded for (safeguarding.uploads.types).")
    description = models.CharField(max_length=500, blank=True)
    # what the uploader called it: shown to people who may see the record, never used as a path
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, help_text="Found in the file's bytes, not what the browser said.")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_attempts = models.PositiveIntegerField(default=0)
    scan_next_attempt_at = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True, help_text="What ClamAV found.")
    scan_error = models.TextField(blank=True, help_text="Why the last scan gave no answer.")

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "uploaded_at"], name="upload_owner_idx"),
            models.Index(fields=["scan_next_attempt_at", "uploaded_at"], condition=TO_SCAN, name="upload_to_scan_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=0), name="upload_size_not_negative"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""), name="upload_withdrawn_with_reason"),
        ]

    def __str__(self):
        return f"Upload {self.public_id} ({self.content_type}, {self.scan_status})"

    def delete(self, *args, **kwargs):
        raise NotDeletable(NOT_DELETABLE)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def reference(self) -> str:
        """A short reference for people (notifications, the quarantine page): no file name, no owner."""
        return str(self.public_id)[:8].upper()
