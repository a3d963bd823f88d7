"""Referrals for a case review, their triage, notifications to the National Panel and Ofsted, the seats, and
the rapid review day by day (issue 12, sections 1 and 2; ADR 20).

Nothing here is deleted: a referral is triaged, a rapid review is submitted or closed, a seat is ended.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ._base import NotDeletable, _Kept


class PartnershipSeat(_Kept):
    """Who sits for whom in the partnership: a statutory partner's delegate (records the criteria decision
    for that partner) or an agency's safeguarding lead (receives the rapid review's requests to it). The
    business unit names them; a seat is ended, never deleted."""

    class Kind(models.TextChoices):
        PARTNER_DELEGATE = "partner_delegate", "Safeguarding partner's delegate"
        AGENCY_LEAD = "agency_lead", "Agency safeguarding lead"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partnership_seats")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="partnership_seats")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "kind"], name="partnership_seat_unique")]
        indexes = [models.Index(fields=["user", "kind"], condition=Q(is_active=True), name="partnership_seat_live")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.agency}"


class Referral(_Kept):
    """A case referred for review by any agency, or another notification the partnership records (the death
    of a looked-after child, of a care leaver up to 25, of a child in a regulated setting)."""

    class Kind(models.TextChoices):
        CASE_REVIEW = "case_review", "Referral for a case review"
        LOOKED_AFTER_DEATH = "looked_after_death", "Death of a looked-after child"
        CARE_LEAVER_DEATH = "care_leaver_death", "Death of a care leaver (up to 25)"
        REGULATED_SETTING_DEATH = "regulated_setting_death", "Death of a child in a regulated setting"

    class Triage(models.TextChoices):
        PENDING = "pending", "Waiting for triage"
        SERIOUS_INCIDENT = "serious_incident", "Serious incident (rapid review)"
        LEARNING_REVIEW = "learning_review", "Learning review"
        NO_REVIEW = "no_review", "No review"

    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CASE_REVIEW)
    local_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referring_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    aware_on = models.DateField(help_text="The day the referring agency became aware (Working Day 1)")
    what_happened = models.TextField()
    criteria_reason = models.TextField(blank=True, help_text="Why the referrer thinks it may meet the criteria")
    triage = models.CharField(max_length=20, choices=Triage.choices, default=Triage.PENDING)
    triage_rationale = models.TextField(blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-aware_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(triage="pending") | (Q(triaged_at__isnull=False) & ~Q(triage_rationale="")),
            name="partnership_referral_triaged_with_rationale")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.aware_on:%d %b %Y})"


class ReferredChild(models.Model):
    """A child as the referrer described them, matched to the existing child record where an identifier
    matches exactly (never a new record; the referrer is never told whether or to whom it matched)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="children")
    first_names = models.CharField(max_length=200)
    surname = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    matched_by = models.CharField(max_length=20, blank=True, help_text="The identifier that matched the record")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Referred child ({self.referral})"

    def delete(self, *args, **kwargs):
        raise NotDeletable("Referred children are kept, never deleted.")


class Notification(_Kept):
    """A notification sent about a referral: to the National Panel (with its reference), Ofsted or the
    Secretary of State."""

    class To(models.TextChoices):
        NATIONAL_PANEL = "national_panel", "National Child Safeguarding Practice Review Panel"
        OFSTED = "ofsted", "Ofsted"
        SECRETARY_OF_STATE = "secretary_of_state", "Secretary of State"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notifications")
    to = models.CharField(max_length=20, choices=To.choices)
    sent_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "to"], name="partnership_notification_once")]

    def __str__(self):
        return f"{self.get_to_display()} notified {self.sent_on:%d %b %Y}"


