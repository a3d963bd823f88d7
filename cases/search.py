"""Child search and the duplicate check: the children a person may find (``child_policy.findable``)
matching what they typed. Re-exported by ``cases.selectors``; pages and the API import it from there."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from safeguarding.access.context import AccessContext

from .duplicates import Candidate, find_candidates
from .identifiers import normalise_nhs_number, normalise_upn
from .models import Child, ChildAlias
from .policies import FIND_BREAK_GLASS, FIND_MINIMAL, FIND_OPEN, FIND_RESTRICTED, child_policy

NAME_SIMILARITY = 0.45


@dataclass
class SearchCriteria:
    name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    upn: str = ""

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.nhs_number.strip() or self.upn.strip())


def holder_of(child: Child) -> str:
    """Who holds a child's record, for someone who found it and cannot open it: the allocated team, or
    the authority when no team is allocated (the child comes with allocated_team and local_authority)."""
    return child.held_by


@dataclass
class SearchResult:
    """A child found: ``finding`` (``child_policy.findable``) says how much of it the page may show."""

    child: Child
    finding: str
    reasons: list[str] = field(default_factory=list)

    @property
    def can_view(self) -> bool:
        return self.finding == FIND_OPEN

    @property
    def may_break_glass(self) -> bool:
        return self.finding == FIND_BREAK_GLASS

    @property
    def minimal(self) -> bool:
        """No basis: name, date of birth, local id and holder only, with a way to ask for access."""
        return self.finding == FIND_MINIMAL

    @property
    def restricted_notice(self) -> bool:
        """No basis, restricted: only that a restricted record matches, with a way to ask for access."""
        return self.finding == FIND_RESTRICTED

    @property
    def may_request_access(self) -> bool:
        return self.finding in (FIND_MINIMAL, FIND_RESTRICTED)

    @property
    def holder(self) -> str:
        return holder_of(self.child)


def child_search_queryset(*, base: QuerySet, criteria: SearchCriteria) -> QuerySet:
    """Children in ``base`` matching every criterion given; annotated for match reasons."""
    qs = base
    if criteria.nhs_number.strip():
        qs = qs.filter(nhs_number=normalise_nhs_number(criteria.nhs_number))
    if criteria.upn.strip():
        qs = qs.filter(upn=normalise_upn(criteria.upn))
    if criteria.date_of_birth:
        qs = qs.filter(Q(date_of_birth=criteria.date_of_birth) | Q(expected_date_of_birth=criteria.date_of_birth))
    terms = [t for t in criteria.name.split() if t]
    for i, term in enumerate(terms[:4]):
        alias_match = ChildAlias.objects.live().filter(child=OuterRef("pk"), name__icontains=term)
        qs = qs.annotate(**{
            f"sim{i}": Greatest(
                TrigramWordSimilarity(term, "legal_surname"),
                TrigramWordSimilarity(term, "legal_first_names"),
                TrigramWordSimilarity(term, "preferred_name"),
            ),
            f"alias{i}": Exists(alias_match),
        }).filter(
            Q(legal_surname__icontains=term) | Q(legal_first_names__icontains=term)
            | Q(preferred_name__icontains=term) | Q(**{f"alias{i}": True}) | Q(**{f"sim{i}__gte": NAME_SIMILARITY})
        )
    return qs


def _reasons(child: Child, criteria: SearchCriteria) -> list[str]:
    reasons = []
    if criteria.nhs_number.strip():
        reasons.append("NHS number matches")
    if criteria.upn.strip():
        reasons.append("Unique pupil number matches")
    if criteria.date_of_birth:
        reasons.append("Date of birth matches" if child.date_of_birth else "Expected date of birth matches")
    for i, term in enumerate([t for t in criteria.name.split() if t][:4]):
        t = term.lower()
        if t in child.legal_surname.lower():
            reasons.append(f"Surname contains “{term}”")
        elif t in child.legal_first_names.lower():
            reasons.append(f"First names contain “{term}”")
        elif child.preferred_name and t in child.preferred_name.lower():
            reasons.append(f"Preferred name contains “{term}”")
        elif getattr(child, f"alias{i}", False):
            reasons.append(f"An alias or previous name contains “{term}”")
        else:
            reasons.append(f"Name sounds or looks like “{term}”")
    return reasons


def child_search(*, ctx: AccessContext, criteria: SearchCriteria, limit: int = 50) -> list[SearchResult]:
    """Search across the children ``ctx`` may find (``child_policy.findable``), in one query. Each
    result says how much of the child may be shown (``finding``): the whole row, a restricted record with
    a basis (redacted, with a way to break the glass), a minimal row (no basis) or only that a restricted
    record matches. The caller logs the sightings (``services.child_sightings_record``)."""
    if criteria.empty:
        return []
    base = child_policy.findable(ctx).select_related("allocated_social_worker", "allocated_team", "local_authority")
    qs = child_search_queryset(base=base, criteria=criteria)
    order = ["legal_surname", "legal_first_names", "id"]
    if criteria.name.strip():
        order = ["-sim0", *order]
    rows = list(qs.order_by(*order)[:limit])
    return [SearchResult(child=c, finding=c.finding, reasons=_reasons(c, criteria)) for c in rows]


def child_duplicate_matches(*, ctx: AccessContext, data: dict, exclude_pk=None) -> list[Candidate]:
    """Children similar to ``data`` among those ``ctx`` may find (``child_policy.findable``), each
    ``candidate.child.finding`` saying how much of it may be shown. The caller logs the sightings."""
    pool = child_policy.findable(ctx).select_related("allocated_team", "local_authority")
    return find_candidates(
        queryset=pool, first_names=data.get("legal_first_names", ""), surname=data.get("legal_surname", ""),
        date_of_birth=data.get("date_of_birth"), expected_date_of_birth=data.get("expected_date_of_birth"),
        exclude_pk=exclude_pk,
    )
