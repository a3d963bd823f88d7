from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.accounts.models import Agency, Team, User
from safeguarding.forms import GovukDateField

from .identifiers import validate_disabilities, validate_nhs_number, validate_upn
from .models import ChronologyEntry, Disability, Ethnicity, Gender, RelationshipKind


class SearchForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=200,
                           help_text="Any part of a first name, surname, preferred name or alias")
    date_of_birth = GovukDateField(label="Date of birth", required=False, label_lower="the date of birth",
                                   help_text="For example, 27 3 2015. Finds children born on that day, and "
                                             "unborn children expected then.")
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=16)
    local_child_id = forms.CharField(label="Local child ID", required=False, max_length=40,
                                     help_text="The reference children's social care gave the child")

    def clean_nhs_number(self):
        v = self.cleaned_data["nhs_number"]
        return validate_nhs_number(v) if v.strip() else ""

    def clean_upn(self):
        v = self.cleaned_data["upn"]
        return validate_upn(v) if v.strip() else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(k) for k in ("name", "date_of_birth", "nhs_number", "upn",
                                                                "local_child_id")):
            raise ValidationError("Enter a name, date of birth, NHS number, unique pupil number or local child ID "
                                  "to search")
        return data


class ChildForm(forms.Form):
    legal_first_names = forms.CharField(label="First names (legal)", required=False, max_length=200)
    legal_surname = forms.CharField(label="Surname (legal)", max_length=200,
                                    error_messages={"required": "Enter the child's surname"})
    preferred_name = forms.CharField(label="Preferred name", required=False, max_length=200,
                                     help_text="What the child likes to be called, if different")
    date_of_birth = GovukDateField(label="Date of birth", required=False, label_lower="the date of birth",
                                   help_text="For example, 27 3 2015. Today or earlier, and within the last 25 "
                                             "years. For an unborn child leave it blank and enter the expected "
                                             "date of birth.")
    expected_date_of_birth = GovukDateField(label="Expected date of birth (unborn child)", required=False,
                                            label_lower="the expected date of birth",
                                            help_text="Only for an unborn child, instead of a date of birth: "
                                                      "within the next 10 months (or up to a month ago), for "
                                                      "example 14 9 2026.")
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, initial=Gender.NOT_KNOWN)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14,
                                 help_text="10 digits, for example 943 476 5919")
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=16,
                          help_text="13 characters, starting with a letter")
    first_language = forms.CharField(label="First language", required=False, max_length=100)
    disabilities = forms.MultipleChoiceField(label="Disabilities", required=False, choices=Disability.choices,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="Select all that apply, or \u201cNo disability\u201d on "
                                                       "its own")

    def clean_disabilities(self):
        return validate_disabilities(self.cleaned_data["disabilities"])

    def clean_nhs_number(self):
        v = self.cleaned_data["nhs_number"]
        return validate_nhs_number(v) if v.strip() else ""

    def clean_upn(self):
        v = self.cleaned_data["upn"]
        return validate_upn(v) if v.strip() else ""


class ChildCreateForm(ChildForm):
    """Adding a child. ``authorities``: the local authorities the person may record a child for
    (``child_policy.authorities_for_create``); with more than one, they choose."""

    address_line_1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    address_town = forms.CharField(label="Town or city", required=False, max_length=100)
    address_postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked the possible matches and this is a different child", required=False)

    field_order = ["local_authority"]

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.authorities = list(authorities)
        if len(self.authorities) > 1:
            self.fields["local_authority"] = forms.ModelChoiceField(
                label="Which local authority holds the child's record?", widget=forms.RadioSelect,
                queryset=Agency.objects.filter(pk__in=[a.pk for a in self.authorities]).order_by("name"),
                to_field_name="public_id", empty_label=None,
                error_messages={"required": "Select the local authority that holds the child's record",
                                "invalid_choice": "Select the local authority that holds the child's record"},
            )
            self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        if len(self.authorities) == 1:
            data["local_authority"] = self.authorities[0]
        parts = [data.get("address_line_1"), data.get("address_town"), data.get("address_postcode")]
        if any(parts) and not all(parts):
            raise ValidationError("Enter the address line 1, town and postcode, or leave the address blank")
        return data


class ChildEditForm(ChildForm):
    reason = forms.CharField(label="Why are you changing the record?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why you are changing the record"})


class InvolvementForm(forms.Form):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.filter(is_active=True),
                                    error_messages={"required": "Select the agency"})
    role = forms.CharField(label="Professional's role", max_length=200,
                           help_text="For example GP, health visitor, designated safeguarding lead",
                           error_messages={"required": "Enter the professional's role"})
    professional_name = forms.CharField(label="Professional's name", required=False, max_length=200)
    professional_email = forms.EmailField(label="Professional's email", required=False)
    start_date = GovukDateField(label="Start date", label_lower="the start date")


