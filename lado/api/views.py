"""``/api/v1/lado/referrals/``: the referrer API (issue 11, section 1), for a referrer's own account and for an
agency's own system.

**Authentication**: as every API of the hub (``REST_FRAMEWORK``'s defaults): an agency's API client by its
bearer token (``create_api_client``), or a person's session (a portal referrer signed in, a partner-agency
practitioner). Both refer from *their own* account: the referral's ``referred_by`` is the caller, and the
caller sees only the referrals it made (``own_referral_policy``), while it may follow them (a suspended portal
account sees none). The LADO team works referrals on its pages, not here.

- ``GET`` list and ``GET {id}``: the reference, when it was received, the setting, the status (received, in
  progress, closed) and what the LADO shared; one referral also lists the files the caller sent (never the
  LADO's). Every referral shown is a read in the LADO's view log.
- ``POST``: a referral (JSON), through ``lado.services.referral_submit`` (source ``api``).
- ``GET {id}/evidence/{file id}/``: one of the files the caller sent, once its scan has passed (the referrer
  policy's ``evidence_policy.can_download``, as on the pages; logged by the kernel's ``upload_open``).
- ``POST {id}/evidence/``: one file (``multipart/form-data``, up to ``UPLOAD_MAX_BYTES``), through
  ``lado.services.evidence_add`` and the kernel's upload service: typed by its bytes, quarantined until its
  virus scan passes.

Missing and forbidden are the same 404; a refusal by the service is a 400 in the one error shape.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body
from safeguarding.uploads.selectors import upload_of
from safeguarding.uploads.services import UploadUnavailable, upload_open

from .. import services
from ..codes import ReferralSource
from ..models import LadoCase
from ..policies import evidence_policy, own_referral_policy
from ..selectors.pages import agency_by_public_id, with_live_shared
from .serializers import (
    EvidenceInput,
    EvidenceOutput,
    ReferralDetailOutput,
    ReferralInput,
    ReferralOutput,
    ReferralStatus,
)

STATUS = {LadoCase.Status.NEW: ReferralStatus.RECEIVED, LadoCase.Status.OPEN: ReferralStatus.IN_PROGRESS,
          LadoCase.Status.CLOSED: ReferralStatus.CLOSED}

EXAMPLE_REFERRAL = {
    "id": "3c1e7b9a-2d4f-4e6a-9b8c-7d5e3f1a2b4c", "reference": "LADO-00042", "received_at": "2026-03-02T15:04:00Z",
    "organisation": "Northmoor Primary School", "status": "in_progress",
    "shared": [{"shared_at": "2026-03-04T10:00:00Z", "text": "A strategy discussion is planned for this week."}],
}
EXAMPLE_FILE = {"id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "name": "Statement.pdf",
                "description": "The pupil's account, written by the DSL", "content_type": "application/pdf",
                "size": 48213, "uploaded_at": "2026-03-02T15:10:00Z", "scan_status": "pending", "withdrawn": False}
EXAMPLE_IN = {
    "local_authority": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "referrer_name": "Dana Price",
    "referrer_role": "Designated safeguarding lead", "organisation": "Northmoor Primary School", "sector": "school",
    "subject_first_names": "Gareth", "subject_surname": "Pemberton", "subject_role": "Class teacher",
    "subject_employment_type": "paid", "subject_employer": "Northmoor Primary School",
    "allegation": "A pupil said the teacher grabbed her arm hard enough to bruise it.",
    "employer_knew_on": "2026-03-02", "children": [{"first_names": "Ella", "surname": "Price", "details": "Year 4"}],
}
NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not a referral you made: the two are not told "
                                                        "apart", examples=[
    OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Late, without a reason", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "late_reason": ["A referral is due within one working day of the employer knowing (by 3 March 2026): say "
                        "why this one is later"]})),
])
BAD_FILE = OpenApiResponse(ApiErrorOutput, description="The file is empty, too large or of a type not accepted",
                           examples=[OpenApiExample("A web page", value=error_body(
                               400, "invalid", "The request has errors; see fields.",
                               {"file": ["The selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument, "
                                         "rich text, plain text, CSV, JPEG, PNG or HEIC file"]}))])
UNAVAILABLE = OpenApiResponse(ApiErrorOutput, description="The file cannot be opened (yet, or ever)", examples=[
    OpenApiExample("Waiting for its virus scan", value=error_body(
        409, "unavailable", "This file is waiting for a virus scan. It can be opened once the scan has passed."))])
ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The referral's id")


class FileUnavailable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "unavailable"


class _DownloadNegotiation(BaseContentNegotiation):
    """The download answers the file's bytes whatever ``Accept`` says; its errors are the JSON error shape."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _status(referral):
    referral.status = STATUS[referral.case.status]
    return referral


