"""The escalation register's reads (issue 12, section 4; ADR 25): the register with its filters and its themes
and volumes by agency and quarter, a person's own escalations, and one escalation's page.

A child is named only to people the child's policy lets open the record (``cases.policies.child_policy``);
anyone else reads "a child" (ADR 25). Whether a stage is overdue is the clock's: an open deadline of the
escalation past its date, or, for an escalation kept by its route, the date its source gave.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncQuarter

from cases.policies import child_policy
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Agency
from safeguarding.clock.models import Deadline

from .. import protocol
from ..models import Escalation, EscalationStep
from ..policies import escalation_policy
from .choices import agency_by_public_id, agency_choices  # noqa: F401 - the escalation pages' lookups

STATUSES = (("open", "Open"), ("overdue", "Overdue"), ("arbitration", "At arbitration"), ("closed", "Closed"))
QUARTER_MONTHS = {1: "Jan to Mar", 4: "Apr to Jun", 7: "Jul to Sep", 10: "Oct to Dec"}


def quarter_label(day: date) -> str:
    return f"{QUARTER_MONTHS[day.month]} {day.year}"


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_start(key: str) -> date | None:
    try:
        year, q = key.split("-Q")
        return date(int(year), (int(q) - 1) * 3 + 1, 1)
    except (ValueError, TypeError):
        return None


def _overdue_deadline(today: date):
    ct = ContentType.objects.get_for_model(Escalation)
    return Exists(Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk"), status__in=Deadline.OPEN_STATUSES,
                                          due_date__lt=today))


@dataclass(frozen=True)
class Row:
    escalation: Escalation
    stage: str
    child: object | None      # the child, when the viewer may open the record
    about: str                # what it is about, as this viewer may read it
    overdue: bool
    due_on: date | None
    age_days: int


def _stage_titles() -> dict[str, str]:
    return {s.key: f"Stage {s.number}: {s.title.removeprefix('Professional difference: ')}" for s in protocol.stages()}


def _rows(ctx: AccessContext, escalations: list[Escalation], today: date) -> list[Row]:
    """Rows for a list (three statements however many: the escalations, the open deadlines, the children the
    viewer may open)."""
    ct = ContentType.objects.get_for_model(Escalation)
    ids = [e.pk for e in escalations]
    due = {}
    if ids:
        due = dict(Deadline.objects.filter(subject_type=ct, subject_id__in=ids, status__in=Deadline.OPEN_STATUSES)
                   .values_list("subject_id", "due_date"))
    children = [e.child_id for e in escalations if e.child_id]
    openable = set()
    if children:
        openable = set(child_policy.visible(ctx, "view").filter(pk__in=children).values_list("pk", flat=True))
    titles = _stage_titles()
    out = []
    for e in escalations:
        child = e.child if e.child_id in openable else None
        about = child.display_name if child is not None else ("A child" if e.child_id else e.theme)
        stage = e.stage_label if e.is_routed else titles.get(e.stage_key, e.stage_key)
        due_on = e.route_due_on if e.is_routed else due.get(e.pk)
        end = e.closed_on or today
        out.append(Row(e, stage, child, about, bool(e.is_open and due_on and due_on < today), due_on if e.is_open
                       else None, (end - e.raised_on).days))
    return out


def _base(ctx: AccessContext) -> QuerySet:
    return (escalation_policy.visible(ctx, "view")
            .select_related("raising_agency", "raised_with_agency", "child", "raised_by")
            .order_by("-raised_on", "-id"))


@dataclass(frozen=True)
class Filters:
    route: str = ""
    status: str = ""
    agency: str = ""         # an agency's public id: raised by it or with it
    category: str = ""
    quarter: str = ""        # "2026-Q4"
    stage: str = ""          # a stage's rule key

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(**{name: (query.get(name) or "").strip() for name in cls.__dataclass_fields__})


def _filtered(qs: QuerySet, f: Filters, today: date) -> QuerySet:
    if f.route in Escalation.Route.values:
        qs = qs.filter(route=f.route)
    if f.category in Escalation.Category.values:
        qs = qs.filter(category=f.category)
    if f.stage in protocol.stage_keys():
        qs = qs.filter(stage_key=f.stage, closed_on__isnull=True)
    if f.status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif f.status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    elif f.status == "arbitration":
        qs = qs.filter(closed_on__isnull=True, stage_key=protocol.arbitration_key())
    elif f.status == "overdue":
        qs = qs.filter(Q(_overdue_deadline(today)) | Q(closed_on__isnull=True, route_due_on__lt=today))
    if f.agency:
        agency = Agency.objects.filter(public_id=f.agency).values("pk")[:1] if _is_uuid(f.agency) else None
        qs = qs.filter(Q(raising_agency_id=agency) | Q(raised_with_agency_id=agency)) if agency is not None \
            else qs.none()
    start = _quarter_start(f.quarter)
    if start is not None:
        end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        qs = qs.filter(raised_on__gte=start, raised_on__lt=end)
    return qs


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _volumes(qs: QuerySet, field: str) -> list[tuple[str, dict[str, int], int]]:
    """``(name, {quarter key: count}, total)`` by ``field`` and the quarter raised (one statement)."""
    rows = (qs.order_by().annotate(q=TruncQuarter("raised_on")).values(field, "q").annotate(n=Count("id")))
    table: dict[str, dict[str, int]] = {}
    for r in rows:
        table.setdefault(r[field], {})[quarter_key(r["q"])] = r["n"]
    return sorted(((name, by_q, sum(by_q.values())) for name, by_q in table.items()), key=lambda t: (-t[2], t[0]))


def register(*, ctx: AccessContext, filters: Filters, today: date) -> dict:
    """The register for the business unit: every escalation that matches the filters, each with its stage,
    agencies, route, age and whether it is overdue; and, over the same escalations, the volume by agency (raised
    by, raised with) and the themes (categories) by quarter."""
    qs = _filtered(_base(ctx), filters, today)
    escalations = list(qs)
    categories = dict(Escalation.Category.choices)
    by_category = [(categories.get(k, k), q, n) for k, q, n in _volumes(qs, "category")]
    by_raising = _volumes(qs, "raising_agency__name")
    by_raised_with = _volumes(qs, "raised_with_agency__name")
    quarters = sorted({k for table in (by_category, by_raising, by_raised_with) for _n, q, _t in table for k in q})

    def aligned(table):
        return [(name, [by_q.get(k, 0) for k in quarters], total) for name, by_q, total in table]

    rows = _rows(ctx, escalations, today)
    return {
        "rows": rows, "filters": filters, "quarters": [(k, quarter_label(_quarter_start(k))) for k in quarters],
        "by_category": aligned(by_category), "by_raising": aligned(by_raising),
        "by_raised_with": aligned(by_raised_with),
        "counts": {"all": len(rows), "open": sum(r.escalation.is_open for r in rows),
                   "overdue": sum(r.overdue for r in rows)},
        "choices": {"route": Escalation.Route.choices, "status": STATUSES, "category": Escalation.Category.choices,
                    "stage": [(s.key, f"Stage {s.number}: {s.title}") for s in protocol.stages()],
                    "agency": [(str(a.public_id), a.name) for a in Agency.objects.filter(is_active=True)
                               .order_by("name")]},
    }


def my_escalations(*, ctx: AccessContext, today: date) -> dict:
    """A practitioner's escalations: the ones they raised, the ones raised with their agency, and (a partner's
    delegate) the ones at arbitration."""
    rows = _rows(ctx, list(_base(ctx).filter(closed_on__isnull=True)), today)
    arbitration = protocol.arbitration_key()
    mine = [r for r in rows if r.escalation.raised_by_id == ctx.user_id]
    to_agency = [r for r in rows if r.escalation.raised_by_id != ctx.user_id and not r.escalation.is_routed
                 and r.escalation.raised_with_agency_id in ctx.agency_ids]
    shown = {r.escalation.pk for r in mine + to_agency}
    at_arbitration = [r for r in rows if r.escalation.pk not in shown and r.escalation.stage_key == arbitration]
    return {"mine": mine, "to_agency": to_agency, "at_arbitration": at_arbitration,
            "sees_register": escalation_policy.sees_register(ctx)}


def escalation_page(*, ctx: AccessContext, escalation: Escalation, today: date) -> dict:
    """One escalation for ``ctx``: its row, every step with who and why, the stages of the protocol with the
    current one, and what ``ctx`` may do."""
    row = _rows(ctx, [escalation], today)[0]
    steps = list(EscalationStep.objects.filter(escalation=escalation).select_related("by", "agency"))
    may = {action: escalation_policy.can(ctx, action, escalation) for action in ("respond", "manage",
                                                                                 "request_meeting")}
    is_last = escalation.stage_key == protocol.arbitration_key()
    return {"escalation": escalation, "row": row, "steps": steps, "may": may,
            "stages": [] if escalation.is_routed else protocol.stages(), "at_arbitration": is_last,
            "can_move_on": may["manage"] and not is_last}


def escalation_for_api(*, ctx: AccessContext, escalations: list[Escalation], today: date) -> list[Row]:
    return _rows(ctx, escalations, today)


def agencies_to_raise_with() -> list[tuple[str, str]]:
    return [(str(a.public_id), a.name) for a in Agency.objects.filter(is_active=True).order_by("name")]




def steps_for(escalation: Escalation) -> list[EscalationStep]:
    return list(EscalationStep.objects.filter(escalation=escalation).select_related("agency"))
