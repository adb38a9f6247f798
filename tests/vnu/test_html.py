"""Every portal page type, in both themes, and every step of the contact wizard are valid
HTML for the Nu HTML checker (vnu.jar from npm, pinned by tests/vnu/package-lock.json, run on
the machine's Java). Errors fail the test; warnings (such as a redundant role) do not."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ecommune.core.models import Commune
from ecommune.demo.seed import seed_demo
from ecommune.testing.wizard import APPLICANT, post_step
from tests.portal_pages import PORTAL_PAGES

pytestmark = pytest.mark.django_db
VNU_JAR = Path(__file__).parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
HOST = {"HTTP_HOST": "saint-ebrard.localhost"}
# One page of each type of the demo portal, and the tracking form.
PAGES = {**PORTAL_PAGES, "track": "/demarches/suivi/"}
MESSAGE = {
    "topic": "roads",
    "subject": "Lampadaire éteint",
    "message": "Le lampadaire de la rue des Tilleuls est éteint depuis lundi.",
}

needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.exists(),
    reason="the Nu HTML checker needs Java and tests/vnu/node_modules (make vnu: npm ci)",
)


def vnu_errors(documents: dict[str, str], tmp_path) -> list[str]:
    """Check the documents in one run of vnu.jar; returns its errors as readable lines."""
    files = {}
    for name, html in documents.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    assert result.stdout.strip(), result.stderr
    return [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
        f"{m.get('lastLine')}: {m['message']}"
        f" — {m.get('extract', '').strip()[:120]}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def html_of(response) -> str:
    assert response.status_code in (200, 404), response.status_code
    return response.content.decode()


def contact_steps(client) -> dict[str, str]:
    """The contact wizard, step by step, with one error page."""

    def post(step, data):
        return post_step(client, "contact", step, data, **HOST)

    pages = {"contact-applicant": html_of(client.get("/demarches/contact/applicant/", **HOST))}
    pages["contact-applicant-error"] = html_of(post("applicant", {**APPLICANT, "email": "non"}))
    assert post("applicant", APPLICANT).status_code == 302
    pages["contact-message"] = html_of(client.get("/demarches/contact/message/", **HOST))
    pages["contact-message-error"] = html_of(post("message", {**MESSAGE, "message": "court"}))
    assert post("message", MESSAGE).status_code == 302
    pages["contact-confirm"] = html_of(client.get("/demarches/contact/confirm/", **HOST))
    sent = post("confirm", {"certify": "on"})
    done = client.get(sent["Location"], **HOST)
    acknowledgment = client.get(done["Location"], **HOST)
    pages["contact-acknowledgment"] = html_of(acknowledgment)
    return pages


@pytest.fixture
def demo(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo(tmp_path / "credentials.json")


@needs_vnu
def test_every_page_type_and_contact_step_is_valid_html_in_both_themes(demo, client, tmp_path):
    documents = {}
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        for name, path in PAGES.items():
            response = client.get(path, **HOST)
            assert response.status_code == 200, path
            documents[f"{theme}-{name}"] = html_of(response)
        documents[f"{theme}-not-found"] = html_of(client.get("/no-such-page/", **HOST))
        client.cookies.clear()
        for name, html in contact_steps(client).items():
            documents[f"{theme}-{name}"] = html
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


@needs_vnu
def test_every_step_of_every_service_is_valid_html_in_both_themes(demo, client, tmp_path):
    """Each step of each enabled service's wizard, opened at its own address by the signed-in
    demo resident (as tests/e2e/test_pages.py does in Chromium)."""
    from django.contrib.auth import get_user_model

    from ecommune.demo.seed import RESIDENT_EMAIL
    from ecommune.requests.views import APPLICANT_STEP, CONFIRM_STEP

    client.force_login(get_user_model().objects.get(email=RESIDENT_EMAIL))
    documents = {}
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        for service in Commune.unscoped.get().services():
            steps = [APPLICANT_STEP, *(name for name, _form in service.form_steps()), CONFIRM_STEP]
            for step in steps:
                response = client.get(f"/demarches/{service.slug}/{step}/", **HOST)
                assert response.status_code == 200, (service.slug, step)
                documents[f"{theme}-{service.slug}-{step}"] = html_of(response)
    assert len(documents) >= 24
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


# The resident's pages around the services: signed out, then signed in as the demo resident.
PUBLIC_PAGES = [
    "/compte/connexion/",
    "/compte/inscription/",
    "/compte/mot-de-passe/oubli/",
    "/rendez-vous/",
    "/rendez-vous/passeport/",
    "/file-attente/",
    "/famille/simulateur/",
    "/api/",
]
RESIDENT_PAGES = [
    "/compte/espace/",
    "/compte/agenda/",
    "/rendez-vous/mes-pieces-d-identite/",
    "/demarches/mes-documents/",
    "/compte/profil/",
    "/compte/mot-de-passe/changer/",
    "/compte/supprimer/",
    "/demarches/mes-demandes/",
    "/rendez-vous/mes-rendez-vous/",
    "/famille/",
    "/famille/adresse/",
    "/famille/enfant/",
    "/famille/quotient-familial/",
    "/famille/inviter/",
    "/famille/factures/",
]


def address_offer(client) -> str:
    """The acknowledgment of a civil-status request sent to another address than the
    account's: it offers to keep that address."""
    from tests.services.test_civil_status import ACT, DELIVERY

    moved = {**DELIVERY, "street_address": "8 avenue Jules Ferry", "postal_code": "44990"}
    for step, answers in (("applicant", APPLICANT), ("certificate", ACT), ("delivery", moved)):
        assert post_step(client, "civil_status", step, answers, **HOST).status_code == 302, step
    sent = post_step(client, "civil_status", "confirm", {"certify": "on"}, **HOST)
    done = client.get(sent["Location"], **HOST)
    return html_of(client.get(done["Location"], **HOST))


