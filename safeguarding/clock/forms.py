"""Forms of the deadline pages: the list filters (GET) and the three actions on a deadline.

The rules (a late date needs a reason, a date cannot be in the future, an overdue deadline needs a
reason before it is accepted) live in services.py; the views put its errors on these fields.
"""

from __future__ import annotations

import uuid

from django import forms

from safeguarding.forms import GovukDateField
from safeguarding.pages import day

from . import rules
from .selectors import BUCKETS, DEFAULT_BUCKET, NOT_ASSIGNED, Filters


def _rule_choices() -> list[tuple[str, str]]:
    ordered = sorted(rules.all_rules().items(), key=lambda kv: kv[1].description)
    return [("", "All rules"), *((key, rule.description) for key, rule in ordered)]


def _service_choices() -> list[tuple[str, str]]:
    return [("", "All services"), *((s.value, s.label) for s in rules.Service)]


class DeadlineFilterForm(forms.Form):
    """The filters of My deadlines (and, with a team, Team deadlines). Always valid enough to use:
    a value that is not a choice is reported and ignored."""

    status = forms.ChoiceField(label="Show", choices=list(BUCKETS.items()), required=False)
    service = forms.ChoiceField(label="Service", required=False)
    rule = forms.ChoiceField(label="Rule", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _service_choices()
        self.fields["rule"].choices = _rule_choices()

    def valid_parts(self) -> dict:
        """The values that are valid (Django leaves a field with an error out of cleaned_data)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> Filters:
        data = self.valid_parts()
        return Filters(bucket=data.get("status") or DEFAULT_BUCKET, service=data.get("service") or "",
                       rule_key=data.get("rule") or "")


class TeamDeadlineFilterForm(DeadlineFilterForm):
    team = forms.ChoiceField(label="Team", required=False)
    person = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["team", "status", "service", "rule", "person"]

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        self.fields["team"].choices = [("", "All your teams"), *((str(t.public_id), t.name) for t in self.teams)]
        if len(self.teams) < 2:
            del self.fields["team"]

    def clean_person(self):
        value = (self.cleaned_data.get("person") or "").strip()
        if value and value != NOT_ASSIGNED:
            try:
                value = str(uuid.UUID(value))
            except ValueError:
                raise forms.ValidationError("Choose a person from the table") from None
        return value

    def filters(self) -> Filters:
        base = super().filters()
        data = self.valid_parts()
        chosen = data.get("team") or ""
        team_ids = tuple(t.pk for t in self.teams if str(t.public_id) == chosen) or tuple(t.pk for t in self.teams)
        return Filters(bucket=base.bucket, service=base.service, rule_key=base.rule_key,
                       person=data.get("person") or "", team_ids=team_ids)

    @property
    def chosen_team(self):
        chosen = self.valid_parts().get("team") or ""
        return next((t for t in self.teams if str(t.public_id) == chosen), None)


class MeetForm(forms.Form):
    met_on = GovukDateField(label="When was it met?", label_lower="the date it was met",
                            help_text="For example, 27 3 2026")
    late_reason = forms.CharField(
        label="Why was it late?", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )

    def __init__(self, *args, due_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        if due_date:
            self.fields["late_reason"].help_text = (
                f"Needed if it was met after the due date, {day(due_date)}. Managers will read this.")


class AcceptLateForm(forms.Form):
    note = forms.CharField(
        label="Your note", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text="If no reason for the delay has been recorded yet, record it here.",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why does this deadline no longer apply?", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        error_messages={"required": "Say why the deadline no longer applies"},
        help_text="For example, the conference was cancelled because the child moved to another area.",
    )
