"""What the API publishes, as plain dictionaries, for one commune: the views serialise them,
the open-data downloads write them. Only what the portal shows anyone; never a resident."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from ecommune.core.portal_cache import cached

LIVE_CACHE_SECONDS = 30


def _live_seconds() -> int:
    return int(getattr(settings, "ECOMMUNE_API_LIVE_CACHE_SECONDS", LIVE_CACHE_SECONDS))


def live_cached(commune, name: str, compute):
    """``compute()`` kept ``ECOMMUNE_API_LIVE_CACHE_SECONDS`` for the commune (waiting times
    and free slots change with every ticket and booking: short-lived, 0 turns it off)."""
    seconds = _live_seconds()
    if not seconds:
        return compute()
    key = f"ecommune:api:{commune.pk}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _hhmm(moment) -> str:
    return moment.strftime("%H:%M")


def commune_data(commune) -> dict:
    from ecommune.cms.models import opening_periods

    periods = opening_periods(commune)

    def compute():
        return {
            "name": commune.name,
            "insee_code": commune.insee_code,
            "postal_codes": commune.postal_code_list,
            "website": commune.public_url("/"),
            "address": {
                "street": commune.street_address,
                "postal_code": commune.address_postal_code,
                "city": commune.address_city,
            },
            "contact": {
                "email": commune.contact_email,
                "phone": commune.phone_display,
                "phone_uri": commune.phone_uri if commune.contact_phone else "",
            },
            "opening_hours": [
                {
                    "weekday": period.weekday,
                    "day": str(period.get_weekday_display()).lower(),
                    "opens_at": _hhmm(period.opens_at),
                    "closes_at": _hhmm(period.closes_at),
                }
                for period in periods
            ],
        }

    data = dict(cached(commune, "api:commune", compute))
    data["open_now"] = commune.is_open_at(timezone.now(), periods)
    return data


def _plain(text) -> str:
    return strip_tags(str(text or "")).strip()


def services_data(commune) -> list[dict]:
    from ecommune.cms.models import ServicePage, publication_ids
    from ecommune.servicepublic.links import fiches_of

    def compute():
        services = commune.services()
        pages = {
            page.service_slug: page
            for page in ServicePage.objects.live()
            .public()
            .descendant_of(commune.site.root_page)
            .filter(service_slug__in=[s.slug for s in services])
        }
        rows = []
        for service in services:
            page = pages.get(service.slug)
            start = commune.public_url(reverse("ecommune_requests:wizard", args=[service.slug]))
            fiches = (
                publication_ids(page.fiches) if page and page.fiches else list(fiches_of(service))
            )
            rows.append(
                {
                    "slug": service.slug,
                    "title": str(service.title),
                    "summary": _plain(service.describe()),
                    "who_can_ask": _plain(service.who_can_ask),
                    "documents": _plain(service.documents),
                    "access": service.access,
                    "delay_working_days": service.processing_days,
                    "url": commune.public_url(page.relative_url(commune.site)) if page else start,
                    "start_url": start,
                    "fiches": fiches,
                }
            )
        return rows

    return cached(commune, "api:services", compute)


def _counter(counter) -> dict:
    return {"id": counter.pk, "name": counter.name, "location": counter.location}


def waiting_times(commune) -> list[dict]:
    from ecommune.appointments import queue
    from ecommune.appointments.models import Counter

    def compute():
        counters = Counter.objects.for_commune(commune).order_by("name")
        return [
            {
                "counter": _counter(status["counter"]),
                "open": bool(status["open_desks"]),
                "open_desks": status["open_desks"],
                "waiting": status["waiting"],
                "wait_minutes": status["wait_minutes"] if status["open_desks"] else None,
                "service_minutes": status["service_minutes"],
            }
            for status in queue.counter_statuses(counters)
        ]

    return live_cached(commune, "waiting-times", compute)


def _slot(slot) -> dict:
    return {
        "start": timezone.localtime(slot.start),
        "end": timezone.localtime(slot.end),
        "counter": _counter(slot.counter),
        "free": slot.free,
    }


def active_motives(commune):
    from ecommune.appointments.models import Motive

    return Motive.objects.for_commune(commune).filter(active=True).prefetch_related("counters")


def motives_data(commune) -> list[dict]:
    from ecommune.appointments.services import booking_window
    from ecommune.appointments.slots import next_free_slot

    def compute():
        first, last, notice = booking_window(commune)
        rows = []
        for motive in active_motives(commune).order_by("name"):
            found = next_free_slot([motive], first, last, min_notice=notice)
            rows.append(
                {
                    "slug": motive.slug,
                    "name": motive.name,
                    "duration_minutes": motive.duration_minutes,
                    "max_people": motive.max_people,
                    "instructions": motive.instructions,
                    "counters": [_counter(c) for c in motive.counters.all()],
                    "booking_url": booking_url(commune, motive),
                    "next_free_slot": _slot(found[0]) if found else None,
                }
            )
        return rows

    return live_cached(commune, "motives", compute)


def booking_url(commune, motive) -> str:
    return commune.public_url(reverse("ecommune_appointments:slots", args=[motive.slug]))


def slots_data(commune, motive, first: datetime.date, last: datetime.date, counter_id=None):
    """The free slots of ``motive`` from ``first`` to ``last``, within the days residents may
    book (outside them: none)."""
    from ecommune.appointments.services import booking_window
    from ecommune.appointments.slots import free_slots

    def compute():
        window_first, window_last, notice = booking_window(commune)
        counters = [c for c in motive.counters.all() if counter_id is None or c.pk == counter_id]
        days_first, days_last = max(first, window_first), min(last, window_last)
        if not counters or days_first > days_last:
            return []
        found = free_slots(motive, days_first, days_last, counters=counters, min_notice=notice)
        return [_slot(slot) for slot in found]

    name = f"slots:{motive.slug}:{first.isoformat()}:{last.isoformat()}:{counter_id or ''}"
    return live_cached(commune, name, compute)


def _home(commune):
    return commune.site.root_page


def news_data(commune, limit: int) -> list[dict]:
    from ecommune.cms.models import NewsPage

    def compute():
        items = (
            NewsPage.objects.live()
            .public()
            .descendant_of(_home(commune))
            .order_by("-date", "-pk")[:limit]
        )
        return [
            {
                "title": item.title,
                "date": item.date,
                "summary": item.summary,
                "url": commune.public_url(item.relative_url(commune.site)),
            }
            for item in items
        ]

    return cached(commune, f"api:news:{limit}", compute)


def events_data(commune, limit: int) -> list[dict]:
    from ecommune.cms.models import EventPage

    def compute():
        items = EventPage.upcoming().descendant_of(_home(commune))[:limit]
        return [
            {
                "title": item.title,
                "start": timezone.localtime(item.start),
                "end": timezone.localtime(item.end) if item.end else None,
                "place": item.place,
                "summary": item.summary,
                "url": commune.public_url(item.relative_url(commune.site)),
            }
            for item in items
        ]

    return cached(commune, f"api:events:{limit}", compute)


def satisfaction_data(commune) -> dict:
    from ecommune.feedback import survey

    def compute():
        now = timezone.now()
        # The online services, then « Rendez-vous à la mairie » when the commune takes them.
        services = survey.surveyed_services(commune)
        figures = survey.results(commune, services, now=now)
        keys = ("answers", "shown", "easy", "on_time", "satisfied", "average")
        return {
            "period_start": timezone.localdate(now - survey.PERIOD),
            "period_end": timezone.localdate(now),
            "min_answers": survey.MIN_ANSWERS,
            "services": [
                {"slug": service.slug, "title": str(line["title"]), **{k: line[k] for k in keys}}
                for service, line in zip(services, figures["services"], strict=True)
            ],
            "total": {k: figures["total"][k] for k in keys},
        }

    return cached(commune, "api:satisfaction", compute)


def fiches_data(commune) -> list[dict]:
    from ecommune.cms.models import fiches_by_ids

    def compute():
        cited: dict[str, list[str]] = {}
        for service in services_data(commune):
            for fiche_id in service["fiches"]:
                cited.setdefault(fiche_id, []).append(service["slug"])
        return [
            {
                "id": fiche.publication_id,
                "title": fiche.title,
                "description": fiche.description,
                "audience": fiche.audience,
                "checked_on": fiche.modified,
                "url": commune.public_url(fiche.get_absolute_url()),
                "service_public_url": fiche.sp_url,
                "services": cited[fiche.publication_id],
            }
            for fiche in fiches_by_ids(list(cited))
        ]

    return cached(commune, "api:fiches", compute)
