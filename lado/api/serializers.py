"""The referrer API's serializers: separate inputs (types only; the service validates and decides) and outputs
(what a referrer may read of their own referral: the reference, the status, what the LADO shared, and the files
they sent themselves; nothing of the LADO's decisions, the index or the other people involved)."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from safeguarding.uploads.models import ScanStatus

from ..codes import EmploymentType, RegulatedBody, Sector


class ReferralStatus(models.TextChoices):
    """A referral's status as its referrer reads it (nothing of the LADO's decisions)."""

    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "The LADO is working on it"
    CLOSED = "closed", "Closed"


class ReferralChildInput(serializers.Serializer):
    first_names = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    surname = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_or_year = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                        help_text="When the date of birth is not known")
    details = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="Anything else that identifies the child (school, class)")


class ReferralInput(serializers.Serializer):
    """A referral to a local authority's LADO. The referrer is the caller: their name, email and role default to
    the account's (an agency's API client should give the person's own)."""

    local_authority = serializers.UUIDField(help_text="The id of the local authority whose LADO it is for")
    referrer_name = serializers.CharField(max_length=200, required=False)
    referrer_role = serializers.CharField(max_length=200, required=False)
    referrer_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=200, help_text="The setting where the person works")
    sector = serializers.ChoiceField(choices=Sector.choices)
    setting_address = serializers.CharField(required=False, allow_blank=True, default="")
    subject_first_names = serializers.CharField(max_length=200)
    subject_surname = serializers.CharField(max_length=200)
    subject_other_names = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    subject_date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    subject_role = serializers.CharField(max_length=200)
    subject_employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    subject_employer = serializers.CharField(max_length=200)
    subject_regulated_body = serializers.ChoiceField(choices=RegulatedBody.choices, default=RegulatedBody.NONE)
    subject_ni_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    subject_teacher_reference = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    subject_registration_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    allegation = serializers.CharField(help_text="What happened")
    incident_on = serializers.DateField(required=False, allow_null=True, default=None)
    employer_knew_on = serializers.DateField(help_text="When the employer first knew of the allegation")
    actions_taken = serializers.CharField(required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(required=False, allow_blank=True, default="",
                                        help_text="Needed when the referral is made more than one working day "
                                                  "after the employer knew")
    children = serializers.ListField(child=ReferralChildInput(), min_length=1, max_length=50,
                                     help_text="The child or children the allegation concerns (at least one)")


class EvidenceInput(serializers.Serializer):
    file = serializers.FileField(help_text="A document (PDF, Word, Excel, PowerPoint, OpenDocument, RTF, text, "
                                           "CSV) or an image (JPEG, PNG, HEIC), up to the hub's upload limit")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                        help_text="What the file is")


class EvidenceOutput(serializers.Serializer):
    """A file the caller sent. It can be opened by the LADO once its virus scan has passed."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    description = serializers.CharField()
    content_type = serializers.CharField(help_text="The type found in the file's bytes")
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    scan_status = serializers.ChoiceField(choices=ScanStatus.choices)
    withdrawn = serializers.BooleanField()


class SharedOutput(serializers.Serializer):
    shared_at = serializers.DateTimeField(source="created_at")
    text = serializers.CharField()


class ReferralOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    organisation = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices,
                                     help_text="received; in_progress: the LADO is working on it; closed")
    shared = SharedOutput(many=True, source="live_shared", help_text="What the LADO has shared with you")


class ReferralDetailOutput(ReferralOutput):
    files = EvidenceOutput(many=True, help_text="The files you sent (not the LADO's)")
