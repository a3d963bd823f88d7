import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response

from safeguarding.access.views import PolicyViewSet
from safeguarding.accounts.models import Agency, AgencyKind, Role, Team
from safeguarding.audit.models import RecordView
from safeguarding.audit.services import record_views

from .. import services
from ..identifiers import normalise_nhs_number, normalise_upn
from ..models import Child, ChildAlias
from ..policies import child_policy
from ..selectors import SearchCriteria, child_search_queryset
from .serializers import ChildInput, ChildOutput, DuplicateCandidateOutput


class ChildFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name", help_text="Any part of a name, alias or similar name")
    date_of_birth = django_filters.DateFilter(method="filter_dob")
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
        # aliases entered in error are not the child's names: leave them out, as search does
        live = Prefetch("aliases", queryset=ChildAlias.objects.filter(entered_in_error_at__isnull=True))
        return qs.select_related("local_authority").prefetch_related(live).order_by("legal_surname", "id")

    def list(self, request, *args, **kwargs):
        """Each child listed is a read of their record: every row on the page is logged."""
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        if page is not None and response.status_code == 200:
            record_views(user=request.user, records=page.object_list, via=RecordView.Via.API, what="api children list")
        return response

    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        services.child_view_log(child=child, user=request.user, via=RecordView.Via.API, what="api child")
        return Response(ChildOutput(child).data)

    @extend_schema(
        summary="Record a child", request=ChildInput,
        responses={201: ChildOutput, 409: OpenApiResponse(DuplicateCandidateOutput(many=True),
                   description="Possible duplicates; check them and send again with confirm_not_duplicate")},
        examples=[OpenApiExample("A pupil", request_only=True, value={
            "legal_first_names": "Amelia", "legal_surname": "Hart", "date_of_birth": "2016-05-04",
            "nhs_number": "4857773456", "local_authority": "3f1c4d7e-0000-4000-8000-000000000000",
            "involvement_role": "School (designated safeguarding lead)"})],
    )
    def create(self, request, *args, **kwargs):
        if not child_policy.can_create(self.access):
            raise exceptions.NotFound()
        data = ChildInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        try:
            la = Agency.objects.get(public_id=d.pop("local_authority"), kind=AgencyKind.LOCAL_AUTHORITY, is_active=True)
        except Agency.DoesNotExist:
            raise exceptions.ValidationError({"local_authority": ["No such local authority"]}) from None
        if request.user.is_api_client:
            # An agency's system: the child is recorded with an open involvement of that agency.
            placement = {"involvement_agency": request.user.api_client.agency,
                         "involvement_role": d.pop("involvement_role")}
        else:
            # Children's social care staff: their own local authority only, allocated as on the page.
            if la.pk not in self.access.local_authority_ids:
                raise exceptions.ValidationError({"local_authority": ["You can only record children for your own "
                                                                     "local authority"]})
            d.pop("involvement_role")
            membership = self.access.memberships_in(la.pk)
            placement = {"allocated_team": Team.objects.filter(pk=membership.team_id).first(),
                         "allocated_social_worker": request.user if Role.SOCIAL_WORKER in membership.roles else None}
        try:
            child = services.child_create(
                actor=request.user, local_authority=la, data=d, visible_children=child_policy.visible(self.access),
                confirm_not_duplicate=d.pop("confirm_not_duplicate"), **placement,
            )
        except services.PossibleDuplicates as dup:
            return Response({"error": {
                "status": 409, "code": "possible_duplicate",
                "message": "This child may already be recorded; check the candidates, then send again with "
                           "confirm_not_duplicate=true if this is a different child.",
                "fields": {}, "candidates": DuplicateCandidateOutput(dup.candidates, many=True).data,
            }}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(getattr(exc, "message_dict", {"non_field_errors": exc.messages})) from None
        return Response(ChildOutput(child).data, status=status.HTTP_201_CREATED)
