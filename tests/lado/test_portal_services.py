"""The referral portal's accounts (issue 11, section 1): registering sends a verification link through the
kernel's outbox (no name in it); the link makes an account with no membership and a portal profile, once;
an address that has an account is told so, the page cannot tell; the LADO team suspends and reinstates."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from lado import services
from lado.models import Registration
from safeguarding.access.context import AccessContext
from safeguarding.accounts.models import Membership, User
from safeguarding.notify.models import OutboxEmail
from tests.factories import LocalAuthorityFactory, make_user
from tests.factories.lado import RegisteredReferrerFactory, lado_officer_of
from tests.factories.worlds import shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("lado_portal_services")]


def _build():
    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    return {"la": la, "officer": lado_officer_of(la), "other_officer": lado_officer_of(
        LocalAuthorityFactory(name="Southvale City Council"))}


world = shared_world(_build)


def _data(la, **overrides):
    return {"email": "Dee.Lead@Scouts.example", "full_name": "Dee Lead", "local_authority": la,
            "organisation": "1st Northmoor Scouts", "sector": "voluntary", "role": "other",
            "role_other": "Group scout leader", **overrides}


def _token_in(email: OutboxEmail) -> str:
    return re.search(r"/lado/portal/verify/([^/]+)/", email.body).group(1)


def test_registering_sends_a_verification_link_and_the_link_makes_the_account_once(world):
    registration, token = services.referrer_register(data=_data(world["la"]))
    assert registration.email == "dee.lead@scouts.example"
    email = OutboxEmail.objects.get(to="dee.lead@scouts.example")
    assert _token_in(email) == token and "Dee" not in email.subject + email.body
    assert registration.token_hash != token and token not in str(Registration.objects.values_list().get())
    assert services.registration_for_token(token) == registration
    with pytest.raises(ValidationError) as weak:
        services.referrer_verify(token=token, password="dee")
    assert "password" in weak.value.message_dict
    user = services.referrer_verify(token=token, password="a long scout pass phrase")
    assert (user.email, user.full_name, user.job_title) == ("dee.lead@scouts.example", "Dee Lead", "Group scout leader")
    assert user.check_password("a long scout pass phrase")
    assert not Membership.objects.filter(user=user).exists()  # reaches nothing in the hub but its referrals
    profile = user.lado_referrer
    assert (profile.organisation, profile.sector, profile.local_authority) == ("1st Northmoor Scouts", "voluntary",
                                                                              world["la"])
    assert services.registration_for_token(token) is None
    with pytest.raises(ValidationError, match="does not work any more"):
        services.referrer_verify(token=token, password="another long pass phrase")


def test_an_address_with_an_account_is_told_so_and_nothing_is_registered(world):
    make_user(world["la"], "social_worker", email="sam@northmoor.example")
    registration, token = services.referrer_register(data=_data(world["la"], email="SAM@northmoor.example"))
    assert (registration, token) == (None, "")
    email = OutboxEmail.objects.get(to="sam@northmoor.example")
    assert email.subject == "You already have an account" and "/verify/" not in email.body
    assert not Registration.objects.exists()


def test_a_newer_registration_replaces_the_link_and_an_old_link_expires(world):
    _, first = services.referrer_register(data=_data(world["la"]))
    _, second = services.referrer_register(data=_data(world["la"]))
    assert services.registration_for_token(first) is None
    assert services.registration_for_token(second) is not None
    with freeze_time(timezone.now() + timedelta(hours=25)):
        assert services.registration_for_token(second) is None
    assert services.registration_for_token("x" * 500) is None


def test_registration_details_are_checked(world):
    with pytest.raises(ValidationError) as refused:
        services.referrer_register(data={"email": "not an address", "role": "other"})
    assert set(refused.value.message_dict) == {"email", "full_name", "organisation", "sector", "role_other",
                                               "local_authority"}
    assert not OutboxEmail.objects.exists()


def test_the_lado_team_of_the_service_suspends_and_reinstates_an_account(world):
    user = RegisteredReferrerFactory(local_authority=world["la"])
    profile = user.lado_referrer
    assert AccessContext.for_user(user).memberships == ()
    with pytest.raises(ValidationError):
        services.referrer_suspend(actor=world["other_officer"], referrer=profile, reason="Not ours")
    with pytest.raises(ValidationError) as refused:
        services.referrer_suspend(actor=world["officer"], referrer=profile, reason=" ")
    assert "reason" in refused.value.message_dict
    suspended = services.referrer_suspend(actor=world["officer"], referrer=profile, reason="Left the school")
    assert suspended.is_suspended and suspended.suspended_by == world["officer"]
    assert services.referrer_suspend(actor=world["officer"], referrer=profile, reason="again").suspension_reason == \
        "Left the school"
    reinstated = services.referrer_reinstate(actor=world["officer"], referrer=profile, reason="Back")
    assert not reinstated.is_suspended and User.objects.get(pk=user.pk).is_active
