"""``/api/v1/conferences/``: the partner-agency API for child protection conferences.

Every record is reached through the policies (conferences/policies.py): the conference itself through
``ConferenceViewSet`` (a sealed ``PolicyViewSet``), its reports through ``report_policy`` and its PDFs
through ``document_policy``, always after the conference. Missing and forbidden are the same 404.

Decisions recorded here (issue 4, section 7):

- **Email addresses are never in any output.** Invitations are listed by name, role, kind, attendance
  and agency; a parent's address cannot reach a partner agency, and staff read addresses in the pages.
- **An invited agency sees only its own agency's invitations** (and its own person's invitation); the
  chair, minute-taker, conference service and case staff see every invitation.
- **Which agency reports**: an API client always reports for its own agency. A person reports for the
  agency they were invited for, or as the child's local authority (the social work report) when they
  are case staff; a person who could report for more than one says which with ``agency``.
- **An uninvited agency** never reaches the conference at all: every endpoint, the report submission
  included, answers the same 404 as for a conference that does not exist.
- Reports are taken until the conference is held; after that the service's refusal is a 400 whose
  ``fields.non_field_errors`` says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput
from safeguarding.audit.services import record_view, record_views

from .. import services
from ..models import AgencyReport, Conference, Document, Kind
from ..policies import conference_policy, document_policy, invitation_policy, report_policy
from ..selectors.reports import report_of_agency
from ..selectors.scheduling import due_dates
from .serializers import (
    ConferenceOutput,
    DocumentOutput,
    InvitationOutput,
    ReportInput,
    ReportOutput,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import Agency

S = Conference.Status


# --- filters ------------------------------------------------------------------------------------
ISO_DATE = ["%Y-%m-%d"]  # the API speaks ISO 8601 only: 03/04/2026 means different days to different callers


class ConferenceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=S.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    child = django_filters.UUIDFilter(field_name="child__public_id", help_text="The child's id")
    starts_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", input_formats=ISO_DATE,
                                             help_text="Conferences on or after this date (YYYY-MM-DD, UK time)")
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", input_formats=ISO_DATE,
                                              help_text="Conferences on or before this date (YYYY-MM-DD, UK time)")

    class Meta:
        model = Conference
        fields = ["status", "kind", "child", "starts_after", "starts_before"]


class _DownloadNegotiation(BaseContentNegotiation):
    """The download answers PDF bytes whatever ``Accept`` says (a client asking for application/pdf
    must not get a 406); its errors are rendered by the first renderer: the JSON error shape."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# --- schema: examples ---------------------------------------------------------------------------
CONFERENCE_ID = "7d7c1c52-3f0e-4a7b-9a55-2f1e0c9b6a11"
EXAMPLE_CONFERENCE = {
    "id": CONFERENCE_ID, "kind": "initial", "status": "scheduled",
    "child": {"id": "0b8f3a7e-5b1d-4c2a-8f4e-9d6c2b1a7e30", "name": "Amelia Hartley", "date_of_birth": "2016-05-04"},
    "starts_at": "2026-03-20T10:00:00Z", "ends_at": "2026-03-20T12:00:00Z", "venue": "Northmoor Civic Centre",
    "online_link": "", "chair": "Chris Chair", "due_date": "2026-03-23", "reports_due_date": "2026-03-18",
}
EXAMPLE_AGENCY = {"id": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "name": "Northmoor Police"}
EXAMPLE_INVITATION = {"id": "c3a1e5d7-2b4f-4c6e-8a0b-1d3f5e7a9c2b", "kind": "professional",
                      "name": "Pat Police", "role": "Public protection officer, Northmoor Police",
                      "attendance": "accepted", "agency": EXAMPLE_AGENCY}
EXAMPLE_REPORT_IN = {
    "summary": "Two domestic abuse call-outs to the home since January; no arrests.",
    "worries": "Amelia was present at both call-outs.", "strengths": "Mother called the police herself.",
    "recommendation": "A child protection plan under the category of emotional abuse.",
}
EXAMPLE_REPORT = {"id": "a9e8d7c6-b5a4-4f3e-9d2c-1b0a9f8e7d6c", "agency": EXAMPLE_AGENCY,
                  "is_social_work_report": False, "author": "API client: Police case system (Northmoor Police)",
                  **EXAMPLE_REPORT_IN,
                  "submitted_at": "2026-03-16T14:05:00Z", "via": "api", "shared_with_parents_at": None}
