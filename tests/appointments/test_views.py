"""The residents' pages, with Django's test client (no JavaScript involved)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ecommune.appointments import services
from ecommune.appointments.models import Booking, BookingStatus, Closure
from ecommune.appointments.slots import free_slots
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.testing.factories import UserFactory
from tests.appointments.conftest import at

HOST = {"HTTP_HOST": "commune-a.test"}


def slot_key(counter, start):
    return f"{counter.pk}:{start.astimezone(datetime.UTC):%Y%m%dT%H%M}"


def details(**extra):
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille@example.org",
        "phone": "06 12 34 56 78",
        **extra,
    }


def test_the_motives_and_the_week_view_with_the_next_slot_first(
    client, commune, passport, civil, monday
):
    page = client.get("/rendez-vous/", **HOST)
    assert page.status_code == 200
    assert "Dépôt de passeport" in page.text and "Retrait d&#x27;acte" in page.text
    page = client.get(f"/rendez-vous/passeport/?semaine={monday.isoformat()}", **HOST)
    assert page.status_code == 200
    assert "Photo d&#x27;identité" in page.text
    notice = services.booking_window(commune)[2]  # the page leaves out the slots too near
    first = free_slots(passport, timezone.localdate(), monday, min_notice=notice)[0]
    next_block = page.text.split("Prochain créneau libre")[1].split("</div>")[0]
    assert f"creneau={first.key}" in next_block
    assert f"creneau={slot_key(passport.counters.get(), at(monday, 8, 30))}" in page.text
    assert "lundi" in page.text.lower() and "8 h 30" in page.text
    assert "Semaine suivante" in page.text


def test_the_week_view_queries_are_constant(
    client, commune, civil, monday, django_assert_max_num_queries
):
    url = f"/rendez-vous/acte/?semaine={monday.isoformat()}"
    client.get(url, **HOST)
    for n in range(10):
        services.book(
            motive=civil,
            counter_id=civil.counters.get().pk,
            start=at(monday + datetime.timedelta(days=n % 5), 9 + n % 3),
            first_name="A",
            last_name=str(n),
        )
    with django_assert_max_num_queries(20):
        client.get(url, **HOST)


def test_a_resident_books_without_an_account(client, commune, passport, monday):
    counter = passport.counters.get()
    key = slot_key(counter, at(monday, 9))
    page = client.get(f"/rendez-vous/passeport/reserver/?creneau={key}", **HOST)
    assert page.status_code == 200
    assert "Numéro de pré-demande, personne 1" in page.text
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {"slot": key, **details(ants_1="7a2b 9c4d 1e")},
        **HOST,
    )
    booking = Booking.unscoped.get()
    assert page.status_code == 302
    assert page["Location"] == f"/rendez-vous/confirmation/{booking.reference}/"
    assert booking.ants_numbers.get().number == "7A2B9C4D1E"
    page = client.get(page["Location"], **HOST)
    assert "Votre rendez-vous est confirmé" in page.text
    assert booking.reference in page.text and "7A2B9C4D1E" in page.text
    ics = client.get(f"/rendez-vous/confirmation/{booking.reference}/rendez-vous.ics", **HOST)
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    # Another browser cannot see it.
    from django.test import Client

    assert (
        Client().get(f"/rendez-vous/confirmation/{booking.reference}/", **HOST).status_code == 404
    )


def test_bad_input_is_shown_next_to_the_field(client, commune, passport, monday):
    key = slot_key(passport.counters.get(), at(monday, 9))
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {"slot": key, **details(ants_1="123", email="pas-une-adresse", phone="01 23 45 67 89")},
        **HOST,
    )
    assert page.status_code == 200
    assert not Booking.unscoped.exists()
    text = page.text
    assert re.search(r'id="id_ants_1_error".*10 lettres et chiffres', text, re.S)
    assert 'aria-invalid="true"' in text
    assert "adresse de courriel valide" in text
    assert re.search(r'id="id_phone_error".*01 23 45 67 89 n.*est pas un numéro', text, re.S)


def test_a_number_already_booked_is_refused_next_to_its_field(client, commune, passport, monday):
    key = slot_key(passport.counters.get(), at(monday, 9))
    client.post(
        "/rendez-vous/passeport/reserver/", {"slot": key, **details(ants_1="7A2B9C4D1E")}, **HOST
    )
    key = slot_key(passport.counters.get(), at(monday, 10))
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {"slot": key, **details(ants_1="0000000000", ants_2="7A2B9C4D1E")},
        **HOST,
    )
    assert page.status_code == 200
    assert re.search(r'id="id_ants_2_error".*7A2B9C4D1E a déjà un rendez-vous', page.text, re.S)
    assert Booking.unscoped.count() == 1


def test_a_forged_slot_is_refused(client, commune, civil, monday):
    counter = civil.counters.get()
    with tenancy.using(commune):
        Closure.objects.create(starts_on=monday, ends_on=monday, reason="Inventaire")
    for start in (at(monday, 9), at(monday - datetime.timedelta(weeks=5), 9), at(monday, 12, 15)):
        page = client.post(
            "/rendez-vous/acte/reserver/", {"slot": slot_key(counter, start), **details()}, **HOST
        )
        assert page.status_code == 409
        assert "plus disponible" in page.text
    page = client.post(
        "/rendez-vous/acte/reserver/", {"slot": "n'importe quoi", **details()}, **HOST
    )
    assert page.status_code == 302 and page["Location"] == "/rendez-vous/acte/"
    assert not Booking.unscoped.exists()


def test_an_account_prefills_the_form(client, commune, civil, monday):
    user = UserFactory(first_name="Marie", last_name="Lefebvre", email="marie@example.org")
    client.force_login(user)
    key = slot_key(civil.counters.get(), at(monday, 9))
    page = client.get(f"/rendez-vous/acte/reserver/?creneau={key}", **HOST)
    assert 'value="Marie"' in page.text and 'value="marie@example.org"' in page.text
    client.post("/rendez-vous/acte/reserver/", {"slot": key, **details()}, **HOST)
    assert Booking.unscoped.get().user == user


def test_cancel_link_works_once(client, commune, civil, monday):
    booking = services.book(
        motive=civil,
        counter_id=civil.counters.get().pk,
        start=at(monday, 9),
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
    )
    url = services.manage_urls(booking, absolute=False)["cancel_url"]
    page = client.get(url, **HOST)
    assert page.status_code == 200 and "Annuler le rendez-vous" in page.text
    page = client.post(url, **HOST)
    assert "Votre rendez-vous est annulé" in page.text
    assert Booking.unscoped.get().status == BookingStatus.CANCELLED
    again = client.post(url, **HOST)
    assert again.status_code == 410 and "plus valable" in again.text
    assert OutboxMessage.unscoped.filter(event="appointment.cancelled").count() == 1


def test_move_link_keeps_the_booking(client, commune, civil, monday):
    booking = services.book(
        motive=civil,
        counter_id=civil.counters.get().pk,
        start=at(monday, 9),
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
    )
    url = services.manage_urls(booking, absolute=False)["move_url"]
    page = client.get(f"{url}?semaine={monday.isoformat()}", **HOST)
    assert page.status_code == 200 and "Déplacer le rendez-vous" in page.text
    key = slot_key(booking.counter, at(monday, 10))
    page = client.get(f"{url}?creneau={key}", **HOST)
    assert "Déplacer mon rendez-vous à cet horaire" in page.text
    page = client.post(url, {"slot": key}, **HOST)
    assert page.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(monday, 10) and booking.status == BookingStatus.BOOKED
    assert page["Location"] == reverse(
        "ecommune_appointments:confirmation", args=[booking.reference]
    )
    assert (
        client.post(url, {"slot": slot_key(booking.counter, at(monday, 11))}, **HOST).status_code
        == 410
    )


@pytest.mark.parametrize("secret_ok", [True, False])
def test_counter_feed_needs_its_secret(client, commune, civil, monday, secret_ok):
    services.book(
        motive=civil,
        counter_id=civil.counters.get().pk,
        start=at(monday, 9),
        first_name="Camille",
        last_name="Martin",
    )
    counter = civil.counters.get()
    token = counter.feed_token if secret_ok else "devine"
    page = client.get(f"/rendez-vous/flux/{token}.ics", **HOST)
    if secret_ok:
        assert page.status_code == 200 and b"Camille Martin" in page.content
    else:
        assert page.status_code == 404
