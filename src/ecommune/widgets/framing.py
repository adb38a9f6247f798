"""Who may frame a widget: the commune's own site, the back office (its preview) and the
origins the commune allows (``Commune.widget_origins``). Every other page of the portal keeps
the global ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``."""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from ecommune.core.tenancy import require_commune

#: How long a browser or a proxy may keep a widget (seconds): its figures are live.
WIDGET_MAX_AGE = 60


def admin_origin() -> str:
    """The back office's origin (``WAGTAILADMIN_BASE_URL``), whose « Widgets » page previews
    them; empty when the setting names none."""
    parts = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def frame_ancestors(commune) -> list[str]:
    """The ``frame-ancestors`` sources of ``commune``'s widgets."""
    sources = ["'self'"]
    for origin in [admin_origin(), *commune.widget_origin_list]:
        if origin and origin not in sources:
            sources.append(origin)
    return sources


def embeddable(view):
    """A widget view: its commune's ``frame-ancestors`` replaces ``'none'``, no
    ``X-Frame-Options`` (the policy says who may frame it, which the header cannot), and a
    short public cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        commune = require_commune(request)
        response = view(request, commune, *args, **kwargs)
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace["frame-ancestors"] = frame_ancestors(commune)
        response._csp_replace = replace
        # Only with the policy above: XFrameOptionsMiddleware would send DENY otherwise.
        response.xframe_options_exempt = True
        patch_cache_control(response, public=True, max_age=WIDGET_MAX_AGE)
        patch_vary_headers(response, ["Host"])
        return response

    return wrapper
