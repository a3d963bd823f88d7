"""The forms of practice reviews and action plans (ADR 24): input only; the rules are the services'."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import LearningTheme, Methodology, PracticeReview, ReviewAction


def _textarea(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows})


class StartForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of review?", widget=forms.RadioSelect,
                             choices=PracticeReview.Kind.choices,
                             error_messages={"required": "Choose the kind of review"})
    decided_on = GovukDateField(label="When was it decided?", label_lower="the day it was decided")


class RecordForm(forms.Form):
    terms_of_reference = forms.CharField(label="Terms of reference", widget=_textarea(5), required=False)
    terms_agreed_on = GovukDateField(label="When the practice review group agreed them",
                                     label_lower="the day the terms were agreed", required=False)
    reviewer = forms.CharField(label="Reviewer", max_length=200, required=False,
                               help_text="The independent or lead reviewer and their organisation")
    reviewer_appointed_on = GovukDateField(label="When the reviewer was appointed",
                                           label_lower="the day the reviewer was appointed", required=False)
    methodology = forms.ChoiceField(label="Methodology", choices=[("", "Not chosen yet"), *Methodology.choices],
                                    required=False)
    family_involvement = forms.CharField(label="How the family takes part", widget=_textarea(3), required=False)
    practitioner_involvement = forms.CharField(label="How practitioners and managers take part", widget=_textarea(3),
                                               required=False)
    themes = forms.MultipleChoiceField(label="Learning themes", widget=forms.CheckboxSelectMultiple,
                                       choices=LearningTheme.choices, required=False)
    learning_summary = forms.CharField(label="Learning summary", widget=_textarea(5), required=False,
                                       help_text="For the partnership's library of learning: no names")
    delay_reason = forms.CharField(label="Reason for any delay", widget=_textarea(3), required=False,
                                   help_text="For example a criminal trial or an inquest")


class DraftForm(forms.Form):
    received_on = GovukDateField(label="When the draft was received", label_lower="the day the draft was received")
    comments = forms.CharField(label="The practice review group's comments", widget=_textarea(4), required=False)


class PanelCopyForm(forms.Form):
    sent_on = GovukDateField(label="When the final report was sent to the National Panel and DfE",
                             label_lower="the day it was sent")


class PublishForm(forms.Form):
    published_on = GovukDateField(label="When it was published", label_lower="the day it was published")
    published_where = forms.CharField(label="Where it is published", max_length=500,
                                      help_text="The web address of the report or of its learning summary",
                                      error_messages={"required": "Say where it is published"})
    learning_summary = forms.CharField(label="Learning summary", widget=_textarea(5), required=False,
                                       help_text="For the library of learning: no names. Leave empty to keep the "
                                                 "one recorded")
    delay_reason = forms.CharField(label="Reason for the delay", widget=_textarea(3), required=False,
                                   help_text="Needed when it is published after its due date")


class RecommendationForm(forms.Form):
    text = forms.CharField(label="Recommendation", widget=_textarea(4),
                           error_messages={"required": "Enter the recommendation"})


class ActionForm(forms.Form):
    recommendation = forms.ChoiceField(label="Recommendation it answers",
                                       error_messages={"required": "Choose the recommendation"})
    description = forms.CharField(label="What is to be done", widget=_textarea(3),
                                  error_messages={"required": "Enter what is to be done"})
    owner_agency = forms.ChoiceField(label="Agency that owns it", error_messages={"required": "Choose the agency"})
    due_on = GovukDateField(label="Due by", label_lower="the date it is due by")

    def __init__(self, *args, recommendations, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = recommendations
        self.fields["owner_agency"].choices = [("", "Choose an agency"), *agencies]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", widget=forms.RadioSelect,
                               choices=[c for c in ReviewAction.Status.choices if c[0] != "not_started"],
                               error_messages={"required": "Choose the status"})
    progress_note = forms.CharField(label="Progress", widget=_textarea(3), required=False)
    completed_on = GovukDateField(label="When it was completed (if complete)",
                                  label_lower="the day it was completed", required=False)
    no_evidence_reason = forms.CharField(label="Why there is no evidence (if complete without evidence)",
                                         widget=_textarea(2), required=False)
    cancel_reason = forms.CharField(label="Why it is no longer needed (business unit only)", widget=_textarea(2),
                                    required=False)
