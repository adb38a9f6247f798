"""The agents' API sign-in: ``Authorization: Bearer ecm_…``, a token of the commune of the
host name called (``ecommune.api.tokens.find_token``).

Every failure — no header, another scheme, an unknown key, another commune's, a revoked or
expired token, its maker gone — is the same 401 with the same body, so a caller learns
nothing about which. The request's user becomes the agent who made the token: what the
API does is recorded under that agent, as the inbox records it, and the token is
``request.auth``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from ecommune.api import tokens
from ecommune.api.views import commune_of_host

REFUSED = _("Authentication failed: give a valid API token (Authorization: Bearer …).")


class Refused(exceptions.AuthenticationFailed):
    default_detail = REFUSED
    default_code = "authentication_failed"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, key = header.partition(" ")
        if scheme != self.keyword:
            raise Refused()
        token = tokens.find_token(commune_of_host(request), key.strip())
        if token is None:
            raise Refused()
        return token.created_by, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The bearer security scheme in the OpenAPI document."""

    target_class = ApiTokenAuthentication
    name = "agentToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An agents' API token made in the back office (« Jetons d'API »): "
            "ecm_<prefix>_<secret>. Any failure is the same 401.",
        }
