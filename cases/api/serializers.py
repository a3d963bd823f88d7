from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safeguarding.api import error_shape

from ..identifiers import validate_nhs_number, validate_upn
from ..models import Child, Disability, Ethnicity, Gender
from ..policies import FIND_BREAK_GLASS, FIND_OPEN, FIND_RESTRICTED
from ..selectors import holder_of


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
    date_of_birth = serializers.DateField(
        required=False, allow_null=True,
        help_text="1 January 1900 or later, and not in the future (a child: within the last 25 years). Give this "
                  "or expected_date_of_birth.")
    expected_date_of_birth = serializers.DateField(
        required=False, allow_null=True,
        help_text="For an unborn child: within the next 10 months (300 days), or up to a month (31 days) ago")
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
    """A possible duplicate, shown only as far as the caller may see it (``child_policy.findable``): a
    child the caller may open in full; another team's child the caller may find but not open as the
    minimal row (name, dates of birth, local id, who holds it; no id); a restricted record the caller
    cannot open only as "a restricted record matches" (nothing about the child)."""

    id = serializers.SerializerMethodField(help_text="Only for a child you may open")
    local_child_id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    date_of_birth = serializers.SerializerMethodField()
    expected_date_of_birth = serializers.SerializerMethodField()
    held_by = serializers.SerializerMethodField(help_text="The team or service that holds the record")
    can_open = serializers.SerializerMethodField(help_text="Whether you may open the child's record")
    restricted = serializers.SerializerMethodField(
        help_text="A restricted record you cannot open: nothing about the child is shown")
    message = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()

    @staticmethod
    def _open(c) -> bool:
        return c.child.finding == FIND_OPEN

    @staticmethod
    def _hidden(c) -> bool:
        return c.child.finding in (FIND_BREAK_GLASS, FIND_RESTRICTED)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_id(self, c):
        return c.child.public_id if self._open(c) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_local_child_id(self, c):
        return None if self._hidden(c) else c.child.local_child_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name(self, c):
        return None if self._hidden(c) else c.child.full_name

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_date_of_birth(self, c):
        return None if self._hidden(c) or not c.child.date_of_birth else c.child.date_of_birth.isoformat()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_expected_date_of_birth(self, c):
        edd = c.child.expected_date_of_birth
        return None if self._hidden(c) or not edd else edd.isoformat()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_held_by(self, c):
        return None if self._hidden(c) else holder_of(c.child)

    def get_can_open(self, c) -> bool:
        return self._open(c)

    def get_restricted(self, c) -> bool:
        return self._hidden(c)

    def get_message(self, c) -> str:
        if self._hidden(c):
            return "A restricted record matches: contact the service manager"
        if self._open(c):
            return ""
        return "Held by another team: ask the holder for access"

    def get_reasons(self, c) -> list[str]:
        return [] if self._hidden(c) else list(c.reasons)


# a 409 answer: the error shape with the candidates found
PossibleDuplicatesOutput = error_shape("PossibleDuplicatesOutput", candidates=DuplicateCandidateOutput(many=True))
