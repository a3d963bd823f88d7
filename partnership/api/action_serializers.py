"""The review actions API's serializers (ADR 24): separate input and output."""

from __future__ import annotations

from rest_framework import serializers

from safeguarding.uploads.models import ScanStatus

from ..models import ReviewAction

UPDATE_STATUSES = [c for c in ReviewAction.Status.choices if c[0] != ReviewAction.Status.NOT_STARTED]


class ActionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    review = serializers.CharField(source="review.reference", help_text="The review's reference (never a name)")
    review_kind = serializers.ChoiceField(source="review.kind", choices=[("lcspr", "lcspr"),
                                                                         ("learning_review", "learning_review")])
    number = serializers.IntegerField()
    recommendation = serializers.CharField(source="recommendation.text")
    description = serializers.CharField()
    owner_agency = serializers.CharField(source="owner_agency.name")
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ReviewAction.Status.choices)
    overdue = serializers.BooleanField(help_text="Open and past its due date")
    progress_note = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    no_evidence_reason = serializers.CharField()
    evidence_count = serializers.IntegerField(help_text="Files of evidence (not withdrawn, no virus found)")


class ActionUpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=UPDATE_STATUSES,
                                     help_text="in_progress; complete (needs completed_on, and evidence uploaded "
                                               "or no_evidence_reason); cancelled (the business unit only, with "
                                               "cancel_reason)")
    progress_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    no_evidence_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    cancel_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ActionEvidenceInput(serializers.Serializer):
    file = serializers.FileField(help_text="A document (PDF, Word, Excel, PowerPoint, OpenDocument, RTF, text, "
                                           "CSV) or an image (JPEG, PNG, HEIC), up to the hub's upload limit")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                        help_text="What the file is")


class ActionEvidenceOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    description = serializers.CharField()
    content_type = serializers.CharField(help_text="The type found in the file's bytes")
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    scan_status = serializers.ChoiceField(choices=ScanStatus.choices)
