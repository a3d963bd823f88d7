"""Child protection conferences: request to distributed minutes, plans, core groups.

One ``Conference`` row carries the request and the meeting (its ``status`` moves through
``TRANSITIONS``); the Signs of Safety record, the decision, the plan and the minutes hang off it.
Nothing here is ever hard-deleted; every model keeps its history (who, when, why).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency
from safeguarding.documents.wording import owner_label
from safeguarding.records import CaseRecord


class Kind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"
    PRE_BIRTH = "pre_birth", "Pre-birth conference"


class Category(models.TextChoices):
    """Category of abuse or neglect: the CIN census codes."""

    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    EMO = "EMO", "Emotional abuse"
    SAB = "SAB", "Sexual abuse"
    MUL = "MUL", "Multiple (not recommended)"


class Outcome(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"
    CONTINUE = "continue", "Continue the plan"
    END = "end", "End the plan"


class NextStep(models.TextChoices):
    CIN_PLAN = "cin_plan", "Child in need plan"
    EARLY_HELP = "early_help", "Early help"
    NONE = "none", "No further action"


class EndReason(models.TextChoices):
    """Criteria for ending a plan (Working Together; see the timescales reference, section 1.5)."""

    HARM_REDUCED = "harm_reduced", "Likelihood of significant harm has reduced"
    MOVED_AREA = "moved_area", "Moved permanently to another local authority (after its transfer-in conference)"
    AGED_18 = "aged_18", "The child has turned 18"
    DIED = "died", "The child has died"
    LEFT_UK = "left_uk", "The child has permanently left the UK"


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Conference(CaseRecord):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting allocation"
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held: awaiting decision"
        DECIDED = "decided", "Decided"
        CANCELLED = "cancelled", "Cancelled"

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    plan = models.ForeignKey(
        "ChildProtectionPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="conferences",
        help_text="For a review conference: the plan it reviews. For any conference that made a plan: that plan.",
    )
    # the request
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    strategy_discussion_date = models.DateField(
        null=True, blank=True, help_text="The strategy discussion that started the section 47 enquiry"
    )
    transfer_notification_date = models.DateField(
        null=True, blank=True, help_text="The written notification from the other authority"
    )
    transferring_authority = models.CharField(max_length=200, blank=True)
    request_notes = models.TextField(blank=True)
    # scheduling
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences_chaired"
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    late_reason = models.TextField(blank=True, help_text="Why the conference is booked after its due date")
    ics_sequence = models.PositiveIntegerField(default=0, help_text="Calendar invitation revision (RFC 5545)")
    cancelled_reason = models.TextField(blank=True)
    # holding it
    held_on = models.DateField(null=True, blank=True)
    quorate = models.BooleanField(null=True, blank=True)
    quorum_override_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "requested_at"]
        indexes = [models.Index(fields=["chair", "status", "starts_at"]), models.Index(fields=["child", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                                   name="conference_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(kind="transfer_in") | Q(transfer_notification_date__isnull=False),
                name="transfer_in_has_notification_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["initial", "pre_birth"]) | Q(strategy_discussion_date__isnull=False),
                name="initial_has_strategy_discussion_date",
            ),
            models.CheckConstraint(condition=~Q(kind="review") | Q(plan__isnull=False),
                                   name="review_conference_has_plan"),
            # A chair is never booked into two live conferences at once.
            ExclusionConstraint(
                name="chair_not_double_booked",
                expressions=[("chair", RangeOperators.EQUAL),
                             (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS)],
                condition=Q(status__in=["scheduled", "held"], chair__isnull=False, starts_at__isnull=False,
                            entered_in_error_at__isnull=True),
            ),
        ]

    def __str__(self):
        when = f" on {self.starts_at:%-d %B %Y}" if self.starts_at else ""
        return f"{self.get_kind_display()}{when}"

    @property
    def deadline_reference(self) -> str:
        return self.child.local_child_id

    @property
    def anchor_date(self):
        return self.transfer_notification_date if self.kind == Kind.TRANSFER_IN else self.strategy_discussion_date

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.SCHEDULED, self.Status.HELD)

    @property
    def is_initial_kind(self) -> bool:
        """Conferences that decide plan or no plan (initial, pre-birth, transfer-in)."""
        return self.kind != Kind.REVIEW


class Invitation(CaseRecord):
    class InviteeKind(models.TextChoices):
        PARENT = "parent", "Parent or person with parental responsibility"
        CHILD = "child", "The child"
        FAMILY = "family", "Family member or supporter"
        PROFESSIONAL = "professional", "Professional"

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        APOLOGIES = "apologies", "Apologies"
        ATTENDED = "attended", "Attended"
        REPORT_ONLY = "report_only", "Sent a report only"

    FAMILY_KINDS = (InviteeKind.PARENT, InviteeKind.CHILD, InviteeKind.FAMILY)

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=12, choices=InviteeKind.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Mother, GP, designated safeguarding lead")
    adult = models.ForeignKey("cases.Adult", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    involvement = models.ForeignKey(
        "cases.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="conference_invitations"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations")
    direct_contact = models.BooleanField(default=True, help_text="Has had direct contact with the child or family")
    attendance = models.CharField(max_length=12, choices=Attendance.choices, default=Attendance.INVITED)
    sent_sequence = models.IntegerField(
        default=-1, help_text="The conference's calendar revision last sent to this person (-1: none yet)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["conference", "agency"])]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="professional") | Q(agency__isnull=False),
                                   name="professional_invitation_has_agency"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role or self.get_kind_display()})"

    @property
    def deadline_reference(self) -> str:
        return self.conference.child.local_child_id

    @property
    def is_family(self) -> bool:
        return self.kind in self.FAMILY_KINDS


class InvitationEmail(models.Model):
    """Outbox for calendar invitations: written in the transaction that changes the conference, sent
    after commit, retried by the periodic task until sent. One row per (invitation, sequence, method)."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "Invitation or update"
        CANCEL = "CANCEL", "Cancellation"

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="emails")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=8, choices=Method.choices)
    to = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invitation", "sequence", "method"],
                                               name="invitation_email_once")]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True),
                                name="invitation_email_unsent")]

    def __str__(self):
        return f"{self.method} #{self.sequence} to {self.to}"


