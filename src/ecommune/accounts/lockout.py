"""django-axes settings that need code."""

from django.conf import settings


def lockout_username(request, credentials=None) -> str:
    """Failed sign-ins are counted per address whatever its case: ``Camille@…`` and
    ``camille@…`` are one account."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = getattr(request, "POST", {}).get("username", "")
    return (username or "").strip().lower()


def client_ip_address(request) -> str | None:
    """The visitor's address, for the failure counts and the audit trail.

    With ``ECOMMUNE_PROXY_COUNT = n`` the app stands behind n proxies of the site's own,
    each adding the address it received from to X-Forwarded-For: the visitor is the n-th
    from the end (earlier entries are whatever the client sent, not to be trusted)."""
    count = getattr(settings, "ECOMMUNE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
