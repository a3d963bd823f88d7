"""The LADO service's figures for its yearly report to the partnership (and the FOI requests that ask them
every year; issue 11 section 5, issue 13 section 3; ADR 29): referrals and consultations by sector, referrals
by the person's employment, the share referred within the employer's working day, outcomes, how long cases
took from referral to outcome (KCSIE's bands, against the deployment's targets), DBS and regulator referrals,
and repeat subjects. One grouped query a figure over the referrals the caller's policy shows; every row opens
the referrals it counts (``referrals_behind``), filtered by the same condition."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db.models import Case, CharField, Count, DateField, Exists, Func, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from safeguarding.clock import rules, workdays
from safeguarding.figures import Column, Figure, FigureRow

from ..codes import DbsReferral, EmploymentType, OutcomeCategory, Regulator, Sector
from ..models import LadoCase, RegulatorReferral

FIGURES = ("sector", "employment", "timely", "outcome", "resolution", "dbs", "regulator", "repeat")
LIVE = Q(entered_in_error_at__isnull=True)


# --- the resolution bands: within 1 month, 1 to 3 months, 3 to 12 months, over 12 months -----------------------
def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def bands() -> list[tuple[str, str, int | None, int | None]]:
    """(key, label, more than this many months, at most this many months) of each band."""
    edges = rules.LADO_RESOLUTION_BANDS_MONTHS
    out = [(str(edges[0]), f"Within {_months(edges[0])}", None, edges[0])]
    for low, high in zip(edges, edges[1:], strict=False):
        out.append((str(high), f"{_months(low)} to {_months(high)}", low, high))
    out.append(("over", f"Over {_months(edges[-1])}", edges[-1], None))
    return out


def resolution_band(received: date, on: date) -> tuple[str, str]:
    """The band of a case referred on ``received`` and resolved (or still open) on ``on``."""
    for key, label, _low, high in bands():
        if high is None or on <= workdays.add_months(received, high):
            return key, label
    raise AssertionError("unreachable: the last band has no end")


def open_age_label(label: str) -> str:
    """A band's label for a case still open ("Under 1 month" rather than "Within 1 month")."""
    return label.replace("Within", "Under", 1)


def open_age_labels() -> list[str]:
    return [open_age_label(label) for _key, label, _low, _high in bands()]


class PlusMonths(Func):
    """``date + n months`` in PostgreSQL (the end of the month when the day does not exist, as add_months)."""

    template = "(%(expressions)s + make_interval(months => %(months)s))::date"
    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression, months=int(months))


def _band_expression():
    received = TruncDate("received_at")
    whens = [When(case__outcome__decided_on__lte=PlusMonths(received, high), then=Value(key))
             for key, _label, _low, high in bands() if high is not None]
    return Case(*whens, default=Value("over"), output_field=CharField())


# --- the conditions, one per row -------------------------------------------------------------------------------
def _received(start: date, end: date) -> Q:
    return Q(received_at__date__gte=start, received_at__date__lte=end)


def _decided(start: date, end: date) -> Q:
    return Q(case__outcome__decided_on__gte=start, case__outcome__decided_on__lte=end)


def _repeat_q() -> Q:
    """The person had another live case before this one (the person index)."""
    earlier = LadoCase.objects.filter(LIVE, subject_id=OuterRef("case__subject_id"),
                                      referral__received_at__lt=OuterRef("received_at"))
    return Q(Exists(earlier))


def _condition(figure: str, value: str, start: date, end: date) -> Q | None:
    received, decided = _received(start, end), _decided(start, end)
    table = {
        "sector": (Sector.values, lambda v: received & Q(sector=v)),
        "employment": (EmploymentType.values, lambda v: received & Q(subject_employment_type=v)),
        "timely": (["yes", "no"], lambda v: received & (Q(late_reason="") if v == "yes" else ~Q(late_reason=""))),
        "outcome": (OutcomeCategory.values, lambda v: decided & Q(case__outcome__category=v)),
        "dbs": (DbsReferral.values, lambda v: decided & Q(case__outcome__dbs_referral=v)),
        "regulator": (Regulator.values, lambda v: Q(Exists(RegulatorReferral.objects.filter(
            LIVE, case_id=OuterRef("case__pk"), regulator=v, referred_on__gte=start, referred_on__lte=end)))),
        "repeat": (["repeat", "first"], lambda v: received & Q(case__subject__isnull=False)
                   & (_repeat_q() if v == "repeat" else ~_repeat_q())),
    }
    if figure == "resolution":
        return decided if value in [b[0] for b in bands()] else None
    if figure not in table or value not in table[figure][0]:
        return None
    return table[figure][1](value)


def referrals_behind(referrals: QuerySet, *, figure: str, value: str, start: date, end: date) -> QuerySet | None:
    q = _condition(figure, value, start, end)
    if q is None:
        return None
    qs = referrals.filter(q)
    if figure == "resolution":
        qs = qs.annotate(band=_band_expression()).filter(band=value)
    return qs.select_related("case__outcome").annotate(delay_reason=_delay_reason()).order_by("received_at", "pk")