class AgencyReport(CaseRecord):
    class Via(models.TextChoices):
        WEB = "web", "Browser"
        API = "api", "API"

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="conference_reports")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_social_work_report = models.BooleanField(default=False)
    summary = models.TextField(help_text="The agency's involvement, what it knows and its view of the risk")
    worries = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    via = models.CharField(max_length=4, choices=Via.choices, default=Via.WEB)
    shared_with_parents_at = models.DateTimeField(null=True, blank=True)
    shared_with_parents_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "agency"], condition=Q(entered_in_error_at__isnull=True),
                                    name="one_report_per_agency"),
        ]

    def __str__(self):
        return f"Report from {self.agency}"


class ConferenceRecord(models.Model):
    """The Signs of Safety record, written live. Each section carries its own revision number so that
    the chair and a minute-taker can save different sections at once, and a stale save of the same
    section is refused rather than silently overwriting."""

    SECTIONS = (
        ("child_voice", "The child's voice"),
        ("parents_views", "Parents' and carers' views"),
        ("harm", "What we are worried about: harm"),
        ("danger_statements", "What we are worried about: danger statements"),
        ("complicating_factors", "Complicating factors"),
        ("working_well", "What is working well"),
        ("safety_goals", "What needs to happen: safety goals"),
        ("professional_dissent", "Professional dissent"),
        ("confidential_information", "Confidential and third-party information"),
    )
    # Sections removed from the family copy of the minutes by default.
    CONFIDENTIAL_SECTIONS = ("confidential_information",)

    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="record")
    child_voice = models.TextField(blank=True)
    parents_views = models.TextField(blank=True)
    harm = models.TextField(blank=True)
    danger_statements = models.TextField(blank=True)
    complicating_factors = models.TextField(blank=True)
    working_well = models.TextField(blank=True)
    safety_goals = models.TextField(blank=True)
    professional_dissent = models.TextField(blank=True)
    confidential_information = models.TextField(blank=True)
    revisions = models.JSONField(default=dict, blank=True, help_text="Section name to its save count")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self):
        return f"Record of {self.conference}"

    @classmethod
    def section_names(cls) -> tuple[str, ...]:
        return tuple(name for name, _ in cls.SECTIONS)


