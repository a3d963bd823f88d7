"""Looked-after children and their reviews (issue 10): the period of care, its placements and legal statuses
with their history, the care plan and the other plans, the IRO's allocation, and the reviews.

- ``LookedAfterEpisode``: one period of being looked after, from the day the child became looked after
  (SSDA903 ``DECOM`` of its first episode, ``RNE`` S) to the day it ended (``DEC``, ``REC``), with the
  category of need and the home postcode. A period is a chain of SSDA903 episodes: every change of
  placement or legal status starts a new one. Here the changes are kept as histories instead
  (``Placement``, ``LegalStatusPeriod``), each row with the ``RNE`` of the SSDA903 episode it began;
  ``reviews.ssda903.episodes`` writes the return's rows from them.
- ``Placement`` and ``LegalStatusPeriod``: one row per placement or legal status, from its start to its
  end; the current one has no end date (one at most per period, by constraint).
- ``Plan``: the care plan (with the permanence plan), the health plan, the personal education plan and,
  from 16, the pathway plan; each change is a new version with its date, the highest the current one.
- ``IroAllocation``: which IRO reviews the child, from when to when (one open at a time).
- ``Review``, ``ReviewSession``: the statutory reviews (reg 33), one or several sessions each, with the
  participation code (SSDA903 ``REVIEW_CODE``) and the date that goes on the return (``REVIEW``).
- ``ReviewRecord``, ``ReviewDecision``, ``ReviewDocument``: what the review heard and found, its decisions
  (tracked to done) and the PDFs published from them (the record, the letter to the child).

Nothing here is ever hard-deleted; every model keeps its history (who, when, why). The SSDA903 code
lists are in ``reviews.codes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safeguarding.documents.wording import owner_label
from safeguarding.records import CaseRecord

from ..codes import (
    CategoryOfNeed,
    LegalStatus,
    ParticipationCode,
    PlacementProvider,
    PlacementType,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)

LIVE = Q(entered_in_error_at__isnull=True)
OPEN = Q(end_date__isnull=True) & LIVE


class LookedAfterEpisode(CaseRecord):
    """One period of being looked after."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="looked_after_episodes")
    start_date = models.DateField(help_text="The day the child became looked after (SSDA903 DECOM)")
    category_of_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices,
                                        help_text="SSDA903 CIN")
    home_postcode = models.CharField(max_length=8, blank=True,
                                     help_text="The postcode of the home the child was taken from (HOME_POST)")
    looked_after_parent = models.ForeignKey(
        "cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The child's parent, when the parent is a looked-after child too (they have different IROs)",
    )
    end_date = models.DateField(null=True, blank=True, help_text="The day the child stopped being looked after (DEC)")
    end_reason = models.CharField(max_length=3, choices=ReasonEpisodeCeased.choices, blank=True,
                                  help_text="SSDA903 REC")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=OPEN, name="one_open_episode_per_child"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="episode_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="") & ~Q(end_reason="X1")),
                name="episode_end_has_reason",
            ),
        ]

    def __str__(self):
        return f"Looked after from {self.start_date:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.child.local_child_id

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Placement(CaseRecord):
    """Where the child lives, from ``start_date`` to ``end_date`` (open: the current placement)."""

    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="placements")
    placement_type = models.CharField(max_length=2, choices=PlacementType.choices, help_text="SSDA903 PLACE")
    provider = models.CharField(max_length=3, choices=PlacementProvider.choices, help_text="SSDA903 PLACE_PROVIDER")
    provider_name = models.CharField(max_length=200, blank=True,
                                     help_text="The carers, the home or the provider, as the service knows them")
    postcode = models.CharField(max_length=8, blank=True, help_text="The placement's postcode (PL_POST)")
    urn = models.CharField("Ofsted URN", max_length=8, blank=True,
                           help_text="Ofsted unique reference number of a registered provision (URN)")
    start_date = models.DateField()
    reason_for_new_episode = models.CharField(max_length=1, choices=ReasonNewEpisode.choices,
                                              help_text="RNE of the SSDA903 episode this placement began")
    end_date = models.DateField(null=True, blank=True)
    change_reason = models.CharField(max_length=5, choices=ReasonPlaceChange.choices, blank=True,
                                     help_text="Why the child left this placement for another "
                                               "(REASON_PLACE_CHANGE)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode"], condition=OPEN, name="one_current_placement"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="placement_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_placement_type_display()} from {self.start_date:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.episode.child.local_child_id


