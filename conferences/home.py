"""Child protection on the home page (ADR 26), registered from ``ready()``: the chair's part (this week's
conferences, requests to allocate, conferences at risk of missing their due date, minutes to sign, plans due
a review or a mid-way audit), the conferences a partner's agency is invited to, reports due, the service's
count of children on plans, a child's "child protection plan since" tag, and how deadlines, notifications and
history name a conference's or a plan's child. Each item is one statement, from the dashboard's selectors."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from cases.status import register_status
from cases.subjects import RESTRICTED, register_child_subjects
from safeguarding.accounts.models import Role
from safeguarding.clock import selectors as clock
from safeguarding.clock.policies import deadline_policy
from safeguarding.home.kernel_parts import deadline_item
from safeguarding.home.parts import Figures, Row, add_items, item_of
from safeguarding.pages import day, when

from . import selectors
from .models import Category, ChildProtectionPlan
from .policies import conference_policy, plan_policy

register_child_subjects({
    "conferences.conference": "child", "conferences.childprotectionplan": "child",
    "conferences.invitation": "conference__child", "conferences.childinneedreview": "child",
})


# --- a child's status: on a child protection plan since, with its category ---------------------------------


def _plan_annotations() -> dict:
    active = ChildProtectionPlan.objects.live().filter(child=OuterRef("pk"), status=ChildProtectionPlan.Status.ACTIVE)
    return {"cp_since": Subquery(active.values("started_on")[:1]),
            "cp_category": Subquery(active.values("latest_category")[:1])}


def _plan_tags(values: dict) -> list[tuple[str, str]]:
    if not values.get("cp_since"):
        return []
    category = Category(values["cp_category"]).label if values.get("cp_category") in Category.values else ""
    return [(f"Child protection plan since {day(values['cp_since'])}" + (f" ({category})" if category else ""),
             "purple")]


register_status("child_protection", _plan_annotations, _plan_tags)


# --- rows ------------------------------------------------------------------------------------------------------


def _child(c) -> str:
    return RESTRICTED if c.child.restricted else c.child.full_name


def _conference_row(c) -> Row:
    if c.starts_at:
        hint = f"{c.get_kind_display()}, {when(c.starts_at)}"
    else:
        hint = f"{c.get_kind_display()}, due {day(c.due_on)}" if getattr(c, "due_on", None) else c.get_kind_display()
    return Row(_child(c), reverse("conferences:detail", args=[c.public_id]), f"{hint}, {c.child.local_child_id}")


def _plan_row(p) -> Row:
    return Row(_child(p), reverse("conferences:plan", args=[p.public_id]),
               f"Review due {day(p.review_due)}, {p.child.local_child_id}")


DASHBOARD = "conferences:dashboard"


@add_items("chair", order=10)
def chair_items(ctx, today):
    user = ctx.user
    url = reverse(DASHBOARD)
    view = conference_policy.visible(ctx, "view")
    week = selectors.iso_week(today)
    until, working_days = selectors.at_risk_until(today)
    items = [item_of(selectors.chair_week(view, chair=user, week=week), title="Your conferences this week",
                     url=url, row=_conference_row, empty="You have no conferences booked this week.")]
    if conference_policy.is_service_staff(ctx):
        service = conference_policy.visible(ctx, "list_service")
        items += [
            item_of(selectors.awaiting_allocation(service), title="Requests to allocate a chair and a date",
                    url=f"{reverse('conferences:service_list')}?status=requested", row=_conference_row,
                    empty="No requests are waiting."),
            item_of(selectors.at_risk(service, until=until),
                    title=f"At risk of missing the due date (within {working_days} working days)", url=url,
                    row=_conference_row, urgent=True, empty="No conference is at risk."),
        ]
    items += [
        item_of(selectors.minutes_awaiting_sign_off(conference_policy.visible(ctx, "decide"), chair=user),
                title="Minutes to sign off", url=url, row=_conference_row, empty="No minutes are waiting for you."),
        item_of(selectors.plans_needing_review(plan_policy.visible(ctx, "audit"),
                                               until=selectors.review_horizon(today)),
                title="Plans due a review conference or a mid-way audit", url=url, row=_plan_row,
                empty="No plans need a review soon."),
    ]
    return items


@add_items("partner", order=10)
def invited_conferences(ctx, today):
    return [item_of(selectors.live_for(conference_policy.invited(ctx)),
                    title="Conferences your agency is invited to", url=reverse(DASHBOARD), row=_conference_row,
                    empty="Your agency is not invited to any conference at the moment.")]


REPORT_RULES = ("conference_reports",)


def _reports_due(ctx, today, title: str):
    w = clock.window(today=today)
    due = clock.deadlines_open(deadline_policy.visible(ctx, "view")).filter(rule_key__in=REPORT_RULES)
    return [deadline_item(ctx, due, title=title, url=reverse("clock:my_deadlines"), w=w,
                          empty="No reports are due.")]


@add_items("partner", order=20)
def partner_reports_due(ctx, today):
    return _reports_due(ctx, today, "Conference reports due from your agency")


@add_items("social_worker", order=30)
def social_work_reports_due(ctx, today):
    return _reports_due(ctx, today, "Conference reports due")


@add_items("service", order=20)
def service_plans(ctx, today):
    figures = Figures()
    plans = plan_policy.visible(ctx, "view").filter(status=ChildProtectionPlan.Status.ACTIVE,
                                                    child__local_authority_id__in=ctx.agency_ids_with_role(
                                                        Role.SERVICE_MANAGER))
    figures.add("Children on a child protection plan", plans.count(), reverse(DASHBOARD))
    return figures.items
