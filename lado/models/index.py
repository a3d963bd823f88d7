"""The person index: the adults who have been the subject of an allegation, with their identifiers."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

LIVE = Q(entered_in_error_at__isnull=True)


class PersonIndexEntry(CaseRecord):
    """One adult, once, in one LADO service's index: every case about them names this entry as its subject,
    so their previous allegations, outcomes and dates are there when a new referral arrives."""

    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    first_names = models.CharField(max_length=200)
    surname = models.CharField(max_length=200)
    other_names = models.CharField(max_length=300, blank=True,
                                   help_text="Previous or other names, separated by semicolons")
    date_of_birth = models.DateField(null=True, blank=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True)
    teacher_reference = models.CharField("Teacher reference number", max_length=7, blank=True)
    registration_number = models.CharField("Professional registration number", max_length=30, blank=True)
    employer = models.CharField(max_length=200, blank=True, help_text="The latest employer known")
    role = models.CharField(max_length=200, blank=True, help_text="The latest role known")
    history = HistoricalRecords()

    class Meta:
        ordering = ["surname", "first_names", "id"]
        verbose_name_plural = "person index entries"
        indexes = [
            models.Index(fields=["local_authority", "date_of_birth"], condition=LIVE, name="lado_index_dob"),
            GinIndex(name="lado_index_surname_trgm", fields=["surname"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="lado_index_other_trgm", fields=["other_names"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["ni_number"], condition=~Q(ni_number=""), name="lado_index_ni"),
            models.Index(fields=["teacher_reference"], condition=~Q(teacher_reference=""), name="lado_index_trn"),
            models.Index(fields=["registration_number"], condition=~Q(registration_number=""),
                         name="lado_index_registration"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.surname}".strip()

    @property
    def other_name_list(self) -> list[str]:
        return [n.strip() for n in self.other_names.split(";") if n.strip()]


class IndexMatch(models.Model):
    """An index entry a referral's subject resembles, found when the referral arrived (the repeat-allegation
    alert): how alike (0 to 1) and why."""

    referral = models.ForeignKey("lado.Referral", on_delete=models.PROTECT, related_name="index_matches")
    entry = models.ForeignKey(PersonIndexEntry, on_delete=models.PROTECT, related_name="matches")
    score = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "entry"], name="lado_index_match_once")]

    def __str__(self):
        return f"{self.referral_id} resembles {self.entry_id}"
