"""The escalation API's serializers (ADR 25): separate inputs (types only; the service validates and decides) and
outputs (an escalation as the caller may read it: the child's id only when the caller may open the record)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Escalation, EscalationStep


class EscalationAgencyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class EscalationStepOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EscalationStep.Kind.choices)
    stage = serializers.IntegerField()
    on = serializers.DateField()
    agency = EscalationAgencyOutput(allow_null=True)
    text = serializers.CharField()


class EscalationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="escalation.public_id")
    route = serializers.ChoiceField(choices=Escalation.Route.choices, source="escalation.route")
    category = serializers.ChoiceField(choices=Escalation.Category.choices, source="escalation.category")
    about_a_child = serializers.BooleanField(help_text="Whether it is about one child (see ``child``)")
    child = serializers.UUIDField(allow_null=True, help_text="The child's id, when you may open the child's record")
    theme = serializers.CharField(source="escalation.theme")
    concern = serializers.CharField(source="escalation.concern")
    wanted = serializers.CharField(source="escalation.wanted")
    raising_agency = EscalationAgencyOutput(source="escalation.raising_agency")
    raised_with_agency = EscalationAgencyOutput(source="escalation.raised_with_agency")
    raised_on = serializers.DateField(source="escalation.raised_on")
    stage = serializers.IntegerField(source="escalation.stage", help_text="The stage reached (1 is the first)")
    stage_name = serializers.CharField()
    due_on = serializers.DateField(allow_null=True, help_text="When the answer at this stage is due (open only)")
    overdue = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=Escalation.Outcome.choices, allow_blank=True,
                                      source="escalation.outcome", help_text="Empty while it is open")
    closed_on = serializers.DateField(allow_null=True, source="escalation.closed_on")


class EscalationDetailOutput(EscalationOutput):
    steps = EscalationStepOutput(many=True, help_text="Every step, oldest first")


class EscalationInput(serializers.Serializer):
    raising_agency = serializers.UUIDField(required=False, allow_null=True, default=None,
                                           help_text="Your agency's id (needed only if you work in more than one)")
    raised_with_agency = serializers.UUIDField(help_text="The id of the agency you disagree with")
    raised_with_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Escalation.Category.choices,
                                       help_text="What it is about (a conference's decision is disputed through the "
                                                 "conference: not here)")
    concern = serializers.CharField(help_text="What the difference is")
    wanted = serializers.CharField(required=False, allow_blank=True, default="")
    child = serializers.UUIDField(required=False, allow_null=True, default=None,
                                  help_text="A child whose record you may open; or give a theme")
    theme = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    raised_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today")


class ResponseInput(serializers.Serializer):
    agency = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="The agency you answer for (needed only if you answer for more than one)")
    response = serializers.CharField()
    responded_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today")
    late_reason = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="Needed when the answer comes after the stage's date")
