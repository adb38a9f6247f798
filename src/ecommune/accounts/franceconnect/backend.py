"""Signing in with FranceConnect: mozilla-django-oidc's backend, made strict where
FranceConnect v2 asks for it and where the kit's accounts need it.

On top of mozilla-django-oidc (code exchange, ID token signature and nonce):
- the ID token and the userinfo are verified with FranceConnect's keys (JWKS), for the
  algorithm configured, and must name FranceConnect as issuer and this service as audience;
- the userinfo must come as a signed JWT (FranceConnect v2 always signs it) and be about the
  same ``sub`` as the ID token; the ID token must carry the eIDAS level asked for;
- the account is found by FranceConnect's ``sub`` first, then by a *verified* email address
  (see ``link_or_create``); an account whose address was never verified is not taken over.

Why a sign-in is refused is left on the request (``request.franceconnect_refusal``) for the
callback view to explain.
"""

import logging

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ecommune.accounts.franceconnect import conf
from ecommune.accounts.franceconnect.models import FranceConnectIdentity

logger = logging.getLogger(__name__)

# eIDAS levels in increasing strength: a higher level than asked for is accepted.
EIDAS_LEVELS = ("eidas1", "eidas2", "eidas3")

REFUSED_UNVERIFIED = "unverified_account"
REFUSED_BACK_OFFICE = "back_office_account"
REFUSED_OTHER_IDENTITY = "other_identity"
REFUSED_NO_EMAIL = "no_email"
REFUSED_INACTIVE = "inactive_account"


class Refused(Exception):
    """The identity is genuine but may not be signed in to an account here."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FranceConnectBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in and for every request of a signed-in
        # user: read the settings (and FranceConnect's discovery) only when a callback comes.
        self.UserModel = get_user_model()

    def get_settings(self, attr, *args):
        return conf.oidc_setting(attr, *args)

    def _configure(self):
        for name in (
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_RP_SIGN_ALGO",
        ):
            setattr(self, name, self.get_settings(name))
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.issuer = conf.discovery()["issuer"]

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password sign-in never reaches FranceConnect.
        if request is None or "nonce" not in kwargs or not conf.enabled():
            return None
        if request.path != reverse(conf.CALLBACK_URL_NAME):
            return None
        self._configure()
        return super().authenticate(request, **kwargs)

    # Tokens -----------------------------------------------------------------------------

    def _verify_jws(self, payload, key):
        """The signature, algorithm, issuer, audience and expiry of a JWT from FranceConnect."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"Unreadable JWT: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"JWT signed with {header.get('alg')!r}, expected {self.OIDC_RP_SIGN_ALGO!r}."
            )
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["iss", "aud"]},
                leeway=30,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"JWT refused: {error}") from error

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # The ID token: FranceConnect says which eIDAS level the sign-in reached.
            asked = self.get_settings("OIDC_AUTH_REQUEST_EXTRA_PARAMS")["acr_values"]
            acr = payload.get("acr")
            if acr not in EIDAS_LEVELS or EIDAS_LEVELS.index(acr) < EIDAS_LEVELS.index(asked):
                raise SuspiciousOperation(f"ID token with acr {acr!r}, {asked!r} asked for.")
            if not payload.get("sub"):
                raise SuspiciousOperation("ID token without sub.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=self.get_settings("OIDC_TIMEOUT"),
        )
        response.raise_for_status()
        content_type = response.headers.get("content-type", "").lower()
        if not content_type.startswith("application/jwt"):
            raise SuspiciousOperation(f"Userinfo not signed (content type {content_type!r}).")
        claims = self.verify_token(response.text)
        # OpenID Connect Core 1.0, section 5.3.2: the userinfo must be about the same person.
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("Userinfo about another sub than the ID token.")
        return claims

    # Accounts ---------------------------------------------------------------------------

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return link_or_create(claims)
        except Refused as refusal:
            self.request.franceconnect_refusal = refusal.reason
            logger.info("FranceConnect sign-in refused: %s", refusal.reason)
            return None


def link_or_create(claims: dict):
    """The account for a FranceConnect identity, its claims stored.

    1. An account already linked to this ``sub`` is the one (its email may differ:
       FranceConnect's can change, the account's is the resident's choice).
    2. Otherwise an account with the same address is linked to it, if that address has
       been verified: FranceConnect vouches for the address, and so did the account's owner.
       An account whose address was never verified is refused (``unverified_account``):
       whoever created it may not own the address, and linking would hand them the certified
       identity and what the resident files next. The page asks the resident to reset the
       password through the address (which proves it and replaces the unknown password),
       then to come back through FranceConnect. A back-office account is never linked: agents
       sign in with their password and second factor.
    3. Otherwise a new account is created, its address verified (FranceConnect's) and
       without a usable password.
    """
    User = get_user_model()
    sub = claims.get("sub")
    email = (claims.get("email") or "").strip().lower()
    identity_claims = FranceConnectIdentity.identity_claims(claims)
    now = timezone.now()
    with transaction.atomic():
        identity = (
            FranceConnectIdentity.objects.select_for_update()
            .select_related("user")
            .filter(sub=sub)
            .first()
        )
        if identity is not None:
            user = identity.user
            if not user.is_active:
                raise Refused(REFUSED_INACTIVE)
            identity.claims = identity_claims
            identity.last_login_at = now
            identity.save(update_fields=["claims", "last_login_at"])
            return user
        if not email:
            raise Refused(REFUSED_NO_EMAIL)
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            if user.is_staff or user.is_superuser or hasattr(user, "agent"):
                raise Refused(REFUSED_BACK_OFFICE)
            if not user.email_verified:
                raise Refused(REFUSED_UNVERIFIED)
            if not user.is_active:
                raise Refused(REFUSED_INACTIVE)
            if FranceConnectIdentity.objects.filter(user=user).exists():
                raise Refused(REFUSED_OTHER_IDENTITY)
        else:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        email=email,
                        password=None,
                        first_name=claims.get("given_name", "")[:150],
                        last_name=claims.get("family_name", "")[:150],
                        email_verified_at=now,
                    )
            except IntegrityError:
                # The same address signed up a moment ago, unverified: not taken over.
                raise Refused(REFUSED_UNVERIFIED) from None
        FranceConnectIdentity.objects.create(
            user=user, sub=sub, claims=identity_claims, linked_at=now, last_login_at=now
        )
        return user
