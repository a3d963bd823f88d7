"""Child search and the duplicate check: the children a person may find (``child_policy.findable``)
matching what they typed. Re-exported by ``cases.selectors``; pages and the API import it from there.

A name search reads only candidate rows, through indexes (issue 9). For each term, the candidates are
the union of
- the children whose legal surname, first names or preferred name contains it (``icontains``, which
  PostgreSQL gets as ``UPPER(col::text) LIKE UPPER('%term%')``, served by the ``child_*_upper_trgm``
  GIN indexes on that expression) or looks like it (``col %> term``, i.e.
  ``word_similarity(term, col) >= pg_trgm.word_similarity_threshold``, served by the ``child_*_trgm``
  GIN indexes, with the threshold set to ``NAME_SIMILARITY``), and
- the children with a live alias containing it (``alias_name_upper_trgm``);
the children the person may find are intersected with those ids (``findable.filter(pk__in=...)``),
and only they are ranked (``word_similarity`` computed on them). NHS number, UPN and local child id
are equality lookups on their unique indexes; a date of birth is one on each of the two date indexes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

from safeguarding.access.context import AccessContext

from .duplicates import Candidate, find_candidates
from .identifiers import normalise_nhs_number, normalise_upn
from .models import Child, ChildAlias
from .policies import FIND_BREAK_GLASS, FIND_MINIMAL, FIND_OPEN, FIND_RESTRICTED, child_policy

NAME_SIMILARITY = 0.45
NAME_FIELDS = ("legal_surname", "legal_first_names", "preferred_name")
MAX_NAME_TERMS = 4
THRESHOLD_SETTING = "pg_trgm.word_similarity_threshold"
_THRESHOLD_OPTION = re.compile(r"-c\s*pg_trgm\.word_similarity_threshold\s*=\s*(\d*\.?\d+)(?!\S)")


def threshold_in_connection_options(settings_dict: dict) -> bool:
    """Whether the database settings start every session with ``pg_trgm.word_similarity_threshold`` at
    ``NAME_SIMILARITY`` (``OPTIONS["options"]`` holding ``-c pg_trgm.word_similarity_threshold=0.45``)."""
    found = _THRESHOLD_OPTION.search((settings_dict.get("OPTIONS") or {}).get("options") or "")
    return bool(found) and float(found.group(1)) == NAME_SIMILARITY


def use_name_similarity_threshold(using: str = DEFAULT_DB_ALIAS) -> None:
    """Set ``pg_trgm.word_similarity_threshold`` to ``NAME_SIMILARITY`` for the session of ``using``: the
    ``%>`` operator of the similarity arm reads it when the query runs. Called when a name search is
    built, so the query that follows on the same connection (the search page's, or the API's count
    and page) uses it; set at session level (not ``SET LOCAL``) because the API evaluates the queryset
    outside any transaction of ours, and again for every search, so a rolled-back transaction or a new
    connection cannot leave another value. One statement, or none when the connection's options
    already start every session with it (``threshold_in_connection_options``)."""
    connection = connections[using]
    if threshold_in_connection_options(connection.settings_dict):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [THRESHOLD_SETTING, str(NAME_SIMILARITY)])


@dataclass
class SearchCriteria:
    name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    upn: str = ""
    local_child_id: str = ""

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.nhs_number.strip() or self.upn.strip()
                    or self.local_child_id.strip())

    @property
    def terms(self) -> list[str]:
        """The name's words that are searched (the first ``MAX_NAME_TERMS``)."""
        return self.name.split()[:MAX_NAME_TERMS]


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


def name_candidates(term: str, scope: Callable[..., Q] | None = None) -> QuerySet:
    """The ids of the children whose name, preferred name or live alias contains ``term`` (any case), or
    whose name looks like it (``word_similarity(term, col) >= NAME_SIMILARITY``): a ``UNION ALL`` of an
    index-served query on cases_child (a ``BitmapOr`` of its six trigram indexes) and one on the live
    aliases. ``scope(key=..., authority=...)`` (``child_policy.findable_scope`` for the searcher) narrows
    both to the children the searcher may find, so that the candidates are theirs and not the whole
    database's. Needs ``use_name_similarity_threshold()`` on the connection that runs it."""
    names = Q()
    for f in NAME_FIELDS:
        names |= Q(**{f"{f}__icontains": term}) | Q(**{f"{f}__trigram_word_similar": term})
    children = Child.objects.filter(names).order_by().values("pk")
    aliases = ChildAlias.objects.live().filter(name__icontains=term).order_by().values("child_id")
    if scope is not None:
        children = children.filter(scope())
        aliases = aliases.filter(scope(key="child_id", authority="child__local_authority_id"))
    return children.union(aliases, all=True)


def child_search_queryset(*, base: QuerySet, criteria: SearchCriteria,
                          scope: Callable[..., Q] | None = None) -> QuerySet:
    """Children in ``base`` matching every criterion given; annotated for match reasons (``alias{i}``:
    a live alias contains the i-th term) and, with a name, for ranking (``sim0``: how much the first term
    looks like the child's names). Each name term keeps the children among its ``name_candidates``, so
    the similarity is computed on those rows only. Building a name search sets the similarity threshold
    on ``base``'s connection (``use_name_similarity_threshold``)."""
    qs = base
    if criteria.nhs_number.strip():
        qs = qs.filter(nhs_number=normalise_nhs_number(criteria.nhs_number))
    if criteria.upn.strip():
        qs = qs.filter(upn=normalise_upn(criteria.upn))
    if criteria.local_child_id.strip():
        qs = qs.filter(local_child_id=criteria.local_child_id.strip().upper())
    if criteria.date_of_birth:
        qs = qs.filter(Q(date_of_birth=criteria.date_of_birth) | Q(expected_date_of_birth=criteria.date_of_birth))
    terms = criteria.terms
    if not terms:
        return qs
    use_name_similarity_threshold(qs.db)
    for i, term in enumerate(terms):
        alias_match = ChildAlias.objects.live().filter(child=OuterRef("pk"), name__icontains=term)
        qs = qs.filter(pk__in=name_candidates(term, scope)).annotate(**{f"alias{i}": Exists(alias_match)})
    return qs.annotate(sim0=Greatest(*(TrigramWordSimilarity(terms[0], f) for f in NAME_FIELDS)))


def _reasons(child: Child, criteria: SearchCriteria) -> list[str]:
    reasons = []
    if criteria.nhs_number.strip():
        reasons.append("NHS number matches")
    if criteria.upn.strip():
        reasons.append("Unique pupil number matches")
    if criteria.local_child_id.strip():
        reasons.append("Local child ID matches")
    if criteria.date_of_birth:
        reasons.append("Date of birth matches" if child.date_of_birth else "Expected date of birth matches")
    for i, term in enumerate(criteria.terms):
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
    qs = child_search_queryset(base=base, criteria=criteria,
                               scope=lambda **kw: child_policy.findable_scope(ctx, **kw))
    order = ["legal_surname", "legal_first_names", "id"]
    if criteria.terms:
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
