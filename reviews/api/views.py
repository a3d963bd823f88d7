"""``/api/v1/reviews/`` and ``/api/v1/review-decisions/``: looked-after children's reviews for partner agencies
(issue 10, section 4; ADR 16).

Every record is reached through the policies (reviews/policies.py), in sealed ``PolicyViewSet``s:

- **reviews** through ``review_summary_policy``: the reviews of the children the agency is involved with now
  (and, for staff, the reviews they see), as their summary: dates, status, the participation code. No
  record content, consultation or address, for anyone: the record is read on its page and in its PDF;
- **decisions** through ``decision_policy``: the circulated decisions that name the agency as their owner
  (and, for staff, the decisions of the reviews they see). ``complete`` marks one done with a note
  (``services.review_decision_complete``, which asks the policy again): the owner agency, the review's IRO
  and the child's case staff. Anyone else gets the same 404 as for a decision that does not exist.

Missing and forbidden are the same 404; a refusal by the service is a 400 in the one error shape.
"""

from __future__ import annotations

import django_filters
from django.db.models import F
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.services import VIA_API
from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body
from safeguarding.audit.services import record_view, record_views

from .. import services
from ..models import Review, ReviewDecision
from ..policies import decision_policy, review_summary_policy
from .serializers import DecisionCompleteInput, DecisionOutput, ReviewOutput

ISO_DATE = ["%Y-%m-%d"]  # the API speaks ISO 8601 only


# --- filters ------------------------------------------------------------------------------------
class ReviewFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Review.Status.choices)
    child = django_filters.UUIDFilter(field_name="episode__child__public_id", help_text="The child's id")
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", input_formats=ISO_DATE,
                                           help_text="Reviews held on or after this date (YYYY-MM-DD)")

    class Meta:
        model = Review
        fields = ["status", "child", "held_after"]


class DecisionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewDecision.Status.choices)
    child = django_filters.UUIDFilter(field_name="review__episode__child__public_id", help_text="The child's id")
    review = django_filters.UUIDFilter(field_name="review__public_id", help_text="The review's id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", input_formats=ISO_DATE,
                                           help_text="Decisions due on or before this date (YYYY-MM-DD)")

    class Meta:
        model = ReviewDecision
        fields = ["status", "child", "review", "due_before"]


# --- schema: examples ---------------------------------------------------------------------------
CHILD = {"id": "0b8f3a7e-5b1d-4c2a-8f4e-9d6c2b1a7e30", "name": "Jade Okafor", "date_of_birth": "2015-06-01"}
EXAMPLE_REVIEW = {
    "id": "4f3e2d1c-0b9a-4876-9543-21fedcba9876", "child": CHILD, "status": "held", "number": "first",
    "early": False, "planned_for": "2026-03-25", "held_on": "2026-03-25", "participation_code": "PN1",
    "iro": "Daniel Mensah",
}
EXAMPLE_DECISION = {
    "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "number": 2,
    "review": {"id": EXAMPLE_REVIEW["id"], "held_on": "2026-03-25"}, "child": CHILD,
    "description": "Arrange a dental check", "owner": "Northmoor Community Health NHS Trust",
    "owner_agency": {"id": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "name": "Northmoor Community Health NHS Trust"},
    "due_date": "2026-04-22", "status": "open", "overdue": False, "done_on": None, "note": "",
}
EXAMPLE_COMPLETE_IN = {"done_on": "2026-04-14", "note": "Seen by the community dentist on 14 April; no treatment "
                                                         "needed, next check in six months."}
EXAMPLE_DONE = {**EXAMPLE_DECISION, "status": "done", "done_on": EXAMPLE_COMPLETE_IN["done_on"],
                "note": EXAMPLE_COMPLETE_IN["note"]}

NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not a record you may see: the two are not "
                                                        "told apart", examples=[
    OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
BAD_FILTER = OpenApiResponse(ApiErrorOutput, description="A filter value is not valid", examples=[
    OpenApiExample("Unknown status", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "status": ["Select a valid choice. closed is not one of the available choices."]}))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Done in the future", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "done_on": ["The date it was done must be today or in the past"]})),
    OpenApiExample("Already done", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "non_field_errors": ["This decision is done already: it cannot change"]})),
])
ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The record's id")


