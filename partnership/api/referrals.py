"""``/api/v1/partnership/referrals/``: referring a case to the safeguarding partnership for review (issue 12,
section 1), for an agency's own system (its API client's token) and the agency's people (a session), as the
"Refer a case" page does, through the same service (``partnership.services.referral_make``).

- ``POST``: a referral for one of the agencies the caller may refer for (``referral_policy``'s
  ``referring_agencies_for``): the child or children, what happened, when the agency became aware and why it may
  meet the criteria. Children are matched to the hub's records by identifier and the caller is told nothing of it.
- ``GET`` list and ``GET {id}``: the referrals the caller's agency made and their triage outcome
  (``agency_referral_policy``); nothing of another agency's referrals.

Missing and forbidden are the same 404 (someone who may not refer gets it on ``POST`` too); a refusal by the
service is a 400 in the one error shape.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body

from .. import services
from ..policies import agency_referral_policy, referral_policy
from ..selectors import choices
from .referral_serializers import PartnershipReferralDetailOutput, PartnershipReferralInput, PartnershipReferralOutput

EXAMPLE = {
    "id": "2f6d8a1c-7b3e-4c5d-9e0f-1a2b3c4d5e6f", "kind": "case_review",
    "referring_agency": {"id": "1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d", "name": "Northmoor Police"},
    "local_authority": {"id": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "name": "Northmoor Borough Council"},
    "aware_on": "2027-03-24", "referred_at": "2027-03-24T16:05:00Z", "triage": "pending", "triaged_on": None,
}
EXAMPLE_DETAIL = {**EXAMPLE, "what_happened": "A child of four was admitted to hospital with a head injury.",
                  "criteria_reason": "Serious harm; neglect is suspected.",
                  "children": [{"first_names": "Ava", "surname": "Example", "date_of_birth": "2022-05-01",
                                "nhs_number": "", "upn": ""}]}
EXAMPLE_IN = {"local_authority": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "aware_on": "2027-03-24",
              "what_happened": "A child of four was admitted to hospital with a head injury.",
              "criteria_reason": "Serious harm; neglect is suspected.",
              "children": [{"first_names": "Ava", "surname": "Example", "date_of_birth": "2022-05-01"}]}
NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not a referral your agency made: the two are "
                                                        "not told apart", examples=[
    OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
NO_REFERRAL = OpenApiResponse(ApiErrorOutput, description="You do not work in an agency, so you may not refer",
                              examples=[OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("Aware tomorrow", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "aware_on": ["The day you became aware must be today or in the past"]}))])
ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The referral's id")


def _out(referral):
    referral.triaged_on = timezone.localdate(referral.triaged_at) if referral.triaged_at else None
    return referral


def _referring_agency(ctx, public_id):
    """The agency named among those ``ctx`` may refer for, or the only one when none is named."""
    ids = referral_policy.referring_agencies_for(ctx)
    own = choices.agencies(ids)
    if public_id is None and len(own) == 1:
        return own[0]
    agency = choices.agency_by_public_id(public_id, ids) if public_id else None
    if agency is None:
        raise ValidationError({"referring_agency": "Give the id of your agency"})
    return agency


@extend_schema_view(
    list=extend_schema(
        summary="The referrals your agency made", description="The referrals for a case review (and the other "
        "notifications) your agency made, newest first, each with the practice review group's decision once made.",
        responses={200: OpenApiResponse(PartnershipReferralOutput(many=True), examples=[
            OpenApiExample("Waiting for triage", value=EXAMPLE)])}),
    retrieve=extend_schema(
        summary="One referral your agency made", parameters=[ID],
        description="The referral as your agency sent it (what happened, why it may meet the criteria, the "
                    "children as you described them) and the triage outcome.",
        responses={200: OpenApiResponse(PartnershipReferralDetailOutput, examples=[
            OpenApiExample("Waiting for triage", value=EXAMPLE_DETAIL)]), 404: NOT_FOUND}),
    create=extend_schema(
        summary="Refer a case to the safeguarding partnership",
        description="For your agency (``referring_agency``: needed only if you work in more than one), about the "
                    "child or children, what happened, the day your agency became aware (Working Day 1 of a rapid "
                    "review) and why it may meet the criteria. The business unit and the practice review group "
                    "decide whether it needs a review. You are not told whether a child is known to the hub.",
        request=PartnershipReferralInput,
        examples=[OpenApiExample("A police referral", value=EXAMPLE_IN, request_only=True)],
        responses={201: OpenApiResponse(PartnershipReferralDetailOutput, examples=[
            OpenApiExample("Received", value=EXAMPLE_DETAIL)]), 400: INVALID, 404: NO_REFERRAL}),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, PolicyViewSet):
    policy = agency_referral_policy
    serializer_class = PartnershipReferralOutput
    action_map_to_policy = {"list": "view", "retrieve": "view", "create": "view"}

    def shape_queryset(self, qs):
        qs = qs.select_related("referring_agency", "local_authority").order_by("-created_at", "-id")
        return qs.prefetch_related("children") if self.action in ("retrieve", "create") else qs

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = [_out(r) for r in (list(qs) if page is None else page)]
        data = PartnershipReferralOutput(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def create(self, request, *args, **kwargs):
        if not referral_policy.can_refer(self.access):
            raise Http404("No such record")
        data = PartnershipReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        agency = _referring_agency(self.access, d["referring_agency"])
        authority = choices.agency_by_public_id(d["local_authority"])
        if authority is None:
            raise ValidationError({"local_authority": "Give the id of the local authority where it happened"})
        referral = services.referral_make(
            actor=request.user, referring_agency=agency, local_authority=authority, aware_on=d["aware_on"],
            kind=d["kind"], what_happened=d["what_happened"], criteria_reason=d["criteria_reason"],
            children=[dict(c) for c in d["children"]])
        return Response(self._detail(self.get_queryset().get(pk=referral.pk)), status=status.HTTP_201_CREATED)

    @staticmethod
    def _detail(referral) -> dict:
        referral = _out(referral)
        referral.listed_children = list(referral.children.all())
        return PartnershipReferralDetailOutput(referral).data
