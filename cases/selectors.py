"""Reads that cross relations, shaped for their page or endpoint. All take the policy's queryset."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from safeguarding.access.context import AccessContext
from safeguarding.audit.selectors import events_for, views_of

from .identifiers import normalise_nhs_number, normalise_upn
from .models import Child, ChildAddress, ChildAlias, ChronologyEntry, DuplicateLink, Involvement, Relationship
from .policies import child_policy

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


@dataclass
class SearchResult:
    child: Child
    can_view: bool
    reasons: list[str] = field(default_factory=list)


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
        alias_match = ChildAlias.objects.filter(child=OuterRef("pk"), name__icontains=term,
                                                entered_in_error_at__isnull=True)
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
    """Search across the children ``ctx`` has a basis for. Restricted ones they are not named on are
    returned with ``can_view=False`` (shown redacted, with a way to break the glass)."""
    if criteria.empty:
        return []
    base = child_policy.visible(ctx, "find").annotate(
        can_view=Case(When(child_policy.unrestricted_q(ctx), then=Value(True)), default=Value(False),
                      output_field=BooleanField())
    ).select_related("allocated_social_worker", "allocated_team")
    qs = child_search_queryset(base=base, criteria=criteria)
    order = ["legal_surname", "legal_first_names", "id"]
    if criteria.name.strip():
        order = ["-sim0", *order]
    rows = list(qs.order_by(*order)[:limit])
    return [SearchResult(child=c, can_view=c.can_view, reasons=_reasons(c, criteria)) for c in rows]


def child_page(*, child: Child, include_history: bool, include_access_log: bool) -> dict:
    """Everything the child's page shows, in a fixed number of queries."""
    relationships = Relationship.objects.filter(child=child).select_related("adult").order_by(
        "end_date", "-parental_responsibility"
    )
    involvements = Involvement.objects.filter(child=child).select_related("agency", "professional").order_by(
        "end_date", "agency__name")
    chronology = ChronologyEntry.objects.filter(child=child).select_related("source_agency", "recorded_by")
    # Addresses and names entered in error are not the child's: leave them out (history keeps them).
    addresses = ChildAddress.objects.filter(child=child, entered_in_error_at__isnull=True).order_by("-start_date")
    aliases = ChildAlias.objects.filter(child=child, entered_in_error_at__isnull=True)
    data = {
        "child": child,
        "relationships": list(relationships),
        "involvements": list(involvements),
        "chronology": list(chronology),
        "addresses": list(addresses),
        "aliases": list(aliases),
        # the child's links first (both columns indexed), then the other records: no scan of all children
        "duplicates": list(
            Child.objects.filter(pk__in=[
                other for pair in DuplicateLink.objects.filter(Q(child=child) | Q(other=child),
                                                               entered_in_error_at__isnull=True)
                .values_list("child_id", "other_id") for other in pair if other != child.pk
            ]).only("public_id", "legal_first_names", "legal_surname", "local_child_id")
        ),
    }
    if include_history:
        data["history"] = list(child.history.select_related("history_user").order_by("-history_date")[:100])
        data["events"] = list(events_for(child, limit=100))
    if include_access_log:
        data["access_log"] = list(views_of(child, limit=500))
    return data


def home_summary(*, ctx: AccessContext) -> dict:
    if not ctx.is_authenticated:
        return {}
    mine = (
        child_policy.visible(ctx, "view")
        .filter(allocated_social_worker_id=ctx.user_id, status=Child.Status.OPEN)
        .select_related("allocated_team")
        .order_by("legal_surname")[:50]
    )
    return {"my_children": list(mine)}

