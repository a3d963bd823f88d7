"""The person index: matching a referral's subject against it, and searching it.

The names are compared exactly as children are compared in the duplicate check (``cases.duplicates``:
``name_similarity``, Jaro-Winkler on surnames and first names, the token set ratio on whole names, and
``near_dates`` for the date of birth: the same date, a day either side, day and month transposed), reused
from there. An adult's record adds what identifies them at work: an identifier that is the same (National
Insurance number, teacher reference number, professional registration number) is a match whatever the
name, and the same employer or role is given as a further reason.

Candidates are drawn through indexes, then compared here: the identifiers (equality, partial indexes), the
near dates of birth (``lado_index_dob``) and, where either side has no date of birth, surnames or other
names that look alike (``%`` on the trigram indexes, PostgreSQL's ``similarity_threshold``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from rapidfuzz import fuzz

from cases.duplicates import name_similarity, near_dates

from ..models import LIVE, LadoCase, PersonIndexEntry

WORK_THRESHOLD = 85  # token set ratio (0-100) for "same employer" and "same role"
IDENTIFIERS = (("ni_number", "same National Insurance number"),
               ("teacher_reference", "same teacher reference number"),
               ("registration_number", "same professional registration number"))


@dataclass
class IndexCandidate:
    entry: PersonIndexEntry
    score: float
    reasons: list[str] = field(default_factory=list)


def normalise_identifier(value: str) -> str:
    return "".join((value or "").upper().split())


def _alike(a: str, b: str) -> bool:
    return bool(a.strip() and b.strip()) and fuzz.token_set_ratio(a.lower(), b.lower()) >= WORK_THRESHOLD


def index_candidates(*, entries: QuerySet, first_names: str, surname: str, date_of_birth: date | None = None,
                     other_names: str = "", ni_number: str = "", teacher_reference: str = "",
                     registration_number: str = "", employer: str = "", role: str = "",
                     limit: int = 10) -> list[IndexCandidate]:
    """The entries of ``entries`` (the index the asking person may search: ``index_policy.visible``) that
    may be the same adult, the likeliest first, each with its reasons."""
    identifiers = {name: normalise_identifier(value) for name, value in
                   (("ni_number", ni_number), ("teacher_reference", teacher_reference),
                    ("registration_number", registration_number)) if normalise_identifier(value)}
    surname = (surname or "").strip()
    pool = Q(pk__in=[])
    for name, value in identifiers.items():
        pool |= Q(**{name: value})
    dates = near_dates(date_of_birth) if date_of_birth else {}
    if surname:
        by_name = Q(surname__trigram_similar=surname) | Q(other_names__icontains=surname)
        if dates:
            pool |= Q(date_of_birth__in=list(dates)) | (by_name & Q(date_of_birth__isnull=True))
        else:
            pool |= by_name
    if pool == Q(pk__in=[]):
        return []
    names_given = [(first_names, surname, "")] + [
        (" ".join(n.split()[:-1]), n.split()[-1], f" (other name {n})") for n in other_names.split(";")
        if n.strip()]
    out = []
    for entry in entries.filter(pool)[:200]:
        reasons, score = [], 0.0
        same_ids = [reason for name, reason in IDENTIFIERS if name in identifiers
                    and getattr(entry, name) == identifiers[name]]
        best = (0.0, None, "")
        names_held = [(entry.first_names, entry.surname, "")] + [
            (" ".join(n.split()[:-1]), n.split()[-1], f" (other name {n})") for n in entry.other_name_list]
        for f, s, note in names_given:
            for f2, s2, note2 in names_held:
                sim, reason = name_similarity(f, s, f2, s2)
                if reason and sim > best[0]:
                    best = (sim, reason, note or note2)
        if best[1]:
            reasons.append(best[1] + best[2])
            score = best[0]
        if date_of_birth and entry.date_of_birth:
            near = dates.get(entry.date_of_birth)
            if near:
                reasons.append(near)
            elif not same_ids:
                continue  # born on days far apart: not the same person, whatever the name
        elif best[1]:
            reasons.append("no date of birth to compare")
        if not same_ids and not best[1]:
            continue
        if same_ids:
            reasons = same_ids + reasons
            score = max(score, 1.0) + 0.1 * len(same_ids)
        if _alike(employer, entry.employer):
            reasons.append("same employer")
            score += 0.05
        if _alike(role, entry.role):
            reasons.append("same role")
            score += 0.02
        out.append(IndexCandidate(entry=entry, score=round(score, 4), reasons=reasons))
    out.sort(key=lambda c: (-c.score, c.entry.surname, c.entry.pk))
    return out[:limit]


def referral_index_candidates(*, entries: QuerySet, referral) -> list[IndexCandidate]:
    """The index entries a referral's subject resembles (within ``entries``)."""
    return index_candidates(
        entries=entries, first_names=referral.subject_first_names, surname=referral.subject_surname,
        date_of_birth=referral.subject_date_of_birth, other_names=referral.subject_other_names,
        ni_number=referral.subject_ni_number, teacher_reference=referral.subject_teacher_reference,
        registration_number=referral.subject_registration_number, employer=referral.subject_employer,
        role=referral.subject_role)


def index_search(*, entries: QuerySet, name: str = "", date_of_birth: date | None = None,
                 identifier: str = "", limit: int = 50) -> list[IndexCandidate]:
    """The index search page: a name (the last word taken as the surname), a date of birth, an identifier."""
    words = name.split()
    identifier = normalise_identifier(identifier)
    if not words and not identifier and not date_of_birth:
        return []
    if not words:
        rows = entries.filter(Q(ni_number=identifier) | Q(teacher_reference=identifier)
                              | Q(registration_number=identifier) if identifier else Q(date_of_birth=date_of_birth))
        if identifier and date_of_birth:
            rows = rows.filter(date_of_birth=date_of_birth)
        return [IndexCandidate(entry=e, score=1.0, reasons=["identifier matches" if identifier
                                                             else "date of birth matches"]) for e in rows[:limit]]
    first, surname = " ".join(words[:-1]), words[-1]
    found = index_candidates(entries=entries, first_names=first, surname=surname, date_of_birth=date_of_birth,
                             ni_number=identifier, teacher_reference=identifier, registration_number=identifier,
                             limit=limit)
    if not first:  # a surname alone: every entry whose surname or other names contain it, too
        seen = {c.entry.pk for c in found}
        for entry in entries.filter(Q(surname__icontains=surname) | Q(other_names__icontains=surname))[:limit]:
            if entry.pk not in seen:
                found.append(IndexCandidate(entry=entry, score=0.5, reasons=[f"name contains “{surname}”"]))
    return found[:limit]


def with_history(entries: QuerySet) -> QuerySet:
    """Index entries with their cases (previous allegations: the referral's reference and date, the status,
    the outcome and its date), newest first: one more query for all of them."""
    cases = (LadoCase.objects.filter(LIVE).select_related("referral", "outcome", "evaluation")
             .order_by("-referral__received_at"))
    return entries.prefetch_related(Prefetch("cases", queryset=cases, to_attr="history_cases"))


def case_counts(entries: QuerySet) -> QuerySet:
    return entries.annotate(case_count=Count("cases", filter=Q(cases__entered_in_error_at__isnull=True)))
