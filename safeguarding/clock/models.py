"""Deadlines tie any record to a statutory rule; a ledger makes every reminder go out once."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class LocalClosureDay(models.Model):
    """A day the local authority's services are closed (beyond weekends and bank holidays)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.name}"


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET_ON_TIME = "met_on_time", "Met on time"
        MET_LATE = "met_late", "Met late"
        OVERDUE = "overdue", "Overdue"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.OVERDUE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rule_key = models.CharField(max_length=60, db_index=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    label = models.CharField(max_length=300, help_text="What this deadline is for, as people read it")
    anchor_date = models.DateField()
    due_date = models.DateField()
    met_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    responsible_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    late_reason = models.TextField(blank=True)
    late_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    computation = models.JSONField(
        default=dict, blank=True,
        help_text="The rule as applied (amount, unit, direction, overridden) and the holidays package version",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["responsible_person", "status", "due_date"]),
            models.Index(fields=["responsible_team", "status", "due_date"]),
            # The managers' timeliness figures (clock.selectors.timeliness): a period's deadlines of an
            # authority's teams, team by team by due date, counted from the index alone.
            models.Index(fields=["responsible_team", "due_date"], include=["rule_key", "status", "id"],
                         name="deadline_team_due"),
            models.Index(fields=["subject_type", "subject_id"]),
            # The reminder sweep's candidates (clock.reminders: one INSERT … SELECT per stage): open deadlines by
            # due date, read from the index alone (the id, and the day opened for the due-soon bands).
            models.Index(fields=["due_date"], include=["id", "created_at"], condition=Q(status__in=["open", "overdue"]),
                         name="deadline_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(met_on__isnull=True) | Q(status__in=["met_on_time", "met_late"]),
                name="deadline_met_on_only_when_met",
            ),
        ]

    def __str__(self):
        return f"{self.label} due {self.due_date:%d %b %Y}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Deadlines are cancelled with a reason, never deleted.")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    ESCALATED = "escalated", "Overdue: escalated to the manager"


class ReminderClaim(models.Model):
    """The ledger: one row per (deadline, due date, stage), claimed before sending and marked sent after.

    The due date is part of the key so that a deadline moved to a later date (an anchor corrected, a
    rule changed) is reminded again for its new date, and never twice for the same one.

    The unique constraint is the once-only guarantee; a claim never marked sent (its worker died) is
    retried once its lease has run out.
    """

    # no index of its own: the unique constraint's index (deadline, due_date, stage) serves lookups by deadline
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders", db_index=False)
    due_date = models.DateField(help_text="The deadline's due date when this reminder was claimed")
    stage = models.CharField(max_length=24, help_text="e.g. due_soon:5, due_today, overdue, escalated:3")
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "due_date", "stage"], name="reminder_once_per_stage")
        ]
        indexes = [models.Index(fields=["sent_at", "claimed_at"], condition=Q(sent_at__isnull=True),
                                name="reminder_unsent")]

    def __str__(self):
        return f"{self.stage} for deadline {self.deadline_id}"


class SweepRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    claimed = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    retried = models.PositiveIntegerField(default=0)
    marked_overdue = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["-finished_at"])]

    def __str__(self):
        return f"sweep at {self.started_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A person's calendar (ICS) feed of their deadlines, at a secret, revocable URL.

    The URL carries a long random token, shown once; only its SHA-256 hash is stored. Replacing the
    link gives the row a new hash (the old URL stops working); revoking it sets ``revoked_at``.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    def __str__(self):
        state = f"revoked {self.revoked_at:%d %b %Y}" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
