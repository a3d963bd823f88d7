"""The kernel's page pieces: one base for "a page that does one thing through a service", one way to
show a date, one way to read a public id from a URL.

``ActionPage`` (templates/pages/action.html) is a ``FormView`` for one action on one record. Put the
policy mixin first, then this, and write only what the page is about::

    class DeadlineCancelView(PolicyViewMixin, ActionPage):
        policy = deadline_policy
        action = "cancel"
        form_class = CancelForm
        title = "Cancel this deadline"           # a string, or a method returning one
        submit_label = "Cancel the deadline"
        warning_button = True

        def dispatch(self, request, *args, **kwargs):
            self.deadline = self.get_object()
            return super().dispatch(request, *args, **kwargs)

        def back(self):                          # required: (url, label) of the way back
            return reverse("clock:deadline_detail", args=[self.deadline.public_id]), "Back to the deadline"

        def done(self):                          # '' = show the form; a sentence = nothing to do, and why
            return "This deadline has already been cancelled." if not self.deadline.is_open else ""

        def form_valid(self, form):
            return self.run(form, lambda: services.deadline_cancel(deadline=self.deadline, ...),
                            "The deadline has been cancelled.")

The contract, all optional except ``back``:

- ``title``, ``caption``: a string attribute or a method; the heading and the line above it.
- ``rows()`` [(label, text)] a summary list; ``intro()`` [paragraph]; ``links()`` [(url, text)];
  ``warning`` (a sentence above the button); ``submit_label``; ``warning_button`` (red button);
  ``cancel_label`` (the link beside the button, to ``back()``).
- ``done()``: when it says something, the page shows it instead of the form, and a POST (a double
  click, the back button, a colleague got there first) changes nothing: info message, redirect back.
- ``run(form, fn, message, url=None)``: calls ``fn()`` (the service). Its ``ValidationError`` goes on
  the form (``apply_service_errors``: at the field it names, else at the top) and the page is shown
  again with what was typed; otherwise a success message and a redirect to ``url`` (default: back).
  ``message`` and ``url`` may be callables taking what the service returned; an empty message is
  no message.
- ``optional_asks``: names of questions a form shows only when needed (a reason for lateness). When
  the service's error names one the form lacks, it is added to ``asked`` and the page is shown again
  with it; the form's ``get_form_kwargs`` uses ``self.shows(name)`` to decide.

The template's context: title, caption, rows, intro, links, done, warning, submit_label,
warning_button, cancel_label, back_url, back_label and form. It has blocks ``caption``,
``before_form`` and ``after_form`` for pages that need a little more.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.generic import FormView

from safeguarding.forms import apply_service_errors

NO_SUCH_RECORD = "No such record"


# --- dates ---------------------------------------------------------------------------------------------
def day(d: date | datetime | None, *, weekday: bool = False) -> str:
    """"12 January 2027" ("Tuesday 12 January 2027" with ``weekday``); a datetime is shown as its local
    date; nothing is ''."""
    if not d:
        return ""
    if isinstance(d, datetime):
        d = timezone.localtime(d) if timezone.is_aware(d) else d
    return format_date(d, "l j F Y" if weekday else "j F Y")


def when(dt: datetime | None) -> str:
    """"12 January 2027, 14:30" in local time; nothing is ''."""
    if not dt:
        return ""
    return format_date(timezone.localtime(dt) if timezone.is_aware(dt) else dt, "j F Y, H:i")


# --- ids -----------------------------------------------------------------------------------------------
def uuid_or_404(value, message: str = NO_SUCH_RECORD) -> uuid.UUID:
    """A public id from the URL; anything that is not a UUID is the same 404 as a missing record."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404(message) from None


# --- the one-purpose form page ---------------------------------------------------------------------------
class ActionPage(FormView):
    """A page that does one thing through a service. See the module's docstring for the contract."""

    template_name = "pages/action.html"
    title = ""
    caption = ""
    submit_label = "Save"
    cancel_label = "Cancel"
    warning = ""
    warning_button = False
    optional_asks: tuple[str, ...] = ()
    asked: frozenset[str] = frozenset()

    def rows(self) -> list[tuple[str, str]]:
        return []

    def intro(self) -> list[str]:
        return []

    def links(self) -> list[tuple[str, str]]:
        return []

    def done(self) -> str:
        """Why there is nothing to do here (already done, or not yet possible), or '' for the form."""
        return ""

    def back(self) -> tuple[str, str]:
        """(url, label) of the way back: the back link, the cancel link, and where a done POST goes."""
        raise NotImplementedError(f"{type(self).__name__} must say where back() goes")

    def shows(self, name: str) -> bool:
        """Whether to show an optional question: asked by the service, or posted already."""
        return name in self.asked or (self.request.method == "POST" and name in self.request.POST)

    @staticmethod
    def _text(value) -> str:
        return value() if callable(value) else value

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        back_url, back_label = self.back()
        values = dict(title=self._text(self.title), caption=self._text(self.caption), rows=self.rows(),
                      intro=self.intro(), links=self.links(), done=self.done(), warning=self.warning,
                      submit_label=self.submit_label, warning_button=self.warning_button,
                      cancel_label=self.cancel_label, back_url=back_url, back_label=back_label)
        for key, value in values.items():
            ctx.setdefault(key, value)  # what the caller passed in get_context_data(**kwargs) wins
        return ctx

    def post(self, request, *args, **kwargs):
        done = self.done()
        if done:
            # a repeated submit (double click, back button, a colleague got there first): change nothing, say so
            messages.info(request, done)
            return redirect(self.back()[0])
        return super().post(request, *args, **kwargs)

    def run(self, form, fn, message, url=None):
        """Call the service ``fn()``; its ValidationError goes on the form, else message and redirect."""
        try:
            result = fn()
        except ValidationError as exc:
            asked = {k for k in getattr(exc, "error_dict", {}) if k in self.optional_asks and k not in form.fields}
            if asked:
                # the service asks a question the form did not show: show it, keeping what was entered
                self.asked = self.asked | asked
                form = self.get_form()
                form.is_valid()
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if callable(message):
            message = message(result)
        if message:
            messages.success(self.request, message)
        if callable(url):
            url = url(result)
        return redirect(url or self.back()[0])
