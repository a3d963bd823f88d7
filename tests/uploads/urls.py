"""How an app wraps the kernel's upload pieces with its own policy: the hub's URLs plus an "agency files"
feature whose owner is an Agency (a kernel model, so the tests need no domain app). Its policy: members
of the agency reach its files; social workers and team managers may download and withdraw them."""

from django.http import Http404, HttpResponse
from django.template import engines
from django.urls import path, reverse

from safeguarding.accounts.models import Agency, Role
from safeguarding.pages import ActionPage
from safeguarding.uploads import selectors, services
from safeguarding.uploads.forms import WithdrawForm
from safeguarding.uploads.views import UploadDownloadView, UploadPage
from safeguarding.urls import handler400, handler403, handler404, handler500  # noqa: F401
from safeguarding.urls import urlpatterns as hub

LIST = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Agency files{% endblock %}{% block content %}'
    '<h1 class="govuk-heading-l">Agency files</h1>'
    '<p class="govuk-body"><a class="govuk-link" href="{{ add_url }}">Add a file</a></p>'
    '{% include "uploads/_uploads.html" with rows=rows %}{% endblock %}')


def agency_for(request, public_id) -> Agency:
    agency = Agency.objects.filter(public_id=public_id).first()
    if agency is None or agency.pk not in request.access.agency_ids:
        raise Http404("No such record")
    return agency


def may_handle_files(request) -> bool:
    return request.access.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def file_list(request, public_id):
    agency = agency_for(request, public_id)
    rows = selectors.upload_rows(
        agency, download_url=lambda u: reverse("tu-download", args=[agency.public_id, u.public_id]),
        withdraw_url=(lambda u: reverse("tu-withdraw", args=[agency.public_id, u.public_id]))
        if may_handle_files(request) else None)
    return HttpResponse(LIST.render({"rows": rows, "add_url": reverse("tu-add", args=[agency.public_id])}, request))


class Download(UploadDownloadView):
    def owner(self):
        return agency_for(self.request, self.kwargs["public_id"])

    def may_download(self, owner):
        return may_handle_files(self.request)


class Add(UploadPage):
    title = "Add a file"

    def dispatch(self, request, *args, **kwargs):
        self.agency = agency_for(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("tu-list", args=[self.agency.public_id]), "Back to the agency's files"

    def form_valid(self, form):
        return self.run(form, lambda: services.upload_receive(
            actor=self.request.user, file=form.cleaned_data["file"], purpose=self.purpose, owner=self.agency,
            description=form.cleaned_data["description"]), "The file has been uploaded.")


class Withdraw(ActionPage):
    form_class = WithdrawForm
    title = "Withdraw a file"
    submit_label = "Withdraw the file"
    warning_button = True

    def dispatch(self, request, *args, **kwargs):
        self.agency = agency_for(request, kwargs["public_id"])
        self.upload = selectors.upload_of(self.agency, kwargs["upload_id"])
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("tu-list", args=[self.agency.public_id]), "Back to the agency's files"

    def done(self):
        return "This file has already been withdrawn." if self.upload.withdrawn else ""

    def form_valid(self, form):
        return self.run(form, lambda: services.upload_withdraw(
            actor=self.request.user, upload=self.upload, reason=form.cleaned_data["reason"],
            allowed=may_handle_files(self.request)), "The file has been withdrawn.")


urlpatterns = [
    *hub,
    path("agency-files/<uuid:public_id>/", file_list, name="tu-list"),
    path("agency-files/<uuid:public_id>/add/", Add.as_view(), name="tu-add"),
    path("agency-files/<uuid:public_id>/<str:upload_id>/", Download.as_view(), name="tu-download"),
    path("agency-files/<uuid:public_id>/<str:upload_id>/withdraw/", Withdraw.as_view(), name="tu-withdraw"),
]
