"""Limits on failed sign-ins: django-axes' settings that need code, and the counts per
connection and per account that django-axes cannot keep with their own limits.

django-axes counts failures per pair (address typed, connection): after
``AXES_FAILURE_LIMIT`` the pair waits ``AXES_COOLOFF_TIME``. A pair alone lets one
connection try a few passwords on every address it knows, and lets many connections
try one address; so failures are also counted per connection (``signin-ip``) and per
address (``signin-account``) with django-ratelimit (``ecommune.core.throttling``).
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render

from ecommune.core import throttling


def lockout_username(request, credentials=None) -> str:
    """Failed sign-ins are counted per address whatever its case: ``Camille@…`` and
    ``camille@…`` are one account."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = getattr(request, "POST", {}).get("username", "")
    return (username or "").strip().lower()


def sign_in_refusal(request, username) -> throttling.Refusal | None:
    """Whether this connection, or this address, has failed too often lately."""
    address = lockout_username(request, {"username": username})
    return throttling.reached(
        request, "signin-ip", throttling.client_address(request)
    ) or throttling.reached(request, "signin-account", address)


def _count_failure(sender, credentials, request=None, **kwargs):
    """A wrong password (not an attempt already refused) counts per connection and per
    address."""
    if request is None or "password" not in credentials:
        return
    if getattr(request, "ecommune_refusal", None) is not None:
        return
    throttling.record(request, "signin-ip", throttling.client_address(request))
    throttling.record(request, "signin-account", lockout_username(request, credentials))


def connect_signals() -> None:
    user_login_failed.connect(_count_failure, dispatch_uid="ecommune_sign_in_failures")


def lockout_response(request, original_response=None, credentials=None):
    """The « too many attempts » page (``AXES_LOCKOUT_CALLABLE``), in the commune's theme,
    saying which limit refused the attempt and how long to wait."""
    refusal = getattr(request, "ecommune_refusal", None)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": settings.AXES_COOLOFF_TIME,
        "refusal": refusal,
    }
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
