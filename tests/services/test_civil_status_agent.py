"""The registry office's side: actions as statuses the engine enforces (sent by post with
its date, act not found, applicant not entitled), the resident told by email with the
reason, the daily list and the printable sheet (PDF), for the commune's agents only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecommune.notifications.models import OutboxMessage
from ecommune.requests.services import Applicant, submit_request
from ecommune.services.civil_status import actions
from ecommune.services.civil_status.models import CertificateRequest
from ecommune.services.civil_status.service import CivilStatusService
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil(commune):
    commune.enabled_services = ["civil_status"]
    commune.save()
    return commune


def file_certificate(commune, last_name="Martin", status=None):
    filed, _created = submit_request(
        commune=commune,
        service=CivilStatusService,
        applicant=Applicant("Camille", "Martin", "camille@example.org"),
    )
    CertificateRequest.unscoped.create(
        commune=commune,
        request=filed,
        act_type="birth",
        document="full_copy",
        place="here",
        relation="self",
        last_name=last_name,
        first_names="Camille",
        event_date=datetime.date(1990, 5, 4),
        parent1_name="Martin Paul",
        copies=2,
        recipient="Camille Martin",
        street_address="4 rue des Tilleuls",
        postal_code="44000",
        city="Commune-A",
    )
    return filed


@pytest.fixture
def agent(civil):
    return AgentFactory(commune=civil, services=["civil_status"])


def test_sent_by_post_closes_the_request_and_tells_the_date(civil, agent):
    filed = file_certificate(civil)
    actions.start(filed, actor=agent.user)
    actions.mark_sent(filed, actor=agent.user, sent_on=timezone.localdate())
    filed.refresh_from_db()
    assert filed.status == "done" and filed.is_closed
    assert filed.get_status_display() == "Envoyé par courrier"
    certificate = CertificateRequest.unscoped.get(request=filed)
    assert certificate.outcome == "sent" and certificate.sent_on == timezone.localdate()
    email = OutboxMessage.unscoped.filter(related_reference=filed.reference).latest("pk")
    assert "Envoyé par courrier le" in email.body and "gratuits" in email.body


def test_a_date_of_sending_in_the_future_is_refused(civil, agent):
    filed = file_certificate(civil)
    with pytest.raises(ValidationError):
        actions.mark_sent(
            filed, actor=agent.user, sent_on=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_not_found_sends_the_reason_to_the_resident(civil, agent):
    filed = file_certificate(civil)
    actions.mark_not_found(filed, actor=agent.user, reason="Aucun acte à ce nom en 1990.")
    filed.refresh_from_db()
    assert filed.is_closed and filed.get_status_display() == "Non délivré"
    email = OutboxMessage.unscoped.filter(related_reference=filed.reference).latest("pk")
    assert "pas été trouvé dans nos registres : Aucun acte à ce nom en 1990." in email.body
    assert CertificateRequest.unscoped.get(request=filed).outcome == "not_found"


def test_not_entitled_needs_a_reason_and_closes(civil, agent):
    filed = file_certificate(civil)
    with pytest.raises(ValidationError):
        actions.mark_not_entitled(filed, actor=agent.user, reason="  ")
    actions.mark_not_entitled(filed, actor=agent.user, reason="Lien de parenté non établi.")
    assert CertificateRequest.unscoped.get(request=filed).outcome == "not_entitled"


def test_a_closed_request_cannot_move_again(civil, agent):
    filed = file_certificate(civil)
    actions.mark_not_found(filed, actor=agent.user, reason="Introuvable.")
    with pytest.raises(ValidationError):
        actions.mark_sent(filed, actor=agent.user, sent_on=timezone.localdate())


def test_the_daily_list_shows_open_requests_with_what_to_look_up(client, civil, agent):
    first = file_certificate(civil, "Durand")
    closed = file_certificate(civil, "Bernard")
    actions.mark_not_found(closed, actor=agent.user, reason="Introuvable.")
    login_agent(client, agent.user)
    html = client.get("/admin/etat-civil/").content.decode()
    assert first.reference in html and "DURAND" in html and "1990" in html
    assert closed.reference not in html


def test_the_daily_list_costs_the_same_queries_whatever_its_length(client, civil, agent):
    login_agent(client, agent.user)
    file_certificate(civil)
    client.get("/admin/etat-civil/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/etat-civil/")
    for n in range(5):
        file_certificate(civil, f"Nom{chr(65 + n)}")
    with CaptureQueriesContext(connection) as six:
        client.get("/admin/etat-civil/")
    assert len(six) == len(one)


def test_the_sheet_and_the_list_print_as_pdf(client, civil, agent):
    filed = file_certificate(civil)
    login_agent(client, agent.user)
    sheet = client.get(f"/admin/etat-civil/{filed.reference}/fiche.pdf")
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")
    listing = client.get("/admin/etat-civil/liste.pdf")
    assert listing.content.startswith(b"%PDF")


def test_the_action_page_records_sent_by_post_with_its_date(client, civil, agent):
    filed = file_certificate(civil)
    login_agent(client, agent.user)
    url = f"/admin/etat-civil/{filed.reference}/"
    missing = client.post(url, {"action": "sent", "sent_on": ""})
    assert missing.status_code == 200 and "sent_on" in missing.context["form"].errors
    response = client.post(url, {"action": "sent", "sent_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "done"


def test_another_communes_agent_and_a_resident_cannot_get_in(client, civil, other_commune):
    filed = file_certificate(civil)
    other_commune.enabled_services = ["civil_status"]
    other_commune.save()
    outsider = AgentFactory(commune=other_commune, services=["civil_status"])
    login_agent(client, outsider.user)
    assert client.get(f"/admin/etat-civil/{filed.reference}/").status_code == 404
    assert client.get(f"/admin/etat-civil/{filed.reference}/fiche.pdf").status_code == 404
    assert filed.reference not in client.get("/admin/etat-civil/").content.decode()
    client.logout()
    client.force_login(UserFactory())
    assert client.get("/admin/etat-civil/").status_code in (302, 403)


def test_an_agent_of_another_service_is_refused(client, civil):
    agent = AgentFactory(commune=civil, services=["contact"])
    login_agent(client, agent.user)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert client.get("/admin/etat-civil/").status_code in (302, 403)
