"""Template tags for the conference pages and the child page's conferences panel.

    {% load conference_tags %}
    {% child_conferences child %}              the panel on the child's page
    {{ conference.due_on|due_in }}             "3 days left", "Due today", "2 days overdue"
    {{ conference.status|status_colour }}      a GOV.UK tag colour
"""

from __future__ import annotations

import copy
from datetime import date

from django import template
from django.utils import timezone

from cases.policies import child_policy
from conferences.models import ChildProtectionPlan, Conference, Invitation
from conferences.policies import conference_policy, plan_policy
from conferences.selectors.record_pages import with_overdue_actions
from safeguarding.records.statements import Statements

register = template.Library()
_PANEL = Statements("the child page's conference panel", size=512)

S = Conference.Status
STATUS_COLOURS = {S.REQUESTED: "yellow", S.SCHEDULED: "blue", S.HELD: "purple", S.DECIDED: "green",
                  S.CANCELLED: "grey"}
ATTENDANCE_COLOURS = {
    Invitation.Attendance.INVITED: "grey", Invitation.Attendance.ACCEPTED: "blue",
    Invitation.Attendance.APOLOGIES: "orange", Invitation.Attendance.ATTENDED: "green",
    Invitation.Attendance.REPORT_ONLY: "purple",
}


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


@register.filter
def due_in(due: date | None, today: date | None = None) -> str:
    """How long is left until ``due`` (calendar days), or how long it is overdue."""
    if not due:
        return ""
    today = today or timezone.localdate()
    delta = (due - today).days
    if delta == 0:
        return "Due today"
    if delta > 0:
        return f"{_days(delta)} left"
    return f"{_days(-delta)} overdue"


@register.filter
def due_colour(due: date | None) -> str:
    if not due:
        return "grey"
    delta = (due - timezone.localdate()).days
    return "red" if delta < 0 else "orange" if delta == 0 else "yellow" if delta <= 7 else "blue"


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def attendance_colour(attendance: str) -> str:
    return ATTENDANCE_COLOURS.get(attendance, "grey")


@register.inclusion_tag("conferences/_child_panel.html", takes_context=True)
def child_conferences(context, child):
    """The child's conferences the person may see, and the active plan, with links. Two queries; the
    "Request a conference" link shows to people who may edit the child (the people the conference
    policy lets request), reusing the page's ``can_edit`` when it has worked that out."""
    request = context.get("request")
    ctx = request.access
    can_edit = context.get("can_edit")
    if can_edit is None:
        can_edit = child_policy.can(ctx, "edit", child)
    # Through the child (visible_for_child): each reason tested on the child's own rows, not the person's
    # whole visible set nested in the query. Compiled once per person, day and what of the child the
    # policies read (ADR 31): the child's key is the only argument; the answers about the child (whether
    # ctx may edit it, and view it when it is restricted) travel with the copy the statement is built on.
    answers = {"edit": bool(can_edit)}
    if child.restricted:
        answers["view"] = child_policy.can(ctx, "view", child)
    child_policy.note_answers(ctx, child, answers)
    key = (ctx.key, timezone.localdate(), child.local_authority_id, child.restricted, *sorted(answers.items()))

    def as_child(pk):
        other = copy.copy(child)
        other.pk = pk
        return other

    conferences = _PANEL.instances(("conferences", *key), lambda pk: (
        conference_policy.visible_for_child(ctx, as_child(pk)).select_related("chair")
        .order_by("-requested_at", "-pk")[:20]), child.pk)
    plans = _PANEL.instances(("plan", *key), lambda pk: (
        with_overdue_actions(plan_policy.visible_for_child(ctx, as_child(pk)))
        .filter(status=ChildProtectionPlan.Status.ACTIVE).order_by("-started_on")[:1]), child.pk)
    plan = plans[0] if plans else None
    live = [c for c in conferences if c.is_live]
    return {
        "child": child,
        "conferences": conferences,
        "plan": plan,
        "can_request": bool(can_edit) and not live and plan is None and child.status == child.Status.OPEN,
        "can_request_review": bool(can_edit) and plan is not None and not live,
    }
