"""Reads of deadlines: the buckets (due soon, overdue, met late, all open), the filters (person, team,
service, rule), their counts, and querysets shaped for the deadline pages and the calendar feed.

Selectors do not decide who may see what: callers pass in a queryset the policy has already scoped
(``deadline_policy.visible(ctx)``). Counts come from one aggregate query, and the breakdowns by
person, team and rule from one grouped query each, whatever the number of deadlines.

"Due soon" means open and due from today up to the widest reminder band
(``max(settings.REMINDER_DAYS_BEFORE)`` working days ahead, counted by workdays.py with the local
closure days), so the pages agree with the reminders people receive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import rules, workdays
from .models import Deadline
from .services import closures

OPEN_STATUSES = tuple(Deadline.OPEN_STATUSES)
BUCKETS: dict[str, str] = {
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "met_late": "Met late",
    "open": "All open",
}
DEFAULT_BUCKET = "open"
NOT_ASSIGNED = "none"  # the "person" filter value for deadlines with no responsible person

LIST_RELATED = ("responsible_person", "responsible_team", "responsible_team__agency")
PAGE_RELATED = (*LIST_RELATED, "late_accepted_by")


# --- the window for "due soon" ------------------------------------------------------------------


def due_soon_working_days() -> int:
    """The widest reminder band, in working days (settings.REMINDER_DAYS_BEFORE, default 5 and 1)."""
    return max((n for n in settings.REMINDER_DAYS_BEFORE if n > 0), default=0)


@dataclass(frozen=True)
class Window:
    """Today, and the last day that counts as "due soon"."""

    today: date
    due_soon_until: date
    working_days: int


def window(*, today: date | None = None, closed: Iterable[date] | None = None) -> Window:
    today = today or timezone.localdate()
    closed = closures() if closed is None else frozenset(closed)
    n = due_soon_working_days()
    return Window(today=today, due_soon_until=workdays.add_working_days(today, n, closed), working_days=n)


def bucket_q(bucket: str, w: Window) -> Q:
    if bucket == "due_soon":
        return Q(status__in=OPEN_STATUSES, due_date__gte=w.today, due_date__lte=w.due_soon_until)
    if bucket == "overdue":
        # past its due date and not met, whether or not the sweep has marked it overdue yet
        return Q(status__in=OPEN_STATUSES, due_date__lt=w.today)
    if bucket == "met_late":
        return Q(status=Deadline.Status.MET_LATE)
    if bucket == "open":
        return Q(status__in=OPEN_STATUSES)
    raise ValueError(f"unknown bucket {bucket!r}; one of {list(BUCKETS)}")


# --- the buckets and the filters ---------------------------------------------------------------


def _all(qs: QuerySet | None) -> QuerySet:
    return Deadline.objects.all() if qs is None else qs


def deadlines_due_soon(qs: QuerySet | None = None, *, w: Window) -> QuerySet:
    return _all(qs).filter(bucket_q("due_soon", w))


def deadlines_overdue(qs: QuerySet | None = None, *, w: Window) -> QuerySet:
    return _all(qs).filter(bucket_q("overdue", w))


def deadlines_met_late(qs: QuerySet | None = None) -> QuerySet:
    return _all(qs).filter(status=Deadline.Status.MET_LATE)


def deadlines_open(qs: QuerySet | None = None) -> QuerySet:
    return _all(qs).filter(status__in=OPEN_STATUSES)


def for_person(qs: QuerySet, person) -> QuerySet:
    """``person``: a user, or None for the deadlines nobody is named on."""
    if person is None:
        return qs.filter(responsible_person__isnull=True)
    return qs.filter(responsible_person=person)


def for_team(qs: QuerySet, team) -> QuerySet:
    return qs.filter(responsible_team=team)


def for_teams(qs: QuerySet, team_ids: Iterable[int]) -> QuerySet:
    return qs.filter(responsible_team_id__in=list(team_ids))


def for_team_id(qs: QuerySet, team_id: int | None) -> QuerySet:
    """One team's deadlines, or (None) those with no responsible team."""
    return qs.filter(responsible_team__isnull=True) if team_id is None else qs.filter(responsible_team_id=team_id)


def rule_keys_of_service(service: rules.Service | str) -> list[str]:
    service = rules.Service(service)
    return sorted(key for key, rule in rules.all_rules().items() if rule.service is service)


