from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A link inside the hub")
    read_at = models.DateTimeField(null=True, blank=True)
    email_pending = models.BooleanField(default=False, help_text="To be emailed (at once or in the digest)")
    emailed_at = models.DateTimeField(null=True, blank=True)

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