@extend_schema_view(
    list=extend_schema(
        summary="Looked-after reviews of the children you are involved with",
        description="For an agency's API client or practitioner: the reviews of the looked-after children your "
                    "agency is involved with now (a restricted child's only if you may see the child's record). "
                    "IROs and case staff see the reviews they work on. Each review is its summary: when it is "
                    "booked and held, its status and how the child took part (the SSDA903 participation "
                    "code); what its record says is never here. The latest first.",
        responses={200: OpenApiResponse(ReviewOutput(many=True), examples=[
            OpenApiExample("A first review, held", value=EXAMPLE_REVIEW)]), 400: BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="One looked-after review", description="A review you may see, with the same fields as the list.",
        parameters=[ID],
        responses={200: OpenApiResponse(ReviewOutput, examples=[
            OpenApiExample("A first review, held", value=EXAMPLE_REVIEW)]), 404: NOT_FOUND},
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = review_summary_policy
    serializer_class = ReviewOutput
    filterset_class = ReviewFilter

    def shape_queryset(self, qs):
        return (qs.select_related("episode__child", "iro")
                .order_by(F("planned_for").desc(nulls_first=True), "-id"))

    def list(self, request, *args, **kwargs):
        """Each review listed is a read: every row on the page is logged."""
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = list(qs) if page is None else page
        record_views(user=request.user, records=rows, via=VIA_API, what="api reviews list")
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        review = self.get_object()
        record_view(user=request.user, record=review, via=VIA_API, what="api review")
        return Response(self.get_serializer(review).data)


@extend_schema_view(
    list=extend_schema(
        summary="Decisions of looked-after reviews assigned to your agency",
        description="For an agency's API client or practitioner: the decisions of looked-after reviews that name "
                    "your agency as the one to carry them out, once the IRO has circulated them (a restricted "
                    "child's only if you may see the child's record). IROs and case staff see the decisions of "
                    "the reviews they work on. In the order they are due. ``overdue``: still open after its due "
                    "date.",
        responses={200: OpenApiResponse(DecisionOutput(many=True), examples=[
            OpenApiExample("A decision for a health trust", value=EXAMPLE_DECISION)]), 400: BAD_FILTER},
    ),
    retrieve=extend_schema(
        summary="One decision", description="A decision you may see, with the same fields as the list.",
        parameters=[ID],
        responses={200: OpenApiResponse(DecisionOutput, examples=[
            OpenApiExample("A decision for a health trust", value=EXAMPLE_DECISION)]), 404: NOT_FOUND},
    ),
)
class ReviewDecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = decision_policy
    serializer_class = DecisionOutput
    filterset_class = DecisionFilter
    action_map_to_policy = {"list": "view", "retrieve": "view", "complete": "complete"}

    def shape_queryset(self, qs):
        return qs.select_related("review__episode__child", "owner_agency").order_by("due_date", "number", "id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = list(qs) if page is None else page
        record_views(user=request.user, records=rows, via=VIA_API, what="api review decisions list")
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        decision = self.get_object()
        record_view(user=request.user, record=decision, via=VIA_API, what="api review decision")
        return Response(self.get_serializer(decision).data)

    @extend_schema(
        summary="Mark a decision done", operation_id="review_decisions_complete",
        description="Records that the decision was done on ``done_on``, with ``note`` saying what was done. For "
                    "the agency that owns it (its API client or practitioner), the review's IRO and the child's "
                    "case staff; for anyone else the decision is not found. Only an open decision: sending the "
                    "same again changes nothing (200); a decision that is already done or no longer needed "
                    "cannot change (400). The IRO and the child's social worker are told.",
        parameters=[ID], request=DecisionCompleteInput,
        examples=[OpenApiExample("Done", value=EXAMPLE_COMPLETE_IN, request_only=True)],
        responses={200: OpenApiResponse(DecisionOutput, examples=[OpenApiExample("Done", value=EXAMPLE_DONE)]),
                   400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def complete(self, request, *args, **kwargs):
        decision = self.get_object()
        data = DecisionCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        # a refusal by the service (a DjangoValidationError) is the API's 400, converted by safeguarding.api
        decision = services.review_decision_complete(actor=request.user, decision=decision, via=VIA_API,
                                                     **data.validated_data)
        return Response(self.get_serializer(decision).data)
