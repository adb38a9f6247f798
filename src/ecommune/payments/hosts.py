"""The host name django-payments builds its return and notification URLs on.

One install serves many communes, each on its own domain: the host is the current
commune's site (``tenancy``), so a bank calls back the commune the payment belongs to.
"""

from django.core.exceptions import ImproperlyConfigured

from ecommune.core.tenancy import get_current_commune


def current_host() -> str:
    commune = get_current_commune()
    if commune is None:
        raise ImproperlyConfigured("A payment URL needs the current commune (tenancy.using).")
    return host_of(commune)


def host_of(commune) -> str:
    site = commune.site
    if site.port in (80, 443):
        return site.hostname
    return f"{site.hostname}:{site.port}"
