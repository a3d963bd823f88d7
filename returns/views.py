"""The returns page and the data quality page (ADR 27). Every view asks ``returns_policy`` first: anyone who
does not file returns for the authority gets the same 404 as a missing page, for the page and every file."""

from __future__ import annotations

import io
import zipfile

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cases.selectors import local_authorities_by_ids
from safeguarding.pages import NO_SUCH_RECORD

from . import files, quality, validation
from .policies import returns_policy
from .years import CollectionYear

app_name = "returns"
RETURNS = {"cin-census": "CIN census", "ssda903": "SSDA903 return", "annex-a": "Ofsted Annex A lists"}


def years_offered(today) -> list[CollectionYear]:
    """The collection year in progress and the one before it (whose returns are filed in the spring)."""
    current = CollectionYear.containing(today)
    return [current, CollectionYear(current.year - 1)]


class ReturnsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not returns_policy.can_file(request.access):
            raise Http404(NO_SUCH_RECORD)
        self.authorities = local_authorities_by_ids(returns_policy.authority_ids(request.access))
        self.authority = None
        if "authority" in kwargs:
            self.authority = next((a for a in self.authorities if str(a.public_id) == str(kwargs["authority"])),
                                  None)
            if self.authority is None:
                raise Http404(NO_SUCH_RECORD)
        if "year" in kwargs and kwargs["year"] not in {y.year for y in years_offered(timezone.localdate())}:
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)


class ReturnsView(ReturnsMixin, TemplateView):
    """``/returns/``: the returns this person files, each to download, and the data quality of each year."""

    template_name = "returns/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(authorities=self.authorities, years=years_offered(timezone.localdate()),
                   today=timezone.localdate())
        return ctx


def _zip(named: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in named.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class DownloadView(ReturnsMixin, View):
    """One return as a file: the CIN census XML; the SSDA903 tables and the Annex A lists as a zip."""

    def get(self, request, authority, kind, year=None):
        la = self.authority.pk
        if kind == "cin-census":
            (name, content), = files.cin_census_files(local_authority_id=la, year=year).items()
            response = HttpResponse(content, content_type="application/xml")
        elif kind == "ssda903":
            name = f"ssda903_{year}.zip"
            response = HttpResponse(_zip(files.ssda903_files(local_authority_id=la, year=year)),
                                    content_type="application/zip")
        elif kind == "annex-a" and year is None:
            today = timezone.localdate()
            name = f"annex_a_{today:%Y%m%d}.zip"
            response = HttpResponse(_zip(files.annex_a_files(local_authority_id=la, on=today)),
                                    content_type="application/zip")
        else:
            raise Http404(NO_SUCH_RECORD)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class DataQualityView(ReturnsMixin, TemplateView):
    """``/returns/<authority>/<year>/data-quality/``: each rule the DfE validators say the year's CIN census and
    SSDA903 return fail, with the child and a link to the record to correct."""

    template_name = "returns/data_quality.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, la = self.kwargs["year"], self.authority.pk
        reports, unavailable = [], ""
        try:
            reports = [quality.cin_census_report(local_authority_id=la, year=year),
                       quality.ssda903_report(local_authority_id=la, year=year)]
        except validation.ValidatorsUnavailable as exc:
            unavailable = str(exc)
        ctx.update(authority=self.authority, year=CollectionYear(year), reports=reports, unavailable=unavailable)
        return ctx


urlpatterns = [
    path("", ReturnsView.as_view(), name="index"),
    path("<uuid:authority>/<int:year>/data-quality/", DataQualityView.as_view(), name="data_quality"),
    path("<uuid:authority>/<int:year>/<kind>/", DownloadView.as_view(), name="download"),
    path("<uuid:authority>/annex-a/", DownloadView.as_view(), {"kind": "annex-a"}, name="annex_a"),
]