def for_service(qs: QuerySet, service: rules.Service | str) -> QuerySet:
    """Deadlines under the rules of a service (child protection, looked-after children, ...)."""
    return qs.filter(rule_key__in=rule_keys_of_service(service))


def for_rule(qs: QuerySet, rule_key: str) -> QuerySet:
    return qs.filter(rule_key=rule_key)


@dataclass(frozen=True)
class Filters:
    """What a deadline list page was asked for (everything optional but the bucket)."""

    bucket: str = DEFAULT_BUCKET
    rule_key: str = ""
    service: str = ""
    person: str = ""  # a person's public id, or NOT_ASSIGNED
    team_ids: tuple[int, ...] = field(default=())


def apply_filters(qs: QuerySet, filters: Filters) -> QuerySet:
    """Everything but the bucket: the counts are shown for each bucket of what is left."""
    if filters.rule_key:
        qs = for_rule(qs, filters.rule_key)
    if filters.service:
        qs = for_service(qs, filters.service)
    if filters.person == NOT_ASSIGNED:
        qs = for_person(qs, None)
    elif filters.person:
        qs = qs.filter(responsible_person__public_id=filters.person)
    if filters.team_ids:
        qs = for_teams(qs, filters.team_ids)
    return qs


# --- counts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    due_soon: int = 0
    overdue: int = 0
    met_late: int = 0
    open: int = 0

    def of(self, bucket: str) -> int:
        return getattr(self, bucket)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, b) + getattr(other, b) for b in BUCKETS))

    @property
    def buckets(self) -> list[tuple[str, str, int]]:
        """(key, label, count) for every bucket, in page order."""
        return [(key, label, getattr(self, key)) for key, label in BUCKETS.items()]


def _count_expressions(w: Window) -> dict:
    return {bucket: Count("pk", filter=bucket_q(bucket, w)) for bucket in BUCKETS}


def _relevant(qs: QuerySet) -> QuerySet:
    """Only rows that can land in a bucket, so that the grouped counts skip met and cancelled ones."""
    return qs.filter(Q(status__in=OPEN_STATUSES) | Q(status=Deadline.Status.MET_LATE))


def deadline_counts(qs: QuerySet, *, w: Window) -> Counts:
    """Every bucket's count in one aggregate query."""
    return Counts(**_relevant(qs).order_by().aggregate(**_count_expressions(w)))


@dataclass(frozen=True)
class PersonCounts:
    public_id: str  # NOT_ASSIGNED for the deadlines no one is named on
    name: str
    counts: Counts


@dataclass(frozen=True)
class TeamCounts:
    team_id: int
    name: str
    counts: Counts


@dataclass(frozen=True)
class RuleCounts:
    rule_key: str
    description: str
    service: str
    service_label: str
    counts: Counts


@dataclass(frozen=True)
class ServiceCounts:
    service: str
    label: str
    counts: Counts


def _grouped(qs: QuerySet, fields: tuple[str, ...], w: Window) -> list[dict]:
    return list(_relevant(qs).order_by().values(*fields).annotate(**_count_expressions(w)))


def _counts_of(row: dict) -> Counts:
    return Counts(**{b: row[b] for b in BUCKETS})


def counts_by_person(qs: QuerySet, *, w: Window) -> list[PersonCounts]:
    """One row per responsible person (and one for "not assigned"), by name; one query."""
    rows = _grouped(qs, ("responsible_person__public_id", "responsible_person__full_name"), w)
    out = [
        PersonCounts(
            public_id=str(r["responsible_person__public_id"]) if r["responsible_person__public_id"] else NOT_ASSIGNED,
            name=r["responsible_person__full_name"] or "Not assigned to anyone",
            counts=_counts_of(r),
        )
        for r in rows
    ]
    return sorted(out, key=lambda p: (p.public_id == NOT_ASSIGNED, p.name.lower()))


def counts_by_team(qs: QuerySet, *, w: Window) -> list[TeamCounts]:
    rows = _grouped(qs, ("responsible_team_id", "responsible_team__name"), w)
    out = [TeamCounts(team_id=r["responsible_team_id"], name=r["responsible_team__name"] or "No team",
                      counts=_counts_of(r)) for r in rows]
    return sorted(out, key=lambda t: (t.team_id is None, t.name.lower()))


