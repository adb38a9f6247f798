"""The backend's checks on FranceConnect's tokens, on real tokens from the test provider
(oidc-provider on 127.0.0.1), obtained with ``requests`` as a browser and a server would."""

import json
import secrets
from urllib.parse import urlencode

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import SuspiciousOperation

from ecommune.accounts.franceconnect.backend import FranceConnectBackend
from tests.accounts.franceconnect_provider import (
    ACCOUNTS,
    CALLBACK_PATH,
    CLIENT_ID,
    CLIENT_SECRET,
    enable_franceconnect,
    query,
    sign_in_at_provider,
)

REDIRECT_URI = "http://testserver" + CALLBACK_PATH
SCOPES = "openid given_name family_name birthdate birthplace birthcountry gender email"


@pytest.fixture
def provider(settings, oidc_providers):
    provider = oidc_providers("http://testserver")
    enable_franceconnect(settings, provider)
    return provider


@pytest.fixture
def tokens(provider):
    """A real authorization code flow as ``angela``, then the token exchange."""
    nonce = secrets.token_urlsafe(32)
    state = secrets.token_urlsafe(32)
    authorize = (
        provider.issuer
        + "/authorize?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "scope": SCOPES,
                "state": state,
                "nonce": nonce,
                "acr_values": "eidas1",
            }
        )
    )
    back = query(sign_in_at_provider(authorize, "angela", stop_at=REDIRECT_URI))
    assert back["state"] == state
    response = requests.post(
        provider.issuer + "/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {**response.json(), "nonce": nonce}


def backend():
    instance = FranceConnectBackend()
    instance._configure()
    return instance


def forge(token: str, **changes) -> str:
    """The same token, claims changed if asked, signed with a key FranceConnect never had
    (under FranceConnect's key id)."""
    header = jwt.get_unverified_header(token)
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    return jwt.encode(
        claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers=header
    )


def test_the_id_token_is_verified_with_franceconnects_keys(tokens, provider):
    claims = backend().verify_token(tokens["id_token"], nonce=tokens["nonce"])
    assert claims["sub"] == ACCOUNTS["angela"]["sub"]
    assert claims["acr"] == "eidas1"
    assert claims["aud"] == CLIENT_ID
    assert claims["iss"] == provider.issuer


def test_an_id_token_signed_with_another_key_is_refused(tokens):
    with pytest.raises(SuspiciousOperation):
        backend().verify_token(forge(tokens["id_token"]), nonce=tokens["nonce"])


def test_an_id_token_with_another_nonce_is_refused(tokens):
    with pytest.raises(SuspiciousOperation, match="Nonce"):
        backend().verify_token(tokens["id_token"], nonce="another-nonce-" + "n" * 32)


def test_an_id_token_for_another_service_is_refused(tokens, settings):
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_ID = "another-service"
    with pytest.raises(SuspiciousOperation, match="(?i)audience"):
        backend().verify_token(tokens["id_token"], nonce=tokens["nonce"])


def test_an_id_token_signed_with_another_algorithm_than_configured_is_refused(tokens, settings):
    settings.ECOMMUNE_FRANCECONNECT_SIGN_ALGO = "RS256"
    with pytest.raises(SuspiciousOperation, match="ES256"):
        backend().verify_token(tokens["id_token"], nonce=tokens["nonce"])


def test_an_id_token_below_the_eidas_level_asked_for_is_refused(tokens, settings):
    settings.ECOMMUNE_FRANCECONNECT_ACR_VALUES = "eidas2"
    with pytest.raises(SuspiciousOperation, match="acr"):
        backend().verify_token(tokens["id_token"], nonce=tokens["nonce"])


def test_the_userinfo_comes_signed_and_is_verified(tokens, provider):
    raw = requests.get(
        provider.issuer + "/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    )
    assert raw.headers["content-type"].startswith("application/jwt")
    assert raw.text.count(".") == 2 and not raw.text.startswith("{")

    instance = backend()
    id_claims = instance.verify_token(tokens["id_token"], nonce=tokens["nonce"])
    claims = instance.get_userinfo(tokens["access_token"], tokens["id_token"], id_claims)
    expected = ACCOUNTS["angela"]["claims"]
    for name in ("given_name", "family_name", "birthdate", "birthplace", "email"):
        assert claims[name] == expected[name]


def test_a_userinfo_signed_with_another_key_is_refused(tokens, provider):
    raw = requests.get(
        provider.issuer + "/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).text
    forged = forge(raw, email="someone.else@example.org")
    with pytest.raises(SuspiciousOperation):
        backend().verify_token(forged)


def test_a_userinfo_about_another_person_is_refused(tokens):
    instance = backend()
    with pytest.raises(SuspiciousOperation, match="another sub"):
        instance.get_userinfo(tokens["access_token"], tokens["id_token"], {"sub": "someone-else"})


def test_an_unsigned_userinfo_is_refused(tokens, provider, settings):
    """A provider answering plain JSON (FranceConnect v1, or an impostor) is not trusted:
    the test provider's own JSON document stands in for such an answer."""
    instance = backend()
    instance.OIDC_OP_USER_ENDPOINT = provider.issuer + "/.well-known/openid-configuration"
    with pytest.raises(SuspiciousOperation, match="not signed"):
        instance.get_userinfo(tokens["access_token"], tokens["id_token"], {"sub": "x"})


def test_a_code_the_provider_did_not_issue_is_refused(provider, tokens):
    # The backend's exchange raises; the callback view shows the failure page.
    instance = backend()
    with pytest.raises(requests.HTTPError):
        instance.get_token(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": "not-a-code-the-provider-issued",
                "redirect_uri": REDIRECT_URI,
            }
        )


def test_discovery_names_the_endpoints_franceconnect_uses(provider):
    document = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=5).json()
    for endpoint, path in {
        "authorization_endpoint": "/authorize",
        "token_endpoint": "/token",
        "userinfo_endpoint": "/userinfo",
        "jwks_uri": "/jwks",
        "end_session_endpoint": "/session/end",
    }.items():
        assert document[endpoint] == provider.issuer + path
    assert "ES256" in document["userinfo_signing_alg_values_supported"]
    assert json.dumps(document["acr_values_supported"]).count("eidas1") == 1
