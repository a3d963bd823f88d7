"""Writes for people, memberships and API clients. Keyword-only, one transaction each."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import record_event

from .models import Agency, ApiClient, Membership, Role, Team, User

TOKEN_PREFIX = "sgh"


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, agency: Agency, roles: list[str],
    team: Team | None = None, job_title: str = "", actor: User | None = None,
) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name, job_title=job_title)
    membership_set(user=user, agency=agency, roles=roles, team=team, actor=actor)
    record_event("account.created", actor=actor, subject=user, payload={"agency": agency.name})
    return user


@transaction.atomic
def membership_set(
    *, user: User, agency: Agency, roles: list[str], team: Team | None = None, actor: User | None = None
) -> Membership:
    invalid = set(roles) - set(Role.values)
    if invalid:
        raise ValueError(f"Unknown roles: {', '.join(sorted(invalid))}")
    if not roles:
        raise ValueError("A membership needs at least one role")
    if team is not None and team.agency_id != agency.id:
        raise ValueError("The team must belong to the same agency")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, agency=agency, defaults={"roles": list(roles), "team": team}
    )
    if not created and (sorted(membership.roles) != sorted(roles) or membership.team_id != getattr(team, "id", None)
                        or not membership.is_active):
        membership.roles = list(roles)
        membership.team = team
        membership.is_active = True
        membership._history_user = actor
        membership.save()
    return membership


@transaction.atomic
def user_deactivate(*, user: User, actor: User, reason: str) -> User:
    if not reason.strip():
        raise ValueError("Give a reason for deactivating the account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivated_by = actor
    user.deactivation_reason = reason
    user._history_user = actor
    user._change_reason = reason
    user.save()
    record_event("account.deactivated", actor=actor, subject=user, payload={"reason": reason})
    return user


@transaction.atomic
def api_client_create(*, agency: Agency, name: str, actor: User | None = None) -> tuple[ApiClient, str]:
    """Create a client and return it with its token. The token is never stored or shown again."""
    if ApiClient.objects.filter(agency=agency, name=name).exists():
        raise ValueError(f"{agency.name} already has an API client called {name!r}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    machine = User.objects.create_user(
        email=f"api-client-{prefix}@clients.invalid", password=None, full_name=f"API client: {name} ({agency.name})"
    )
    User.objects.filter(pk=machine.pk).update(is_api_client=True)
    machine.is_api_client = True
    Membership.objects.create(user=machine, agency=agency, roles=[Role.API_CLIENT])
    client = ApiClient.objects.create(
        agency=agency, name=name, user=machine, token_prefix=prefix, token_hash=_hash_token(token)
    )
    record_event("api_client.created", actor=actor, subject=client, payload={"agency": agency.name, "name": name})
    return client, token


def api_client_matching_token(token: str) -> ApiClient | None:
    """The client whose token this is, active or not, or None. Constant-time comparison of the hash."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    client = ApiClient.objects.select_related("user", "agency").filter(token_prefix=parts[1]).first()
    if client is None or not hmac.compare_digest(client.token_hash, _hash_token(token)):
        return None
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client owning ``token``, or None."""
    client = api_client_matching_token(token)
    if client is None or client.revoked_at is not None or not client.user.is_active:
        return None
    return client


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: User | None = None, reason: str = "") -> ApiClient:
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client._history_user = actor
    client._change_reason = reason or "revoked"
    client.save()
    record_event("api_client.revoked", actor=actor, subject=client, payload={"reason": reason})
    return client
