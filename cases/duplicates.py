"""Duplicate detection: identical identifiers block; similar names with near dates of birth warn.

Near means: the same date, one day either side, or day and month transposed (3/4 for 4/3).
Names are compared with rapidfuzz (Jaro-Winkler on surnames and first names, token set ratio on
whole names, aliases and preferred names included).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from .models import Child, ChildAlias

SURNAME_THRESHOLD = 0.85
FIRST_NAME_THRESHOLD = 0.80
WHOLE_NAME_THRESHOLD = 85


@dataclass
class Candidate:
    child: Child
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def near_dates(dob: date) -> dict[date, str]:
    out = {dob: "same date of birth", dob - timedelta(days=1): "date of birth one day apart",
           dob + timedelta(days=1): "date of birth one day apart"}
    if dob.day != dob.month and dob.day <= 12:
        try:
            out.setdefault(date(dob.year, dob.day, dob.month), "day and month of birth transposed")
        except ValueError:
            pass
    return out


def _norm(s: str) -> str:
    return " ".join((s or "").lower().replace("-", " ").replace("'", "").split())


def name_similarity(first_a: str, surname_a: str, first_b: str, surname_b: str) -> tuple[float, str | None]:
    """A 0..1 score and the reason, or (score, None) when the names are not similar."""
    fa, sa, fb, sb = _norm(first_a), _norm(surname_a), _norm(first_b), _norm(surname_b)
    if not sa or not sb:
        return 0.0, None
    s_sim = JaroWinkler.normalized_similarity(sa, sb)
    whole = fuzz.token_set_ratio(f"{fa} {sa}", f"{fb} {sb}") / 100
    if not fa or not fb:
        # e.g. an unborn child without first names: the surname is all there is to compare
        if s_sim >= SURNAME_THRESHOLD:
            return s_sim, "same surname, no first names to compare" if s_sim == 1.0 else (
                f"similar surname ({round(100 * s_sim)}%), no first names to compare")
        return s_sim, None
    f_sim = JaroWinkler.normalized_similarity(fa.split()[0], fb.split()[0])
    if s_sim >= SURNAME_THRESHOLD and f_sim >= FIRST_NAME_THRESHOLD:
        exact = s_sim == 1.0 and f_sim == 1.0
        return (s_sim + f_sim) / 2, "same name" if exact else f"similar name ({round(100 * (s_sim + f_sim) / 2)}%)"
    if whole * 100 >= WHOLE_NAME_THRESHOLD:
        # first and surname swapped, or a double-barrelled surname
        return whole, f"similar name, parts in another order ({round(100 * whole)}%)"
    return max(s_sim, whole), None


def identifier_clashes(*, nhs_number: str = "", upn: str = "", exclude_pk=None) -> dict[str, Child]:
    """Children (any, regardless of access) already holding these identifiers: one statement, each
    identifier an equality lookup on its unique index (``child_nhs_unique``, ``child_upn_unique``)."""
    wanted = {name: value for name, value in (("nhs_number", nhs_number), ("upn", upn)) if value}
    if not wanted:
        return {}
    base = Child.objects.exclude(pk=exclude_pk) if exclude_pk else Child.objects.all()
    match = Q()
    for name, value in wanted.items():
        match |= Q(**{name: value})
    out = {}
    for child in base.filter(match).order_by("pk"):
        for name, value in wanted.items():
            if getattr(child, name) == value:
                out.setdefault(name, child)
    return out


def find_candidates(
    *, queryset: QuerySet, first_names: str, surname: str, date_of_birth: date | None,
    expected_date_of_birth: date | None = None, exclude_pk=None, limit: int = 20,
) -> list[Candidate]:
    """Similar children within ``queryset`` (the children the asking person may find: the policy's
    ``findable``, whose ``finding`` annotation each candidate's child keeps).

    The candidates are drawn through the two date indexes (``date_of_birth`` or
    ``expected_date_of_birth`` equal to one of the three or four ``near_dates``: a ``BitmapOr`` of index
    scans, the children born on those days only), then their names, preferred names and live aliases
    are compared here. The date is the lookup, not a trigram filter on names: Jaro-Winkler and the
    token set ratio accept names that share few trigrams (Smith and Smyth share 3 of 9), so a trigram
    threshold would drop candidates this check finds."""
    dob = date_of_birth or expected_date_of_birth
    if dob is None or not surname:
        return []
    dates = near_dates(dob)
    qs = queryset.filter(Q(date_of_birth__in=dates) | Q(expected_date_of_birth__in=dates))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.prefetch_related(
        Prefetch(
            "aliases", queryset=ChildAlias.objects.live(), to_attr="live_aliases"
        )
    )
    results = []
    for child in qs[:500]:
        names = [(child.legal_first_names, child.legal_surname, "")]
        if child.preferred_name:
            names.append((child.preferred_name, child.legal_surname, " (preferred name)"))
        for alias in child.live_aliases:
            *first, last = alias.name.split() or [""]
            names.append((" ".join(first), last, f" (alias {alias.name})"))
        best = (0.0, None, "")
        for f, s, note in names:
            score, reason = name_similarity(first_names, surname, f, s)
            if reason and score > best[0]:
                best = (score, reason, note)
        if best[1] is None:
            continue
        # the row matched on either date (both may be recorded): name the one that is near
        child_dob = child.date_of_birth if child.date_of_birth in dates else child.expected_date_of_birth
        reasons = [best[1] + best[2], dates[child_dob]]
        results.append(Candidate(child=child, reasons=reasons, score=best[0]))
    results.sort(key=lambda c: -c.score)
    return results[:limit]
