"""Evidence pages: the list (with each file's virus-scan state) on the referral, the case and the referrer's
own referral; adding a file (``UploadPage``); downloading through ``evidence_policy`` (the kernel's
``download_response``: ``upload_open`` logs every download); withdrawing with a reason.

The owner (a referral or a case) is fetched through its own policy first (missing and forbidden are the same
404); ``evidence_policy`` then decides on it, and a "no" is that same 404."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse
from django.views import View

from safeguarding.pages import NO_SUCH_RECORD, ActionPage
from safeguarding.uploads import selectors as upload_selectors
from safeguarding.uploads.forms import WithdrawForm
from safeguarding.uploads.views import UploadPage, download_response

from .. import services
from ..models import LadoCase, Referral
from ..policies import evidence_policy
from .base import CasePage, ReferralPage


def _base(owner) -> tuple[str, str]:
    kind = "case" if isinstance(owner, LadoCase) else "referral"
    return kind, str(owner.public_id)


def download_url(owner, upload) -> str:
    kind, pid = _base(owner)
    return reverse(f"lado:{kind}_evidence_file", args=[pid, upload.public_id])


def withdraw_url(owner, upload) -> str:
    kind, pid = _base(owner)
    return reverse(f"lado:{kind}_evidence_withdraw", args=[pid, upload.public_id])


def add_url(owner) -> str:
    kind, pid = _base(owner)
    return reverse(f"lado:{kind}_evidence_new", args=[pid])


@dataclass
class Section:
    heading: str
    anchor: str
    rows: list
    empty: str


@dataclass
class Evidence:
    sections: list[Section] = field(default_factory=list)
    add_url: str = ""
    add_label: str = "Add evidence (a document or an image)"


def _rows(access, owner) -> list:
    """The files of ``owner`` that ``access`` sees listed (the LADO team all; the referrer their own); one query."""
    every = evidence_policy.lists_all(access, owner)
    rows = upload_selectors.upload_rows(owner, download_url=lambda u: download_url(owner, u),
                                        withdraw_url=lambda u: withdraw_url(owner, u))
    return rows if every else [r for r in rows if evidence_policy.is_own(access, r.upload)]


def evidence_for(request, owner) -> Evidence | None:
    """The evidence section of a referral's or a case's page, or None when ``request``'s person sees none (the
    people invited into a case: the LADO does not share files with them)."""
    access = request.access
    if not evidence_policy.can_list(access, owner):
        return None
    out = Evidence(add_url=add_url(owner) if evidence_policy.can_add(access, owner) else "")
    if isinstance(owner, LadoCase):
        out.sections.append(Section("Evidence on the case", "case-evidence", _rows(access, owner),
                                    "No files have been added to the case."))
        out.sections.append(Section("Evidence sent with the referral", "referral-evidence",
                                    _rows(access, owner.referral),
                                    "No files came with the referral."))
        out.add_label = "Add evidence to the case (a document or an image)"
    else:
        mine = not evidence_policy.lists_all(access, owner)
        out.sections.append(Section("Your files" if mine else "Evidence", "referral-evidence",
                                    _rows(access, owner),
                                    "You have not sent any files." if mine else "No files have been sent."))
        if mine:
            out.add_label = "Send a document or an image"
    return out


class _OwnerMixin:
    """Fetch the owner (``ReferralPage``/``CasePage`` did), then a file of it (``upload_id``) if the URL names one."""

    def owner(self):
        return self.case if self.kind == "case" else self.referral

    def evidence_back(self) -> tuple[str, str]:
        owner = self.owner()
        if isinstance(owner, Referral) and not evidence_policy.lists_all(self.access, owner):
            return reverse("lado:portal_referral", args=[owner.public_id]), "Back to your referral"
        kind, pid = _base(owner)
        return reverse(f"lado:{kind}", args=[pid]) + "#evidence", f"Back to the {kind}"

    def load(self):
        if "upload_id" in self.kwargs:
            self.upload = upload_selectors.upload_of(self.owner(), self.kwargs["upload_id"])


class _ReferralOwner(_OwnerMixin, ReferralPage):
    abstract = True
    kind = "referral"
    action = "track"  # the LADO team and the referrer both reach it; evidence_policy decides the rest

    def caption(self):
        return f"Referral {self.referral.reference}" if not evidence_policy.lists_all(self.access, self.referral) \
            else super().caption()


class _CaseOwner(_OwnerMixin, CasePage):
    abstract = True
    kind = "case"
    action = "work"
    answers = ()


class _AddMixin:
    title = "Add evidence"
    submit_label = "Upload the file"

    def load(self):
        if not evidence_policy.can_add(self.access, self.owner()):
            raise Http404(NO_SUCH_RECORD)

    def back(self):
        return self.evidence_back()

    def intro(self):
        return ["The file is checked for viruses before anyone can open it. The LADO sees every file sent."]

    def form_valid(self, form):
        return self.run(form, lambda: services.evidence_add(
            actor=self.request.user, owner=self.owner(), file=form.cleaned_data["file"],
            description=form.cleaned_data["description"]), "The file has been uploaded. It can be opened once "
                                                            "its virus scan has passed.")


class ReferralEvidenceAddView(_AddMixin, _ReferralOwner, UploadPage):
    pass


class CaseEvidenceAddView(_AddMixin, _CaseOwner, UploadPage):
    pass


class _DownloadMixin:
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        owner = self.owner()
        return download_response(request, self.upload, allowed=evidence_policy.can_download(self.access, owner,
                                                                                            self.upload),
                                 back=self.evidence_back())


class ReferralEvidenceFileView(_DownloadMixin, _ReferralOwner, View):
    pass


class CaseEvidenceFileView(_DownloadMixin, _CaseOwner, View):
    pass


class _WithdrawMixin:
    form_class = WithdrawForm
    title = "Withdraw a file"
    submit_label = "Withdraw the file"
    warning_button = True

    def load(self):
        super().load()
        if not evidence_policy.can_withdraw(self.access, self.owner(), self.upload):
            raise Http404(NO_SUCH_RECORD)

    def back(self):
        return self.evidence_back()

    def rows(self):
        return [("File", self.upload.original_name), ("Uploaded by", str(self.upload.uploaded_by))]

    def intro(self):
        return ["The file is kept, with your reason, but can no longer be opened here."]

    def done(self):
        return "This file has already been withdrawn." if self.upload.withdrawn else ""

    def form_valid(self, form):
        return self.run(form, lambda: services.evidence_withdraw(
            actor=self.request.user, owner=self.owner(), upload=self.upload, reason=form.cleaned_data["reason"]),
            "The file has been withdrawn.")


class ReferralEvidenceWithdrawView(_WithdrawMixin, _ReferralOwner, ActionPage):
    pass


class CaseEvidenceWithdrawView(_WithdrawMixin, _CaseOwner, ActionPage):
    pass