@needs_vnu
def test_the_residents_account_appointment_and_family_pages_are_valid_html(demo, client, tmp_path):
    from django.contrib.auth import get_user_model

    from ecommune.demo.seed import RESIDENT_EMAIL

    documents = {}
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        client.logout()
        for path in PUBLIC_PAGES:
            response = client.get(path, **HOST)
            assert response.status_code == 200, path
            documents[f"{theme}{path.replace('/', '-')}"] = html_of(response)
        client.force_login(get_user_model().objects.get(email=RESIDENT_EMAIL))
        # A form left half-way: « Mon espace » shows its « Formulaires à terminer ».
        assert post_step(client, "contact", "applicant", APPLICANT, **HOST).status_code == 302
        for path in RESIDENT_PAGES:
            response = client.get(path, **HOST)
            assert response.status_code == 200, path
            documents[f"{theme}{path.replace('/', '-')}"] = html_of(response)
    assert "Formulaires à terminer" in documents["dsfr-compte-espace-"]
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        documents[f"{theme}-acknowledgment-address-offer"] = address_offer(client)
    assert "Enregistrer cette adresse" in documents["dsfr-acknowledgment-address-offer"]
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


@needs_vnu
def test_the_widgets_are_valid_html(demo, client, tmp_path):
    from ecommune.servicepublic.models import Fiche

    Fiche.objects.create(
        publication_id="F1427",
        title="Acte de naissance : demande de copie",
        description="Comment obtenir une copie d'acte de naissance.",
        sp_url="https://www.service-public.fr/particuliers/vosdroits/F1427",
        content_hash="x",
    )
    paths = {
        "next-slot": "/widgets/prochain-creneau/passeport/",
        "waiting": "/widgets/attente/",
        "news": "/widgets/actualites/",
        "fiche": "/widgets/fiche/F1427/",
    }
    documents = {}
    for name, path in paths.items():
        response = client.get(path, **HOST)
        assert response.status_code == 200, path
        documents[f"widget-{name}"] = html_of(response)
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)


@needs_vnu
def test_the_checker_catches_an_error(tmp_path):
    """The checker is really run: a duplicate id is an error."""
    html = '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>'
    html += '<p id="a">1</p><p id="a">2</p></body></html>'
    errors = vnu_errors({"broken": html}, tmp_path)
    assert len(errors) == 1 and "Duplicate ID" in errors[0]


