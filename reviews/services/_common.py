"""Helpers shared by the reviews services: today, the policy re-check, locking, the people to tell and the
postcode rule."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, Role, Team, User

from ..models import LookedAfterEpisode, Review
from ..policies import IRO_MANAGER_ROLES

# A UK postcode, loosely (outward code, then inward code); stored upper case with one space
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?) ?([0-9][A-Z]{2})$")
URN = re.compile(r"^(SC|EY)?[0-9]{6,7}$")


def _today() -> date:
    return timezone.localdate()


def _ctx(actor) -> AccessContext:
    return AccessContext.for_user(actor)


def _require(allowed: bool, what: str) -> None:
    """The policy's answer, re-checked by the service that guards the write (a new caller cannot skip
    it): refused with a message, as the other apps' services do."""
    if not allowed:
        raise ValidationError(f"You cannot {what}")


def _lock_episode(episode: LookedAfterEpisode) -> LookedAfterEpisode:
    return (LookedAfterEpisode.objects.select_for_update(of=("self",)).select_related("child")
            .get(pk=episode.pk))


def _lock_review(review: Review) -> Review:
    return Review.objects.select_for_update(of=("self",)).select_related("episode__child").get(pk=review.pk)


def _iro_manager_memberships(local_authority_id: int):
    return (Membership.objects.filter(agency_id=local_authority_id, is_active=True, user__is_active=True,
                                      roles__contains=sorted(IRO_MANAGER_ROLES)).order_by("user__full_name", "pk"))


def _iro_managers(local_authority_id: int) -> list[int]:
    """The IRO managers of an authority (who allocate IROs)."""
    return list(_iro_manager_memberships(local_authority_id).values_list("user_id", flat=True))


def _iro_service_team(local_authority_id: int) -> Team | None:
    """The team of the authority's IRO manager, responsible for appointing IROs (the first by name)."""
    membership = _iro_manager_memberships(local_authority_id).filter(team__isnull=False).select_related("team").first()
    return membership.team if membership else None


def _iro_roles() -> tuple[str, ...]:
    return (Role.IRO,)


def _postcode(value: str, field: str) -> str:
    value = " ".join((value or "").upper().split())
    if not value:
        return ""
    match = POSTCODE.match(value)
    if not match:
        raise ValidationError({field: "Enter a real postcode, like SW1A 1AA"})
    return f"{match.group(1)} {match.group(2)}"


def _urn(value: str) -> str:
    value = "".join((value or "").upper().split())
    if value and not URN.match(value):
        raise ValidationError({"urn": "Enter the Ofsted unique reference number, like SC123456 or 1234567"})
    return value


def _not_future(value: date | None, field: str, what: str, errors: dict) -> None:
    if value is None:
        errors[field] = f"Enter the {what}"
    elif value > _today():
        errors[field] = f"The {what} must be today or in the past"


def _team_managers(team_id: int | None) -> list[User]:
    """The active team managers of a team, by name (who ratify the review record of the team's children)."""
    if team_id is None:
        return []
    return list(User.objects.filter(memberships__team_id=team_id, memberships__is_active=True, is_active=True,
                                    memberships__roles__contains=[Role.TEAM_MANAGER])
                .distinct().order_by("full_name", "pk"))


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)
