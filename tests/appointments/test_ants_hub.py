"""The three endpoints the ANTS hub calls (rendezvouspasseport.ants.gouv.fr): only with its
key, only the counters of the communes that chose to be listed, free slots within the
booking window with the link to book each one, and a pre-demand number's appointments."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecommune.appointments import services
from ecommune.appointments.models import AppointmentSettings, Counter, Motive
from ecommune.core import tenancy
from tests.appointments.conftest import at

pytestmark = pytest.mark.django_db
TOKEN = "cle-du-hub-ants"
HUB = {"HTTP_HOST": "commune-a.test", "HTTP_X_HUB_RDV_AUTH_TOKEN": TOKEN}


@pytest.fixture(autouse=True)
def hub_key(settings):
    settings.ECOMMUNE_ANTS_HUB_TOKEN = TOKEN
    settings.ECOMMUNE_PUBLIC_SCHEME = "https"


@pytest.fixture
def listed(commune, counter, passport):
    """Commune-A shows its passport counter (located) on the national search."""
    AppointmentSettings.objects.update_or_create(
        site=commune.site, defaults={"ants_hub_listed": True, "min_notice_hours": 2}
    )
    counter.latitude, counter.longitude = 47.2184, -1.5536
    counter.save()
    passport.ants_reason = "PASSPORT"
    passport.save()
    commune.street_address, commune.address_postal_code = "2 rue de la Mairie", "44000"
    commune.address_city = "Commune-A"
    commune.save()
    return counter


def get(client, name, **params):
    return client.get(f"/api/ants/{name}", params, **HUB)


def test_without_the_hubs_key_nothing_is_said(client, listed, settings):
    response = client.get("/api/ants/getManagedMeetingPoints", HTTP_HOST="commune-a.test")
    assert response.status_code == 401
    assert response.json() == {"error": "X-HUB-RDV-AUTH-TOKEN header is missing or invalid"}
    wrong = client.get(
        "/api/ants/getManagedMeetingPoints",
        HTTP_HOST="commune-a.test",
        HTTP_X_HUB_RDV_AUTH_TOKEN="devine",
    )
    assert wrong.status_code == 401
    settings.ECOMMUNE_ANTS_HUB_TOKEN = ""
    assert get(client, "getManagedMeetingPoints").status_code == 404


def test_the_listed_located_counters_are_the_meeting_points(
    client, listed, civil, other_commune, settings
):
    # Commune-B has a passport counter too, but did not ask to be listed.
    with tenancy.using(other_commune):
        hidden = Counter.objects.create(name="Titres", latitude=41.9, longitude=8.7)
        Motive.objects.create(name="CNI", slug="cni", ants_reason="CNI").counters.add(hidden)
    response = get(client, "getManagedMeetingPoints")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": str(listed.pk),
            "name": "Mairie de Commune-A — Passeports",
            "longitude": -1.5536,
            "latitude": 47.2184,
            "public_entry_address": "2 rue de la Mairie",
            "zip_code": "44000",
            "city_name": "Commune-A",
            "website": "https://commune-a.test/",
            "city_logo": "https://commune-a.test/ecommune/icon-192.png",
        }
    ]
    listed.latitude = None
    listed.save()
    assert get(client, "getManagedMeetingPoints").json() == []


def test_free_slots_come_in_local_time_with_the_link_to_book_them(
    client, commune, listed, passport, monday
):
    with time_machine.travel(at(monday - datetime.timedelta(days=3), 12), tick=False):
        services.book(
            motive=passport,
            counter_id=listed.pk,
            start=at(monday, 8, 30),
            first_name="A",
            last_name="B",
            email="a@example.org",
            phone="",
            people=1,
            ants_numbers=["AB12345678"],
        )
        services.book(
            motive=passport,
            counter_id=listed.pk,
            start=at(monday, 8, 30),
            first_name="C",
            last_name="D",
            email="c@example.org",
            phone="",
            people=1,
            ants_numbers=["CD12345678"],
        )
        response = get(
            client,
            "availableTimeSlots",
            meeting_point_ids=[listed.pk],
            start_date=monday.isoformat(),
            end_date=monday.isoformat(),
            reason="PASSPORT",
            documents_number=2,
        )
    assert response.status_code == 200
    slots = response.json()[str(listed.pk)]
    day = monday.isoformat()
    times = [slot["datetime"] for slot in slots]
    # 8:30 and 8:45 are full (two agents, two 30-minute bookings): 9:00 is the first start.
    assert times[:3] == [f"{day}T09:00Z", f"{day}T09:15Z", f"{day}T09:30Z"]
    assert times[-1] == f"{day}T16:30Z"
    first = slots[0]["callback_url"]
    assert first.startswith("https://commune-a.test/rendez-vous/passeport/reserver/?creneau=")
    page = client.get(first.removeprefix("https://commune-a.test"), HTTP_HOST="commune-a.test")
    assert page.status_code == 200
    assert "lundi" in page.content.decode() and "9 h 00" in page.content.decode()


def test_a_search_for_an_identity_card_or_too_many_people_finds_nothing(client, listed, monday):
    common = {
        "meeting_point_ids": [listed.pk],
        "start_date": monday.isoformat(),
        "end_date": monday.isoformat(),
    }
    assert get(client, "availableTimeSlots", reason="CNI", **common).json() == {str(listed.pk): []}
    too_many = get(client, "availableTimeSlots", reason="PASSPORT", documents_number=4, **common)
    assert too_many.json() == {str(listed.pk): []}  # an appointment covers 3 people


def test_the_booking_window_bounds_the_search(client, commune, listed):
    far = datetime.date.today() + datetime.timedelta(weeks=20)
    response = get(
        client,
        "availableTimeSlots",
        meeting_point_ids=[listed.pk],
        start_date=far.isoformat(),
        end_date=(far + datetime.timedelta(days=7)).isoformat(),
        reason="PASSPORT",
    )
    assert response.json() == {str(listed.pk): []}  # 8 weeks ahead at most


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "meeting_point_ids is required"),
        ({"meeting_point_ids": "x"}, "Unknown meeting point id: x"),
        ({"meeting_point_ids": "1", "start_date": "demain"}, "start_date must be a date"),
        (
            {"meeting_point_ids": "1", "start_date": "2026-12-02", "end_date": "2026-12-01"},
            "end_date is before start_date",
        ),
        (
            {
                "meeting_point_ids": "1",
                "start_date": "2026-12-01",
                "end_date": "2026-12-01",
                "reason": "PERMIS",
            },
            "reason must be CNI, PASSPORT or CNI-PASSPORT",
        ),
    ],
)
def test_unreadable_parameters_get_a_400_saying_which(client, listed, params, message):
    response = get(client, "availableTimeSlots", **params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_the_search_costs_the_same_queries_for_one_or_many_counters(client, commune, listed):
    today = datetime.date.today()
    params = {
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=30)).isoformat(),
        "reason": "PASSPORT",
    }
    with CaptureQueriesContext(connection) as one:
        get(client, "availableTimeSlots", meeting_point_ids=[listed.pk], **params)
    ids = [listed.pk]
    with tenancy.using(commune):
        passport = Motive.objects.get(slug="passeport")
        for n in range(4):
            more = Counter.objects.create(name=f"Annexe {n}", latitude=47.2, longitude=-1.5)
            more.add_weekly_opening([0, 1, 2, 3, 4], datetime.time(9), datetime.time(12))
            passport.counters.add(more)
            ids.append(more.pk)
    with CaptureQueriesContext(connection) as five:
        response = get(client, "availableTimeSlots", meeting_point_ids=ids, **params)
    assert len(response.json()) == 5
    assert len(five) <= len(one) + 4 * 2  # the opening rules are expanded per counter


def test_a_pre_demand_number_finds_its_future_appointment_with_its_links(
    client, commune, listed, passport, monday
):
    with time_machine.travel(at(monday - datetime.timedelta(days=3), 12), tick=False):
        booking = services.book(
            motive=passport,
            counter_id=listed.pk,
            start=at(monday, 10, 0),
            first_name="Camille",
            last_name="Martin",
            email="camille@example.org",
            phone="",
            people=1,
            ants_numbers=["AB12345678"],
        )
        response = get(client, "searchApplicationIds", application_ids=["ab12345678", "ZZ00000000"])
    assert response.status_code == 200
    found = response.json()
    assert found["ZZ00000000"] == []
    (appointment,) = found["AB12345678"]
    assert appointment["meeting_point"] == "Mairie de Commune-A — Passeports"
    assert appointment["datetime"] == f"{monday.isoformat()}T10:00Z"
    assert appointment["management_url"].startswith("https://commune-a.test/rendez-vous/deplacer/")
    assert appointment["cancel_url"].startswith("https://commune-a.test/rendez-vous/annuler/")
    services.cancel(booking, notify_resident=False)
    with time_machine.travel(at(monday - datetime.timedelta(days=3), 12), tick=False):
        again = get(client, "searchApplicationIds", application_ids="AB12345678")
    assert again.json() == {"AB12345678": []}
