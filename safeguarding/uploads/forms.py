"""The upload form (a file and what it is) and the withdraw form, for the apps' pages."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat

from .types import get_purpose


class UploadForm(forms.Form):
    """``UploadForm(data, files, purpose="evidence", too_large=too_large_fields(request))``. The hint
    names the types and the size the purpose accepts; the file's real type is checked by the service."""

    file = forms.FileField(label="Upload a file", allow_empty_file=True,
                           error_messages={"required": "Select a file", "invalid": "Select a file"})
    description = forms.CharField(label="What is this file?", required=False, max_length=500,
                                  help_text="For example, \u2018Letter from the school, 3 March\u2019.")

    def __init__(self, *args, purpose: str = "evidence", too_large=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose = get_purpose(purpose)
        self.too_large = frozenset(too_large)
        field = self.fields["file"]
        field.help_text = (f"It can be a {self.purpose.kinds} file, up to {filesizeformat(self.purpose.limit)}. "
                           "It is checked for viruses before anyone can open it.")
        field.widget.attrs["accept"] = ",".join(self.purpose.extensions)

    def full_clean(self):
        super().full_clean()
        if "file" in self.too_large and self.is_bound:
            self.errors.pop("file", None)
            self.add_error("file", f"The selected file must be smaller than {filesizeformat(self.purpose.limit)}")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why is the file being withdrawn?", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, error_messages={"required": "Enter why the file is being withdrawn"},
                             help_text="The file is kept, with your reason, but can no longer be opened here.")
