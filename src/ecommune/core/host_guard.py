"""A request for a host name the install does not serve, answered 400 before anything reads it.

Django raises ``DisallowedHost`` from ``request.get_host()`` and answers with the 400 page;
the kit's 400 page is the commune's, whose header and social-card tags build absolute
addresses from that same host, so rendering it raised again and the visitor (a scanner, a
misconfigured proxy) got a 500 and the error log an alarm. This middleware asks once, logs
as Django does (``django.security.DisallowedHost``) and answers a short page that needs no
commune.
"""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger("django.security.DisallowedHost")


def bad_host_page() -> str:
    with translation.override(settings.LANGUAGE_CODE):  # no commune, so its language
        return _page()


def _page() -> str:
    title = _("Unknown website address")
    text = _(
        "This server does not serve the address you asked for. Check the address of your "
        "town hall's website."
    )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f"<p>{escape(text)}</p></main></body></html>"
    )


class HostGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost as refusal:
            logger.warning("%s", refusal, extra={"status_code": 400, "request": request})
            response = HttpResponseBadRequest(bad_host_page())
            response["Content-Security-Policy"] = "default-src 'none'"
            return response
        return self.get_response(request)