class LegalStatusPeriod(CaseRecord):
    """The child's legal status (SSDA903 LS) from ``start_date`` to ``end_date`` (open: the current one)."""

    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="legal_statuses")
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices, help_text="SSDA903 LS")
    start_date = models.DateField()
    reason_for_new_episode = models.CharField(max_length=1, choices=ReasonNewEpisode.choices,
                                              help_text="RNE of the SSDA903 episode this legal status began")
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode"], condition=OPEN, name="one_current_legal_status"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="legal_status_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.legal_status} from {self.start_date:%-d %B %Y}"


class PermanencePlan(models.TextChoices):
    """The permanence plan in the care plan (Ofsted Annex A list 8 asks for it; these labels are the
    project's, there is no national code list)."""

    RETURN_HOME = "return_home", "Return to parents or family"
    FAMILY_ARRANGEMENT = "family_arrangement", "Special guardianship or child arrangements order (family or friends)"
    ADOPTION = "adoption", "Adoption"
    LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
    RESIDENTIAL = "residential", "Long-term residential care"
    INDEPENDENCE = "independence", "Supported independent living"
    NOT_YET = "not_yet", "Not yet decided (to be set at the second review)"


class Plan(CaseRecord):
    """One version of one of the child's plans, with its date."""

    class Kind(models.TextChoices):
        CARE_PLAN = "care_plan", "Care plan"
        HEALTH_PLAN = "health_plan", "Health plan"
        PEP = "pep", "Personal education plan (PEP)"
        PATHWAY_PLAN = "pathway_plan", "Pathway plan"

    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    version = models.PositiveIntegerField()
    dated = models.DateField(help_text="The date of this version of the plan")
    permanence_plan = models.CharField(max_length=20, choices=PermanencePlan.choices, blank=True,
                                       help_text="Care plan only")
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "kind", "version"], condition=LIVE, name="plan_version_once"),
            models.CheckConstraint(condition=Q(kind="care_plan") | Q(permanence_plan=""),
                                   name="permanence_plan_on_care_plan_only"),
            models.CheckConstraint(condition=~Q(kind="care_plan") | ~Q(permanence_plan=""),
                                   name="care_plan_has_permanence_plan"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, version {self.version} ({self.dated:%-d %B %Y})"


class IroAllocation(CaseRecord):
    """The IRO who reviews the child's case, from ``start_date`` to ``end_date`` (open: the current IRO)."""

    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="iro_allocations")
    # indexed by iro_allocation_current (the current ones, which the policy and the caseload read)
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_allocations",
                            db_index=False)
    start_date = models.DateField(help_text="The day the IRO was appointed")
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode"], condition=OPEN, name="one_current_iro"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="allocation_ends_after_start"),
        ]
        indexes = [
            # an IRO's current allocations: the IRO's visibility arm and the caseload
            models.Index(name="iro_allocation_current", fields=["iro"], include=["episode"], condition=OPEN),
        ]

    def __str__(self):
        return f"{self.iro} from {self.start_date:%-d %B %Y}"


class EarlyReviewTrigger(models.TextChoices):
    """Why a review is held before it is due (reg 33(3); a change of placement is a significant change of
    the care plan, which reg 32(2) says must first be considered at a review)."""

    IRO_REQUEST = "iro_request", "The IRO asked for it (reg 33(3))"
    PLACEMENT_CHANGE = "placement_change", "A change of placement (reg 32(2): a significant change of the care plan)"
    WELFARE_NOT_SAFEGUARDED = "welfare", "A visit found the child's welfare is not adequately safeguarded (reg 30)"
    LEAVING_ACCOMMODATION = "leaving_accommodation", "Before a remanded or section 20 child stops being accommodated"
    LEAVING_DETENTION = "leaving_detention", "Before a child in care leaves a secure training centre or YOI"
    NOT_RETURNING_HOME = "not_returning_home", "Before the authority stops accommodating a child not in care who " \
                                               "will not live with a parent"


