"""Keeping and disposing of the LADO's records (the person index and the cases about each person) under the
LADO's retention policy (``lado.rules``: a period per outcome, configurable):

- ``LegalHold``: a hold on a case or an index entry (litigation, an inquiry, a subject access dispute): while
  one is in force nothing it touches is disposed of. Placed and released with a reason, by whom, when.
- ``PersonnelRecordAdvice``: after a false or malicious outcome, the LADO's record that it told the employer to
  remove the allegation's details from the person's personnel record (the employer's act, not the LADO's).
- ``Disposal``: the tombstone left when the LADO manager disposes of an index entry and its cases past their
  retention date. Nothing is deleted: the personal fields are redacted (in the rows and their history), the
  rows, their references, dates, statuses and outcome categories stay, and the tombstone says who disposed of
  what, when, why and under which rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import NotDeletable
from safeguarding.records import CaseRecord
from safeguarding.records.models import NOT_DELETABLE

from .casework import LadoCase
from .index import PersonIndexEntry

# A hold in force (the partial indexes that serve "is any of these on hold?")
HOLD_IN_FORCE = Q(released_at__isnull=True, entered_in_error_at__isnull=True)


class LegalHold(CaseRecord):
    """A legal hold on one case or one person-index entry: nothing it touches may be disposed of until it is
    released (with a reason). Who placed it and when are ``created_by`` and ``created_at``."""

    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(LadoCase, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    entry = models.ForeignKey(PersonIndexEntry, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="legal_holds")
    reason = models.TextField(help_text="Why the records must be kept (a claim, an inquiry, a request)")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    release_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case"], condition=HOLD_IN_FORCE & Q(case__isnull=False), name="lado_hold_case"),
            models.Index(fields=["entry"], condition=HOLD_IN_FORCE & Q(entry__isnull=False), name="lado_hold_entry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(case__isnull=False, entry__isnull=True)
                                   | Q(case__isnull=True, entry__isnull=False), name="lado_hold_on_one_record"),
            models.CheckConstraint(condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                                   name="lado_hold_release_has_a_reason"),
        ]

    def __str__(self):
        return f"Legal hold on {'case ' + str(self.case_id) if self.case_id else 'entry ' + str(self.entry_id)}"

    @property
    def in_force(self) -> bool:
        return self.released_at is None and self.entered_in_error_at is None


class PersonnelRecordAdvice(CaseRecord):
    """After a false or malicious outcome: when and whom the LADO told that the allegation's details are to be
    removed from the person's personnel record (KCSIE Part four). The removal is the employer's act."""

    case = models.OneToOneField(LadoCase, on_delete=models.PROTECT, related_name="personnel_advice")
    told_on = models.DateField()
    told_whom = models.CharField(max_length=200, help_text="Who at the employer was told")
    note = models.TextField(blank=True, help_text="How they were told, and anything they said")
    history = HistoricalRecords()

    def __str__(self):
        return f"Personnel record advice on {self.case_id}"


class Disposal(models.Model):
    """The tombstone of a person-index entry disposed of under the retention policy, with its cases: who
    confirmed it, when, why, the retention date it was past and, per case, the reference and the rule."""

    entry = models.OneToOneField(PersonIndexEntry, on_delete=models.PROTECT, related_name="disposal")
    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField()
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    retention_date = models.DateField(help_text="The latest retention date of the entry's cases")
    cases = models.JSONField(default=list, help_text="[{reference, rule, retention_date}] of each case disposed of")
    redacted = models.JSONField(default=dict, help_text="How many rows of each kind were redacted")

    class Meta:
        ordering = ["-disposed_at", "-id"]

    def __str__(self):
        return f"Disposal of entry {self.entry_id}"

    def delete(self, *args, **kwargs):
        raise NotDeletable(NOT_DELETABLE)
