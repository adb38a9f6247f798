"""« Occupation temporaire du domaine public », a service from outside the kit, enabled by
one line in INSTALLED_APPS: its wizard, its place on the portal (catalogue, « Je
déménage », personal-data register), the agent's inbox and its two actions, the decree
printed, kept and emailed, tracking, notifications and the satisfaction survey."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from ecommune_voirie.models import Occupation
from ecommune_voirie.service import VoirieService, decree_html, decree_pdf

from ecommune.cms.models import LifeEventPage, ServicePage
from ecommune.core.registry import registry
from ecommune.notifications.models import OutboxMessage
from ecommune.notifications.services import deliver
from ecommune.requests import agents
from ecommune.requests.services import expected_answer_date
from ecommune.testing.factories import make_commune
from ecommune.testing.filing import Documents, Upload, enable_services, filed_request
from ecommune.testing.otp import agent_client_for
from ecommune.testing.wizard import APPLICANT, PDF, errors_of, pdf_upload, post_step, walk_wizard

pytestmark = pytest.mark.django_db


def occupation_answers(commune, **changes) -> dict:
    """A move two days after the date the town hall answers by."""
    start = expected_answer_date(commune, VoirieService) + datetime.timedelta(days=2)
    return {
        "kind": "move",
        "address": "12 rue des Tilleuls, devant le n° 12",
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=1)).isoformat(),
        "surface": "15",
        "vehicle_plate": "ab-123-cd",
        **changes,
    }


def stored(commune, **changes) -> dict:
    """The same answers as the wizard's forms clean them (for ``filed_request``)."""
    answers = occupation_answers(commune, **changes)
    return {
        "occupation": {
            **answers,
            "start_date": datetime.date.fromisoformat(answers["start_date"]),
            "end_date": datetime.date.fromisoformat(answers["end_date"]),
            "vehicle_plate": answers["vehicle_plate"].upper(),
        }
    }


@pytest.fixture
def voirie(commune, private_storage):
    return enable_services(commune, "voirie")


@pytest.fixture
def filed(voirie):
    return filed_request(
        voirie,
        "voirie",
        stored(voirie),
        documents=Documents(uploads=[Upload("other", pdf_upload("plan.pdf"))]),
    )


@pytest.fixture
def agent(voirie):
    _client, agent = agent_client_for(Client(), voirie, ["voirie"])
    return agent


def act(agent, filed, name, **data):
    """An agent's desk action as the inbox runs it: the action's form, its ``perform`` in
    the transaction, then the move to its ``to_status`` with the reason for the applicant
    (history, audit trail, the applicant's email)."""
    action = next(a for a in VoirieService.desk_actions if a.name == name)
    assert filed.status in action.statuses, f"{name} is not offered in « {filed.status} »"
    cleaned = dict(data)
    if action.form is not None:
        form = action.form_class()(data)
        assert form.is_valid(), form.errors
        cleaned = form.cleaned_data
    http_request = RequestFactory().post(f"/admin/demandes/{filed.reference}/")
    http_request.user = agent.user
    with transaction.atomic():
        if action.perform is not None:
            action.perform_function()(http_request, filed, cleaned)
        agents.set_status(http_request, filed, action.to_status, data.get("reason", ""))
    filed.refresh_from_db()
    return filed


def outbox(filed, event):
    return OutboxMessage.objects.filter(related_reference=filed.reference, event=event)


# One line in INSTALLED_APPS ----------------------------------------------------------------


def test_the_app_registers_the_service_and_its_event():
    from ecommune.notifications.events import events

    assert registry.get("voirie") is VoirieService
    assert VoirieService.check_contract() == []
    assert "voirie.decree" in events and not events.get("voirie.decree").confidential
    assert "moving" in VoirieService.life_events


@pytest.mark.parametrize(
    ("part", "value", "named"),
    [
        ("processing", None, "processing (personal data)"),
        ("steps", (), "steps (at least one)"),
        ("title", "", "title"),
        ("closed_statuses", None, "closed_statuses (declared, among statuses)"),
    ],
)
def test_a_missing_part_fails_manage_py_check_naming_the_service_and_the_part(
    monkeypatch, part, value, named
):
    call_command("check")  # the service as shipped passes
    monkeypatch.setattr(VoirieService, part, value)
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    message = str(failed.value)
    assert "ecommune.E010" in message
    assert "'voirie' (ecommune_voirie.service.VoirieService)" in message
    assert named in message


# The resident's wizard -------------------------------------------------------------------


