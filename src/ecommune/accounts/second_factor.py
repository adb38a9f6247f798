"""Agents' second factor: a TOTP authenticator app (django-otp), with backup codes.

``AgentSecondFactorMiddleware`` sends a back-office user who has no confirmed device to
``setup`` and one whose session is not verified to ``verify``; this module holds what
those views need. Residents never meet it.
"""

from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup-codes"


def is_required() -> bool:
    return getattr(settings, "ECOMMUNE_AGENT_OTP_REQUIRED", True)


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that
    reloading the page does not change the QR code under the agent's phone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps ask for it when typed by hand."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def secret_for_reading(device: TOTPDevice) -> str:
    key = secret(device)
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def provisioning_uri(device: TOTPDevice, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    issuer = issuer.replace(":", "")
    label = f"{issuer}:{device.user.get_username()}"
    params = urlencode(
        {
            "secret": secret(device),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(issuer)}"


def qr_code_data_uri(uri: str) -> str:
    """An SVG QR code as a ``data:`` URI (the CSP allows those images, not inline code)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def is_throttled(user, device: TOTPDevice | None = None) -> bool:
    """Whether django-otp makes the user wait after wrong codes (the wait doubles with each
    failure in a row), for ``device`` or for any of the user's confirmed authenticators."""
    devices = (
        [device] if device is not None else TOTPDevice.objects.filter(user=user, confirmed=True)
    )
    return any(not d.verify_is_allowed()[0] for d in devices)


@transaction.atomic
def confirm_device(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows; returns new backup codes,
    or None when the code is wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Only one authenticator: an earlier unconfirmed attempt is dropped.
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return new_backup_codes(device.user)


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes (each works once) and return them to show once."""
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


def reset(user) -> int:
    """Remove every device of ``user`` (a lost phone): they set up a new one at next
    sign-in. Returns how many devices were removed."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    return len(devices)
