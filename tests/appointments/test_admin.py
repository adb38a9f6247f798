"""Agents' side in the back office: agenda, marks, booking for a caller, closing a period,
the queue desk."""

import datetime

import pytest

from ecommune.accounts.backoffice import AGENT_PERMISSIONS
from ecommune.appointments import queue, services
from ecommune.appointments.models import Booking, BookingStatus, Closure, Desk, QueueTicket
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent
from tests.appointments.conftest import at

BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
HOST = {"HTTP_HOST": "commune-a.test"}


@pytest.fixture
def agent_client(client, commune):
    agent = AgentFactory(commune=commune, permissions=AGENT_PERMISSIONS)
    login_agent(client, agent.user)
    return client


def passport_booking(passport, start, n=0):
    return services.book(
        motive=passport,
        counter_id=passport.counters.get().pk,
        start=start,
        first_name="Camille",
        last_name=f"Martin{n}",
        email=f"c{n}@example.org",
        ants_numbers=[f"7A2B9C4D{n:02d}"],
        now=BEFORE,
    )


def test_the_day_view_lists_the_appointments_with_their_ants_numbers(
    agent_client, commune, passport, monday, django_assert_max_num_queries
):
    for n in range(3):
        passport_booking(passport, at(monday, 9 + n), n)
    counter = passport.counters.get()
    url = f"/admin/rendez-vous/?guichet={counter.pk}&jour={monday.isoformat()}"
    agent_client.get(url, **HOST)
    with django_assert_max_num_queries(40):
        page = agent_client.get(url, **HOST)
    assert page.status_code == 200
    assert "7A2B9C4D00" in page.text and "7A2B9C4D02" in page.text and "Martin1" in page.text
    assert f"/rendez-vous/flux/{counter.feed_token}.ics" in page.text
    week = agent_client.get(url + "&vue=semaine", **HOST)
    assert "Martin2" in week.text
    printable = agent_client.get(
        f"/admin/rendez-vous/imprimer/?guichet={counter.pk}&jour={monday.isoformat()}", **HOST
    )
    assert "Martin0" in printable.text and "agenda-print.css" in printable.text


def test_residents_cannot_see_the_agenda(client, commune, passport):
    client.force_login(UserFactory())
    assert client.get("/admin/rendez-vous/", **HOST).status_code in (302, 403)


def test_an_agent_marks_a_no_show(agent_client, commune, passport, monday):
    booking = passport_booking(passport, at(monday, 9))
    page = agent_client.post(
        f"/admin/rendez-vous/{booking.pk}/statut/", {"status": "no_show"}, **HOST
    )
    assert page.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert not booking.ants_numbers.get().active


def test_an_agent_books_for_a_caller_with_an_account(agent_client, commune, civil, monday):
    user = UserFactory(email="marie@example.org")
    counter = civil.counters.get()
    page = agent_client.get("/admin/rendez-vous/prendre/?motif=acte", **HOST)
    assert page.status_code == 200
    key = f"{counter.pk}:{at(monday, 9).astimezone(datetime.UTC):%Y%m%dT%H%M}"
    page = agent_client.post(
        "/admin/rendez-vous/prendre/",
        {"motif": "acte", "slot": key, "first_name": "Marie", "last_name": "L", "email": ""},
        **HOST,
    )
    assert page.status_code == 302
    booking = Booking.unscoped.get()
    assert booking.booked_by_agent and booking.user is None
    assert not OutboxMessage.unscoped.exists()  # no email given: no confirmation
    key = f"{counter.pk}:{at(monday, 10).astimezone(datetime.UTC):%Y%m%dT%H%M}"
    agent_client.post(
        "/admin/rendez-vous/prendre/",
        {
            "motif": "acte",
            "slot": key,
            "first_name": "Marie",
            "last_name": "L",
            "email": "MARIE@example.org",
        },
        **HOST,
    )
    assert Booking.unscoped.get(start=at(monday, 10)).user == user


