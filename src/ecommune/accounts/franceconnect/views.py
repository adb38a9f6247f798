"""FranceConnect's pages under /compte/franceconnect/: off to FranceConnect, back from it,
and signing out at FranceConnect too.

The first two are mozilla-django-oidc's views reading ``conf`` instead of ``OIDC_*``
settings; what goes wrong is explained on a page of ours rather than a bare redirect.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ecommune.accounts.franceconnect import conf
from ecommune.accounts.franceconnect.backend import (
    REFUSED_BACK_OFFICE,
    REFUSED_INACTIVE,
    REFUSED_NO_EMAIL,
    REFUSED_OTHER_IDENTITY,
    REFUSED_UNVERIFIED,
)
from ecommune.core.redirects import REDIRECT_FIELD_NAME, safe_next

logger = logging.getLogger(__name__)

# mozilla-django-oidc keeps the ID token there (OIDC_STORE_ID_TOKEN).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)
LOGOUT_STATE_SESSION_KEY = "ecommune_franceconnect_logout_state"

FAILURE_TEMPLATE = "ecommune_accounts/franceconnect/failure.html"


def failure(request, reason: str, status: int = 400):
    title, text = REASONS[reason]
    return render(
        request, FAILURE_TEMPLATE, {"reason": reason, "title": title, "text": text}, status=status
    )


def _enabled_or_404():
    if not conf.enabled():
        raise Http404("FranceConnect is not enabled.")


class FranceConnectLoginView(OIDCAuthenticationRequestView):
    """Off to FranceConnect with a fresh ``state``, ``nonce`` and ``acr_values``."""

    get_settings = staticmethod(conf.oidc_setting)

    def __init__(self, **kwargs):
        # mozilla-django-oidc reads the endpoint when the view is built; it comes from
        # FranceConnect's discovery here, read in get() where a failure can be explained.
        View.__init__(self, **kwargs)

    def get(self, request):
        _enabled_or_404()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except conf.ProviderUnavailable as error:
            logger.warning("FranceConnect unavailable: %s", error)
            return failure(request, "unavailable", status=503)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        # mozilla-django-oidc keeps ``next`` for after the return; the kit's one check
        # decides what it may be.
        query = request.GET.copy()
        query.pop(REDIRECT_FIELD_NAME, None)
        if next_url := safe_next(request):
            query[REDIRECT_FIELD_NAME] = next_url
        request.GET = query
        return super().get(request)


class FranceConnectCallbackView(OIDCAuthenticationCallbackView):
    """Back from FranceConnect: the state must be one this browser was given."""

    get_settings = staticmethod(conf.oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        _enabled_or_404()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        self.cancelled = bool(request.GET.get("error"))
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("FranceConnect callback refused: %s", error)
            return failure(request, "refused")
        except (requests.RequestException, jwt.PyJWTError, conf.ProviderUnavailable) as error:
            logger.warning("FranceConnect exchange failed: %s", error)
            return failure(request, "unavailable", status=502)

    def login_failure(self):
        if self.cancelled:
            # The resident went back, or FranceConnect could not identify them.
            return failure(self.request, "cancelled", status=200)
        reason = getattr(self.request, "franceconnect_refusal", None) or "refused"
        return failure(self.request, reason, status=400 if reason == "refused" else 403)


def logout_url(request, id_token: str, state: str) -> str:
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": request.build_absolute_uri(
                reverse("ecommune_accounts:franceconnect_logout_done")
            ),
        }
    )
    return f"{conf.discovery()['end_session_endpoint']}?{query}"


def signed_in_with_franceconnect(request) -> bool:
    return bool(request.session.get(ID_TOKEN_SESSION_KEY))


@never_cache
@require_POST
def logout(request):
    """Signs out here, then at FranceConnect (``id_token_hint``), which comes back to
    ``logout_done``. Without a FranceConnect session, or when FranceConnect cannot be
    reached, signing out here is all there is to do."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    auth.logout(request)
    if not id_token or not conf.enabled():
        return redirect("ecommune_accounts:franceconnect_logout_done")
    state = get_random_string(48)
    try:
        url = logout_url(request, id_token, state)
    except (conf.ProviderUnavailable, KeyError) as error:
        logger.warning("FranceConnect sign-out skipped: %s", error)
        return redirect("ecommune_accounts:franceconnect_logout_done")
    request.session[LOGOUT_STATE_SESSION_KEY] = state
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def logout_done(request):
    """Where FranceConnect sends the resident back after signing out there."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, None)
    returned = request.GET.get("state")
    if returned is not None and not (expected and constant_time_compare(expected, returned)):
        return failure(request, "logout_state")
    return render(request, "ecommune_accounts/logged_out.html")


# What each failure page says: its title, then what to do.
REASONS = {
    "cancelled": (
        _("Sign-in with FranceConnect cancelled"),
        _("You came back without signing in. Try again, or sign in with your email address."),
    ),
    "refused": (
        _("Sign-in with FranceConnect failed"),
        _(
            "FranceConnect's answer could not be checked, so you are not signed in. Try again "
            "from the sign-in page; if it fails again, sign in with your email address."
        ),
    ),
    "unavailable": (
        _("FranceConnect cannot be reached"),
        _("Try again in a few minutes, or sign in with your email address."),
    ),
    "logout_state": (
        _("Sign-out not confirmed"),
        _(
            "You are signed out of this site, but FranceConnect's answer could not be checked. "
            "On a shared computer, close the browser."
        ),
    ),
    REFUSED_UNVERIFIED: (
        _("An account with your email address is waiting for confirmation"),
        _(
            "An account was created here with the address FranceConnect gave, but that address "
            "was never confirmed. To protect you, it is not linked to FranceConnect. Choose a "
            "new password with the link we send to this address (this confirms it), then sign "
            "in with FranceConnect again."
        ),
    ),
    REFUSED_BACK_OFFICE: (
        _("This address belongs to a town hall agent"),
        _(
            "Agents sign in with their password and their second factor. FranceConnect is for "
            "residents' accounts: use another email address with FranceConnect."
        ),
    ),
    REFUSED_OTHER_IDENTITY: (
        _("This account is linked to another FranceConnect identity"),
        _("Sign in with your email address and password, or contact the town hall."),
    ),
    REFUSED_NO_EMAIL: (
        _("FranceConnect did not give an email address"),
        _(
            "An account needs one to send you acknowledgments and answers. Try again and "
            "agree to share your email address."
        ),
    ),
    REFUSED_INACTIVE: (
        _("This account is disabled"),
        _("Contact the town hall."),
    ),
}
