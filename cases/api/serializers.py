from rest_framework import serializers

from ..identifiers import validate_nhs_number, validate_upn
from ..models import Child, Disability, Ethnicity, Gender


class ChildOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    local_authority = serializers.CharField(source="local_authority.name")
    is_unborn = serializers.BooleanField()
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id", "local_child_id", "legal_first_names", "legal_surname", "preferred_name", "aliases", "date_of_birth",
            "expected_date_of_birth", "is_unborn", "gender", "ethnicity", "nhs_number", "upn", "first_language",
            "disabilities", "local_authority", "status",
        ]

    def get_aliases(self, obj) -> list[str]:
        return [a.name for a in obj.aliases.all()]


class ChildInput(serializers.Serializer):
    legal_first_names = serializers.CharField(required=False, allow_blank=True, max_length=200)
    legal_surname = serializers.CharField(max_length=200)
    preferred_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.NOT_KNOWN)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, default=Ethnicity.NOBT)
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=14)
    upn = serializers.CharField(required=False, allow_blank=True, max_length=16)
    first_language = serializers.CharField(required=False, allow_blank=True, max_length=100)
    disabilities = serializers.ListField(child=serializers.ChoiceField(choices=Disability.choices), required=False)
    local_authority = serializers.UUIDField(help_text="The local authority that holds the child's record")
    involvement_role = serializers.CharField(
        max_length=200, help_text="Your agency's role with the child, e.g. 'School (DSL)' or 'GP practice'")
    confirm_not_duplicate = serializers.BooleanField(
        required=False, default=False,
        help_text="Set after checking the possible duplicates returned by a previous 409 answer")

    def validate_nhs_number(self, value):
        return validate_nhs_number(value) if value.strip() else ""

    def validate_upn(self, value):
        return validate_upn(value) if value.strip() else ""


class DuplicateCandidateOutput(serializers.Serializer):
    id = serializers.UUIDField(source="child.public_id")
    name = serializers.CharField(source="child.full_name")
    date_of_birth = serializers.DateField(source="child.date_of_birth")
    reasons = serializers.ListField(child=serializers.CharField())
