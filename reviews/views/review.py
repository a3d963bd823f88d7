"""The review page, and the pages that run a review: its sessions, holding it (the participation code), its
decisions, circulating them, signing the record (with its PDFs), the manager's ratification and the
documents."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from safeguarding.pages import day, uuid_or_404

from .. import selectors, services
from ..codes import ParticipationCode
from ..models import ChildConsultation, Review, ReviewDocument, ReviewRecord
from ..policies import episode_policy
from ..rules import participation_codes_for
from ..selectors.pages import review_page
from .base import ReviewFormPage, ReviewPage, is_late, review_label
from .between import review_page_links
from .forms import (
    CirculateForm,
    DecisionForm,
    DecisionUpdateForm,
    HoldForm,
    RatifyForm,
    SessionForm,
    SignForm,
)
from .invitations import preparation_context

S = Review.Status
# The actions the review page asks the policy about, with the fetch
PAGE_ACTIONS = ("schedule", "record", "prepare", "track", "ratify")
# The words for each next step (named as its URL)
STEP_LABELS = {
    "record": "Write the record", "session": "Record a session of the review",
    "hold": "Record that the review was held (the participation code)", "decision_new": "Add a decision",
    "circulate": "Circulate the decisions", "sign": "Sign and send the record", "ratify": "Ratify the record",
    "child_link": "Ask the child for their views (a link for their phone)",
}


def next_steps(allowed: frozenset[str], review: Review, record, decisions) -> list[str]:
    """The pages this person can go to next, in order (named as their URLs; the template words them)."""
    steps = []
    signed = bool(record and record.signed_at)
    circulated = bool(record and record.decisions_circulated_on)
    if "record" in allowed:
        if review.status in (S.SCHEDULED, S.HELD) and not signed:
            steps.append("record")
        if review.status == S.SCHEDULED:
            steps += ["session", "hold"]
        if review.status in (S.SCHEDULED, S.HELD) and not circulated:
            steps.append("decision_new")
        if review.status == S.HELD and decisions and not circulated:
            steps.append("circulate")
        if review.status == S.HELD and circulated and not signed:
            steps.append("sign")
    if "prepare" in allowed and review.status in (S.REQUESTED, S.SCHEDULED):
        steps.append("child_link")
    if "ratify" in allowed and signed and not record.ratification:
        steps.append("ratify")
    return steps


class ReviewView(ReviewPage, TemplateView):
    """The review: when and how it was held (its sessions, the participation code), the preparation, what
    the record says, the decisions and where they are, the documents; and what this person can do next."""

    action = "view"
    template_name = "reviews/review.html"
    answers = PAGE_ACTIONS

    def shape_queryset(self, qs):
        # the preparation (time and place, advocacy, the IRO's introduction) comes with the fetch (ADR 15)
        return selectors.with_preparation(super().shape_queryset(qs))

    def back(self):
        if episode_reviewer(self):
            return "/reviews/", "Back to your caseload"
        return (self.child_url() or "/"), ("Back to the child's record" if self.child_url() else "Back to home")

    def get(self, request, *args, **kwargs):
        self.log_child_view("looked-after review")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = review_page(self.review)
        allowed = frozenset(a for a in PAGE_ACTIONS if self.can(a))
        labels = dict(ReviewRecord.SECTIONS)
        record = data.record
        ctx.update(
            title=review_label(self.review), data=data, today=timezone.localdate(),
            sections=[(labels[n], getattr(record, n) if record else "") for n in labels],
            next_steps=[(self.url(step), STEP_LABELS[step])
                        for step in next_steps(allowed, self.review, record, data.decisions)],
            can_track="track" in allowed, can_record="record" in allowed, can_prepare="prepare" in allowed,
            can_schedule="schedule" in allowed,
            episode_url=reverse("reviews:episode", kwargs={"public_id": self.review.episode.public_id})
            if episode_policy.can(self.access, "view", self.review.episode) else "",
            papers=[(p, data.paper_deadlines.get(p.pk)) for p in data.papers],
            consultations=[(c, [(label, getattr(c, name)) for name, label in ChildConsultation.ANSWERS])
                           for c in selectors.consultations_of(self.review)],
            between_links=review_page_links(self),  # between reviews (ADR 14)
        )
        ctx.update(preparation_context(self), can_schedule="schedule" in allowed)  # ADR 15
        return ctx


def episode_reviewer(page: ReviewPage) -> bool:
    """Whether the person has an IRO's caseload to go back to (from their memberships: no query)."""
    return episode_policy.is_iro(page.access) or episode_policy.is_iro_manager(page.access)