class Review(CaseRecord):
    """A statutory review of the child's case (reg 33), held in one or more sessions."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Early review requested"
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class Number(models.TextChoices):
        """Which review of the period this was (reg 33: the first, the second, then every six months)."""

        FIRST = "first", "First review"
        SECOND = "second", "Second review"
        SUBSEQUENT = "subsequent", "Subsequent review"

    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="reviews_chaired", help_text="The IRO who chairs the review",
                            db_index=False)  # indexed by review_chaired
    planned_for = models.DateField(null=True, blank=True, help_text="The day of the (first) session")
    early_trigger = models.CharField(max_length=24, choices=EarlyReviewTrigger.choices, blank=True)
    early_reason = models.TextField(blank=True)
    late_reason = models.TextField(blank=True, help_text="Why the review is booked after the date it is due by")
    number = models.CharField(max_length=10, choices=Number.choices, blank=True,
                              help_text="Set when the review is held")
    held_on = models.DateField(null=True, blank=True,
                               help_text="The date of the review on the SSDA903 return (REVIEW): its last session")
    participation = models.CharField(max_length=3, choices=ParticipationCode.choices, blank=True,
                                     help_text="SSDA903 REVIEW_CODE")
    social_worker_contact_on = models.DateField(null=True, blank=True,
                                                help_text="When the social worker spoke to the IRO to prepare")
    cancelled_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-planned_for", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="held") | (Q(held_on__isnull=False) & ~Q(participation="")
                                                                  & ~Q(number="")),
                                   name="held_review_has_date_and_code"),
            models.CheckConstraint(condition=Q(early_trigger="") | ~Q(early_reason=""),
                                   name="early_review_has_reason"),
            models.CheckConstraint(condition=~Q(status="scheduled") | Q(planned_for__isnull=False),
                                   name="scheduled_review_has_date"),
        ]
        indexes = [
            models.Index(name="review_chaired", fields=["iro"], include=["episode"], condition=LIVE),
            models.Index(fields=["episode", "status"]),
        ]

    def __str__(self):
        when = self.held_on or self.planned_for
        label = self.get_number_display() if self.number else ("Early review" if self.early_trigger else "Review")
        return f"{label} on {when:%-d %B %Y}" if when else label

    @property
    def deadline_reference(self) -> str:
        return self.episode.child.local_child_id

    @property
    def is_early(self) -> bool:
        return bool(self.early_trigger)


class ReviewSession(CaseRecord):
    """One meeting of a review held in several (the IRO may split a review, e.g. to see the child apart)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"Session on {self.held_on:%-d %B %Y}"


class ReviewPaper(CaseRecord):
    """A plan the IRO must have before the review (care plan, health plan, PEP): each is a deadline
    (``lac_review_papers``), met when the IRO records it received."""

    class Kind(models.TextChoices):
        CARE_PLAN = "care_plan", "Care plan"
        HEALTH_PLAN = "health_plan", "Health plan"
        PEP = "pep", "Personal education plan (PEP)"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="papers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    received_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["review", "kind"], condition=LIVE, name="one_paper_per_kind")]

    def __str__(self):
        return self.get_kind_display()

    @property
    def deadline_reference(self) -> str:
        return self.review.episode.child.local_child_id


