"""The elections office's side: elections configured in the back office for the commune,
statuses received → REU → registered or refused with the reason, the CSV for the REU,
the 5-day notice (L18), and the registration offered once after a move (P18)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.services import Applicant, submit_request
from ecommune.services.elections import actions
from ecommune.services.elections.models import Election, Registration, RegistrationOffer
from ecommune.services.elections.service import ElectionsService
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def electoral(commune):
    commune.enabled_services = ["elections"]
    commune.save()
    return commune


@pytest.fixture
def agent(electoral):
    return AgentFactory(commune=electoral, services=["elections"])


def file_registration(commune, name="Martin", **fields):
    filed, _created = submit_request(
        commune=commune,
        service=ElectionsService,
        applicant=Applicant("Camille", name, "camille@example.org"),
    )
    Registration.unscoped.create(
        commune=commune,
        request=filed,
        nationality="french",
        lists="general",
        sex="F",
        birth_last_name=name,
        first_names="Camille",
        birth_date=D(1990, 5, 4),
        birth_place="Nantes",
        birth_area="Loire-Atlantique (44)",
        ground="domicile",
        street_address="=HYPERLINK(1)",
        postal_code="44000",
        city="Commune-A",
        identity_kind="id_card",
        identity_expires_on=D(2030, 1, 1),
        **fields,
    )
    return filed


def test_received_then_reu_then_registered(electoral, agent):
    filed = file_registration(electoral)
    actions.enter_in_reu(filed, actor=agent.user)
    filed.refresh_from_db()
    assert filed.get_status_display() == (
        "Enregistrement en cours dans le répertoire électoral unique (REU)"
    )
    actions.mark_registered(filed, actor=agent.user)
    filed.refresh_from_db()
    assert filed.is_closed and filed.get_status_display() == "Inscrit"
    email = OutboxMessage.unscoped.filter(related_reference=filed.reference).latest("pk")
    assert "carte électorale" in email.body and "ISE" in email.body


def test_a_request_cannot_be_registered_before_being_entered_in_the_reu(electoral, agent):
    filed = file_registration(electoral)
    with pytest.raises(ValidationError):
        actions.mark_registered(filed, actor=agent.user)


def test_a_refusal_sends_the_reason_and_the_remedy(electoral, agent):
    filed = file_registration(electoral)
    actions.refuse(filed, actor=agent.user, reason="Aucune attache avec la commune.")
    email = OutboxMessage.unscoped.filter(related_reference=filed.reference).latest("pk")
    assert "Aucune attache avec la commune." in email.body
    assert "commission de contrôle" in email.body
    assert Registration.unscoped.get(request=filed).refusal_reason


def test_the_csv_lists_accepted_requests_with_the_fields_of_the_reu(client, electoral, agent):
    accepted = file_registration(electoral, "Durand")
    actions.enter_in_reu(accepted, actor=agent.user)
    waiting = file_registration(electoral, "Bernard")
    login_agent(client, agent.user)
    response = client.get("/admin/listes-electorales/export-reu.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Référence", "Déposée le", "Liste", "Sexe", "Nom de naissance"]
    assert [row[0] for row in rows[1:]] == [accepted.reference]
    assert waiting.reference not in text
    assert rows[1][4] == "DURAND" and rows[1][2] == "LP" and rows[1][10] == "Citoyen français"
    # A cell a spreadsheet would run as a formula is written as text.
    assert rows[1][11] == "'=HYPERLINK(1)"


def test_a_request_past_5_days_shows_the_legal_notice(client, electoral, agent):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)):
        filed = file_registration(electoral)
    login_agent(client, agent.user)
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, tzinfo=datetime.UTC)):
        assert not actions.is_overdue(filed)
        assert (
            "dépassé le délai légal"
            not in client.get("/admin/listes-electorales/").content.decode()
        )
    with time_machine.travel(datetime.datetime(2026, 1, 11, 10, tzinfo=datetime.UTC)):
        assert actions.is_overdue(filed)
        html = client.get("/admin/listes-electorales/").content.decode()
        assert "1 demande a dépassé le délai légal de 5 jours" in html
        detail = client.get(f"/admin/listes-electorales/{filed.reference}/").content.decode()
        assert "L18" in detail and "samedi 10 janvier 2026" in detail


def test_the_list_costs_the_same_queries_whatever_its_length(client, electoral, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_agent(client, agent.user)
    file_registration(electoral)
    client.get("/admin/listes-electorales/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/listes-electorales/")
    for n in range(5):
        file_registration(electoral, f"Nom{chr(65 + n)}")
    with CaptureQueriesContext(connection) as six:
        client.get("/admin/listes-electorales/")
    assert len(six) == len(one)


def test_the_decision_page_refuses_without_a_reason(client, electoral, agent):
    filed = file_registration(electoral)
    login_agent(client, agent.user)
    url = f"/admin/listes-electorales/{filed.reference}/"
    response = client.post(url, {"action": "refuse", "reason": ""})
    assert "reason" in response.context["form"].errors
    assert client.post(url, {"action": "reu"}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == "in_progress"


def test_agents_manage_their_communes_elections_only(client, electoral, agent, other_commune):
    with tenancy.using(other_commune):
        Election.objects.create(name="Ailleurs", kind="municipal", first_round=D(2026, 3, 15))
    login_agent(client, agent.user)
    response = client.post(
        "/admin/ecommune_elections/new/",
        {"name": "Municipales 2026", "kind": "municipal", "first_round": "2026-03-15"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Election.unscoped.get(name="Municipales 2026")
    assert created.commune == electoral
    assert created.registration_deadline == D(2026, 2, 6)
    listing = client.get("/admin/ecommune_elections/").content.decode()
    assert "Municipales 2026" in listing and "Ailleurs" not in listing
    bad = client.post(
        "/admin/ecommune_elections/new/",
        {
            "name": "Mauvais",
            "kind": "municipal",
            "first_round": "2026-03-15",
            "second_round": "2026-03-15",
        },
    )
    assert bad.status_code == 200 and not Election.unscoped.filter(name="Mauvais").exists()


def test_a_resident_who_changes_address_into_the_commune_is_offered_registration_once(
    electoral,
):
    user = UserFactory(street_address="1 rue Ailleurs", postal_code="75001", city="Paris")
    user.street_address, user.postal_code, user.city = "4 rue des Tilleuls", "44000", "Commune-A"
    user.save()
    offers = OutboxMessage.unscoped.filter(event="elections.registration_offer")
    assert offers.count() == 1
    body = offers.get().body
    assert "4 rue des Tilleuls" in body and "/demarches/elections/" in body
    assert "une fois" in body
    assert RegistrationOffer.unscoped.filter(user=user, commune=electoral).exists()
    # Another change, or a login saving last_login: no second offer, and nothing registered.
    user.street_address = "6 rue des Tilleuls"
    user.save()
    user.save(update_fields=["last_login"])
    assert offers.count() == 1
    assert not Registration.unscoped.exists()


def test_no_offer_for_an_address_elsewhere_or_a_resident_who_already_asked(electoral):
    user = UserFactory(street_address="", postal_code="", city="")
    user.street_address, user.postal_code, user.city = "1 rue Ailleurs", "75001", "Paris"
    user.save()
    assert not OutboxMessage.unscoped.filter(event="elections.registration_offer").exists()
    filed = file_registration(electoral)
    filed.applicant = user
    filed.save()
    user.street_address, user.postal_code, user.city = "4 rue des Tilleuls", "44000", "Commune-A"
    user.save()
    assert not OutboxMessage.unscoped.filter(event="elections.registration_offer").exists()
