"""Between reviews (issue 10, section 3; ADR 14): what the IRO and the social worker do for a looked-after
child from one review to the next.

- ``MonitoringContact``: the IRO's mid-point checks of the care plan and contacts with the child (date, kind,
  who, what was found); a mid-point check meets the open ``lac_midpoint_check*`` deadline;
- ``StatutoryVisit``: the social worker's visits to the child (reg 28), each meeting the open visit deadline
  and opening the next (``lac_visit_first`` in the first week of a placement, then ``lac_visit_next`` or
  ``lac_visit_next_long_term``);
- ``CarePlanQA`` and its ``QAJudgement`` rows: the IRO's structured judgement of the care plan (good /
  requires improvement / inadequate on each of ``QA_CRITERIA``, the child's lived experience first), the
  feedback to the social worker and their team manager, and their response (``lac_qa_response``);
- ``Dispute`` and its ``DisputeStage`` rows: the IRO's informal alert, then the formal stages of
  ``DISPUTE_STAGES`` (each a ``iro_dispute_resolution`` deadline), a stage skipped with a reason, the
  response at each stage, a referral to Cafcass at any point, and the outcome.

Nothing here is hard-deleted or changed after it is recorded (a mistake is marked entered in error); each
model keeps its history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

LIVE = Q(entered_in_error_at__isnull=True)


class MonitoringContact(CaseRecord):
    """One mid-point check of the care plan, or one contact of the IRO with the child, between reviews."""

    class Kind(models.TextChoices):
        MIDPOINT = "midpoint", "Mid-point check of the care plan"
        VISIT = "visit", "Visit to the child"
        CALL = "call", "Phone or video call with the child"
        MESSAGE = "message", "Message or letter with the child"
        OTHER = "other", "Contact with someone else about the child"

    # the kinds that are a contact with the child (the caseload's "last contact", Ofsted's list 8)
    WITH_CHILD = (Kind.VISIT, Kind.CALL, Kind.MESSAGE)

    episode = models.ForeignKey("reviews.LookedAfterEpisode", on_delete=models.PROTECT,
                                related_name="monitoring_contacts")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    contacted_on = models.DateField()
    who = models.CharField(max_length=200, help_text="Who the IRO saw or spoke to")
    summary = models.TextField(help_text="What the IRO found")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contacted_on", "-id"]
        indexes = [
            # the last contact with the child, per period of care (the caseload)
            models.Index(name="monitoring_contact_child", fields=["episode", "contacted_on"],
                         condition=Q(kind__in=("visit", "call", "message")) & LIVE),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.contacted_on:%-d %B %Y}"


class StatutoryVisit(CaseRecord):
    """A visit of the social worker (the authority's representative) to the child, as reg 28 requires."""

    episode = models.ForeignKey("reviews.LookedAfterEpisode", on_delete=models.PROTECT,
                                related_name="statutory_visits")
    placement = models.ForeignKey("reviews.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="The placement the child was in that day")
    visited_on = models.DateField()
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The social worker who visited")
    visitor_name = models.CharField(max_length=200)
    seen_alone = models.BooleanField(default=False, help_text="The child was seen on their own")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["episode", "visited_on"], name="visit_episode_day")]

    def __str__(self):
        return f"Visit on {self.visited_on:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.episode.child.local_child_id


class Grade(models.TextChoices):
    """The IRO's judgement on one part of the care plan (the Ofsted words)."""

    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


# The parts of the care plan the IRO judges, in order: the child's lived experience first, not process
# (name, label, what the IRO asks). ``leaving_care`` is judged from 16, when a pathway plan is made.
QA_CRITERIA = (
    ("lived_experience", "The child's lived experience",
     "What is life like for the child now? Does the plan make a difference to it, and does it carry their wishes "
     "and feelings?"),
    ("permanence", "Permanence", "Is there a plan for permanence, and is it moving without drift?"),
    ("placement", "Placement", "Does the placement meet the child's needs, and is it stable?"),
    ("health", "Health", "Are the child's health needs known and met?"),
    ("education", "Education", "Is the child learning and making progress? Is the PEP up to date?"),
    ("contact", "Contact with family and friends", "Does the child see the people who matter to them, safely?"),
    ("identity", "Identity", "Are the child's identity, culture, faith and life story understood and supported?"),
    ("leaving_care", "Leaving care", "Is the pathway plan preparing the young person for adult life?"),
)
QA_CRITERION_LABELS = {name: label for name, label, _hint in QA_CRITERIA}


class CarePlanQA(CaseRecord):
    """The IRO's quality assurance of the child's care plan: a judgement on each criterion with a comment, and
    feedback to the social worker and their team manager, who respond."""

    episode = models.ForeignKey("reviews.LookedAfterEpisode", on_delete=models.PROTECT, related_name="care_plan_qas")
    care_plan = models.ForeignKey("reviews.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  help_text="The version of the care plan judged (the current one that day)")
    iro = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    judged_on = models.DateField()
    feedback = models.TextField(help_text="What the IRO tells the social worker and their team manager")
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-judged_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(responded_on__isnull=True) & Q(response=""))
                                   | (Q(responded_on__isnull=False) & ~Q(response="")),
                                   name="qa_response_has_text_and_date"),
        ]
        indexes = [models.Index(fields=["judged_on"], name="qa_judged_on")]  # the themes over a period

    def __str__(self):
        return f"Quality assurance of the care plan, {self.judged_on:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.episode.child.local_child_id

    @property
    def is_answered(self) -> bool:
        return self.responded_on is not None


