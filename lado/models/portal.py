"""The referral portal's accounts: people who refer to the LADO without being partner-agency users."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import NotDeletable

from ..codes import ReferrerRole, Sector


class Referrer(models.Model):
    """A portal account: the person's organisation and role in it, the LADO service they registered with,
    and whether the LADO team has suspended it. The account itself is a ``User`` without a membership of
    any agency: it reaches nothing in the hub but its own referrals."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lado_referrer")
    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                        help_text="The LADO service the referrer registered with")
    organisation = models.CharField(max_length=200)
    sector = models.CharField(max_length=24, choices=Sector.choices)
    role = models.CharField(max_length=24, choices=ReferrerRole.choices)
    role_other = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    verified_at = models.DateTimeField(help_text="When the email address was verified (the account's creation)")
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    suspension_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "id"]
        indexes = [models.Index(fields=["local_authority", "organisation"])]
        constraints = [models.CheckConstraint(
            condition=Q(suspended_at__isnull=True) | ~Q(suspension_reason=""), name="referrer_suspension_reason")]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def role_label(self) -> str:
        return self.role_other if self.role == ReferrerRole.OTHER and self.role_other else self.get_role_display()

    def delete(self, *args, **kwargs):
        raise NotDeletable("Portal accounts are suspended, never deleted.")


class Registration(models.Model):
    """A request to register, waiting for its email address to be verified: the link in the email (its
    token shown once, only its SHA-256 kept) opens the page that chooses a password and makes the account."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=200)
    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField(max_length=200)
    sector = models.CharField(max_length=24, choices=Sector.choices)
    role = models.CharField(max_length=24, choices=ReferrerRole.choices)
    role_other = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True, help_text="A newer request for the same address")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], condition=Q(completed_at__isnull=True, replaced_at__isnull=True),
                                name="lado_registration_pending")]

    def __str__(self):
        return f"Registration of {self.email}"

    def delete(self, *args, **kwargs):
        raise NotDeletable("Registrations are kept.")
