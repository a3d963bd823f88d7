"""TOTP enrolment and verification (django-otp), with single-use recovery codes (otp_static)."""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.audit.services import record_event

RECOVERY_CODES = 10


def has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending_totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = BytesIO()
    img.save(buf)
    return buf.getvalue().decode()


@transaction.atomic
def confirm_enrolment(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the TOTP device with a code from the app; return new recovery codes, or None if wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()  # old recovery codes (not case data) are replaced
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    record_event("account.mfa_enrolled", actor=user, subject=user)
    return codes


def verify(user, token: str):
    """The device that accepts ``token`` (TOTP or a single-use recovery code), or None."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
