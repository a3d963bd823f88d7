"""The referral portal's accounts: registering (a verified email, the organisation, the referrer's role),
the account made when the email is verified, and the LADO team suspending or reinstating one.

An account is a ``User`` with no membership of any agency (it reaches nothing in the hub) and a ``Referrer``
profile; the referral policy gives it its own referrals only. The verification link is sent through the
kernel's outbox; its token (32 random bytes) is shown once, in the email, and only its SHA-256 is kept.
Registering an address that already has an account tells that address so (not the person asking), so the
page never says which addresses have accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import AgencyKind, User
from safeguarding.audit.services import record_event
from safeguarding.notify.outbox import email_queue
from safeguarding.records import stamp

from .. import events
from ..codes import ReferrerRole, Sector
from ..models import Referrer, Registration
from ..policies import referrer_policy
from ..rules import REGISTRATION_LINK_HOURS
from ._common import _choice, _ctx, _require, _text

TOPIC = "lado_portal"
SIGN_OFF = "This email was sent by the LADO referral portal. Do not reply to it."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _details(data: dict) -> dict:
    errors: dict[str, str] = {}
    email = (data.get("email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    clean = {
        "email": email,
        "full_name": _text(data, "full_name", "your full name", errors, limit=200),
        "organisation": _text(data, "organisation", "the name of your organisation", errors, limit=200),
        "sector": _choice(data, "sector", Sector, "the kind of organisation", errors),
        "role": _choice(data, "role", ReferrerRole, "your role", errors),
        "role_other": _text(data, "role_other", "your role", errors, required=data.get("role") == ReferrerRole.OTHER,
                            limit=100),
        "phone": _text(data, "phone", "a telephone number", errors, required=False, limit=40),
    }
    local_authority = data.get("local_authority")
    if local_authority is None or local_authority.kind != AgencyKind.LOCAL_AUTHORITY or not local_authority.is_active:
        errors["local_authority"] = "Select the local authority whose LADO you are referring to"
    if errors:
        raise ValidationError(errors)
    clean["local_authority"] = local_authority
    return clean


@transaction.atomic
def referrer_register(*, data: dict) -> tuple[Registration | None, str]:
    """Ask to register: the details are checked and a link to verify the email address is sent to it. Returns
    the registration and its token (for the email only), or (None, "") when the address already has an
    account: that address is told instead, and the page says the same either way."""
    clean = _details(data)
    email = clean["email"]
    login = f"{settings.SITE_URL}{reverse('accounts:login')}"
    if User.objects.filter(email__iexact=email).exists():
        email_queue(to=email, topic=TOPIC, subject="You already have an account",
                    body=f"Someone asked to register this email address for the LADO referral portal. It already has "
                         f"an account: sign in at {login}\n\nIf this was not you, you need do nothing.\n\n{SIGN_OFF}")
        return None, ""
    now = timezone.now()
    Registration.objects.filter(email=email, completed_at__isnull=True, replaced_at__isnull=True).update(
        replaced_at=now)
    token = secrets.token_urlsafe(32)
    registration = Registration.objects.create(
        **clean, token_hash=_hash(token), created_at=now, expires_at=now + timedelta(hours=REGISTRATION_LINK_HOURS))
    link = f"{settings.SITE_URL}{reverse('lado:verify', kwargs={'token': token})}"
    email_queue(to=email, topic=TOPIC, key=f"lado-registration:{registration.public_id}",
                subject="Confirm your email address",
                body=f"To finish registering for the LADO referral portal, open this link and choose a password:\n\n"
                     f"{link}\n\nThe link works for {REGISTRATION_LINK_HOURS} hours, once. If you did not ask to "
                     f"register, ignore this email.\n\n{SIGN_OFF}")
    record_event(events.REFERRER_REGISTERED, actor=None, subject=registration,
                 payload={"local_authority": clean["local_authority"].pk, "sector": clean["sector"]})
    return registration, token


def registration_for_token(token: str) -> Registration | None:
    """The registration waiting for this link (not used, replaced or expired), or None."""
    if not token or len(token) > 100:
        return None
    return (Registration.objects.select_related("local_authority")
            .filter(token_hash=_hash(token), completed_at__isnull=True, replaced_at__isnull=True,
                    expires_at__gt=timezone.now()).first())


@transaction.atomic
def referrer_verify(*, token: str, password: str) -> User:
    """The link was opened and a password chosen: the account is made (a user without a membership, and its
    portal profile) and the link stops working. A link that does not work is the same error, whatever the
    reason."""
    registration = registration_for_token(token)
    if registration is not None:
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration is None or registration.completed_at is not None:
        raise ValidationError("This link does not work any more: register again to get a new one")
    if User.objects.filter(email__iexact=registration.email).exists():
        raise ValidationError("This email address already has an account: sign in instead")
    candidate = User(email=registration.email, full_name=registration.full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    role_label = (registration.role_other if registration.role == ReferrerRole.OTHER
                  else ReferrerRole(registration.role).label)
    user = User.objects.create_user(email=registration.email, password=password, full_name=registration.full_name,
                                    job_title=role_label[:200])
    now = timezone.now()
    referrer = Referrer(user=user, local_authority=registration.local_authority,
                        organisation=registration.organisation, sector=registration.sector, role=registration.role,
                        role_other=registration.role_other, phone=registration.phone, verified_at=now)
    stamp(referrer, user, "Registered for the LADO referral portal")
    referrer.save()
    registration.completed_at, registration.user = now, user
    registration.save(update_fields=["completed_at", "user"])
    record_event("account.created", actor=user, subject=user, payload={"via": "LADO referral portal"})
    record_event(events.REFERRER_VERIFIED, actor=user, subject=referrer,
                 payload={"organisation": referrer.organisation, "sector": referrer.sector})
    return user


def _lock_referrer(referrer: Referrer) -> Referrer:
    return Referrer.objects.select_for_update().select_related("user").get(pk=referrer.pk)


@transaction.atomic
def referrer_suspend(*, actor: User, referrer: Referrer, reason: str) -> Referrer:
    """The LADO team suspends a portal account: it can no longer refer or see its referrals (they stay)."""
    referrer = _lock_referrer(referrer)
    _require(referrer_policy.can(_ctx(actor), "manage", referrer), "suspend this account")
    if referrer.is_suspended:
        return referrer
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is suspended"})
    referrer.suspended_at, referrer.suspended_by, referrer.suspension_reason = timezone.now(), actor, reason.strip()
    stamp(referrer, actor, reason.strip())
    referrer.save()
    record_event(events.REFERRER_SUSPENDED, actor=actor, subject=referrer, payload={"reason": reason.strip()})
    return referrer


@transaction.atomic
def referrer_reinstate(*, actor: User, referrer: Referrer, reason: str) -> Referrer:
    referrer = _lock_referrer(referrer)
    _require(referrer_policy.can(_ctx(actor), "manage", referrer), "reinstate this account")
    if not referrer.is_suspended:
        return referrer
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is reinstated"})
    referrer.suspended_at, referrer.suspended_by, referrer.suspension_reason = None, None, ""
    stamp(referrer, actor, reason.strip())
    referrer.save()
    record_event(events.REFERRER_REINSTATED, actor=actor, subject=referrer, payload={"reason": reason.strip()})
    return referrer
