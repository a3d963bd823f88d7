"""The record editor: the review's record written live by its IRO (each section saves itself as it is typed,
through the autosave endpoint and static/js/record-autosave.js, the conference record's script), with a
"Save record" button for browsers without JavaScript."""

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

from .. import selectors, services
from ..models import Review
from .base import ReviewPage
from .forms import RecordForm, RecordSaveForm, loaded_field_name, normalise_newlines, revision_field_name, text_digest

WRITABLE = (Review.Status.SCHEDULED, Review.Status.HELD)


class RecordView(ReviewPage, TemplateView):
    """The record: with JavaScript each section saves itself as it is typed; without it, "Save record" posts
    every section here and the sections changed on the page are saved (a section a colleague saved since is
    shown beside this person's text, nothing overwritten)."""

    action = "record"
    template_name = "reviews/record.html"

    def load(self):
        self.record = selectors.record_of(self.review)
        self.writable = self.review.status in WRITABLE and not (self.record and self.record.is_signed)

    def get(self, request, *args, **kwargs):
        self.log_child_view("looked-after review record")
        return self.render_to_response(self.get_context_data(form=RecordForm(initial=RecordForm.initial_for(
            self.record))))

    def post(self, request, *args, **kwargs):
        if not self.writable:
            messages.info(request, "The record cannot be changed now.")
            return redirect(self.url("record"))
        form = RecordForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        conflicts: dict[str, services.StaleSection] = {}
        saved: set[str] = set()
        problem = None
        for name, text, base, changed in form.sections():
            if not changed:
                continue
            try:
                services.review_record_save_section(actor=request.user, review=self.review, section=name, text=text,
                                                    base_revision=base)
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
        self.record = selectors.record_of(self.review)
        data = RecordForm.initial_for(self.record)
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
        ctx.update(title="Review record", groups=ctx["form"].groups(kwargs.get("conflicts")), writable=self.writable,
                   record=self.record, storage_key=f"sgh-review-record:{self.review.public_id}")
        return ctx


class RecordSaveView(ReviewPage, View):
    """The autosave endpoint: POST {section, text, base_revision} (JSON or form-encoded), the conference
    record's protocol (static/js/record-autosave.js).

    200 {"revision": n, "saved_at": "HH:MM"}; 409 {"error", "text", "revision"} when someone saved the
    section since (nothing is overwritten); 400 {"error", "errors"} for anything invalid; 404 (JSON) for a
    review this person may not record. CSRF protected like every other POST."""

    action = "record"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return JsonResponse({"error": "Not found"}, status=404)

    @staticmethod
    def payload(request):
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
        if "text" not in payload:
            return JsonResponse({"error": "The text is missing", "errors": {"text": ["The text is missing"]}},
                                status=400)
        form = RecordSaveForm(payload)
        if not form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            return JsonResponse({"error": next(iter(errors.values()))[0], "errors": errors}, status=400)
        d = form.cleaned_data
        try:
            _, revision = services.review_record_save_section(
                actor=request.user, review=self.review, section=d["section"], text=normalise_newlines(d["text"]),
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