def test_closing_a_period_moves_its_appointments_with_notice(agent_client, commune, civil, monday):
    counter = civil.counters.get()
    kept = services.book(
        motive=civil,
        counter_id=counter.pk,
        start=at(monday, 9),
        first_name="A",
        last_name="Un",
        email="un@example.org",
        now=BEFORE,
    )
    page = agent_client.post(
        "/admin/rendez-vous/fermer/",
        {
            "counter": counter.pk,
            "starts_on": monday.isoformat(),
            "ends_on": monday.isoformat(),
            "reason": "Formation",
        },
        **HOST,
    )
    assert page.status_code == 302
    assert Closure.unscoped.get().reason == "Formation"
    kept.refresh_from_db()
    assert kept.status == BookingStatus.BOOKED
    assert kept.start == at(monday + datetime.timedelta(days=1), 8, 30)
    assert OutboxMessage.unscoped.filter(
        event="appointment.moved", recipient="un@example.org"
    ).exists()
    page = agent_client.post(
        "/admin/rendez-vous/fermer/",
        {
            "counter": counter.pk,
            "starts_on": monday.isoformat(),
            "ends_on": (monday - datetime.timedelta(days=1)).isoformat(),
            "reason": "x",
        },
        **HOST,
    )
    assert page.status_code == 200 and "Le dernier jour vient après le premier" in page.text


def test_the_desk_page_calls_the_next_ticket(agent_client, commune, counter):
    with tenancy.using(commune):
        desk = Desk.objects.create(counter=counter, name="Poste 1")
    queue.take_ticket(counter)
    page = agent_client.get("/admin/rendez-vous/file/", **HOST)
    assert "Appeler le suivant" in page.text
    agent_client.post("/admin/rendez-vous/file/", {"desk": desk.pk, "action": "next"}, **HOST)
    assert QueueTicket.unscoped.get().status == "called"
    desk.refresh_from_db()
    assert desk.is_open
    agent_client.post("/admin/rendez-vous/file/", {"desk": desk.pk, "action": "close"}, **HOST)
    desk.refresh_from_db()
    assert not desk.is_open and QueueTicket.unscoped.get().status == "done"


def test_motives_are_edited_in_the_back_office(client, commune, civil):
    from django.contrib.auth.models import Permission

    agent = AgentFactory(commune=commune)
    agent.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ecommune_appointments", codename__endswith="_motive"
        )
    )
    login_agent(client, agent.user)
    page = client.get("/admin/rendez-vous-motifs/", **HOST)
    assert page.status_code == 200 and "Retrait d" in page.text


def test_opening_hours_are_entered_in_the_back_office_as_weekly_rules(client, commune, counter):
    from django.contrib.auth.models import Permission

    from ecommune.appointments.models import CounterOpening, Motive
    from ecommune.appointments.slots import free_slots
    from tests.appointments.conftest import quiet_monday

    agent = AgentFactory(commune=commune)
    agent.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ecommune_appointments", codename__endswith="_counteropening"
        )
    )
    login_agent(client, agent.user)
    url = "/admin/rendez-vous-horaires/new/"
    page = client.post(
        url,
        {
            "counter": counter.pk,
            "agents_on_duty": 3,
            "weekdays": ["5"],
            "opens": "09:00",
            "closes": "08:00",
        },
        **HOST,
    )
    assert page.status_code == 200 and "La fermeture vient après l’ouverture" in page.text
    page = client.post(
        url,
        {
            "counter": counter.pk,
            "agents_on_duty": 3,
            "weekdays": ["5"],
            "opens": "09:00",
            "closes": "12:00",
        },
        **HOST,
    )
    assert page.status_code == 302
    opening = CounterOpening.unscoped.get(agents_on_duty=3)
    assert opening.event.rule.params == "byweekday:5"
    with tenancy.using(commune):
        motive = Motive.objects.create(name="Acte", slug="acte-samedi", duration_minutes=15)
        motive.counters.add(counter)
    saturday = quiet_monday() + datetime.timedelta(days=5)
    slots = free_slots(motive, saturday, saturday, now=BEFORE)
    assert len(slots) == 12 and {slot.free for slot in slots} == {3}
    page = client.get("/admin/rendez-vous-horaires/", **HOST)
    assert "Samedi 09:00–12:00" in page.text or "samedi 09:00–12:00" in page.text