def test_a_resident_files_a_request_through_the_wizard(client, voirie):
    run = walk_wizard(
        client,
        "voirie",
        {"occupation": occupation_answers(voirie)},
        files={"occupation": {"plan": pdf_upload("plan.pdf")}},
    )
    assert run.steps == ["applicant", "occupation", "confirm"]
    filed = run.filed
    assert (filed.service, filed.status, filed.get_status_display()) == (
        "voirie",
        "submitted",
        "Reçue",
    )
    occupation = Occupation.objects.get(request=filed)
    assert (occupation.kind, occupation.surface, occupation.vehicle_plate) == (
        "move",
        15,
        "AB-123-CD",
    )
    assert [d.original_name for d in filed.documents.all()] == ["plan.pdf"]
    html = run.response.content.decode()
    assert filed.reference in html and "au plus tard" in html
    (ack,) = outbox(filed, "request.acknowledged")
    assert ack.recipient == "camille@example.org"


def test_the_summary_shows_the_answers_as_the_form_labels_them(at_the_occupation_step, voirie):
    client = at_the_occupation_step
    answers = occupation_answers(voirie)
    post_step(client, "voirie", "occupation", answers, {"plan": pdf_upload("plan.pdf")})
    html = client.get("/demarches/voirie/confirm/").content.decode()
    assert "Déménagement ou emménagement" in html
    assert "12 rue des Tilleuls" in html and "AB-123-CD" in html and "plan.pdf" in html


@pytest.fixture
def at_the_occupation_step(client, voirie):
    """A browser that answered « who is asking »."""
    assert post_step(client, "voirie", "applicant", APPLICANT).status_code == 302
    return client


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"surface": "0"}, "supérieure ou égale à 0.5"),
        ({"vehicle_plate": "AB/123"}, "comme sur la carte grise"),
        ({"address": ""}, "Champ requis."),
    ],
)
def test_a_wrong_answer_gets_a_french_message_next_to_its_field(
    at_the_occupation_step, voirie, changes, message
):
    response = post_step(
        at_the_occupation_step,
        "voirie",
        "occupation",
        occupation_answers(voirie, **changes),
        {"plan": pdf_upload()},
    )
    assert response.status_code == 200
    assert message in errors_of(response).replace("\u202f", " ").replace(",", ".")


def test_dates_before_the_answer_or_in_the_wrong_order_are_refused(at_the_occupation_step, voirie):
    client = at_the_occupation_step
    answer = expected_answer_date(voirie, VoirieService)
    too_soon = occupation_answers(voirie, start_date=timezone.localdate().isoformat())
    response = post_step(client, "voirie", "occupation", too_soon, {"plan": pdf_upload()})
    errors = response.context["form"].errors
    assert "La mairie répond au plus tard le" in errors["start_date"][0]
    assert str(answer.year) in errors["start_date"][0]
    answers = occupation_answers(voirie)
    backwards = {**answers, "end_date": "2020-01-01"}
    response = post_step(client, "voirie", "occupation", backwards, {"plan": pdf_upload()})
    assert response.context["form"].errors["end_date"] == [
        "Le dernier jour ne peut pas précéder le premier."
    ]


def test_the_plan_is_required_and_checked_by_its_content(at_the_occupation_step, voirie):
    client = at_the_occupation_step
    answers = occupation_answers(voirie)
    missing = post_step(client, "voirie", "occupation", answers)
    assert "Champ requis." in errors_of(missing)
    renamed = post_step(
        client, "voirie", "occupation", answers, {"plan": pdf_upload("plan.pdf", b"MZ" + PDF)}
    )
    assert "PDF, JPEG ou PNG" in errors_of(renamed)


# On the portal ---------------------------------------------------------------------------


@pytest.fixture
def full_commune(db, private_storage):
    """A commune with its portal, as ``ecommune_setup_commune`` creates it, offering the
    contact service first; the default site."""
    from wagtail.models import Site

    from ecommune.core.provisioning import remove_wagtail_welcome_page

    remove_wagtail_welcome_page()
    commune = make_commune(
        "Commune-A", "commune-a.test", portal_pages=True, enabled_services=["contact"]
    )
    Site.objects.filter(pk=commune.site_id).update(is_default_site=True)
    return commune


