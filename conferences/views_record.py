"""Pages for holding and recording a conference: the live Signs of Safety record (saved as it goes),
scaling, holding it, the chair's decision, the minutes (edit, preview, sign, new version), the
published documents and their distribution, and the child protection plan between conferences.

Every page reaches its conference, plan or document through a policy (PolicyViewMixin); every write
goes through conferences/services.py. Missing and forbidden are the same 404.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views import View
from django.views.generic import FormView, TemplateView

from cases.services import child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.accounts.models import Role, User
from safeguarding.audit.models import RecordView as ViewLog
from safeguarding.clock import services as clock
from safeguarding.documents.pdf import DEFAULT_MARKING
from safeguarding.forms import apply_service_errors

from . import documents, services
from .forms_record import (
    MIN_ACTION_ROWS,
    ConfirmForm,
    CoreGroupMeetingForm,
    CoreGroupMemberForm,
    DecisionForm,
    DistributeForm,
    HoldForm,
    MidwayAuditForm,
    MinutesForm,
    MinutesReviseForm,
    PlanActionForm,
    PlanActionUpdateForm,
    RecordForm,
    RecordSaveForm,
    ScalingForm,
    loaded_field_name,
    normalise_newlines,
    revision_field_name,
    text_digest,
)
from .models import (
    ChildProtectionPlan,
    Conference,
    ConferenceRecord,
    CoreGroupMember,
    Distribution,
    Document,
    Invitation,
    Minutes,
    Outcome,
)
from .policies import conference_policy, document_policy, plan_policy

S = Conference.Status


def _day(d: date | None) -> str:
    return format_date(d, "j F Y") if d else ""


def _when(dt) -> str:
    return format_date(timezone.localtime(dt), "j F Y, H:i") if dt else ""


def _caption(conference: Conference) -> str:
    return f"{conference.child.full_name}: {conference.get_kind_display().lower()}"


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404("No such record") from None


# The record page's groups (Signs of Safety), in the order the conference talks about them.
RECORD_GROUPS = (
    ("The child's voice", ("child_voice",), ""),
    ("Parents' and carers' views", ("parents_views",), ""),
    ("What we are worried about", ("harm", "danger_statements", "complicating_factors"), ""),
    ("What is working well", ("working_well",), ""),
    ("What needs to happen", ("safety_goals",), ""),
    ("Professional dissent", ("professional_dissent",), "Any professional's disagreement with the decision, "
                                                        "and why"),
    ("Confidential and third-party information", ("confidential_information",),
     "This section is left out of the family copy of the minutes. Record here what parents must not see, such "
     "as information from a third party."),
)
# Inside a group of several sections, the group's heading already says "What we are worried about".
SHORT_LABELS = {"harm": "Harm", "danger_statements": "Danger statements",
                "complicating_factors": "Complicating factors"}


# --- shared pieces ------------------------------------------------------------------------------------
class FormPageMixin:
    """A one-purpose form page (conferences/record/form_page.html): caption, title, an optional
    summary list and paragraphs, then the form; or, when there is nothing left to do, a note saying
    why. ``run`` calls a service and puts its ValidationError on the form."""

    template_name = "conferences/record/form_page.html"
    submit_label = "Save"
    warning = ""
    warning_button = False
    # fields a form shows only when needed (a reason for lateness, for going ahead without a quorum): when
    # the service asks for one the form lacks, the page is shown again with it
    optional_asks = ("late_reason",)
    asked: frozenset[str] = frozenset()

    def title(self) -> str:
        raise NotImplementedError

    def caption(self) -> str:
        return ""

    def rows(self) -> list[tuple[str, str]]:
        return []

    def intro(self) -> list[str]:
        return []

    def links(self) -> list[tuple[str, str]]:
        return []

    def done(self) -> str:
        """Why there is nothing to do here (already done, or not yet possible), or '' for the form."""
        return ""

    def back(self) -> tuple[str, str]:
        raise NotImplementedError

    def shows(self, name: str) -> bool:
        """Whether to show an optional question: asked by the service, or posted already."""
        return name in self.asked or (self.request.method == "POST" and name in self.request.POST)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["back_url"], ctx["back_label"] = self.back()
        ctx.update(title=self.title(), caption=self.caption(), rows=self.rows(), intro=self.intro(),
                   links=self.links(), done=self.done(), warning=self.warning, submit_label=self.submit_label,
                   warning_button=self.warning_button)
        return ctx

    def post(self, request, *args, **kwargs):
        done = self.done()
        if done:
            # a repeated submit (double click, back button, a colleague got there first): change nothing, say so
            messages.info(request, done)
            return redirect(self.back()[0])
        return super().post(request, *args, **kwargs)

    def run(self, form, fn, message: str | None, url: str):
        try:
            result = fn()
        except ValidationError as exc:
            asked = {k for k in getattr(exc, "error_dict", {}) if k in self.optional_asks and k not in form.fields}
            if asked:
                # the service asks a question the form did not show: show it, keeping what was entered
                self.asked = self.asked | asked
                form = self.get_form()
                form.is_valid()
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if callable(message):
            message = message(result)
        if message:
            messages.success(self.request, message)
        return redirect(url)


class ConferencePage(PolicyViewMixin):
    """A page about one conference, reached through ``conference_policy`` with this view's action."""

    abstract = True
    policy = conference_policy

    def shape_queryset(self, qs):
        return qs.select_related("child", "chair", "minute_taker", "plan")

    def dispatch(self, request, *args, **kwargs):
        self.conference = self.get_object()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about."""

    def url(self, name: str) -> str:
        return reverse(name, kwargs={"public_id": self.conference.public_id})

    def can(self, action: str) -> bool:
        return conference_policy.can(self.access, action, self.conference)

    def caption(self) -> str:
        return _caption(self.conference)

    def back(self):
        return self.url("conferences:detail"), "Back to the conference"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["conference"] = self.conference
        ctx["child"] = self.conference.child
        ctx.setdefault("caption", _caption(self.conference))
        return ctx


class ConferenceFormPage(ConferencePage, FormPageMixin, FormView):
    abstract = True


class PlanPage(PolicyViewMixin):
    """A page about one child protection plan, reached through ``plan_policy``."""

    abstract = True
    policy = plan_policy

    def shape_queryset(self, qs):
        return qs.select_related("child", "lead_social_worker")

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_object()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        pass

    def plan_url(self) -> str:
        return reverse("conferences:plan", kwargs={"public_id": self.plan.public_id})

    def caption(self) -> str:
        return f"{self.plan.child.full_name}: child protection plan"

    def back(self):
        return self.plan_url(), "Back to the plan"

    def done(self) -> str:
        if self.plan.status == ChildProtectionPlan.Status.ENDED:
            return f"This plan ended on {_day(self.plan.ended_on)}: nothing more can be recorded against it."
        return ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["plan"] = self.plan
        ctx["child"] = self.plan.child
        return ctx


class PlanFormPage(PlanPage, FormPageMixin, FormView):
    abstract = True


def _late(deadline) -> bool:
    """Whether an open deadline is already past (so the service will ask why)."""
    return bool(deadline and deadline.is_open and deadline.due_date < timezone.localdate())


# --- the live record ----------------------------------------------------------------------------------
@dataclass
class SectionView:
    name: str
    label: str
    field: object
    revision: int
    loaded: str = ""
    conflict: services.StaleSection | None = None


class RecordView(ConferencePage, TemplateView):
    """The Signs of Safety record, written live by the chair or the minute-taker. With JavaScript each
    section saves itself as it is typed (record-autosave.js, through RecordSaveView); without it, the
    "Save record" button posts every section here and the sections changed on the page are saved."""

    action = "record"
    template_name = "conferences/record/record.html"

    def load(self):
        self.record = ConferenceRecord.objects.filter(conference=self.conference).first()
        if self.record is None:
            raise Http404("No record")
        self.writable = self.conference.status in (S.SCHEDULED, S.HELD)

    def current(self) -> dict:
        return RecordForm.initial_for({n: getattr(self.record, n) for n in ConferenceRecord.section_names()},
                                      self.record.revisions)

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.conference.child, user=request.user, via=ViewLog.Via.PAGE,
                       what="conference record")
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
            return redirect(self.url("conferences:record"))
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
        labels = dict(ConferenceRecord.SECTIONS)
        for name in conflicts:
            form.add_error(name, f"Someone else saved ‘{labels[name]}’ while you were writing. Their text is shown "
                                 "below the box and yours is still in it: combine them and save again.")
        return self.render_to_response(self.get_context_data(form=form, conflicts=conflicts))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        conflicts = kwargs.get("conflicts") or {}
        labels = dict(ConferenceRecord.SECTIONS)
        groups = []
        for heading, names, hint in RECORD_GROUPS:
            sections = []
            for name in names:
                try:
                    rev = int(form[revision_field_name(name)].value() or 0)
                except (TypeError, ValueError):
                    rev = 0
                sections.append(SectionView(name=name, label=SHORT_LABELS.get(name, labels[name]), field=form[name],
                                            revision=rev, loaded=form[loaded_field_name(name)].value() or "",
                                            conflict=conflicts.get(name)))
            groups.append({"heading": heading, "sections": sections, "hint": hint, "single": len(names) == 1})
        scores = list(self.conference.scaling_scores.filter(entered_in_error_at__isnull=True))
        invitations = self.conference.invitations.filter(entered_in_error_at__isnull=True).order_by("kind", "name")
        ctx.update(
            title="Conference record", groups=groups, writable=self.writable, record=self.record, scores=scores,
            scaling_form=ScalingForm(invitations=invitations), can_decide=self.can("decide"),
            storage_key=f"sgh-record:{self.conference.public_id}", back_url=self.url("conferences:detail"),
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

    def post(self, request, *args, **kwargs):
        if request.content_type == "application/json":
            try:
                payload = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                return JsonResponse({"error": "The request is not valid JSON"}, status=400)
            if not isinstance(payload, dict):
                return JsonResponse({"error": "The request must be a JSON object"}, status=400)
            if not isinstance(payload.get("text", ""), str):
                return JsonResponse({"error": "The text must be a string", "errors": {"text": ["Not text"]}},
                                    status=400)
        else:
            payload = request.POST
        if "text" not in payload:  # an empty text is a choice (a section emptied), a missing one is a mistake
            return JsonResponse({"error": "The text is missing", "errors": {"text": ["The text is missing"]}},
                                status=400)
        form = RecordSaveForm(payload)
        if not form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return JsonResponse({"error": first, "errors": errors}, status=400)
        d = form.cleaned_data
        text = normalise_newlines(d["text"])
        try:
            _, revision = services.record_save_section(actor=request.user, conference=self.conference,
                                                       section=d["section"], text=text,
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
    submit_label = "Add score"

    def title(self):
        return "Add a scaling score"

    def back(self):
        return self.url("conferences:record") + "#scaling", "Back to the conference record"

    def intro(self):
        return ["On a scale of 0 to 10, where 10 means everyone knows the child is safe enough for the case to "
                "close and 0 means the child will certainly be harmed, where is each person?"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["invitations"] = self.conference.invitations.filter(entered_in_error_at__isnull=True).order_by(
            "kind", "name")
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.scaling_record(
            actor=self.request.user, conference=self.conference, participant=form.participant_name, score=d["score"],
            reason=d["reason"], invitation=d["invitation"]),
            lambda s: f"Score of {s.score} from {s.participant} added.", self.back()[0])


# --- holding the conference ---------------------------------------------------------------------------
class HoldView(ConferenceFormPage):
    """Record that the conference took place: the date, the quorum (the chair's reason when it was not
    quorate) and, when it was held after its due date, why."""

    action = "decide"
    form_class = HoldForm
    submit_label = "Record as held"
    optional_asks = ("late_reason", "quorum_override_reason")

    def load(self):
        self.quorum = services.quorum(conference=self.conference)
        self.deadline = services.due_deadline(self.conference)

    def title(self):
        return "Record that the conference was held"

    def done(self):
        c = self.conference
        if c.status in (S.HELD, S.DECIDED):
            return f"This conference was recorded as held on {_day(c.held_on)}."
        if c.status == S.REQUESTED:
            return "This conference has not been booked yet."
        if c.status == S.CANCELLED:
            return "This conference was cancelled."
        return ""

    def links(self):
        if self.conference.status == S.HELD:
            return [(self.url("conferences:decision"), "Record the decision")]
        if not self.done():
            return [(self.url("conferences:attendance"), "Update the attendance")]
        return []

    def rows(self):
        c = self.conference
        rows = []
        if c.starts_at:
            rows.append(("Booked for", _when(c.starts_at)))
        if self.deadline:
            rows.append(("Due by", _day(self.deadline.due_date)))
        if c.late_reason:
            rows.append(("Why it was booked after its due date", c.late_reason))
        rows.append(("Quorum", self.quorum.explanation))
        return rows

    def intro(self):
        if self.done():
            return []
        out = ["The quorum is worked out from the attendance: children's social care and at least "
               f"{self.quorum.needed} other agencies with direct contact with the child or family."]
        if not self.quorum.quorate:
            out.append("If the attendance is not up to date, record it first. Otherwise, say why the conference "
                       "went ahead without a quorum.")
        return out

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["show_override"] = not self.quorum.quorate or self.shows("quorum_override_reason")
        kwargs["show_late"] = self.shows("late_reason") or (_late(self.deadline) and not self.conference.late_reason)
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.conference_hold(
            actor=self.request.user, conference=self.conference, held_on=d["held_on"],
            quorum_override_reason=d.get("quorum_override_reason", ""), late_reason=d.get("late_reason", "")),
            f"The conference has been recorded as held on {_day(d['held_on'])}.", self.url("conferences:decision"))


# --- the decision -------------------------------------------------------------------------------------
DEADLINES_BY_OUTCOME = {
    Outcome.PLAN: ("outline_plan", "core_group_first", "conference_minutes", "rcpc_first"),
    Outcome.NO_PLAN: ("outline_plan", "conference_minutes"),
    Outcome.CONTINUE: ("outline_plan", "conference_minutes", "rcpc_next"),
    Outcome.END: ("outline_plan", "conference_minutes"),
}


def social_workers_of(local_authority_id: int):
    return User.objects.filter(is_active=True, memberships__agency_id=local_authority_id, memberships__is_active=True,
                               memberships__roles__contains=[Role.SOCIAL_WORKER]).distinct().order_by("full_name")


class DecisionView(ConferenceFormPage):
    """The chair's decision. Initial, pre-birth and transfer-in: plan (category, lead social worker, core
    group, outline plan) or no plan (next step). Review: continue (the category may change) or end."""

    action = "decide"
    form_class = DecisionForm
    template_name = "conferences/record/decision.html"
    submit_label = "Record the decision"

    def load(self):
        c = self.conference
        self.invitations = list(c.invitations.filter(entered_in_error_at__isnull=True).order_by("kind", "name"))
        self.decision = getattr(c, "decision", None) if c.status == S.DECIDED else None
        self.rows_wanted = MIN_ACTION_ROWS
        self.add_row = False
        if self.request.method == "POST":
            try:
                self.rows_wanted = int(self.request.POST.get("action_rows") or MIN_ACTION_ROWS)
            except ValueError:
                self.rows_wanted = MIN_ACTION_ROWS
            self.add_row = "add_action" in self.request.POST
            if self.add_row:
                self.rows_wanted += 1

    def title(self):
        return "Conference decision"

    def done(self):
        c = self.conference
        if c.status == S.DECIDED:
            return "The decision has been recorded."
        if c.status != S.HELD:
            return "Record that the conference was held before recording its decision."
        return ""

    def current_category(self) -> str:
        return self.conference.plan.latest_category if self.conference.plan_id else ""

    def get_initial(self):
        c = self.conference
        if not c.is_initial_kind and c.plan_id:
            return {"category": c.plan.latest_category, "lead_social_worker": c.plan.lead_social_worker.public_id}
        sw = c.child.allocated_social_worker
        fam = (Invitation.InviteeKind.PARENT,)
        chosen = [str(i.public_id) for i in self.invitations
                  if i.kind in fam or (i.kind == Invitation.InviteeKind.PROFESSIONAL and i.direct_contact)]
        return {"lead_social_worker": sw.public_id if sw else None, "core_group": chosen}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(conference=self.conference,
                      social_workers=social_workers_of(self.conference.child.local_authority_id),
                      invitations=self.invitations, current_category=self.current_category(), rows=self.rows_wanted)
        return kwargs

    def post(self, request, *args, **kwargs):
        if self.add_row and not self.done():
            form = self.get_form()
            form._errors = ErrorDict()  # another row, not a submission: no errors yet
            form.data = form.data.copy()
            form.data["action_rows"] = str(form.rows)
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def deadlines(self) -> list[dict]:
        """What each possible outcome opens, due from the date held (the clock's rules)."""
        held = self.conference.held_on
        if held is None:
            return []
        outcomes = (Outcome.PLAN, Outcome.NO_PLAN) if self.conference.is_initial_kind else (Outcome.CONTINUE,
                                                                                           Outcome.END)
        return [{"outcome": o.label, "items": [(services.LABELS[k], clock.compute_due(k, held))
                                               for k in DEADLINES_BY_OUTCOME[o]]} for o in outcomes]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.conference
        ctx.update(deadlines=self.deadlines(), decision=self.decision, is_review=not c.is_initial_kind,
                   current_category=c.plan.get_latest_category_display() if c.plan_id else "")
        if self.decision:
            ctx["opened"] = list(clock.open_deadlines_for(c, "outline_plan", "conference_minutes"))
            if c.plan_id:
                ctx["opened"] += list(clock.open_deadlines_for(c.plan, "core_group_first", "rcpc_first", "rcpc_next"))
            ctx["plan_url"] = reverse("conferences:plan", kwargs={"public_id": c.plan.public_id}) if c.plan_id else ""
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        c = self.conference
        outcome = d["outcome"]
        lead = d.get("lead_social_worker")
        actions = [services.ActionInput(description=a, owner_name=o, due_date=due) for a, o, due in d["actions"]]
        members = []
        if outcome == Outcome.PLAN and lead is not None:
            members.append(services.MemberInput(name=lead.full_name, role="Lead social worker", user_id=lead.pk,
                                                agency_id=c.child.local_authority_id))
        for inv in form.chosen_invitations():
            members.append(services.MemberInput(name=inv.name, role=inv.role or inv.get_kind_display(),
                                                user_id=inv.user_id, agency_id=inv.agency_id, adult_id=inv.adult_id))
        keeps_plan = outcome in (Outcome.PLAN, Outcome.CONTINUE)
        return self.run(form, lambda: services.conference_decide(
            actor=self.request.user, conference=c, outcome=outcome, category=d.get("category") or "",
            next_step="" if keeps_plan else (d.get("next_step") or ""), end_reason=d.get("end_reason") or "",
            rationale=d.get("rationale", ""), lead_social_worker=lead if keeps_plan else None,
            core_group=members if outcome == Outcome.PLAN else (), actions=actions if keeps_plan else ()),
            "The decision has been recorded and the minutes drafted from the record.", self.url("conferences:decision"))


# --- minutes ------------------------------------------------------------------------------------------
class MinutesEditView(ConferenceFormPage):
    """The minutes editor. The chair and the minute-taker edit the draft; only the chair signs it off.
    A signed version is shown as it is, with a form to start a new version (a reason is required)."""

    action = "record"
    form_class = MinutesForm
    template_name = "conferences/record/minutes.html"
    submit_label = "Save the draft"

    def load(self):
        self.versions = list(self.conference.minutes.filter(entered_in_error_at__isnull=True)
                             .select_related("signed_by").order_by("-version"))
        self.minutes = self.versions[0] if self.versions else None
        self.is_chair = self.can("decide")

    def title(self):
        if self.minutes is None:
            return "Minutes"
        return f"Minutes, version {self.minutes.version}"

    def done(self):
        if self.minutes is None:
            return "The minutes are drafted from the record when the decision is recorded."
        if self.minutes.status != Minutes.Status.DRAFT:
            signed = _day(timezone.localtime(self.minutes.signed_at))
            return (f"Version {self.minutes.version} was signed off on {signed}. Signed minutes are never changed: "
                    "start a new version to make a change.")
        return ""

    def get_form(self, form_class=None):
        if self.minutes is None or self.minutes.status != Minutes.Status.DRAFT:
            return None
        return MinutesForm(**self.get_form_kwargs(), sections=self.minutes.sections)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.minutes
        ctx.update(minutes=m, versions=self.versions, is_chair=self.is_chair,
                   revise_form=MinutesReviseForm() if m and m.status == Minutes.Status.SIGNED else None,
                   preview_url=self.url("conferences:minutes_preview"))
        return ctx

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_edit(actor=self.request.user, minutes=self.minutes,
                                                            sections=form.sections()),
                        "The draft minutes have been saved.", self.url("conferences:minutes"))


