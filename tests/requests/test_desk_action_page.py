"""A service's own desk actions (``Service.desk_actions``) on the shared request page: offered
by status, one form each, run with the engine's status change (history, audit trail, the
resident's email), their errors next to the field with nothing lost."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from ecommune.accounts.models import AuditEvent
from ecommune.core.registry import registry
from ecommune.core.services import DeskAction, Processing, Service, Step
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.filing import file_request
from ecommune.requests.models import EventKind, Request, RequestEvent
from ecommune.requests.services import Applicant, change_status
from ecommune.requests.statuses import Status
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent

pytestmark = pytest.mark.django_db


class SpotForm(forms.Form):
    street = forms.CharField(label="Rue", max_length=100)


class PermitForm(forms.Form):
    permit_number = forms.CharField(label="Numéro de l'arrêté", max_length=20)

    def __init__(self, *args, filed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permit_number"].help_text = f"Pour {filed.reference}"


def grant(http_request, filed, cleaned):
    """Records the permit; a number already taken is refused next to its field."""
    if cleaned["permit_number"].startswith("PRIS"):
        raise ValidationError({"permit_number": "Ce numéro d'arrêté est déjà pris."})
    RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.NOTE,
        actor=http_request.user,
        text=f"Arrêté n° {cleaned['permit_number']}",
        visible_to_resident=False,
    )


def call_technical_service(http_request, filed, cleaned):
    RequestEvent.objects.create(
        commune_id=filed.commune_id,
        request=filed,
        kind=EventKind.CONTACT,
        channel="phone",
        actor=http_request.user,
        text="Service technique prévenu",
        visible_to_resident=False,
    )


class StreetService(Service):
    slug = "test-street"
    title = "Occupation de la voie (test)"
    summary = "Une démarche déclarée par le test."
    processing = Processing(purpose="Tester les actions du guichet.")
    steps = (Step("spot", SpotForm, "L'emplacement"),)
    desk_actions = (
        DeskAction("grant", "Accorder", perform=grant, form=PermitForm, to_status=Status.DONE),
        DeskAction("refuse", "Refuser", to_status=Status.REJECTED, needs_reason=True),
        DeskAction(
            "technical",
            "Prévenir le service technique",
            perform=call_technical_service,
            statuses=(Status.IN_PROGRESS,),
        ),
    )


@pytest.fixture
def street(commune, private_storage):
    registry.register(StreetService)
    commune.enabled_services = ["contact", StreetService.slug]
    commune.save()
    yield StreetService
    registry.unregister(StreetService.slug)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def agent_client(client, commune, street):
    agent = AgentFactory(
        commune=commune,
        services=[street.slug],
        user__first_name="Alice",
        user__last_name="Agent",
    )
    login_agent(client, agent.user)
    client.agent = agent
    return client


@pytest.fixture
def filed(commune, street):
    request, _created = file_request(
        commune=commune,
        service=street,
        applicant=Applicant("Camille", "Martin", "camille@example.org"),
        data={"spot": {"street": "Rue des Tilleuls"}},
    )
    return request


def url(filed):
    return f"/admin/demandes/{filed.reference}/"


def test_the_request_page_offers_the_services_actions_that_fit_its_status(agent_client, filed):
    html = agent_client.get(url(filed)).content.decode()
    assert 'value="desk:grant"' in html and 'value="desk:refuse"' in html
    assert "desk-grant-permit_number" in html and f"Pour {filed.reference}" in html
    # Offered only « in progress »:
    assert 'value="desk:technical"' not in html
    change_status(filed, Status.IN_PROGRESS, actor=None)
    assert 'value="desk:technical"' in agent_client.get(url(filed)).content.decode()
    change_status(filed, Status.DONE, actor=None)
    html = agent_client.get(url(filed)).content.decode()
    assert "desk:" not in html


def test_an_action_with_a_form_and_a_status_writes_history_audit_and_email(agent_client, filed):
    response = agent_client.post(
        url(filed), {"action": "desk:grant", "desk-grant-permit_number": "2026-114"}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.DONE and filed.closed_at is not None
    events = list(filed.events.order_by("pk"))
    assert [e.text for e in events if e.kind == EventKind.NOTE] == ["Arrêté n° 2026-114"]
    status = [e for e in events if e.kind == EventKind.STATUS]
    assert [(e.from_status, e.to_status, e.actor) for e in status] == [
        (Status.SUBMITTED, Status.DONE, agent_client.agent.user)
    ]
    audited = dict(
        AuditEvent.objects.filter(object_id=str(filed.pk)).values_list("action", "summary")
    )
    assert audited["test-street.grant"].startswith("Accorder")
    assert audited["requests.status_changed"].endswith("→ Terminée")
    emails = OutboxMessage.objects.filter(
        related_reference=filed.reference, event="request.status_changed"
    )
    assert [m.recipient for m in emails] == ["camille@example.org"]


def test_a_refusal_needs_its_reason_and_the_resident_reads_it(agent_client, filed):
    response = agent_client.post(url(filed), {"action": "desk:refuse", "desk-refuse-reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif : il est envoyé au demandeur." in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED
    response = agent_client.post(
        url(filed),
        {"action": "desk:refuse", "desk-refuse-reason": "Le trottoir est trop étroit."},
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.REJECTED
    event = filed.events.get(kind=EventKind.STATUS)
    assert event.text == "Le trottoir est trop étroit." and event.visible_to_resident
    message = OutboxMessage.objects.get(
        related_reference=filed.reference, event="request.status_changed"
    )
    assert "Le trottoir est trop étroit." in message.body


def test_an_error_of_perform_is_shown_next_to_its_field_and_nothing_is_kept(agent_client, filed):
    response = agent_client.post(
        url(filed), {"action": "desk:grant", "desk-grant-permit_number": "PRIS-1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_desk-grant-permit_number-error"' in html
    assert "Ce numéro d&#x27;arrêté est déjà pris." in html
    assert 'value="PRIS-1"' in html  # what the agent typed is still there
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED
    assert not filed.events.exclude(kind=EventKind.SUBMITTED).exists()
    assert not AuditEvent.objects.filter(action="test-street.grant").exists()
    assert not OutboxMessage.objects.filter(event="request.status_changed").exists()


def test_an_action_without_status_leaves_an_internal_line(agent_client, filed):
    change_status(filed, Status.IN_PROGRESS, actor=None)
    response = agent_client.post(url(filed), {"action": "desk:technical"})
    assert response.status_code == 302
    kinds = list(filed.events.order_by("pk").values_list("kind", "text", "visible_to_resident"))
    assert (EventKind.CONTACT, "Service technique prévenu", False) in kinds
    assert (EventKind.NOTE, "Action : Prévenir le service technique", False) in kinds
    assert Request.objects.get(pk=filed.pk).status == Status.IN_PROGRESS


def test_an_action_not_offered_now_or_unknown_is_a_404(agent_client, filed):
    for action in ("desk:technical", "desk:nothing", "desk:"):
        response = agent_client.post(url(filed), {"action": action})
        assert response.status_code == 404, action
    assert not filed.events.exclude(kind=EventKind.SUBMITTED).exists()


def test_an_agent_of_another_service_cannot_run_them(client, commune, street, filed):
    outsider = AgentFactory(commune=commune, services=["contact"])
    login_agent(client, outsider.user)
    response = client.post(url(filed), {"action": "desk:refuse", "desk-refuse-reason": "Non"})
    assert response.status_code == 404
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED
