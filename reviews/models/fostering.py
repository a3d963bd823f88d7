"""Foster carers' reviews (issue 10, section 3): one IRO of the service reviews the foster carers' approval.

- ``FosteringHousehold``: an approved fostering household of the local authority's fostering service: the
  carers' names, the approval (its type, terms and number of places, and when it was given), the supervising
  social worker, the reviewing officer (the IRO who reviews the household), and a note of any allegation
  about the carers with the LADO's reference (the LADO process is not in the hub yet: this is where it will
  link).
- ``FosterCarerReview``: the review of the approval (Fostering Services (England) Regulations 2011, reg 28):
  not more than a year after approval, then at intervals of not more than a year (``foster_carer_review``,
  the household's deadline). The carers' views, the views of the authorities that placed children with
  them, the reviewing officer's report and a recommendation to the fostering panel (continue, change the
  terms, end the approval).
- ``FosterChildView``: what a child placed with the household said for the review (reg 28(3)(b)(ii),
  subject to their age and understanding): a child of the authority by their record, or a child placed by
  another authority named in words.

Nothing here is ever hard-deleted; every model keeps its history (who, when, why).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

LIVE = Q(entered_in_error_at__isnull=True)
APPROVED = Q(ended_on__isnull=True) & LIVE


class ApprovalType(models.TextChoices):
    """The kind of fostering the carers are approved for (the terms of approval say more)."""

    SHORT_TERM = "short_term", "Short-term fostering"
    LONG_TERM = "long_term", "Long-term fostering"
    SHORT_BREAKS = "short_breaks", "Short breaks"
    EMERGENCY = "emergency", "Emergency placements"
    PARENT_AND_CHILD = "parent_and_child", "Parent and child"
    CONNECTED_PERSON = "connected_person", "Family and friends (connected person)"
    NAMED_CHILD = "named_child", "A named child only"


class FosteringHousehold(CaseRecord):
    """An approved fostering household of a local authority's fostering service."""

    fostering_service = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                          help_text="The local authority whose fostering service approved them")
    reference = models.CharField(max_length=40, help_text="The fostering service's reference for the household "
                                                          "(deadlines and emails use it, never the names)")
    first_carer = models.CharField(max_length=200)
    second_carer = models.CharField(max_length=200, blank=True)
    approval_type = models.CharField(max_length=20, choices=ApprovalType.choices)
    approval_terms = models.TextField(help_text="The terms of approval (for example: up to two children aged 0 to 10)")
    places = models.PositiveSmallIntegerField(help_text="How many children they are approved for at one time")
    approved_on = models.DateField()
    # indexed by household_supervised (the supervising social worker's households)
    supervising_social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                                  related_name="fostering_households_supervised", db_index=False)
    # indexed by household_reviewed (the reviewing officer's households)
    reviewing_officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="fostering_households_reviewed", db_index=False)
    allegations_note = models.TextField(blank=True, help_text="Any allegation about the carers, and where it is "
                                                              "dealt with")
    lado_reference = models.CharField(max_length=100, blank=True,
                                      help_text="The LADO's reference for an allegation (the LADO process is not in "
                                                "the hub yet)")
    ended_on = models.DateField(null=True, blank=True, help_text="The day the approval ended")
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fostering_service", "reference"], condition=LIVE,
                                    name="household_reference_once"),
            models.CheckConstraint(condition=Q(places__gte=1), name="household_has_places"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                                   name="household_end_has_reason"),
        ]
        indexes = [
            models.Index(name="household_reviewed", fields=["reviewing_officer"], condition=LIVE),
            models.Index(name="household_supervised", fields=["supervising_social_worker"], condition=LIVE),
        ]

    def __str__(self):
        return f"Fostering household {self.reference}"

    @property
    def carers(self) -> str:
        return " and ".join(n for n in (self.first_carer, self.second_carer) if n)

    @property
    def deadline_reference(self) -> str:
        return f"Fostering household {self.reference}"

    @property
    def is_approved(self) -> bool:
        return self.ended_on is None


class FosterCarerReview(CaseRecord):
    """The review of a household's approval (reg 28), by its reviewing officer."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Booked"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Recommendation(models.TextChoices):
        """The reviewing officer's recommendation to the fostering panel (reg 28(4): whether the carers and
        their household remain suitable, and whether the terms of approval remain appropriate)."""

        CONTINUE = "continue", "Continue the approval on the same terms"
        CHANGE_TERMS = "change_terms", "Continue the approval on new terms"
        TERMINATE = "terminate", "End the approval"

    household = models.ForeignKey(FosteringHousehold, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # indexed by foster_review_held (the reviews an officer holds or held)
    reviewing_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          related_name="foster_carer_reviews", db_index=False)
    planned_for = models.DateField(help_text="The day of the review meeting")
    late_reason = models.TextField(blank=True, help_text="Why the review is booked after the date it is due by")
    held_on = models.DateField(null=True, blank=True)
    carers_views = models.TextField(blank=True)
    placing_authorities_views = models.TextField(
        blank=True, help_text="The views of the authorities that placed a child with the carers in the last year")
    report = models.TextField(blank=True, help_text="The reviewing officer's report: whether the carers and their "
                                                    "household remain suitable and the terms appropriate")
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    proposed_terms = models.TextField(blank=True, help_text="The new terms the reviewing officer recommends")
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_for", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(status="scheduled") & LIVE,
                                    name="one_booked_foster_review"),
            models.CheckConstraint(condition=~Q(status="completed") | (Q(held_on__isnull=False)
                                                                       & ~Q(recommendation="")
                                                                       & Q(completed_at__isnull=False)),
                                   name="completed_foster_review_has_outcome"),
            models.CheckConstraint(condition=~Q(status="completed", recommendation="change_terms")
                                   | ~Q(proposed_terms=""), name="new_terms_are_given"),
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                                   name="cancelled_foster_review_has_reason"),
        ]
        indexes = [
            models.Index(name="foster_review_held", fields=["reviewing_officer"], condition=LIVE),
        ]

    def __str__(self):
        when = self.held_on or self.planned_for
        return f"Foster carers' review of {when:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.household.deadline_reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED


class FosterChildView(CaseRecord):
    """What a child placed with the household said for the review, and how they were asked."""

    class How(models.TextChoices):
        AT_THE_REVIEW = "at_the_review", "Took part in the review meeting"
        SEEN_ALONE = "seen_alone", "Seen by the reviewing officer on their own"
        IN_WRITING = "in_writing", "Wrote their views (a form, a letter or a drawing)"
        THROUGH_SOMEONE = "through_someone", "Through their social worker or advocate"
        NOT_CONSULTED = "not_consulted", "Not consulted (too young, or not able to understand)"

    review = models.ForeignKey(FosterCarerReview, on_delete=models.PROTECT, related_name="child_views")
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              help_text="A child of the authority, by their record")
    child_name = models.CharField(max_length=200, blank=True,
                                  help_text="A child placed by another authority, named in words")
    placing_authority = models.CharField(max_length=200, blank=True)
    how = models.CharField(max_length=16, choices=How.choices)
    views = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(child__isnull=False) | ~Q(child_name=""), name="child_view_names_child"),
            models.UniqueConstraint(fields=["review", "child"], condition=Q(child__isnull=False) & LIVE,
                                    name="one_view_per_child_per_review"),
        ]

    def __str__(self):
        return f"A child's views for {self.review}"