def describe_rule(rule_key: str, known: dict[str, rules.Rule] | None = None) -> rules.Rule | None:
    """The rule as configured now, or None for a key no longer in rules.py."""
    known = rules.all_rules() if known is None else known
    return known.get(rule_key)


def counts_by_rule(qs: QuerySet, *, w: Window) -> list[RuleCounts]:
    known = rules.all_rules()
    out = []
    for r in _grouped(qs, ("rule_key",), w):
        rule = known.get(r["rule_key"])
        service = rule.service if rule else None
        out.append(RuleCounts(
            rule_key=r["rule_key"], description=rule.description if rule else r["rule_key"],
            service=service.value if service else "", service_label=service.label if service else "Unknown",
            counts=_counts_of(r),
        ))
    return sorted(out, key=lambda r: (r.service_label, r.description))


def counts_by_service(qs: QuerySet | None = None, *, w: Window,
                      by_rule: list[RuleCounts] | None = None) -> list[ServiceCounts]:
    """By service (through each deadline's rule). Pass ``by_rule`` to reuse counts already fetched."""
    by_rule = counts_by_rule(qs, w=w) if by_rule is None else by_rule
    totals: dict[str, ServiceCounts] = {}
    for row in by_rule:
        prev = totals.get(row.service)
        totals[row.service] = ServiceCounts(
            service=row.service, label=row.service_label,
            counts=row.counts if prev is None else prev.counts + row.counts,
        )
    return sorted(totals.values(), key=lambda s: s.label)


# --- querysets shaped for their pages ----------------------------------------------------------


def deadline_list(qs: QuerySet, *, bucket: str, w: Window) -> QuerySet:
    """A list page's rows: the bucket, its people and team loaded, soonest first (met late: latest
    first). Never touches the subject, so a page costs the same whatever the deadlines are about."""
    qs = qs.filter(bucket_q(bucket, w)).select_related(*LIST_RELATED)
    if bucket == "met_late":
        return qs.order_by("-met_on", "-due_date", "-id")
    return qs.order_by("due_date", "id")


def deadline_for_page(qs: QuerySet) -> QuerySet:
    """Shape the queryset a deadline page fetches its one deadline from."""
    return qs.select_related(*PAGE_RELATED)


