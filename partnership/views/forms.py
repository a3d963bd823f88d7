"""The partnership's forms: input only; the rules are the services' (their ValidationErrors come back here)."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import Notification, PartnershipSeat, Referral


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


class ReferralForm(forms.Form):
    referring_agency = forms.ChoiceField(label="Your agency", error_messages={"required": "Choose your agency"})
    local_authority = forms.ChoiceField(label="Local authority where it happened",
                                        error_messages={"required": "Choose the local authority"})
    kind = forms.ChoiceField(label="What are you referring?", widget=forms.RadioSelect, choices=Referral.Kind.choices,
                             initial=Referral.Kind.CASE_REVIEW, error_messages={"required": "Choose what you refer"})
    aware_on = GovukDateField(label="When did your agency become aware?",
                              label_lower="the day your agency became aware")
    what_happened = forms.CharField(label="What happened", widget=_textarea(5),
                                    error_messages={"required": "Say what happened"})
    criteria_reason = forms.CharField(label="Why it may meet the criteria for a review", widget=_textarea(3),
                                      required=False)
    first_names = forms.CharField(label="Child's first names", max_length=200, required=False)
    surname = forms.CharField(label="Child's surname", max_length=200,
                              error_messages={"required": "Enter the child's surname"})
    date_of_birth = GovukDateField(label="Child's date of birth", label_lower="the child's date of birth",
                                   required=False)
    nhs_number = forms.CharField(label="Child's NHS number (if known)", max_length=12, required=False)

    def __init__(self, *args, agencies, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_agency"].choices = agencies
        self.fields["local_authority"].choices = [("", "Choose a local authority"), *authorities]


class TriageForm(forms.Form):
    triage = forms.ChoiceField(label="The practice review group's decision", widget=forms.RadioSelect,
                               choices=[c for c in Referral.Triage.choices if c[0] != Referral.Triage.PENDING],
                               error_messages={"required": "Choose the decision"})
    rationale = forms.CharField(label="Rationale", widget=_textarea(4),
                                error_messages={"required": "Give the rationale"})
    la_aware_on = GovukDateField(label="When did the local authority become aware? (if later than the agency)",
                                 label_lower="the day the local authority became aware", required=False)


class DecisionForm(forms.Form):
    agency = forms.ChoiceField(label="The partner you decide for", error_messages={"required": "Choose the partner"})
    criteria_met = forms.TypedChoiceField(label="Are the criteria for a rapid review met?", widget=forms.RadioSelect,
                                          choices=[("yes", "Yes: rapid review"),
                                                   ("no", "No: alternative learning review")],
                                          coerce=lambda v: v == "yes", error_messages={"required": "Choose yes or no"})
    rationale = forms.CharField(label="Rationale", widget=_textarea(4),
                                error_messages={"required": "Give the rationale"})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies


class StepForm(forms.Form):
    done_on = GovukDateField(label="The day it was done", label_lower="the day it was done")
    late_reason = forms.CharField(label="Why was it late?", widget=_textarea(3), required=False,
                                  help_text="Only if it was done after its working day")


class NotificationForm(forms.Form):
    to = forms.ChoiceField(label="Who was notified", widget=forms.RadioSelect, choices=Notification.To.choices,
                           error_messages={"required": "Choose who was notified"})
    sent_on = GovukDateField(label="The day it was sent", label_lower="the day it was sent")
    reference = forms.CharField(label="Reference", max_length=100, required=False,
                                help_text="The National Panel's notification reference")
    late_reason = forms.CharField(label="Why was it late?", widget=_textarea(3), required=False,
                                  help_text="Only if it was sent after its working day")


class EntryForm(forms.Form):
    happened_on = GovukDateField(label="Date", label_lower="the date")
    entry = forms.CharField(label="What happened, and what your agency did", widget=_textarea(4),
                            error_messages={"required": "Say what happened"})


class InformationForm(forms.Form):
    information = forms.CharField(
        label="Information gathering and analysis", widget=_textarea(8),
        help_text="Your agency's involvement with the child and family, what went well, what could have been "
                  "better, and any immediate action taken to keep children safe",
        error_messages={"required": "Fill in the information form"})


class RequestAgenciesForm(forms.Form):
    agencies = forms.MultipleChoiceField(label="Agencies involved with the child or family",
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "Choose at least one agency"})
    late_reason = forms.CharField(label="Why are the requests late?", widget=_textarea(3), required=False,
                                  help_text="Only if they go after Working Day 3")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agencies


class SeatForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Choose the agency"})
    kind = forms.ChoiceField(label="Seat", widget=forms.RadioSelect, choices=PartnershipSeat.Kind.choices,
                             error_messages={"required": "Choose delegate or lead"})
    email = forms.EmailField(label="The person's email address", help_text="They must work in that agency",
                             error_messages={"required": "Enter the person's email address",
                                             "invalid": "Enter an email address like name@example.org"})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose an agency"), *agencies]
