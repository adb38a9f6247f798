"""The public API's rate limit: DRF's throttling, counted per commune and client address in
Django's default cache (Redis when ``REDIS_URL`` is set, so that app servers share it)."""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ecommune.core.throttling import client_ip_address

DEFAULT_RATE = "120/min"


class PublicRateThrottle(SimpleRateThrottle):
    """``ECOMMUNE_API_THROTTLE_RATE`` requests per client address and commune (DRF's syntax,
    ``"120/min"``; None: no limit). The address is read as the kit's other limits read it
    (``ECOMMUNE_PROXY_COUNT``)."""

    scope = "ecommune_api"

    def get_rate(self):
        return getattr(settings, "ECOMMUNE_API_THROTTLE_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        # Hashed, as django-ratelimit does for the kit's other limits: no address in clear.
        commune = getattr(request, "commune", None)
        ident = f"{getattr(commune, 'pk', '-')}:{client_ip_address(request)}"
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(ident.encode()).hexdigest(),
        }
