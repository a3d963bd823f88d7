"""The LADO's case: its subject, its officer, who is invited into it, and what was decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from ..codes import (
    DbsReferral,
    EvaluationDecision,
    InvitationKind,
    OutcomeCategory,
    Regulator,
    SafetyKind,
    SubjectInformedBy,
)
from .index import PersonIndexEntry
from .referrals import LIVE, Referral

# The invited arm of the case's visibility (lado.policies), and the partial index that serves it
LIVE_INVITATION = Q(entered_in_error_at__isnull=True, ended_at__isnull=True)


class LadoCase(CaseRecord):
    """The LADO's record of one referral, from its arrival (new, to evaluate) through the evaluation (open:
    a meeting or advice to the employer; closed: no further action) to the outcome (closed)."""

    class Status(models.TextChoices):
        NEW = "new", "New: to evaluate"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    subject = models.ForeignKey(PersonIndexEntry, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cases", help_text="Who the allegation is about, in the person index")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="lado_cases", help_text="The LADO officer who holds the case")
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["local_authority", "status"], condition=LIVE, name="lado_case_service"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="closed", closed_on__isnull=False)
                                   | (~Q(status="closed") & Q(closed_on__isnull=True)),
                                   name="lado_case_closed_on_when_closed"),
        ]

    def __str__(self):
        return self.referral.reference

    @property
    def reference(self) -> str:
        return self.referral.reference

    @property
    def deadline_reference(self) -> str:
        return self.referral.reference


class CaseInvitation(CaseRecord):
    """A police officer or a member of children's social care invited into one case (while a member of
    ``agency``): they see that case, and nothing else of the LADO's."""

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lado_invitations")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=InvitationKind.choices)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "case"], condition=LIVE_INVITATION, name="lado_invitation_live")]
        constraints = [models.UniqueConstraint(fields=["case", "user"], condition=LIVE_INVITATION,
                                               name="lado_invitation_once")]

    def __str__(self):
        return f"{self.get_kind_display()} invited to {self.case_id}"


class Evaluation(models.Model):
    """The LADO's initial evaluation with the case manager: which harm criteria are met, the decision and why,
    whether the police and children's social care are involved, and how and when the subject is told."""

    case = models.OneToOneField(LadoCase, on_delete=models.PROTECT, related_name="evaluation")
    evaluated_on = models.DateField()
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    harmed = models.BooleanField(default=False)
    criminal_offence = models.BooleanField(default=False)
    risk_of_harm = models.BooleanField(default=False)
    unsuitable = models.BooleanField(default=False)
    decision = models.CharField(max_length=8, choices=EvaluationDecision.choices)
    rationale = models.TextField()
    police_involved = models.BooleanField(default=False)
    csc_involved = models.BooleanField("Children's social care involved", default=False)
    subject_informed_by = models.CharField(max_length=10, choices=SubjectInformedBy.choices)
    subject_informed_on = models.DateField(null=True, blank=True)
    subject_informing_note = models.TextField(blank=True, help_text="What the subject is told, and when")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # a meeting or advice to the employer needs the harm threshold met (any of the four criteria)
            models.CheckConstraint(condition=Q(decision="nfa") | Q(harmed=True) | Q(criminal_offence=True)
                                   | Q(risk_of_harm=True) | Q(unsuitable=True), name="lado_evaluation_threshold"),
        ]

    def __str__(self):
        return f"Evaluation of {self.case_id}"

    @property
    def threshold_met(self) -> bool:
        return self.harmed or self.criminal_offence or self.risk_of_harm or self.unsuitable


class SafetyDecision(CaseRecord):
    """A safety decision about the subject while the allegation is dealt with: a risk assessment, redeployment,
    suspension (confirmed to them in writing: ``lado_suspension_confirmation``) or another measure."""

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="safety_decisions")
    kind = models.CharField(max_length=16, choices=SafetyKind.choices)
    decided_on = models.DateField()
    details = models.TextField()
    confirmed_in_writing_on = models.DateField(null=True, blank=True,
                                               help_text="A suspension: when it was confirmed to the person in writing")
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind="suspension") | Q(confirmed_in_writing_on__isnull=True),
                                              name="lado_safety_confirmation_only_for_suspension")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.decided_on:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.case.referral.reference


class Outcome(models.Model):
    """The outcome of the allegation (England's five categories), why, who is told what, and the DBS."""

    case = models.OneToOneField(LadoCase, on_delete=models.PROTECT, related_name="outcome")
    category = models.CharField(max_length=16, choices=OutcomeCategory.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    subject_told = models.TextField(help_text="What the subject is told, by whom and when")
    employer_told = models.TextField(help_text="What the employer is told")
    family_told = models.TextField(blank=True, help_text="What the child and their parents are told")
    dbs_referral = models.CharField(max_length=12, choices=DbsReferral.choices)
    dbs_referred_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(Q(dbs_referral="made") & Q(dbs_referred_on__isnull=False))
            | (~Q(dbs_referral="made") & Q(dbs_referred_on__isnull=True)), name="lado_outcome_dbs_date")]

    def __str__(self):
        return f"{self.get_category_display()} ({self.case_id})"


class RegulatorReferral(CaseRecord):
    """A referral of the subject to a professional regulator after the outcome, with its date."""

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="regulator_referrals")
    regulator = models.CharField(max_length=8, choices=Regulator.choices)
    referred_on = models.DateField()
    referred_by_whom = models.CharField(max_length=200, help_text="Who made the referral (the employer, the LADO)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self):
        return f"{self.get_regulator_display()} on {self.referred_on:%-d %B %Y}"
