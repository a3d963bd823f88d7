"""``/api/v1/partnership/escalations/``: professional differences for agencies' systems and people (issue 12,
section 4; ADR 25). The same policy and services as the pages: the caller sees the escalations it raised and the
ones raised with its agency (a partners' delegate, those at arbitration; the business unit, all); it raises a
difference for its agency and answers one raised with it. A child is identified only to callers who may open
the child's record. Missing and forbidden are the same 404; a refusal by the service is a 400 in the one error
shape."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewSet
from safeguarding.api import ApiErrorOutput, error_body

from .. import services
from ..policies import escalation_policy
from ..selectors import escalations as select
from .escalation_serializers import EscalationDetailOutput, EscalationInput, EscalationOutput, ResponseInput

EXAMPLE = {
    "id": "0b7c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4", "route": "professional_difference", "category": "threshold",
    "about_a_child": True, "child": None, "theme": "", "concern": "The referral was closed without a strategy "
    "discussion.", "wanted": "A strategy discussion this week.",
    "raising_agency": {"id": "1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d", "name": "Northmoor Police"},
    "raised_with_agency": {"id": "5e2d9c1b-8a7f-4e3d-b2c1-0f9e8d7c6b5a", "name": "Northmoor Borough Council"},
    "raised_on": "2027-03-24", "stage": 1, "stage_name": "Stage 1: practitioners' response", "due_on": "2027-03-30",
    "overdue": False, "outcome": "", "closed_on": None,
}
NOT_FOUND = OpenApiResponse(ApiErrorOutput, description="Missing, or not an escalation you may see: the two are "
                            "not told apart", examples=[
                                OpenApiExample("Not found", value=error_body(404, "not_found", "Not found."))])
INVALID = OpenApiResponse(ApiErrorOutput, description="The request has errors; see fields", examples=[
    OpenApiExample("No child or theme", value=error_body(400, "invalid", "The request has errors; see fields.", {
        "theme": ["Say what the difference is about: a child, or a theme"]}))])
ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The escalation's id")


def _one(ctx, escalation, today, detail=False) -> dict:
    return _shaped(ctx, [escalation], today, detail)[0]


def _shaped(ctx, escalations, today, detail=False) -> list[dict]:
    out = []
    for row in select.escalation_for_api(ctx=ctx, escalations=escalations, today=today):
        e = row.escalation
        item = {"escalation": e, "about_a_child": bool(e.child_id), "stage_name": row.stage, "due_on": row.due_on,
                "child": row.child.public_id if row.child is not None else None, "overdue": row.overdue}
        if detail:
            item["steps"] = select.steps_for(e)
        out.append(item)
    return out


def _only_or(ids, public_id, field, what):
    """The agency named by ``public_id`` among ``ids``, or the only one when none is named."""
    agencies = select.agency_choices(ids)
    if public_id is None and len(agencies) == 1:
        return select.agency_by_public_id(agencies[0][0], ids)
    agency = select.agency_by_public_id(public_id, ids) if public_id else None
    if agency is None:
        raise ValidationError({field: f"Give the id of {what}"})
    return agency


@extend_schema_view(
    list=extend_schema(
        summary="Your escalations", description="The open and closed escalations you may see, newest first: the "
        "ones you raised and the ones raised with your agency (a partners' delegate: those at arbitration).",
        responses={200: OpenApiResponse(EscalationOutput(many=True), examples=[
            OpenApiExample("A difference at stage 1", value=EXAMPLE)])}),
    retrieve=extend_schema(
        summary="One escalation", parameters=[ID], description="The escalation and every step.",
        responses={200: EscalationDetailOutput, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Raise a professional difference", request=EscalationInput,
        description="For your agency, with another agency, about a child whose record you may open (``child``) or "
                    "a theme. Stage 1 of the partnership's protocol begins on ``raised_on`` (default today).",
        responses={201: OpenApiResponse(EscalationOutput, examples=[OpenApiExample("Raised", value=EXAMPLE)]),
                   400: INVALID}),
)
class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, PolicyViewSet):
    policy = escalation_policy
    serializer_class = EscalationOutput
    action_map_to_policy = {"list": "view", "retrieve": "view", "create": "view", "responses": "view"}

    def shape_queryset(self, qs):
        return qs.select_related("raising_agency", "raised_with_agency", "child").order_by("-raised_on", "-id")

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = list(qs) if page is None else page
        data = EscalationOutput(_shaped(self.access, rows, timezone.localdate()), many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(EscalationDetailOutput(_one(self.access, self.get_object(), timezone.localdate(),
                                                    detail=True)).data)

    def create(self, request, *args, **kwargs):
        if not escalation_policy.can_raise(self.access):
            raise Http404("No such record")
        data = EscalationInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        raising = _only_or(escalation_policy.raising_agencies_for(self.access), d["raising_agency"],
                           "raising_agency", "your agency")
        raised_with = select.agency_by_public_id(d["raised_with_agency"])
        child = None
        if d["child"] is not None:
            try:
                child = child_policy.get_for(self.access, d["child"], "view")
            except Http404:
                raise ValidationError({"child": "Give the id of a child whose record you can open"}) from None
        escalation = services.escalation_raise(
            actor=request.user, raising_agency=raising, raised_with_agency=raised_with, category=d["category"],
            concern=d["concern"], wanted=d["wanted"], child=child, theme=d["theme"],
            raised_with_name=d["raised_with_name"], raised_on=d["raised_on"])
        escalation = self.get_queryset().get(pk=escalation.pk)
        return Response(EscalationOutput(_one(self.access, escalation, timezone.localdate())).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer at the current stage", operation_id="partnership_escalations_responses",
        description="Your agency's answer to a difference raised with it, at the stage it is at (at arbitration, a "
                    "partners' delegate's answer for the partner). Meets the stage's date; a late answer needs "
                    "``late_reason``. Only for an open professional difference raised with your agency.",
        parameters=[ID], request=ResponseInput,
        responses={201: OpenApiResponse(EscalationDetailOutput), 400: INVALID, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def responses(self, request, *args, **kwargs):
        escalation = self.get_object()
        data = ResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if not escalation_policy.can(self.access, "respond", escalation):
            raise ValidationError("Only the agency it is raised with answers it (the partners' delegates at "
                                  "arbitration), while it is open")
        agency = _only_or(escalation_policy.respond_agencies_for(self.access, escalation), d["agency"], "agency",
                          "the agency you answer for")
        services.escalation_respond(actor=request.user, escalation=escalation, agency=agency,
                                    response=d["response"], responded_on=d["responded_on"],
                                    late_reason=d["late_reason"])
        escalation = self.get_queryset().get(pk=escalation.pk)
        return Response(EscalationDetailOutput(_one(self.access, escalation, timezone.localdate(), detail=True)).data,
                        status=status.HTTP_201_CREATED)
