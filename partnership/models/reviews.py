"""Practice reviews and their action plans (issue 12, section 3; ADR 24).

- ``PracticeReview``: a local child safeguarding practice review (``lcspr``, 6 months from the decision) or an
  alternative learning review (a practice learning review, ``learning_review``: no longer than 6 months),
  started from a rapid review's decision or from the triage of a referral; its terms of reference, reviewer,
  methodology, family and practitioner involvement, the pre-publication copy to the National Panel and DfE,
  publication (date, where), the reasons for any delay, its learning themes and its learning summary;
- ``ReviewDraft``: each draft report received, in order;
- ``Recommendation`` and ``ReviewAction``: the multi-agency action plan, each action owned by an agency, due
  on its own date (``partnership_action``), completed with evidence (``safeguarding.uploads``, ADR 18) or a
  stated reason.

Nothing here is deleted: a review is published, an action is completed or cancelled with its reason.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ._base import _Kept


class LearningTheme(models.TextChoices):
    """The partnership's vocabulary of learning themes (tagged on reviews, counted for the yearly report)."""

    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse and non-accidental injury"
    SEXUAL_ABUSE = "sexual_abuse", "Child sexual abuse"
    EXPLOITATION = "exploitation", "Child exploitation (criminal or sexual)"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health"
    PARENTAL_SUBSTANCE_MISUSE = "parental_substance_misuse", "Parental substance misuse"
    SAFE_SLEEP = "safe_sleep", "Sudden unexpected death in infancy and safe sleep"
    ADOLESCENT_MENTAL_HEALTH = "adolescent_mental_health", "Children's mental health, self-harm and suicide"
    DISABILITY = "disability", "Disabled children"
    VOICE_OF_THE_CHILD = "voice_of_the_child", "The voice and lived experience of the child"
    INFORMATION_SHARING = "information_sharing", "Information sharing between agencies"
    MULTI_AGENCY_WORKING = "multi_agency_working", "Multi-agency working and escalation"
    FATHERS_AND_MALE_CARERS = "fathers_and_male_carers", "Fathers and male carers"
    RACE_AND_CULTURE = "race_and_culture", "Race, culture and identity"
    EDUCATION = "education", "Education, attendance and children missing education"
    THRESHOLDS = "thresholds", "Thresholds and step-up or step-down"
    ONLINE_HARM = "online_harm", "Online harm"


class Methodology(models.TextChoices):
    SYSTEMS = "systems", "Systems methodology (e.g. SCIE Learning Together)"
    APPRECIATIVE_INQUIRY = "appreciative_inquiry", "Appreciative inquiry"
    SILP = "silp", "Significant Incident Learning Process (SILP)"
    CHILD_PRACTICE_REVIEW = "child_practice_review", "Child practice review (learning event model)"
    DESKTOP = "desktop", "Desktop review of agency reports"
    THEMATIC = "thematic", "Thematic review"
    OTHER = "other", "Another methodology"


class PracticeReview(_Kept):
    class Kind(models.TextChoices):
        LCSPR = "lcspr", "Local child safeguarding practice review"
        LEARNING_REVIEW = "learning_review", "Alternative learning review"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    referral = models.OneToOneField("partnership.Referral", on_delete=models.PROTECT, related_name="practice_review")
    rapid_review = models.ForeignKey("partnership.RapidReview", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="practice_reviews",
                                     help_text="The rapid review whose decision started it (none: the triage did)")
    reference = models.CharField(max_length=40, unique=True, help_text="The partnership's name for the review, "
                                 "e.g. 'LCSPR 2027-01' (never the child's name)")
    decided_on = models.DateField(help_text="The decision to hold it: the review's clock starts here")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    terms_of_reference = models.TextField(blank=True)
    terms_agreed_on = models.DateField(null=True, blank=True)
    reviewer = models.CharField(max_length=200, blank=True, help_text="The independent reviewer or lead reviewer")
    reviewer_appointed_on = models.DateField(null=True, blank=True)
    methodology = models.CharField(max_length=30, choices=Methodology.choices, blank=True)
    family_involvement = models.TextField(blank=True, help_text="How the family took part, or why they did not")
    practitioner_involvement = models.TextField(blank=True, help_text="How practitioners and managers took part")
    panel_copy_sent_on = models.DateField(null=True, blank=True,
                                          help_text="The final report sent to the National Panel and DfE before "
                                                    "publication")
    published_on = models.DateField(null=True, blank=True)
    published_where = models.CharField(max_length=500, blank=True, help_text="Where it is published (an address)")
    delay_reason = models.TextField(blank=True, help_text="Why the review is late (e.g. a criminal trial or inquest)")
    themes = ArrayField(models.CharField(max_length=40, choices=LearningTheme.choices), default=list, blank=True)
    learning_summary = models.TextField(blank=True, help_text="The learning, for the library (no names)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress") | (Q(published_on__isnull=False) & ~Q(published_where="")
                                                     & ~Q(learning_summary="")),
                name="partnership_review_published_with_where_and_summary"),
            models.CheckConstraint(condition=Q(reviewer="") | Q(reviewer_appointed_on__isnull=False),
                                   name="partnership_review_reviewer_with_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


class ReviewDraft(_Kept):
    """A draft report received from the reviewer: its number, the day it came and what the group said."""

    review = models.ForeignKey(PracticeReview, on_delete=models.PROTECT, related_name="drafts")
    number = models.PositiveSmallIntegerField()
    received_on = models.DateField()
    comments = models.TextField(blank=True, help_text="The practice review group's comments on the draft")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="partnership_draft_number")]

    def __str__(self):
        return f"Draft {self.number}"


class Recommendation(_Kept):
    review = models.ForeignKey(PracticeReview, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="partnership_recommendation_number")]

    def __str__(self):
        return f"Recommendation {self.number}"


class ReviewAction(_Kept):
    """One action of a review's multi-agency action plan: what, the agency that owns it, by when; its status;
    complete only with evidence (an upload on the action) or a stated reason."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "No longer needed"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    review = models.ForeignKey(PracticeReview, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.TextField()
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress_note = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    no_evidence_reason = models.TextField(blank=True, help_text="Why it is complete without evidence uploaded")
    cancel_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="partnership_action_number"),
            models.CheckConstraint(condition=~Q(status="complete") | Q(completed_on__isnull=False),
                                   name="partnership_action_completed_with_date"),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                                   name="partnership_action_cancelled_with_reason"),
        ]
        indexes = [models.Index(fields=["owner_agency", "due_on"], condition=Q(status__in=["not_started",
                                                                                              "in_progress"]),
                                name="partnership_action_open")]

    def __str__(self):
        return f"Action {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
