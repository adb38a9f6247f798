"""Agents' intake: an agent files a request for a resident (counter, phone, post) through the
service's own steps in the back office; the resident gets the acknowledgment if they gave an
email, the history shows the channel (and the agent's name to agents only)."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from ecommune.accounts.models import AuditEvent
from ecommune.core.registry import registry
from ecommune.core.services import Processing, Service, Step
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.forms import DocumentField
from ecommune.requests.models import Channel, Document, EventKind, Request
from ecommune.services.contact.models import ContactMessage
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200
START = "/admin/demandes/nouvelle/"

RESIDENT = {"first_name": "Josette", "last_name": "Lemoine", "email": "josette@example.org"}
MESSAGE = {
    "topic": "roads",
    "subject": "Nid-de-poule",
    "message": "Un nid-de-poule devant le 12 rue des Lilas, signalé par téléphone.",
}


@pytest.fixture
def agent_client(client, agent):
    login_agent(client, agent.user)
    return client


def post_step(client, slug, step, data, files=None):
    payload = {f"ecommune_intake_{slug}-current_step": step}
    payload.update({f"{step}-{key}": value for key, value in {**data, **(files or {})}.items()})
    return client.post(f"{START}{slug}/{step}/", payload)


def intake(client, slug, steps):
    """Walk the intake of ``slug``: (step, data, files) in order; returns the last answer."""
    started = client.get(f"{START}{slug}/")
    assert started.status_code == 302 and started["Location"].endswith("/applicant/")
    for step, data, files in steps:
        answer = post_step(client, slug, step, data, files)
        assert answer.status_code == 302, (step, answer.content.decode()[:3000])
    assert answer["Location"] == f"{START}{slug}/envoi/"
    return client.get(answer["Location"])


def test_the_inbox_offers_a_new_request_and_lists_the_agents_procedures(agent_client):
    inbox = agent_client.get("/admin/demandes/").content.decode()
    assert f'href="{START}"' in inbox
    assert "Nouvelle demande (guichet, téléphone, courrier)" in inbox
    choice = agent_client.get(START).content.decode()
    assert f'href="{START}contact/"' in choice and "Écrire à la mairie" in choice
    desk = agent_client.get("/admin/demarches/contact/").content.decode()
    assert f'href="{START}contact/"' in desk


def test_an_agent_files_a_contact_request_by_phone_for_a_resident(
    agent_client, agent, contact_communes
):
    done = intake(
        agent_client,
        "contact",
        [
            ("applicant", {**RESIDENT, "channel": Channel.PHONE}, None),
            ("message", MESSAGE, None),
            ("confirm", {"note": "Rappeler l'après-midi."}, None),
        ],
    )
    filed = Request.objects.get()
    assert done["Location"] == f"/admin/demandes/{filed.reference}/"
    assert (filed.channel, filed.applicant, filed.applicant_email) == (
        Channel.PHONE,
        None,
        "josette@example.org",
    )
    assert ContactMessage.objects.get(request=filed).subject == "Nid-de-poule"
    submitted = filed.events.get(kind=EventKind.SUBMITTED)
    assert (submitted.channel, submitted.actor) == (Channel.PHONE, agent.user)
    note = filed.events.get(kind=EventKind.NOTE)
    assert (note.text, note.visible_to_resident, note.actor) == (
        "Rappeler l'après-midi.",
        False,
        agent.user,
    )
    ack = OutboxMessage.objects.get(event="request.acknowledged")
    assert (ack.recipient, ack.related_reference) == ("josette@example.org", filed.reference)
    assert AuditEvent.objects.filter(
        action="requests.filed_for_resident", object_id=str(filed.pk)
    ).exists()

    page = agent_client.get(done["Location"]).content.decode()
    assert "Demande reçue par téléphone" in page
    assert "Déposée par" in page and "Alice Agent" in page
    assert "l’habitant reçoit l’accusé de réception par courriel" in page

    # The resident, following it by reference and email, sees the channel, not the agent.
    resident = type(agent_client)()
    host = {"HTTP_HOST": contact_communes[0].site.hostname}
    found = resident.post(
        "/demarches/suivi/",
        {"reference": filed.reference, "email": "josette@example.org"},
        **host,
    )
    assert found.status_code == 302
    tracking = resident.get(found["Location"], **host).content.decode()
    assert "Demande reçue par téléphone" in tracking
    assert "Alice" not in tracking and "Agent" not in tracking


def test_without_an_email_no_acknowledgment_leaves_and_the_agent_is_told(agent_client):
    done = intake(
        agent_client,
        "contact",
        [
            ("applicant", {**RESIDENT, "email": "", "channel": Channel.COUNTER}, None),
            ("message", MESSAGE, None),
            ("confirm", {}, None),
        ],
    )
    filed = Request.objects.get()
    assert filed.channel == Channel.COUNTER and filed.applicant_email == ""
    assert not OutboxMessage.objects.exists()
    assert not filed.events.filter(kind=EventKind.NOTE).exists()
    page = agent_client.get(done["Location"]).content.decode()
    assert "donnez sa référence à l’habitant" in page
    assert "Demande déposée au guichet de la mairie" in page


def test_the_agent_attaches_a_scanned_piece_to_a_contact_request(agent_client):
    intake(
        agent_client,
        "contact",
        [
            ("applicant", {**RESIDENT, "channel": Channel.POST}, None),
            (
                "message",
                MESSAGE,
                {"attachment": SimpleUploadedFile("courrier.pdf", PDF, "application/pdf")},
            ),
            ("confirm", {}, None),
        ],
    )
    filed = Request.objects.get()
    document = Document.objects.get(requests=filed)
    assert (document.owner, document.original_name, document.kind) == (
        None,
        "courrier.pdf",
        "other",
    )


class IdentityForm(forms.Form):
    identity = DocumentField(label="Pièce d'identité", kind="identity")
    for_a_minor = forms.BooleanField(label="Pour un mineur", required=False)


class GuardianForm(forms.Form):
    guardianship = DocumentField(label="Jugement de tutelle", kind="family_record")


class PiecesService(Service):
    slug = "test-pieces"
    title = "Démarche avec pièces (test)"
    summary = "Une démarche qui demande des pièces."
    processing = Processing(purpose="Tester le dépôt au guichet.")
    steps = (
        Step("identity", IdentityForm, "Pièce d'identité"),
        Step(
            "guardian",
            GuardianForm,
            "Tutelle",
            condition=lambda a: a.get("identity", {}).get("for_a_minor"),
        ),
    )


@pytest.fixture
def pieces(contact_communes, agent):
    registry.register(PiecesService)
    commune = contact_communes[0]
    commune.enabled_services = ["contact", PiecesService.slug]
    commune.save()
    agent.services = ["contact", PiecesService.slug]
    agent.save()
    yield PiecesService
    registry.unregister(PiecesService.slug)


def test_a_service_with_document_fields_takes_the_scans_and_its_conditions(agent_client, pieces):
    bad = SimpleUploadedFile("cni.pdf", b"MZ\x90\x00 not a pdf" * 20, "application/pdf")
    agent_client.get(f"{START}{pieces.slug}/")
    post_step(agent_client, pieces.slug, "applicant", {**RESIDENT, "channel": "counter"})
    refused = post_step(
        agent_client, pieces.slug, "identity", {"for_a_minor": "on"}, {"identity": bad}
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_identity-identity-error"' in html and "PDF, JPEG ou PNG" in html
    steps = [
        ("applicant", {**RESIDENT, "channel": "counter"}, None),
        (
            "identity",
            {"for_a_minor": "on"},
            {"identity": SimpleUploadedFile("cni.pdf", PDF, "application/pdf")},
        ),
        ("guardian", {}, {"guardianship": SimpleUploadedFile("jugement.pdf", PDF + b"2")}),
        ("confirm", {}, None),
    ]
    intake(agent_client, pieces.slug, steps)
    filed = Request.objects.get(service=pieces.slug)
    kinds = sorted(Document.objects.filter(requests=filed).values_list("kind", "owner"))
    assert kinds == [("family_record", None), ("identity", None)]
    assert OutboxMessage.objects.filter(event="request.acknowledged").count() == 1


def test_the_condition_skips_a_step_at_the_counter_too(agent_client, pieces):
    intake(
        agent_client,
        pieces.slug,
        [
            ("applicant", {**RESIDENT, "channel": "post"}, None),
            ("identity", {}, {"identity": SimpleUploadedFile("cni.pdf", PDF)}),
            ("confirm", {}, None),
        ],
    )
    assert Request.objects.get(service=pieces.slug).documents.count() == 1


def test_each_intake_starts_afresh_and_files_once(agent_client):
    steps = [
        ("applicant", {**RESIDENT, "channel": "phone"}, None),
        ("message", MESSAGE, None),
        ("confirm", {}, None),
    ]
    done = intake(agent_client, "contact", steps)
    again = agent_client.get(f"{START}contact/envoi/")
    assert again["Location"] == done["Location"]
    assert Request.objects.count() == 1
    # The next resident's intake shows nothing of the last one.
    agent_client.get(f"{START}contact/")
    form = agent_client.get(f"{START}contact/applicant/").content.decode()
    assert "Josette" not in form and "josette@example.org" not in form
    assert 'name="applicant-first_name"' in form and 'value="Alice"' not in form


def test_only_the_services_agents_may_file_and_only_for_what_the_commune_offers(
    client, agent, contact_communes
):
    def refused(page):
        return page.status_code in (403, 404) or page.get("Location") == "/admin/"

    outsider = AgentFactory(commune=contact_communes[0], services=[])
    login_agent(client, outsider.user)
    assert refused(client.get(f"{START}contact/"))
    assert refused(post_step(client, "contact", "applicant", RESIDENT))
    assert f'href="{START}"' not in client.get("/admin/demandes/").content.decode()
    client.logout()
    login_agent(client, agent.user)
    assert refused(client.get(f"{START}civil_status/"))  # not theirs
    assert client.get(f"{START}contact/not-a-step/").status_code == 404
    assert client.get(f"{START}no-such-service/").status_code == 404
    contact_communes[0].enabled_services = []
    contact_communes[0].save()
    assert client.get(f"{START}contact/").status_code == 404
    assert not Request.objects.exists()


def test_every_registered_services_steps_open_in_the_back_office(client, contact_communes):
    commune = contact_communes[0]
    commune.enabled_services = list(registry.keys())
    commune.save()
    agent = AgentFactory(commune=commune, services=list(registry.keys()))
    login_agent(client, agent.user)
    opened = 0
    for service in registry:
        client.get(f"{START}{service.slug}/")
        for step in ["applicant", *(s.name for s in service.steps), "confirm"]:
            page = client.get(f"{START}{service.slug}/{step}/")
            # A step whose condition is false sends the agent back to the first one.
            assert page.status_code in (200, 302), (service.slug, step, page.status_code)
            opened += page.status_code == 200
    assert opened >= 2 + sum(len(service.steps) for service in registry) // 2


def test_an_intake_left_half_way_is_no_draft_of_the_agent(agent_client, contact_communes):
    """An agent's intake is the resident's request, not the agent's: nothing of it waits in
    the agent's « Mon espace » (``ServiceWizard.keeps_drafts``)."""
    from ecommune.requests.models import Draft

    agent_client.get(f"{START}contact/")
    answer = post_step(agent_client, "contact", "applicant", {**RESIDENT, "channel": "phone"})
    assert answer.status_code == 302
    assert not Draft.unscoped.exists()