class MinutesPreviewView(ConferencePage, TemplateView):
    """The minutes as the PDF will read, from the same context (conferences.documents.minutes_context):
    ?copy=professional or ?copy=family; ?version=N for an earlier version."""

    action = "record"
    template_name = "conferences/record/minutes_preview.html"

    def load(self):
        copy = self.request.GET.get("copy") or Document.Copy.PROFESSIONAL
        if copy not in Document.Copy.values:
            raise Http404("No such copy")
        self.copy = copy
        qs = self.conference.minutes.filter(entered_in_error_at__isnull=True)
        version = self.request.GET.get("version")
        if version:
            if not version.isdigit():
                raise Http404("No such version")
            qs = qs.filter(version=int(version))
        self.minutes = qs.order_by("-version").first()
        if self.minutes is None:
            raise Http404("No minutes yet")
        self.minutes.conference = self.conference

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.conference.child, user=request.user, via=ViewLog.Via.PAGE,
                       what=f"conference minutes preview ({self.copy} copy)")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(documents.minutes_context(self.minutes, self.copy))
        ctx["copy_label"] = Document.Copy(self.copy).label
        ctx["other_copy"] = (Document.Copy.FAMILY if self.copy == Document.Copy.PROFESSIONAL
                             else Document.Copy.PROFESSIONAL)
        ctx["other_copy_label"] = Document.Copy(ctx["other_copy"]).label
        ctx["left_out"] = [s for s in self.minutes.sections if s.get("confidential")]
        ctx["minutes_url"] = self.url("conferences:minutes")
        ctx["marking"] = DEFAULT_MARKING
        return ctx


