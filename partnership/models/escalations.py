"""One multi-agency escalation register (issue 12, section 4; ADR 25).

An ``Escalation`` is a professional difference raised in the register (about a child or a theme, on the stages
of the partnership's protocol, ``partnership.protocol``), or an escalation that began elsewhere and is kept here
by its route: dissent from a child protection conference, a chair's escalation from a mid-way audit, an IRO's
dispute. Every step (raised, a response, moved on, a meeting requested or held, closed, a routed change) is an
``EscalationStep`` with who and why; the escalation's own history is kept too. Nothing is deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ._base import _Kept

OPEN_ESCALATION = Q(closed_on__isnull=True)


class Escalation(_Kept):
    class Route(models.TextChoices):
        PROFESSIONAL_DIFFERENCE = "professional_difference", "Professional difference"
        CONFERENCE_DISSENT = "conference_dissent", "Dissent from a child protection conference"
        MIDWAY_AUDIT = "midway_audit", "Chair's escalation from a mid-way audit"
        IRO_DISPUTE = "iro_dispute", "IRO dispute resolution"

    class Category(models.TextChoices):
        """What the difference is about (statutory-timescales.md 5.3; the project's vocabulary)."""

        THRESHOLD = "threshold", "Threshold or decision at referral"
        ASSESSMENT = "assessment", "Outcome of an assessment"
        PLAN_PROGRESS = "plan_progress", "A child protection or care plan not progressing"
        INFORMATION_SHARING = "information_sharing", "Information sharing"
        ATTENDANCE = "attendance", "Attendance at meetings"
        ROLES = "roles", "Roles and responsibilities"
        SERVICE_PROVISION = "service_provision", "Service provision"
        STEP_UP_DOWN = "step_up_down", "Step up, step down or closure"
        CONFERENCE_DECISION = "conference_decision", "A child protection conference's decision"

    class Outcome(models.TextChoices):
        RESOLVED_AGREED = "resolved_agreed", "Resolved: agreed"
        RESOLVED_NOT_AGREED = "resolved_not_agreed", "Resolved: not agreed"
        ESCALATED_TO_PARTNERSHIP = "escalated_to_partnership", "Escalated to the partnership"
        WITHDRAWN = "withdrawn", "Withdrawn"

    route = models.CharField(max_length=30, choices=Route.choices, default=Route.PROFESSIONAL_DIFFERENCE)
    source_id = models.UUIDField(null=True, blank=True, help_text="The public id of the record it came from "
                                 "(a conference, a mid-way audit, an IRO dispute)")
    child = models.ForeignKey("cases.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    theme = models.CharField(max_length=200, blank=True, help_text="What a difference not about one child is about")
    category = models.CharField(max_length=30, choices=Category.choices)
    concern = models.TextField()
    wanted = models.TextField(blank=True, help_text="What the raiser wants to happen")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raising_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    raised_with_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    raised_with_name = models.CharField(max_length=200, blank=True, help_text="Who at that agency, in words")
    raised_on = models.DateField()
    stage = models.PositiveSmallIntegerField(default=1, help_text="The stage reached (1 is the first)")
    stage_key = models.CharField(max_length=50, blank=True, help_text="The protocol's rule for the stage reached "
                                 "(blank for an escalation kept by its route)")
    stage_label = models.CharField(max_length=200, blank=True, help_text="A routed escalation's stage, in its "
                                   "own words")
    stage_started_on = models.DateField()
    route_due_on = models.DateField(null=True, blank=True, help_text="A routed escalation's current due date")
    meeting_requested_on = models.DateField(null=True, blank=True)
    meeting_requested_by = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+")
    meeting_held_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(closed_on__isnull=True) & Q(outcome=""))
                                   | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                                   name="partnership_escalation_closed_with_outcome"),
            models.CheckConstraint(condition=Q(route="professional_difference") | Q(source_id__isnull=False),
                                   name="partnership_escalation_route_has_source"),
            models.CheckConstraint(condition=~Q(child__isnull=True, theme=""),
                                   name="partnership_escalation_child_or_theme"),
            models.UniqueConstraint(fields=["route", "source_id"], condition=Q(source_id__isnull=False),
                                    name="partnership_escalation_once_per_source"),
        ]
        indexes = [models.Index(fields=["raised_on"], condition=OPEN_ESCALATION, name="partnership_escalation_open")]

    def __str__(self):
        return f"{self.get_route_display()} ({self.raised_on:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_routed(self) -> bool:
        return self.route != self.Route.PROFESSIONAL_DIFFERENCE


class EscalationStep(_Kept):
    """One step of an escalation, with who and why: the history the register and the escalation's page show."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        RESPONSE = "response", "Response"
        MOVED_ON = "moved_on", "Moved to the next stage"
        MEETING_REQUESTED = "meeting_requested", "Multi-agency resolution meeting requested"
        MEETING_HELD = "meeting_held", "Multi-agency resolution meeting held"
        ROUTE_UPDATE = "route_update", "Changed where it began"
        CLOSED = "closed", "Closed"

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField()
    on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.on:%d %b %Y})"
