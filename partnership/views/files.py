"""Files with an agency's submission (ADR 23): the agency's lead uploads them through the kernel's scanned upload
service (ADR 18); whoever ``request_policy`` lets see them (``files``: the business unit, the partners'
delegates, the agency's own leads) opens them, logged by the kernel."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.uploads.views import UploadDownloadView, UploadPage

from .. import services
from ..policies import request_policy
from .submissions import _RequestAction


class FileUploadView(_RequestAction, UploadPage):
    title = "Send a file with your chronology"
    submit_label = "Upload the file"

    def intro(self):
        return ["For example your agency's chronology or information form as a document. The file is checked for "
                "viruses before anyone can open it. The business unit and the safeguarding partners' delegates "
                "will see it."]

    def back(self):
        return reverse("partnership:request", args=[self.agency_request.public_id]), "Back to your chronology"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.submission_file_add(
            actor=self.request.user, request=self.agency_request, file=data["file"],
            description=data.get("description", "")), "The file has been uploaded. It can be opened once its virus "
            "scan has passed.", url=reverse("partnership:request", args=[self.agency_request.public_id]))


class FileDownloadView(UploadDownloadView):
    def owner(self):
        return request_policy.get_for(self.request.access, self.kwargs["public_id"], "files",
                                      shape=lambda qs: qs.select_related("rapid_review"))

    def may_download(self, owner) -> bool:
        return request_policy.can(self.request.access, "files", owner)

    def back(self, owner):
        if request_policy.can(self.request.access, "view", owner):
            return reverse("partnership:request", args=[owner.public_id]), "Back to the chronology"
        return reverse("partnership:rapid_review", args=[owner.rapid_review.public_id]), "Back to the rapid review"
