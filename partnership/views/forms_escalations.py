"""The escalation register's forms (ADR 25): input only; the rules are the services'."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import Escalation


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


def _agency_choices(field, choices, prompt):
    field.choices = [("", prompt), *choices] if len(choices) != 1 else choices


RAISE_CATEGORIES = [c for c in Escalation.Category.choices if c[0] != Escalation.Category.CONFERENCE_DECISION]


class RaiseForm(forms.Form):
    raising_agency = forms.ChoiceField(label="Your agency", error_messages={"required": "Choose your agency"})
    raised_with_agency = forms.ChoiceField(label="The agency you disagree with",
                                           error_messages={"required": "Choose the agency you disagree with"})
    raised_with_name = forms.CharField(label="Who you raised it with (optional)", max_length=200, required=False,
                                       help_text="Their role, or their name")
    category = forms.ChoiceField(label="What is the difference about?", widget=forms.RadioSelect,
                                 choices=RAISE_CATEGORIES, error_messages={"required": "Choose what it is about"})
    theme = forms.CharField(label="The theme", max_length=200, required=False,
                            help_text="For a difference about practice in general rather than one child")
    concern = forms.CharField(label="What is the difference?", widget=_textarea(5),
                              error_messages={"required": "Say what the difference is"})
    wanted = forms.CharField(label="What do you want to happen?", widget=_textarea(3), required=False)
    raised_on = GovukDateField(label="When did you raise it?", label_lower="the date you raised it",
                               help_text="For example, 27 3 2026")

    def __init__(self, *args, agencies, others, about_child: bool, **kwargs):
        super().__init__(*args, **kwargs)
        _agency_choices(self.fields["raising_agency"], agencies, "Choose your agency")
        self.fields["raised_with_agency"].choices = [("", "Choose an agency"), *others]
        if about_child:
            del self.fields["theme"]


class RespondForm(forms.Form):
    agency = forms.ChoiceField(label="You answer for", error_messages={"required": "Choose the agency"})
    response = forms.CharField(label="Your response", widget=_textarea(5),
                               error_messages={"required": "Give your response"})
    responded_on = GovukDateField(label="Date of the response", label_lower="the date of the response")
    late_reason = forms.CharField(label="Why is the response late?", widget=_textarea(3), required=False,
                                  help_text="Only if it is after the stage's date")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        _agency_choices(self.fields["agency"], agencies, "Choose the agency")


class MoveOnForm(forms.Form):
    reason = forms.CharField(label="Why was it not resolved at this stage?", widget=_textarea(4),
                             error_messages={"required": "Say why it was not resolved at this stage"})
    raised_with_name = forms.CharField(label="Who you now raise it with (optional)", max_length=200,
                                       required=False, help_text="Their role, or their name")
    moved_on = GovukDateField(label="Date it moved on", label_lower="the date it moved on")


class MeetingRequestForm(forms.Form):
    agency = forms.ChoiceField(label="The statutory agency asking", error_messages={"required": "Choose the agency"})
    reason = forms.CharField(label="Why is a meeting needed?", widget=_textarea(4),
                             error_messages={"required": "Say why a meeting is needed"})
    requested_on = GovukDateField(label="Date of the request", label_lower="the date of the request")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        _agency_choices(self.fields["agency"], agencies, "Choose the agency")


class MeetingHeldForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", label_lower="the date of the meeting")
    note = forms.CharField(label="What the meeting agreed", widget=_textarea(5),
                           error_messages={"required": "Say what the meeting agreed"})


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect, choices=Escalation.Outcome.choices,
                                error_messages={"required": "Choose the outcome"})
    note = forms.CharField(label="How it ended", widget=_textarea(4), error_messages={"required": "Say how it ended"})
    closed_on = GovukDateField(label="Date it ended", label_lower="the date it ended")