@extend_schema_view(
    list=extend_schema(
        summary="The referrals you made to the LADO",
        description="The referrals made from your account (the portal, or your agency's system through this API), "
                    "newest first: each one's reference, status and what the LADO has shared with you. Nothing "
                    "of the LADO's decisions. A suspended portal account sees none.",
        responses={200: OpenApiResponse(ReferralOutput(many=True), examples=[
            OpenApiExample("A referral the LADO is working on", value=EXAMPLE_REFERRAL)])},
    ),
    retrieve=extend_schema(
        summary="One referral you made", parameters=[ID],
        description="The same as the list, and the files you sent with it (the LADO's own files are never here).",
        responses={200: OpenApiResponse(ReferralDetailOutput, examples=[
            OpenApiExample("With a file", value={**EXAMPLE_REFERRAL, "files": [EXAMPLE_FILE]})]), 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Make a referral to a local authority's LADO",
        description="An allegation that an adult who works with children has harmed a child, may have, or may "
                    "pose a risk. The referrer is you (name, email and role default to your account's; an "
                    "agency's system should give the person's). A referral made more than one working day after "
                    "the employer knew needs ``late_reason``. The LADO's officers are told; the answer is the "
                    "referral as you will see it.",
        request=ReferralInput, examples=[OpenApiExample("A school's referral", value=EXAMPLE_IN, request_only=True)],
        responses={201: OpenApiResponse(ReferralOutput, examples=[OpenApiExample("Received", value={
            **EXAMPLE_REFERRAL, "status": "received", "shared": []})]), 400: INVALID},
    ),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, PolicyViewSet):
    policy = own_referral_policy
    serializer_class = ReferralOutput
    action_map_to_policy = {"list": "view", "retrieve": "view", "create": "view", "evidence": "evidence",
                            "evidence_download": "view"}

    def shape_queryset(self, qs):
        return with_live_shared(qs.select_related("case").order_by("-received_at", "-id"))

    def list(self, request, *args, **kwargs):
        """Each referral listed is a read: every row on the page is logged."""
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = [_status(r) for r in (list(qs) if page is None else page)]
        services.lado_reads_log(user=request.user, records=rows, via=services.VIA_API, what="api: referrals list")
        data = ReferralOutput(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        referral = _status(self.get_object())
        services.lado_read_log(user=request.user, record=referral, via=services.VIA_API, what="api: referral")
        referral.files = list(evidence_policy.listed(request.access, referral))
        return Response(ReferralDetailOutput(referral).data)

    def create(self, request, *args, **kwargs):
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        la = agency_by_public_id(str(d.pop("local_authority")))
        children = [dict(c) for c in d.pop("children")]
        late_reason = d.pop("late_reason")
        referral = services.referral_submit(actor=request.user, local_authority=la, data=d, children=children,
                                            late_reason=late_reason, source=ReferralSource.API)
        referral = self.shape_queryset(type(referral).objects.filter(pk=referral.pk)).get()
        return Response(ReferralOutput(_status(referral)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send a file with your referral", operation_id="lado_referrals_evidence",
        description="One document or image (``multipart/form-data``: ``file`` and, optionally, ``description``), "
                    "up to the hub's upload limit. Its type is found from its bytes; it is kept in quarantine until "
                    "a virus scan passes, and only the LADO and you can open it. For a referral you made, while "
                    "your account may follow it; for any other the referral is not found.",
        parameters=[ID], request={"multipart/form-data": EvidenceInput},
        responses={201: OpenApiResponse(EvidenceOutput, examples=[OpenApiExample("Received", value=EXAMPLE_FILE)]),
                   400: BAD_FILE, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], filter_backends=[],
            pagination_class=None)
    def evidence(self, request, *args, **kwargs):
        referral = self.get_object()
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = services.evidence_add(actor=request.user, owner=referral, file=data.validated_data["file"],
                                       description=data.validated_data["description"])
        return Response(EvidenceOutput(upload).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a file you sent", operation_id="lado_referrals_evidence_download",
        description="One of the files you sent with a referral you made (its id is in the referral's ``files``), "
                    "once its virus scan has passed: the bytes, with the type found in them. Only your own files: "
                    "the LADO's are never here. A file still waiting for its scan, with a virus or withdrawn is a 409. "
                    "Every download is logged.",
        parameters=[ID, OpenApiParameter("upload_id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                                         description="The file's id")],
        responses={(200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file (its Content-Type is the type found in its bytes)"),
            404: NOT_FOUND, 409: UNAVAILABLE},
    )
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<upload_id>[^/.]+)", url_name="evidence-download",
            filter_backends=[], pagination_class=None, content_negotiation_class=_DownloadNegotiation)
    def evidence_download(self, request, *args, upload_id=None, **kwargs):
        referral = self.get_object()
        upload = upload_of(referral, upload_id)
        try:
            opened = upload_open(actor=request.user, upload=upload, via=services.VIA_API,
                                 allowed=evidence_policy.can_download(request.access, referral, upload))
        except UploadUnavailable as exc:
            raise FileUnavailable(exc.message) from exc
        response = FileResponse(opened.file, as_attachment=True, filename=opened.filename,
                                content_type=opened.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
