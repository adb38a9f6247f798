"""No double booking: threads racing for the last place of a slot on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from ecommune.appointments import services
from ecommune.appointments.models import Booking, SlotUnit
from ecommune.core import tenancy
from tests.appointments.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)
def test_exactly_one_of_many_concurrent_bookings_gets_the_last_place(commune, civil, monday):
    counter_id = civil.counters.get().pk
    start = at(monday, 9)
    # Two agents in the morning: one place is taken, one is left.
    services.book(
        motive=civil, counter_id=counter_id, start=start, first_name="A", last_name="Premier"
    )
    racers = 12
    barrier = threading.Barrier(racers)
    outcomes = []

    def attempt(n):
        try:
            barrier.wait()
            # Each thread is a request of its own: it selects the commune as one would.
            with tenancy.using(commune):
                services.book(
                    motive=civil,
                    counter_id=counter_id,
                    start=start,
                    first_name="B",
                    last_name=f"Concurrent{n}",
                    email=f"b{n}@example.org",
                )
            outcomes.append("booked")
        except services.SlotUnavailable:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["full"] * (racers - 1)
    assert Booking.unscoped.filter(start=start).count() == 2
    assert SlotUnit.unscoped.get(counter_id=counter_id, start=start).booked == 2
