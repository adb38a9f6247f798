"""The same three questions after an appointment that took place: the agent's « seen »
mark invites the resident (with or without an account) through the outbox, the answer is
given once, from the link or « Mon espace », and counts in the public results and the
open data under one « Rendez-vous à la mairie » line."""

import re
from html import unescape

import pytest
from django.test import Client

from ecommune.accounts.backoffice import AGENT_PERMISSIONS
from ecommune.appointments import services
from ecommune.appointments.models import BookingStatus, Motive
from ecommune.core import tenancy
from ecommune.feedback import survey
from ecommune.feedback.models import SurveyAnswer
from ecommune.notifications.models import OutboxMessage
from ecommune.testing.factories import AgentFactory, UserFactory, make_counter
from ecommune.testing.otp import login_agent
from tests.appointments.conftest import at

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}
SPACE = "/compte/espace/"


@pytest.fixture
def agent_client(commune):
    """A commune A agent signed in to the back office, in a client of its own."""
    client = Client()
    agent = AgentFactory(commune=commune, permissions=AGENT_PERMISSIONS)
    login_agent(client, agent.user)
    return client


def booking_of(motive, start, *, email="camille@example.org", user=None, n=0):
    return services.book(
        motive=motive,
        counter_id=motive.counters.get().pk,
        start=start,
        first_name="Camille",
        last_name=f"Martin{n}",
        email=email,
        user=user,
    )


def mark(agent_client, booking, status):
    """As the agent does it, from the agenda's buttons."""
    response = agent_client.post(
        f"/admin/rendez-vous/{booking.pk}/statut/", {"status": status}, **HOST
    )
    assert response.status_code == 302


def invitations(booking):
    return OutboxMessage.unscoped.filter(
        event="feedback.appointment_invitation", related_reference=booking.reference
    )


def link(booking) -> str:
    body = invitations(booking).get().body
    return re.search(r"https?://commune-a\.test(/avis/[^\s]+/)", body).group(1)


def test_marking_an_appointment_seen_invites_its_resident_once(
    agent_client, commune, civil, monday
):
    booking = booking_of(civil, at(monday, 9))
    mark(agent_client, booking, "seen")
    message = invitations(booking).get()
    assert message.recipient == "camille@example.org" and message.channel == "email"
    assert message.subject == f"Rendez-vous {booking.reference} : votre avis en trois questions"
    assert "Retrait d'acte" in message.body and "://commune-a.test/avis/" in message.body
    # Marked back to booked, then seen again: still one invitation.
    mark(agent_client, booking, "booked")
    mark(agent_client, booking, "seen")
    assert invitations(booking).count() == 1
    missed = booking_of(civil, at(monday, 9, 15), n=1)
    mark(agent_client, missed, "no_show")
    assert not invitations(missed).exists()


def test_a_booking_without_an_address_uses_the_account_or_asks_nobody(
    agent_client, commune, civil, monday
):
    """An agent may book for a resident with an account without typing the address."""
    resident = UserFactory(email="marie@example.org")
    with_account = booking_of(civil, at(monday, 9), email="", user=resident)
    mark(agent_client, with_account, "seen")
    assert invitations(with_account).get().recipient == "marie@example.org"
    anonymous = booking_of(civil, at(monday, 9, 15), email="", n=1)
    mark(agent_client, anonymous, "seen")
    assert not invitations(anonymous).exists()


def test_the_resident_without_an_account_answers_once(agent_client, client, commune, civil, monday):
    booking = booking_of(civil, at(monday, 9))
    mark(agent_client, booking, "seen")
    path = link(booking)
    page = unescape(client.get(path, **HOST).content.decode())
    assert f"Retrait d'acte — {booking.reference}" in page
    for question in (
        "La prise de rendez-vous a-t-elle été facile ?",
        "Avez-vous été reçu à l’heure de votre rendez-vous ?",
        "Dans l’ensemble, êtes-vous satisfait du service rendu par la mairie ?",
    ):
        assert f"<legend>{question}</legend>" in page
    done = client.post(path, {"ease": "5", "on_time": "no", "satisfaction": "3"}, **HOST)
    assert "Merci pour votre avis" in unescape(done.content.decode())
    answer = SurveyAnswer.unscoped.get()
    assert answer.booking == booking and answer.request is None
    assert (answer.service, answer.commune, answer.satisfaction) == ("appointments", commune, 3)
    again = client.post(path, {"ease": "1", "on_time": "yes", "satisfaction": "1"}, **HOST)
    assert "Votre avis sur ce rendez-vous est déjà enregistré" in unescape(again.content.decode())
    assert SurveyAnswer.unscoped.count() == 1
    with pytest.raises(survey.AlreadyAnswered):
        survey.record(booking, ease=1, on_time="yes", satisfaction=1)
    # The appointment's deletion at the end of its retention leaves the anonymous answer.
    booking.delete()
    answer.refresh_from_db()
    assert answer.booking is None and answer.satisfaction == 3


