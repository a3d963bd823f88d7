"""The pages of a meeting's minutes and actions and of a case's parallel processes (ADR 21): write the
minutes, issue them (both PDFs), share the employer's version with the referrer, download either version (the
case's people; the referrer the employer's, once shared, from the portal); add an action and follow it
through; record a parallel process and update it. Every question beyond ``case_policy`` is
``meeting_records_policy``'s; what it refuses is the 404 of a missing record."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.urls import reverse
from django.views import View

from cases.policies import child_policy
from safeguarding.pages import NO_SUCH_RECORD, day, uuid_or_404

from .. import services
from ..minutes import EMPLOYER, FULL, filename
from ..models import Meeting, MeetingAction, MeetingMinutes, ParallelProcess
from ..policies_meetings import meeting_records_policy as policy
from ..selectors import processes as sel
from ..services.processes import action_owner_agencies, action_owner_people
from .base import CaseFormPage, CasePage, ReferralPage, is_late
from .forms_processes import (
    ActionForm,
    ActionUpdateForm,
    ConfirmForm,
    MinutesForm,
    MinutesIssueForm,
    ProcessForm,
    ProcessUpdateForm,
)

VERSIONS = {"full": FULL, "employer": EMPLOYER}
LABELS = {FULL: "the full minutes", EMPLOYER: "the employer's version of the minutes"}


def _pdf(content: bytes, name: str) -> FileResponse:
    resp = FileResponse(io.BytesIO(content), content_type="application/pdf", as_attachment=True, filename=name)
    resp["Cache-Control"] = "no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


class _Meeting:
    """A page about one meeting of the case (404 when it is not the case's)."""

    def load(self):
        self.meeting = sel.meeting_of(self.case, uuid_or_404(self.kwargs["meeting_id"]))
        if self.meeting is None:
            raise Http404(NO_SUCH_RECORD)
        self.minutes = sel.minutes_of(self.meeting)

    def meeting_url(self) -> str:
        return reverse("lado:meeting", args=[self.case.public_id, self.meeting.public_id])

    def back(self):
        return self.meeting_url(), "Back to the meeting"


def meeting_records(access, meeting: Meeting) -> dict:
    """The meeting page's minutes and actions: the minutes (no PDF bytes), the versions ``access`` may
    download, the actions each with ``updatable``, and whether ``access`` may write minutes and add actions."""
    minutes = sel.minutes_of(meeting)
    actions = sel.actions_of(meeting)
    for a in actions:
        a.meeting = meeting
        a.updatable = a.status == MeetingAction.Status.OPEN and policy.can_update_action(access, a)
    return {"minutes": minutes, "copies": policy.minutes_copies(access, minutes) if minutes else frozenset(),
            "actions": actions, "writes_minutes": policy.can_write_minutes(access, meeting),
            "adds_actions": policy.can_add_action(access, meeting)}


def case_processes(access, case) -> dict:
    """The case page's parallel processes, each with ``updatable`` and ``child_link`` (whether ``access`` may
    open the linked child's record, through the child policy), and whether ``access`` may add one."""
    processes = sel.processes_of(case)
    for p in processes:
        p.case = case
        p.updatable = p.status == ParallelProcess.Status.ONGOING and policy.can_update_process(access, p)
        p.child_link = p.child is not None and child_policy.can(access, "view", p.child)
    return {"processes": processes, "adds_processes": policy.can_add_process(access, case)}


# --- minutes -----------------------------------------------------------------------------------------------------
class MinutesEditView(_Meeting, CaseFormPage):
    form_class = MinutesForm
    title = "Write the minutes"
    submit_label = "Save the draft"

    def done(self):
        if self.meeting.status != Meeting.Status.HELD:
            return "Record the meeting as held before writing its minutes."
        if self.minutes and self.minutes.status == MeetingMinutes.Status.ISSUED:
            return "The minutes have been issued: they do not change."
        return ""

    def intro(self):
        return ["Sections marked as third-party information are left out of the employer's version."]

    def get_initial(self):
        return {n: getattr(self.minutes, n) for n, _, _ in MeetingMinutes.SECTIONS} if self.minutes else {}

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_save(actor=self.request.user, meeting=self.meeting,
                                                            sections=form.cleaned_data),
                        "The draft minutes are saved.")


