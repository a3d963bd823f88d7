"""Forms for the foster carers' review pages. Input only: the rules live in ``reviews.services.fostering``, whose
ValidationErrors come back onto these forms. People are offered from lists the view has worked out and posted by
their public id."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models.fostering import ApprovalType, FosterCarerReview, FosterChildView
from .forms import AskedForChar, LateReasonMixin, _textarea, example_date_hint


class PersonChoice(forms.ChoiceField):
    """A person chosen from a list (by public id): ``person()`` gives them back."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)
        self.people: dict = {}

    def offer(self, people, *, blank: str = "") -> None:
        self.people = {str(p.public_id): p for p in people}
        self.choices = ([("", blank)] if blank else []) + [(k, p.display_name) for k, p in self.people.items()]


def _date(label: str, lower: str, **kwargs) -> GovukDateField:
    return GovukDateField(label=label, label_lower=lower, **kwargs)


class HouseholdForm(forms.Form):
    """Registering a household (the IRO manager) or changing its details."""

    reference = forms.CharField(label="The fostering service's reference", max_length=40,
                                help_text="Emails and deadlines use it, never the carers' names",
                                error_messages={"required": "Enter the fostering service's reference"})
    first_carer = forms.CharField(label="First carer's name", max_length=200,
                                  error_messages={"required": "Enter the name of the first carer"})
    second_carer = forms.CharField(label="Second carer's name", max_length=200, required=False)
    approval_type = forms.ChoiceField(label="Approved for", choices=ApprovalType.choices, widget=forms.RadioSelect,
                                      error_messages={"required": "Choose what the carers are approved for"})
    approval_terms = forms.CharField(label="Terms of approval", widget=_textarea(3),
                                     help_text="For example: up to two children, boys or girls, aged 0 to 10",
                                     error_messages={"required": "Enter the terms of approval"})
    places = forms.IntegerField(label="Number of places", min_value=1, max_value=20,
                                widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
                                help_text="How many children they are approved for at one time",
                                error_messages={"required": "Enter the number of places",
                                                "invalid": "Enter the number of places as a number, like 2",
                                                "min_value": "Enter 1 or more places"})
    approved_on = _date("Date of approval", "the date of approval")
    last_reviewed_on = _date("Date of their last review, if they have had one", "the date of their last review",
                             required=False)
    supervising_social_worker = PersonChoice(label="Supervising social worker",
                                             error_messages={"required": "Choose the supervising social worker"})
    reviewing_officer = PersonChoice(label="Reviewing officer", required=False,
                                     help_text="The IRO who reviews the household")
    allegations_note = forms.CharField(
        label="Allegations about the carers", required=False, widget=_textarea(3),
        help_text="Any allegation about the carers and where it is dealt with. The LADO process is not in the hub "
                  "yet: give the LADO's reference below")
    lado_reference = forms.CharField(label="LADO reference", max_length=100, required=False)
    reason = forms.CharField(label="Why are the details changing?", required=False, widget=_textarea(2))

    REGISTER_ONLY = ("reference", "approved_on", "last_reviewed_on", "reviewing_officer")
    EDIT_ONLY = ("reason",)

    def __init__(self, *args, editing: bool, supervisors=(), officers=(), may_change_supervisor: bool = True,
                 **kwargs):
        super().__init__(*args, **kwargs)
        for name in (self.REGISTER_ONLY if editing else self.EDIT_ONLY):
            del self.fields[name]
        if editing:
            self.order_fields(["first_carer", "second_carer", "approval_type", "approval_terms", "places",
                               "supervising_social_worker", "allegations_note", "lado_reference", "reason"])
        else:
            self.fields["approved_on"].help_text = example_date_hint()
            self.fields["last_reviewed_on"].help_text = ("Their next review is due a year after it (or after the "
                                                         "approval, if they have not had one)")
            self.fields["reviewing_officer"].offer(officers, blank="Not yet")
        self.fields["supervising_social_worker"].offer(supervisors, blank="Choose a person")
        if not may_change_supervisor:
            self.fields["supervising_social_worker"].disabled = True

    def person(self, name: str):
        return self.fields[name].people.get(self.cleaned_data.get(name) or "")


class ReviewingOfficerForm(forms.Form):
    reviewing_officer = PersonChoice(label="Reviewing officer", widget=forms.RadioSelect,
                                     error_messages={"required": "Choose the reviewing officer"})

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_officer"].offer(officers)

    def person(self):
        return self.fields["reviewing_officer"].people.get(self.cleaned_data.get("reviewing_officer") or "")


class EndForm(forms.Form):
    ended_on = _date("Date the approval ended", "the date the approval ended")
    reason = forms.CharField(label="Why did it end?", widget=_textarea(3),
                             help_text="For example: the carers resigned, or the agency decision maker ended it after "
                                       "the panel",
                             error_messages={"required": "Say why the approval ended"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].help_text = example_date_hint()


class BookForm(LateReasonMixin, forms.Form):
    planned_for = _date("Date of the review", "the date of the review")
    reason = AskedForChar(label="Why is the review moving?", widget=_textarea(2))

    def __init__(self, *args, moving: bool, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_for"].help_text = example_date_hint()
        if not moving:
            del self.fields["reason"]
        self._late(show_late, "Why can the review not be held by the date it is due?")


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why is the review cancelled?", widget=_textarea(3),
                             error_messages={"required": "Say why the review is cancelled"})


class RecordForm(forms.Form):
    """The review, written as often as the reviewing officer likes until it is completed."""

    carers_views = forms.CharField(label="The carers' views", required=False, widget=_textarea(6),
                                   help_text="How the year has gone for them, support and training, and what they "
                                             "want from the review")
    placing_authorities_views = forms.CharField(
        label="The placing authorities' views", required=False, widget=_textarea(4),
        help_text="Every authority that placed a child with the carers in the last year")
    report = forms.CharField(label="Your report", required=False, widget=_textarea(8),
                             help_text="Do the carers and their household remain suitable? Are the terms of approval "
                                       "still right?")
    recommendation = forms.ChoiceField(label="Your recommendation to the fostering panel", required=False,
                                       widget=forms.RadioSelect, choices=FosterCarerReview.Recommendation.choices)
    proposed_terms = forms.CharField(label="The new terms you recommend", required=False, widget=_textarea(3),
                                     help_text="Only if you recommend new terms")


class ChildViewForm(forms.Form):
    child_reference = forms.CharField(label="The child's reference", max_length=20, required=False,
                                      widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
                                      help_text="For a child we look after: the local reference of their record")
    child_name = forms.CharField(label="Or, for a child placed by another authority, their name", max_length=200,
                                 required=False)
    placing_authority = forms.CharField(label="The authority that placed them", max_length=200, required=False,
                                        help_text="Only for a child placed by another authority")
    how = forms.ChoiceField(label="How did the child give their views?", choices=FosterChildView.How.choices,
                            widget=forms.RadioSelect,
                            error_messages={"required": "Choose how the child gave their views"})
    views = forms.CharField(label="What the child said", required=False, widget=_textarea(5),
                            help_text="In their own words where you can")


class CompleteForm(LateReasonMixin, forms.Form):
    held_on = _date("Date of the review meeting", "the date of the review meeting")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].help_text = example_date_hint()
        self._late(show_late, "Why was the review held late?")
