"""Sentry from ``SENTRY_DSN`` (the optional ``ecommune[sentry]`` extra)."""

from django.core.exceptions import ImproperlyConfigured

import ecommune


def _tag_request_id(event, hint):
    from log_request_id import local

    request_id = getattr(local, "request_id", None)
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float = 0.0) -> None:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as error:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'ecommune[sentry]'."
        ) from error
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        release=f"ecommune@{ecommune.__version__}",
        # Residents' names, addresses and documents never leave the town's server.
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )
