"""Cross-border: when the setting, the subject's home or a child lie in another local authority, the LADO tells
that authority's LADO (a notification: the case stays open here) or hands the case over (a transfer: it closes
here, without an outcome of ours), and records the other LADO's acknowledgement."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from .casework import LadoCase


class Transfer(CaseRecord):
    """One notification or transfer of a case to another authority's LADO: which authority, whom, when, what
    was sent, and their acknowledgement."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", "Notification: the case stays open here"
        TRANSFER = "transfer", "Transfer: the other authority's LADO takes the case, and it is closed here"

    class Ground(models.TextChoices):
        SETTING = "setting", "The setting where the person works is in that authority"
        SUBJECT_HOME = "subject_home", "The person lives in that authority"
        CHILD = "child", "A child lives in that authority"

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    grounds = ArrayField(models.CharField(max_length=12, choices=Ground.choices),
                         help_text="What lies in the other authority")
    authority = models.CharField(max_length=200, help_text="The other local authority")
    contact_name = models.CharField(max_length=200, help_text="Their LADO")
    contact_email = models.EmailField(max_length=254, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    sent_on = models.DateField()
    what_was_sent = models.TextField()
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by_whom = models.CharField(max_length=200, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(acknowledged_on__isnull=True)
                                              | models.Q(acknowledged_on__gte=models.F("sent_on")),
                                              name="lado_transfer_acknowledged_after_sent")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.authority}"

    @property
    def ground_labels(self) -> list[str]:
        return [self.Ground(g).label for g in self.grounds]

    @property
    def is_transfer(self) -> bool:
        return self.kind == self.Kind.TRANSFER
