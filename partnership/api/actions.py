"""``/api/v1/partnership/actions/``: the review actions an agency owns (issue 12, sections 3 and 4; ADR 24), for
the agency's safeguarding lead (a session) and the agency's own system (its API client's token); the business
unit and the partners' delegates see every action, as on the action tracker.

- ``GET`` list (filter ``status``, ``overdue``) and ``GET {id}``: what, the review's reference, due date, status,
  whether it is overdue and how many files of evidence it has;
- ``POST {id}/update/``: in progress, complete (the day, and evidence uploaded or the reason there is none) or no
  longer needed (the business unit), through ``partnership.services.action_update``;
- ``POST {id}/evidence/``: one file (``multipart/form-data``), through ``action_evidence_add`` and the kernel's
  upload service (typed by its bytes, quarantined until its virus scan passes).

Missing and forbidden are the same 404; a refusal by the service is a 400 in the one error shape.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body

from .. import services
from ..models import ReviewAction
from ..policies import action_policy
from ..selectors.reviews import is_overdue, with_evidence_count
from .action_serializers import ActionEvidenceInput, ActionEvidenceOutput, ActionOutput, ActionUpdateInput

ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The action's id")
NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not an action you may see: the two are not "
                                                        "told apart", examples=[
    OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Complete without evidence", value=error_body(
        400, "invalid", "The request has errors; see fields.", {
            "no_evidence_reason": ["Upload evidence that the action is complete, or say why there is none"]}))])
EXAMPLE = {"id": "6b1f0d2e-4c3a-4b59-8e7d-1a2b3c4d5e6f", "review": "LR 2027-01", "review_kind": "learning_review",
           "number": 1, "recommendation": "Agencies share information about school absence earlier.",
           "description": "Audit attendance referrals", "owner_agency": "Oakfield Primary School",
           "due_on": "2027-03-25", "status": "in_progress", "overdue": False, "progress_note": "Audit begun",
           "completed_on": None, "no_evidence_reason": "", "evidence_count": 1}


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewAction.Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Open and past the due date")

    class Meta:
        model = ReviewAction
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"status__in": ReviewAction.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


def _out(a):
    a.overdue = is_overdue(a, timezone.localdate())
    return a


@extend_schema_view(
    list=extend_schema(summary="Review actions you may see",
                       description="The actions of the partnership's practice and learning reviews owned by your "
                                   "agency (the business unit and the partners' delegates: every action), soonest "
                                   "due first.",
                       responses={200: OpenApiResponse(ActionOutput(many=True), examples=[
                           OpenApiExample("An action in progress", value=EXAMPLE)])}),
    retrieve=extend_schema(summary="One review action", parameters=[ID],
                           responses={200: OpenApiResponse(ActionOutput, examples=[
                               OpenApiExample("An action in progress", value=EXAMPLE)]), 404: NOT_FOUND}),
)
class ReviewActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = action_policy
    serializer_class = ActionOutput
    filterset_class = ActionFilter
    action_map_to_policy = {"list": "view", "retrieve": "view", "update_status": "update", "evidence": "update"}

    def shape_queryset(self, qs):
        return with_evidence_count(qs.select_related("review", "recommendation", "owner_agency")
                                   .order_by("due_on", "id"))

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = [_out(a) for a in (list(qs) if page is None else page)]
        data = ActionOutput(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(ActionOutput(_out(self.get_object())).data)

    @extend_schema(summary="Update a review action", operation_id="partnership_actions_update",
                   description="Move an open action on: ``in_progress`` (with a progress note), ``complete`` (the "
                               "day, and evidence uploaded first or ``no_evidence_reason``) or ``cancelled`` (the "
                               "business unit only, with ``cancel_reason``). Nothing changed: nothing written.",
                   parameters=[ID], request=ActionUpdateInput,
                   responses={200: OpenApiResponse(ActionOutput, examples=[OpenApiExample("Updated", value=EXAMPLE)]),
                              400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="update", filter_backends=[], pagination_class=None)
    def update_status(self, request, *args, **kwargs):
        row = self.get_object()
        data = ActionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_update(actor=request.user, action=row, **data.validated_data)
        return Response(ActionOutput(_out(self.shape_queryset(ReviewAction.objects.filter(pk=row.pk)).get())).data)

    @extend_schema(summary="Upload evidence of a review action", operation_id="partnership_actions_evidence",
                   description="One document or image (``multipart/form-data``: ``file`` and, optionally, "
                               "``description``), up to the hub's upload limit, while the action is open. Its type "
                               "is found from its bytes; it is kept in quarantine until a virus scan passes.",
                   parameters=[ID], request={"multipart/form-data": ActionEvidenceInput},
                   responses={201: ActionEvidenceOutput, 400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], filter_backends=[],
            pagination_class=None)
    def evidence(self, request, *args, **kwargs):
        row = self.get_object()
        data = ActionEvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = services.action_evidence_add(actor=request.user, action=row, file=data.validated_data["file"],
                                              description=data.validated_data["description"])
        return Response(ActionEvidenceOutput(upload).data, status=status.HTTP_201_CREATED)