class MinutesSignView(ConferenceFormPage):
    action = "decide"
    form_class = ConfirmForm
    submit_label = "Sign off and publish the minutes"
    warning = ("Signing off is final. Signed minutes are never changed: a later change is a new version, with a "
               "reason, and this version stays as it is.")

    def load(self):
        self.minutes = (self.conference.minutes.filter(entered_in_error_at__isnull=True)
                        .select_related("signed_by").order_by("-version").first())

    def title(self):
        return "Sign off the minutes"

    def back(self):
        return self.url("conferences:minutes"), "Back to the minutes"

    def done(self):
        m = self.minutes
        if m is None:
            return "There are no minutes to sign off yet."
        if m.status != Minutes.Status.DRAFT:
            who = m.signed_by.display_name if m.signed_by else "the chair"
            return f"Version {m.version} was signed off by {who} on {_day(timezone.localtime(m.signed_at))}."
        return ""

    def rows(self):
        m = self.minutes
        if m is None or self.done():
            return []
        left_out = [s.get("heading", "") for s in m.sections if s.get("confidential")]
        rows = [("Version", str(m.version)), ("Sections", str(len(m.sections))),
                ("Left out of the family copy", ", ".join(left_out) or "Nothing")]
        if m.change_reason:
            rows.append(("Why this version", m.change_reason))
        return rows

    def intro(self):
        if self.done():
            return []
        return ["Signing off publishes two PDFs: the professional copy and the family copy, from which the "
                "confidential sections are left out. Making them takes a couple of seconds: select the button once "
                "and wait."]

    def links(self):
        if self.done():
            return []
        base = self.url("conferences:minutes_preview")
        return [(f"{base}?copy=professional", "Preview the professional copy"),
                (f"{base}?copy=family", "Preview the family copy")]

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_sign(actor=self.request.user, minutes=self.minutes),
                        lambda m: f"Minutes version {m.version} have been signed off. The professional and family "
                                  "copies are published.", self.url("conferences:documents"))


