"""The agents' inbox: who sees what, filters, actions with history and audit, CSV export,
a constant number of queries per page."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecommune.accounts.models import AuditEvent
from ecommune.notifications.models import OutboxMessage
from ecommune.requests import documents
from ecommune.requests.models import EventKind, Request
from ecommune.requests.statuses import Status
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200


@pytest.fixture
def agent_client(client, agent):
    login_agent(client, agent.user)
    return client


def detail_url(filed):
    return f"/admin/demandes/{filed.reference}/"


def post_action(client, filed, action, **data):
    payload = {"action": action, **{f"{action}-{key}": value for key, value in data.items()}}
    return client.post(detail_url(filed), payload)


def test_the_inbox_lists_the_agents_requests_only(agent_client, contact_communes):
    mine = file_request(contact_communes[0])
    elsewhere = file_request(contact_communes[1])
    response = agent_client.get("/admin/demandes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.reference in html
    assert elsewhere.reference not in html
    assert "Demandes" in html


def test_the_menu_shows_requests_to_agents(agent_client, contact_communes):
    html = agent_client.get("/admin/").content.decode()
    assert "/admin/demandes/" in html
    assert "/admin/ecommune_canned_replies/" in html


def test_another_communes_request_is_a_404(agent_client, contact_communes):
    elsewhere = file_request(contact_communes[1])
    assert agent_client.get(detail_url(elsewhere)).status_code == 404
    assert post_action(agent_client, elsewhere, "note", text="Vu").status_code == 404


def test_an_agent_without_the_service_gets_a_404(client, contact_communes):
    outsider = AgentFactory(commune=contact_communes[0], services=[])
    filed = file_request(contact_communes[0])
    login_agent(client, outsider.user)
    assert client.get(detail_url(filed)).status_code == 404
    assert filed.reference not in client.get("/admin/demandes/").content.decode()


def test_a_resident_cannot_open_the_inbox(client, contact_communes):
    from ecommune.testing.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/admin/demandes/")
    assert response.status_code in (302, 403)


def test_a_superuser_sees_the_commune_of_the_host_name(client, admin_user, contact_communes):
    from ecommune.testing.otp import verify_session

    a, b = file_request(contact_communes[0]), file_request(contact_communes[1])
    client.force_login(admin_user)
    verify_session(client, admin_user)
    here = client.get("/admin/demandes/", HTTP_HOST=contact_communes[0].site.hostname)
    there = client.get("/admin/demandes/", HTTP_HOST=contact_communes[1].site.hostname)
    assert a.reference in here.text and b.reference not in here.text
    assert b.reference in there.text and a.reference not in there.text


def test_filters_service_status_overdue_and_mine(agent_client, agent, contact_communes):
    commune = contact_communes[0]
    late = file_request(commune, expected_answer_on=datetime.date(2020, 1, 6))
    late_closed = file_request(
        commune, expected_answer_on=datetime.date(2020, 1, 6), status=Status.DONE
    )
    assigned = file_request(commune, assigned_to=agent.user)
    waiting = file_request(commune, status=Status.WAITING_RESIDENT)

    def listed(query):
        html = agent_client.get(f"/admin/demandes/?{query}").content.decode()
        return {r.reference for r in (late, late_closed, assigned, waiting) if r.reference in html}

    assert listed("overdue=on") == {late.reference}
    assert listed("mine=on") == {assigned.reference}
    assert listed("status=waiting_resident") == {waiting.reference}
    assert listed("status=open") == {late.reference, assigned.reference, waiting.reference}
    assert listed("service=contact") == {
        late.reference,
        late_closed.reference,
        assigned.reference,
        waiting.reference,
    }


def test_sorted_by_expected_date(agent_client, contact_communes):
    commune = contact_communes[0]
    later = file_request(commune, expected_answer_on=datetime.date(2030, 3, 1))
    sooner = file_request(commune, expected_answer_on=datetime.date(2030, 1, 1))
    html = agent_client.get("/admin/demandes/?sort=expected").content.decode()
    assert html.index(sooner.reference) < html.index(later.reference)
    html = agent_client.get("/admin/demandes/?sort=-expected").content.decode()
    assert html.index(later.reference) < html.index(sooner.reference)


def _bulk(commune, count, start=0):
    today = timezone.localdate()
    Request.unscoped.bulk_create(
        Request(
            commune=commune,
            reference=f"EC-2026-Z{n:05d}",
            service="contact",
            status=Status.SUBMITTED,
            applicant_first_name="Camille",
            applicant_last_name=f"Martin{n}",
            applicant_email=f"c{n}@example.org",
            expected_answer_on=today + datetime.timedelta(days=n % 30 - 10),
        )
        for n in range(start, start + count)
    )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_inbox_queries_do_not_grow_with_the_number_of_requests(
    agent_client, agent, contact_communes
):
    commune = contact_communes[0]
    _bulk(commune, 10)
    Request.unscoped.filter(commune=commune).update(assigned_to=agent.user)
    agent_client.get("/admin/demandes/")  # the first visit fills the per-process caches
    small = _count_queries(agent_client, "/admin/demandes/")
    overdue = "/admin/demandes/?overdue=on"
    small_overdue = _count_queries(agent_client, overdue)
    _bulk(commune, 990, start=10)
    Request.unscoped.filter(commune=commune).update(assigned_to=agent.user)
    assert Request.unscoped.filter(commune=commune).count() == 1000
    large = _count_queries(agent_client, "/admin/demandes/")
    assert small == large
    assert "1000 demandes" in agent_client.get("/admin/demandes/").content.decode()
    # The overdue filter reads the designed procedures' closed statuses once, whatever the
    # number of requests or the page.
    assert _count_queries(agent_client, overdue) == small_overdue
    assert _count_queries(agent_client, overdue + "&page=2") == small_overdue


def test_the_request_page_shows_applicant_beneficiary_answers_and_history(
    agent_client, contact_communes
):
    filed = file_request(contact_communes[0], on_behalf=True)
    html = agent_client.get(detail_url(filed)).content.decode()
    assert "Camille Martin" in html
    assert "Léa" in html and "parent" in html
    assert "Lampadaire éteint" in html  # the service's summary rows
    assert "Demande déposée" in html  # the history


def test_assign_to_me_then_to_a_colleague(agent_client, agent, colleague, contact_communes):
    filed = file_request(contact_communes[0])
    response = agent_client.post(detail_url(filed), {"action": "assign_me"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.assigned_to == agent.user
    assert post_action(agent_client, filed, "assign", assignee=colleague.user.pk).status_code == 302
    filed.refresh_from_db()
    assert filed.assigned_to == colleague.user
    events = filed.events.filter(kind=EventKind.ASSIGNED)
    assert events.count() == 2
    assert not events.filter(visible_to_resident=True).exists()
    assert (
        AuditEvent.objects.filter(action="requests.assigned", object_id=str(filed.pk)).count() == 2
    )


def test_cannot_assign_to_an_agent_of_another_commune(agent_client, other_agent, contact_communes):
    filed = file_request(contact_communes[0])
    response = post_action(agent_client, filed, "assign", assignee=other_agent.user.pk)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    filed.refresh_from_db()
    assert filed.assigned_to is None


def test_status_change_limited_to_the_allowed_transitions(agent_client, contact_communes):
    filed = file_request(contact_communes[0], status=Status.DONE)
    response = post_action(agent_client, filed, "status", status=Status.IN_PROGRESS)
    assert response.status_code == 400
    filed = file_request(contact_communes[0])
    OutboxMessage.unscoped.all().delete()
    response = post_action(
        agent_client, filed, "status", status=Status.IN_PROGRESS, comment="Nous regardons."
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.IN_PROGRESS
    assert OutboxMessage.unscoped.filter(event="request.status_changed").exists()
    assert AuditEvent.objects.filter(action="requests.status_changed").exists()


def test_message_to_the_resident_is_queued_and_in_the_history(agent_client, contact_communes):
    filed = file_request(contact_communes[0])
    OutboxMessage.unscoped.all().delete()
    response = post_action(agent_client, filed, "message", text="Le lampadaire sera réparé.")
    assert response.status_code == 302
    sent = OutboxMessage.unscoped.get(event="request.message", channel="email")
    assert "Le lampadaire sera réparé." in sent.body
    assert "/repondre/?jeton=" in sent.body
    assert OutboxMessage.unscoped.filter(event="request.message", channel="sms").exists()
    assert filed.events.filter(kind=EventKind.MESSAGE_TO_RESIDENT).exists()
    assert AuditEvent.objects.filter(action="requests.message_sent").exists()


def test_an_empty_message_gets_an_error_next_to_the_field(agent_client, contact_communes):
    filed = file_request(contact_communes[0])
    response = post_action(agent_client, filed, "message", text="  ")
    assert response.status_code == 400
    assert "Écrivez le message." in response.content.decode()


def test_log_contact_and_internal_note(agent_client, contact_communes):
    filed = file_request(contact_communes[0])
    assert (
        post_action(agent_client, filed, "contact", channel="phone", text="Appel du demandeur")
    ).status_code == 302
    assert post_action(agent_client, filed, "note", text="Voir avec la voirie").status_code == 302
    contact = filed.events.get(kind=EventKind.CONTACT)
    assert contact.channel == "phone" and contact.visible_to_resident
    note = filed.events.get(kind=EventKind.NOTE)
    assert not note.visible_to_resident
    html = agent_client.get(detail_url(filed)).content.decode()
    assert "interne, non visible par l’habitant" in html
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"requests.contact_logged", "requests.note_added"} <= actions
    response = post_action(agent_client, filed, "contact", channel="phone", text="")
    assert response.status_code == 400


def test_documents_download_for_the_agent_only(agent_client, client, other_agent, contact_communes):
    filed = file_request(contact_communes[0])
    document = documents.store_document(
        uploaded=SimpleUploadedFile("justificatif.pdf", PDF, "application/pdf"),
        kind="other",
        commune=contact_communes[0],
    )
    document.requests.add(filed)
    url = f"/admin/demandes/{filed.reference}/documents/{document.pk}/"
    response = agent_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "justificatif.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="requests.document_downloaded").exists()
    login_agent(client, other_agent.user)
    assert client.get(url).status_code == 404


def test_csv_export_in_french_for_excel(agent_client, agent, contact_communes):
    filed = file_request(
        contact_communes[0], expected_answer_on=datetime.date(2020, 1, 6), assigned_to=agent.user
    )
    file_request(contact_communes[1])
    response = agent_client.get("/admin/demandes/export.csv?overdue=on")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == [
        "Référence",
        "Démarche",
        "Statut",
        "Déposée le",
        "Réponse prévue au plus tard le",
    ]
    assert len(rows) == 2
    assert rows[1][0] == filed.reference
    assert rows[1][4] == "06/01/2020"
    assert rows[1][5] == "oui"
    assert rows[1][10] == "Alice Agent"
    assert AuditEvent.objects.filter(action="requests.exported").exists()


def test_csv_export_defuses_formulas_typed_by_residents(agent_client, contact_communes):
    filed = file_request(contact_communes[0])
    Request.unscoped.filter(pk=filed.pk).update(applicant_first_name="=HYPERLINK(1)")
    raw = b"".join(agent_client.get("/admin/demandes/export.csv").streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][6] == "'=HYPERLINK(1) Martin"
