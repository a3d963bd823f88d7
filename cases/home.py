"""The children's part of the home page and the naming of children (ADR 26), registered from ``ready()``:
a social worker's children with their status, a team manager's caseload and unallocated children, and the
service's count of open children. Each item is one statement (``safeguarding.home.parts.item_of``)."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.accounts.models import Role
from safeguarding.home.parts import Figures, Row, add_items, item_of

from .models import Child
from .policies import child_policy
from .status import tags_of_child, with_status
from .subjects import RESTRICTED, register_child_subjects

register_child_subjects({"cases.child": ""})

SEARCH = "cases:search"


def _child_row(child: Child, *, worker: bool = False) -> Row:
    hint = child.local_child_id
    if worker:
        who = child.allocated_social_worker.display_name if child.allocated_social_worker_id else "No social worker"
        hint = f"{hint}, {who}"
    return Row(child.display_name, reverse("cases:child_detail", args=[child.public_id]), hint,
               tags=tuple(tags_of_child(child)))


def _open(ctx):
    return child_policy.visible(ctx, "view").filter(status=Child.Status.OPEN)


@add_items("social_worker", order=10)
def my_children(ctx, today):
    mine = with_status(_open(ctx).filter(allocated_social_worker_id=ctx.user_id)).order_by("legal_surname", "pk")
    return [item_of(mine, title="Children allocated to you", url=reverse(SEARCH), link_text="Find a child",
                    row=_child_row, limit=50, empty="No children are allocated to you.")]


@add_items("team", order=10)
def team_children(ctx, today):
    teams = ctx.team_ids_with_role(Role.TEAM_MANAGER)
    caseload = _open(ctx).filter(allocated_team_id__in=teams).select_related("allocated_social_worker")
    unallocated = caseload.filter(allocated_social_worker__isnull=True)
    return [
        item_of(with_status(caseload).order_by("legal_surname", "pk"), title="Your team's caseload",
                url=reverse("clock:team_deadlines"), link_text="Your team's deadlines",
                row=lambda c: _child_row(c, worker=True), empty="Your team has no open children."),
        item_of(with_status(unallocated).order_by("created_at", "pk"), title="Children with no social worker",
                url=reverse(SEARCH), link_text="Find a child", row=_child_row, urgent=True,
                empty="Every child in your team has a social worker."),
    ]


@add_items("service", order=10)
def service_children(ctx, today):
    authorities = ctx.agency_ids_with_role(Role.SERVICE_MANAGER)
    figures = Figures()
    figures.add("Open children", _open(ctx).filter(local_authority_id__in=authorities).count(), reverse(SEARCH))
    return figures.items


__all__ = ["RESTRICTED"]
