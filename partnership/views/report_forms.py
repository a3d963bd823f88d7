"""The forms of the rapid review meeting, report and National Panel response (ADR 23): input only; the rules
are the services' (their ValidationErrors come back here)."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import RapidReview

YES_NO = [("yes", "Yes"), ("no", "No")]


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


def _yes_no(label: str, required: str):
    return forms.TypedChoiceField(label=label, widget=forms.RadioSelect, choices=YES_NO, coerce=lambda v: v == "yes",
                                  error_messages={"required": required})


class MeetingForm(forms.Form):
    """The day, and who attended for each agency (one field per agency: ``attended-<agency public id>``)."""

    held_on = GovukDateField(label="The day the meeting was held", label_lower="the day the meeting was held")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_fields = []
        for public_id, name in agencies:
            key = f"attended-{public_id}"
            self.fields[key] = forms.CharField(label=f"Who attended for {name}", widget=_textarea(2), required=False,
                                               help_text="Names and roles; leave empty if nobody attended")
            self.agency_fields.append((key, public_id))
        self.fields["late_reason"] = forms.CharField(label="Why was the meeting late?", widget=_textarea(3),
                                                     required=False, help_text="Only if it was held after its day")


class ReportForm(forms.Form):
    findings = forms.CharField(label="What the rapid review found", widget=_textarea(8),
                               help_text="What happened, what the agencies did, and the immediate learning",
                               error_messages={"required": "Write what the rapid review found"})
    decision = forms.ChoiceField(label="The rapid review's decision", widget=forms.RadioSelect,
                                 choices=RapidReview.Decision.choices,
                                 error_messages={"required": "Choose the rapid review's decision"})
    rationale = forms.CharField(label="Rationale for the decision", widget=_textarea(4),
                                error_messages={"required": "Give the rationale for the decision"})


class SendForm(forms.Form):
    sent_on = GovukDateField(label="The day it was sent", label_lower="the day it was sent")
    late_reason = forms.CharField(label="Why was it late?", widget=_textarea(3), required=False,
                                  help_text="Only if it was sent after its working day")


class PanelResponseForm(forms.Form):
    received_on = GovukDateField(label="The day the response came", label_lower="the day the response came")
    response = forms.CharField(label="What the National Panel said", widget=_textarea(5),
                               error_messages={"required": "Say what the National Panel said"})
    agrees = _yes_no("Does the National Panel agree with the decision?", "Say whether the National Panel agrees")
    national_review = _yes_no("Does the National Panel take on a national review?",
                              "Say whether the National Panel takes on a national review")
