"""Rate limits on what a stranger can repeat: django-ratelimit's counters in the shared cache.

Each limit has a name, a rate in django-ratelimit's syntax (``"10/h"``: ten per hour;
``"5/d"``, ``"3/15m"``) and a key: the visitor's network address, or the account or
email address the attempt is about. ``ECOMMUNE_RATE_LIMITS`` overrides the rates below
(``None`` turns one off); ``RATELIMIT_ENABLE = False`` turns them all off.

The counters live in Django's default cache. Several app servers share them only
through a shared cache: Redis (``REDIS_URL``); a system check warns in production when
the cache is the per-process local memory. Keys are hashed by django-ratelimit, so no
address is stored in clear.

``hit()`` counts an attempt and refuses it beyond the limit (for forms whose every
submission costs: sign-up, password reset, invitations); ``reached()`` reads without
counting and ``record()`` counts, for limits on failures only (sign-in, tracking).
"""

import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext
from django_ratelimit.core import get_usage

DEFAULT_RATES = {
    # Failed sign-ins (django-axes also locks one address from one connection after 5).
    "signin-ip": "20/h",
    "signin-account": "15/h",
    # Sign-ups, each sending an email.
    "signup-ip": "10/h",
    "signup-email": "3/h",
    # « Mot de passe oublié », each sending an email.
    "password-reset-ip": "10/h",
    "password-reset-email": "3/h",
    # New verification links (besides one a minute per account).
    "resend-ip": "10/h",
    "resend-email": "3/h",
    # Failed look-ups of a request by reference and email (/demarches/suivi/).
    "track-ip": "20/h",
    "track-email": "10/h",
    # Household invitations sent by one account.
    "invitation-account": "5/d",
}


@dataclass(frozen=True)
class Refusal:
    """An attempt refused by the limit ``name``; the counter starts again in ``seconds``."""

    name: str
    limit: int
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def wait(self) -> str:
        """« 12 minutes », « 1 heure », « 3 heures », for the message."""
        if self.seconds > 90 * 60:
            hours = math.ceil(self.seconds / 3600)
            return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
        return ngettext("%(count)s minute", "%(count)s minutes", self.minutes) % {
            "count": self.minutes
        }

    @property
    def by_address(self) -> bool:
        """Whether the limit counts the visitor's connection (else an account or email)."""
        return self.name.endswith("-ip")

    @property
    def message(self) -> str:
        if self.by_address:
            return gettext(
                "Too many attempts from your connection. Wait %(wait)s, then try again."
            ) % {"wait": self.wait}
        return gettext(
            "Too many attempts with this email address. Wait %(wait)s, then try again."
        ) % {"wait": self.wait}


def rate(name: str) -> str | None:
    rates = {**DEFAULT_RATES, **getattr(settings, "ECOMMUNE_RATE_LIMITS", {})}
    if name not in rates:
        raise KeyError(f"Unknown rate limit {name!r}; known: {', '.join(sorted(rates))}.")
    return rates[name]


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


def client_address(request) -> str:
    """The visitor's address as counted: an IPv6 client counts by its /64 network (one
    household or phone gets a whole /64), an IPv4 one by itself. Behind the site's own
    proxies (``ECOMMUNE_PROXY_COUNT``) the forwarded address, as django-axes reads it."""
    address = client_ip_address(request) or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _usage(request, name: str, value: str, *, increment: bool):
    current = rate(name)
    if current is None or not value:
        return None
    return get_usage(
        request,
        group=f"ecommune:{name}",
        key=lambda group, request: str(value).strip().lower(),
        rate=current,
        increment=increment,
    )


def _refusal(name, usage) -> Refusal:
    return Refusal(name=name, limit=usage["limit"], seconds=max(usage["time_left"], 1))


def hit(request, name: str, value: str) -> Refusal | None:
    """Count one attempt keyed on ``value``; a Refusal once the limit is passed."""
    usage = _usage(request, name, value, increment=True)
    if usage is not None and usage["should_limit"]:
        return _refusal(name, usage)
    return None


def reached(request, name: str, value: str) -> Refusal | None:
    """Whether the limit is already reached, without counting this attempt."""
    usage = _usage(request, name, value, increment=False)
    if usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"]):
        return _refusal(name, usage)
    return None


def record(request, name: str, value: str) -> None:
    """Count one failure (for limits checked with ``reached``)."""
    _usage(request, name, value, increment=True)


def refuse(form, refusal: Refusal, field: str = "email") -> None:
    """Show a refusal on a form: next to ``field`` when it is about what was typed there,
    at the top when it is about the visitor's connection."""
    form.add_error(None if refusal.by_address else field, refusal.message)