class QAJudgement(models.Model):
    """The IRO's grade and comment on one criterion of a quality assurance (written once, with it)."""

    qa = models.ForeignKey(CarePlanQA, on_delete=models.PROTECT, related_name="judgements")
    position = models.PositiveSmallIntegerField(help_text="Its place in QA_CRITERIA")
    criterion = models.CharField(max_length=20, choices=[(n, label) for n, label, _h in QA_CRITERIA])
    grade = models.CharField(max_length=20, choices=Grade.choices)
    comment = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["qa", "position"]
        constraints = [models.UniqueConstraint(fields=["qa", "criterion"], name="one_judgement_per_criterion")]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.get_grade_display()}"


# The stages of the IRO's dispute resolution, in order (number, name, who the IRO raises it with). Stage 0
# is the informal alert; the formal stages end with the director. A service with other stages changes this
# list (timescales section 2.5: Southwark, Hull, Nottinghamshire, Northamptonshire). The IRO may skip any
# stage (with a reason) and refer to Cafcass at any point (reg 45).
DISPUTE_STAGES = (
    (0, "Informal alert", "The social worker or their team manager"),
    (1, "Formal stage 1", "The team manager"),
    (2, "Formal stage 2", "The service manager"),
    (3, "Formal stage 3", "The head of service"),
    (4, "Formal stage 4", "The director of children's services"),
)
INFORMAL_STAGE = DISPUTE_STAGES[0][0]
LAST_STAGE = DISPUTE_STAGES[-1][0]
STAGE_NAMES = {number: name for number, name, _who in DISPUTE_STAGES}
STAGE_WHO = {number: who for number, _name, who in DISPUTE_STAGES}


class Dispute(CaseRecord):
    """The IRO's challenge about a child's care plan: an informal alert, then the formal stages, until it is
    resolved, closed or referred to Cafcass."""

    class Category(models.TextChoices):
        """What the IRO is worried about (typical triggers, Nottinghamshire; timescales section 2.5)."""

        DRIFT = "drift", "Care planning drift or delay"
        PERMANENCE = "permanence", "No permanence or exit plan"
        UNALLOCATED = "unallocated", "No allocated social worker"
        DECISIONS = "decisions", "Review decisions not carried out"
        PRACTICE = "practice", "Poor practice"
        PARTICIPATION = "participation", "The child's participation"
        PLACEMENT = "placement", "The placement does not meet the child's needs"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved: the plan was put right"
        NOT_AGREED = "not_agreed", "Closed without agreement"
        CAFCASS = "cafcass", "Referred to Cafcass"
        WITHDRAWN = "withdrawn", "Withdrawn by the IRO"

    episode = models.ForeignKey("reviews.LookedAfterEpisode", on_delete=models.PROTECT, related_name="disputes")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    category = models.CharField(max_length=16, choices=Category.choices)
    concern = models.TextField(help_text="What the IRO is worried about")
    wanted = models.TextField(help_text="What the IRO wants to happen")
    stage = models.PositiveSmallIntegerField(default=INFORMAL_STAGE, help_text="The stage it has reached")
    cafcass_referred_on = models.DateField(null=True, blank=True)
    cafcass_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(closed_on__isnull=True) & Q(outcome=""))
                                   | (Q(closed_on__isnull=False) & ~Q(outcome="")), name="closed_dispute_has_outcome"),
            models.CheckConstraint(condition=~Q(outcome="cafcass") | Q(cafcass_referred_on__isnull=False),
                                   name="cafcass_outcome_has_referral"),
            models.CheckConstraint(condition=Q(cafcass_referred_on__isnull=True) | ~Q(cafcass_reason=""),
                                   name="cafcass_referral_has_reason"),
            models.CheckConstraint(condition=Q(stage__lte=LAST_STAGE), name="dispute_stage_known"),
        ]
        indexes = [
            # the open disputes of a period of care (the caseload's count)
            models.Index(name="dispute_open", fields=["episode"], condition=Q(closed_on__isnull=True) & LIVE),
        ]

    def __str__(self):
        return f"Dispute raised on {self.raised_on:%-d %B %Y}"

    @property
    def deadline_reference(self) -> str:
        return self.episode.child.local_child_id

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @property
    def is_formal(self) -> bool:
        return self.stage > INFORMAL_STAGE


class DisputeStage(CaseRecord):
    """One stage of a dispute: with whom it was raised and when, their response; or why it was skipped."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="stages")
    number = models.PositiveSmallIntegerField()
    raised_with = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    raised_with_name = models.CharField(max_length=200, blank=True, help_text="Who it was raised with, in words")
    started_on = models.DateField(null=True, blank=True)
    skipped_reason = models.TextField(blank=True)
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responder_name = models.CharField(max_length=200, blank=True, help_text="Who gave the response")
    response_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True, help_text="When the dispute moved on from this stage, or closed")
    history = HistoricalRecords()

    class Meta:
        ordering = ["dispute", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "number"], condition=LIVE, name="one_row_per_dispute_stage"),
            models.CheckConstraint(condition=(Q(started_on__isnull=True) & ~Q(skipped_reason=""))
                                   | (Q(started_on__isnull=False) & Q(skipped_reason="")),
                                   name="stage_started_or_skipped"),
            models.CheckConstraint(condition=(Q(responded_on__isnull=True) & Q(response=""))
                                   | (Q(responded_on__isnull=False) & ~Q(response="")),
                                   name="stage_response_has_text_and_date"),
        ]

    def __str__(self):
        return STAGE_NAMES.get(self.number, f"Stage {self.number}")

    @property
    def name(self) -> str:
        return STAGE_NAMES.get(self.number, f"Stage {self.number}")

    @property
    def skipped(self) -> bool:
        return self.started_on is None

    @property
    def deadline_reference(self) -> str:
        return self.dispute.episode.child.local_child_id
