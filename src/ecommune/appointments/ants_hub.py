"""The three endpoints the ANTS hub calls on a software editor, so that the communes' free
ID-card and passport slots show on the national search (rendezvouspasseport.ants.gouv.fr)
and a pre-demand number's appointments can be found from there.

The install is one editor: the IT team registers its address (``https://<a commune's
domain>/api/ants/``) and the key ANTS sends (``X-HUB-RDV-AUTH-TOKEN``, setting
``ECOMMUNE_ANTS_HUB_TOKEN``) once, and every commune that switched
``AppointmentSettings.ants_hub_listed`` on is listed, each slot linking to its own domain.

- ``getManagedMeetingPoints``: the counters of those communes with a latitude and a
  longitude and at least one open motive with a title for the ANTS search (``ants_reason``).
- ``availableTimeSlots?meeting_point_ids=…&start_date=…&end_date=…&reason=CNI|PASSPORT|
  CNI-PASSPORT&documents_number=N``: per counter, the free starts of those motives covering
  N people, within the commune's booking window, each with the booking page of that slot.
- ``searchApplicationIds?application_ids=…``: the future appointments held by each number
  in this install, with the links to move and to cancel it.

Times are the Paris wall-clock time written ``2026-12-01T09:30Z``: the hub shows the time
it reads as it is and shifts times carrying an offset, so editors (rdv-service-public
among them) send local time with a ``Z``. The shapes follow the hub's source and
rdv-service-public's tests; no live call is possible from here.
"""

import datetime
import secrets

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from ecommune.appointments.models import (
    AntsNumber,
    AntsReason,
    AppointmentSettings,
    BookingStatus,
    Counter,
    Motive,
)
from ecommune.appointments.slots import free_slots_by_counter
from ecommune.core.dates import parse_date
from ecommune.core.models import Commune

HEADER = "X-HUB-RDV-AUTH-TOKEN"
MAX_DAYS = 190  # the hub asks a month or a few at a time
MAX_IDS = 100
# The motives that can take a search for each reason of the hub.
MOTIVES_FOR = {
    AntsReason.CNI: [AntsReason.CNI, AntsReason.BOTH],
    AntsReason.PASSPORT: [AntsReason.PASSPORT, AntsReason.BOTH],
    AntsReason.BOTH: [AntsReason.BOTH],
}


class HubRequestError(ValueError):
    """A parameter the hub sent cannot be read (answered with 400 and this message)."""


def hub_token() -> str:
    return getattr(settings, "ECOMMUNE_ANTS_HUB_TOKEN", "") or ""


def token_is_valid(given: str | None) -> bool:
    expected = hub_token()
    return bool(expected) and secrets.compare_digest(expected, given or "")


def hub_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%MZ")


def listed_communes():
    """The communes that chose to show their slots on the national search."""
    sites = AppointmentSettings.objects.filter(ants_hub_listed=True).values("site_id")
    return Commune.base_queryset().filter(site_id__in=sites).select_related("site")


def listed_counters(ids=None):
    """The counters the hub may search: located, of a listed commune, with an ANTS motive
    open for booking (prefetched as ``ants_motives``)."""
    motives = Motive.unscoped.filter(active=True).exclude(ants_reason="").order_by("name")
    counters = (
        Counter.unscoped.filter(
            commune__in=listed_communes(),
            latitude__isnull=False,
            longitude__isnull=False,
            motives__in=motives,
        )
        .distinct()
        .select_related("commune__site")
        .prefetch_related(Prefetch("motives", queryset=motives, to_attr="ants_motives"))
        .order_by("commune__name", "name")
    )
    if ids is not None:
        counters = counters.filter(pk__in=ids)
    return counters


def meeting_point_name(counter) -> str:
    return f"Mairie de {counter.commune.name} — {counter.name}"


def managed_meeting_points() -> list[dict]:
    points = []
    for counter in listed_counters():
        commune = counter.commune
        points.append(
            {
                "id": str(counter.pk),
                "name": meeting_point_name(counter),
                "longitude": counter.longitude,
                "latitude": counter.latitude,
                "public_entry_address": commune.street_address,
                "zip_code": commune.address_postal_code or next(iter(commune.postal_code_list), ""),
                "city_name": commune.address_city or commune.name,
                "website": commune.public_url("/"),
                "city_logo": commune.public_url(
                    reverse("ecommune_webapp_icon", kwargs={"size": 192})
                ),
            }
        )
    return points


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise HubRequestError(f"Unknown meeting point id: {part}")
            ids.append(int(part))
    if not ids:
        raise HubRequestError("meeting_point_ids is required")
    if len(ids) > MAX_IDS:
        raise HubRequestError(f"At most {MAX_IDS} meeting_point_ids")
    return ids