class ReviewRecord(models.Model):
    """What the review heard and found, written live by its IRO (``reviews.services.record``): the child's
    wishes and feelings, the views of others and the IRO's assessment of the care plan, one section each.
    Each section carries its own revision number (as the conference record does), so that a save made
    from a stale page is refused rather than overwriting the other page's text.

    The record's life after the review: the decisions circulated (``lac_review_decisions``), the record
    signed and sent (``lac_review_record``), then ratified by the child's manager, or answered
    (``lac_review_ratification``)."""

    # (name, heading) in the order the record reads
    SECTIONS = (
        ("child_wishes", "The child's wishes and feelings"),
        ("views_of_others", "Views of parents, carers and others"),
        ("permanence", "Permanence"),
        ("placement", "Placement"),
        ("health", "Health"),
        ("education", "Education"),
        ("contact", "Contact with family and friends"),
        ("identity", "Identity"),
        ("leaving_care", "Leaving care"),
        ("letter_to_child", "What the IRO wants to say to the child"),
    )
    # The IRO's assessment of the care plan (issue 10, section 2)
    ASSESSMENT = ("permanence", "placement", "health", "education", "contact", "identity", "leaving_care")

    class Ratification(models.TextChoices):
        RATIFIED = "ratified", "Ratified"
        RESPONDED = "responded", "Answered: the manager does not agree with everything"

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="record")
    child_wishes = models.TextField(blank=True)
    views_of_others = models.TextField(blank=True)
    permanence = models.TextField(blank=True)
    placement = models.TextField(blank=True)
    health = models.TextField(blank=True)
    education = models.TextField(blank=True)
    contact = models.TextField(blank=True)
    identity = models.TextField(blank=True)
    leaving_care = models.TextField(blank=True)
    letter_to_child = models.TextField(blank=True, help_text="In plain words, for the child's letter")
    revisions = models.JSONField(default=dict, blank=True, help_text="Section name to its save count")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decisions_circulated_on = models.DateField(null=True, blank=True)
    decisions_circulated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="+")
    contact_for_child = models.CharField(max_length=300, blank=True,
                                         help_text="How the child can reach their IRO, as the letter says it")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    ratification = models.CharField(max_length=10, choices=Ratification.choices, blank=True)
    manager_response = models.TextField(blank=True)
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(signed_at__isnull=True) | Q(decisions_circulated_on__isnull=False),
                                   name="record_signed_after_decisions"),
            models.CheckConstraint(condition=Q(ratification="") | Q(signed_at__isnull=False),
                                   name="record_ratified_after_signing"),
            models.CheckConstraint(condition=~Q(ratification="responded") | ~Q(manager_response=""),
                                   name="record_response_has_text"),
        ]

    def __str__(self):
        return f"Record of {self.review}"

    @classmethod
    def section_names(cls) -> tuple[str, ...]:
        return tuple(name for name, _ in cls.SECTIONS)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ReviewDecision(CaseRecord):
    """A decision of the review: what is to be done, by whom (a person or an agency) and by when, tracked to
    done. Its due date is the one the IRO sets (no statutory timescale applies to a decision itself)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(help_text="Its number in the review's decisions (1, 2, ...)")
    description = models.TextField(help_text="What is to be done")
    child_words = models.TextField(blank=True, help_text="The same in plain words, for the child's letter")
    owner_name = models.CharField(max_length=200, help_text="Who will do it (a person or an agency)")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="review_decisions", db_index=False)  # indexed by decision_owner_open
    owner_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], condition=LIVE, name="decision_number_once"),
            models.CheckConstraint(condition=Q(status="open") | Q(done_on__isnull=False),
                                   name="closed_decision_has_date"),
            models.CheckConstraint(condition=~Q(status="dropped") | ~Q(progress_note=""),
                                   name="dropped_decision_has_reason"),
        ]
        indexes = [
            # the open decisions a person owns (their to-do list, the caseload's counts)
            models.Index(name="decision_owner_open", fields=["owner", "due_date"],
                         condition=Q(status="open") & LIVE),
        ]

    def __str__(self):
        return f"Decision {self.number}: {self.description[:80]}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def owner_label(self) -> str:
        """Who will do it: the person where one is named, else the role or agency (ADR 28)."""
        return owner_label(self.owner_name, self.owner)


class ReviewDocument(CaseRecord):
    """A published PDF of a review, kept as issued (bytes and their SHA-256): the record, and the letter to
    the child."""

    class Kind(models.TextChoices):
        RECORD = "record", "Review record"
        CHILD_LETTER = "child_letter", "Letter to the child"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["review", "kind", "version"],
                                               name="review_document_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}, version {self.version}"


class ChildVoiceLink(CaseRecord):
    """A secure link for the child (or their advocate) to give their views before one review, without an
    account: only the SHA-256 of its token is kept (the link is shown once, to the person who makes it). It
    opens this review's consultation form and nothing else, until it expires, is replaced or revoked, or the
    review is held."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="voice_links")
    token_hash = models.CharField(max_length=64, unique=True)
    for_advocate = models.BooleanField(default=False, help_text="Made for the child's advocate to fill in with them")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "for_advocate"], condition=Q(revoked_at__isnull=True) & LIVE,
                                    name="one_live_voice_link_per_review"),
        ]

    def __str__(self):
        return f"{'Advocate' if self.for_advocate else 'Child'}'s link for {self.review}"


