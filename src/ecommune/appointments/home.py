"""What the home page shows of appointments and the queue: the live wait at each counter
with a desk open, and the next free appointment with a link to book.

The queries are a fixed number whatever the counters, motives and bookings: the queue
figures come from ``queue.counter_statuses`` (the same estimate as the public queue page)
and the next free slot from ``slots.next_free_slot``, which reads the availability of
every counter once. That slot is kept in the cache for ``NEXT_SLOT_CACHE_SECONDS``
(setting ``ECOMMUNE_NEXT_SLOT_CACHE_SECONDS``, 0 turns the cache off) and forgotten as
soon as a booking of the commune is made, moved or cancelled. The queue figures are kept
``QUEUE_CACHE_SECONDS`` (setting ``ECOMMUNE_HOME_QUEUE_CACHE_SECONDS``, 15 s; 0 turns it off)
and forgotten when a ticket or a desk of the commune changes: with several app-server
processes sharing no cache, another process may show a figure up to that old, which the
5-minute rounding of the estimate hides. Not for agents' views nor the counter's own queue
page, which always read the database.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ecommune.appointments import queue
from ecommune.appointments.models import Counter, Motive
from ecommune.appointments.slots import next_free_slot
from ecommune.core.portal_cache import forget_live

NEXT_SLOT_CACHE_SECONDS = 60
QUEUE_CACHE_SECONDS = 15


def _cache_key(commune_id: int) -> str:
    return f"ecommune:appointments:next-slot:{commune_id}"


def _cache_seconds() -> int:
    return int(getattr(settings, "ECOMMUNE_NEXT_SLOT_CACHE_SECONDS", NEXT_SLOT_CACHE_SECONDS))


def _queue_key(commune_id: int) -> str:
    return f"ecommune:appointments:home-queue:{commune_id}"


def forget_queue(sender, instance, raw=False, **kwargs) -> None:
    """Receiver: a ticket or desk changed, so the home page's queue figures are read again
    (now, and once the transaction commits)."""
    if raw:
        return
    key = _queue_key(instance.commune_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    forget_live(instance.commune_id)


def forget_next_slot(commune_id: int) -> None:
    """Drop the cached next free slot once the current transaction commits."""
    transaction.on_commit(lambda: cache.delete(_cache_key(commune_id)))
    forget_live(commune_id)


def next_slot(commune, now=None) -> dict:
    """``{"offered": bool, "start": datetime | None, "motive": name, "motive_slug": slug}``:
    ``offered`` is False when the commune has no motive open for booking."""
    from ecommune.appointments.services import booking_window

    seconds = _cache_seconds()
    if seconds:
        cached = cache.get(_cache_key(commune.pk))
        if cached is not None:
            return cached
    motives = list(
        Motive.objects.for_commune(commune).filter(active=True).prefetch_related("counters")
    )
    value = {"offered": False, "start": None, "motive": "", "motive_slug": ""}
    if motives:
        value["offered"] = True
        first, last, notice = booking_window(commune, now)
        found = next_free_slot(motives, first, last, now=now, min_notice=notice)
        if found is not None:
            slot, motive = found
            value.update(start=slot.start, motive=motive.name, motive_slug=motive.slug)
    if seconds:
        cache.set(_cache_key(commune.pk), value, seconds)
    return value


def home_context(commune, now=None) -> dict:
    """The home page's appointment and queue figures for ``commune``."""
    return {
        "queue_statuses": queue_statuses(commune, now),
        "appointments": next_slot(commune, now or timezone.now()),
    }


def queue_statuses(commune, now=None) -> list[dict]:
    """The figures of the counters with a desk open (cached, see the module's docstring)."""
    seconds = int(getattr(settings, "ECOMMUNE_HOME_QUEUE_CACHE_SECONDS", QUEUE_CACHE_SECONDS))
    if seconds and now is None:
        cached = cache.get(_queue_key(commune.pk))
        if cached is not None:
            return cached
    counters = Counter.objects.for_commune(commune).order_by("name")
    statuses = [s for s in queue.counter_statuses(counters, now) if s["open_desks"]]
    if seconds and now is None:
        cache.set(_queue_key(commune.pk), statuses, seconds)
    return statuses