class MinutesIssueView(_Meeting, CaseFormPage):
    form_class = MinutesIssueForm
    title = "Issue the minutes"
    submit_label = "Issue the minutes"
    warning = "Issued minutes cannot be changed. Both versions are made as PDFs: the full minutes and the " \
              "employer's version without the third-party sections and actions."

    def done(self):
        if self.minutes is None or not self.minutes.purpose.strip():
            return "Write the minutes first."
        if self.minutes.status == MeetingMinutes.Status.ISSUED:
            return "The minutes have been issued."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "can_share": self.referral.referred_by_id is not None}

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_issue(
            actor=self.request.user, meeting=self.meeting,
            share_with_referrer=form.cleaned_data.get("share_with_referrer", False)),
            "The minutes are issued.")


class MinutesShareView(_Meeting, CaseFormPage):
    form_class = ConfirmForm
    title = "Share the employer's version with the referrer"
    submit_label = "Share it"

    def done(self):
        if self.minutes is None or self.minutes.status != MeetingMinutes.Status.ISSUED:
            return "Issue the minutes first."
        if self.minutes.shared_with_referrer_at:
            return f"Shared with the referrer on {day(self.minutes.shared_with_referrer_at)}."
        if self.referral.referred_by_id is None:
            return "The referral was not made from an account: send the employer's version another way."
        return ""

    def intro(self):
        return ["The referrer will see the employer's version on their referral's page on the portal, and is "
                "told by email (the reference only)."]

    def form_valid(self, form):
        return self.run(form, lambda: services.minutes_share(actor=self.request.user, meeting=self.meeting),
                        "The employer's version is shared with the referrer.")


class MinutesDownloadView(_Meeting, CasePage, View):
    """One version of the issued minutes, to someone the policy gives it. Logged; never cached."""

    action = "view"

    def get(self, request, *args, **kwargs):
        version = VERSIONS.get(kwargs["version"])
        if self.minutes is None or version not in policy.minutes_copies(self.access, self.minutes):
            raise Http404(NO_SUCH_RECORD)
        self.log_read(f"{self.meeting.get_kind_display()}: {LABELS[version]}")
        return _pdf(sel.minutes_pdf(self.minutes, version), filename(self.minutes, version))


class PortalMinutesDownloadView(ReferralPage, View):
    """The referrer's download of the employer's version, once shared with them (their own referral)."""

    action = "track"
    lookup_url_kwarg = "public_id"

    def get(self, request, *args, **kwargs):
        meeting = sel.meeting_of(self.case, uuid_or_404(kwargs["meeting_id"]))
        minutes = sel.minutes_of(meeting) if meeting else None
        if minutes is None or EMPLOYER not in policy.minutes_copies(self.access, minutes):
            raise Http404(NO_SUCH_RECORD)
        services.lado_read_log(user=request.user, record=self.referral, what=LABELS[EMPLOYER])
        return _pdf(sel.minutes_pdf(minutes, EMPLOYER), filename(minutes, EMPLOYER))


# --- actions -----------------------------------------------------------------------------------------------------
class ActionAddView(_Meeting, CaseFormPage):
    form_class = ActionForm
    title = "Add an action"
    submit_label = "Add the action"

    def load(self):
        super().load()
        self.people = {f"person-{u.public_id}": u for u in action_owner_people(self.meeting)}
        self.agencies = {f"agency-{a.public_id}": a for a in action_owner_agencies(self.meeting)}

    def done(self):
        if self.meeting.status != Meeting.Status.HELD:
            return "Record the meeting as held before adding its actions."
        return "This case is closed." if self.case.status == "closed" else ""

    def intro(self):
        return ["The clock chases each action to its date: the LADO officer is reminded (or its owner, when they "
                "are in the local authority)."]

    def get_form_kwargs(self):
        owners = [(k, u.display_name) for k, u in self.people.items()] + \
                 [(k, a.name) for k, a in self.agencies.items()]
        return {**super().get_form_kwargs(), "owners": owners}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.action_add(
            actor=self.request.user, meeting=self.meeting, description=d["description"], due_date=d["due_date"],
            owner=self.people.get(d["owner"]), owner_agency=self.agencies.get(d["owner"]),
            owner_name=d["owner_name"], third_party=d["third_party"]), "The action is added.")


