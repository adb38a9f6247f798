"""Whole portal pages kept rendered for visitors who are not signed in.

A Wagtail page, a fiche page or an appointment slots page (``CACHEABLE_VIEWS``) asked for
by a request that carries no cookie at all (no session, no CSRF token: a visitor, a search
engine, a load test) is the same for every such
request of one commune, theme, language, path and query string. The first one renders it;
the next ones, until the commune's **portal version** changes (a page saved, published,
moved, deleted; the commune's settings; opening hours; ``ecommune.core.portal_cache``) or
``ECOMMUNE_PAGE_CACHE_SECONDS`` pass (15 s by default, which bounds the live parts such as
the home page's waiting time, whose changes also renew the key: ``forget_live``), get the
stored HTML without running the view. Every
middleware still runs around it, so the security headers are the response's own.

Never stored: a response that sets a cookie (a form's CSRF token, a session, a message), a
status other than 200, a streaming response, a preview, anything but GET.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from ecommune.core.portal_cache import live_version, portal_key

#: The views whose pages are the same for every visitor without cookies: Wagtail's pages,
#: the fiches, and the appointment motives and slots (bookings renew the live version; a
#: slot taken meanwhile is refused when the form is sent, as it always was).
CACHEABLE_VIEWS = (
    "wagtail.views.serve",
    "ecommune.cms.fiche_views.index",
    "ecommune.cms.fiche_views.fiche",
    "ecommune.appointments.views.motives",
    "ecommune.appointments.views.slots",
)


def _view_name(view_func) -> str:
    return f"{view_func.__module__}.{getattr(view_func, '__name__', '')}"


DEFAULT_SECONDS = 15


def page_cache_seconds() -> int:
    seconds = int(getattr(settings, "ECOMMUNE_PAGE_CACHE_SECONDS", DEFAULT_SECONDS))
    portal_seconds = int(getattr(settings, "ECOMMUNE_PORTAL_CACHE_SECONDS", 600))
    return min(seconds, portal_seconds)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_ecommune_page_key", None)
        if key is not None and self._storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), page_cache_seconds())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        commune = getattr(request, "commune", None)
        if (
            commune is None
            or request.method != "GET"
            or request.COOKIES
            or _view_name(view_func) not in CACHEABLE_VIEWS
            or not page_cache_seconds()
        ):
            return None
        live = live_version(commune.pk)
        # Hashed: an address with a long query string stays a valid key for any backend.
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = portal_key(commune, f"page:{live}:{address}")
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        request._ecommune_page_key = key
        return None

    @staticmethod
    def _storable(request, response) -> bool:
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "is_preview", False)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "CSRF_COOKIE" not in request.META
            and not (session is not None and (session.modified or not session.is_empty()))
            and not response.has_header("Set-Cookie")
        )
