"""The referral API's serializers (issue 12, section 1): separate inputs (types only; ``referral_make`` validates
and decides) and outputs (a referral as the agency that made it may read it: what it sent and the triage outcome;
never whether a child is known to the hub, nor the practice review group's rationale)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Referral


class PartnershipReferredChildInput(serializers.Serializer):
    first_names = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    surname = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="Needed for a care leaver's death (up to 25)")
    nhs_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                       help_text="10 digits, with a valid check digit")
    upn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                help_text="The unique pupil number (13 characters, with its check letter)")


class PartnershipReferralInput(serializers.Serializer):
    """A case referred to the safeguarding partnership for review (or another notification it records)."""

    referring_agency = serializers.UUIDField(required=False, allow_null=True, default=None,
                                             help_text="Your agency's id (needed only if you work in more than one)")
    local_authority = serializers.UUIDField(help_text="The id of the local authority where it happened")
    kind = serializers.ChoiceField(choices=Referral.Kind.choices, default=Referral.Kind.CASE_REVIEW,
                                   help_text="A referral for a case review, or the death of a looked-after child, "
                                             "of a care leaver up to 25, or of a child in a regulated setting")
    aware_on = serializers.DateField(help_text="When your agency became aware (Working Day 1; not in the future)")
    what_happened = serializers.CharField(max_length=50_000, help_text="What happened")
    criteria_reason = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="",
                                            help_text="Why it may meet the criteria for a review")
    children = serializers.ListField(child=PartnershipReferredChildInput(), min_length=1, max_length=50,
                                     help_text="The child or children (at least one)")


class PartnershipReferralAgencyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class PartnershipReferredChildOutput(serializers.Serializer):
    """A child as your agency described them (whether the hub knows the child is never said)."""

    first_names = serializers.CharField()
    surname = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    nhs_number = serializers.CharField()
    upn = serializers.CharField()


class PartnershipReferralOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Referral.Kind.choices)
    referring_agency = PartnershipReferralAgencyOutput()
    local_authority = PartnershipReferralAgencyOutput()
    aware_on = serializers.DateField()
    referred_at = serializers.DateTimeField(source="created_at")
    triage = serializers.ChoiceField(choices=Referral.Triage.choices,
                                     help_text="The practice review group's decision: pending until it is made; "
                                               "serious_incident (a rapid review), learning_review or no_review")
    triaged_on = serializers.DateField(allow_null=True, help_text="When the decision was made (null while pending)")


class PartnershipReferralDetailOutput(PartnershipReferralOutput):
    what_happened = serializers.CharField()
    criteria_reason = serializers.CharField()
    children = PartnershipReferredChildOutput(many=True, source="listed_children")