class RapidReview(_Kept):
    """The rapid review of a serious incident, on the partnership's day-by-day plan (partnership.plan)."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Submitted to the National Panel"

    class Decision(models.TextChoices):
        """What the rapid review decided (ADR 23): the options of Working Together 2023 and the arrangements."""

        LCSPR = "lcspr", "Local child safeguarding practice review"
        LEARNING_REVIEW = "learning_review", "Alternative learning review"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        NATIONAL_REVIEW = "national_review", "Recommend a national review to the National Panel"

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="rapid_review")
    agency_aware_on = models.DateField(help_text="The day the agency became aware: Working Day 1 or before it")
    working_day_1 = models.DateField()
    la_aware_on = models.DateField(help_text="The day the local authority became aware (the national anchor)")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # the meeting: recording it freezes the merged chronology (later contributions are late additions)
    meeting_held_on = models.DateField(null=True, blank=True)
    chronology_frozen_at = models.DateTimeField(null=True, blank=True)
    # the report: written by the business unit, issued as a PDF to the panel, the partners and the National Panel
    findings = models.TextField(blank=True, help_text="What the rapid review found, and the immediate learning")
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    # the National Panel's response to the submitted rapid review
    panel_response_on = models.DateField(null=True, blank=True)
    panel_response = models.TextField(blank=True)
    panel_agrees = models.BooleanField(null=True, blank=True)
    national_review = models.BooleanField(null=True, blank=True,
                                          help_text="Whether the National Panel takes on a national review")
    history = HistoricalRecords()

    class Meta:
        ordering = ["working_day_1", "id"]
        indexes = [models.Index(fields=["working_day_1"], condition=Q(status="open"), name="rapid_review_open")]
        constraints = [
            models.CheckConstraint(condition=Q(meeting_held_on__isnull=True, chronology_frozen_at__isnull=True) | Q(
                meeting_held_on__isnull=False, chronology_frozen_at__isnull=False),
                name="partnership_rapid_review_frozen_at_meeting"),
            models.CheckConstraint(condition=Q(panel_response_on__isnull=True) | (
                Q(status="submitted") & ~Q(panel_response="") & Q(panel_agrees__isnull=False)
                & Q(national_review__isnull=False)), name="partnership_rapid_review_panel_response_whole"),
        ]

    def __str__(self):
        return f"Rapid review (Working Day 1 {self.working_day_1:%d %b %Y})"


class CriteriaDecision(_Kept):
    """A statutory partner's decision, through its delegate, on whether the criteria for a rapid review
    are met. One live decision per partner; a change is kept in the history."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="decisions")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criteria_met = models.BooleanField()
    rationale = models.TextField()
    decided_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["rapid_review", "agency"], name="partnership_decision_once")]

    def __str__(self):
        return f"{self.agency}: criteria {'met' if self.criteria_met else 'not met'}"


class AgencyRequest(_Kept):
    """The rapid review's request to an involved agency for its chronology and information form."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    information = models.TextField(blank=True, help_text="The information gathering and analysis form: the "
                                   "agency's involvement, what went well, what could have been better")
    returned_on = models.DateField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    returned_after_meeting = models.BooleanField(default=False, help_text="The form came in after the meeting")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["rapid_review", "agency"], name="partnership_request_once"),
            models.CheckConstraint(condition=Q(returned_on__isnull=True) | ~Q(information=""),
                                   name="partnership_request_returned_with_information"),
        ]

    def __str__(self):
        return f"Request to {self.agency}"


class ChronologyEntry(_Kept):
    """One entry of an agency's chronology, against the request to it. The rapid review's chronology is
    every agency's entries merged by date, each with its source (the agency)."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.PROTECT, related_name="entries")
    happened_on = models.DateField()
    entry = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    after_meeting = models.BooleanField(default=False, help_text="Added after the meeting froze the chronology: a "
                                        "late addition, shown apart from the timeline the meeting considered")
    history = HistoricalRecords()

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name_plural = "chronology entries"

    def __str__(self):
        return f"Chronology entry ({self.happened_on:%d %b %Y})"


class MeetingAttendance(_Kept):
    """Who attended the rapid review meeting for one agency (names and roles as the business unit records
    them). Written once, with the meeting."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="attendance")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    attendees = models.TextField(help_text="Who attended for the agency: names and roles")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["rapid_review", "agency"], name="partnership_attendance_once")]

    def __str__(self):
        return f"Attendance for {self.agency}"


class ReportIssue(_Kept):
    """The rapid review report as it was sent (a PDF, kept as issued with its SHA-256): to the rapid review
    panel for oversight, to the strategic safeguarding partners, and submitted to the National Panel. Each
    sending is one row and meets its step of the plan."""

    class To(models.TextChoices):
        PANEL = "panel", "The rapid review panel (oversight)"
        PARTNERS = "partners", "The strategic safeguarding partners"
        NATIONAL_PANEL = "national_panel", "The National Panel (submission)"

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="issues")
    sent_to = models.CharField(max_length=20, choices=To.choices)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=RapidReview.Decision.choices)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["rapid_review", "sent_to"], name="partnership_report_sent_once")]

    def __str__(self):
        return f"Rapid review report sent to {self.get_sent_to_display().lower()}"
