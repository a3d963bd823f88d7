"""Consultations, referrals, the children they are about, and what the LADO shares with the referrer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from ..codes import ConsultationAdvice, ContactMethod, EmploymentType, ReferralSource, RegulatedBody, Sector

LIVE = Q(entered_in_error_at__isnull=True)


class Referral(CaseRecord):
    """A referral to the LADO service of ``local_authority``, as the referrer gave it. The LADO's own record of
    it is its ``LadoCase`` (``referral.case``), made with it."""

    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                        help_text="The LADO service the referral is made to")
    reference = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=16, choices=ReferralSource.choices)
    received_at = models.DateTimeField(default=timezone.now)
    # the referrer: their account (portal or API) when they referred themselves; what they said in any case
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="lado_referrals")
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200)
    referrer_email = models.EmailField(max_length=254, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    organisation = models.CharField(max_length=200, help_text="The setting where the person works or volunteers")
    sector = models.CharField(max_length=24, choices=Sector.choices)
    setting_address = models.TextField(blank=True)
    # the person the allegation is about, as the referrer gave them
    subject_first_names = models.CharField(max_length=200)
    subject_surname = models.CharField(max_length=200)
    subject_other_names = models.CharField(max_length=300, blank=True, help_text="Previous or other names")
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_role = models.CharField(max_length=200, help_text="Their job or role with children")
    subject_employment_type = models.CharField(max_length=16, choices=EmploymentType.choices)
    subject_employer = models.CharField(max_length=200)
    subject_regulated_body = models.CharField(max_length=8, choices=RegulatedBody.choices,
                                              default=RegulatedBody.NONE)
    subject_ni_number = models.CharField("National Insurance number", max_length=9, blank=True)
    subject_teacher_reference = models.CharField("Teacher reference number", max_length=7, blank=True)
    subject_registration_number = models.CharField("Professional registration number", max_length=30, blank=True)
    # what happened
    allegation = models.TextField(help_text="What happened, as the referrer describes it")
    incident_on = models.DateField(null=True, blank=True)
    employer_knew_on = models.DateField(help_text="When the employer first knew of the allegation "
                                                  "(the anchor of lado_referral)")
    actions_taken = models.TextField(blank=True, help_text="What the employer has done already")
    late_reason = models.TextField(blank=True, help_text="Why the referral came after one working day")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["local_authority", "-received_at"], condition=LIVE, name="lado_referral_service"),
            models.Index(fields=["referred_by"], condition=LIVE & Q(referred_by__isnull=False),
                         name="lado_referral_own"),
        ]

    def __str__(self):
        return self.reference

    @property
    def subject_name(self) -> str:
        return f"{self.subject_first_names} {self.subject_surname}".strip()

    @property
    def deadline_reference(self) -> str:
        return self.reference


class ReferralChild(CaseRecord):
    """A child the referral is about, as the referrer described them, and the child's record once the LADO
    has matched it (through the child policy's search: never a new record)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="children")
    first_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_or_year = models.CharField(max_length=40, blank=True, help_text="When the date of birth is not known")
    details = models.TextField(blank=True, help_text="Anything else that identifies the child (school, class)")
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="lado_referral_children")
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    matched_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["child"], condition=LIVE & Q(child__isnull=False),
                                name="lado_referral_child_matched")]

    def __str__(self):
        return self.name or "A child"

    @property
    def name(self) -> str:
        return f"{self.first_names} {self.surname}".strip()


class SharedUpdate(CaseRecord):
    """Something the LADO chooses to tell the referrer about their referral (the referrer sees these and the
    status, nothing else)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="shared_updates")
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Update on {self.referral_id}"


class Consultation(CaseRecord):
    """Advice the LADO gave without a referral (threshold questions, "speak to your DSL first", advice about a
    low-level concern: the employer holds those, the LADO records only the advice). Counted, and able to
    become a referral (``referral``)."""

    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    contact_method = models.CharField(max_length=12, choices=ContactMethod.choices)
    caller_name = models.CharField(max_length=200)
    caller_role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200)
    sector = models.CharField(max_length=24, choices=Sector.choices)
    subject_role = models.CharField(max_length=200, blank=True,
                                    help_text="The role of the adult it is about (no name needed for advice)")
    question = models.TextField(help_text="What the caller asked about")
    advice = models.CharField(max_length=20, choices=ConsultationAdvice.choices)
    advice_given = models.TextField()
    low_level_concern = models.BooleanField(default=False,
                                            help_text="Advice about a low-level concern, which the employer holds")
    referral = models.OneToOneField(Referral, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="consultation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["local_authority", "-received_on"], condition=LIVE,
                                name="lado_consultation_service")]

    def __str__(self):
        return f"Consultation of {self.received_on:%-d %B %Y}"
