"""Choices the partnership's forms offer (pages import no other app's models)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from safeguarding.accounts.models import Agency, AgencyKind

from ..models import PartnershipSeat


def local_authorities() -> list[tuple[str, str]]:
    return [(str(a.public_id), a.name) for a in
            Agency.objects.filter(kind=AgencyKind.LOCAL_AUTHORITY, is_active=True).order_by("name")]


def agencies(ids, *, active_only: bool = True) -> list[Agency]:
    """The agencies among ``ids`` (ids, or a subquery of them), by name; the active ones unless told otherwise
    (a filter over existing records keeps the agencies that have since closed)."""
    qs = Agency.objects.filter(pk__in=ids if isinstance(ids, QuerySet) else sorted(ids))
    return list((qs.filter(is_active=True) if active_only else qs).order_by("name"))


def agency_choices(ids) -> list[tuple[str, str]]:
    """``(public id, name)`` of the active agencies among ``ids``, by name."""
    return [(str(a.public_id), a.name) for a in agencies(ids)]


def agency_by_public_id(public_id, among=None) -> Agency | None:
    """One active agency by its public id (among ``among`` when given), or None; None for a malformed id."""
    try:
        uuid.UUID(str(public_id or ""))
    except ValueError:
        return None
    qs = Agency.objects.filter(public_id=public_id, is_active=True)
    if among is not None:
        qs = qs.filter(pk__in=sorted(among))
    return qs.first()


def pending_referrals(qs) -> list:
    """The referrals waiting for triage, for the dashboard (one statement)."""
    return list(qs.select_related("referring_agency", "local_authority").order_by("aware_on", "id"))


def active_agencies() -> list[tuple[str, str]]:
    return [(str(a.public_id), a.name) for a in Agency.objects.filter(is_active=True).order_by("name")]


def agencies_by_public_ids(public_ids) -> list[Agency]:
    return list(Agency.objects.filter(public_id__in=list(public_ids), is_active=True).order_by("name"))


def member_by_email(agency: Agency, email: str):
    """The active person of ``agency`` with this email address, or None."""
    membership = (agency.memberships.filter(user__email__iexact=(email or "").strip(), is_active=True,
                                            user__is_active=True).select_related("user").first())
    return membership.user if membership else None


def live_seats() -> list:
    return list(PartnershipSeat.objects.filter(is_active=True).select_related("user", "agency")
                .order_by("agency__name", "kind", "user__full_name"))
