"""Forms for requesting, scheduling and preparing a conference. They only shape input: every rule
(which dates a kind needs, the due date, double-booking, lateness) is the service's, and its
ValidationError comes back onto the form through ``apply_service_errors``."""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from safeguarding.accounts.models import Agency
from safeguarding.forms import GovukDateField

from .models import AgencyReport, Conference, Invitation, Kind

REQUESTABLE_KINDS = [(k.value, k.label) for k in (Kind.INITIAL, Kind.PRE_BIRTH, Kind.TRANSFER_IN)]
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class TimeOfDayField(forms.CharField):
    """A time typed as 24-hour hours and minutes ("10:00", "9.30", "14:15")."""

    def __init__(self, *, label_lower: str, **kwargs):
        self.label_lower = label_lower
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 10:00 or 14:30")
        kwargs.setdefault("error_messages", {"required": f"Enter {label_lower}"})
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        m = _TIME.match(value)
        if not m or not (0 <= int(m[1]) <= 23 and 0 <= int(m[2]) <= 59):
            raise ValidationError(f"Enter {self.label_lower} as hours and minutes on the 24-hour clock, "
                                  "for example 14:30", code="invalid")
        return time(int(m[1]), int(m[2]))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"})
        return attrs


class ConditionallyRequiredMixin:
    """Fields the service requires for some choices only (a strategy discussion date for an initial
    conference, a notification date for a transfer-in): shown without "(optional)", left to the
    service to require when the choice needs them."""

    conditionally_required: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.conditionally_required:
            self.fields[name].required = True

    def full_clean(self):
        for name in self.conditionally_required:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in self.conditionally_required:
                self.fields[name].required = True


def _reason(label: str, required_message: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text,
                           error_messages={"required": required_message})


def _late_reason(label: str, help_text: str = "") -> forms.CharField:
    """Asked for only when the service says the date is late (the page shows it then)."""
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text)


class RequestForm(ConditionallyRequiredMixin, forms.Form):
    conditionally_required = ("strategy_discussion_date", "transfer_notification_date", "transferring_authority")

    kind = forms.ChoiceField(label="What kind of conference?", choices=REQUESTABLE_KINDS, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of conference"})
    strategy_discussion_date = GovukDateField(
        label="Date of the strategy discussion that started the section 47 enquiry",
        label_lower="the date of the strategy discussion that started the section 47 enquiry",
        help_text="For an initial or pre-birth conference. For example, 27 3 2026")
    transfer_notification_date = GovukDateField(
        label="Date of the written notification from the other authority",
        label_lower="the date of the written notification from the other authority",
        help_text="For a transfer-in conference. For example, 27 3 2026")
    transferring_authority = forms.CharField(label="Authority the child is moving from", max_length=200,
                                             help_text="For a transfer-in conference")
    notes = forms.CharField(label="Anything the conference service should know", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="For example, interpreters needed or people who must not meet")


class ReviewRequestForm(forms.Form):
    notes = forms.CharField(label="Anything the conference service should know", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))


class ScheduleForm(ConditionallyRequiredMixin, forms.Form):
    conditionally_required = ("late_reason",)

    chair = forms.ChoiceField(label="Chair", widget=forms.RadioSelect,
                              error_messages={"required": "Choose the chair",
                                              "invalid_choice": "Choose one of the chairs listed"})
    date = GovukDateField(label="Date", label_lower="the date of the conference", help_text="For example, 27 3 2026")
    starts_at = TimeOfDayField(label="Start time", label_lower="the start time")
    ends_at = TimeOfDayField(label="End time", label_lower="the end time")
    venue = forms.CharField(label="Venue", required=False, max_length=300,
                            help_text="Enter a venue, an online meeting link, or both")
    online_link = forms.URLField(label="Online meeting link", required=False, max_length=500,
                                 assume_scheme="https",
                                 error_messages={"invalid": "Enter the online meeting link as a web address, "
                                                            "starting https://"})
    minute_taker = forms.ChoiceField(label="Minute-taker", required=False)
    late_reason = _late_reason("Why can the conference not be held by its due date?",
                               "This is kept with the conference and its deadline")

    def __init__(self, *args, chairs=(), minute_takers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.chairs = {str(u.public_id): u for u in chairs}
        self.minute_takers = {str(u.public_id): u for u in minute_takers}
        self.fields["chair"].choices = [(k, u.full_name) for k, u in self.chairs.items()]
        self.fields["minute_taker"].choices = [("", "No minute-taker")] + [
            (k, u.full_name) for k, u in self.minute_takers.items()]

    def clean_chair(self):
        return self.chairs[self.cleaned_data["chair"]]

    def clean_minute_taker(self):
        key = self.cleaned_data.get("minute_taker")
        return self.minute_takers.get(key) if key else None


class RescheduleForm(ScheduleForm):
    reason = _reason("Why is the conference being rescheduled?", "Say why the conference is being rescheduled",
                     "Everyone invited gets an updated calendar invitation")


class CancelForm(forms.Form):
    reason = _reason("Why is the conference being cancelled?", "Say why the conference is cancelled")


class ProposedInviteesForm(forms.Form):
    invitees = forms.MultipleChoiceField(label="People to invite", widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "Choose who to invite"})

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {p.key: p for p in proposals}
        self.fields["invitees"].choices = [
            (p.key, f"{p.name}, {p.role}" + (f" ({p.email})" if p.email else " (no email address)"))
            for p in proposals]
        self.fields["invitees"].initial = list(self.proposals)

    def clean_invitees(self):
        return [self.proposals[k] for k in self.cleaned_data["invitees"]]


