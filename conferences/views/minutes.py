"""The minutes: the editor (draft), the preview of either copy, signing off, and starting a new
version of signed minutes."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from safeguarding.documents.pdf import DEFAULT_MARKING
from safeguarding.pages import day

from .. import services
from ..documents import minutes_context
from ..forms_record import ConfirmForm, MinutesForm, MinutesReviseForm
from ..models import Document, Minutes
from ..selectors import record_pages
from .base import ConferenceFormPage, ConferencePage, log_child_view


class MinutesEditView(ConferenceFormPage):
    """The minutes editor. The chair and the minute-taker edit the draft; only the chair signs it off.
    A signed version is shown as it is, with a form to start a new version (a reason is required)."""

    action = "record"
    form_class = MinutesForm
    template_name = "conferences/record/minutes.html"
    submit_label = "Save the draft"

    def load(self):
        self.versions = record_pages.minutes_versions(self.conference)
        self.minutes = self.versions[0] if self.versions else None

    def title(self):
        if self.minutes is None:
            return "Minutes"
        return f"Minutes, version {self.minutes.version}"

    def done(self):
        if self.minutes is None:
            return "The minutes are drafted from the record when the decision is recorded."
        if self.minutes.status != Minutes.Status.DRAFT:
            return (f"Version {self.minutes.version} was signed off on {day(self.minutes.signed_at)}. Signed minutes "
                    "are never changed: start a new version to make a change.")
        return ""

    def get_form(self, form_class=None):
        if self.minutes is None or self.minutes.status != Minutes.Status.DRAFT:
            return None
        return MinutesForm(**self.get_form_kwargs(), sections=self.minutes.sections)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.minutes
        ctx.update(minutes=m, versions=self.versions, is_chair=self.can("decide"),
                   revise_form=MinutesReviseForm() if m and m.status == Minutes.Status.SIGNED else None,
                   preview_url=self.url("minutes_preview"))
        return ctx

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_edit(actor=self.request.user, minutes=self.minutes,
                                                            sections=form.sections()),
                        "The draft minutes have been saved.", self.url("minutes"))


class MinutesPreviewView(ConferencePage, TemplateView):
    """The minutes as the PDF will read, from the same context (conferences.documents.minutes_context):
    ?copy=professional or ?copy=family; ?version=N for an earlier version."""

    action = "record"
    template_name = "conferences/record/minutes_preview.html"

    def load(self):
        copy = self.request.GET.get("copy") or Document.Copy.PROFESSIONAL
        if copy not in Document.Copy.values:
            raise Http404("No such copy")
        self.copy = copy
        version = self.request.GET.get("version")
        if version and not version.isdigit():
            raise Http404("No such version")
        self.minutes = record_pages.latest_minutes(self.conference, version=int(version) if version else None)
        if self.minutes is None:
            raise Http404("No minutes yet")
        self.minutes.conference = self.conference

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, f"conference minutes preview ({self.copy} copy)")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(minutes_context(self.minutes, self.copy))
        other = Document.Copy.FAMILY if self.copy == Document.Copy.PROFESSIONAL else Document.Copy.PROFESSIONAL
        ctx.update(copy_label=Document.Copy(self.copy).label, other_copy=other, other_copy_label=other.label,
                   left_out=[s for s in self.minutes.sections if s.get("confidential")],
                   minutes_url=self.url("minutes"), marking=DEFAULT_MARKING)
        return ctx


class MinutesSignView(ConferenceFormPage):
    action = "decide"
    form_class = ConfirmForm
    title = "Sign off the minutes"
    submit_label = "Sign off and publish the minutes"
    warning = ("Signing off is final. Signed minutes are never changed: a later change is a new version, with a "
               "reason, and this version stays as it is.")

    def load(self):
        self.minutes = record_pages.latest_minutes(self.conference)

    def back(self):
        return self.url("minutes"), "Back to the minutes"

    def done(self):
        m = self.minutes
        if m is None:
            return "There are no minutes to sign off yet."
        if m.status != Minutes.Status.DRAFT:
            who = m.signed_by.display_name if m.signed_by else "the chair"
            return f"Version {m.version} was signed off by {who} on {day(m.signed_at)}."
        return ""

    def rows(self):
        m = self.minutes
        if m is None or self.done():
            return []
        left_out = [s.get("heading", "") for s in m.sections if s.get("confidential")]
        rows = [("Version", str(m.version)), ("Sections", str(len(m.sections))),
                ("Left out of the family copy", ", ".join(left_out) or "Nothing")]
        if m.change_reason:
            rows.append(("Why this version", m.change_reason))
        return rows

    def intro(self):
        if self.done():
            return []
        return ["Signing off publishes two PDFs: the professional copy and the family copy, from which the "
                "confidential sections are left out. Making them takes a couple of seconds: select the button once "
                "and wait."]

    def links(self):
        if self.done():
            return []
        base = self.url("minutes_preview")
        return [(f"{base}?copy=professional", "Preview the professional copy"),
                (f"{base}?copy=family", "Preview the family copy")]

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_sign(actor=self.request.user, minutes=self.minutes),
                        lambda m: f"Minutes version {m.version} have been signed off. The professional and family "
                                  "copies are published.", self.url("documents"))


class MinutesReviseView(ConferenceFormPage):
    action = "decide"
    form_class = MinutesReviseForm
    title = "Start a new version of the minutes"
    submit_label = "Start a new version"

    def load(self):
        self.latest = record_pages.latest_minutes(self.conference)

    def back(self):
        return self.url("minutes"), "Back to the minutes"

    def done(self):
        if self.latest is None:
            return "There are no minutes yet."
        if self.latest.status == Minutes.Status.DRAFT:
            return f"Version {self.latest.version} is a draft: edit it on the minutes page."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_revise(actor=self.request.user, conference=self.conference,
                                                              reason=form.cleaned_data["reason"]),
                        lambda m: f"Version {m.version} has been started from version {m.version - 1}.",
                        self.url("minutes"))
