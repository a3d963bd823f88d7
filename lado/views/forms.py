"""Forms for the LADO pages. Input only: the rules live in ``lado.services``, whose ValidationErrors come back
onto these forms (``safeguarding.forms.apply_service_errors``). Records chosen on a form are posted by their
public id, from lists the view worked out."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from safeguarding.forms import GovukDateField

from ..codes import (
    HARM_CRITERIA,
    ConsultationAdvice,
    ContactMethod,
    DbsReferral,
    EmploymentType,
    EvaluationDecision,
    InvitationKind,
    OutcomeCategory,
    ReferrerRole,
    RegulatedBody,
    Regulator,
    SafetyKind,
    Sector,
    SubjectInformedBy,
)

NEW_ENTRY = "new"


def _textarea(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def date_hint() -> str:
    today = timezone.localdate()
    return f"For example, {today.day} {today.month} {today.year}"


def _radios(choices, label, message, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect,
                             error_messages={"required": message}, **kwargs)


class AskedForChar(forms.CharField):
    """A text the service asks for only in some cases (why a referral or a step is late): shown without
    "(optional)", left empty without a form error; the service says when it is missing."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = True
        super().__init__(*args, **kwargs)

    def validate(self, value):
        return


class LateMixin:
    def _late(self, show: bool, label: str) -> None:
        if show:
            self.fields["late_reason"] = AskedForChar(label=label, widget=_textarea(3),
                                                      help_text="It is past its due date: say why, for the record.")