class ActionUpdateView(_Meeting, CaseFormPage):
    """Follow an action through: the LADO team, or its owner invited into the case."""

    action = "view"
    form_class = ActionUpdateForm
    title = "Update the action"
    submit_label = "Save"

    def load(self):
        super().load()
        self.item = sel.action_of(self.meeting, uuid_or_404(self.kwargs["action_id"]))
        if self.item is None or not policy.can_update_action(self.access, self.item):
            raise Http404(NO_SUCH_RECORD)

    def rows(self):
        a = self.item
        return [("Action", f"{a.number}. {a.description}"), ("Who", a.owner_name), ("Due by", day(a.due_date))]

    def done(self):
        if self.item.status != MeetingAction.Status.OPEN:
            return f"This action is {self.item.get_status_display().lower()}."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "can_drop": policy.can_drop_action(self.access, self.item)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.action_update(actor=self.request.user, action=self.item,
                                                             status=d["status"], done_on=d["done_on"],
                                                             note=d["note"]), "The action is updated.")


# --- parallel processes ----------------------------------------------------------------------------------------------
class ProcessAddView(CaseFormPage):
    form_class = ProcessForm
    title = "Record a parallel process"
    submit_label = "Save"

    def load(self):
        self.children = sel.matched_child_choices(self.case)

    def done(self):
        return "This case is closed." if self.case.status == "closed" else ""

    def back(self):
        return self.url("case") + "#processes", "Back to the case"

    def intro(self):
        return ["The employer's investigation and a disciplinary hearing are kept to KCSIE's employer timescales "
                "(see the rules page)."]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "children": self.children}

    def form_valid(self, form):
        d = form.cleaned_data
        child = d.get("child") or ""
        return self.run(form, lambda: services.process_start(
            actor=self.request.user, case=self.case, kind=d["kind"], lead=d["lead"], reference=d["reference"],
            started_on=d["started_on"], child_id=int(child) if child.isdigit() else None, note=d["note"]),
            "The process is recorded.")


class ProcessUpdateView(CaseFormPage):
    """Update a process: the LADO team, or the invited police (the police investigation, the CPS decision) and
    children's social care (their enquiries)."""

    action = "view"
    form_class = ProcessUpdateForm
    title = "Update the process"
    submit_label = "Save"

    def load(self):
        self.process = sel.process_of(self.case, uuid_or_404(self.kwargs["process_id"]))
        if self.process is None or not policy.can_update_process(self.access, self.process):
            raise Http404(NO_SUCH_RECORD)
        self.deadline = next((p.next_deadline for p in sel.processes_of(self.case) if p.pk == self.process.pk), None)

    def back(self):
        return self.url("case") + "#processes", "Back to the case"

    def rows(self):
        p = self.process
        rows = [("Process", p.get_kind_display()), ("Led by", p.lead), ("Started", day(p.started_on))]
        if p.progress_note:
            rows.append(("Progress so far", p.progress_note))
        if self.deadline:
            rows.append((self.deadline.label, f"due by {day(self.deadline.due_date)}"))
        return rows

    def done(self):
        if self.process.status != ParallelProcess.Status.ONGOING:
            return f"This process is {self.process.get_status_display().lower()}."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "employer": self.process.kind == ParallelProcess.Kind.EMPLOYER,
                "show_late": is_late(self.deadline) or self.shows("late_reason")}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.process_update(
            actor=self.request.user, process=self.process, status=d["status"], note=d["note"],
            report_on=d.get("report_on"), ended_on=d["ended_on"], outcome=d["outcome"],
            late_reason=d.get("late_reason", "")), "The process is updated.")