EXAMPLE_DOCUMENT = {
    "id": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b", "kind": "minutes", "copy": "professional", "version": 1,
    "filename": "T0000042-minutes-v1-professional.pdf",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 48213,
    "created_at": "2026-03-30T16:20:00Z",
    "download_url": f"https://safeguarding.example.org/api/v1/conferences/{CONFERENCE_ID}/documents/"
                    "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b/download/",
}


def _error(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


NOT_FOUND = OpenApiResponse(
    ApiErrorOutput, description="Missing, or not a conference (or document) you may see: the two are not told apart",
    examples=[OpenApiExample("Not found", value=_error(404, "not_found", "Not found."))],
)
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Summary missing", value=_error(400, "invalid", "The request has errors; see fields.",
                                                   {"summary": ["This field is required."]})),
    OpenApiExample("Conference already held", value=_error(
        400, "invalid", "The request has errors; see fields.",
        {"non_field_errors": ["Reports are taken until the conference is held"]})),
    OpenApiExample("Sent late without a reason", value=_error(
        400, "invalid", "The request has errors; see fields.",
        {"late_reason": ["This was due on 18 March 2026: say why it was late"]})),
])
BAD_FILTER = OpenApiResponse(ApiErrorOutput, description="A filter value is not valid", examples=[
    OpenApiExample("Unknown status", value=_error(400, "invalid", "The request has errors; see fields.", {
        "status": ["Select a valid choice. held_over is not one of the available choices."]}))])
CONFERENCE_ID_PARAM = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                       description="The conference's id")


