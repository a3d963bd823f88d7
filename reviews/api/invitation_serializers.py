"""Serializers of the review invitations API (``reviews.api.invitations``; ADR 15): separate output and input.
Outputs shape what a caller may see (the views decide which rows); inputs only check types. Every write goes
through ``reviews.services``.

Email addresses are never in any output: an invitation is its role, the person's name and their agency or
organisation; the review is its day, time and place, and the child's name and date of birth only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import InviteeConsultation, Review, ReviewInvitation
from ..rules import VOICE_ANSWER_MAX


class ReviewInvitationAgencyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ReviewInvitationChildOutput(serializers.Serializer):
    """The child's name and date of birth only: nothing else of the record."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="full_name")
    date_of_birth = serializers.DateField(allow_null=True)


class ReviewInvitationReviewOutput(serializers.Serializer):
    """The review the invitation is to: when and where, and whose."""

    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=Review.Status.choices)
    date = serializers.DateField(source="planned_for", allow_null=True, help_text="The day of the review, once booked")
    starts_at = serializers.SerializerMethodField(help_text="When it starts, once its time and place are set")
    ends_at = serializers.SerializerMethodField(help_text="When it ends, if set")
    venue = serializers.SerializerMethodField(help_text="Where it is (empty when online only)")
    online_link = serializers.SerializerMethodField(help_text="The link to join online, if any")
    child = ReviewInvitationChildOutput(source="episode.child")

    def _meeting(self, review):
        try:
            return review.meeting if review.planned_for else None
        except Review.meeting.RelatedObjectDoesNotExist:
            return None

    def _at(self, review, which):
        from ..invitation_calendar import starts_of

        meeting = self._meeting(review)
        return starts_of(review, meeting)[which] if meeting else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_starts_at(self, review):
        return serializers.DateTimeField().to_representation(self._at(review, 0)) if self._meeting(review) else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_ends_at(self, review):
        ends = self._at(review, 1)
        return serializers.DateTimeField().to_representation(ends) if ends else None

    @extend_schema_field(serializers.CharField())
    def get_venue(self, review) -> str:
        meeting = self._meeting(review)
        return meeting.venue if meeting else ""

    @extend_schema_field(serializers.CharField())
    def get_online_link(self, review) -> str:
        meeting = self._meeting(review)
        return meeting.online_link if meeting else ""


class ReviewInvitationOutput(serializers.ModelSerializer):
    """An invitation to a looked-after review."""

    id = serializers.UUIDField(source="public_id")
    invitee = serializers.ChoiceField(choices=ReviewInvitation.Invitee.choices,
                                      help_text="Who they are at the review")
    agency = ReviewInvitationAgencyOutput(allow_null=True, help_text="The agency the invitation is for, if any")
    withdrawn = serializers.SerializerMethodField(help_text="The person is no longer invited")
    sent = serializers.SerializerMethodField(help_text="The calendar invitation has been emailed")
    review = ReviewInvitationReviewOutput()

    class Meta:
        model = ReviewInvitation
        fields = ["id", "invitee", "name", "agency", "organisation", "withdrawn", "sent", "review"]

    @extend_schema_field(serializers.BooleanField())
    def get_withdrawn(self, obj) -> bool:
        return not obj.is_current

    @extend_schema_field(serializers.BooleanField())
    def get_sent(self, obj) -> bool:
        return obj.was_sent


def _text(help_text: str) -> serializers.CharField:
    return serializers.CharField(max_length=VOICE_ANSWER_MAX, required=False, allow_blank=True, default="",
                                 help_text=help_text)


class ReviewInvitationViewsInput(serializers.Serializer):
    """The agency's views for the review, section by section; every section may be left empty."""

    how_child_is = _text("How the child is doing, as the agency sees it")
    going_well = _text("What is going well")
    worries = _text("What worries the agency")
    contact = _text("Contact with family and friends, if the agency knows of it")
    to_decide = _text("What the agency would like the review to decide (its recommendations)")
    anything_else = _text("Anything else")
    attending = serializers.ChoiceField(choices=InviteeConsultation.Attending.choices, required=False,
                                        allow_blank=True, default="", help_text="Whether they will come")


class ReviewInvitationViewsOutput(serializers.Serializer):
    """The views given on an invitation: empty, with ``sent_at`` null, until they are sent."""

    how_child_is = serializers.CharField()
    going_well = serializers.CharField()
    worries = serializers.CharField()
    contact = serializers.CharField()
    to_decide = serializers.CharField()
    anything_else = serializers.CharField()
    attending = serializers.CharField(help_text="yes, no, not_sure, or empty")
    via = serializers.CharField(help_text="link (a parent's or carer's own link), api, or empty")
    saved_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