class SessionView(ReviewFormPage):
    """One session of the review took place (a review may be held in several)."""

    action = "record"
    form_class = SessionForm
    title = "Record a session of the review"
    submit_label = "Save the session"

    def done(self):
        return "" if self.review.status == S.SCHEDULED else "Sessions are recorded while the review is booked."

    def rows(self):
        sessions = list(self.review.sessions.live().order_by("held_on"))
        return [("Sessions so far", ", ".join(day(s.held_on) for s in sessions) or "None yet")]

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_session_record(
            actor=self.request.user, review=self.review, held_on=d["held_on"], notes=d["notes"]),
            f"The session of {day(d['held_on'])} has been recorded.")


class HoldView(ReviewFormPage):
    """The review is complete: the date on the return (its last session's) and the participation code."""

    action = "record"
    form_class = HoldForm
    title = "Record that the review was held"
    submit_label = "The review was held"

    def load(self):
        self.sessions = list(self.review.sessions.live().order_by("held_on"))
        self.deadline = selectors.review_deadline(self.review.episode)
        sent = [c for c in selectors.consultations_of(self.review) if c.sent_at and c.suggested_participation]
        self.suggested = sent[0].suggested_participation if sent else ""

    def done(self):
        if self.review.status == S.HELD:
            return f"This review was held on {day(self.review.held_on)}."
        return "" if self.review.status == S.SCHEDULED else "Only a booked review can be held."

    def rows(self):
        rows = []
        if self.sessions:
            rows.append(("Date of the review (its last session)", day(self.sessions[-1].held_on)))
        if self.deadline:
            rows.append(("Due by", day(self.deadline.due_date)))
        if self.suggested:
            rows.append(("The child's own answer suggests", ParticipationCode(self.suggested).label))
        return rows

    def intro(self):
        return ["The participation code goes on the SSDA903 return. PN0 is only for a child under 4 on the day."]

    def get_initial(self):
        return {"participation": self.suggested} if self.suggested else {}

    def get_form_kwargs(self):
        on = self.sessions[-1].held_on if self.sessions else timezone.localdate()
        return {**super().get_form_kwargs(), "has_sessions": bool(self.sessions),
                "codes": participation_codes_for(self.child.date_of_birth, on),
                "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_hold(
            actor=self.request.user, review=self.review, participation=d["participation"],
            held_on=d.get("held_on"), late_reason=d.get("late_reason", "")),
            "The review has been recorded as held. Its decisions are due to be circulated next.")


class DecisionCreateView(ReviewFormPage):
    action = "record"
    form_class = DecisionForm
    title = "Add a decision"
    submit_label = "Add the decision"

    def load(self):
        self.people = selectors.decision_owner_people(self.review)
        self.agencies = list(selectors.decision_owner_agencies(self.review))

    def back(self):
        return self.url("review") + "#decisions", "Back to the review"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.people, "agencies": self.agencies}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_decision_add(
            actor=self.request.user, review=self.review, description=d["description"], due_date=d["due_date"],
            child_words=d["child_words"], **form.chosen()),
            lambda x: f"Decision {x.number} has been added.")


class DecisionUpdateView(ReviewFormPage):
    action = "track"
    form_class = DecisionUpdateForm
    title = "Update a decision"
    submit_label = "Save"
    answers = ("record",)

    def load(self):
        self.decision = selectors.decision_of(self.review, uuid_or_404(self.kwargs["decision_id"]))
        if self.decision is None:
            raise Http404("No such decision")

    def back(self):
        return self.url("review") + "#decisions", "Back to the review"

    def done(self):
        d = self.decision
        if not d.is_open:
            return f"This decision is {d.get_status_display().lower()} ({day(d.done_on)})."
        return ""

    def rows(self):
        d = self.decision
        return [("Decision", f"{d.number}. {d.description}"), ("Who", d.owner_name), ("Due by", day(d.due_date)),
                ("Progress so far", d.progress_note or "Nothing noted yet")]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "may_drop": self.can("record")}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_decision_update(
            actor=self.request.user, decision=self.decision, status=d["status"], done_on=d.get("done_on"),
            note=d["note"]),
            lambda x: f"Decision {x.number}: {x.get_status_display().lower() if not x.is_open else 'progress noted'}.",
            self.url("review") + "#decisions")


