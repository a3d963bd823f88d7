"""Keeping pages (ADR 22): cross-border notifications and transfers from the case, legal holds on a case or an
index entry (placed by the LADO team, released by the LADO manager), the advice about the personnel record after a
false or malicious outcome, the LADO manager's retention review and disposal (confirmed, refused while on hold),
and evidence shared with the people invited into a case (and their download of it)."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day
from safeguarding.uploads.views import download_response

from .. import rules, services
from ..policies import index_policy, retention_policy, shared_evidence_policy
from ..selectors.retention import (
    entry_retention,
    hold_for,
    keeping_of,
    retention_review,
    share_of,
    shareable,
    transfer_of,
)
from .base import CaseFormPage, CasePage, LadoTeamPage
from .forms_keeping import (
    AcknowledgeForm,
    DisposeForm,
    EndShareForm,
    HoldForm,
    PersonnelAdviceForm,
    ReleaseForm,
    ShareForm,
    TransferForm,
)


def keeping_context(page) -> dict:
    """What the case page adds (``lado/_keeping.html``)."""
    works = page.can("work")
    shared = None if works else shared_evidence_policy.shared_with(page.access, page.case)
    return {"keeping": keeping_of(page.case, works=works, shared_with=shared),
            "is_manager": bool(retention_policy.review_authorities(page.access)) and works}


# --- cross-border -----------------------------------------------------------------------------------------------
class TransferView(CaseFormPage):
    form_class = TransferForm
    title = "Tell another authority's LADO, or transfer the case"
    submit_label = "Save"

    def intro(self):
        return ["When the setting, the person's home or a child is in another local authority, tell that "
                "authority's LADO. A transfer closes the case here; a notification keeps it open."]

    def done(self):
        return "This case is closed." if self.case.status == "closed" else ""

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.transfer_record(
            actor=self.request.user, case=self.case, kind=d["kind"], grounds=d["grounds"], authority=d["authority"],
            contact_name=d["contact_name"], contact_email=d["contact_email"], contact_phone=d["contact_phone"],
            sent_on=d["sent_on"], what_was_sent=d["what_was_sent"]),
            lambda t: "The case has been transferred and closed here." if t.is_transfer
            else "The notification has been recorded.", url=self.url("case") + "#cross-border")


class AcknowledgeView(CaseFormPage):
    form_class = AcknowledgeForm
    submit_label = "Save"

    def load(self):
        self.transfer = transfer_of(self.case, self.kwargs["transfer_id"])
        if self.transfer is None:
            raise Http404(NO_SUCH_RECORD)

    def title(self):
        return f"Record {self.transfer.authority}'s acknowledgement"

    def rows(self):
        return [("Sent", day(self.transfer.sent_on)), ("To", self.transfer.contact_name)]

    def done(self):
        t = self.transfer
        return f"Acknowledged on {day(t.acknowledged_on)} by {t.acknowledged_by_whom}." if t.acknowledged_on else ""

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.transfer_acknowledge(
            actor=self.request.user, transfer=self.transfer, acknowledged_on=d["acknowledged_on"], by_whom=d["by_whom"],
            note=d["note"]), "The acknowledgement has been recorded.", url=self.url("case") + "#cross-border")


# --- legal holds ------------------------------------------------------------------------------------------------
HOLD_INTRO = ["While a legal hold is in force nothing about this person is disposed of under the retention policy, "
              "whatever its date. Only the LADO manager can release it."]


class CaseHoldView(CaseFormPage):
    form_class = HoldForm
    title = "Place a legal hold on this case"
    submit_label = "Place the hold"

    def intro(self):
        return HOLD_INTRO

    def form_valid(self, form):
        return self.run(form, lambda: services.legal_hold_place(
            actor=self.request.user, record=self.case, reason=form.cleaned_data["reason"]),
            "The legal hold has been placed.", url=self.url("case") + "#legal-holds")


class EntryHoldView(LadoTeamPage, PolicyViewMixin, ActionPage):
    policy = index_policy
    action = "view"
    form_class = HoldForm
    title = "Place a legal hold on this person's records"
    submit_label = "Place the hold"

    def dispatch(self, request, *args, **kwargs):
        self.entry = index_policy.get_for(request.access, kwargs["public_id"], "view")
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return f"Person index: {self.entry.full_name}"

    def back(self):
        return reverse("lado:index_entry", args=[self.entry.public_id]), "Back to the person"

    def intro(self):
        return HOLD_INTRO

    def form_valid(self, form):
        return self.run(form, lambda: services.legal_hold_place(
            actor=self.request.user, record=self.entry, reason=form.cleaned_data["reason"]),
            "The legal hold has been placed.")


class ReleaseHoldView(ActionPage):
    """The LADO manager releases a hold of their authority (anyone else: the 404 of a missing one)."""

    form_class = ReleaseForm
    title = "Release the legal hold"
    submit_label = "Release the hold"
    warning_button = True

    def dispatch(self, request, *args, **kwargs):
        self.hold = hold_for(retention_policy.review_authorities(request.access), kwargs["hold_id"])
        if self.hold is None or not retention_policy.can_release_hold(request.access, self.hold):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        if self.hold.case_id:
            return reverse("lado:case", args=[self.hold.case.public_id]) + "#legal-holds", "Back to the case"
        return reverse("lado:index_entry", args=[self.hold.entry.public_id]), "Back to the person"

    def caption(self):
        return f"LADO case {self.hold.case.reference}" if self.hold.case_id else "Person index"

    def rows(self):
        return [("Placed", f"{day(self.hold.created_at)} by {self.hold.created_by.display_name}"),
                ("Why", self.hold.reason)]

    def intro(self):
        return ["Once released, the records can be disposed of when their retention date has passed."]

    def form_valid(self, form):
        return self.run(form, lambda: services.legal_hold_release(
            actor=self.request.user, hold=self.hold, reason=form.cleaned_data["release_reason"]),
            "The legal hold has been released.")


# --- the personnel record ---------------------------------------------------------------------------------------
class PersonnelAdviceView(CaseFormPage):
    form_class = PersonnelAdviceForm
    title = "Record telling the employer to remove the allegation from the personnel record"
    submit_label = "Save"

    def intro(self):
        return ["Details of a false or malicious allegation are removed from the person's personnel record. That "
                "is the employer's act: record here that you told them."]

    def done(self):
        k = keeping_of(self.case, works=True, shared_with=None)
        if not k.employer_removes:
            return "Only a false or malicious outcome is removed from the personnel record."
        return f"Recorded: {k.advice.told_whom} was told on {day(k.advice.told_on)}." if k.advice else ""

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.personnel_advice_record(
            actor=self.request.user, case=self.case, told_on=d["told_on"], told_whom=d["told_whom"], note=d["note"]),
            "The advice to the employer has been recorded.", url=self.url("case") + "#outcome")


# --- retention: the LADO manager's review and disposal -----------------------------------------------------------
class RetentionReviewView(TemplateView):
    """``/lado/retention/``: the LADO manager's list of people whose records are past their retention date."""

    template_name = "lado/retention.html"

    def dispatch(self, request, *args, **kwargs):
        self.authorities = retention_policy.review_authorities(request.access)
        if not self.authorities:
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review = retention_review(self.authorities)
        services.lado_reads_log(user=self.request.user, records=[r.entry for r in review.rows],
                                what="retention review")
        ctx.update(review=review, pension_age=rules.pension_age(), row_limit=200)
        return ctx


