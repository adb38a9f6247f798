"""Where to send a visitor next: the only place the kit reads a redirect target from a request.

A ``next`` parameter (a form's hidden field, a link's query string) is the visitor's to
write: followed blindly, it turns the town hall's address into a springboard to any site
(« connectez-vous sur mairie.fr… » ending at a look-alike). ``safe_next`` follows it only
when it stays on the host the request came to, with HTTPS kept when the request was
secure; otherwise it answers the view's own default. Every view, template tag and
middleware of the kit goes through it; a test reads the source to make sure.
"""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD_NAME = "next"


def is_safe_target(request, url: str | None) -> bool:
    """Whether ``url`` is an address (a path or an absolute URL, not « abc », which
    ``redirect`` would take for a URL name) on this request's own host (and scheme, when
    it is HTTPS)."""
    return (
        bool(url)
        and (url.startswith("/") or "://" in url)
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def requested_next(request, field: str = REDIRECT_FIELD_NAME) -> str:
    """The ``next`` the request carries (form first, then query string), safe or not."""
    return request.POST.get(field) or request.GET.get(field) or ""


def safe_next(request, default="", *, field: str = REDIRECT_FIELD_NAME, candidate=None) -> str:
    """The request's ``next`` when it stays on this site, else ``default``.

    ``default`` is a URL, a URL name or a model, as for ``redirect()``; empty stays empty
    (for a caller that has a fallback of its own). ``candidate`` checks a target the
    caller already holds (a template's context) instead of the request's.
    """
    url = requested_next(request, field) if candidate is None else candidate
    if is_safe_target(request, url):
        return url
    return resolve_url(default) if default else ""
