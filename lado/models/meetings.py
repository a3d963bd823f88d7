"""Allegations management meetings (strategy discussions), review meetings and outcome meetings of a case,
who is invited (the LADO, the employer, the police, children's social care, the regulator...) and who came."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from .casework import LadoCase
from .referrals import LIVE


class Meeting(CaseRecord):
    """One meeting about a case. ``ics_sequence`` is the calendar revision (RFC 5545 SEQUENCE): it rises when the
    time or the place changes after invitations went out, and for the cancellation."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Allegations management meeting or strategy discussion"
        REVIEW = "review", "Review meeting"
        OUTCOME = "outcome", "Outcome meeting"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.CharField(max_length=500, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, help_text="What the meeting decided (its minutes come with the renderer)")
    cancelled_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], condition=LIVE & Q(status="booked"), name="lado_meeting_booked")]
        constraints = [
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="lado_meeting_has_a_place"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                                   name="lado_meeting_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.starts_at:%-d %B %Y}"


class MeetingInvitee(CaseRecord):
    """One person invited to a meeting: an account (``user``) or anyone by name and address (the employer's
    case manager). ``withdrawn_at``: no longer invited (their calendar entry is cancelled)."""

    class Role(models.TextChoices):
        LADO = "lado", "LADO"
        EMPLOYER = "employer", "Employer"
        POLICE = "police", "Police"
        CSC = "csc", "Children's social care"
        REGULATOR = "regulator", "Regulator"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitees")
    role = models.CharField(max_length=10, choices=Role.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    attended = models.BooleanField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(F("meeting"), Lower("email"),
                                               condition=Q(withdrawn_at__isnull=True, entered_in_error_at__isnull=True),
                                               name="lado_invitee_once")]

    def __str__(self):
        return f"{self.get_role_display()} invited to {self.meeting_id}"
