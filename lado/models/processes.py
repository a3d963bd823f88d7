"""What comes out of a LADO case's meetings and runs alongside it (issue 11, section 3):

- ``MeetingMinutes``: the minutes of one held meeting, in fixed sections, each marked for the full minutes only
  (third-party information: what the police and children's social care shared about the children and other
  people) or for both versions; written as a draft, then issued (final: the two PDFs are rendered then and kept
  as issued, bytes and their SHA-256). The employer's version leaves the third-party sections out altogether.
- ``MeetingAction``: what a meeting asked someone (a person with an account, an agency, or anyone named in
  words) to do by a date; each open one is chased by the clock (``lado_meeting_action``).
- ``ParallelProcess``: the police investigation, the CPS decision, children's social care enquiries (about a
  child, linked to their record where the referral's child was matched to one), the employer's investigation
  and a disciplinary hearing, with their dates and status, and the KCSIE employer timescales where they apply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from .casework import LadoCase
from .meetings import Meeting
from .referrals import LIVE


class MeetingMinutes(CaseRecord):
    """The minutes of one held meeting. ``SECTIONS``: (field, heading, third party). A third-party section is
    in the full minutes only; the employer's version is made from the same minutes without it (left out of the
    template's context, not blacked out). A draft is edited; issuing renders both PDFs and keeps them, and
    the minutes no longer change."""

    SECTIONS = (
        ("purpose", "Why the meeting was held and the allegation", False),
        ("agency_information", "Information shared by the police and children's social care", True),
        ("children_and_families", "The children and their families", True),
        ("discussion", "Discussion and the risk now", False),
        ("employer_arrangements", "The employer's arrangements (suspension, redeployment, support)", False),
        ("next_steps", "Next steps, what the person is told and the next meeting", False),
    )
    THIRD_PARTY = tuple(name for name, _, third in SECTIONS if third)

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField(blank=True)
    agency_information = models.TextField(blank=True)
    children_and_families = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    employer_arrangements = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    full_pdf = models.BinaryField(null=True, blank=True)
    full_sha256 = models.CharField(max_length=64, blank=True)
    employer_pdf = models.BinaryField(null=True, blank=True)
    employer_sha256 = models.CharField(max_length=64, blank=True)
    shared_with_referrer_at = models.DateTimeField(
        null=True, blank=True, help_text="When the employer's version was shared with the referrer on the portal")
    history = HistoricalRecords(excluded_fields=["full_pdf", "employer_pdf"])

    class Meta:
        verbose_name_plural = "meeting minutes"
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | (Q(issued_at__isnull=False) & ~Q(full_sha256="")
                                                                  & ~Q(employer_sha256="")),
                                   name="lado_minutes_issued_with_pdfs"),
            models.CheckConstraint(condition=Q(shared_with_referrer_at__isnull=True) | Q(status="issued"),
                                   name="lado_minutes_shared_once_issued"),
        ]

    def __str__(self):
        return f"Minutes of {self.meeting}"

    def sections(self, *, employer: bool) -> list[dict]:
        """The sections of one version: [{key, heading, body, third_party}], the third-party ones left out of
        the employer's."""
        return [{"key": name, "heading": heading, "body": getattr(self, name), "third_party": third}
                for name, heading, third in self.SECTIONS if not (employer and third)]


class MeetingAction(CaseRecord):
    """Something a meeting asked to be done, by whom (``owner``: a person with an account; ``owner_agency``;
    and always ``owner_name``, the words shown) and by when; open until done (on ``done_on``) or no longer
    needed. ``third_party``: left out of the employer's version of the minutes (an action about the child or
    a police step the employer must not learn of)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.TextField()
    owner_name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="lado_meeting_actions")
    owner_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    due_date = models.DateField()
    third_party = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        indexes = [models.Index(fields=["due_date"], condition=LIVE & Q(status="open"), name="lado_action_open")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="lado_action_number_once"),
            models.CheckConstraint(condition=Q(status="open", done_on__isnull=True)
                                   | (~Q(status="open") & Q(done_on__isnull=False)), name="lado_action_done_on"),
        ]

    def __str__(self):
        return f"Action {self.number} of {self.meeting_id}"

    @property
    def deadline_reference(self) -> str:
        return self.meeting.case.referral.reference


class ParallelProcess(CaseRecord):
    """A process that runs alongside the LADO's: who leads it, its reference, when it started and ended, its
    status and latest progress. The employer's investigation keeps the investigator's report date and the case
    manager's decision (KCSIE's employer timescales: ``lado_investigation_report``,
    ``lado_investigation_decision``); a disciplinary hearing starts with the decision to hold it
    (``lado_disciplinary_hearing``). Children's social care enquiries are about one child: ``child``, their
    record, when the referral's child was matched to one."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police investigation"
        CPS = "cps", "Crown Prosecution Service decision"
        CSC = "csc", "Children's social care enquiries"
        EMPLOYER = "employer", "Employer's investigation"
        DISCIPLINARY = "disciplinary", "Disciplinary hearing"

    class Status(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        CONCLUDED = "concluded", "Concluded"
        NOT_PURSUED = "not_pursued", "Stopped or not pursued"

    case = models.ForeignKey(LadoCase, on_delete=models.PROTECT, related_name="processes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ONGOING)
    lead = models.CharField(max_length=200, help_text="Who leads it (a team, an officer, the case manager)")
    reference = models.CharField(max_length=100, blank=True, help_text="Their reference (a crime number)")
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    report_on = models.DateField(null=True, blank=True,
                                 help_text="The employer's investigation: the investigator's report received")
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    progress_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="ongoing", ended_on__isnull=True)
                                   | (~Q(status="ongoing") & Q(ended_on__isnull=False)),
                                   name="lado_process_ended_on"),
            models.CheckConstraint(condition=Q(child__isnull=True) | Q(kind="csc"), name="lado_process_child_csc"),
            models.CheckConstraint(condition=Q(report_on__isnull=True) | Q(kind="employer"),
                                   name="lado_process_report_employer"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_on:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.case.referral.reference
