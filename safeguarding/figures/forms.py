from __future__ import annotations

from django import forms

from safeguarding.clock import rules
from safeguarding.forms import GovukDateField


class PeriodForm(forms.Form):
    """The period a page of figures counts (a GET form)."""

    start = GovukDateField(label="From", label_lower="the first day")
    end = GovukDateField(label="To", label_lower="the last day")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day must be on or after the first day")
        return data


class TimelinessForm(PeriodForm):
    """The service and the period the timeliness figures count."""

    service = forms.ChoiceField(label="Service", choices=[(s.value, s.label) for s in rules.Service])
    field_order = ["service", "start", "end"]


class DrillForm(TimelinessForm):
    """Which row of a figure: a month (YYYY-MM), a team (its id, or "none"), a deadline rule, a bucket."""

    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    team = forms.RegexField(regex=r"^(\d{1,18}|none)$", required=False)
    rule = forms.CharField(required=False, max_length=60)
    bucket = forms.ChoiceField(required=False, choices=[("", "All")] + [
        (b, b) for b in ("on_time", "late", "overdue")])
