"""``/api/v1/review-invitations/``: invitations to looked-after reviews, read by the agencies invited, and the
agencies' views submitted for the review (issue 10, section 4; ADR 15).

Every record is reached through ``reviews.policies.invitation_policy`` (a sealed ``PolicyViewSet``): missing and
forbidden are the same 404, in the kernel's one error shape.

- **An invited agency sees its own invitations**: a person invited by their account, and the practitioners and
  API client of the agency an invitation is for, see that invitation and the review's day, time and place
  (a restricted child's only when they may see the child's record). The review's IRO, the IRO manager and the
  child's case staff see every invitation of the reviews they see, withdrawn ones too.
- **Views**: an invitee sends its views on its own invitation (``POST .../views/``) until the review is held;
  sending again replaces them (201 the first time, 200 after). The same people who see the invitation read them.
- **Email addresses are never in any output.**
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body
from safeguarding.audit.services import record_view, record_views

from .. import services
from ..models import InviteeConsultation, ReviewInvitation
from ..policies import invitation_policy
from .invitation_serializers import ReviewInvitationOutput, ReviewInvitationViewsInput, ReviewInvitationViewsOutput

VIA_API = "api"


class ReviewInvitationFilter(django_filters.FilterSet):
    review = django_filters.UUIDFilter(field_name="review__public_id", help_text="The review's id")
    invitee = django_filters.ChoiceFilter(choices=ReviewInvitation.Invitee.choices,
                                          help_text="Who they are at the review")
    current = django_filters.BooleanFilter(method="filter_current",
                                           help_text="true: standing invitations only; false: withdrawn ones only")

    class Meta:
        model = ReviewInvitation
        fields = ["review", "invitee", "current"]

    def filter_current(self, qs, name, value):
        withdrawn = Q(withdrawn_at__isnull=False)
        return qs.exclude(withdrawn) if value else qs.filter(withdrawn)


# --- schema: examples ---------------------------------------------------------------------------------------------
INVITATION_ID = "0f4c2d6e-8a1b-4c3d-9e5f-7a6b5c4d3e2f"
EXAMPLE_INVITATION = {
    "id": INVITATION_ID, "invitee": "health", "name": "Nia Nurse",
    "agency": {"id": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "name": "Northmoor NHS Trust"}, "organisation": "",
    "withdrawn": False, "sent": True,
    "review": {"id": "8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d", "status": "scheduled", "date": "2026-03-27",
               "starts_at": "2026-03-27T14:00:00Z", "ends_at": "2026-03-27T15:30:00Z",
               "venue": "Oakfield Primary School", "online_link": "",
               "child": {"id": "0b8f3a7e-5b1d-4c2a-8f4e-9d6c2b1a7e30", "name": "Jade Holloway",
                         "date_of_birth": "2014-02-01"}},
}
EXAMPLE_VIEWS_IN = {"how_child_is": "Jade's health checks are up to date; she has been well.",
                    "going_well": "She went to every appointment.", "worries": "A dental check is overdue.",
                    "contact": "", "to_decide": "Book the dental check before the summer.", "anything_else": "",
                    "attending": "yes"}
EXAMPLE_VIEWS = {**EXAMPLE_VIEWS_IN, "via": "api", "saved_at": "2026-03-20T10:12:00Z",
                 "sent_at": "2026-03-20T10:12:00Z"}

NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not an invitation you may see: the two are not "
                                                        "told apart",
                            examples=[OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Review already held", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "non_field_errors": ["Views are taken until the review is held"]})),
    OpenApiExample("Too long", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "worries": ["Ensure this field has no more than 4000 characters."]})),
])
ID_PARAM = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The invitation's id")


@extend_schema_view(
    list=extend_schema(
        summary="Invitations to looked-after reviews",
        description="For an agency's API client or practitioner: the agency's own invitations (and a person's "
                    "invitations by their account), each with the review's day, time and place and the child's "
                    "name and date of birth. The review's IRO, the IRO manager and the child's case staff see "
                    "every invitation of the reviews they see. Email addresses are never included.",
        responses={200: OpenApiResponse(ReviewInvitationOutput(many=True), examples=[
            OpenApiExample("Your agency's invitation", value=EXAMPLE_INVITATION)])},
    ),
    retrieve=extend_schema(
        summary="One invitation", description="An invitation you may see, with the same fields as the list.",
        parameters=[ID_PARAM],
        responses={200: OpenApiResponse(ReviewInvitationOutput, examples=[
            OpenApiExample("Your agency's invitation", value=EXAMPLE_INVITATION)]), 404: NOT_FOUND},
    ),
)
class ReviewInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = invitation_policy
    serializer_class = ReviewInvitationOutput
    filterset_class = ReviewInvitationFilter
    lookup_value_regex = "[^/]+"
    action_map_to_policy = {"list": "view", "retrieve": "view", "views": "view"}

    def policy_action(self) -> str:
        if self.action == "views" and self.request.method == "POST":
            return "consult"  # the invitee's own invitation; anyone else gets the 404
        return super().policy_action()

    def shape_queryset(self, qs):
        return (qs.select_related("agency", "review__episode__child", "review__meeting")
                .order_by("review__planned_for", "review_id", "invitee", "id"))

    def list(self, request, *args, **kwargs):
        """Each invitation listed is a read: every row on the page is logged."""
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = list(qs) if page is None else page
        record_views(user=request.user, records=rows, via=VIA_API, what="api review invitations")
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        invitation = self.get_object()
        record_view(user=request.user, record=invitation, via=VIA_API, what="api review invitation")
        return Response(self.get_serializer(invitation).data)

    # --- views ------------------------------------------------------------------------------------------------
    @extend_schema(
        methods=["GET"], summary="The views given on an invitation", operation_id="review_invitations_views_read",
        description="What the invitee said for the review: empty, with ``sent_at`` null, until they send it.",
        parameters=[ID_PARAM],
        responses={200: OpenApiResponse(ReviewInvitationViewsOutput, examples=[
            OpenApiExample("Sent by the agency", value=EXAMPLE_VIEWS)]), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"], summary="Send your views for the review", operation_id="review_invitations_views_send",
        description="Sends the views of the invited agency (or person) for the review, on its own invitation: until "
                    "the review is held. Sending again replaces them (201 the first time, 200 after); the history "
                    "keeps each. The IRO is told.",
        parameters=[ID_PARAM], request=ReviewInvitationViewsInput,
        examples=[OpenApiExample("A health view", value=EXAMPLE_VIEWS_IN, request_only=True)],
        responses={
            201: OpenApiResponse(ReviewInvitationViewsOutput, description="The first time", examples=[
                OpenApiExample("Sent", value=EXAMPLE_VIEWS)]),
            200: OpenApiResponse(ReviewInvitationViewsOutput, description="Sent again (or the same again)",
                                 examples=[OpenApiExample("Sent again", value=EXAMPLE_VIEWS)]),
            400: INVALID, 404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def views(self, request, *args, **kwargs):
        invitation = self.get_object()
        existing = InviteeConsultation.objects.filter(invitation=invitation).first()
        if request.method != "POST":
            return Response(ReviewInvitationViewsOutput(existing or InviteeConsultation(via="")).data)
        data = ReviewInvitationViewsInput(data=request.data)
        data.is_valid(raise_exception=True)
        # a refusal by the service (a DjangoValidationError) is the API's 400, converted by safeguarding.api
        views = services.invitee_views_submit(actor=request.user, invitation=invitation,
                                              answers=dict(data.validated_data))
        sent_before = existing is not None and existing.sent_at is not None
        return Response(ReviewInvitationViewsOutput(views).data,
                        status=status.HTTP_200_OK if sent_before else status.HTTP_201_CREATED)