class DisposeView(LadoTeamPage, ActionPage):
    form_class = DisposeForm
    title = "Dispose of this person's records"
    submit_label = "Remove the personal details"
    warning_button = True
    warning = "This cannot be undone: the names, dates of birth, identifiers and what happened are removed from " \
              "every record about this person and from their history. The references, dates and outcomes stay."

    def dispatch(self, request, *args, **kwargs):
        self.entry = index_policy.get_for(request.access, kwargs["public_id"], "view")
        if not retention_policy.can_dispose(request.access, self.entry):
            raise Http404(NO_SUCH_RECORD)
        self.state = entry_retention(self.entry)
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return "Retention review"

    def back(self):
        return reverse("lado:retention"), "Back to the retention review"

    def rows(self):
        s = self.state
        cases = "\n".join(f"{c.case.reference}: {c.rule.label if c.rule else 'not closed'}, kept until "
                          f"{day(c.retention_date) or 'closed'}" for c in s.cases)
        return [("Person", self.entry.full_name), ("Cases", cases or "None"),
                ("Kept until", day(s.retention_date) or "Not yet known: a case is not closed"),
                ("Date of birth", "Known" if s.date_of_birth_known else
                 "Not known: only the years from each referral were counted")]

    def done(self):
        s = self.state
        if s.disposal is not None:
            return f"Disposed of on {day(s.disposal.disposed_at)}."
        if s.on_hold:
            return "A legal hold is in force on this person or one of their cases: nothing can be disposed of until " \
                   "it is released."
        if not s.past_retention:
            return "These records are not past their retention date."
        return ""

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.entry_dispose(
            actor=self.request.user, entry=self.entry, reason=d["reason"], confirm=d["confirm"]),
            "The personal details have been removed. The tombstone records what was disposed of.")