class MinutesReviseView(ConferenceFormPage):
    action = "decide"
    form_class = MinutesReviseForm
    submit_label = "Start a new version"

    def load(self):
        self.latest = (self.conference.minutes.filter(entered_in_error_at__isnull=True).order_by("-version").first())

    def title(self):
        return "Start a new version of the minutes"

    def back(self):
        return self.url("conferences:minutes"), "Back to the minutes"

    def done(self):
        if self.latest is None:
            return "There are no minutes yet."
        if self.latest.status == Minutes.Status.DRAFT:
            return f"Version {self.latest.version} is a draft: edit it on the minutes page."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_revise(actor=self.request.user, conference=self.conference,
                                                              reason=form.cleaned_data["reason"]),
                        lambda m: f"Version {m.version} has been started from version {m.version - 1}.",
                        self.url("conferences:minutes"))


# --- documents ----------------------------------------------------------------------------------------
class DecisionLetterPublishView(ConferenceFormPage):
    action = "decide"
    form_class = ConfirmForm
    submit_label = "Publish the decision letter"

    def load(self):
        self.latest = (self.conference.documents.filter(kind=Document.Kind.DECISION_LETTER,
                                                        entered_in_error_at__isnull=True)
                       .defer("content").order_by("-version").first())

    def title(self):
        return "Publish the decision letter and outline plan"

    def back(self):
        return self.url("conferences:documents"), "Back to the documents"

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
            out.append(f"Version {self.latest.version} was published on "
                       f"{_day(timezone.localtime(self.latest.created_at))}. Publishing again makes version "
                       f"{self.latest.version + 1}; the earlier version is kept.")
        return out

    def form_valid(self, form):
        return self.run(form, lambda: services.decision_letter_publish(actor=self.request.user,
                                                                       conference=self.conference),
                        lambda docs: f"The decision letter, version {docs[0].version}, has been published.",
                        self.url("conferences:documents"))