class ScalingScore(CaseRecord):
    """Signs of Safety scaling: 0 (the child will certainly be harmed) to 10 (safe enough to close)."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="scaling_scores")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    participant = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="scaling_0_to_10")]


class Decision(models.Model):
    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    next_step = models.CharField(max_length=12, choices=NextStep.choices, blank=True)
    end_reason = models.CharField(max_length=14, choices=EndReason.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(outcome="plan") | ~Q(category=""), name="plan_has_category"),
            models.CheckConstraint(condition=~Q(outcome="end") | ~Q(end_reason=""), name="end_has_reason"),
        ]

    def __str__(self):
        return self.get_outcome_display()


class ChildProtectionPlan(CaseRecord):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="protection_plans")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_on = models.DateField()
    initial_category = models.CharField(max_length=3, choices=Category.choices)
    latest_category = models.CharField(max_length=3, choices=Category.choices)
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="protection_plans_led"
    )
    previous_plans = models.PositiveSmallIntegerField(default=0, help_text="Plans this child had before this one")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=14, choices=EndReason.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(status="active", entered_in_error_at__isnull=True),
                                    name="one_active_plan_per_child"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="plan_ends_after_start"),
        ]

    def __str__(self):
        return f"Child protection plan from {self.started_on:%-d %B %Y} ({self.get_latest_category_display()})"

    @property
    def deadline_reference(self) -> str:
        return self.child.local_child_id


class CategoryChange(models.Model):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="category_changes")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="+")
    from_category = models.CharField(max_length=3, choices=Category.choices)
    to_category = models.CharField(max_length=3, choices=Category.choices)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self):
        return f"{self.from_category} to {self.to_category} on {self.changed_on:%-d %B %Y}"


class PlanAction(CaseRecord):
    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner_name = models.CharField(max_length=200, help_text="Who will do it (a person or an agency)")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    due_date = models.DateField()
    progress = models.CharField(max_length=12, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description[:80]

    @property
    def owner_label(self) -> str:
        """Who will do it: the person where one is named ("Dan Hughes (Police)"), else the role or agency."""
        return owner_label(self.owner_name, self.owner)


class CoreGroupMember(CaseRecord):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_group")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="core_groups")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adult = models.ForeignKey("cases.Adult", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class CoreGroupMeeting(CaseRecord):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_group_meetings")
    held_on = models.DateField()
    attendees = models.ManyToManyField(CoreGroupMember, blank=True, related_name="+")
    progress = models.TextField(help_text="Progress on the plan's actions")
    next_meeting_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_on"]


class MidwayAudit(CaseRecord):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="midway_audits")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    audited_on = models.DateField()
    progress = models.TextField()
    concerns = models.TextField(blank=True)
    escalation_raised = models.BooleanField(default=False)
    escalation_detail = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-audited_on"]
        constraints = [
            models.CheckConstraint(condition=Q(escalation_raised=False) | ~Q(escalation_detail=""),
                                   name="escalation_has_detail"),
        ]


class Minutes(CaseRecord):
    """One version of the conference record (minutes). A draft is edited in place; a signed version is
    never changed: a change after sign-off is a new version with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed off"

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="minutes")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    sections = models.JSONField(
        default=list, help_text='[{"key", "heading", "body", "confidential": bool}]: confidential sections are '
        "left out of the family copy",
    )
    change_reason = models.TextField(blank=True, help_text="Why a signed version was changed")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "-version"]
        verbose_name_plural = "minutes"
        constraints = [
            models.UniqueConstraint(fields=["conference", "version"], name="minutes_version_unique"),
            models.UniqueConstraint(fields=["conference"], condition=Q(status="draft"), name="one_draft_minutes"),
            models.CheckConstraint(condition=Q(status="draft") | Q(signed_at__isnull=False), name="signed_has_date"),
        ]

    def __str__(self):
        return f"Minutes v{self.version} ({self.get_status_display()})"


