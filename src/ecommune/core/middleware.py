"""Middleware: which commune a request serves, and the Content Security Policy."""

from urllib.parse import urlsplit

from csp.constants import NONCE
from csp.middleware import CSPMiddleware
from django.conf import settings
from wagtail.models import Site

from ecommune.core import tenancy


def commune_for_request(request):
    """The commune a request serves, or None (then commune-owned rows cannot be read).

    On the portal it is the Wagtail Site the host name matches. In the back office an
    agent works for their own commune whatever the host name; any other signed-in user
    (a superuser, a page editor) works for the host's commune, and only if they hold a
    permission on its site: otherwise none, and the kit's back-office views refuse them.
    """
    from ecommune.core.models import Commune

    site = Site.find_for_request(request)
    user = getattr(request, "user", None)
    if request.path.startswith(_admin_prefix()) and user is not None and user.is_authenticated:
        agent = getattr(user, "agent", None)
        if agent is not None:
            return agent.commune
        if site is None or not (user.is_superuser or _has_site_permission(user, site)):
            return None
    if site is None:
        return None
    return Commune.for_site(site)


def _has_site_permission(user, site) -> bool:
    from wagtail.models import GroupSitePermission

    return GroupSitePermission.objects.filter(group__user=user, site=site).exists()


def _admin_prefix() -> str:
    return settings.ECOMMUNE_ADMIN_PREFIX


class CurrentCommuneMiddleware:
    """Sets ``request.commune`` and makes it current for the scoped managers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.commune = commune_for_request(request)
        token = tenancy.activate(request.commune)
        try:
            response = self.get_response(request)
        finally:
            tenancy.deactivate(token)
        if response.streaming and getattr(response, "file_to_stream", None) is None:
            # A streamed response (a CSV export) reads its rows after this returns.
            response.streaming_content = _as_commune(request.commune, response.streaming_content)
        return response


def _nonce_widget_scripts(request, response) -> bool:
    """Give the nonce to Wagtail's widget scripts in an admin page (``admin_scripts``);
    True when the page has some (the policy then names the nonce)."""
    from ecommune.core.admin_scripts import add_nonces

    if response.streaming or "text/html" not in response.get("Content-Type", ""):
        return False
    html = response.content.decode(response.charset or "utf-8")
    if "<script>" not in html:
        return False
    marked, count = add_nonces(html, str(request.csp_nonce))
    if count:
        response.content = marked.encode(response.charset or "utf-8")
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    return bool(count)


def _as_commune(commune, chunks):
    with tenancy.using(commune):
        yield from chunks


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's strict policy; Wagtail's admin only is allowed inline styles."""

    def process_response(self, request, response):
        # django-csp 4 reads its updates from the response, never from the request.
        update = dict(getattr(response, "_csp_update", None) or {})
        if request.path.startswith(_admin_prefix()):
            update["style-src"] = [
                *update.get("style-src", []),
                *settings.ECOMMUNE_ADMIN_STYLE_SRC,
            ]
            if _nonce_widget_scripts(request, response):
                update["script-src"] = [*update.get("script-src", []), NONCE]
        if getattr(settings, "ECOMMUNE_FRANCECONNECT_ENABLED", False):
            # Signing out of a FranceConnect session posts a form that ends at FranceConnect.
            parts = urlsplit(settings.ECOMMUNE_FRANCECONNECT_ISSUER)
            update["form-action"] = [
                *update.get("form-action", []),
                f"{parts.scheme}://{parts.netloc}",
            ]
        if update:
            response._csp_update = update
        return super().process_response(request, response)
