"""The conference page: what the conference is, who is invited, the reports, and what this person can
do next."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.policies import child_policy

from ..models import Conference, Kind
from ..policies import conference_policy, document_policy, plan_policy
from ..selectors import pages as page_selectors
from ..selectors.invitations import quorum
from ..selectors.reports import reports_status
from ..selectors.scheduling import due_deadline
from .base import ConferencePage, log_child_view
from .invitations import visible_invitations

S = Conference.Status
# The actions the conference page asks the policy about, in one query.
PAGE_ACTIONS = ("schedule", "record", "decide", "report", "distribute")
BOOKABLE = (S.REQUESTED, S.SCHEDULED)


def next_steps(allowed: frozenset[str], status: str, *, whole: bool, has_documents) -> list[str]:
    """The pages this person can go to next, in order (named as their URLs; the template words them).
    ``has_documents`` is asked only when it matters (a query)."""
    steps = []
    if "schedule" in allowed:
        if status == S.REQUESTED:
            steps.append("schedule")
        if status == S.SCHEDULED:
            steps.append("reschedule")
        if status in BOOKABLE:
            steps.append("invitations")
    if {"schedule", "record"} & allowed and status in (S.SCHEDULED, S.HELD):
        steps.append("attendance")
    if whole and status != S.CANCELLED:
        steps.append("reports")
    if "report" in allowed and status in BOOKABLE:
        steps.append("report_submit")
    if "record" in allowed and status in (S.SCHEDULED, S.HELD):
        steps.append("record")
    if "decide" in allowed and status == S.SCHEDULED:
        steps.append("hold")
    if "decide" in allowed and status == S.HELD:
        steps.append("decision")
    if {"decide", "record"} & allowed and status == S.DECIDED:
        steps.append("minutes")
    if status == S.DECIDED and ("distribute" in allowed or has_documents()):
        steps.append("documents")
    if "schedule" in allowed and status in BOOKABLE:
        steps.append("cancel")
    return steps


class ConferenceDetailView(ConferencePage, TemplateView):
    action = "view"
    template_name = "conferences/sched/detail.html"
    answers = (conference_policy.SEES_WHOLE, conference_policy.CHILD_VIEW, conference_policy.PLAN_VIEW,
               *PAGE_ACTIONS)

    def shape_queryset(self, qs):
        return page_selectors.with_draft_minutes(super().shape_queryset(qs))

    def back(self):
        return reverse("conferences:dashboard"), "Back to conferences"

    def get(self, request, *args, **kwargs):
        log_child_view(request, self.child, "conference page")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, access = self.conference, self.access
        whole = self.sees_whole()
        invitations = visible_invitations(access, c)
        reports = reports_status(conference=c)
        if not whole:
            mine = {i.agency_id for i in invitations if i.agency_id}
            reports = [r for r in reports if r.agency.pk in mine]
        # who sees the whole conference sees every invitation: the quorum counts from those
        quorum_now = (quorum(conference=c, invitations=invitations)
                      if whole and c.status in (S.SCHEDULED, S.HELD) else None)
        plan = c.plan if c.plan_id and plan_policy.can(access, "view", c.plan) else None
        deadline = due_deadline(c)
        if deadline and deadline.is_open and c.kind == Kind.REVIEW and not c.is_live:
            # a cancelled review no longer works to its plan's open review deadline (another review will)
            deadline = None
        ctx.update(
            deadline=deadline, can_view_child=child_policy.can(access, "view", self.child),
            whole=whole, invitations=invitations, reports=reports, quorum=quorum_now, plan=plan,
            next_steps=next_steps(self.allowed(*PAGE_ACTIONS), c.status, whole=whole, has_documents=lambda: (
                document_policy.any_of(access, "view", "conference_id", c.pk))),
            today=timezone.localdate(),
            has_draft_minutes=whole and page_selectors.has_draft_minutes(c),  # loaded with the conference
        )
        return ctx
