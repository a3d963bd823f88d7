"""Form pieces shared by every app: the GOV.UK date input (day, month, year) with clear errors."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field when it names one, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class SelectDateWidget(forms.MultiWidget):
    """GOV.UK date input (Day, Month, Year boxes). Named so that widget_type is "selectdate",
    which templates/includes/field.html renders as the GOV.UK pattern."""


    def __init__(self, attrs=None):
        box = "govuk-input govuk-date-input__input govuk-input--width-"
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "class": box + "2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "class": box + "2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "class": box + "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = SelectDateWidget

    def __init__(self, *, label_lower: str = "the date", **kwargs):
        self.label_lower = label_lower
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value):
        value = value or ["", "", ""]
        day, month, year = (str(v or "").strip() for v in value)
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {self.label_lower}", code="required")
            return None
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(f"{self.label_lower[0].upper()}{self.label_lower[1:]} must include a "
                                  f"{' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.label_lower[0].upper()}{self.label_lower[1:]} must be a real date, "
                                  "in numbers", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label_lower[0].upper()}{self.label_lower[1:]} must be a real date",
                                  code="invalid") from None

    def compress(self, data_list):  # pragma: no cover - clean() is overridden
        return data_list
