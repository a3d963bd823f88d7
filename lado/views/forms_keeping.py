"""Forms of the keeping pages (ADR 22): transfers, their acknowledgement, legal holds, the advice about the
personnel record, disposal, and sharing evidence. Input only: the rules are the services'."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import Transfer
from .forms import _radios, _textarea


class TransferForm(forms.Form):
    kind = _radios(Transfer.Kind.choices, "Are you telling the other LADO or transferring the case?",
                   "Select whether the case is transferred or the other LADO is told")
    grounds = forms.MultipleChoiceField(label="What lies in the other authority?", choices=Transfer.Ground.choices,
                                        widget=forms.CheckboxSelectMultiple, help_text="Select all that apply",
                                        error_messages={"required": "Select what lies in the other authority"})
    authority = forms.CharField(label="The other local authority", max_length=200)
    contact_name = forms.CharField(label="Their LADO's name", max_length=200)
    contact_email = forms.EmailField(label="Their email address", required=False)
    contact_phone = forms.CharField(label="Their telephone number", max_length=40, required=False)
    sent_on = GovukDateField(label="When was it sent?", label_lower="the date it was sent")
    what_was_sent = forms.CharField(label="What was sent to them", widget=_textarea(4),
                                    help_text="For example, the referral form, the evaluation and meeting notes")


class AcknowledgeForm(forms.Form):
    acknowledged_on = GovukDateField(label="When did they acknowledge it?", label_lower="the date it was acknowledged")
    by_whom = forms.CharField(label="Who acknowledged it?", max_length=200)
    note = forms.CharField(label="What they said", required=False, widget=_textarea(3))


class HoldForm(forms.Form):
    reason = forms.CharField(label="Why must the records be kept?", widget=_textarea(3),
                             help_text="For example, a civil claim, an inquiry or a police request",
                             error_messages={"required": "Enter why the records must be kept"})


class ReleaseForm(forms.Form):
    release_reason = forms.CharField(label="Why is the hold released?", widget=_textarea(3),
                                     error_messages={"required": "Enter why the hold is released"})


class PersonnelAdviceForm(forms.Form):
    told_on = GovukDateField(label="When was the employer told?", label_lower="the date they were told")
    told_whom = forms.CharField(label="Who at the employer was told?", max_length=200)
    note = forms.CharField(label="How they were told, and anything they said", required=False, widget=_textarea(3))


class DisposeForm(forms.Form):
    reason = forms.CharField(label="Why are these records disposed of?", widget=_textarea(3),
                             error_messages={"required": "Enter why the record is disposed of"})
    confirm = forms.BooleanField(label="I confirm that the personal details of this person and their cases are to "
                                       "be removed", required=False)


class ShareForm(forms.Form):
    uploads = forms.MultipleChoiceField(label="Which files?", widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Select the files to share"})
    invitations = forms.MultipleChoiceField(label="With whom?", widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": "Select who to share them with"})

    def __init__(self, *args, files=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploads"].choices = [(str(u.public_id), u.original_name) for u in files]
        self.fields["invitations"].choices = [(str(i.public_id), f"{i.user.display_name} ({i.get_kind_display()})")
                                              for i in people]


class EndShareForm(forms.Form):
    reason = forms.CharField(label="Why?", widget=_textarea(3),
                             error_messages={"required": "Enter why the file is no longer shared"})
