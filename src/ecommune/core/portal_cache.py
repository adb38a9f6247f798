"""What the portal keeps in the cache, and when it is forgotten.

The parts of a page that every visitor sees alike and that cost queries and rendering (the
home page's service cards, life events, news and town-hall block, every page's footer links)
are kept rendered in Django's cache under a key carrying the commune's ``portal_version``.
That version is read with the commune on every request (no extra query) and given a new
random value whenever something those parts show changes: a page saved, published, moved or
deleted (the version of the commune whose site holds the page, and of no other:
``forget_portal_of_pages``), the commune's settings or opening hours, an election
(``forget_portal``). Being in
the database, it is the same for every app-server process whatever the cache backend
(local memory or Redis), so no process serves an old fragment after a change.

The key also carries the theme, the language and the day (a service's text can name the next
deadline), and entries expire after ``ECOMMUNE_PORTAL_CACHE_SECONDS`` (600 s; 0 turns the
cache off) for what no signal announces.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

PORTAL_CACHE_SECONDS = 600


def new_portal_version() -> int:
    """A fresh random version: never equal to one whose fragments are still cached."""
    return secrets.randbits(62)


def cache_seconds() -> int:
    return int(getattr(settings, "ECOMMUNE_PORTAL_CACHE_SECONDS", PORTAL_CACHE_SECONDS))


def forget_portal(commune_id: int | None = None) -> None:
    """Give the commune (every commune when ``commune_id`` is None) a new portal version.

    Done at once, so that this request and tests see the change, and again when the
    transaction commits, so that a page rendered in between with the old rows is not kept.
    """
    _renew({} if commune_id is None else {"pk": commune_id})


def forget_portal_of_pages(*tree_paths: str) -> None:
    """Give a new portal version to the communes whose site holds the pages at
    ``tree_paths`` (a Wagtail page's ``path`` in the tree): the commune of a page saved,
    published, moved or deleted, and no other. One query however many communes the install
    serves (the site's home page is one of the page's ancestors, whose paths are the page's
    path cut every ``Page.steplen`` characters). A page outside every site forgets nothing."""
    from wagtail.models import Page

    step = Page.steplen
    ancestors = {
        path[:end] for path in tree_paths if path for end in range(step, len(path) + 1, step)
    }
    if ancestors:
        _renew({"site__root_page__path__in": sorted(ancestors)})


def forget_portal_of_site(site_id: int) -> None:
    """Give a new portal version to the commune of the Wagtail site ``site_id``."""
    _renew({"site_id": site_id})


def _renew(lookups: dict) -> None:
    from ecommune.core.models import Commune

    def renew():
        Commune.base_queryset().filter(**lookups).update(portal_version=new_portal_version())

    renew()
    transaction.on_commit(renew)


def portal_key(commune, name: str) -> str:
    return ":".join(
        [
            "ecommune:portal",
            str(commune.pk),
            str(commune.portal_version),
            commune.theme,
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            name,
        ]
    )


def cached(commune, name: str, compute):
    """``compute()``, kept under ``name`` for ``commune`` until its portal version changes.

    Without a commune (a host name no site matches) or with the cache off, computes."""
    seconds = cache_seconds()
    if commune is None or not seconds:
        return compute()
    key = portal_key(commune, name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _live_key(commune_id) -> str:
    return f"ecommune:portal-live:{commune_id}"


def live_version(commune_id) -> str:
    """A version of the live parts of the portal (waiting time, next free slot): whole
    pages kept rendered carry it in their key (``ecommune.cms.page_cache``)."""
    return str(cache.get(_live_key(commune_id), 0))


def forget_live(commune_id) -> None:
    """The live parts changed (a ticket, a desk, a booking): pages showing them are
    rendered again, now and once the transaction commits. Like the parts' own keys, this
    is as shared as the cache (Redis: every process; local memory: this one), and the pages'
    short lifetime bounds the rest."""

    def renew():
        cache.set(_live_key(commune_id), new_portal_version(), None)

    renew()
    transaction.on_commit(renew)
