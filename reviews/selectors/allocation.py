"""Reads for allocating an IRO: who may be allocated, whom to suggest, and each officer's whole footprint.

- ``eligible_iros``: active IROs of the child's authority who do not manage the case, and not the IRO
  of the child's looked-after parent or of the child's own looked-after child (a parent and child who
  are both looked after have different IROs);
- ``iro_suggestions``: the eligible IROs, the one who reviews the child's siblings first, then the
  lightest footprint;
- ``caseload``: every IRO of an authority with their footprint: the looked-after children allocated to
  them and the children whose child protection conferences they chair (in many services, Walsall's for
  one, the same officers are IROs and conference chairs, so the two count together).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from safeguarding.accounts.models import Membership, Role, User

from ..models import OPEN, IroAllocation, LookedAfterEpisode

# cases.RelationshipKind values of a parent (cases.models is cases' own; ADR 10)
PARENT_KINDS = ("mother", "father")


def _current(prefix: str = "") -> Q:
    """Open and live (an allocation, placement, period...), optionally through a relation ``prefix``."""
    return Q(**{f"{prefix}end_date__isnull": True, f"{prefix}entered_in_error_at__isnull": True})


def current_iro_id(episode: LookedAfterEpisode) -> int | None:
    return (IroAllocation.objects.filter(OPEN, episode=episode).values_list("iro_id", flat=True).first())


def parent_child_iro_ids(episode: LookedAfterEpisode) -> set[int]:
    """The IROs the child may not have: the current IRO of their looked-after parent, and of any
    looked-after child of theirs (one query)."""
    relatives = Q(episode__child_id=episode.looked_after_parent_id) if episode.looked_after_parent_id else Q(pk__in=[])
    relatives |= Q(episode__looked_after_parent_id=episode.child_id)
    return set(IroAllocation.objects.filter(OPEN, _current("episode__")).filter(relatives)
               .exclude(episode=episode).values_list("iro_id", flat=True))


def sibling_iro_ids(episode: LookedAfterEpisode) -> set[int]:
    """The current IROs of the child's looked-after siblings: children who share a household with the child,
    or a mother or father (one query)."""
    child_id = episode.child_id
    household = Q(episode__child__households__children__id=child_id,
                  episode__child__households__entered_in_error_at__isnull=True)
    parent = Q(episode__child__relationships__kind__in=PARENT_KINDS,
               episode__child__relationships__entered_in_error_at__isnull=True,
               episode__child__relationships__adult__relationships__child_id=child_id,
               episode__child__relationships__adult__relationships__kind__in=PARENT_KINDS,
               episode__child__relationships__adult__relationships__entered_in_error_at__isnull=True)
    live = IroAllocation.objects.filter(OPEN, _current("episode__")).exclude(episode__child_id=child_id)
    return (set(live.filter(household).values_list("iro_id", flat=True))
            | set(live.filter(parent).values_list("iro_id", flat=True)))


def iros_of(local_authority_id: int) -> QuerySet:
    """The active IROs of an authority."""
    return User.objects.filter(
        is_active=True, memberships__agency_id=local_authority_id, memberships__is_active=True,
        memberships__roles__contains=[Role.IRO],
    ).distinct()


def eligible_iros(*, episode: LookedAfterEpisode) -> QuerySet:
    """The IROs who may review the child: active IROs of the child's authority who do not manage the case
    (not its allocated social worker, not a team manager of its allocated team), and not the IRO of the
    child's looked-after parent or child."""
    child = episode.child
    qs = iros_of(child.local_authority_id)
    if child.allocated_social_worker_id:
        qs = qs.exclude(pk=child.allocated_social_worker_id)
    if child.allocated_team_id:
        managers = Membership.objects.filter(team_id=child.allocated_team_id, is_active=True,
                                             roles__contains=[Role.TEAM_MANAGER]).values("user_id")
        qs = qs.exclude(pk__in=managers)
    excluded = parent_child_iro_ids(episode)
    if excluded:
        qs = qs.exclude(pk__in=excluded)
    return qs


# --- the footprint -------------------------------------------------------------------------------------
def _with_footprint(officers: QuerySet, local_authority_id: int) -> QuerySet:
    """Officers annotated with ``looked_after`` (the open periods of care of the authority's children
    allocated to them) and ``child_protection`` (the authority's children whose conference they chair:
    booked or held and not yet decided, or decided with the plan still active).

    The child protection count reads the conferences through the relation ``conferences_chaired`` that
    the conferences app gives ``User``: conferences.models is not ours to import (ADR 10), so the
    statuses are named here as the conferences app stores them."""
    allocated = Q(_current("iro_allocations__"), _current("iro_allocations__episode__"),
                  iro_allocations__episode__child__local_authority_id=local_authority_id)
    chaired = (Q(conferences_chaired__status__in=("scheduled", "held"))
               | Q(conferences_chaired__status="decided", conferences_chaired__plan__status="active")) & Q(
        conferences_chaired__entered_in_error_at__isnull=True,
        conferences_chaired__child__local_authority_id=local_authority_id)
    return officers.annotate(
        looked_after=Count("iro_allocations__episode__child", filter=allocated, distinct=True),
        child_protection=Count("conferences_chaired__child", filter=chaired, distinct=True),
    )


@dataclass(frozen=True)
class CaseloadRow:
    officer: User
    looked_after: int
    child_protection: int

    @property
    def total(self) -> int:
        return self.looked_after + self.child_protection


def caseload(*, local_authority_id: int) -> list[CaseloadRow]:
    """Every active IRO of the authority with their whole footprint, the lightest first (one query)."""
    rows = [CaseloadRow(officer=u, looked_after=u.looked_after, child_protection=u.child_protection)
            for u in _with_footprint(iros_of(local_authority_id), local_authority_id)]
    return sorted(rows, key=lambda r: (r.total, r.officer.full_name, r.officer.pk))


@dataclass(frozen=True)
class IroSuggestion:
    officer: User
    looked_after: int
    child_protection: int
    reviews_siblings: bool  # reviews one of the child's looked-after siblings
    current: bool  # the child's IRO now

    @property
    def total(self) -> int:
        return self.looked_after + self.child_protection


def iro_suggestions(*, episode: LookedAfterEpisode) -> list[IroSuggestion]:
    """The IROs who may be allocated, in the order to offer them: the one who reviews the child's
    siblings first (siblings share an IRO), then the lightest whole footprint, then by name."""
    siblings = sibling_iro_ids(episode)
    current = current_iro_id(episode)
    officers = _with_footprint(eligible_iros(episode=episode), episode.child.local_authority_id)
    out = [IroSuggestion(officer=u, looked_after=u.looked_after, child_protection=u.child_protection,
                         reviews_siblings=u.pk in siblings, current=u.pk == current) for u in officers]
    return sorted(out, key=lambda s: (not s.reviews_siblings, s.total, s.officer.full_name, s.officer.pk))
