"""Signing in: email login, throttling (django-axes), deactivation, TOTP with recovery codes, idle
sessions, demo mode and the production switch. Real database, real views, real django-otp devices."""

import base64
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import NotDeletable, User
from safeguarding.accounts.services import user_deactivate
from safeguarding.audit.models import CaseEvent
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password
LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/set-up/"
KEEPALIVE = "/accounts/keepalive/"
BASE_DIR = Path(__file__).resolve().parents[2]


def login(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device`` now (or ``steps_ahead`` time steps later)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead
    )
    return f"{value:0{device.digits}d}"


# --- signing in -----------------------------------------------------------------------------------


def test_login_by_email_is_case_insensitive(social_worker):
    c = Client()
    resp = login(c, "SAM.Worker@EXAMPLE.org")
    assert resp.status_code == 302
    assert resp["Location"] == "/"
    assert signed_in(c)
    assert int(c.session["_auth_user_id"]) == social_worker.pk
    assert c.get("/").status_code == 200


def test_login_honours_a_safe_next_and_ignores_another_site(social_worker):
    c = Client()
    assert login(c, social_worker.email, next="/children/").headers["Location"] == "/children/"
    c2 = Client()
    assert login(c2, social_worker.email, next="https://evil.example/").headers["Location"] == "/"


def test_a_wrong_password_shows_the_gov_uk_error_and_does_not_sign_in(social_worker):
    c = Client()
    resp = login(c, social_worker.email, "wrong password entirely")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password. Passwords are case-sensitive." in html
    assert not signed_in(c)


def test_an_unknown_email_gets_the_same_message(db):
    resp = login(Client(), "nobody@example.org")
    assert (
        "Enter a correct email address and password. Passwords are case-sensitive." in resp.content.decode()
    )


def test_a_deactivated_user_cannot_sign_in_and_their_session_ends(social_worker, administrator):
    c = Client()
    assert login(c, social_worker.email).status_code == 302
    assert c.get("/").status_code == 200

    user_deactivate(user=social_worker, actor=administrator, reason="Left the council")

    resp = c.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    fresh = Client()
    resp = login(fresh, social_worker.email)
    assert resp.status_code == 200
    assert not signed_in(fresh)
    social_worker.refresh_from_db()
    assert social_worker.is_active is False
    assert social_worker.deactivated_by == administrator
    assert social_worker.deactivation_reason == "Left the council"
    assert CaseEvent.objects.filter(code="account.deactivated", subject_id=social_worker.pk).exists()


def test_deactivation_needs_a_reason(social_worker, administrator):
    with pytest.raises(ValueError):
        user_deactivate(user=social_worker, actor=administrator, reason="  ")
    social_worker.refresh_from_db()
    assert social_worker.is_active


def test_users_are_never_deleted(social_worker):
    with pytest.raises(NotDeletable):
        social_worker.delete()
    with pytest.raises(NotDeletable):
        User.objects.get(pk=social_worker.pk).delete()
    assert User.objects.filter(pk=social_worker.pk).exists()


def test_logout_is_post_only(client_for, social_worker):
    c = client_for(social_worker)
    assert c.get("/accounts/logout/").status_code == 405
    assert signed_in(c)
    resp = c.post("/accounts/logout/")
    assert resp.status_code == 302
    assert not signed_in(c)


# --- throttling (django-axes) ---------------------------------------------------------------------


def test_failed_logins_are_throttled_and_logged(social_worker):
    limit = django_settings.AXES_FAILURE_LIMIT
    assert limit >= 3
    c = Client()
    for _ in range(limit - 1):
        resp = login(c, social_worker.email, "not the password")
        assert resp.status_code == 200
        assert "Enter a correct email address and password" in resp.content.decode()
    login(c, social_worker.email, "not the password")

    resp = login(c, social_worker.email)  # the right password, now refused

    assert resp.status_code == django_settings.AXES_HTTP_RESPONSE_CODE == 429
    assert "You cannot sign in for now" in resp.content.decode()
    assert "Wait 15 minutes and try again" in resp.content.decode()
    assert "govuk-template" in resp.content.decode()
    assert not signed_in(c)
    attempt = AccessAttempt.objects.get(username=social_worker.email)
    assert attempt.failures_since_start >= limit
    assert attempt.ip_address == "127.0.0.1"
    assert AccessFailureLog.objects.filter(username=social_worker.email).count() >= limit
    assert AccessFailureLog.objects.filter(username=social_worker.email, locked_out=True).exists()