def deadline_history(deadline: Deadline, *, limit: int = 100) -> list:
    """Every change to the deadline (simple-history rows), newest first, with who made it."""
    return list(deadline.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


def calendar_deadlines(qs: QuerySet) -> QuerySet:
    """Open deadlines for a calendar feed, with their subjects (one query per kind of record)."""
    return deadlines_open(qs).prefetch_related("subject").order_by("due_date", "id")


def display_status(deadline: Deadline, w: Window) -> tuple[str, str]:
    """(label, GOV.UK tag colour) as people read the deadline today."""
    status = deadline.status
    if status in OPEN_STATUSES:
        if deadline.due_date < w.today:
            return "Overdue", "red"
        if deadline.due_date == w.today:
            return "Due today", "orange"
        if deadline.due_date <= w.due_soon_until:
            return "Due soon", "yellow"
        return "Open", "blue"
    return {
        Deadline.Status.MET_ON_TIME: ("Met on time", "green"),
        Deadline.Status.MET_LATE: ("Met late", "pink"),
        Deadline.Status.CANCELLED: ("Cancelled", "grey"),
    }.get(status, (deadline.get_status_display(), "grey"))


# --- timeliness: how many deadlines were met on time, rule by rule and month by month ------------------------


@dataclass
class Timeliness:
    """The deadlines of one rule (or of every rule, ``key`` empty) that fell due in a period: met on time, met
    late, overdue (still open past the due date; a late reason accepted or not), and still to come (open, not
    yet due). Cancelled deadlines do not count. ``percent_on_time`` is of those decided (on time, late,
    overdue); None when none is."""

    key: str
    title: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    to_come: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def percent_on_time(self) -> int | None:
        return round(100 * self.on_time / self.decided) if self.decided else None

    def add(self, bucket: str, n: int) -> None:
        setattr(self, bucket, getattr(self, bucket) + n)


TIMELINESS_BUCKETS = ("on_time", "late", "overdue", "to_come")
TIMELINESS_LABELS = {"on_time": "Met on time", "late": "Met late", "overdue": "Overdue", "to_come": "Still to come"}


def _timeliness_bucket(today: date):
    """The bucket of each deadline, worked out by the database (so a period's deadlines are counted by one
    grouped query whatever their number): met on time, met late, overdue (open past its date), to come."""
    from django.db.models import Case, CharField, Value, When

    return Case(When(status=Deadline.Status.MET_ON_TIME, then=Value("on_time")),
                When(status=Deadline.Status.MET_LATE, then=Value("late")),
                When(due_date__lt=today, then=Value("overdue")),
                default=Value("to_come"), output_field=CharField())


def _timeliness_scope(qs: QuerySet, *, start: date, end: date, rule_keys: Iterable[str]) -> QuerySet:
    return (qs.filter(rule_key__in=list(rule_keys), due_date__gte=start, due_date__lte=end)
            .exclude(status=Deadline.Status.CANCELLED))


def _months(start: date, end: date) -> dict[date, Timeliness]:
    months: dict[date, Timeliness] = {}
    month = start.replace(day=1)
    while month <= end:
        months[month] = Timeliness("", month.strftime("%B %Y"))
        month = workdays.add_months(month, 1)
    return months


def timeliness(qs: QuerySet, *, start: date, end: date, rule_keys: Iterable[str], today: date | None = None
               ) -> tuple[list[Timeliness], list[tuple[date, Timeliness]]]:
    """Deadlines of ``qs`` (already scoped by the caller's policy) under ``rule_keys`` due from ``start`` to
    ``end``: one row per rule (in the order given, with the rule's title) and one per month (every rule
    together, first day of the month, oldest first), from ONE grouped query."""
    from django.db.models.functions import TruncMonth

    today = today or timezone.localdate()
    keys = list(dict.fromkeys(rule_keys))
    by_rule = {key: Timeliness(key, rules.get(key).title) for key in keys}
    months = _months(start, end)
    grouped = (_timeliness_scope(qs, start=start, end=end, rule_keys=keys)
               .annotate(month=TruncMonth("due_date"), bucket=_timeliness_bucket(today))
               .values_list("rule_key", "month", "bucket")
               .annotate(n=Count("id")).order_by())
    for key, month, bucket, n in grouped:
        month = month.date() if hasattr(month, "date") else month
        by_rule[key].add(bucket, n)
        months[month].add(bucket, n)
    return [by_rule[k] for k in keys], list(months.items())


@dataclass
class TeamTimeliness:
    team_id: int | None
    team: str
    agency: str
    row: Timeliness


def timeliness_by_team(qs: QuerySet, *, start: date, end: date, rule_keys: Iterable[str],
                       today: date | None = None) -> list[TeamTimeliness]:
    """The same counts team by team (the deadline's responsible team; "No team" for those without one), one
    grouped query, ordered by agency and team name."""
    today = today or timezone.localdate()
    teams: dict[int | None, TeamTimeliness] = {}
    grouped = (_timeliness_scope(qs, start=start, end=end, rule_keys=rule_keys)
               .annotate(bucket=_timeliness_bucket(today))
               .values_list("responsible_team_id", "responsible_team__name", "responsible_team__agency__name",
                            "bucket")
               .annotate(n=Count("id")).order_by())
    for team_id, name, agency, bucket, n in grouped:
        entry = teams.setdefault(team_id, TeamTimeliness(team_id, name or "No team", agency or "",
                                                         Timeliness("", name or "No team")))
        entry.row.add(bucket, n)
    return sorted(teams.values(), key=lambda t: (t.team_id is None, t.agency, t.team))


def timeliness_deadlines(qs: QuerySet, *, start: date, end: date, rule_keys: Iterable[str],
                         bucket: str = "", today: date | None = None) -> QuerySet:
    """The deadlines a timeliness figure counts (the list a figure drills into): the same scope and buckets as
    ``timeliness``, those decided (on time, late, overdue: what the share on time is of) or one bucket only;
    oldest due first."""
    today = today or timezone.localdate()
    wanted = [bucket] if bucket else ["on_time", "late", "overdue"]
    scoped = (_timeliness_scope(qs, start=start, end=end, rule_keys=rule_keys)
              .annotate(bucket=_timeliness_bucket(today)).filter(bucket__in=wanted))
    return scoped.select_related(*LIST_RELATED).order_by("due_date", "id")
