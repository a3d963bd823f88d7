"""Forms for a meeting's minutes and actions and a case's parallel processes (ADR 21). Input only: the rules
live in ``lado.services.processes``."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import MeetingAction, MeetingMinutes, ParallelProcess
from .forms import AskedForChar, LateMixin, _radios, _textarea

OWNER_IN_WORDS = ""


class MinutesForm(forms.Form):
    """One textarea per section; the third-party ones say that the employer's version leaves them out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading, third_party in MeetingMinutes.SECTIONS:
            help_text = ("Third-party information: in the full minutes only, never in the employer's version"
                         if third_party else "In the full minutes and the employer's version")
            self.fields[name] = forms.CharField(label=heading, required=False, widget=_textarea(5),
                                                help_text=help_text)


class MinutesIssueForm(forms.Form):
    share_with_referrer = forms.BooleanField(
        label="Share the employer's version with the referrer on the referral portal", required=False)

    def __init__(self, *args, can_share: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_share:
            del self.fields["share_with_referrer"]


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in."""


class ActionForm(forms.Form):
    description = forms.CharField(label="What is to be done", widget=_textarea(3),
                                  error_messages={"required": "Enter what is to be done"})
    owner = forms.ChoiceField(label="Who will do it", required=False,
                              help_text="Someone invited to the meeting, or an agency")
    owner_name = forms.CharField(label="Or name who will do it", max_length=200, required=False,
                                 help_text="For example, the head teacher of the school")
    due_date = GovukDateField(label="Due by", label_lower="the date it is due by")
    third_party = forms.BooleanField(label="Leave this action out of the employer's version of the minutes",
                                     required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(OWNER_IN_WORDS, "Someone else (name them below)"), *owners]


class ActionUpdateForm(forms.Form):
    status = _radios([], "What has happened?", "Choose what has happened")
    done_on = GovukDateField(label="Date it was done", label_lower="the date it was done", required=False,
                             help_text="If it is done")
    note = forms.CharField(label="Progress, or why", widget=_textarea(3), required=False,
                           help_text="What has been done or what is in the way; why it was late or is no longer "
                                     "needed")

    def __init__(self, *args, can_drop: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(A.value, A.label) for A in MeetingAction.Status]
        choices[0] = (MeetingAction.Status.OPEN.value, "Still open: note the progress")
        self.fields["status"].choices = [c for c in choices if can_drop or c[0] != MeetingAction.Status.DROPPED]


class ProcessForm(forms.Form):
    kind = _radios(ParallelProcess.Kind.choices, "Which process?", "Select the process")
    lead = forms.CharField(label="Who leads it", max_length=200,
                           help_text="A team and officer, the employer's case manager or investigator")
    reference = forms.CharField(label="Their reference (optional)", max_length=100, required=False,
                                help_text="A crime number, for example")
    started_on = GovukDateField(label="When did it start?", label_lower="the date it started",
                                help_text="A disciplinary hearing: the date it was decided to hold one")
    child = forms.ChoiceField(label="Which child (children's social care enquiries)", required=False)
    note = forms.CharField(label="Progress so far (optional)", widget=_textarea(3), required=False)

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        if children:
            self.fields["child"].choices = [("", "Not about one child's record"), *children]
        else:
            del self.fields["child"]


class ProcessUpdateForm(LateMixin, forms.Form):
    status = _radios(ParallelProcess.Status.choices, "Where has it got to?", "Choose where it has got to")
    note = forms.CharField(label="Progress", widget=_textarea(3), required=False)
    report_on = GovukDateField(label="Investigator's report received on", required=False,
                               label_lower="the date the report was received")
    ended_on = GovukDateField(label="Date it ended", label_lower="the date it ended", required=False,
                              help_text="If it is concluded or stopped")
    outcome = forms.CharField(label="Outcome, or why it stopped", widget=_textarea(3), required=False)

    def __init__(self, *args, show_late: bool, employer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not employer:
            del self.fields["report_on"]
        self._late(show_late, "Why was it later than its timescale?")


__all__ = ["ActionForm", "ActionUpdateForm", "AskedForChar", "ConfirmForm", "MinutesForm", "MinutesIssueForm",
           "ProcessForm", "ProcessUpdateForm"]
