"""Free slots come from the weekly opening rules, minus holidays, closures and full places."""

import datetime

import holidays
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecommune.appointments import services
from ecommune.appointments.models import Closure, Counter
from ecommune.appointments.slots import free_slots
from ecommune.core import tenancy
from tests.appointments.conftest import at

BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def test_a_day_is_cut_into_slots_within_opening_hours(commune, passport, monday):
    slots = free_slots(passport, monday, monday, now=BEFORE)
    starts = [slot.start.strftime("%H:%M") for slot in slots]
    # 30 minutes on a 15-minute grid: the last morning slot starts at 11:30, none over lunch.
    assert starts[0] == "08:30"
    assert "11:30" in starts and "11:45" not in starts and "12:00" not in starts
    assert "13:30" in starts and "16:30" in starts and "16:45" not in starts
    assert len(slots) == 13 + 13
    assert {slot.free for slot in slots if slot.start.hour < 12} == {2}
    assert {slot.free for slot in slots if slot.start.hour > 12} == {1}
    assert all(slot.end - slot.start == datetime.timedelta(minutes=30) for slot in slots)


def test_an_opening_is_open_on_every_listed_weekday_whatever_the_day_it_was_set_up(
    commune, passport, monday
):
    """django-scheduler cuts a WEEKLY rule down to the first day's weekday: an opening set up
    on a Wednesday for Monday to Friday must open on Monday to Friday all the same."""
    with tenancy.using(commune):
        other = Counter.objects.create(name="Urbanisme")
        other.add_weekly_opening(
            [0, 1, 2, 3, 4],
            datetime.time(9),
            datetime.time(10),
            starting=monday - datetime.timedelta(days=5),
        )
        passport.counters.set([other])
    week = [monday + datetime.timedelta(days=n) for n in range(5)]
    counts = [len(free_slots(passport, day, day, now=BEFORE)) for day in week]
    assert counts[0] > 0 and counts == [counts[0]] * 5, counts


def test_openings_recorded_with_a_weekly_rule_are_moved_to_every_listed_weekday(
    commune, passport, monday
):
    import importlib

    from django.apps import apps
    from schedule.models import Rule

    with tenancy.using(commune):
        other = Counter.objects.create(name="Urbanisme")
        opening = other.add_weekly_opening(
            [0, 1, 2, 3, 4], datetime.time(9), datetime.time(10), starting=monday
        )
        passport.counters.set([other])
    weekly, _ = Rule.objects.get_or_create(
        frequency="WEEKLY", params="byweekday:0,1,2,3,4", defaults={"name": "weekly 0,1,2,3,4"}
    )
    type(opening.event).objects.filter(pk=opening.event_id).update(rule=weekly)
    tuesday = monday + datetime.timedelta(days=1)
    assert free_slots(passport, tuesday, tuesday, now=BEFORE) == []  # as the old rule did
    migration = importlib.import_module(
        "ecommune.appointments.migrations.0007_openings_on_every_listed_weekday"
    )
    migration.every_listed_weekday(apps, None)
    assert free_slots(passport, tuesday, tuesday, now=BEFORE)


def test_weekends_and_public_holidays_are_closed(commune, passport, monday):
    saturday = monday + datetime.timedelta(days=5)
    assert free_slots(passport, saturday, saturday + datetime.timedelta(days=1), now=BEFORE) == []
    holiday = next(
        day
        for day in sorted(holidays.country_holidays("FR", years=[monday.year, monday.year + 1]))
        if day > monday and day.weekday() < 5
    )
    assert free_slots(passport, holiday, holiday, now=BEFORE) == []
    after = holiday + datetime.timedelta(days=1)
    while after.weekday() >= 5 or after in holidays.country_holidays("FR", years=after.year):
        after += datetime.timedelta(days=1)
    assert free_slots(passport, after, after, now=BEFORE)


def test_an_exceptional_closure_closes_its_counter_only(commune, counter, passport, monday):
    with tenancy.using(commune):
        other = Counter.objects.create(name="Urbanisme")
        other.add_weekly_opening([0], datetime.time(9), datetime.time(10))
        passport.counters.add(other)
        Closure.objects.create(counter=counter, starts_on=monday, ends_on=monday, reason="Travaux")
    slots = free_slots(passport, monday, monday, now=BEFORE)
    assert {slot.counter for slot in slots} == {other}
    with tenancy.using(commune):
        Closure.objects.create(starts_on=monday, ends_on=monday, reason="Pont")
    assert free_slots(passport, monday, monday, now=BEFORE) == []
    tuesday = monday + datetime.timedelta(days=1)
    assert free_slots(passport, tuesday, tuesday, now=BEFORE)


def test_past_slots_and_those_within_the_notice_are_not_offered(commune, passport, monday):
    slots = free_slots(passport, monday, monday, now=at(monday, 10, 5))
    assert slots[0].start == at(monday, 10, 15)
    slots = free_slots(
        passport, monday, monday, now=at(monday, 10, 5), min_notice=datetime.timedelta(hours=2)
    )
    assert slots[0].start == at(monday, 13, 30)


def test_full_units_are_skipped_and_the_next_free_slot_comes_first(
    commune, passport, civil, monday
):
    for n in range(2):
        services.book(
            motive=civil,
            counter_id=civil.counters.get().pk,
            start=at(monday, 8, 45),
            first_name="Camille",
            last_name=f"Martin{n}",
            email=f"c{n}@example.org",
            now=BEFORE,
        )
    starts = [s.start for s in free_slots(passport, monday, monday, now=BEFORE)]
    # 8:30–9:00 and 8:45–9:15 both cover the full 8:45 unit.
    assert starts[:2] == [at(monday, 9), at(monday, 9, 15)]
    civil_starts = [s.start for s in free_slots(civil, monday, monday, now=BEFORE)]
    assert civil_starts[:2] == [at(monday, 8, 30), at(monday, 9)]


def test_queries_do_not_depend_on_the_number_of_bookings(commune, civil, monday):
    def count():
        with CaptureQueriesContext(connection) as queries:
            free_slots(civil, monday, monday + datetime.timedelta(weeks=8), now=BEFORE)
        return len(queries)

    count()  # the counters' opening units are then in the portal cache
    empty = count()
    counter_id = civil.counters.get().pk
    for n in range(12):
        services.book(
            motive=civil,
            counter_id=counter_id,
            start=at(monday + datetime.timedelta(days=n % 5), 9 + n % 3),
            first_name="A",
            last_name=str(n),
            now=BEFORE,
        )
    assert count() == empty
