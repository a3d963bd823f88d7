import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_key() -> str:
    """A key for an email that needs no other idempotency (its writer links to it instead)."""
    return f"uuid:{uuid.uuid4()}"


class OutboxEmail(models.Model):
    """The one email outbox (ADR 8). Every email the hub sends is a row here, written in the transaction
    that decided to send it, and sent by ``safeguarding.notify.outbox.outbox_send`` (the
    ``notify.deliver_emails`` task every minute, and right after the commit of the request that wrote
    it). A row is sent at most once: it is claimed with ``FOR UPDATE SKIP LOCKED`` and marked sent in
    the transaction of the send. A failed attempt waits a growing back-off; after ``MAX_ATTEMPTS`` the
    row is failed, for good, and shown in the admin.

    Rows carry no names (ADR 5, ADR 7): only what the writer put in the subject, body and attachments."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: no attempts left"
        CANCELLED = "cancelled", "Not sent: the person no longer takes email"

    key = models.CharField(max_length=200, default=new_key,  # unique: Meta.constraints (no LIKE index)
                           help_text="One email per key: a writer that may run twice gives the same key")
    topic = models.CharField(max_length=60, help_text="What kind of email, e.g. notification, digest, "
                                                      "conferences.invitation")
    group = models.CharField(max_length=100, blank=True,
                             help_text="What it is about, e.g. conference:12: to send one thing's emails at once")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+",
                                  help_text="A person with an account: checked again at sending (active, not a "
                                            "machine, has an address)")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    attachments = models.JSONField(default=list, blank=True,
                                   help_text="[{filename, mimetype, content, base64}]: content is text unless base64")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True,
                                           help_text="Not tried again before this time (empty: due at once)")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(status="pending"), name="outbox_email_pending"),
            models.Index(fields=["topic", "group"], condition=Q(status="pending"), name="outbox_email_pending_group"),
            models.Index(fields=["status", "created_at"], name="outbox_email_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_email_sent_at"),
            models.UniqueConstraint(fields=["key"], name="outbox_email_key_unique"),
        ]

    def __str__(self):
        return f"{self.topic} to {self.to} ({self.get_status_display()})"


class Notification(models.Model):
    # no index of its own: (recipient, read_at) below serves lookups by recipient
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications",
                                  db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A link inside the hub")
    # what it is about (ADR 26): the pages name it ("Alex Smith", "LADO case L-2026-0004"); emails never do
    subject_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.BigIntegerField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_pending = models.BooleanField(default=False, help_text="To be emailed (at once or in the digest)")
    emailed_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(OutboxEmail, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="notifications",
                              help_text="The outbox email that carries it: its own, or the daily digest")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient"], condition=models.Q(email_pending=True, emailed_at__isnull=True),
                         name="notification_email_outbox"),
        ]

    def __str__(self):
        return f"To {self.recipient}: {self.subject}"


class DeliveryPreference(models.Model):
    """How a person wants their notification emails: each at once, or one daily digest."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Send each notification by email straight away"
        DIGEST = "digest", "Send one email a day with everything new"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delivery_preference")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    def __str__(self):
        return f"{self.user}: {self.get_delivery_display()}"
