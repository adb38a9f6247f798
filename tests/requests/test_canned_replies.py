"""Canned replies: per commune and service, filled from the request in the sandboxed engine,
managed in the back office, chosen in the message form."""

import datetime

import pytest

from ecommune.accounts.models import AuditEvent
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.agents import render_canned_reply
from ecommune.requests.models import CannedReply, EventKind
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db

BODY = (
    "Bonjour {{ applicant_name }},\n"
    "votre demande {{ reference }} ({{ service_title }}) sera traitée avant le "
    "{{ expected_answer_on }}.\n{{ agent_name }}"
)


@pytest.fixture
def reply(contact_communes):
    return CannedReply.unscoped.create(
        commune=contact_communes[0], service="contact", title="Accusé de lecture", body=BODY
    )


def test_a_reply_is_filled_from_the_request(reply, agent, contact_communes):
    filed = file_request(contact_communes[0], expected_answer_on=datetime.date(2026, 12, 15))
    text = render_canned_reply(reply, filed, agent.user)
    assert text == (
        f"Bonjour Camille Martin,\nvotre demande {filed.reference} (Écrire à la mairie) "
        "sera traitée avant le 15 décembre 2026.\nAlice Agent"
    )


def test_the_agent_chooses_a_reply_prefills_then_sends(client, reply, agent, contact_communes):
    filed = file_request(contact_communes[0])
    login_agent(client, agent.user)
    url = f"/admin/demandes/{filed.reference}/"
    page = client.get(url).content.decode()
    assert "Accusé de lecture" in page
    prefilled = client.post(
        url, {"action": "message", "message-canned_reply": reply.pk, "use_reply": "1"}
    )
    assert prefilled.status_code == 200
    assert f"votre demande {filed.reference}" in prefilled.content.decode()
    assert not filed.events.filter(kind=EventKind.MESSAGE_TO_RESIDENT).exists()
    # Sent as is (no text typed): the reply's text goes.
    sent = client.post(url, {"action": "message", "message-canned_reply": reply.pk})
    assert sent.status_code == 302
    message = filed.events.get(kind=EventKind.MESSAGE_TO_RESIDENT)
    assert message.text.startswith("Bonjour Camille Martin")
    assert OutboxMessage.unscoped.filter(event="request.message", channel="email").exists()


def test_another_communes_reply_is_not_offered(client, agent, contact_communes):
    CannedReply.unscoped.create(
        commune=contact_communes[1], service="contact", title="Réponse de B", body="B"
    )
    CannedReply.unscoped.create(
        commune=contact_communes[0], service="", title="Pour toutes les démarches", body="A"
    )
    filed = file_request(contact_communes[0])
    login_agent(client, agent.user)
    page = client.get(f"/admin/demandes/{filed.reference}/").content.decode()
    assert "Réponse de B" not in page
    assert "Pour toutes les démarches" in page


def test_agents_manage_their_communes_replies_in_the_admin(
    client, agent, other_agent, contact_communes
):
    login_agent(client, agent.user)
    response = client.post(
        "/admin/ecommune_canned_replies/new/",
        {"service": "contact", "title": "Pièce reçue", "body": "Merci {{ applicant_name }}."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = CannedReply.unscoped.get(title="Pièce reçue")
    assert created.commune == contact_communes[0]
    assert AuditEvent.objects.filter(
        action="requests.canned_reply_created", object_id=str(created.pk)
    ).exists()
    response = client.post(
        f"/admin/ecommune_canned_replies/edit/{created.pk}/",
        {"service": "contact", "title": "Pièce bien reçue", "body": "Merci."},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="requests.canned_reply_changed").exists()
    assert "Pièce bien reçue" in client.get("/admin/ecommune_canned_replies/").content.decode()
    client.logout()
    login_agent(client, other_agent.user)
    assert "Pièce bien reçue" not in client.get("/admin/ecommune_canned_replies/").content.decode()
    assert client.get(f"/admin/ecommune_canned_replies/edit/{created.pk}/").status_code == 404
    assert client.post(f"/admin/ecommune_canned_replies/delete/{created.pk}/").status_code == 404
    client.logout()
    login_agent(client, agent.user)
    response = client.post(f"/admin/ecommune_canned_replies/delete/{created.pk}/")
    assert response.status_code == 302
    assert not CannedReply.unscoped.filter(pk=created.pk).exists()
    assert AuditEvent.objects.filter(action="requests.canned_reply_deleted").exists()


def test_a_reply_that_loads_templates_is_refused(client, agent, contact_communes):
    login_agent(client, agent.user)
    response = client.post(
        "/admin/ecommune_canned_replies/new/",
        {"service": "", "title": "Piège", "body": "{% include 'base.html' %}"},
    )
    assert response.status_code == 200
    assert "ne peut contenir que des variables, {% if %} et {% for %}" in (
        response.content.decode()
    )
    assert not CannedReply.unscoped.filter(title="Piège").exists()
    response = client.post(
        "/admin/ecommune_canned_replies/new/",
        {"service": "", "title": "Cassé", "body": "{% if %}"},
    )
    assert "Ce modèle est illisible" in response.content.decode()
    assert not CannedReply.unscoped.filter(title="Cassé").exists()


def test_a_superusers_reply_belongs_to_the_host_names_commune(client, admin_user, contact_communes):
    from ecommune.testing.otp import verify_session

    client.force_login(admin_user)
    verify_session(client, admin_user)
    response = client.post(
        "/admin/ecommune_canned_replies/new/",
        {"service": "contact", "title": "Pour B", "body": "Texte"},
        HTTP_HOST=contact_communes[1].site.hostname,
    )
    assert response.status_code == 302
    assert CannedReply.unscoped.get(title="Pour B").commune == contact_communes[1]


def test_an_agent_writes_replies_for_their_own_services_only(agent):
    from ecommune.core.registry import registry
    from ecommune.core.services import Service
    from ecommune.requests.agent_forms import CannedReplyForm

    class Other(Service):
        slug = "test-other-service"
        title = "Autre démarche"

    registry.register(Other)
    try:
        choices = dict(CannedReplyForm(for_user=agent.user).fields["service"].choices)
    finally:
        registry.unregister(Other.slug)
    assert set(choices) == {"", "contact"}