# --- a referral: the portal's and the LADO's ------------------------------------------------------------------
class ReferralForm(LateMixin, forms.Form):
    """The referral, as the referrer gives it (the portal: the referrer is the signed-in person; the LADO
    recording a call: the referrer's details too)."""

    referrer_name = forms.CharField(label="Referrer's full name", max_length=200)
    referrer_role = forms.CharField(label="Referrer's role", max_length=200)
    referrer_email = forms.EmailField(label="Referrer's email address", required=False)
    referrer_phone = forms.CharField(label="Referrer's telephone number", max_length=40, required=False)
    local_authority = forms.ChoiceField(label="Which local authority's LADO is this referral for?",
                                        error_messages={"required": "Select the local authority"})
    organisation = forms.CharField(label="Name of the setting", max_length=200,
                                   help_text="Where the person works or volunteers: the school, club, nursery, "
                                             "ward or agency")
    sector = forms.ChoiceField(label="Kind of setting", choices=[("", "Choose")] + Sector.choices,
                               error_messages={"required": "Select the kind of setting"})
    setting_address = forms.CharField(label="Address of the setting", required=False, widget=_textarea(2))
    subject_first_names = forms.CharField(label="First names", max_length=200)
    subject_surname = forms.CharField(label="Last name", max_length=200)
    subject_other_names = forms.CharField(label="Other or previous names", max_length=300, required=False,
                                          help_text="Separate names with a semicolon")
    subject_date_of_birth = GovukDateField(label="Date of birth", label_lower="their date of birth", required=False,
                                           help_text="If you know it. For example, 27 3 1985")
    subject_role = forms.CharField(label="Their job or role", max_length=200,
                                   help_text="For example, class teacher, football coach, healthcare assistant")
    subject_employment_type = _radios(EmploymentType.choices, "How are they employed?",
                                      "Select how they are employed")
    subject_employer = forms.CharField(label="Their employer", max_length=200,
                                       help_text="Who pays them or arranges their work (an agency, for example)")
    subject_regulated_body = forms.ChoiceField(label="Professional regulator", choices=RegulatedBody.choices,
                                               initial=RegulatedBody.NONE)
    subject_ni_number = forms.CharField(label="National Insurance number", max_length=13, required=False)
    subject_teacher_reference = forms.CharField(label="Teacher reference number", max_length=9, required=False)
    subject_registration_number = forms.CharField(label="Professional registration number", max_length=30,
                                                  required=False, help_text="For example, their NMC PIN or GMC "
                                                                            "number")
    allegation = forms.CharField(label="What happened?", widget=_textarea(8),
                                 help_text="What was seen, heard or said, by whom, where and when. Do not "
                                           "investigate or speak to the person first.")
    incident_on = GovukDateField(label="When did it happen?", label_lower="the date it happened", required=False,
                                 help_text="If you know. " + "For example, 27 3 2026")
    employer_knew_on = GovukDateField(label="When did the employer first know?",
                                      label_lower="the date the employer first knew",
                                      help_text="Referrals are due within one working day of this")
    actions_taken = forms.CharField(label="What have you done so far?", required=False, widget=_textarea(4),
                                    help_text="For example, who has been told, whether the person is still working")

    def __init__(self, *args, authorities, portal: bool, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [(str(a.public_id), a.name) for a in authorities]
        if len(authorities) == 1:
            self.fields["local_authority"].initial = str(authorities[0].public_id)
            self.fields["local_authority"].widget = forms.HiddenInput()
        if portal:
            for name in ("referrer_name", "referrer_email"):
                del self.fields[name]
            self.fields["referrer_role"].label = "Your role"
            self.fields["referrer_role"].required = False
            self.fields["referrer_role"].help_text = "Leave empty to use the role you registered with"
            self.fields["referrer_phone"].label = "A telephone number we can reach you on"
        self._late(show_late, "Why is the referral later than one working day after the employer knew?")

    SECTIONS = (
        ("The referrer", ("referrer_name", "referrer_role", "referrer_email", "referrer_phone")),
        ("The setting", ("local_authority", "organisation", "sector", "setting_address")),
        ("The person the allegation is about", (
            "subject_first_names", "subject_surname", "subject_other_names", "subject_date_of_birth",
            "subject_role", "subject_employment_type", "subject_employer", "subject_regulated_body",
            "subject_ni_number", "subject_teacher_reference", "subject_registration_number")),
        ("What happened", ("allegation", "incident_on", "employer_knew_on", "actions_taken", "late_reason")),
    )

    def sections(self):
        return [(title, [self[n] for n in names if n in self.fields]) for title, names in self.SECTIONS]


class ChildForm(forms.Form):
    first_names = forms.CharField(label="First names", max_length=200, required=False)
    surname = forms.CharField(label="Last name", max_length=200, required=False)
    date_of_birth = GovukDateField(label="Date of birth", label_lower="the child's date of birth", required=False)
    age_or_year = forms.CharField(label="Age or school year", max_length=40, required=False,
                                  help_text="If you do not know their date of birth")
    details = forms.CharField(label="Anything else that identifies the child", required=False, widget=_textarea(2),
                              help_text="For example, their class or group")


ChildFormSet = forms.formset_factory(ChildForm, extra=0, min_num=1, max_num=10, validate_max=True)


# --- the referral's pages (the LADO) --------------------------------------------------------------------------
class ShareForm(forms.Form):
    text = forms.CharField(label="What do you want to tell the referrer?", widget=_textarea(5),
                           help_text="The referrer sees this and the referral's status, nothing else. Leave out "
                                     "what they should not know (police enquiries, the children's details).")


class SubjectForm(forms.Form):
    entry = _radios([], "Who is the allegation about?", "Choose an index entry, or add the person to the index")

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(str(e.public_id), label) for e, label in entries] + [
            (NEW_ENTRY, "Someone not in the index: add them")]


class ChildMatchForm(forms.Form):
    child = _radios([], "Which record is this child's?", "Choose one of the records found")

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(c.public_id), label) for c, label in records]