class Document(CaseRecord):
    """A published PDF, kept as issued (bytes and their SHA-256)."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", "Conference minutes"
        DECISION_LETTER = "decision_letter", "Decision letter and outline plan"

    class Copy(models.TextChoices):
        PROFESSIONAL = "professional", "Professional copy"
        FAMILY = "family", "Family copy"

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    copy = models.CharField(max_length=12, choices=Copy.choices)
    minutes = models.ForeignKey(Minutes, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["conference", "kind", "copy", "version"],
                                               name="document_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_copy_display().lower()}, version {self.version}"


class Distribution(CaseRecord):
    class Method(models.TextChoices):
        SECURE_EMAIL = "secure_email", "Secure email"
        IN_APP = "in_app", "Safeguarding Hub (download)"
        POST = "post", "Post"
        BY_HAND = "by_hand", "By hand"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="distributions")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="distributions")
    recipient_name = models.CharField(max_length=200)
    recipient_role = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    is_family = models.BooleanField(default=False)
    method = models.CharField(max_length=12, choices=Method.choices)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "recipient_name"]
        indexes = [models.Index(fields=["agency", "document"])]

    def __str__(self):
        return f"{self.document} to {self.recipient_name} on {self.sent_on:%-d %B %Y}"


class ChildInNeedReview(CaseRecord):
    """The child in need review a conference chair holds three months after a child protection plan ended
    (Cheshire West and Chester: "conference chairs also chair a three month child in need meeting after a
    decision has been made to discontinue a child protection plan"). Opened by the review conference's
    decision to end the plan with a child in need plan as the next step (``services.conference_decide``), due
    by ``cin_review_after_plan``; booked, then held and recorded: who attended, the child's progress since the
    plan ended, and the decision (continue the child in need plan, close, or step up to child protection)."""

    class Status(models.TextChoices):
        DUE = "due", "Due: not booked yet"
        SCHEDULED = "scheduled", "Booked"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue the child in need plan"
        CLOSE = "close", "End the child in need plan and close the case"
        STEP_UP = "step_up", "Step up to child protection (a strategy discussion)"

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="cin_reviews")
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="cin_reviews",
                             help_text="The plan that ended")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="+",
                                   help_text="The review conference that decided to end the plan")
    # indexed by cin_review_chair (the reviews a chair holds)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cin_reviews_chaired",
                              db_index=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    planned_for = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    late_reason = models.TextField(blank=True, help_text="Why the review is booked after the date it is due by")
    held_on = models.DateField(null=True, blank=True)
    attended = models.TextField(blank=True, help_text="Who took part (one a line)")
    apologies = models.TextField(blank=True, help_text="Who sent apologies (one a line)")
    progress = models.TextField(blank=True, help_text="The child's progress since the plan ended")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_for", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(entered_in_error_at__isnull=True),
                                    name="one_cin_review_per_plan"),
            models.CheckConstraint(condition=~Q(status="scheduled") | Q(planned_for__isnull=False),
                                   name="booked_cin_review_has_date"),
            models.CheckConstraint(condition=~Q(status="held") | (Q(held_on__isnull=False) & ~Q(outcome="")
                                                                  & ~Q(progress="") & ~Q(attended="")),
                                   name="held_cin_review_is_recorded"),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                                   name="cancelled_cin_review_has_reason"),
        ]
        indexes = [models.Index(name="cin_review_chair", fields=["chair"],
                                condition=Q(entered_in_error_at__isnull=True))]

    def __str__(self):
        when = self.held_on or self.planned_for
        return f"Child in need review{f' on {when:%-d %B %Y}' if when else ''}"

    @property
    def deadline_reference(self) -> str:
        return self.child.local_child_id

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DUE, self.Status.SCHEDULED)
