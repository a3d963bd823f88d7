"""AccessContext: who is asking, built once per request (or per task) from their memberships."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.functional import cached_property

from safeguarding.accounts.models import AgencyKind, Membership, Role


@dataclass(frozen=True)
class MembershipFacts:
    agency_id: int
    agency_name: str
    agency_kind: str
    team_id: int | None
    roles: frozenset[str]


@dataclass(frozen=True)
class AccessContext:
    user: object | None
    memberships: tuple[MembershipFacts, ...] = ()
    now: datetime = field(default_factory=timezone.now)
    # What the policies build for this person once per request (their id-set subqueries): see remember()
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def for_user(cls, user) -> AccessContext:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(user=None)
        rows = (
            Membership.objects.filter(user=user, user__is_active=True, is_active=True, agency__is_active=True)
            .select_related("agency")
            .order_by("agency__name")
        )
        rows = rows.select_related("team")
        facts = tuple(
            MembershipFacts(m.agency_id, m.agency.name, m.agency.kind,
                            m.team_id if m.team_id and m.team.is_active else None, frozenset(m.roles))
            for m in rows
        )
        return cls(user=user, memberships=facts)

    def remember(self, key, build):
        """``build()``'s value, built once for this context (one request, or one task) and kept on it.

        The policies keep here the subqueries of the records a person may reach (``pk IN (...)`` over a
        union of id sets, ADR 11): one builder then serves every list, count, ``get_for`` and ``can``
        of the request. Only querysets (SQL not yet run) and plain values are kept, never rows, so a
        change made during the request is seen by the next query. A new request builds a new context."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def at(self, now: datetime) -> AccessContext:
        """The same person at another moment (a new context: nothing remembered is carried over)."""
        return self if now == self.now else dataclasses.replace(self, now=now)

    @cached_property
    def key(self) -> tuple:
        """Everything a policy builds its querysets from, but the moment: the person and their memberships
        (a key for statements compiled once, ADR 31)."""
        return (self.user_id, self.memberships)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset().union(*(m.roles for m in self.memberships)) if self.memberships else frozenset()

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def agency_ids_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(m.agency_id for m in self.memberships if m.roles.intersection(roles))

    def team_ids_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships if m.team_id and m.roles.intersection(roles))

    def memberships_in(self, agency_id: int) -> MembershipFacts | None:
        return next((m for m in self.memberships if m.agency_id == agency_id), None)

    @cached_property
    def agency_ids(self) -> frozenset[int]:
        return frozenset(m.agency_id for m in self.memberships)

    @cached_property
    def team_ids(self) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships if m.team_id)

    @cached_property
    def local_authority_ids(self) -> frozenset[int]:
        return frozenset(m.agency_id for m in self.memberships if m.agency_kind == AgencyKind.LOCAL_AUTHORITY)

    @property
    def is_api_client(self) -> bool:
        return Role.API_CLIENT in self.roles

    # For the page header
    @property
    def agency_name(self) -> str:
        return ", ".join(m.agency_name for m in self.memberships)

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]