# --- the case --------------------------------------------------------------------------------------------------
class EvaluationForm(LateMixin, forms.Form):
    evaluated_on = GovukDateField(label="Date of the evaluation", label_lower="the date of the evaluation",
                                  help_text="The day you considered the referral with the case manager")
    criteria = forms.MultipleChoiceField(
        label="Which of the harm criteria are met?", choices=HARM_CRITERIA, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="The person is alleged to have (Keeping Children Safe in "
                                                       "Education, part four). Leave all empty if none is met.")
    decision = _radios(EvaluationDecision.choices, "Decision", "Select the decision")
    rationale = forms.CharField(label="Why?", widget=_textarea(5),
                                error_messages={"required": "Enter the reasons for the decision"})
    police_involved = forms.BooleanField(label="The police are involved", required=False)
    csc_involved = forms.BooleanField(label="Children's social care are involved", required=False)
    subject_informed_by = _radios(SubjectInformedBy.choices, "Who tells the person the allegation is about?",
                                  "Select who tells them")
    subject_informed_on = GovukDateField(label="When were they told?", label_lower="the date they were told",
                                         required=False, help_text="Leave empty if they have not been told yet")
    subject_informing_note = forms.CharField(label="What they are told, and when", required=False,
                                             widget=_textarea(3))

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "The one-month target has passed: why has this taken longer?")


class SafetyForm(forms.Form):
    kind = _radios(SafetyKind.choices, "What was decided?", "Select the safety decision",
                   help_text="Suspension is not a neutral act: consider the alternatives first.")
    decided_on = GovukDateField(label="When was it decided?", label_lower="the date it was decided")
    details = forms.CharField(label="What was decided and why", widget=_textarea(4))


class ConfirmSuspensionForm(LateMixin, forms.Form):
    confirmed_on = GovukDateField(label="When was the suspension confirmed in writing?",
                                  label_lower="the date of the written confirmation")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "Why was the confirmation late?")


class InviteForm(forms.Form):
    kind = _radios(InvitationKind.choices, "Who are you inviting?", "Select the police or children's social care")
    email = forms.EmailField(label="Their email address", help_text="The address of their account in the hub")


class EndInvitationForm(forms.Form):
    """A confirmation: nothing to fill in."""


class OutcomeForm(LateMixin, forms.Form):
    category = _radios(OutcomeCategory.choices, "What is the outcome?", "Select the outcome")
    decided_on = GovukDateField(label="Date of the outcome", label_lower="the date of the outcome")
    rationale = forms.CharField(label="Why?", widget=_textarea(5),
                                error_messages={"required": "Enter the reasons for the outcome"})
    subject_told = forms.CharField(label="What the person the allegation is about is told, by whom and when",
                                   widget=_textarea(3))
    employer_told = forms.CharField(label="What the employer is told", widget=_textarea(3),
                                    help_text="Only a substantiated allegation may be mentioned in a reference")
    family_told = forms.CharField(label="What the child and their parents are told", required=False,
                                  widget=_textarea(3))
    dbs_referral = _radios(DbsReferral.choices, "Referral to the Disclosure and Barring Service",
                           "Select whether the person is referred to the DBS")
    dbs_referred_on = GovukDateField(label="Date of the DBS referral", label_lower="the date of the DBS referral",
                                     required=False, help_text="If a referral was made")

    def __init__(self, *args, show_late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._late(show_late, "The one-month target has passed: what delayed the outcome?")


class RegulatorForm(forms.Form):
    regulator = forms.ChoiceField(label="Regulator", choices=[("", "Choose")] + Regulator.choices,
                                  error_messages={"required": "Select the regulator"})
    referred_on = GovukDateField(label="Date of the referral", label_lower="the date of the referral")
    referred_by_whom = forms.CharField(label="Who made the referral?", max_length=200,
                                       help_text="For example, the employer")


# --- consultations, the index, accounts ------------------------------------------------------------------------
class ConsultationForm(forms.Form):
    received_on = GovukDateField(label="Date", label_lower="the date of the consultation")
    contact_method = _radios(ContactMethod.choices, "How did they get in touch?", "Select how they got in touch")
    caller_name = forms.CharField(label="Caller's name", max_length=200)
    caller_role = forms.CharField(label="Caller's role", max_length=200, required=False)
    organisation = forms.CharField(label="Their organisation", max_length=200)
    sector = forms.ChoiceField(label="Kind of organisation", choices=[("", "Choose")] + Sector.choices,
                               error_messages={"required": "Select the kind of organisation"})
    subject_role = forms.CharField(label="The role of the adult it is about", max_length=200, required=False,
                                   help_text="No name is needed for advice")
    question = forms.CharField(label="What did they ask about?", widget=_textarea(4))
    advice = _radios(ConsultationAdvice.choices, "Advice", "Select the advice given",
                     help_text="Low-level concerns are the employer's to record and hold: record only your advice")
    advice_given = forms.CharField(label="The advice you gave", widget=_textarea(4))


class IndexSearchForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", label_lower="the date of birth", required=False)
    identifier = forms.CharField(label="National Insurance, teacher reference or registration number",
                                 required=False, max_length=30)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why?", widget=_textarea(3), error_messages={"required": "Say why"})


# --- the portal ------------------------------------------------------------------------------------------------
class RegisterForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Your work email address", widget=forms.EmailInput(
        attrs={"autocomplete": "email"}), help_text="We will send you a link to confirm it")
    organisation = forms.CharField(label="Your organisation", max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "organization"}), help_text="For example, the school, nursery, club or charity")
    sector = forms.ChoiceField(label="Kind of organisation", choices=[("", "Choose")] + Sector.choices,
                               error_messages={"required": "Select the kind of organisation"})
    role = _radios(ReferrerRole.choices, "Your role", "Select your role")
    role_other = forms.CharField(label="If another role, what is it?", max_length=100, required=False)
    phone = forms.CharField(label="Telephone number", max_length=40, required=False, widget=forms.TextInput(
        attrs={"autocomplete": "tel", "type": "tel"}))
    local_authority = forms.ChoiceField(label="Which local authority's LADO do you refer to?",
                                        error_messages={"required": "Select the local authority"})

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [(str(a.public_id), a.name) for a in authorities]
        if len(authorities) == 1:
            self.fields["local_authority"].initial = str(authorities[0].public_id)
            self.fields["local_authority"].widget = forms.HiddenInput()