class CirculateView(ReviewFormPage):
    action = "record"
    form_class = CirculateForm
    title = "Circulate the decisions"
    submit_label = "Record the decisions as sent"

    def load(self):
        self.record = selectors.record_of(self.review)
        self.decisions = selectors.decisions_of(self.review)
        self.deadline = selectors.open_deadline(self.review, "lac_review_decisions")

    def done(self):
        if self.record and self.record.decisions_circulated_on:
            return f"The decisions were circulated on {day(self.record.decisions_circulated_on)}."
        if self.review.status != S.HELD:
            return "The decisions are circulated once the review has been held."
        if not self.decisions:
            return "Add the review's decisions first."
        return ""

    def rows(self):
        rows = [(f"Decision {d.number}", f"{d.description}\n{d.owner_name}, by {day(d.due_date)}")
                for d in self.decisions]
        if self.deadline:
            rows.append(("Due to be circulated by", day(self.deadline.due_date)))
        return rows

    def intro(self):
        return ["Send the decisions to the child's social worker and everyone who needs them, then record it "
                "here. The social worker, their team manager and the decisions' owners are told in Safeguarding Hub."]

    def get_initial(self):
        return {"circulated_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_decisions_circulate(
            actor=self.request.user, review=self.review, circulated_on=d["circulated_on"],
            late_reason=d.get("late_reason", "")), "The decisions have been recorded as circulated.")


class SignView(ReviewFormPage):
    """Sign the record and send it to the child's manager: the record and the letter to the child are
    published as PDFs."""

    action = "record"
    form_class = SignForm
    title = "Sign and send the record"
    submit_label = "Sign and send the record"
    warning = "Signing is final: the record is not changed afterwards."

    def load(self):
        self.record = selectors.record_of(self.review)
        self.deadline = selectors.open_deadline(self.review, "lac_review_record")

    def done(self):
        r = self.record
        if r and r.signed_at:
            return f"The record was signed by {r.signed_by.display_name} on {day(r.signed_at)}."
        if self.review.status != S.HELD:
            return "The record is signed once the review has been held."
        if not (r and r.decisions_circulated_on):
            return "Circulate the decisions first: the record follows them."
        return ""

    def rows(self):
        if self.done():
            return []
        labels = dict(ReviewRecord.SECTIONS)
        rows = [(labels[name], "Written" if getattr(self.record, name).strip() else "Not written yet")
                for name in services.required_sections(self.review)]
        if self.deadline:
            rows.append(("Due by", day(self.deadline.due_date)))
        return rows

    def intro(self):
        if self.done():
            return []
        return ["Signing publishes the record and a letter to the child, written to them, as PDFs, and sends the "
                "record to the managers of the child's team to ratify. Making them takes a couple of seconds: select "
                "the button once and wait."]

    def links(self):
        return [] if self.done() else [(self.url("record"), "Read or change the record first")]

    def get_initial(self):
        return {"contact_for_child": self.record.contact_for_child if self.record else ""}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_record_sign(
            actor=self.request.user, review=self.review, contact_for_child=d["contact_for_child"],
            late_reason=d.get("late_reason", "")),
            "The record has been signed and sent to the manager. The record and the letter to the child are "
            "published.")


class RatifyView(ReviewFormPage):
    """The child's manager ratifies the signed record, or answers it."""

    action = "ratify"
    form_class = RatifyForm
    title = "Ratify the review record"
    submit_label = "Send your answer"

    def load(self):
        self.record = selectors.record_of(self.review)
        self.documents = selectors.latest_documents(self.review)
        self.deadline = selectors.open_deadline(self.review, "lac_review_ratification")

    def back(self):
        return self.url("review"), "Back to the review"

    def done(self):
        r = self.record
        if not (r and r.signed_at):
            return "The record has not been signed yet."
        if r.ratification:
            return f"{r.get_ratification_display()} by {r.ratified_by.display_name} on {day(r.ratified_at)}."
        return ""

    def rows(self):
        if self.done():
            return []
        rows = [("Signed by", f"{self.record.signed_by.display_name}, {day(self.record.signed_at)}")]
        if self.deadline:
            rows.append(("Your answer is due by", day(self.deadline.due_date)))
        return rows

    def links(self):
        doc = self.documents.get(ReviewDocument.Kind.RECORD)
        return [(self.url("document", document_id=doc.public_id), f"Download the record (PDF, version {doc.version})")
                ] if doc else []

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.review_record_ratify(
            actor=self.request.user, review=self.review, ratification=d["ratification"],
            response=d.get("response", ""), late_reason=d.get("late_reason", "")),
            "Your answer has been recorded. The IRO has been told.")


class DocumentDownloadView(ReviewPage, View):
    """One published PDF of the review, as issued, to someone who may see the review. Logged; never cached."""

    action = "view"

    def load(self):
        self.document = selectors.document_of(self.review, uuid_or_404(self.kwargs["document_id"]))
        if self.document is None:
            raise Http404("No such document")

    def get(self, request, *args, **kwargs):
        doc = self.document
        services.review_document_download_log(actor=request.user, document=doc, via="web")
        resp = FileResponse(io.BytesIO(bytes(doc.content)), content_type="application/pdf", as_attachment=True,
                            filename=doc.filename)
        resp["Cache-Control"] = "no-store"
        resp["X-Content-Type-Options"] = "nosniff"
        return resp