class AdultRelationshipForm(forms.Form):
    first_names = forms.CharField(label="First names", required=False, max_length=200)
    surname = forms.CharField(label="Surname", max_length=200,
                              error_messages={"required": "Enter the person's surname"})
    date_of_birth = GovukDateField(label="Date of birth", required=False, label_lower="the date of birth")
    kind = forms.ChoiceField(label="Relationship to the child", choices=RelationshipKind.choices)
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    lives_with_child = forms.BooleanField(label="Lives with the child", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    email = forms.EmailField(label="Email", required=False)


class ChronologyForm(forms.Form):
    occurred_on = GovukDateField(label="Date", label_lower="the date of the event")
    source_agency = forms.ModelChoiceField(label="Recording agency", queryset=Agency.objects.none(),
                                           error_messages={"required": "Select the agency recording this"})
    significance = forms.ChoiceField(label="Significance", choices=ChronologyEntry.Significance.choices,
                                     widget=forms.RadioSelect, initial=ChronologyEntry.Significance.ROUTINE)
    summary = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": "Enter a summary of what happened"})

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label="Why do you need to see this record?", widget=forms.Textarea(attrs={"rows": 4}),
                             min_length=10, error_messages={"required": "Explain why you need to see this record",
                                                            "min_length": "Explain why in at least 10 characters"})


class AllocationForm(forms.Form):
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)
    social_worker = forms.ModelChoiceField(label="Social worker", queryset=User.objects.none(), required=False)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Say why the allocation is changing"})


# --- correcting and ending records ------------------------------------------------------------------


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(label="Why was this entered in error?", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example, it was recorded on the wrong child's record",
                             error_messages={"required": "Say why this was entered in error"})
    confirm = forms.BooleanField(label="I understand that this cannot be undone",
                                 error_messages={"required": "Confirm that you understand this cannot be undone"})


class EndRecordForm(forms.Form):
    """The end date and reason for an involvement or a relationship (the labels say which)."""

    end_date = GovukDateField(label="End date", label_lower="the end date", help_text="For example, 27 3 2025")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, reason_label: str, reason_required: str, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["end_date"].help_text = f"For example, {today.day} {today.month} {today.year}"
        self.fields["reason"].label = reason_label
        self.fields["reason"].error_messages["required"] = reason_required

    def clean_end_date(self):
        d = self.cleaned_data["end_date"]
        if d is not None and d > timezone.localdate():
            raise ValidationError("The end date must be today or in the past")
        return d


class DuplicateLinkForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why you believe these are the same child"})

    def __init__(self, *args, other, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = (f"Why do you believe {other.full_name} ({other.local_child_id}) "
                                       "is the same child?")


class AccessRequestForm(forms.Form):
    reason = forms.CharField(label="Why do you need to see this record?", widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=2000, help_text="For example, the child has been referred to your team",
                             error_messages={"required": "Say why you need to see this record"})


class AccessGrantForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, help_text="The email address they use to sign in",
        error_messages={"required": "Enter the email address of the person who needs access",
                        "invalid": "Enter an email address in the correct format, like name@example.org"})
    until = GovukDateField(label="Access ends on", label_lower="the date access ends")
    reason = forms.CharField(label="Why do they need access?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why this person needs access"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = timezone.localdate() + timedelta(days=14)
        self.fields["until"].help_text = (f"For example, {example.day} {example.month} {example.year}. "
                                          f"Access can be given for up to {settings.ACCESS_GRANT_MAX_DAYS} days.")
        self.grantee = None

    def clean_email(self):
        email = self.cleaned_data["email"]
        # The same answer for no account, a deactivated one, an API client or an account without a
        # current membership: the form must not tell a manager more than that.
        user = (User.objects.filter(email__iexact=email, is_active=True, is_api_client=False,
                                    memberships__is_active=True, memberships__agency__is_active=True)
                .distinct().first())
        if user is None:
            raise ValidationError("No active person with that email")
        self.grantee = user
        return email

    def clean_until(self):
        d = self.cleaned_data["until"]
        today = timezone.localdate()
        max_days = settings.ACCESS_GRANT_MAX_DAYS  # the service enforces the same limit
        latest = today + timedelta(days=max_days)
        if d is not None and d < today:
            raise ValidationError("The date access ends must be today or in the future")
        if d is not None and d > latest:
            raise ValidationError(f"Access can be given for up to {max_days} days: enter a date on or before "
                                  f"{latest.day} {latest:%B %Y}")
        return d


class AccessRevokeForm(forms.Form):
    reason = forms.CharField(label="Why are you removing their access?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why the access is being revoked"})
