"""Conferences API: separate output and input serializers. Outputs shape what a caller may see
(the views decide which rows); inputs only check types. Every write goes through conferences.services.

Email addresses never appear in any output: invitations are listed by name, role and agency only, so
a parent's (or anyone's) address cannot reach a partner agency through the API.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import AgencyReport, Conference, Document, Invitation, Kind

TEXT_MAX = 50_000  # generous for a report section, but a bound


class AgencyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ConferenceChildOutput(serializers.Serializer):
    """The child's name and date of birth only: nothing else of the record."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="full_name")
    date_of_birth = serializers.DateField(allow_null=True, help_text="Empty for an unborn child")


class ConferenceOutput(serializers.ModelSerializer):
    """A child protection conference: when and where, who chairs it, and its due dates."""

    # due_date and reports_due_date come from the statutory clock: the view works them out for a whole page
    # and passes them in the context (``due_dates``: conference pk to (due, reports due)), so that a page
    # costs the same number of queries whatever its length.

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Kind.choices)
    status = serializers.ChoiceField(choices=Conference.Status.choices)
    child = ConferenceChildOutput()
    chair = serializers.CharField(source="chair.full_name", allow_null=True, read_only=True,
                                  help_text="The chair's name, once one is allocated")
    due_date = serializers.SerializerMethodField(
        help_text="The date the conference must be held by (initial, pre-birth and transfer-in: from the "
                  "strategy discussion or the notification; review: the plan's review deadline)")
    reports_due_date = serializers.SerializerMethodField(
        help_text="Agency reports are due by this date (a local rule: working days before the conference)")

    class Meta:
        model = Conference
        fields = ["id", "kind", "status", "child", "starts_at", "ends_at", "venue", "online_link", "chair",
                  "due_date", "reports_due_date"]

    def _dates(self, obj):
        return self.context["due_dates"].get(obj.pk, (None, None))

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_date(self, obj):
        return self._dates(obj)[0]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_reports_due_date(self, obj):
        return self._dates(obj)[1]


class InvitationOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Invitation.InviteeKind.choices)
    attendance = serializers.ChoiceField(choices=Invitation.Attendance.choices)
    agency = AgencyOutput(allow_null=True, help_text="The professional's agency (empty for family members)")

    class Meta:
        model = Invitation
        fields = ["id", "kind", "name", "role", "attendance", "agency"]


class ReportOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    agency = AgencyOutput()
    author = serializers.CharField(source="author.full_name", help_text="Who submitted it last")
    via = serializers.ChoiceField(choices=AgencyReport.Via.choices)

    class Meta:
        model = AgencyReport
        fields = ["id", "agency", "is_social_work_report", "author", "summary", "worries", "strengths",
                  "recommendation", "submitted_at", "via", "shared_with_parents_at"]


class ReportInput(serializers.Serializer):
    summary = serializers.CharField(max_length=TEXT_MAX,
                                    help_text="Your agency's involvement, what it knows and its view of the risk")
    worries = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    strengths = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    recommendation = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default="",
        help_text="Required when the report is sent after its due date")
    agency = serializers.UUIDField(
        required=False,
        help_text="Only for a person who belongs to more than one invited agency: which agency reports. An API "
                  "client always reports for its own agency.")


class DocumentOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    copy = serializers.ChoiceField(choices=Document.Copy.choices)
    download_url = serializers.SerializerMethodField(help_text="GET this URL for the PDF")

    class Meta:
        model = Document
        fields = ["id", "kind", "copy", "version", "filename", "sha256", "size", "created_at", "download_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj) -> str:
        return self.context["download_url"](obj)