def page_of(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


def appointment_pages(client) -> dict[str, str]:
    """Booking an appointment from the first free slot: the details form, its errors, the
    confirmation; then the move page (with a new slot chosen) and the cancel page, from the
    booking's own links."""
    import re
    from html import unescape

    from ecommune.appointments.models import Booking
    from ecommune.appointments.services import manage_urls

    slots = page_of(client.get("/rendez-vous/passeport/", **HOST))
    keys = re.findall(r"creneau=([^\"&#]+)", unescape(slots))
    assert len(keys) >= 2, "the demo's passport counter has free slots"
    book = "/rendez-vous/passeport/reserver/"
    pages = {"book": page_of(client.get(f"{book}?creneau={keys[0]}", **HOST))}
    pages["book-errors"] = page_of(client.post(book, {"slot": keys[0], "email": "non"}, **HOST))
    assert "ec-error-summary" in pages["book-errors"]
    details = {
        "slot": keys[0],
        "first_name": "Marie",
        "last_name": "Lefebvre",
        "email": "marie.lefebvre@example.org",
        "people": "1",
        "ants_1": "7A2B9C4D1E",
    }
    booked = client.post(book, details, **HOST)
    assert booked.status_code == 302, booked.content.decode()[:2000]
    pages["confirmation"] = page_of(client.get(booked["Location"], **HOST))
    reference = booked["Location"].rstrip("/").rsplit("/", 1)[-1]
    commune = Commune.unscoped.get()
    booking = Booking.objects.for_commune(commune).get(reference=reference)
    links = manage_urls(booking, absolute=False)
    pages["move"] = page_of(client.get(links["move_url"], **HOST))
    pages["move-chosen"] = page_of(client.get(f"{links['move_url']}?creneau={keys[1]}", **HOST))
    pages["cancel"] = page_of(client.get(links["cancel_url"], **HOST))
    assert "Garder mon rendez-vous" in unescape(pages["cancel"])
    pages["cancelled"] = page_of(client.post(links["cancel_url"], **HOST))
    return pages


def survey_pages(client) -> dict[str, str]:
    """The three questions after the demo's closed request and after an appointment that
    took place (marked seen, as the agent does), with the errors of an empty answer."""
    from ecommune.appointments.models import Booking, BookingStatus
    from ecommune.feedback.survey import survey_path
    from ecommune.requests.models import Request

    commune = Commune.unscoped.get()
    closed = Request.objects.for_commune(commune).get(status="done")
    booking = Booking.objects.for_commune(commune).filter(status=BookingStatus.BOOKED).first()
    Booking.objects.for_commune(commune).filter(pk=booking.pk).update(status=BookingStatus.SEEN)
    pages = {}
    for name, subject in (("request", closed), ("appointment", booking)):
        path = survey_path(subject)
        pages[f"survey-{name}"] = page_of(client.get(path, **HOST))
        pages[f"survey-{name}-errors"] = page_of(client.post(path, {}, **HOST))
        assert "ec-error-summary" in pages[f"survey-{name}-errors"]
    Booking.objects.for_commune(commune).filter(pk=booking.pk).update(status=BookingStatus.BOOKED)
    return pages


def request_and_document_pages(client) -> dict[str, str]:
    """The tracking page of each of the demo resident's requests; the delete page of a free
    document, and of one a request in progress uses (shown, then refused when sent)."""
    from ecommune.core import tenancy
    from ecommune.requests.document_views import blocking_requests
    from ecommune.requests.models import Document, Request

    commune = Commune.unscoped.get()
    pages = {"activities": page_of(client.get("/famille/activites/", **HOST))}
    for filed in Request.objects.for_commune(commune).filter(applicant__isnull=False)[:3]:
        pages[f"request-{filed.reference}"] = page_of(
            client.get(f"/demarches/demande/{filed.reference}/", **HOST)
        )
    for document in Document.objects.for_commune(commune).order_by("pk"):
        path = f"/demarches/mes-documents/{document.pk}/supprimer/"
        with tenancy.using(commune):
            in_use = bool(blocking_requests(document))
        name = "document-delete-in-use" if in_use else "document-delete"
        pages[name] = page_of(client.get(path, **HOST))
        if in_use:
            pages[f"{name}-refused"] = page_of(client.post(path, **HOST), status=409)
    assert {"document-delete", "document-delete-in-use-refused"} <= set(pages)
    return pages


def wizard_pages(client) -> dict[str, str]:
    """Civil status, elections and school: a step with errors and the acknowledgment."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ecommune.services.school.enrolment_forms import next_school_year
    from tests.school.test_enrolment import CHILD
    from tests.services.helpers import PDF
    from tests.services.test_civil_status import ACT, DELIVERY
    from tests.services.test_elections import ATTACHMENT, VOTER

    def pdf(name):
        return SimpleUploadedFile(name, PDF, content_type="application/pdf")

    def acknowledgment(slug):
        sent = post_step(client, slug, "confirm", {"certify": "on"}, **HOST)
        assert sent.status_code == 302, slug
        done = client.get(sent["Location"], **HOST)
        return page_of(client.get(done["Location"], **HOST))

    def step(slug, name, answers, files=None, status=302):
        response = post_step(client, slug, name, answers, files, **HOST)
        assert response.status_code == status, (slug, name, response.status_code)
        return response

    today = datetime.date.today()
    home = {"postal_code": "44990", "city": "Saint-Ébrard-sur-Loire"}
    pages = {}
    step("civil_status", "applicant", APPLICANT)
    errors = step("civil_status", "certificate", {**ACT, "event_date": "2990-01-01"}, status=200)
    pages["civil-status-certificate-errors"] = page_of(errors)
    step("civil_status", "certificate", ACT)
    step("civil_status", "delivery", {**DELIVERY, "street_address": "12 rue des Tilleuls", **home})
    pages["civil-status-acknowledgment"] = acknowledgment("civil_status")

    step("elections", "applicant", APPLICANT)
    pages["elections-voter-errors"] = page_of(step("elections", "voter", {}, status=200))
    step("elections", "voter", VOTER)
    attachment = {
        **ATTACHMENT,
        **home,
        "street_address": "12 rue des Tilleuls",
        "proof_dated": (today - datetime.timedelta(days=10)).isoformat(),
        "identity_expires_on": (today + datetime.timedelta(days=900)).isoformat(),
    }
    files = {"proof_of_attachment": pdf("facture.pdf"), "identity_document": pdf("cni.pdf")}
    step("elections", "attachment", attachment, files)
    pages["elections-acknowledgment"] = acknowledgment("elections")

    step("school", "applicant", APPLICANT)
    child = {**CHILD, **home, "street_number": "8", "school_year": str(next_school_year())}
    step("school", "child", child)
    derogation = step("school", "school", {"choice": "other"}, status=200)
    pages["school-school-errors"] = page_of(derogation)
    step("school", "school", {"choice": "sector"})
    files = {"child_identity": pdf("livret.pdf"), "guardian_identity": pdf("cni.pdf")}
    step("school", "pieces", {"sworn_statement": "on"}, files)
    pages["school-acknowledgment"] = acknowledgment("school")
    for name, html in pages.items():
        assert ("acknowledgment" in name) != ("ec-error-summary" in html), name
    return pages


@needs_vnu
def test_the_residents_journeys_are_valid_html_in_both_themes(demo, client, tmp_path):
    """Booking, moving and cancelling an appointment, the survey after a request and after an
    appointment, the canteen days, a request's tracking page, deleting a document (and the
    refusal while a request uses it), and the other services' error states and
    acknowledgments, as the signed-in demo resident, in both themes."""
    from django.contrib.auth import get_user_model

    from ecommune.demo.seed import RESIDENT_EMAIL

    client.force_login(get_user_model().objects.get(email=RESIDENT_EMAIL))
    documents = {}
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        for walk in (appointment_pages, survey_pages, request_and_document_pages, wizard_pages):
            for name, html in walk(client).items():
                documents[f"{theme}-{name}"] = html
    assert len(documents) >= 2 * 23
    errors = vnu_errors(documents, tmp_path)
    assert errors == [], "\n".join(errors)