class DocumentsView(ConferencePage, TemplateView):
    """The published documents this person may see (document_policy), newest version first, and for
    people who may distribute them, who was sent what."""

    action = "view"
    template_name = "conferences/record/documents.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c = self.conference
        docs = (document_policy.visible(self.access, "view").filter(conference=c).defer("content")
                .order_by("kind", "-version", "copy"))
        groups: dict[tuple[str, int], dict] = {}
        for d in docs:
            key = (d.kind, d.version)
            if key not in groups:
                groups[key] = {"kind": d.get_kind_display(), "version": d.version, "published": d.created_at,
                               "documents": []}
            groups[key]["documents"].append(d)
        can_distribute = self.can("distribute")
        distributions = []
        if can_distribute:
            distributions = list(Distribution.objects.filter(document__conference=c, entered_in_error_at__isnull=True)
                                 .select_related("document", "sent_by").defer("document__content")
                                 .order_by("-sent_on", "recipient_name"))
        ctx.update(title="Documents", groups=list(groups.values()), can_distribute=can_distribute,
                   distributions=distributions, can_decide=self.can("decide"), back_url=self.url("conferences:detail"))
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
    submit_label = "Record as sent"
    rule_for_kind = {Document.Kind.MINUTES: "conference_minutes", Document.Kind.DECISION_LETTER: "outline_plan"}

    def load(self):
        c = self.conference
        self.invitations = list(c.invitations.filter(entered_in_error_at__isnull=True)
                                .select_related("agency").order_by("kind", "name"))
        latest = {}
        for d in c.documents.filter(entered_in_error_at__isnull=True).defer("content").order_by("kind", "-version"):
            latest.setdefault(d.kind, d)
        self.latest = latest
        self.deadlines = {d.rule_key: d for d in clock.open_deadlines_for(c, *self.rule_for_kind.values())}

    def title(self):
        return "Send the documents"

    def back(self):
        return self.url("conferences:documents"), "Back to the documents"

    def done(self):
        if not self.latest:
            return "Nothing has been published yet: sign off the minutes or publish the decision letter first."
        return ""

    def rows(self):
        out = []
        for kind in (Document.Kind.MINUTES, Document.Kind.DECISION_LETTER):
            d = self.latest.get(kind)
            text = f"Version {d.version}, published {_day(timezone.localtime(d.created_at))}" if d else \
                "Not published yet"
            deadline = self.deadlines.get(self.rule_for_kind[kind])
            if deadline:
                text += f". Due to be sent by {_day(deadline.due_date)}"
            out.append((kind.label, text))
        return out

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"sent_on": timezone.localdate(), "kind": kind if kind in Document.Kind.values else None}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["invitations"] = self.invitations
        kwargs["show_late"] = self.shows("late_reason") or any(_late(d) for d in self.deadlines.values())
        return kwargs

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
            message, self.url("conferences:documents"))


