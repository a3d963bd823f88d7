"""Forms for the child in need review after a plan ended: input only (the rules are
``conferences.services.cin_review``'s, whose ValidationErrors come back onto these forms). Chairs are offered
from the list the view worked out and posted by their public id."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from .models import ChildInNeedReview


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AskedFor(forms.CharField):
    """A text the service asks for only in some cases: shown without "(optional)", left to the service."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value):
        return


class CinReviewBookForm(forms.Form):
    planned_for = GovukDateField(label="Date of the review", label_lower="the date of the review")
    venue = forms.CharField(label="Where", max_length=300, required=False,
                            help_text="For example, the family home, the school or online")
    chair = forms.ChoiceField(label="Chair", widget=forms.RadioSelect,
                              error_messages={"required": "Choose the chair"})
    reason = AskedFor(label="Why is the review changing?", widget=_textarea(2))

    def __init__(self, *args, chairs=(), moving: bool, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.chairs = {str(c.public_id): c for c in chairs}
        self.fields["chair"].choices = [(k, c.display_name) for k, c in self.chairs.items()]
        if not moving:
            del self.fields["reason"]
        if show_late:
            self.fields["late_reason"] = AskedFor(
                label="Why can the review not be held by the date it is due?", widget=_textarea(3),
                help_text="It is past its due date. Say why, for the record and for managers.")

    def chosen_chair(self):
        return self.chairs.get(self.cleaned_data.get("chair") or "")


class CinReviewRecordForm(forms.Form):
    held_on = GovukDateField(label="Date of the review", label_lower="the date of the review")
    attended = forms.CharField(label="Who took part", widget=_textarea(4), help_text="One a line, with their role",
                               error_messages={"required": "Enter who took part"})
    apologies = forms.CharField(label="Who sent apologies", widget=_textarea(2), required=False)
    progress = forms.CharField(label="The child's progress since the plan ended", widget=_textarea(6),
                               error_messages={"required": "Record the child's progress since the plan ended"})
    outcome = forms.ChoiceField(label="The decision", choices=ChildInNeedReview.Outcome.choices,
                                widget=forms.RadioSelect, error_messages={"required": "Choose the decision"})
    outcome_reason = forms.CharField(label="Why", widget=_textarea(3), required=False,
                                     help_text="Needed to close the case or to step up")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if show_late:
            self.fields["late_reason"] = AskedFor(label="Why was the review held late?", widget=_textarea(3))


class CinReviewCancelForm(forms.Form):
    reason = forms.CharField(label="Why is there to be no review?", widget=_textarea(3),
                             help_text="For example, the family moved to another authority",
                             error_messages={"required": "Say why the review is cancelled"})