class InviteeForm(forms.Form):
    kind = forms.ChoiceField(label="Who are they?", choices=Invitation.InviteeKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose who the invitee is"})
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the invitee's name"})
    role = forms.CharField(label="Role or relationship to the child", required=False, max_length=200,
                           help_text="For example, grandmother, GP, designated safeguarding lead")
    email = forms.EmailField(label="Email address", required=False,
                             help_text="Used to send the calendar invitation",
                             error_messages={"invalid": "Enter an email address like name@example.org"})
    agency = forms.ModelChoiceField(label="Agency", required=False, queryset=Agency.objects.none(),
                                    empty_label="Choose the agency", help_text="For a professional")
    direct_contact = forms.BooleanField(label="Has had direct contact with the child or family", required=False,
                                        initial=True, help_text="Counts towards the conference's quorum")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")


class WithdrawForm(forms.Form):
    reason = _reason("Why is the invitation being withdrawn?", "Say why the invitation is withdrawn",
                     "For example, invited in error")


class AttendanceForm(forms.Form):
    """One set of radios per invitee: ``attendance_<n>`` for the n-th invitation."""

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(invitations)
        for i, inv in enumerate(self.invitations):
            self.fields[f"attendance_{i}"] = forms.ChoiceField(
                label=f"{inv.name}, {inv.role or inv.get_kind_display()}", choices=Invitation.Attendance.choices,
                widget=forms.RadioSelect, initial=inv.attendance,
                error_messages={"required": f"Choose {inv.name}'s attendance"})

    def changes(self) -> list[tuple[Invitation, str]]:
        return [(inv, self.cleaned_data[f"attendance_{i}"]) for i, inv in enumerate(self.invitations)
                if self.cleaned_data[f"attendance_{i}"] != inv.attendance]


class ReportForm(ConditionallyRequiredMixin, forms.Form):
    conditionally_required = ("late_reason",)

    agency = forms.ChoiceField(label="Which agency is this report from?", required=False)
    summary = forms.CharField(label="Your agency's involvement and what it knows",
                              widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="Include your contact with the child and family and your view of the risk",
                              error_messages={"required": "Enter the report"})
    worries = forms.CharField(label="What are you worried about?", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    strengths = forms.CharField(label="What is working well?", required=False,
                                widget=forms.Textarea(attrs={"rows": 5}))
    recommendation = forms.CharField(label="Your recommendation to the conference", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    late_reason = _late_reason("Why is the report late?")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.public_id): a for a in agencies}
        if len(self.agencies) > 1:
            self.fields["agency"].required = True
            self.fields["agency"].choices = [("", "Choose the agency")] + [
                (k, a.name) for k, a in self.agencies.items()]
            self.fields["agency"].error_messages["required"] = "Choose the agency the report is from"
        else:
            del self.fields["agency"]

    def clean_agency(self):
        return self.agencies[self.cleaned_data["agency"]]

    def chosen_agency(self):
        if "agency" in self.fields:
            return self.cleaned_data["agency"]
        return next(iter(self.agencies.values()))

    @staticmethod
    def initial_from(report: AgencyReport | None) -> dict:
        if report is None:
            return {}
        return {k: getattr(report, k) for k in ("summary", "worries", "strengths", "recommendation")}


class ShareForm(ConditionallyRequiredMixin, forms.Form):
    conditionally_required = ("late_reason",)

    shared_on = GovukDateField(label="Date the report was shared with the parents", label_lower="the date shared",
                               help_text="For example, 27 3 2026")
    late_reason = _late_reason("Why was it shared late?")


class ServiceFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status")] + list(Conference.Status.choices))
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind")] + list(Kind.choices))