def _delay_reason():
    """The reason given when the case's outcome came after the one-month target (``lado_resolution`` met late)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Subquery

    from safeguarding.clock.models import Deadline

    return Subquery(Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(LadoCase),
                                            subject_id=OuterRef("case__pk"), rule_key="lado_resolution")
                    .exclude(late_reason="").values("late_reason")[:1])


# --- the figures -----------------------------------------------------------------------------------------------
def _share(n: int, of: int) -> int | None:
    return round(100 * n / of) if of else None


def lado_figures(referrals: QuerySet, consultations: QuerySet, *, start: date, end: date,
                 link: Callable[[str, str], str]) -> list[Figure]:
    """Eight figures, eight statements."""
    received = referrals.filter(_received(start, end))
    decided = referrals.filter(_decided(start, end))
    by_sector = dict(received.values_list("sector").annotate(n=Count("pk")).order_by())
    consulted = dict(consultations.filter(received_on__gte=start, received_on__lte=end)
                     .values_list("sector").annotate(n=Count("pk")).order_by())
    by_employment = dict(received.values_list("subject_employment_type").annotate(n=Count("pk")).order_by())
    timely = received.aggregate(yes=Count("pk", filter=Q(late_reason="")), no=Count("pk", filter=~Q(late_reason="")))
    by_outcome = dict(decided.values_list("case__outcome__category").annotate(n=Count("pk")).order_by())
    by_band = dict(decided.annotate(band=_band_expression()).values_list("band").annotate(n=Count("pk")).order_by())
    by_dbs = dict(decided.values_list("case__outcome__dbs_referral").annotate(n=Count("pk")).order_by())
    by_regulator = dict(RegulatorReferral.objects.filter(LIVE, case__referral__in=referrals.values("pk"),
                                                         referred_on__gte=start, referred_on__lte=end)
                        .values_list("regulator").annotate(n=Count("case_id", distinct=True)).order_by())
    repeat = received.filter(case__subject__isnull=False).aggregate(
        repeat=Count("pk", filter=_repeat_q()), first=Count("pk", filter=~_repeat_q()))
    n_received, n_decided = sum(by_sector.values()), sum(by_outcome.values())
    col = Column

    def rows(choices, counts, figure, total=None):
        return [FigureRow(label, (counts.get(code, 0),) if total is None else
                          (counts.get(code, 0), _share(counts.get(code, 0), total)), link(figure, code), code)
                for code, label in choices]

    targets = list(settings.LADO_RESOLUTION_TARGETS)
    cumulative, band_rows = 0, []
    for i, (key, label, _low, high) in enumerate(bands()):
        cumulative += by_band.get(key, 0)
        target = targets[i] if high is not None and i < len(targets) else None
        band_rows.append(FigureRow(label, (by_band.get(key, 0), _share(by_band.get(key, 0), n_decided),
                                           _share(cumulative, n_decided) if high is not None else None, target),
                                   link("resolution", key), key))
    return [
        Figure("sector", "Referrals and consultations by sector",
               [col("sector", "Sector", numeric=False), col("referrals", "Referrals"),
                col("consultations", "Consultations")],
               [FigureRow(label, (by_sector.get(code, 0), consulted.get(code, 0)), link("sector", code), code)
                for code, label in Sector.choices],
               description=f"{n_received} referral{'s' if n_received != 1 else ''} and {sum(consulted.values())} "
                           "consultation(s) received in the period. Each row opens its referrals."),
        Figure("employment", "Referrals by the person's employment",
               [col("type", "Employment", numeric=False), col("referrals", "Referrals"), col("share", "Share (%)")],
               rows(EmploymentType.choices, by_employment, "employment", n_received)),
        Figure("timely", "Referred within one working day of the employer knowing",
               [col("when", "Referral", numeric=False), col("referrals", "Referrals"), col("share", "Share (%)")],
               [FigureRow("Within one working day", (timely["yes"], _share(timely["yes"], n_received)),
                          link("timely", "yes"), "yes"),
                FigureRow("Later (with the reason)", (timely["no"], _share(timely["no"], n_received)),
                          link("timely", "no"), "no")]),
        Figure("outcome", "Outcomes of the allegations",
               [col("outcome", "Outcome", numeric=False), col("cases", "Cases"), col("share", "Share (%)")],
               rows(OutcomeCategory.choices, by_outcome, "outcome", n_decided),
               description=f"{n_decided} case{'s' if n_decided != 1 else ''} reached an outcome in the period."),
        Figure("resolution", "From referral to outcome",
               [col("band", "Time taken", numeric=False), col("cases", "Cases"), col("share", "Share (%)"),
                col("cumulative", "Resolved by then (%)"), col("target", "Target (%)")],
               band_rows, chart_column=1, unit="%", maximum=100,
               description="Cases that reached an outcome in the period, by the time from the referral; the "
                           "targets are the service's (settings.LADO_RESOLUTION_TARGETS)."),
        Figure("dbs", "Referrals to the DBS",
               [col("dbs", "DBS referral", numeric=False), col("cases", "Cases")],
               rows(DbsReferral.choices, by_dbs, "dbs")),
        Figure("regulator", "Referrals to regulators",
               [col("regulator", "Regulator", numeric=False), col("cases", "Cases")],
               rows(Regulator.choices, by_regulator, "regulator")),
        Figure("repeat", "Repeat subjects",
               [col("kind", "Person", numeric=False), col("referrals", "Referrals")],
               [FigureRow("Had an earlier allegation", (repeat["repeat"],), link("repeat", "repeat"), "repeat"),
                FigureRow("First allegation", (repeat["first"],), link("repeat", "first"), "first")],
               description="Referrals received in the period whose person (in the person index) had an earlier "
                           "case."),
    ]
