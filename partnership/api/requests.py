"""``/api/v1/partnership/requests/``: the agency API of the rapid review (issue 12, sections 2 and 5; ADR 23).

An agency's safeguarding lead (a person's session) or the agency's own system (an API client's bearer token,
seated by the business unit as the agency's lead, ``seat_give``) reads the requests addressed to its agency
and answers them: chronology entries, files and the information form, through the same services as the pages
(``partnership.services``). The business unit reads every request. Missing and forbidden are the same 404
(``request_policy``); a request that no longer takes anything (its form returned, or the review submitted) is
a 400 in the one error shape. After the rapid review meeting what comes in is a late addition, shown apart
from the chronology the meeting considered (``after_meeting``).

- ``GET`` list and ``GET {id}``: the request, when its form is due, the meeting's day, the entries and files.
- ``POST {id}/chronology/``: one entry (JSON).
- ``POST {id}/information/``: the information gathering form (JSON); it closes the request.
- ``POST {id}/files/``: one file (``multipart/form-data``), through the kernel's scanned upload service.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body
from safeguarding.uploads.models import ScanStatus

from .. import services
from ..policies import request_policy
from ..selectors import information_due, request_entries
from ..selectors.report import request_files


class EntryInput(serializers.Serializer):
    happened_on = serializers.DateField(help_text="When it happened (not in the future)")
    entry = serializers.CharField(max_length=10_000, help_text="What happened, and what your agency did")


class InformationInput(serializers.Serializer):
    information = serializers.CharField(max_length=50_000, help_text="The information gathering and analysis form: "
                                        "your agency's involvement, what went well, what could have been better")
    late_reason = serializers.CharField(max_length=2_000, required=False, allow_blank=True, default="",
                                        help_text="Needed when this is the last form in and the forms' day has passed")


class FileInput(serializers.Serializer):
    file = serializers.FileField(help_text="A document (PDF, Word, Excel, PowerPoint, OpenDocument, RTF, text, CSV) "
                                           "or an image (JPEG, PNG, HEIC), up to the hub's upload limit")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                        help_text="What the file is")


class EntryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    happened_on = serializers.DateField()
    entry = serializers.CharField()
    after_meeting = serializers.BooleanField(help_text="Added after the meeting: a late addition, shown apart")


class FileOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    description = serializers.CharField()
    content_type = serializers.CharField(help_text="The type found in the file's bytes")
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    scan_status = serializers.ChoiceField(choices=ScanStatus.choices)


class RequestOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    agency = serializers.CharField(source="agency.name")
    local_authority = serializers.CharField(source="rapid_review.referral.local_authority.name")
    requested_on = serializers.DateField()
    due = serializers.DateField(allow_null=True, help_text="The day the chronology and the form are due")
    returned_on = serializers.DateField(allow_null=True)
    meeting_held_on = serializers.DateField(source="rapid_review.meeting_held_on", allow_null=True,
                                            help_text="Once held, what comes in is a late addition")
    open = serializers.BooleanField(help_text="Whether the request still takes entries, files and the form")


class RequestDetailOutput(RequestOutput):
    information = serializers.CharField()
    entries = EntryOutput(many=True, source="listed_entries")
    files = FileOutput(many=True, source="listed_files")


def _shaped(request, obj):
    obj.due = information_due(obj.rapid_review)
    obj.open = request_policy.can(request.access, "submit", obj)
    return obj


def _detail(request, obj):
    obj = _shaped(request, obj)
    obj.listed_entries = request_entries(obj)
    obj.listed_files = [row.upload for row in request_files(obj).rows]
    return RequestDetailOutput(obj).data


ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The request's id")
NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not a request to your agency: the two are not "
                                                        "told apart", examples=[
    OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors, or no longer takes anything (its "
                                                      "form returned, or the review submitted)", examples=[
    OpenApiExample("Returned already", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "non_field_errors": ["Only the agency asked adds to its chronology, until its form is returned and while "
                             "the review is open"]}))])
EXAMPLE = {"id": "0b7c4a3e-1f2d-4e5a-9b8c-7d6e5f4a3b2c", "agency": "Northmoor NHS Trust",
           "local_authority": "Northmoor Borough Council", "requested_on": "2027-03-30", "due": "2027-04-05",
           "returned_on": None, "meeting_held_on": None, "open": True}


@extend_schema_view(
    list=extend_schema(summary="The rapid review requests to your agency",
                       description="Each request for your agency's chronology and information form, newest first, "
                                   "with the day they are due. The business unit sees every request.",
                       responses={200: OpenApiResponse(RequestOutput(many=True), examples=[
                           OpenApiExample("Waiting for the form", value=EXAMPLE)])}),
    retrieve=extend_schema(summary="One request to your agency", parameters=[ID],
                           description="The request, with the chronology entries and the files your agency sent.",
                           responses={200: RequestDetailOutput, 404: NOT_FOUND}),
)
class AgencyRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = request_policy
    serializer_class = RequestOutput
    action_map_to_policy = {"list": "view", "retrieve": "view", "chronology": "view", "information": "view",
                            "files": "view"}

    def shape_queryset(self, qs):
        return qs.select_related("agency", "rapid_review", "rapid_review__referral__local_authority").order_by(
            "-requested_on", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RequestOutput([_shaped(request, r) for r in page], many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(_detail(request, self.get_object()))

    @extend_schema(summary="Add an entry to your agency's chronology", operation_id="partnership_requests_chronology",
                   parameters=[ID], request=EntryInput,
                   responses={201: EntryOutput, 400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def chronology(self, request, *args, **kwargs):
        data = EntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.chronology_entry_add(actor=request.user, request=self.get_object(), **data.validated_data)
        return Response(EntryOutput(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Return your agency's information form", operation_id="partnership_requests_information",
                   description="Returns the information gathering form; the request then takes nothing more.",
                   parameters=[ID], request=InformationInput,
                   responses={200: RequestDetailOutput, 400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def information(self, request, *args, **kwargs):
        data = InformationInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.information_return(actor=request.user, request=self.get_object(), **data.validated_data)
        return Response(_detail(request, self.get_object()))

    @extend_schema(summary="Send a file with your agency's chronology", operation_id="partnership_requests_files",
                   description="One document or image (``multipart/form-data``: ``file`` and, optionally, "
                               "``description``). Its type is found from its bytes; it is kept in quarantine until a "
                               "virus scan passes.",
                   parameters=[ID], request={"multipart/form-data": FileInput},
                   responses={201: FileOutput, 400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], filter_backends=[],
            pagination_class=None)
    def files(self, request, *args, **kwargs):
        data = FileInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = services.submission_file_add(actor=request.user, request=self.get_object(), **data.validated_data)
        return Response(FileOutput(upload).data, status=status.HTTP_201_CREATED)
