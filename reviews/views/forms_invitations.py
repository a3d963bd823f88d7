"""Forms for preparing a review (ADR 15): its time and place, an invitation, withdrawing one, the advocacy record,
the IRO's profile and introduction, and a parent's or carer's own form. Input only: the rules live in the
services, whose ValidationErrors come back onto these forms. People and agencies are offered from lists the
view worked out, and posted by their public id."""

from __future__ import annotations

from django import forms

from safeguarding.forms import GovukDateField

from ..models import AdvocacyOffer, InviteeConsultation, IroChildMeeting, ReviewInvitation
from ..rules import IRO_PHOTO_MAX_BYTES, VOICE_ANSWER_MAX
from .forms import _textarea, example_date_hint, normalise_newlines

SOMEONE_ELSE = "someone-else"
NO_AGENCY = ""
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


class DatedForm(forms.Form):
    """A form whose date fields show today's date as their example."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, GovukDateField):
                field.help_text = example_date_hint()


class MeetingForm(forms.Form):
    starts_at = forms.TimeField(label="Start time", input_formats=TIME_FORMATS, help_text="For example, 14:30",
                                widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
                                error_messages={"required": "Enter the time the review starts",
                                                "invalid": "Enter the time like 14:30"})
    ends_at = forms.TimeField(label="End time", required=False, input_formats=TIME_FORMATS,
                              help_text="For example, 16:00. Leave it empty for two hours.",
                              widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
                              error_messages={"invalid": "Enter the time like 16:00"})
    venue = forms.CharField(label="Where", max_length=300, required=False,
                            help_text="For example, the child's school. Ask the child where they would like it. It "
                                      "goes into everyone's calendar: no names.")
    online_link = forms.CharField(label="Link to join online", max_length=500, required=False,
                                  help_text="If people can join by video call")


class InviteForm(forms.Form):
    invitee = forms.ChoiceField(label="Who are they at the review?", widget=forms.RadioSelect,
                                choices=ReviewInvitation.Invitee.choices,
                                error_messages={"required": "Choose who they are at the review"})
    person = forms.ChoiceField(label="Who are you inviting?", widget=forms.RadioSelect,
                               error_messages={"required": "Choose who you are inviting"})
    name = forms.CharField(label="Their name", max_length=200, required=False,
                           help_text="Only if someone else. Staff see it; it is never in an email or a calendar.")
    email = forms.EmailField(label="Their email address", required=False,
                             help_text="Only if someone else. The calendar invitation goes there.",
                             error_messages={"invalid": "Enter an email address like name@example.org"})
    agency = forms.ChoiceField(label="The agency they are invited for", required=False,
                               help_text="Its practitioners and its case system then see the review and can send "
                                         "the agency's views.")
    organisation = forms.CharField(label="Their organisation, if it is not in the list", max_length=200,
                                   required=False, help_text="For example, the advocacy service or the school")

    def __init__(self, *args, people=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {f"person:{p.user.public_id}": p for p in people}
        self.agencies = {f"agency:{a.public_id}": a for a in agencies}
        self.fields["person"].choices = ([(key, f"{p.user.display_name} ({p.why})") for key, p in self.people.items()]
                                         + [(SOMEONE_ELSE, "Someone else")])
        self.fields["agency"].choices = [(NO_AGENCY, "None")] + [(k, a.name) for k, a in self.agencies.items()]

    def clean(self):
        data = super().clean()
        if data.get("person") == SOMEONE_ELSE and not (data.get("name") or "").strip():
            self.add_error("name", "Enter their name")
        return data

    def chosen(self) -> dict:
        """The service's arguments for the choices made."""
        d = self.cleaned_data
        person = self.people.get(d["person"])
        agency = self.agencies.get(d.get("agency") or "") or (person.agency if person else None)
        if person is not None:
            return {"invitee": d["invitee"], "user": person.user, "agency": agency}
        return {"invitee": d["invitee"], "name": d.get("name", ""), "email": d.get("email", ""), "agency": agency,
                "organisation": d.get("organisation", "")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why?", widget=_textarea(3), error_messages={"required": "Say why"})


class AdvocacyToldForm(DatedForm):
    told_on = GovukDateField(label="When was the child told?", label_lower="the date the child was told")
    told_how = forms.ChoiceField(label="How was the child told?", widget=forms.RadioSelect,
                                 choices=AdvocacyOffer.How.choices,
                                 error_messages={"required": "Choose how the child was told"})
    notes = forms.CharField(label="What the child said", required=False, widget=_textarea(3),
                            help_text="For example, whether they would like an advocate")


class AdvocacyReferralForm(DatedForm):
    referred_on = GovukDateField(label="Date of the referral", label_lower="the date of the referral")
    referred_to = forms.CharField(label="The advocacy service", max_length=200,
                                  error_messages={"required": "Enter the advocacy service"})


class AdvocacyOutcomeForm(DatedForm):
    outcome = forms.ChoiceField(label="Does the child have an advocate?", widget=forms.RadioSelect,
                                choices=AdvocacyOffer.Outcome.choices,
                                error_messages={"required": "Choose whether the child has an advocate"})
    advocate_name = forms.CharField(label="The advocate's name", max_length=200, required=False,
                                    help_text="If the child has one and you know who")
    outcome_on = GovukDateField(label="Since when?", label_lower="the date")


class IroProfileForm(forms.Form):
    photo = forms.FileField(label="A photo of you", required=False,
                            help_text=f"A JPEG or PNG file, smaller than {IRO_PHOTO_MAX_BYTES // (1024 * 1024)} MB. "
                                      "It goes into the letters to the children you review.")
    remove_photo = forms.BooleanField(label="Take my photo away", required=False)
    contact = forms.CharField(label="How can a child reach you?", max_length=300, required=False,
                              help_text="In words a child understands, for example: call or text me on 07700 900 123")
    about = forms.CharField(label="A few words about you, for the child", required=False, widget=_textarea(3))

    def photo_bytes(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size > IRO_PHOTO_MAX_BYTES:
            return upload.read(IRO_PHOTO_MAX_BYTES + 1)  # the service says it is too large
        return upload.read()


class ChildMeetingForm(DatedForm):
    met_on = GovukDateField(label="When did you meet the child?", label_lower="the date you met the child")
    how = forms.ChoiceField(label="How did you meet?", widget=forms.RadioSelect, choices=IroChildMeeting.How.choices,
                            error_messages={"required": "Choose how you met"})
    notes = forms.CharField(label="Notes", required=False, widget=_textarea(3))


def _views_text(label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=hint, required=False, strip=False, max_length=VOICE_ANSWER_MAX,
                           widget=_textarea(4, spellcheck="true"),
                           error_messages={"max_length": f"Write less than {VOICE_ANSWER_MAX} letters here"})


class InviteeViewsForm(forms.Form):
    """A parent's or carer's form, in plain words. Every answer may be left empty."""

    how_child_is = _views_text("How is the child doing?", "At home, at school, with friends")
    going_well = _views_text("What is going well?")
    worries = _views_text("Is anything worrying you?")
    contact = _views_text("How is seeing family and friends going?", "Contact with you, brothers and sisters, and "
                                                                     "others who matter to the child")
    to_decide = _views_text("What would you like the review to decide?")
    attending = forms.ChoiceField(label="Will you come to the review?", required=False, widget=forms.RadioSelect,
                                  choices=InviteeConsultation.Attending.choices)
    anything_else = _views_text("Is there anything else you want the IRO to know?")

    def answers(self) -> dict:
        return {name: (normalise_newlines(v) if isinstance(v, str) else v) for name, v in self.cleaned_data.items()}