def test_links_fail_closed(agent_client, client, commune, other_commune, civil, monday):
    """Another commune's site, an appointment no longer marked seen, or another commune's
    appointment behind a genuine link: the link does not open."""
    booking = booking_of(civil, at(monday, 9))
    mark(agent_client, booking, "seen")
    path = link(booking)
    assert client.get(path, HTTP_HOST="commune-b.test").status_code == 404
    mark(agent_client, booking, "no_show")
    assert client.get(path, **HOST).status_code == 404
    with tenancy.using(other_commune):
        theirs_counter = make_counter(other_commune, "Accueil B")
        motive = Motive.objects.create(name="Acte B", slug="acte-b")
        motive.counters.add(theirs_counter)
        theirs = booking_of(motive, at(monday, 9), email="b@example.org")
        services.mark(theirs, BookingStatus.SEEN)
    assert client.get(survey.survey_path(theirs), **HOST).status_code == 404
    assert (
        client.post(
            survey.survey_path(theirs), {"ease": "5", "on_time": "yes", "satisfaction": "5"}, **HOST
        ).status_code
        == 404
    )
    assert not SurveyAnswer.unscoped.exists()


def test_mon_espace_offers_it_to_its_resident_until_answered(
    agent_client, client, commune, civil, monday
):
    resident = UserFactory(email="marie@example.org")
    booking = booking_of(civil, at(monday, 9), email="marie@example.org", user=resident)
    mark(agent_client, booking, "seen")
    other = UserFactory(email="paul@example.org")
    client.force_login(other)
    offer = f"Donner votre avis sur votre rendez-vous « Retrait d'acte » ({booking.reference})"
    assert offer not in unescape(client.get(SPACE, **HOST).content.decode())
    client.force_login(resident)
    page = unescape(client.get(SPACE, **HOST).content.decode())
    assert offer in page
    path = re.search(r'href="(/avis/[^"]+/)">Donner votre avis sur votre rendez-vous', page)[1]
    client.post(path, {"ease": "4", "on_time": "yes", "satisfaction": "4"}, **HOST)
    assert SurveyAnswer.unscoped.get().booking == booking
    assert offer not in unescape(client.get(SPACE, **HOST).content.decode())


def test_the_results_count_appointments_under_one_line(client, commune, civil, monday, settings):
    settings.ECOMMUNE_API_THROTTLE_RATE = None
    for n, (ease, on_time, satisfaction) in enumerate(
        [(5, "yes", 5), (4, "yes", 4), (2, "no", 2), (4, "unsure", 5), (5, "yes", 4)]
    ):
        booking = booking_of(civil, at(monday, 9 + n // 2, 30 * (n % 2)), n=n)
        services.mark(booking, BookingStatus.SEEN)
        survey.record(booking, ease=ease, on_time=on_time, satisfaction=satisfaction)
    page = unescape(client.get("/avis/", **HOST).content.decode())
    row = page.split('<th scope="row">Rendez-vous à la mairie</th>')[1].split("</tr>")[0]
    assert re.findall(r'data-label="[^"]+">([^<]+)</td>', row) == [
        "5",
        "80\xa0%",
        "75\xa0%",
        "80\xa0%",
        "4,0",
    ]
    total = page.split('<th scope="row">Toutes les démarches</th>')[1].split("</tr>")[0]
    assert re.findall(r'data-label="[^"]+">([^<]+)</td>', total)[0] == "5"
    figures = client.get("/api/v1/satisfaction/", **HOST).json()
    line = next(line for line in figures["services"] if line["slug"] == "appointments")
    assert line["title"] == "Rendez-vous à la mairie" and line["answers"] == 5
    assert line["satisfied"] == 80 and figures["total"]["answers"] == 5
    rows = client.get("/api/v1/open-data/satisfaction.json", **HOST).json()
    appointments = next(row for row in rows if row["identifiant_demarche"] == "appointments")
    assert appointments["nombre_reponses"] == 5 and appointments["publie"] is True


def test_a_commune_without_appointments_has_no_such_line(client, commune):
    assert survey.APPOINTMENTS not in survey.surveyed_services(commune)
    page = unescape(client.get("/avis/", **HOST).content.decode())
    assert "Rendez-vous à la mairie</th>" not in page