def test_the_lock_cannot_be_dodged_by_changing_the_case_of_the_email(social_worker):
    limit = django_settings.AXES_FAILURE_LIMIT
    variants = [
        "sam.worker@example.org",
        "SAM.WORKER@EXAMPLE.ORG",
        "Sam.Worker@example.org",
        "sAm.wOrker@example.org",
        "sam.WORKER@example.org",
        "SAM.worker@example.org",
    ]
    c = Client()
    for i in range(limit):
        login(c, variants[i % len(variants)], "not the password")

    resp = login(c, "Sam.Worker@Example.Org")

    assert resp.status_code == 429
    assert not signed_in(c)


def test_a_success_before_the_limit_resets_the_count(social_worker):
    limit = django_settings.AXES_FAILURE_LIMIT
    c = Client()
    for _ in range(limit - 1):
        login(c, social_worker.email, "not the password")
    assert login(c, social_worker.email).status_code == 302
    c.post("/accounts/logout/")
    for _ in range(limit - 1):
        login(c, social_worker.email, "not the password")
    assert login(c, social_worker.email).status_code == 302


# --- multi-factor authentication ------------------------------------------------------------------


@pytest.fixture
def mfa(settings):
    settings.MFA_REQUIRED = True
    return settings


def enrol(c, user):
    """Enrol through the pages; return (device, recovery codes, the recovery codes page); the code
    used is kept on ``device.enrolment_code``."""
    page = c.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    html = page.content.decode()
    assert "<svg" in html
    assert base64.b32encode(device.bin_key).decode() in html
    used = code_for(device)
    resp = c.post(ENROL, {"token": used, "next": "/"})
    assert resp.status_code == 200, resp.content
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", resp.content.decode())
    device.refresh_from_db()
    device.enrolment_code = used
    return device, codes, resp


def test_login_with_mfa_and_no_device_goes_to_enrolment(mfa, social_worker):
    c = Client()
    resp = login(c, social_worker.email)
    assert resp.status_code == 302
    assert resp["Location"].startswith(ENROL)
    assert c.get("/").status_code == 302


def test_an_unverified_user_without_a_device_is_sent_to_enrol(mfa, client_for, social_worker):
    c = client_for(social_worker)
    resp = c.get("/children/", follow=True)
    assert resp.redirect_chain[-1][0].startswith(ENROL)
    assert resp.status_code == 200
    assert "Set up two-factor authentication" in resp.content.decode()


def test_an_unverified_user_with_a_device_is_sent_to_verify_and_cannot_re_enrol(
    mfa, client_for, social_worker
):
    TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    c = client_for(social_worker)
    resp = c.get("/children/")
    assert resp.status_code == 302
    assert resp["Location"].startswith(VERIFY)
    assert not resp["Location"].startswith(ENROL)
    # a stolen password must not be enough to add a new authenticator
    again = c.get(ENROL)
    assert again.status_code == 302 and again["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=social_worker, confirmed=False).exists()


def test_the_original_page_is_kept_through_the_redirects(mfa, client_for, social_worker):
    TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    c = client_for(social_worker)
    resp = c.get("/children/?name=Smith&upn=A1")
    follow = c.get(resp["Location"])
    assert 'value="/children/?name=Smith&amp;upn=A1"' in follow.content.decode()


def test_totp_enrolment_confirms_with_a_real_code_and_shows_recovery_codes_once(mfa, social_worker):
    c = Client()
    login(c, social_worker.email)
    assert c.get("/").status_code == 302

    device, codes, resp = enrol(c, social_worker)

    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "shown only once" in resp.content.decode()
    static = StaticDevice.objects.get(user=social_worker)
    assert sorted(StaticToken.objects.filter(device=static).values_list("token", flat=True)) == sorted(codes)
    assert CaseEvent.objects.filter(code="account.mfa_enrolled", subject_id=social_worker.pk).exists()
    # verified now: pages and the API answer
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/children/").status_code == 200
    # the codes are never shown again
    for url in ("/", VERIFY, "/notifications/"):
        html = c.get(url, follow=True).content.decode()
        assert not any(code in html for code in codes), url


def test_a_wrong_code_does_not_confirm_enrolment(mfa, client_for, social_worker):
    c = client_for(social_worker)
    c.get(ENROL)
    device = TOTPDevice.objects.get(user=social_worker)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    resp = c.post(ENROL, {"token": wrong})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "The security code is not right" in html
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=social_worker).exists()
    assert c.get("/").status_code == 302


