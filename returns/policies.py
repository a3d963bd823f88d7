"""Who may produce the statutory returns (ADR 27): the only access rule of this app, asked by the returns
page, the data quality page, every download and the management commands' callers alike.

A return lists every child of a local authority in its scope (restricted ones too: the DfE counts them), by
identifier and characteristics. So it is filed by the people who answer for the service's figures: the
**service managers of that local authority**. Nobody else reaches any part of a return (the page, a file, the
data quality list): forbidden looks like missing (404).
"""

from __future__ import annotations

from django.http import Http404

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import AgencyKind, Role

FILES_RETURNS = (Role.SERVICE_MANAGER,)


class ReturnsPolicy:
    def authority_ids(self, ctx: AccessContext) -> frozenset[int]:
        """The local authorities whose returns ``ctx`` files."""
        return frozenset(m.agency_id for m in ctx.memberships
                         if m.agency_kind == AgencyKind.LOCAL_AUTHORITY and m.roles.intersection(FILES_RETURNS))

    def can_file(self, ctx: AccessContext, local_authority_id: int | None = None) -> bool:
        """Whether ``ctx`` files returns (for ``local_authority_id``, or for any authority)."""
        ids = self.authority_ids(ctx)
        return bool(ids) if local_authority_id is None else local_authority_id in ids

    def check(self, ctx: AccessContext, local_authority_id: int | None = None) -> None:
        if not self.can_file(ctx, local_authority_id):
            raise Http404


returns_policy = ReturnsPolicy()
