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

Nothing here is ever hard-deleted; every model keeps its history (who, when, why). The SSDA903 code
lists are in ``reviews.codes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from .codes import (
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
