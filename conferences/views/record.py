"""The live Signs of Safety record (saved as it goes), its autosave endpoint, and scaling scores."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views import View
from django.views.generic import TemplateView

from safeguarding.forms import apply_service_errors

from .. import services
from ..forms_record import (
    RecordForm,
    RecordSaveForm,
    ScalingForm,
    loaded_field_name,
    normalise_newlines,
    revision_field_name,
    text_digest,
)
from ..models import Conference, ConferenceRecord
from ..selectors import record_pages
from .base import ConferenceFormPage, ConferencePage, log_child_view

S = Conference.Status


class RecordView(ConferencePage, TemplateView):
    """The Signs of Safety record, written live by the chair or the minute-taker. With JavaScript each
    section saves itself as it is typed (record-autosave.js, through RecordSaveView); without it, the
    "Save record" button posts every section here and the sections changed on the page are saved."""

    action = "record"
    template_name = "conferences/record/record.html"

    def load(self):
        self.record = record_pages.record_of(self.conference)
        if self.record is None:
            raise Http404("No record")
        self.writable = self.conference.status in (S.SCHEDULED, S.HELD)

    def current(self) -> dict:
        return RecordForm.initial_for({n: getattr(self.record, n) for n in ConferenceRecord.section_names()},
                                      self.record.revisions)

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, "conference record")
        return self.render_to_response(self.get_context_data(form=RecordForm(initial=self.current())))

    def post(self, request, *args, **kwargs):
        form = RecordForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        conflicts: dict[str, services.StaleSection] = {}
        saved: set[str] = set()
        problem = None
        for name, text, base, changed in form.sections():
            if not changed:
                continue  # as the page showed it: leave it alone (a colleague may have saved it since)
            try:
                services.record_save_section(actor=request.user, conference=self.conference, section=name,
                                             text=text, base_revision=base)
            except services.StaleSection as stale:
                conflicts[name] = stale
                continue
            except ValidationError as exc:
                problem = exc
                break
            saved.add(name)
        if not conflicts and problem is None:
            messages.success(request, "The record has been saved.")
            return redirect(self.url("record"))
        # Show the record as it is now, except: a conflicting section keeps this person's text (their
        # colleague's is shown beside it, and the next save is knowingly from the colleague's revision),
        # and sections not reached keep what was posted.
        self.record.refresh_from_db()
        data = self.current()
        for name, text, base, changed in form.sections():
            if name in conflicts:
                stale = conflicts[name]
                data.update({name: text, revision_field_name(name): stale.revision,
                             loaded_field_name(name): text_digest(stale.text)})
            elif changed and name not in saved:
                data.update({name: text, revision_field_name(name): base,
                             loaded_field_name(name): form.cleaned_data.get(loaded_field_name(name), "")})
        form = RecordForm(data)
        form.is_valid()
        if problem is not None:
            apply_service_errors(form, problem)
        form.note_conflicts(conflicts)
        return self.render_to_response(self.get_context_data(form=form, conflicts=conflicts))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            title="Conference record", groups=ctx["form"].groups(kwargs.get("conflicts")), writable=self.writable,
            record=self.record, scores=record_pages.scaling_scores(self.conference),
            scaling_form=ScalingForm(invitations=record_pages.participants(self.conference)),
            can_decide=self.can("decide"), storage_key=f"sgh-record:{self.conference.public_id}",
            back_url=self.url("detail"),
        )
        return ctx


class RecordSaveView(ConferencePage, View):
    """The autosave endpoint: POST {section, text, base_revision} (JSON or form-encoded).

    200 {"revision": n, "saved_at": "HH:MM"}; 409 {"error", "text", "revision"} when someone saved the
    section since (nothing is overwritten); 400 {"error", "errors"} for anything invalid; 404 (JSON)
    for a conference this person may not record. CSRF protected like every other POST."""

    action = "record"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"error": "Not found"}, status=404)

    @staticmethod
    def payload(request):
        """The posted section as a dict, or a 400 answer."""
        if request.content_type != "application/json":
            return request.POST
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"error": "The request is not valid JSON"}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"error": "The request must be a JSON object"}, status=400)
        if not isinstance(payload.get("text", ""), str):
            return JsonResponse({"error": "The text must be a string", "errors": {"text": ["Not text"]}}, status=400)
        return payload

    def post(self, request, *args, **kwargs):
        payload = self.payload(request)
        if isinstance(payload, JsonResponse):
            return payload
        if "text" not in payload:  # an empty text is a choice (a section emptied), a missing one is a mistake
            return JsonResponse({"error": "The text is missing", "errors": {"text": ["The text is missing"]}},
                                status=400)
        form = RecordSaveForm(payload)
        if not form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return JsonResponse({"error": first, "errors": errors}, status=400)
        d = form.cleaned_data
        try:
            _, revision = services.record_save_section(actor=request.user, conference=self.conference,
                                                       section=d["section"], text=normalise_newlines(d["text"]),
                                                       base_revision=d["base_revision"])
        except services.StaleSection as stale:
            return JsonResponse({"error": "Someone else saved this section while you were writing. Their text is "
                                          "shown below; yours is kept in the box.",
                                 "text": stale.text, "revision": stale.revision}, status=409)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return JsonResponse({"error": next(iter(errors.values()))[0], "errors": errors}, status=400)
        resp = JsonResponse({"revision": revision, "saved_at": format_date(timezone.localtime(), "H:i")})
        resp["Cache-Control"] = "no-store"
        return resp


class ScalingView(ConferenceFormPage):
    """Add a scaling score (0 to 10). The record page carries the same form; this page shows its errors
    and serves browsers without JavaScript."""

    action = "record"
    form_class = ScalingForm
    title = "Add a scaling score"
    submit_label = "Add score"

    def back(self):
        return self.url("record") + "#scaling", "Back to the conference record"

    def intro(self):
        return ["On a scale of 0 to 10, where 10 means everyone knows the child is safe enough for the case to "
                "close and 0 means the child will certainly be harmed, where is each person?"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitations": record_pages.participants(self.conference)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.scaling_record(
            actor=self.request.user, conference=self.conference, participant=form.participant_name, score=d["score"],
            reason=d["reason"], invitation=d["invitation"]),
            lambda s: f"Score of {s.score} from {s.participant} added.")
