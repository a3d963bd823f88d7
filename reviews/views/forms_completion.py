"""The form to mark a review's decision done (``reviews.views.decisions``). Input only: the service checks
the date and the note."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..services.completion import NOTE_MAX
from .forms import example_date_hint


class DecisionCompleteForm(forms.Form):
    done_on = GovukDateField(label="Date it was done", label_lower="the date it was done")
    note = forms.CharField(label="What was done", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Say what was done"},
                           help_text="The IRO and the child's social worker will read it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].help_text = example_date_hint()
