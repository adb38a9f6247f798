"""The home page's live wait per open counter and next free appointment, and its queries."""

import datetime
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecommune.appointments import queue, services
from ecommune.appointments.home import next_slot
from ecommune.appointments.models import Counter, Desk, Motive
from ecommune.core import tenancy

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}
PARIS = datetime.timezone(datetime.timedelta(hours=1))
# Monday 30 November 2026, 16:00: with two hours' notice the next slot is on Tuesday.
MONDAY_AFTERNOON = datetime.datetime(2026, 11, 30, 16, 0, tzinfo=PARIS)
TUESDAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def at(day, hour, minute=0):
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def make_counter(commune, name, *, desks_open=0, waiting=0):
    with tenancy.using(commune):
        counter = Counter.objects.create(name=name)
        counter.add_weekly_opening(
            [0, 1, 2, 3, 4], datetime.time(8, 30), datetime.time(12), starting=TUESDAY
        )
        for n in range(max(desks_open, 1)):
            Desk.objects.create(counter=counter, name=f"Bureau {n + 1}", is_open=n < desks_open)
        for _ in range(waiting):
            queue.take_ticket(counter)
    return counter


def make_motive(commune, counters, slug="acte"):
    with tenancy.using(commune):
        motive = Motive.objects.create(name="Retrait d'acte", slug=slug, duration_minutes=15)
        motive.counters.add(*counters)
    return motive


def home(client):
    response = client.get("/", **HOST)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_home_shows_the_wait_per_open_counter_and_the_next_free_slot(full_commune, client):
    with time_machine.travel(MONDAY_AFTERNOON, tick=False):
        passports = make_counter(full_commune, "Passeports", desks_open=2, waiting=4)
        make_counter(full_commune, "Urbanisme", desks_open=0, waiting=2)
        motive = make_motive(full_commune, [passports])
        for minute in (30, 45, 60, 75):  # 8:30 to 9:30 taken on Tuesday
            services.book(
                motive=motive,
                counter_id=passports.pk,
                start=at(TUESDAY, 8) + datetime.timedelta(minutes=minute),
                first_name="Camille",
                last_name=f"Martin{minute}",
            )
        html = home(client)
        # 4 waiting, 2 desks open, 10 minutes by default: the public queue page's figure.
        assert queue.counter_status(passports)["wait_minutes"] == 20
    block = html[html.index('id="counters-title"') : html.index('id="news-title"')]
    assert f'href="/file-attente/guichet/{passports.pk}/">Passeports</a> : ' in block
    assert "environ 20 min" in block and "4 personnes en attente" in block
    assert "Urbanisme" not in block  # no desk open
    assert "mardi 1 décembre à 9\xa0h\xa030" in block
    assert 'href="/rendez-vous/acte/">Retrait d\'acte</a>' in block
    assert 'href="/rendez-vous/">Prendre rendez-vous</a>' in block


def test_home_has_no_appointment_block_without_motives_or_open_desks(full_commune, client):
    make_counter(full_commune, "Passeports", desks_open=0)
    assert 'id="counters-title"' not in home(client)


def test_home_says_when_no_slot_is_free(full_commune, client):
    with tenancy.using(full_commune):
        counter = Counter.objects.create(name="Passeports")  # never open
    make_motive(full_commune, [counter])
    html = home(client)
    assert "Aucun rendez-vous libre dans les prochaines semaines" in html


def test_home_queries_stay_constant_when_counters_and_bookings_grow(full_commune, client):
    with time_machine.travel(MONDAY_AFTERNOON, tick=False):
        first = make_counter(full_commune, "Accueil", desks_open=1, waiting=1)
        motive = make_motive(full_commune, [first])
        home(client)
        cache.clear()
        with CaptureQueriesContext(connection) as before:
            html = home(client)
        assert "mardi 1 décembre à 8\xa0h\xa030" in html
        counters = [
            make_counter(full_commune, f"Guichet {n}", desks_open=2, waiting=3) for n in range(6)
        ]
        motive.counters.add(*counters)
        make_motive(full_commune, counters, slug="passeport")
        for n, counter in enumerate([first, *counters]):
            for minute in range(0, 60, 15):
                services.book(
                    motive=motive,
                    counter_id=counter.pk,
                    start=at(TUESDAY, 9, minute),
                    first_name="Camille",
                    last_name=f"Martin{n}",
                )
            queue.call_next(Desk.unscoped.filter(counter=counter).first())
        cache.clear()
        with CaptureQueriesContext(connection) as after:
            html = home(client)
        assert html.count("/file-attente/guichet/") == 7
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_the_next_slot_is_cached_and_forgotten_when_a_booking_changes(
    full_commune, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY_AFTERNOON, tick=False):
        counter = make_counter(full_commune, "Accueil")
        motive = make_motive(full_commune, [counter])
        assert next_slot(full_commune)["start"] == at(TUESDAY, 8, 30)
        with CaptureQueriesContext(connection) as cached:
            assert next_slot(full_commune)["start"] == at(TUESDAY, 8, 30)
        assert len(cached) == 0
        with django_capture_on_commit_callbacks(execute=True):
            booking = services.book(
                motive=motive,
                counter_id=counter.pk,
                start=at(TUESDAY, 8, 30),
                first_name="Camille",
                last_name="Martin",
            )
        assert next_slot(full_commune)["start"] == at(TUESDAY, 8, 45)
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel(booking)
        assert next_slot(full_commune)["start"] == at(TUESDAY, 8, 30)
