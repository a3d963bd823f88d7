"""Reviews API: separate output and input serializers. Outputs shape what a caller may see (the views decide
which rows, through the policies); inputs only check types. Every write goes through reviews.services.

No output carries what a review's record says (the child's wishes, the views of others, the IRO's
assessment), the child's consultation or any address: a review is its summary (dates, status, the SSDA903
participation code), and a decision is what was decided, by whom and by when (ADR 16).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..codes import ParticipationCode
from ..models import Review, ReviewDecision
from ..services.completion import NOTE_MAX


def _or_none(value):
    return value or None


class DecisionAgencyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ReviewChildOutput(serializers.Serializer):
    """The child's name and date of birth only: nothing else of the record."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="full_name")
    date_of_birth = serializers.DateField(allow_null=True)


class ReviewOutput(serializers.Serializer):
    """A looked-after review (reg 33), as its summary."""

    id = serializers.UUIDField(source="public_id")
    child = ReviewChildOutput(source="episode.child")
    status = serializers.ChoiceField(choices=Review.Status.choices)
    number = serializers.SerializerMethodField(
        help_text="Which review of the period of care it was (set when it is held)")
    early = serializers.BooleanField(source="is_early", help_text="Held before it was due (an early review)")
    planned_for = serializers.DateField(allow_null=True, help_text="The day it is (or was) booked for")
    held_on = serializers.DateField(
        allow_null=True, help_text="The date of the review on the SSDA903 return (REVIEW): its last session")
    participation_code = serializers.SerializerMethodField(
        help_text="How the child took part (SSDA903 REVIEW_CODE), once the review is held")
    iro = serializers.CharField(source="iro.full_name", allow_null=True, read_only=True,
                                help_text="The independent reviewing officer who chairs it")

    @extend_schema_field(serializers.ChoiceField(choices=Review.Number.choices, allow_null=True))
    def get_number(self, obj):
        return _or_none(obj.number)

    @extend_schema_field(serializers.ChoiceField(choices=ParticipationCode.choices, allow_null=True))
    def get_participation_code(self, obj):
        return _or_none(obj.participation)


class DecisionReviewOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    held_on = serializers.DateField(allow_null=True, help_text="The day of the review that made the decision")


class DecisionOutput(serializers.Serializer):
    """A decision of a review: what is to be done, by whom and by when, and where it stands."""

    id = serializers.UUIDField(source="public_id")
    number = serializers.IntegerField(help_text="Its number among the review's decisions")
    review = DecisionReviewOutput()
    child = ReviewChildOutput(source="review.episode.child")
    description = serializers.CharField(help_text="What is to be done")
    owner = serializers.CharField(source="owner_name", help_text="Who will do it (a person or an agency)")
    owner_agency = DecisionAgencyOutput(allow_null=True, help_text="The agency that owns it, if an agency does")
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ReviewDecision.Status.choices)
    overdue = serializers.SerializerMethodField(help_text="Still open after its due date")
    done_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(source="progress_note", help_text="What has been done (or why it is no longer "
                                                                   "needed); empty if nothing is noted")

    def get_overdue(self, obj) -> bool:
        return obj.status == ReviewDecision.Status.OPEN and obj.due_date < self.context["today"]


class DecisionCompleteInput(serializers.Serializer):
    done_on = serializers.DateField(help_text="The day it was done: today or earlier, not before the review")
    note = serializers.CharField(max_length=NOTE_MAX, help_text="What was done")