@extend_schema_view(
    list=extend_schema(
        summary="Conferences you are invited to",
        description="For an agency's API client or practitioner: the conferences the agency is invited to "
                    "(a restricted child's conference only if you may see the child's record). Chairs, the "
                    "conference service and case staff see the conferences they work on. Each row gives the "
                    "child's name and date of birth only. ``due_date`` is the date the conference must be "
                    "held by; ``reports_due_date`` the date agency reports are due.",
        responses={200: OpenApiResponse(ConferenceOutput(many=True), examples=[
            OpenApiExample("A scheduled initial conference", value=EXAMPLE_CONFERENCE)]), 400: BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="One conference",
        description="A conference you may see, with the same fields as the list.",
        responses={200: OpenApiResponse(ConferenceOutput, examples=[
            OpenApiExample("A scheduled initial conference", value=EXAMPLE_CONFERENCE)]), 404: NOT_FOUND},
    ),
)
class ConferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = conference_policy
    serializer_class = ConferenceOutput
    filterset_class = ConferenceFilter
    action_map_to_policy = {"list": "view", "retrieve": "view", "invitations": "view", "reports": "view",
                            "documents": "view", "document_download": "view"}

    def policy_action(self) -> str:
        if self.action == "reports" and self.request.method == "POST":
            return "report"  # invited agencies and case staff; anyone else gets the 404
        return super().policy_action()

    def shape_queryset(self, qs):
        return qs.select_related("child", "chair").order_by("starts_at", "requested_at", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "due_dates": getattr(self, "_due_dates", {})}

    # --- the conference ---------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        """Each conference listed is a read: every row on the page is logged."""
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = list(qs) if page is None else page
        self._due_dates = due_dates(rows)
        record_views(user=request.user, records=rows, via=services.VIA_API, what="api conferences list")
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        conference = self.get_object()
        self._due_dates = due_dates([conference])
        record_view(user=request.user, record=conference, via=services.VIA_API, what="api conference")
        return Response(self.get_serializer(conference).data)

    # --- invitations ------------------------------------------------------------------------------
    @extend_schema(
        summary="Who is invited", operation_id="conferences_invitations_list",
        description="For the chair, the conference service and case staff: every invitation. For an invited "
                    "agency: its own agency's invitations only. Email addresses are never included.",
        parameters=[CONFERENCE_ID_PARAM],
        responses={200: OpenApiResponse(InvitationOutput(many=True), examples=[
            OpenApiExample("Your agency's invitation", value=[EXAMPLE_INVITATION])]), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def invitations(self, request, *args, **kwargs):
        conference = self.get_object()
        qs = (invitation_policy.visible_for(self.access, conference).select_related("agency")
              .order_by("kind", "name", "id"))
        return Response(InvitationOutput(qs, many=True).data)

    # --- reports ----------------------------------------------------------------------------------
    def _reporting_agency(self, conference, requested) -> Agency:
        """The agency a submission is for (``report_policy.agencies_for``); ``requested`` is the optional
        ``agency`` public id, needed only by someone who may report for more than one."""
        agencies = {a.public_id: a for a in report_policy.agencies_for(self.access, conference)}
        if not agencies:
            raise exceptions.NotFound()
        if requested:
            if requested not in agencies:
                message = ("An API client reports for its own agency only" if self.access.is_api_client
                           else services.CANNOT_REPORT_FOR)
                raise exceptions.ValidationError({"agency": [message]})
            return agencies[requested]
        if len(agencies) > 1:
            raise exceptions.ValidationError({"agency": [
                "You can report for more than one agency on this conference: say which with agency ("
                + ", ".join(a.name for a in agencies.values()) + ")"]})
        return next(iter(agencies.values()))

    @extend_schema(
        methods=["GET"], summary="Reports you may read", operation_id="conferences_reports_list",
        description="An invited agency sees its own agency's report only; the chair, the conference service "
                    "and case staff see every report.",
        parameters=[CONFERENCE_ID_PARAM],
        responses={200: OpenApiResponse(ReportOutput(many=True), examples=[
            OpenApiExample("Your agency's report", value=[EXAMPLE_REPORT])]), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="Submit your agency's report", operation_id="conferences_reports_submit",
        description="Submits the report for your agency (an API client: always its own agency). Sending "
                    "again before the conference replaces the text (201 the first time, 200 after); the "
                    "history keeps the earlier versions. Reports are taken until the conference is held. "
                    "After the due date, give ``late_reason``.",
        parameters=[CONFERENCE_ID_PARAM],
        request=ReportInput,
        examples=[OpenApiExample("A police report", value=EXAMPLE_REPORT_IN, request_only=True)],
        responses={
            201: OpenApiResponse(ReportOutput, description="The first submission", examples=[
                OpenApiExample("Submitted", value=EXAMPLE_REPORT)]),
            200: OpenApiResponse(ReportOutput, description="A resubmission (or the same text again)", examples=[
                OpenApiExample("Resubmitted", value=EXAMPLE_REPORT)]),
            400: INVALID, 404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def reports(self, request, *args, **kwargs):
        conference = self.get_object()
        if request.method == "POST":
            return self._submit_report(conference)
        reports = list(report_policy.probe(self.access).filter(conference=conference)
                       .select_related("agency", "author").order_by("submitted_at", "id"))
        record_views(user=request.user, records=reports, via=services.VIA_API, what="api conference reports")
        return Response(ReportOutput(reports, many=True).data)

    def _submit_report(self, conference):
        data = ReportInput(data=self.request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        agency = self._reporting_agency(conference, d.pop("agency", None))
        existed = report_of_agency(conference=conference, agency=agency) is not None
        # a refusal by the service (a DjangoValidationError) is the API's 400, converted by safeguarding.api
        report = services.report_submit(actor=self.request.user, conference=conference, agency=agency,
                                        via=AgencyReport.Via.API, **d)
        return Response(ReportOutput(report).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    # --- documents --------------------------------------------------------------------------------
    def _download_url(self, document) -> str:
        return self.request.build_absolute_uri(reverse(
            "api:conferences-document-download",
            kwargs={"public_id": document.conference.public_id, "document_id": document.public_id}))

    @extend_schema(
        summary="Documents you may download", operation_id="conferences_documents_list",
        description="The minutes and the decision letter: for an invited agency, the copies sent to it; for "
                    "the chair, the conference service and case staff, every published copy.",
        parameters=[CONFERENCE_ID_PARAM],
        responses={200: OpenApiResponse(DocumentOutput(many=True), examples=[
            OpenApiExample("The minutes sent to your agency", value=[EXAMPLE_DOCUMENT])]), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def documents(self, request, *args, **kwargs):
        conference = self.get_object()
        docs = list(document_policy.probe(self.access).filter(conference=conference).defer("content")
                    .order_by("-created_at", "-id"))
        for d in docs:
            d.conference = conference
        return Response(DocumentOutput(docs, many=True, context={"download_url": self._download_url}).data)

    @extend_schema(
        summary="Download a document (PDF)", operation_id="conferences_documents_download",
        description="The PDF as issued (its SHA-256 is in the documents list). Every download is logged.",
        parameters=[CONFERENCE_ID_PARAM, OpenApiParameter("document_id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                                          description="The document's id")],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
                   404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[^/.]+)/download",
            url_name="document-download", filter_backends=[], pagination_class=None,
            content_negotiation_class=_DownloadNegotiation)
    def document_download(self, request, *args, document_id=None, **kwargs):
        conference = self.get_object()
        document = document_policy.get_for(self.access, document_id,
                                           queryset=Document.objects.filter(conference=conference))
        services.document_download_log(actor=request.user, document=document, via=services.VIA_API)
        content = bytes(document.content)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.filename)
        response["Content-Length"] = str(len(content))
        response["Cache-Control"] = "no-store"
        return response
