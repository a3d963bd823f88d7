import django_filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.audit.services import record_views

from .. import selectors, services
from ..identifiers import normalise_nhs_number, normalise_upn
from ..models import Child
from ..policies import child_policy
from ..selectors import SearchCriteria, child_search_queryset
from .serializers import ChildInput, ChildOutput, DuplicateCandidateOutput, PossibleDuplicatesOutput


class ChildFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name", help_text="Any part of a name, alias or similar name")
    date_of_birth = django_filters.DateFilter(method="filter_dob", input_formats=["%Y-%m-%d"])
    nhs_number = django_filters.CharFilter(method="filter_nhs")
    upn = django_filters.CharFilter(method="filter_upn")

    class Meta:
        model = Child
        fields = ["status"]

    def filter_name(self, qs, name, value):
        return child_search_queryset(base=qs, criteria=SearchCriteria(name=value))

    def filter_dob(self, qs, name, value):
        return child_search_queryset(base=qs, criteria=SearchCriteria(date_of_birth=value))

    def filter_nhs(self, qs, name, value):
        return qs.filter(nhs_number=normalise_nhs_number(value))

    def filter_upn(self, qs, name, value):
        return qs.filter(upn=normalise_upn(value))


@extend_schema_view(
    list=extend_schema(summary="Children your agency works with", description="Search by name, date of birth, "
                       "NHS number or UPN. Only children with an open involvement of your agency are listed."),
    retrieve=extend_schema(summary="One child", responses={200: ChildOutput, 404: OpenApiResponse(
        description="Missing, or not a child your agency works with (the two are not distinguished)")}),
)
class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    policy = child_policy
    serializer_class = ChildOutput
    filterset_class = ChildFilter

    def shape_queryset(self, qs):
        return selectors.children_for_api(qs)

    def list(self, request, *args, **kwargs):
        """Each child listed is a read of their record: every row on the page is logged."""
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        if page is not None and response.status_code == 200:
            record_views(user=request.user, records=page.object_list, via=services.VIA_API, what="api children list")
        return response

    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        services.child_view_log(child=child, user=request.user, via=services.VIA_API, what="api child")
        return Response(ChildOutput(child).data)

    @extend_schema(
        summary="Record a child", request=ChildInput,
        responses={201: ChildOutput, 409: OpenApiResponse(PossibleDuplicatesOutput,
                   description="Possible duplicates; check them and send again with confirm_not_duplicate")},
        examples=[OpenApiExample("A pupil", request_only=True, value={
            "legal_first_names": "Amelia", "legal_surname": "Hart", "date_of_birth": "2016-05-04",
            "nhs_number": "9434765919", "local_authority": "3f1c4d7e-0000-4000-8000-000000000000",
            "involvement_role": "School (designated safeguarding lead)"})],
    )
    def create(self, request, *args, **kwargs):
        if not child_policy.can_create(self.access):
            raise exceptions.NotFound()
        data = ChildInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        la = selectors.local_authority_by_public_id(d.pop("local_authority"))
        if la is None:
            raise exceptions.ValidationError({"local_authority": ["No such local authority"]})
        if not child_policy.can_create_for(self.access, la):
            raise exceptions.ValidationError({"local_authority": ["You can only record children for your own "
                                                                 "local authority"]})
        # An agency's system records the child with an open involvement of its agency; children's social
        # care staff get the child allocated as on the page.
        placement = selectors.child_placement(ctx=self.access, local_authority=la)
        involvement_role = d.pop("involvement_role")
        if "involvement_agency" in placement:
            placement["involvement_role"] = involvement_role
        confirm = d.pop("confirm_not_duplicate")
        try:
            child = services.child_create(
                actor=request.user, local_authority=la, data=d, confirm_not_duplicate=confirm,
                sighted_via=services.SIGHTED_IN_API_DUPLICATE_CHECK, **placement,
            )
        except services.PossibleDuplicates as dup:
            return Response({"error": {
                "status": 409, "code": "possible_duplicate",
                "message": "This child may already be recorded; check the candidates, then send again with "
                           "confirm_not_duplicate=true if this is a different child.",
                "fields": {}, "candidates": DuplicateCandidateOutput(dup.candidates, many=True).data,
            }}, status=status.HTTP_409_CONFLICT)
        # a service's ValidationError becomes the one 400 shape in the kernel's exception handler
        return Response(ChildOutput(child).data, status=status.HTTP_201_CREATED)