class ChildConsultation(models.Model):
    """What the child (or their advocate with them) said before the review, in their own words, through their
    link: saved as they go and sent when they are ready. It lands in the review's consultation, suggests the
    participation code, and a child who says they do not feel safe is acted on at once."""

    class Advocate(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_SURE = "not_sure", "I'm not sure"

    class TakePart(models.TextChoices):
        COME_AND_SPEAK = "come_and_speak", "I want to come and say what I think"
        COME_WITH_HELP = "come_with_help", "I want to come and have someone say it for me"
        SOMEONE_FOR_ME = "someone_for_me", "I don't want to come. My advocate or my IRO can say what I think"
        THIS_FORM = "this_form", "I don't want to come. This form says what I think"

    class Safe(models.TextChoices):
        YES = "yes", "Yes"
        NOT_ALWAYS = "not_always", "Not always"
        NO = "no", "No, I feel unsafe"

    # The participation code each way of taking part suggests (SSDA903 REVIEW_CODE; the IRO decides)
    SUGGESTS = {TakePart.COME_AND_SPEAK: ParticipationCode.PN1, TakePart.COME_WITH_HELP: ParticipationCode.PN2,
                TakePart.SOMEONE_FOR_ME: ParticipationCode.PN5, TakePart.THIS_FORM: ParticipationCode.PN6}
    # What the child wrote, in the order the form asks (name, what the staff pages call it)
    ANSWERS = (
        ("home", "How things are where they live"),
        ("school", "School or college"),
        ("family", "Seeing family and friends"),
        ("to_decide", "What they want the review to decide"),
        ("who_comes", "Who they want at the review"),
        ("where", "Where they would like it to be"),
        ("anything_else", "Anything else"),
    )

    link = models.OneToOneField(ChildVoiceLink, on_delete=models.PROTECT, related_name="consultation")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="consultations")
    home = models.TextField(blank=True)
    school = models.TextField(blank=True)
    family = models.TextField(blank=True)
    to_decide = models.TextField(blank=True)
    who_comes = models.TextField(blank=True)
    where = models.TextField(blank=True)
    anything_else = models.TextField(blank=True)
    advocate = models.CharField(max_length=8, choices=Advocate.choices, blank=True)
    take_part = models.CharField(max_length=16, choices=TakePart.choices, blank=True)
    feel_safe = models.CharField(max_length=10, choices=Safe.choices, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the child sent it to their IRO")
    unsafe_told_at = models.DateTimeField(null=True, blank=True,
                                          help_text="When the social worker and their managers were told")
    history = HistoricalRecords()

    def __str__(self):
        return f"The child's views for {self.review}"

    @property
    def suggested_participation(self) -> str:
        return self.SUGGESTS.get(self.take_part, "")

    @property
    def feels_unsafe(self) -> bool:
        return self.feel_safe in (self.Safe.NO, self.Safe.NOT_ALWAYS)

# Later topics live in modules of their own (reviews/models/<topic>.py), imported here so that Django
# registers them; each keeps the rules above (CaseRecord, history, no hard delete).
from .fostering import ApprovalType, FosterCarerReview, FosterChildView, FosteringHousehold  # noqa: E402, F401
from .invitations import *  # noqa: E402, F401, F403  (ADR 15: invitations, consultation, advocacy, the IRO's introduction)
from .monitoring import CarePlanQA, Dispute, DisputeStage, MonitoringContact, QAJudgement, StatutoryVisit  # noqa: E402,F401,I001