class PasswordForm(forms.Form):
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text="At least 12 characters; three or four words are easy "
                                                          "to remember")


# --- meetings --------------------------------------------------------------------------------------------------
TIME_HINT = "Use the 24-hour clock, for example 09:30 or 14:00"


def _time(label: str, required: bool = True) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, input_formats=["%H:%M", "%H.%M", "%H%M"],
                           help_text=TIME_HINT, error_messages={"required": f"Enter {label.lower()}",
                                                                "invalid": "Enter a time like 09:30 or 14:00"},
                           widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}))


class MeetingForm(forms.Form):
    day = GovukDateField(label="Date", label_lower="the date of the meeting")
    starts = _time("Start time")
    ends = _time("End time", required=False)
    venue = forms.CharField(label="Where", max_length=300, required=False,
                            help_text="Leave empty for a meeting only online")
    online_link = forms.CharField(label="Link to join online", max_length=500, required=False)


class MeetingBookForm(MeetingForm):
    kind = _radios([], "What kind of meeting?", "Select the kind of meeting")
    people = forms.MultipleChoiceField(label="Who to invite", required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="They get a calendar invitation by email, with the case's "
                                                 "reference and no names")
    others = forms.CharField(label="Anyone else", required=False, widget=_textarea(3),
                             help_text="One a line: their role, name and email address, separated by commas. "
                                       "For example: employer, Ann Head, head@school.example")

    field_order = ["kind", "day", "starts", "ends", "venue", "online_link", "people", "others"]

    def __init__(self, *args, kinds, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["people"].choices = people
        self.fields["people"].initial = [value for value, _ in people]


class MeetingMoveForm(MeetingForm):
    reason = forms.CharField(label="Why is it moving?", widget=_textarea(2),
                             error_messages={"required": "Say why the meeting is moving"})


class MeetingHoldForm(forms.Form):
    attended = forms.MultipleChoiceField(label="Who came?", required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label="What the meeting decided", widget=_textarea(6),
                            error_messages={"required": "Enter what the meeting decided"})

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = invitees