def test_verify_with_the_app_code_at_the_next_sign_in(mfa, social_worker):
    first = Client()
    login(first, social_worker.email)
    device, codes, _ = enrol(first, social_worker)

    c = Client()
    resp = login(c, social_worker.email, next="/children/")
    assert resp.status_code == 302 and resp["Location"].startswith(VERIFY)
    assert c.get("/").status_code == 302
    # the code just used for enrolment may not be replayed; the next one is accepted
    replay = c.post(VERIFY, {"token": device.enrolment_code, "next": "/children/"})
    assert replay.status_code == 200
    assert "The security code is not right, or has been used" in replay.content.decode()
    mfa.OTP_TOTP_THROTTLE_FACTOR = 0
    ok = c.post(VERIFY, {"token": code_for(device, steps_ahead=1), "next": "/children/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/children/"
    assert c.get("/children/").status_code == 200


def test_each_recovery_code_works_once(mfa, social_worker):
    mfa.OTP_TOTP_THROTTLE_FACTOR = 0
    mfa.OTP_STATIC_THROTTLE_FACTOR = 0
    first = Client()
    login(first, social_worker.email)
    _, codes, _ = enrol(first, social_worker)

    def sign_in_with(code):
        c = Client()
        login(c, social_worker.email)
        resp = c.post(VERIFY, {"token": code, "next": "/"})
        return c, resp

    c1, r1 = sign_in_with(codes[0])
    assert r1.status_code == 302 and c1.get("/").status_code == 200
    c2, r2 = sign_in_with(f"{codes[1][:4]} {codes[1][4:]}")  # a space typed in the middle is forgiven
    assert r2.status_code == 302 and c2.get("/").status_code == 200
    c3, r3 = sign_in_with(codes[2])
    assert r3.status_code == 302 and c3.get("/").status_code == 200

    c4, r4 = sign_in_with(codes[0])  # used already
    assert r4.status_code == 200
    assert "has been used" in r4.content.decode()
    assert c4.get("/").status_code == 302
    assert not StaticToken.objects.filter(token__in=[codes[0], codes[2]]).exists()
    assert not StaticToken.objects.filter(token=codes[1]).exists()
    assert StaticToken.objects.filter(token__in=codes[3:]).count() == 7


def test_pages_and_the_api_refuse_an_unverified_session(mfa, client_for, social_worker):
    child = ChildFactory(allocated_social_worker=social_worker)
    TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    c = client_for(social_worker)

    for url in ("/", "/children/", f"/children/{child.public_id}/", "/notifications/"):
        resp = c.get(url)
        assert resp.status_code == 302, url
        assert resp["Location"].startswith(VERIFY), url

    api = c.get("/api/v1/children/")
    assert api.status_code == 403
    assert api.json()["error"]["status"] == 403
    assert str(child.public_id) not in api.content.decode()
    assert c.get(f"/api/v1/children/{child.public_id}/").status_code == 403


def test_mfa_does_not_apply_to_api_tokens(mfa, school):
    from rest_framework.test import APIClient

    from safeguarding.accounts.services import api_client_create

    _, token = api_client_create(agency=school, name="MIS")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert c.get("/api/v1/children/").status_code == 200


def test_without_mfa_required_a_session_is_enough(settings, client_for, social_worker):
    settings.MFA_REQUIRED = False
    c = client_for(social_worker)
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/children/").status_code == 200


# --- idle sessions --------------------------------------------------------------------------------


def test_session_settings_end_idle_sessions():
    # a session lives the idle time plus the refresh window from its last save, and is saved when less than
    # the idle time is left (safeguarding/accounts/sessions.py), not on every request
    assert django_settings.SESSION_COOKIE_AGE == (django_settings.SESSION_IDLE_MINUTES * 60
                                                  + django_settings.SESSION_REFRESH_SECONDS)
    assert django_settings.SESSION_REFRESH_SECONDS == 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert 0 < django_settings.SESSION_WARNING_MINUTES < django_settings.SESSION_IDLE_MINUTES


def _session(c) -> Session:
    return Session.objects.get(session_key=c.session.session_key)


def test_every_request_pushes_the_end_of_the_session_back_and_an_idle_session_ends(client_for, social_worker):
    c = client_for(social_worker)
    Session.objects.filter(session_key=c.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert c.get("/").status_code == 200

    remaining = _session(c).expire_date - timezone.now()
    idle = datetime.timedelta(minutes=django_settings.SESSION_IDLE_MINUTES)
    refresh = datetime.timedelta(seconds=django_settings.SESSION_REFRESH_SECONDS)
    assert idle + refresh - datetime.timedelta(seconds=30) < remaining <= idle + refresh

    Session.objects.filter(session_key=c.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    resp = c.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith(LOGIN)


def test_keepalive_is_post_only_and_refreshes_the_session(client_for, social_worker):
    c = client_for(social_worker)
    assert c.get(KEEPALIVE).status_code == 405
    Session.objects.filter(session_key=c.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )

    resp = c.post(KEEPALIVE)

    assert resp.status_code == 204
    assert resp.content == b""
    remaining = _session(c).expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=django_settings.SESSION_IDLE_MINUTES - 1)


def test_keepalive_after_the_session_ended_answers_401(db):
    # the warning dialog's script then goes to the signed-out page instead of pretending all is well
    resp = Client().post(KEEPALIVE)
    assert resp.status_code == 401


def test_keepalive_needs_the_csrf_token(client_for, social_worker):
    c = Client(enforce_csrf_checks=True)
    c.force_login(social_worker)
    assert c.post(KEEPALIVE).status_code == 403


def test_the_base_page_carries_the_timeout_warning_settings(client_for, social_worker, settings):
    settings.SESSION_IDLE_MINUTES = 20
    settings.SESSION_WARNING_MINUTES = 3
    html = client_for(social_worker).get("/").content.decode()
    assert 'data-session-idle-seconds="1200"' in html
    assert 'data-session-warning-seconds="180"' in html
    assert f'data-keepalive-url="{KEEPALIVE}"' in html
    assert 'id="session-timeout-dialog"' in html


def test_signed_out_pages_have_no_timeout_warning(db):
    html = Client().get(LOGIN).content.decode()
    assert "data-session-idle-seconds" not in html
    assert "session-timeout-dialog" not in html


def test_timing_out_signs_the_person_out_by_post(client_for, social_worker):
    c = client_for(social_worker)
    resp = c.post("/accounts/signed-out/", follow=True)
    assert resp.status_code == 200
    assert "You have been signed out" in resp.content.decode()
    assert not signed_in(c)


def test_a_get_of_the_signed_out_page_does_not_sign_anyone_out(client_for, social_worker):
    # a link or image on another site must not be able to end someone's session
    c = client_for(social_worker)
    resp = c.get("/accounts/signed-out/")
    assert resp.status_code == 302 and resp["Location"] == "/"
    assert signed_in(c)


# --- demo and production modes --------------------------------------------------------------------

DEMO_TEXT = "This is not a live service"


def test_demo_mode_shows_the_banner(settings, client_for, social_worker):
    settings.DEMO_MODE = True
    assert DEMO_TEXT in client_for(social_worker).get("/").content.decode()
    assert DEMO_TEXT in Client().get(LOGIN).content.decode()
    settings.DEMO_MODE = False
    assert DEMO_TEXT not in client_for(social_worker).get("/").content.decode()
    assert DEMO_TEXT not in Client().get(LOGIN).content.decode()


def _settings_in(env_overrides: dict) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "DATABASE_URL": "postgres://hub:pw@db.example:5432/hub",
        "REDIS_URL": "redis://redis.example:6379/0",
        "ALLOWED_HOSTS": "hub.example.gov.uk",
        "CSRF_TRUSTED_ORIGINS": "https://hub.example.gov.uk",
        "DEFAULT_FROM_EMAIL": "hub@example.gov.uk",
        "EMAIL_URL": "smtp+tls://user:pw@smtp.example.gov.uk:587",
        "SITE_URL": "https://hub.example.gov.uk",
        **env_overrides,
    }
    code = (
        "from django.conf import settings; "
        "print(settings.MFA_REQUIRED, settings.DEMO_MODE, settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_forces_mfa_and_turns_demo_mode_off():
    assert _settings_in({}) == "True False False True"
    # asking for demo mode or no MFA in production is ignored
    assert (
        _settings_in({"MFA_REQUIRED": "false", "DEMO_MODE": "true", "DEBUG": "true"})
        == "True False False True"
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
        "DJANGO_ENV": "production",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_demo_mode_switches_mfa_off_by_default():
    out = _settings_in({"DJANGO_ENV": "development", "DEMO_MODE": "true"})
    assert out.split()[:2] == ["False", "True"]
    out = _settings_in({"DJANGO_ENV": "development", "DEMO_MODE": "false"})
    assert out.split()[:2] == ["True", "False"]


def test_behind_a_trusted_proxy_the_lock_is_on_the_client_address_not_the_proxys(settings, social_worker):
    settings.TRUSTED_PROXY_COUNT = 1  # one reverse proxy (10.0.0.2) appending the address it saw
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, social_worker.email, "not the password")
    assert "You cannot sign in for now" in login(attacker, social_worker.email).content.decode()
    # forging a leading X-Forwarded-For entry does not get round the lock
    forged = Client(HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert login(forged, social_worker.email).status_code == 429

    colleague_at_desk = Client(HTTP_X_FORWARDED_FOR="198.51.100.20", REMOTE_ADDR="10.0.0.2")
    resp = login(colleague_at_desk, social_worker.email)
    assert resp.status_code == 302, "a second person behind the same proxy must not be locked out"


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings, social_worker):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", REMOTE_ADDR="192.0.2.1"), social_worker.email, "nope")
    resp = login(Client(HTTP_X_FORWARDED_FOR="203.0.113.99", REMOTE_ADDR="192.0.2.1"), social_worker.email)
    assert resp.status_code == 429, "a client must not dodge the lock by sending a new X-Forwarded-For"
