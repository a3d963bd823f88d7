"""Published documents: publishing the decision letter, the list of documents and who was sent what,
downloading one PDF, and recording that documents were sent."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.clock import services as clock
from safeguarding.pages import day

from .. import services
from ..forms_record import ConfirmForm, DistributeForm
from ..models import Conference, Document
from ..policies import document_policy
from ..selectors import record_pages
from .base import ConferenceFormPage, ConferencePage, is_late

S = Conference.Status
# The deadline each kind of document is sent by.
RULE_FOR_KIND = {Document.Kind.MINUTES: "conference_minutes", Document.Kind.DECISION_LETTER: "outline_plan"}


class DecisionLetterPublishView(ConferenceFormPage):
    action = "decide"
    form_class = ConfirmForm
    title = "Publish the decision letter and outline plan"
    submit_label = "Publish the decision letter"

    def load(self):
        self.latest = record_pages.latest_document(self.conference, Document.Kind.DECISION_LETTER)

    def back(self):
        return self.url("documents"), "Back to the documents"

    def done(self):
        if self.conference.status != S.DECIDED:
            return "The decision letter is published after the decision is recorded."
        return ""

    def intro(self):
        if self.done():
            return []
        out = ["This publishes the chair's decision letter and the outline plan as two PDFs: the professional copy "
               "and the family copy. Making them takes a couple of seconds: select the button once and wait."]
        if self.latest:
            out.append(f"Version {self.latest.version} was published on {day(self.latest.created_at)}. Publishing "
                       f"again makes version {self.latest.version + 1}; the earlier version is kept.")
        return out

    def form_valid(self, form):
        return self.run(form, lambda: services.decision_letter_publish(actor=self.request.user,
                                                                       conference=self.conference),
                        lambda docs: f"The decision letter, version {docs[0].version}, has been published.",
                        self.url("documents"))


class DocumentsView(ConferencePage, TemplateView):
    """The published documents this person may see (document_policy), newest version first, and for
    people who may distribute them, who was sent what."""

    action = "view"
    template_name = "conferences/record/documents.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.conference
        can_distribute = self.can("distribute")
        ctx.update(title="Documents",
                   groups=record_pages.published_versions(document_policy.probe(self.access, "view"), c),
                   can_distribute=can_distribute,
                   distributions=record_pages.distributions_of(c) if can_distribute else [],
                   can_decide=self.can("decide"), back_url=self.url("detail"))
        return ctx


class DocumentDownloadView(PolicyViewMixin, View):
    """One published PDF, as issued, to someone who may see it (document_policy). Logged; never cached."""

    policy = document_policy
    lookup_url_kwarg = "document_id"

    def shape_queryset(self, qs):
        return qs.select_related("conference")

    def get(self, request, *args, **kwargs):
        doc = self.get_object()
        if str(doc.conference.public_id) != str(kwargs.get("public_id")):
            raise Http404("No such record")
        services.document_download_log(actor=request.user, document=doc, via="web")
        resp = FileResponse(io.BytesIO(bytes(doc.content)), content_type="application/pdf", as_attachment=True,
                            filename=doc.filename)
        resp["Cache-Control"] = "no-store"
        resp["X-Content-Type-Options"] = "nosniff"
        return resp


class DistributeView(ConferenceFormPage):
    """Send the latest published minutes or decision letter to invitees. Family members always get the
    family copy; professionals the professional copy."""

    action = "distribute"
    form_class = DistributeForm
    title = "Send the documents"
    submit_label = "Record as sent"

    def load(self):
        c = self.conference
        self.invitations = list(record_pages.participants(c))
        self.latest = record_pages.latest_documents(c)
        self.deadlines = {d.rule_key: d for d in clock.open_deadlines_for(c, *RULE_FOR_KIND.values())}

    def back(self):
        return self.url("documents"), "Back to the documents"

    def done(self):
        if not self.latest:
            return "Nothing has been published yet: sign off the minutes or publish the decision letter first."
        return ""

    def rows(self):
        out = []
        for kind in (Document.Kind.MINUTES, Document.Kind.DECISION_LETTER):
            d = self.latest.get(kind)
            text = f"Version {d.version}, published {day(d.created_at)}" if d else "Not published yet"
            deadline = self.deadlines.get(RULE_FOR_KIND[kind])
            if deadline:
                text += f". Due to be sent by {day(deadline.due_date)}"
            out.append((kind.label, text))
        return out

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"sent_on": timezone.localdate(), "kind": kind if kind in Document.Kind.values else None}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitations": self.invitations,
                "show_late": self.shows("late_reason") or any(is_late(d) for d in self.deadlines.values())}

    def form_valid(self, form):
        d = form.cleaned_data

        def message(sent):
            if not sent:
                return "Everyone you chose had already been sent this document."
            family = sum(1 for x in sent if x.is_family)
            return (f"Recorded as sent to {len(sent)} {'person' if len(sent) == 1 else 'people'}"
                    + (f" ({family} with the family copy)." if family else "."))

        return self.run(form, lambda: services.documents_distribute(
            actor=self.request.user, conference=self.conference, kind=d["kind"], invitations=form.chosen_invitations(),
            method=d["method"], sent_on=d["sent_on"], late_reason=d.get("late_reason", "")),
            message, self.url("documents"))
