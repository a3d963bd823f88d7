"""Pages and page pieces for uploads.

For the apps (each wraps them with its own policy; the kernel imports no app):

- ``download_response(request, upload, allowed=...)``: the file as an attachment, with the type found
  in its bytes, ``X-Content-Type-Options: nosniff``, a sandboxing CSP and no caching; logged in the
  view log. A file that cannot be served (scan pending or failed, virus found, withdrawn) is a page
  saying so (409); ``allowed=False`` is the hub's 404.
- ``UploadDownloadView``: a download page to subclass::

      class EvidenceDownload(UploadDownloadView):
          def owner(self):                       # the record, through the app's policy (404 otherwise)
              return referral_policy.get_for(self.request.access, self.kwargs["public_id"], "view")
          def may_download(self, owner):
              return referral_policy.can(self.request.access, "view_evidence", owner)

  with ``path("<uuid:public_id>/files/<uuid:upload_id>/", EvidenceDownload.as_view(), ...)``.
- ``UploadPage``: an ``ActionPage`` with ``UploadForm`` (the purpose's types and limit in the hint, the
  size-limit handler's message); the app's ``form_valid`` calls its own service, which calls
  ``upload_receive``.
- ``templates/uploads/_uploads.html`` lists a record's files from ``selectors.upload_rows``.

For administrators: the quarantine page (every upload whose scan is not clean, and whether clamd
answers) and "try the scan again".
"""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage

from . import selectors, services
from .forms import UploadForm
from .handlers import too_large_fields
from .models import ScanStatus
from .policies import upload_oversight_policy

SANDBOX = "default-src 'none'; sandbox"


def download_response(request, upload, *, allowed: bool, allow_withdrawn: bool = False,
                      back: tuple[str, str] | None = None):
    """The file, or the page saying why it cannot be opened (with ``back``: (url, label) of the way back)."""
    via = services.VIA_API if request.path.startswith("/api/") else services.VIA_PAGE
    try:
        opened = services.upload_open(actor=request.user, upload=upload, allowed=allowed, via=via,
                                      allow_withdrawn=allow_withdrawn)
    except services.UploadUnavailable as exc:
        return render(request, "uploads/unavailable.html", {"message": exc.message, "upload": exc.upload,
                                                            "back_url": back[0] if back else "",
                                                            "back_label": back[1] if back else ""},
                      status=409)
    response = FileResponse(opened.file, as_attachment=True, filename=opened.filename,
                            content_type=opened.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


class UploadDownloadView(View):
    """Subclass with ``owner()`` and ``may_download(owner)`` (see the module's docstring)."""

    http_method_names = ["get"]
    upload_url_kwarg = "upload_id"
    allow_withdrawn = False

    def owner(self):
        raise NotImplementedError(f"{type(self).__name__} must fetch the owner through its policy")

    def may_download(self, owner) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must say who may download")

    def back(self, owner) -> tuple[str, str] | None:
        """(url, label) of the way back from the "cannot be opened" page: the owner's page by default."""
        url = getattr(owner, "get_absolute_url", None)
        return (url(), "Back") if callable(url) else None

    def get(self, request, *args, **kwargs):
        owner = self.owner()
        upload = selectors.upload_of(owner, self.kwargs[self.upload_url_kwarg])
        return download_response(request, upload, allowed=self.may_download(owner),
                                 allow_withdrawn=self.allow_withdrawn, back=self.back(owner))


class UploadPage(ActionPage):
    """An ActionPage whose form is ``UploadForm`` for ``purpose``; subclasses write ``back()``, ``title``
    and ``form_valid`` (calling their own service with ``form.cleaned_data["file"]``)."""

    form_class = UploadForm
    purpose = "evidence"
    submit_label = "Upload the file"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "purpose": self.purpose, "too_large": too_large_fields(self.request)}


# --- administrators --------------------------------------------------------------------------------------


class QuarantineView(TemplateView):
    template_name = "uploads/quarantine.html"

    def get(self, request, *args, **kwargs):
        if not upload_oversight_policy.is_overseer(request.access):
            raise Http404("No such page")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows, counts = selectors.quarantine(upload_oversight_policy.visible(self.request.access))
        return super().get_context_data(rows=rows, counts=counts, scanner=selectors.scanner_status(),
                                        limit=selectors.QUARANTINE_LIMIT, **kwargs)


class ScanAgainView(PolicyViewMixin, ActionPage):
    policy = upload_oversight_policy
    action = "scan_again"
    title = "Try the virus scan again"
    submit_label = "Try the scan again"
    form_class = forms.Form

    def dispatch(self, request, *args, **kwargs):
        self.upload = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("uploads:quarantine"), "Back to files in quarantine"

    def rows(self):
        u = self.upload
        return [("Reference", u.reference), ("Status", ScanStatus(u.scan_status).label),
                ("Attempts so far", str(u.scan_attempts)), ("Last error", u.scan_error or "None")]

    def intro(self):
        return ["The file stays in quarantine. The scan is tried again now, and then automatically after a "
                "growing wait if it fails again."]

    def done(self):
        return "" if self.upload.scan_status == ScanStatus.FAILED else "This file's scan has not failed: there is " \
                                                                       "nothing to try again."

    def form_valid(self, form):
        return self.run(form, lambda: services.upload_scan_again(
            actor=self.request.user, upload=self.upload,
            allowed=self.policy.can(self.request.access, self.action, self.upload)),
            "The virus scan will be tried again.")


urlpatterns = [
    path("quarantine/", QuarantineView.as_view(), name="quarantine"),
    path("<str:public_id>/scan-again/", ScanAgainView.as_view(), name="scan_again"),
]
