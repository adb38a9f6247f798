"""Appointments: free slots of one motive over 8 weeks (5 recurrence rules, 2,000 bookings),
then concurrent booking attempts on the last places (PostgreSQL only).

Run with `make bench` or `.venv/bin/python benchmarks/appointments.py`; with
DATABASE_URL=postgres://… the concurrency part runs too (200 attempts on 10 places by
default). It builds its own commune in a temporary SQLite database (or DATABASE_URL) and
prints figures; nothing here is a pass/fail assertion.
"""

import datetime
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent


def main(bookings: int = 2000, attempts: int = 200, places: int = 10) -> None:
    start_django()
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ecommune.appointments import services
    from ecommune.appointments.models import Booking, Counter, Motive, SlotUnit
    from ecommune.appointments.slots import free_slots
    from ecommune.core import tenancy
    from ecommune.requests.workdays import is_working_day
    from ecommune.testing.factories import make_commune

    run = int(time.time()) % 100000
    commune = make_commune(f"Bench-{run}", f"bench-{run}.test")
    tz = timezone.get_current_timezone()
    with tenancy.using(commune):
        counter = Counter.objects.create(name="Passeports")
        for days, opens, closes in (
            ([0], (8, 30), (12, 0)),
            ([1, 2, 3], (8, 30), (12, 0)),
            ([4], (8, 30), (12, 0)),
            ([0, 1, 2, 3, 4], (13, 30), (17, 0)),
            ([5], (9, 0), (12, 0)),
        ):
            counter.add_weekly_opening(
                days, datetime.time(*opens), datetime.time(*closes), agents=places
            )
        motive = Motive.objects.create(name="Passeport", slug="passeport", duration_minutes=30)
        motive.counters.add(counter)
    first = timezone.localdate() + datetime.timedelta(days=1)
    last = first + datetime.timedelta(weeks=8)
    slots = free_slots(motive, first, last)
    # 2,000 bookings spread over the 8 weeks (written in bulk: the figure is about reading).
    chosen = (slots * (bookings // len(slots) + 1))[:bookings]
    Booking.unscoped.bulk_create(
        Booking(
            commune=commune,
            reference=f"B{run}-{i:05d}",
            motive=motive,
            counter=counter,
            start=slot.start,
            end=slot.end,
            first_name="Camille",
            last_name=str(i),
        )
        for i, slot in enumerate(chosen)
    )
    taken: dict = {}
    for slot in chosen:
        for unit in slot.unit_starts:
            taken[unit] = taken.get(unit, 0) + 1
    SlotUnit.unscoped.bulk_create(
        SlotUnit(commune=commune, counter=counter, start=unit, booked=min(count, places))
        for unit, count in taken.items()
    )
    runs = []
    for _ in range(10):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = free_slots(motive, first, last)
            runs.append(time.perf_counter() - started)
    runs.sort()
    if os.environ.get("ECOMMUNE_BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(free_slots, motive, first, last)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    print(
        f"free slots, 8 weeks, 5 rules, {bookings} bookings: {len(result)} slots, "
        f"median {runs[len(runs) // 2] * 1000:.1f} ms, {len(queries)} queries "
        f"({connection.vendor})"
    )

    if connection.vendor != "postgresql":
        print("concurrent bookings: skipped (set DATABASE_URL to a PostgreSQL database)")
        return
    target = datetime.datetime.combine(last + datetime.timedelta(days=7), datetime.time(9), tz)
    while not is_working_day(target.date()):
        target += datetime.timedelta(days=1)
    outcomes: list[str] = []
    workers = 16  # connections at once: PostgreSQL's max_connections is shared

    def attempt(n):
        try:
            services.book(
                motive=motive,
                counter_id=counter.pk,
                start=target,
                first_name="B",
                last_name=str(n),
                now=timezone.now(),
                by_agent=True,
            )
            outcomes.append("booked")
        except services.BookingError:
            outcomes.append("full")
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(attempt, range(attempts)))
    elapsed = time.perf_counter() - started
    print(
        f"{attempts} attempts, {workers} at once, on {places} places: "
        f"{outcomes.count('booked')} booked, {outcomes.count('full')} refused, "
        f"{attempts / elapsed:.0f} attempts/s"
    )


if __name__ == "__main__":
    main()
