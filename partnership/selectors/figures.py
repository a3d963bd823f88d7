"""The partnership's figures (issue 13 section 3; ADR 29): the rapid review's day-by-day steps met on time (step
by step, and month by month), and the review actions of every action plan by owner agency (open, overdue,
complete). One grouped query a figure over the records the caller's policy shows; a step's row opens the rapid
reviews whose step it counts (``reviews_behind``), an agency's row the action tracker filtered to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from safeguarding.accounts.models import Agency
from safeguarding.clock import rules
from safeguarding.clock import selectors as clock
from safeguarding.clock.models import Deadline
from safeguarding.figures import Column, Figure, FigureRow

from .. import protocol
from ..models import RapidReview, ReviewAction
from ..plan import step_keys

FIGURES = ("steps",)
OPEN = (ReviewAction.Status.NOT_STARTED, ReviewAction.Status.IN_PROGRESS)


def _step_deadlines(reviews: QuerySet) -> QuerySet:
    return Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(RapidReview),
                                   subject_id__in=reviews.values("pk"))


def reviews_behind(reviews: QuerySet, *, figure: str, value: str, start: date, end: date, today: date
                   ) -> QuerySet | None:
    """The rapid reviews whose step ``value`` a row counts (one deadline per review and step)."""
    if figure != "steps" or value not in step_keys():
        return None
    counted = clock.timeliness_deadlines(_step_deadlines(reviews), start=start, end=end, rule_keys=[value],
                                         today=today)
    return reviews.filter(pk__in=counted.values("subject_id")).select_related("referral").order_by(
        "working_day_1", "pk")


def _values(row: clock.Timeliness) -> tuple:
    return (row.on_time, row.late, row.overdue, row.percent_on_time)


def escalation_figures(escalations: QuerySet) -> list[Figure]:
    """Open escalations by stage, and by the agencies involved (raised by or with: an escalation counts for
    both), each row opening the register with the same filter. Four statements."""
    register = reverse("partnership:escalation_register")
    open_ = escalations.filter(closed_on__isnull=True)
    by_stage = dict(open_.values_list("stage_key").annotate(n=Count("pk")).order_by())
    stages = [FigureRow(rules.get(key).title, (by_stage.get(key, 0),),
                        f"{register}?{urlencode({'stage': key})}", key) for key in protocol.stage_keys()]
    counts = dict(open_.values_list("raising_agency_id").annotate(n=Count("pk")).order_by())
    with_counts = dict(open_.values_list("raised_with_agency_id").annotate(n=Count("pk")).order_by())
    agencies = Agency.objects.filter(pk__in=set(counts) | set(with_counts)).order_by("name")
    rows = [FigureRow(a.name, (counts.get(a.pk, 0), with_counts.get(a.pk, 0)),
                      f"{register}?{urlencode({'agency': a.public_id, 'status': 'open'})}", str(a.public_id))
            for a in agencies]
    return [
        Figure("escalations-by-stage", "Open escalations by stage", [Column("stage", "Stage", numeric=False),
                                                                      Column("open", "Open")], stages,
               description="Every open escalation, whatever its route (professional differences, conference "
                           "dissent, mid-way audits, IRO disputes); each row opens the register at that stage."),
        Figure("escalations-by-agency", "Open escalations by agency",
               [Column("agency", "Agency", numeric=False), Column("raised_by", "Raised by it"),
                Column("raised_with", "Raised with it")], rows, chart_column=1,
               description="Each row opens the register for the agency (raised by it or with it)."),
    ]


def partnership_figures(reviews: QuerySet, actions: QuerySet | None, *, start: date, end: date, today: date,
                        link: Callable[[str, str], str]) -> list[Figure]:
    columns = [Column("on_time", "Met on time"), Column("late", "Met late"), Column("overdue", "Overdue"),
               Column("percent", "On time (%)")]
    by_step, by_month = clock.timeliness(_step_deadlines(reviews), start=start, end=end, rule_keys=step_keys(),
                                         today=today)
    figures = [
        Figure("steps", "Rapid review steps met on time", [Column("step", "Step", numeric=False), *columns],
               [FigureRow(rules.get(r.key).title, _values(r), link("steps", r.key), r.key) for r in by_step],
               description="Each step of the rapid review's day-by-day plan that fell due in the period; each row "
                           "opens the rapid reviews it counts.", chart_column=3, unit="%", maximum=100),
        Figure("steps-by-month", "Rapid review steps met on time, month by month",
               [Column("month", "Month", numeric=False), *columns],
               [FigureRow(row.title, _values(row), "", f"{first:%Y-%m}") for first, row in by_month],
               chart="line", chart_column=3, unit="%", maximum=100),
    ]
    if actions is not None:
        tracker = reverse("partnership:tracker")
        grouped = (actions.values("owner_agency__public_id", "owner_agency__name")
                   .annotate(open=Count("pk", filter=Q(status__in=OPEN)),
                             overdue=Count("pk", filter=Q(status__in=OPEN, due_on__lt=today)),
                             complete=Count("pk", filter=Q(status=ReviewAction.Status.COMPLETE)))
                   .order_by("owner_agency__name"))
        figures.append(Figure(
            "actions", "Review actions by owner agency",
            [Column("agency", "Agency", numeric=False), Column("open", "Open"), Column("overdue", "Overdue"),
             Column("complete", "Complete")],
            [FigureRow(g["owner_agency__name"], (g["open"], g["overdue"], g["complete"]),
                       f"{tracker}?{urlencode({'agency': g['owner_agency__public_id']})}",
                       str(g["owner_agency__public_id"])) for g in grouped],
            description="Every action of every review's action plan, today; each row opens the action tracker for "
                        "the agency.", chart_column=1))
    return figures