# --- evidence shared with the invited ---------------------------------------------------------------------------
class ShareView(CaseFormPage):
    form_class = ShareForm
    title = "Share files with the people invited into the case"
    submit_label = "Share the files"

    def load(self):
        self.files, self.people = shareable(self.case)

    def intro(self):
        return ["They can open the files you share from the case page, while they are invited. Every download is "
                "logged. Each person is told by a notification with the case's reference only."]

    def done(self):
        if not self.files:
            return "There are no files on this case or its referral to share."
        if not self.people:
            return "No one is invited into this case: invite the police or children's social care first."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "files": self.files, "people": self.people}

    def form_valid(self, form):
        d = form.cleaned_data
        files = [u for u in self.files if str(u.public_id) in d["uploads"]]
        people = [i for i in self.people if str(i.public_id) in d["invitations"]]
        return self.run(form, lambda: services.evidence_share(actor=self.request.user, case=self.case, uploads=files,
                                                              invitations=people),
                        "The files have been shared.", url=self.url("case") + "#shared-files")


class EndShareView(CaseFormPage):
    form_class = EndShareForm
    title = "Stop sharing this file"
    submit_label = "Stop sharing"
    warning_button = True

    def load(self):
        self.share = share_of(self.case, self.kwargs["share_id"])
        if self.share is None:
            raise Http404(NO_SUCH_RECORD)

    def rows(self):
        return [("File", self.share.upload.original_name), ("Shared with", self.share.invitation.user.display_name)]

    def form_valid(self, form):
        return self.run(form, lambda: services.evidence_unshare(
            actor=self.request.user, share=self.share, reason=form.cleaned_data["reason"]),
            "The file is no longer shared.", url=self.url("case") + "#shared-files")


class SharedFileView(CasePage, View):
    """A file shared with the invited person, downloaded from the case (logged by ``upload_open``)."""

    action = "view"
    answers = ()
    http_method_names = ["get"]

    def load(self):
        self.upload = shared_evidence_policy.shared_with(self.access, self.case).filter(
            public_id=_uuid_or_none(self.kwargs["upload_id"])).first()

    def get(self, request, *args, **kwargs):
        return download_response(request, self.upload, allowed=shared_evidence_policy.can_download(
            self.access, self.case, self.upload), back=(self.url("case") + "#shared-files", "Back to the case"))


def _uuid_or_none(value):
    from ..selectors.retention import _uuid

    return _uuid(value)