# --- the plan -----------------------------------------------------------------------------------------
class PlanView(PlanPage, TemplateView):
    """The child protection plan: its categories, lead social worker, review date, core group and its
    meetings, actions and progress, and the chair's mid-way audits."""

    action = "view"
    template_name = "conferences/record/plan.html"

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.plan.child, user=request.user, via=ViewLog.Via.PAGE, what="child protection plan")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.plan
        live = {"entered_in_error_at__isnull": True}
        members = list(p.core_group.filter(**live).select_related("agency"))
        meetings = list(p.core_group_meetings.filter(**live).select_related("recorded_by").prefetch_related(
            Prefetch("attendees", queryset=CoreGroupMember.objects.order_by("name"))))
        conferences = list(conference_policy.visible(self.access, "view").filter(plan=p)
                           .select_related("decision").order_by("-held_on", "-starts_at"))
        review = clock.open_deadlines_for(p, "rcpc_first", "rcpc_next").first()
        core_first = clock.open_deadlines_for(p, "core_group_first").first()
        ctx.update(
            title="Child protection plan", members=members, meetings=meetings, conferences=conferences,
            actions=list(p.actions.filter(**live).select_related("owner")),
            audits=list(p.midway_audits.filter(**live).select_related("chair")),
            category_changes=list(p.category_changes.select_related("changed_by")),
            review_deadline=review, core_group_deadline=core_first,
            can_update=plan_policy.can(self.access, "update", p), can_audit=plan_policy.can(self.access, "audit", p),
            active=p.status == ChildProtectionPlan.Status.ACTIVE,
            back_url=(reverse("conferences:detail", kwargs={"public_id": conferences[0].public_id})
                      if conferences else reverse("home")),
        )
        return ctx


