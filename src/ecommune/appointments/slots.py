"""Free appointment slots, computed from the counters' opening rules, closures and bookings.

A counter's time is cut into units of ``slot_minutes`` from the start of each
opening occurrence (django-scheduler expands the weekly rules). A unit's
capacity is the number of agents on duty then; a unit is closed on a public
holiday (``holidays`` library, with the commune's local days) and during an
exceptional ``Closure``. A motive lasting N units may start at a unit when the
N units in a row are open and each still has a place.

The number of queries does not depend on the number of bookings: the places
taken are read from ``SlotUnit`` counters, one row per unit, in one query.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from ecommune.appointments.models import Closure, Counter, CounterOpening, SlotUnit
from ecommune.core import portal_cache
from ecommune.requests.workdays import _holidays, subdivision_for_insee


@dataclass(frozen=True)
class Slot:
    """A time a motive may be booked at a counter, and the places left."""

    counter: Counter
    start: datetime.datetime
    end: datetime.datetime
    free: int
    # The units the slot covers (Unix seconds) and the capacity of each, for the booking's
    # conditional update.
    unit_epochs: tuple[int, ...]
    unit_capacities: tuple[int, ...]

    @property
    def unit_starts(self) -> tuple[datetime.datetime, ...]:
        return tuple(datetime.datetime.fromtimestamp(s, datetime.UTC) for s in self.unit_epochs)

    @property
    def key(self) -> str:
        """What a form posts to choose this slot: the counter and the start, in UTC."""
        return f"{self.counter.pk}:{self.start.astimezone(datetime.UTC):%Y%m%dT%H%M}"


def parse_slot_key(value: str) -> tuple[int, datetime.datetime] | None:
    """The counter id and start of a posted slot key, or None when it cannot be read."""
    try:
        counter_id, stamp = str(value).split(":", 1)
        start = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M").replace(tzinfo=datetime.UTC)
        return int(counter_id), start
    except (ValueError, TypeError):
        return None


def units_for(motive, counter) -> int:
    return max(1, math.ceil(motive.duration_minutes / max(1, counter.slot_minutes)))


def closed_days(commune, counters, first: datetime.date, last: datetime.date):
    """Per counter id, the days it is closed between two dates (holidays and closures)."""
    subdivision = subdivision_for_insee(commune.insee_code) if commune else None
    holidays = set()
    for year in range(first.year, last.year + 1):
        holidays |= _holidays(subdivision, year)
    closed = {counter.pk: set(holidays) for counter in counters}
    closures = Closure.objects.for_commune(counters[0].commune_id).filter(
        Q(counter__in=counters) | Q(counter__isnull=True),
        starts_on__lte=last,
        ends_on__gte=first,
    )
    for closure in closures:
        day = max(closure.starts_on, first)
        while day <= min(closure.ends_on, last):
            for counter in counters:
                if (
                    closure.counter_id in (None, counter.pk)
                    and closure.commune_id == counter.commune_id
                ):
                    closed[counter.pk].add(day)
            day += datetime.timedelta(days=1)
    return closed


def _epoch(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


def unit_capacities(counters, start: datetime.datetime, end: datetime.datetime, closed):
    """Per counter id, {unit start (Unix seconds): agents on duty} for every open unit in
    [start, end). Integer keys: this runs for every unit of every week shown."""
    tz = timezone.get_current_timezone()
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    first, stop = _epoch(start), _epoch(end)
    by_id = {counter.pk: counter for counter in counters}
    capacity: dict[int, dict[int, int]] = defaultdict(dict)
    openings = (
        CounterOpening.objects.for_commune(counters[0].commune_id)
        .filter(counter__in=counters)
        .select_related("event__rule")
        .prefetch_related("event__occurrence_set")
    )
    for opening in openings:
        counter = by_id[opening.counter_id]
        step = 60 * max(1, counter.slot_minutes)
        caps = capacity[counter.pk]
        for occurrence in opening.event.get_occurrences(
            local_start, local_end, clear_prefetch=False
        ):
            if occurrence.cancelled or occurrence.start.astimezone(tz).date() in closed[counter.pk]:
                continue
            moment, finish = _epoch(occurrence.start), _epoch(occurrence.end)
            while moment + step <= finish:
                if first <= moment < stop:
                    caps[moment] = caps.get(moment, 0) + opening.agents_on_duty
                moment += step
    return capacity


def _bounds(first: datetime.date, last: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def availability(counters, first: datetime.date, last: datetime.date):
    """For the counters from ``first`` to ``last``: per counter id, each open unit's capacity,
    and the places taken per (counter id, unit); a fixed number of queries."""
    start, end = _bounds(first, last)
    commune = counters[0].commune if counters[0].commune_id else None

    def compute():
        closed = closed_days(commune, counters, first, last)
        return dict(unit_capacities(counters, start, end, closed))

    # The opening hours expanded into units (django-scheduler's recurrences, holidays,
    # closures) are the same for every visitor until a counter, an opening or a closure
    # changes, which gives the commune a new portal version (ecommune.appointments.apps);
    # the places taken are read afresh below.
    key = "appointments:capacity:{}:{}:{}:{}".format(
        ",".join(f"{c.pk}-{c.slot_minutes}" for c in counters),
        first.isoformat(),
        last.isoformat(),
        timezone.get_current_timezone_name(),
    )
    capacity = portal_cache.cached(commune, key, compute)
    taken: dict[tuple[int, int], int] = {
        (counter_id, _epoch(unit_start)): booked
        for counter_id, unit_start, booked in SlotUnit.objects.for_commune(counters[0].commune_id)
        .filter(counter__in=counters, start__gte=start, start__lt=end, booked__gt=0)
        .values_list("counter_id", "start", "booked")
    }
    return capacity, taken


def _slots_of(
    motive, counters, capacity, taken, earliest: int, include_full: bool, first=False, latest=None
):
    """The motive's slots from the availability, starting in [earliest, latest); only the
    ``first`` soonest per counter when it is given (True: one)."""
    tz = timezone.get_current_timezone()
    slots = []
    for counter in counters:
        step = 60 * max(1, counter.slot_minutes)
        length = units_for(motive, counter)
        caps = capacity.get(counter.pk, {})
        found = 0
        for unit_start in sorted(caps):
            if unit_start < earliest:
                continue
            if latest is not None and unit_start >= latest:
                break
            starts = tuple(range(unit_start, unit_start + length * step, step))
            if any(s not in caps for s in starts):
                continue
            free = min(caps[s] - taken.get((counter.pk, s), 0) for s in starts)
            if free <= 0 and not include_full:
                continue
            slots.append(
                Slot(
                    counter=counter,
                    start=datetime.datetime.fromtimestamp(unit_start, tz),
                    end=datetime.datetime.fromtimestamp(unit_start + length * step, tz),
                    free=max(free, 0),
                    unit_epochs=starts,
                    unit_capacities=tuple(caps[s] for s in starts),
                )
            )
            found += 1
            if first and found >= int(first):
                break
    slots.sort(key=lambda slot: (slot.start, slot.counter.name))
    return slots


def soonest_and_week(
    motive,
    first: datetime.date,
    last: datetime.date,
    week_for,
    *,
    counters,
    min_notice: datetime.timedelta = datetime.timedelta(0),
    exclude=None,
    now: datetime.datetime | None = None,
):
    """The soonest free slot of ``motive`` (or None), the week ``week_for(soonest day)``
    gives as (monday, last day shown), and that week's free slots: what the booking page
    shows, without building every slot of the booking window. ``exclude`` (a booking being
    moved) is never offered."""
    tz = timezone.get_current_timezone()

    def kept(slots):
        if exclude is None:
            return slots
        return [
            s
            for s in slots
            if not (s.start == exclude.start and s.counter.pk == exclude.counter_id)
        ]

    now = now or timezone.now()
    if not counters:
        week, week_end = week_for(first)
        return None, (week, week_end), []
    capacity, taken = availability(counters, first, last)
    earliest = _epoch(now + min_notice)
    soonest = kept(
        _slots_of(motive, counters, capacity, taken, earliest, False, first=2 if exclude else 1)
    )
    next_slot = soonest[0] if soonest else None
    soonest_day = timezone.localtime(next_slot.start, tz).date() if next_slot else first
    week, week_end = week_for(soonest_day)
    start, _ = _bounds(week, week)
    _, end = _bounds(week_end, week_end)
    week_slots = kept(
        _slots_of(
            motive,
            counters,
            capacity,
            taken,
            max(earliest, _epoch(start)),
            False,
            latest=_epoch(end),
        )
    )
    return next_slot, (week, week_end), week_slots


def free_slots(
    motive,
    first: datetime.date,
    last: datetime.date,
    *,
    counters=None,
    now: datetime.datetime | None = None,
    min_notice: datetime.timedelta = datetime.timedelta(0),
    include_full: bool = False,
) -> list[Slot]:
    """The slots of ``motive`` from ``first`` to ``last`` (days included), soonest first.

    Slots starting before ``now + min_notice`` are left out. ``include_full`` keeps
    the slots with no place left (an agent's view).
    """
    counters = list(counters if counters is not None else motive.counters.all())
    if not counters:
        return []
    now = now or timezone.now()
    capacity, taken = availability(counters, first, last)
    return _slots_of(motive, counters, capacity, taken, _epoch(now + min_notice), include_full)


def next_free_slot(
    motives,
    first: datetime.date,
    last: datetime.date,
    *,
    now: datetime.datetime | None = None,
    min_notice: datetime.timedelta = datetime.timedelta(0),
) -> tuple[Slot, object] | None:
    """The soonest free slot of any of ``motives`` (their counters prefetched) and its motive,
    or None; the availability of all their counters is read once, so the queries do not
    grow with motives, counters or bookings."""
    motives = list(motives)
    counters = list({c.pk: c for m in motives for c in m.counters.all()}.values())
    if not counters:
        return None
    now = now or timezone.now()
    capacity, taken = availability(counters, first, last)
    earliest = _epoch(now + min_notice)
    best = None
    for motive in motives:
        found = _slots_of(
            motive, list(motive.counters.all()), capacity, taken, earliest, False, True
        )
        if found and (best is None or found[0].start < best[0].start):
            best = (found[0], motive)
    return best


def free_slots_by_counter(
    pairs,
    first: datetime.date,
    last: datetime.date,
    *,
    now: datetime.datetime | None = None,
    min_notice: datetime.timedelta = datetime.timedelta(0),
):
    """``(motive, slot)`` for each free slot of each ``(motive, counter)`` pair, pair by pair;
    the availability of all the counters is read once (the ANTS hub's search)."""
    pairs = list(pairs)
    counters = list({counter.pk: counter for _motive, counter in pairs}.values())
    if not counters:
        return []
    now = now or timezone.now()
    capacity, taken = availability(counters, first, last)
    earliest = _epoch(now + min_notice)
    return [
        (motive, slot)
        for motive, counter in pairs
        for slot in _slots_of(motive, [counter], capacity, taken, earliest, False)
    ]


def find_slot(motive, counter_id: int, start: datetime.datetime, **options) -> Slot | None:
    """The free slot of ``motive`` at this counter and time, or None (past, closed, full,
    outside the opening hours, or a counter that does not handle the motive)."""
    counter = next((c for c in motive.counters.all() if c.pk == counter_id), None)
    if counter is None:
        return None
    day = start.astimezone(timezone.get_current_timezone()).date()
    for slot in free_slots(motive, day, day, counters=[counter], **options):
        if slot.start == start:
            return slot
    return None
