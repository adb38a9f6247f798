"""An agent books for a caller on the phone or at the counter: the channel and the agent are
kept, and a caller with a verified account gets the appointment in their history."""

import datetime

import pytest
from django.utils import timezone

from ecommune.accounts.backoffice import AGENT_PERMISSIONS
from ecommune.accounts.models import AuditEvent
from ecommune.appointments.models import Booking
from ecommune.requests.models import Channel
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent
from tests.appointments.conftest import at

HOST = {"HTTP_HOST": "commune-a.test"}


@pytest.fixture
def agent(client, commune):
    agent = AgentFactory(commune=commune, permissions=AGENT_PERMISSIONS)
    login_agent(client, agent.user)
    return agent.user


def book_for(client, civil, start, **fields):
    key = f"{civil.counters.get().pk}:{start.astimezone(datetime.UTC):%Y%m%dT%H%M}"
    return client.post(
        "/admin/rendez-vous/prendre/",
        {"motif": civil.slug, "slot": key, "first_name": "Marie", "last_name": "L", **fields},
        **HOST,
    )


def test_a_counter_booking_joins_the_verified_residents_history(
    client, commune, civil, monday, agent
):
    resident = UserFactory(email="marie@example.org")
    page = client.get(
        f"/admin/rendez-vous/prendre/?motif=acte&creneau={civil.counters.get().pk}:"
        f"{at(monday, 9).astimezone(datetime.UTC):%Y%m%dT%H%M}",
        **HOST,
    )
    assert 'name="channel"' in page.text and 'value="counter"' in page.text
    page = book_for(client, civil, at(monday, 9), email="Marie@Example.org", channel="counter")
    assert page.status_code == 302
    booking = Booking.unscoped.get()
    assert booking.user == resident
    assert booking.channel == Channel.COUNTER and booking.booked_by == agent
    assert list(resident.appointments.all()) == [booking]
    event = AuditEvent.objects.get(action="appointment.booked_for_caller")
    assert event.actor == agent and booking.reference in event.summary
    assert "Guichet" in event.summary


def test_a_phone_booking_is_the_default_channel(client, commune, civil, monday, agent):
    book_for(client, civil, at(monday, 9), email="")
    booking = Booking.unscoped.get()
    assert booking.channel == Channel.PHONE and booking.user is None
    assert booking.booked_by == agent


def test_an_unverified_account_is_not_matched(client, commune, civil, monday, agent):
    UserFactory(email="pas-verifie@example.org", email_verified_at=None)
    book_for(client, civil, at(monday, 9), email="pas-verifie@example.org", channel="phone")
    assert Booking.unscoped.get().user is None


def test_a_residents_own_booking_is_on_the_web_channel(client, commune, civil, monday):
    from ecommune.appointments import services

    booking = services.book(
        motive=civil,
        counter_id=civil.counters.get().pk,
        start=at(monday, 9),
        first_name="Camille",
        last_name="Martin",
        now=timezone.now(),
    )
    assert booking.channel == Channel.WEB and booking.booked_by is None


def test_the_resident_sees_the_appointment_and_how_it_was_booked(
    client, commune, civil, monday, agent
):
    resident = UserFactory(email="marie@example.org")
    book_for(client, civil, at(monday, 9), email="marie@example.org", channel="counter")
    book_for(client, civil, at(monday, 10), email="someone@example.org", channel="phone")
    client.logout()
    page = client.get("/rendez-vous/mes-rendez-vous/", **HOST)
    assert page.status_code == 302 and "/compte/" in page["Location"]
    client.force_login(resident)
    page = client.get("/rendez-vous/mes-rendez-vous/", **HOST)
    assert page.status_code == 200
    booking = Booking.unscoped.get(user=resident)
    assert booking.reference in page.text
    assert "pris au guichet de la mairie" in page.text
    assert "/rendez-vous/deplacer/" in page.text and "/rendez-vous/annuler/" in page.text
    assert Booking.unscoped.get(email="someone@example.org").reference not in page.text