def test_enabling_it_adds_its_page_and_it_joins_moving_house_and_the_register(client, full_commune):
    assert not ServicePage.objects.filter(service_slug="voirie").exists()
    enable_services(full_commune, "voirie")
    page = ServicePage.objects.get(service_slug="voirie")
    assert page.title == "Occupation temporaire du domaine public"
    html = client.get(page.url).content.decode()
    assert "Toute personne ou entreprise qui doit occuper la rue" in html
    assert "/demarches/voirie/" in html
    moving = LifeEventPage.objects.get(title="Je déménage")
    assert "voirie" in moving.services
    assert "/demarches/voirie/" in client.get(moving.url).content.decode()
    register = client.get("/donnees-personnelles/").content.decode()
    assert "Instruire les demandes d&#x27;occupation temporaire du domaine public" in register
    assert "2 ans après la fin de l&#x27;occupation" in register


# In the agents' inbox, with its actions -------------------------------------------------


def test_the_inbox_shows_the_request_with_its_answers(filed, voirie):
    client, _agent = agent_client_for(Client(), voirie, ["voirie"])
    listing = client.get("/admin/demandes/").content.decode()
    assert filed.reference in listing and "Occupation temporaire du domaine public" in listing
    page = client.get(f"/admin/demandes/{filed.reference}/").content.decode()
    assert "12 rue des Tilleuls" in page and "AB-123-CD" in page and "plan.pdf" in page


def test_granting_prints_the_decree_keeps_it_and_emails_it(filed, agent):
    act(agent, filed, "grant", conditions="Panneaux posés 48 heures avant.")
    assert (filed.status, filed.is_closed) == ("granted", True)
    occupation = Occupation.objects.get(request=filed)
    decree = occupation.decree
    assert decree.title == f"Arrêté {filed.reference}"
    assert set(filed.documents.values_list("pk", flat=True)) >= {decree.pk}
    with decree.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF") and decree.content_type == "application/pdf"
    (email,) = outbox(filed, "voirie.decree")
    assert email.recipient == "camille@example.org"
    assert email.subject == (
        f"Demande {filed.reference} : votre arrêté d'occupation du domaine public"
    )
    assert "://commune-a.test/demarches/suivi/" in email.body
    deliver(email.pk)
    sent = next(m for m in mail.outbox if m.subject == email.subject)
    assert sent.attachments == [(f"arrete-{filed.reference}.pdf", pdf, "application/pdf")]
    (status,) = outbox(filed, "request.status_changed")
    assert "Accordée" in status.body
    assert outbox(filed, "feedback.invitation").exists()  # the satisfaction survey


def test_the_decree_says_who_may_occupy_what_where_and_when(filed, agent):
    occupation = Occupation.objects.get(request=filed)
    signature = {"signed_by": agent.user, "conditions": "Panneaux posés 48 heures avant."}
    assert decree_pdf(filed, occupation, **signature).startswith(b"%PDF")
    text = re.sub(r"\s+", " ", decree_html(filed, occupation, **signature))
    assert f"Arrêté municipal n° {filed.reference}" in text
    assert (
        "Camille Martin est autorisé(e) à occuper le domaine public au "
        "12 rue des Tilleuls, devant le n° 12" in text
    )
    assert "véhicule immatriculé AB-123-CD" in text and "15,0 m²" in text
    assert "Panneaux posés 48 heures avant." in text
    assert "L113-2" in text and "L2213-6" in text and "tribunal administratif" in text
    assert agent.user.get_full_name() in text


def test_refusing_needs_a_reason_sent_to_the_applicant_and_asks_their_opinion(filed, agent):
    action = next(a for a in VoirieService.desk_actions if a.name == "refuse")
    assert action.needs_reason and action.perform is None
    act(agent, filed, "refuse", reason="Travaux de voirie dans la rue ces jours-là.")
    assert (filed.status, filed.get_status_display()) == ("refused", "Refusée")
    (status,) = outbox(filed, "request.status_changed")
    assert "Refusée" in status.body and "Travaux de voirie dans la rue" in status.body
    assert outbox(filed, "feedback.invitation").exists()
    assert not outbox(filed, "voirie.decree").exists()
    assert not Occupation.objects.get(request=filed).decree


def test_a_closed_request_offers_no_action(filed, agent):
    act(agent, filed, "refuse", reason="Non.")
    assert [a.name for a in VoirieService.desk_actions if filed.status in a.statuses] == []


# Tracking --------------------------------------------------------------------------------


def test_the_applicant_follows_the_request_and_sees_the_decree_among_its_documents(
    client, filed, agent
):
    act(agent, filed, "grant")
    client.post("/demarches/suivi/", {"reference": filed.reference, "email": "camille@example.org"})
    page = client.get(f"/demarches/demande/{filed.reference}/").content.decode()
    assert "Accordée" in page and f"Arrêté {filed.reference}" in page and "plan.pdf" in page
    assert Client().get(f"/demarches/demande/{filed.reference}/").status_code == 404