class CoreGroupMeetingView(PlanFormPage):
    action = "update"
    form_class = CoreGroupMeetingForm
    submit_label = "Save the meeting"

    def load(self):
        self.members = list(self.plan.core_group.filter(entered_in_error_at__isnull=True))
        self.deadline = clock.open_deadlines_for(self.plan, "core_group_first").first()

    def title(self):
        return "Record a core group meeting"

    def rows(self):
        if self.deadline:
            return [("First core group meeting due by", _day(self.deadline.due_date))]
        return []

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["members"] = self.members
        kwargs["show_late"] = self.shows("late_reason") or _late(self.deadline)
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.core_group_meeting_record(
            actor=self.request.user, plan=self.plan, held_on=d["held_on"], progress=d["progress"],
            attendee_ids=form.attendee_ids(), next_meeting_on=d["next_meeting_on"],
            late_reason=d.get("late_reason", "")),
            f"The core group meeting of {_day(d['held_on'])} has been recorded.", self.plan_url() + "#core-group")


class CoreGroupMemberView(PlanFormPage):
    action = "update"
    form_class = CoreGroupMemberForm
    submit_label = "Add member"

    def title(self):
        return "Add a core group member"

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.core_group_member_add(
            actor=self.request.user, plan=self.plan, member=services.MemberInput(name=d["name"], role=d["role"])),
            f"{d['name']} has been added to the core group.", self.plan_url() + "#core-group")


