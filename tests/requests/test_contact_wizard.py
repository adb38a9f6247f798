"""« Écrire à la mairie » through the wizard: steps, errors next to fields, one request per
double click, acknowledgment with the expected date, tracking by reference and email."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecommune.requests.models import Document, Request
from ecommune.services.contact.models import ContactMessage
from ecommune.testing import wizard
from ecommune.testing.factories import UserFactory
from ecommune.testing.wizard import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(commune, private_storage):
    commune.enabled_services = ["contact"]
    commune.save()
    return commune


def post_step(client, step, data, files=None):
    return wizard.post_step(client, "contact", step, data, files)


APPLICANT = {
    "first_name": "Camille",
    "last_name": "Martin",
    "email": "camille@example.org",
    "phone": "06 12 34 56 78",
    "sms_consent": "on",
}
MESSAGE = {
    "topic": "roads",
    "subject": "Lampadaire éteint",
    "message": "Le lampadaire de la rue des Tilleuls est éteint depuis lundi.",
}


def walk(client, attachment=None):
    assert post_step(client, "applicant", APPLICANT).status_code == 302
    files = {"attachment": attachment} if attachment else None
    assert post_step(client, "message", MESSAGE, files).status_code == 302
    confirmed = post_step(client, "confirm", {"certify": "on"})
    assert confirmed["Location"].endswith("/demarches/contact/envoi/")
    return client.get(confirmed["Location"])


def test_the_wizard_files_a_request_and_shows_the_acknowledgment(client, contact):
    first = client.get("/demarches/contact/")
    assert first.status_code == 302 and first["Location"].endswith("/demarches/contact/applicant/")
    done = walk(client, SimpleUploadedFile("photo.pdf", PDF))
    filed = Request.unscoped.get()
    assert filed.service == "contact" and filed.sms_consent
    message = ContactMessage.unscoped.get(request=filed)
    assert message.subject == "Lampadaire éteint"
    assert Document.unscoped.get().requests.get() == filed
    assert done["Location"] == f"/demarches/demande/{filed.reference}/confirmation/"
    ack = client.get(done["Location"])
    html = ack.content.decode()
    assert filed.reference in html
    assert "au plus tard" in html


def test_a_wrong_field_gets_a_french_message_next_to_it_and_keeps_the_input(client, contact):
    response = post_step(
        client, "applicant", {**APPLICANT, "email": "pas-une-adresse", "phone": "12"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in html
    assert "n&#x27;est pas un numéro de téléphone français" in html
    assert 'value="Camille"' in html and 'aria-invalid="true"' in html


def test_an_executable_renamed_pdf_is_refused_at_its_step(client, contact):
    assert post_step(client, "applicant", APPLICANT).status_code == 302
    response = post_step(
        client,
        "message",
        MESSAGE,
        {
            "attachment": SimpleUploadedFile(
                "facture.pdf", b"MZ\x90\x00" + b"\x00" * 400, content_type="application/pdf"
            )
        },
    )
    assert response.status_code == 200
    assert "PDF, JPEG ou PNG" in response.content.decode()
    assert Request.unscoped.count() == 0


def test_a_double_click_on_send_files_one_request(client, contact):
    assert post_step(client, "applicant", APPLICANT).status_code == 302
    assert post_step(client, "message", MESSAGE).status_code == 302
    first = post_step(client, "confirm", {"certify": "on"})
    second = post_step(client, "confirm", {"certify": "on"})
    assert first.status_code == second.status_code == 302
    client.get(first["Location"])
    replay = client.get(second["Location"])
    assert replay.status_code == 302
    assert Request.unscoped.count() == 1


def test_a_request_is_followed_with_its_reference_and_email_only(client, contact):
    walk(client)
    filed = Request.unscoped.get()
    stranger = client.__class__()
    assert stranger.get(f"/demarches/demande/{filed.reference}/").status_code == 404
    wrong = stranger.post(
        "/demarches/suivi/", {"reference": filed.reference, "email": "x@example.org"}
    )
    assert wrong.status_code == 200 and "Aucune demande de cette mairie" in wrong.content.decode()
    typed = filed.reference.lower().replace("-", " ")
    right = stranger.post("/demarches/suivi/", {"reference": typed, "email": "Camille@Example.org"})
    assert right.status_code == 302
    page = stranger.get(right["Location"])
    assert page.status_code == 200 and "Demande déposée" in page.content.decode()


def test_a_signed_in_resident_is_prefilled_and_finds_the_request_in_my_requests(client, contact):
    user = UserFactory(first_name="Inès", last_name="Roux", email="ines@example.org")
    client.force_login(user)
    step = client.get("/demarches/contact/applicant/")
    assert 'value="ines@example.org"' in step.content.decode()
    walk(client)
    filed = Request.unscoped.get()
    assert filed.applicant == user
    mine = client.get("/demarches/mes-demandes/")
    assert filed.reference in mine.content.decode()
    other = UserFactory()
    client.force_login(other)
    assert client.get(f"/demarches/demande/{filed.reference}/").status_code == 404


def test_a_service_the_commune_did_not_enable_is_not_found(client, commune):
    commune.enabled_services = []
    commune.save()
    assert client.get("/demarches/contact/").status_code == 404
