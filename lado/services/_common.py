"""Helpers shared by the LADO services: today, the policy re-check, the LADO team, text checks."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role, Team

from ..policies import LADO_MANAGER_ROLES


def _today() -> date:
    return timezone.localdate()


def _ctx(actor) -> AccessContext:
    return AccessContext.for_user(actor)


def _require(allowed: bool, what: str) -> None:
    """The policy's answer, re-checked by the service that guards the write (a new caller cannot skip it)."""
    if not allowed:
        raise ValidationError(f"You cannot {what}")


def _lado_memberships(local_authority_id: int):
    return (Membership.objects.filter(agency_id=local_authority_id, is_active=True, user__is_active=True,
                                      roles__contains=[Role.LADO_OFFICER]).order_by("user__full_name", "pk"))


def _lado_officer_ids(local_authority_id: int) -> list[int]:
    """The LADO officers of an authority (who are told of a new referral)."""
    return list(_lado_memberships(local_authority_id).values_list("user_id", flat=True))


def _lado_team(local_authority_id: int) -> Team | None:
    """The LADO team of an authority, responsible for its LADO deadlines: the LADO manager's team (else the
    first LADO officer's with a team)."""
    memberships = _lado_memberships(local_authority_id).filter(team__isnull=False).select_related("team")
    manager = memberships.filter(roles__contains=sorted(LADO_MANAGER_ROLES)).first()
    chosen = manager or memberships.first()
    return chosen.team if chosen else None


def _text(data: dict, name: str, what: str, errors: dict, *, required: bool = True, limit: int | None = None) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors[name] = f"Enter {what}"
    elif limit and len(value) > limit:
        errors[name] = f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer"
    return value


def _choice(data: dict, name: str, choices, what: str, errors: dict) -> str:
    value = data.get(name) or ""
    if value not in choices.values:
        errors[name] = f"Select {what}"
    return value


def _past(value: date | None, name: str, what: str, errors: dict, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            errors[name] = f"Enter {what}"
        return None
    if value > _today():
        errors[name] = f"{what[0].upper()}{what[1:]} must be today or in the past"
    return value


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)