class PlanActionCreateView(PlanFormPage):
    action = "update"
    form_class = PlanActionForm
    submit_label = "Add action"

    def title(self):
        return "Add an action to the plan"

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.plan_action_add(
            actor=self.request.user, plan=self.plan, action=services.ActionInput(
                description=d["description"], owner_name=d["owner_name"], due_date=d["due_date"])),
            "The action has been added to the plan.", self.plan_url() + "#actions")


class PlanActionUpdateView(PlanFormPage):
    action = "update"
    form_class = PlanActionUpdateForm
    submit_label = "Save progress"

    def load(self):
        action_id = _uuid_or_404(self.kwargs["action_id"])
        self.plan_action = self.plan.actions.filter(public_id=action_id, entered_in_error_at__isnull=True).first()
        if self.plan_action is None:
            raise Http404("No such action")

    def title(self):
        return "Update an action's progress"

    def rows(self):
        a = self.plan_action
        return [("Action", a.description), ("Who", a.owner_name), ("Due by", _day(a.due_date)),
                ("Progress now", a.get_progress_display())]

    def get_initial(self):
        return {"progress": self.plan_action.progress, "note": self.plan_action.progress_note}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.plan_action_update(
            actor=self.request.user, action=self.plan_action, progress=d["progress"], note=d["note"]),
            "The action's progress has been saved.", self.plan_url() + "#actions")


class MidwayAuditView(PlanFormPage):
    action = "audit"
    form_class = MidwayAuditForm
    submit_label = "Save the audit"

    def title(self):
        return "Record a mid-way audit"

    def intro(self):
        return ["The chair's check on the plan between conferences. The child's team managers are told; an "
                "escalation is also emailed to them."]

    def get_initial(self):
        return {"audited_on": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.midway_audit_record(
            actor=self.request.user, plan=self.plan, audited_on=d["audited_on"], progress=d["progress"],
            concerns=d["concerns"], escalation_raised=d["escalation_raised"],
            escalation_detail=d["escalation_detail"]),
            "The mid-way audit has been recorded.", self.plan_url() + "#audits")


__all__ = [
    "CoreGroupMeetingView", "CoreGroupMemberView", "DecisionLetterPublishView", "DecisionView", "DistributeView",
    "DocumentDownloadView", "DocumentsView", "HoldView", "MidwayAuditView", "MinutesEditView", "MinutesPreviewView",
    "MinutesReviseView", "MinutesSignView", "PlanActionCreateView", "PlanActionUpdateView", "PlanView",
    "RecordSaveView", "RecordView", "ScalingView",
]