def _date(value, name) -> datetime.date:
    day = parse_date(value)
    if day is None:
        raise HubRequestError(f"{name} must be a date such as 2026-12-01")
    return day


def read_slot_query(query) -> dict:
    """The availableTimeSlots parameters, checked (``query`` is a QueryDict)."""
    ids = _ids(query.getlist("meeting_point_ids"))
    start = _date(query.get("start_date", ""), "start_date")
    end = _date(query.get("end_date", ""), "end_date")
    if end < start:
        raise HubRequestError("end_date is before start_date")
    if (end - start).days > MAX_DAYS:
        raise HubRequestError(f"At most {MAX_DAYS} days at a time")
    reason = query.get("reason") or AntsReason.CNI
    if reason not in AntsReason.values:
        raise HubRequestError("reason must be CNI, PASSPORT or CNI-PASSPORT")
    try:
        people = int(query.get("documents_number") or 1)
    except ValueError:
        raise HubRequestError("documents_number must be a whole number") from None
    if not 1 <= people <= 20:
        raise HubRequestError("documents_number must be between 1 and 20")
    return {"ids": ids, "start": start, "end": end, "reason": reason, "people": people}


def available_time_slots(ids, start, end, reason, people, now=None) -> dict[str, list[dict]]:
    """Free starts per counter; queries grow with the communes asked about, not the slots."""
    from ecommune.appointments.services import booking_window

    now = now or timezone.now()
    wanted = MOTIVES_FOR[AntsReason(reason)]
    starts: dict[int, dict[str, str]] = {}
    by_commune: dict[int, list] = {}
    for counter in listed_counters(ids):
        starts[counter.pk] = {}
        by_commune.setdefault(counter.commune_id, []).append(counter)
    for counters in by_commune.values():
        commune = counters[0].commune
        first, last, notice = booking_window(commune, now)
        first, last = max(first, start), min(last, end)
        if first > last:
            continue
        pairs = [
            (motive, counter)
            for counter in counters
            for motive in counter.ants_motives
            if motive.ants_reason in wanted and motive.max_people >= people
        ]
        for motive, slot in free_slots_by_counter(pairs, first, last, now=now, min_notice=notice):
            path = reverse("ecommune_appointments:book", args=[motive.slug])
            # Two motives may start at the same time: the first by name is offered.
            starts[slot.counter.pk].setdefault(
                hub_time(slot.start),
                commune.public_url(f"{path}?creneau={slot.key}"),
            )
    return {
        str(pk): [{"datetime": when, "callback_url": url} for when, url in sorted(found.items())]
        for pk, found in starts.items()
    }


def read_application_ids(query) -> list[str]:
    numbers = []
    for value in query.getlist("application_ids"):
        numbers.extend(part.strip().upper() for part in str(value).split(",") if part.strip())
    if not numbers:
        raise HubRequestError("application_ids is required")
    if len(numbers) > MAX_IDS:
        raise HubRequestError(f"At most {MAX_IDS} application_ids")
    return numbers


def search_application_ids(numbers, now=None) -> dict[str, list[dict]]:
    """The future appointments each pre-demand number holds in this install."""
    from ecommune.appointments.services import manage_urls

    now = now or timezone.now()
    result = {number: [] for number in numbers}
    held = (
        AntsNumber.objects.filter(
            number__in=numbers,
            active=True,
            booking__status=BookingStatus.BOOKED,
            booking__start__gt=now,
        )
        .select_related("booking__counter", "booking__commune__site")
        .order_by("booking__start")
    )
    for entry in held:
        booking = entry.booking
        urls = manage_urls(booking)
        result[entry.number].append(
            {
                "meeting_point": meeting_point_name(booking.counter),
                "datetime": hub_time(booking.start),
                "management_url": urls["move_url"],
                "cancel_url": urls["cancel_url"],
            }
        )
    return result
