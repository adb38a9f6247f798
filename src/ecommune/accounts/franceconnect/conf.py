"""FranceConnect's configuration: the ``ECOMMUNE_FRANCECONNECT_*`` settings and the
provider's discovery document, translated into the ``OIDC_*`` names mozilla-django-oidc reads.

mozilla-django-oidc reads its configuration from Django settings, once per view or backend
instance; answering those reads here keeps one block of ``ECOMMUNE_`` settings for the IT
team and takes the endpoints from FranceConnect's discovery document instead of five URLs
to copy by hand (they differ between integration and production).
"""

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from mozilla_django_oidc.utils import import_from_settings

# The discovery document changes when FranceConnect rotates keys or moves endpoints: keep it
# an hour, so that a sign-in costs no extra request to FranceConnect most of the time.
DISCOVERY_CACHE_SECONDS = 3600
CALLBACK_URL_NAME = "ecommune_accounts:franceconnect_callback"


class ProviderUnavailable(Exception):
    """FranceConnect's discovery document could not be read."""


def enabled() -> bool:
    return bool(getattr(settings, "ECOMMUNE_FRANCECONNECT_ENABLED", False))


def issuer() -> str:
    return settings.ECOMMUNE_FRANCECONNECT_ISSUER.rstrip("/")


def provider_origin() -> str:
    """``scheme://host[:port]`` of FranceConnect, for the Content Security Policy."""
    parts = urlsplit(issuer())
    return f"{parts.scheme}://{parts.netloc}"


def discovery() -> dict:
    """FranceConnect's OpenID configuration, from the cache or from the provider.

    Raises ``ProviderUnavailable`` when it cannot be read or names another issuer."""
    url = issuer() + "/.well-known/openid-configuration"
    key = f"ecommune_accounts:franceconnect:discovery:{url}"
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(url, timeout=settings.ECOMMUNE_FRANCECONNECT_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked for.
    if document.get("issuer", "").rstrip("/") != issuer():
        raise ProviderUnavailable(f"{url} names the issuer {document.get('issuer')!r}")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def forget_discovery() -> None:
    cache.delete(
        f"ecommune_accounts:franceconnect:discovery:{issuer()}/.well-known/openid-configuration"
    )


_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def oidc_setting(attr, *default):
    """The value mozilla-django-oidc asks for as ``attr``, from the FranceConnect settings."""
    if attr in _DISCOVERED:
        try:
            return discovery()[_DISCOVERED[attr]]
        except KeyError as error:
            raise ImproperlyConfigured(f"FranceConnect's discovery has no {error}.") from error
    values = {
        "OIDC_RP_CLIENT_ID": settings.ECOMMUNE_FRANCECONNECT_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.ECOMMUNE_FRANCECONNECT_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": settings.ECOMMUNE_FRANCECONNECT_SIGN_ALGO,
        "OIDC_RP_SCOPES": " ".join(settings.ECOMMUNE_FRANCECONNECT_SCOPES),
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {
            "acr_values": settings.ECOMMUNE_FRANCECONNECT_ACR_VALUES
        },
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        # FranceConnect asks for a state and a nonce of at least 32 characters.
        "OIDC_USE_NONCE": True,
        "OIDC_STATE_SIZE": 48,
        "OIDC_NONCE_SIZE": 48,
        "OIDC_USE_PKCE": False,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_CREATE_USER": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_VERIFY_KID": True,
        "OIDC_TIMEOUT": settings.ECOMMUNE_FRANCECONNECT_TIMEOUT,
        "OIDC_TOKEN_USE_BASIC_AUTH": False,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "OIDC_REDIRECT_ALLOWED_HOSTS": [],
        "LOGIN_REDIRECT_URL": "ecommune_accounts:profile",
    }
    if attr in values:
        return values[attr]
    return import_from_settings(attr, *default)
