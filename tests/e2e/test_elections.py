"""A resident registers on the electoral roll in Chromium on a phone-sized screen, with and
without JavaScript: the next deadline is shown in full, a citizen of another EU country
asking for every election is told why not next to the field, a postal code outside the
commune is refused for a home, documents are attached, and the acknowledgment follows."""

import datetime
import re

import pytest
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.core.models import Commune
from ecommune.demo.seed import seed_demo
from ecommune.services.elections.forms import full_date
from ecommune.services.elections.models import Election
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200


def check(page, name):
    if not page.context_javascript:
        return  # axe-core runs as a script: the JavaScript run checks the same pages.
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"elections-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def next_sunday_after(days: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(6 - day.weekday()) % 7)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_registers_on_the_electoral_roll(
    live_server, page_at, tmp_path, settings, javascript
):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo(tmp_path / "credentials.json")
    commune = Commune.unscoped.get(name="Saint-Ébrard-sur-Loire")
    with tenancy.using(commune):
        # The demo's own election (ecommune.demo.seed._elections) moves with the date: this test
        # announces its own, alone.
        Election.objects.all().delete()
        election = Election.objects.create(
            name="élections municipales partielles",
            kind="municipal",
            first_round=next_sunday_after(120),
        )
    deadline = full_date(election.registration_deadline)

    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + "/")
    assert f"inscrivez-vous au plus tard le {deadline}" in page.locator("main").inner_text()
    check(page, "home")
    page.get_by_role("link", name="S’inscrire sur les listes électorales", exact=True).click()
    if "/demarches/elections/" not in page.url:
        # The card led to the service's page (when the portal has one): start from there.
        page.locator('main a[href$="/demarches/elections/"]').first.click()
    page.get_by_label("Prénom").first.fill("Giulia")
    page.get_by_label("Nom :", exact=True).fill("Rossi")
    page.get_by_label("Courriel :").fill("giulia.rossi@example.org")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "L’électeur et les élections"
    main = page.locator("main").inner_text()
    assert f"au plus tard le {deadline}" in main and "inscrit automatiquement" in main
    ise = page.get_by_role("link", name=re.compile("Vérifier votre inscription électorale"))
    assert "service-public.fr" in ise.get_attribute("href")
    page.get_by_label("Ressortissant d’un autre pays de l’Union européenne", exact=True).check()
    page.get_by_label("Si vous êtes ressortissant d’un autre pays").select_option("IT")
    page.get_by_label("Toutes les élections (liste générale, citoyens français)").check()
    page.get_by_label("je déclare ne pas être privé du droit de vote").check()
    page.get_by_label("Féminin").check()
    page.get_by_label("Nom de naissance").fill("Rossi")
    page.get_by_label("Prénoms (tous").fill("Giulia Maria")
    page.get_by_label("Date de naissance").fill("1992-07-14")
    page.get_by_label("Lieu de naissance (commune)").fill("Torino")
    page.get_by_label("Département ou pays de naissance").fill("Italie")
    check(page, "voter")
    page.get_by_role("button", name="Suivant").click()

    error = page.locator("#id_voter-lists_error").inner_text()
    assert "élections municipales et européennes" in error and "présidentielle" in error
    assert page.get_by_label("Nom de naissance").input_value() == "Rossi"
    check(page, "voter-eu-refused")
    page.get_by_label("Élections municipales (liste complémentaire)").check()
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre attache avec la commune"
    page.get_by_label("J’habite dans la commune").check()
    page.get_by_label("Numéro et voie").fill("4 rue des Tilleuls")
    page.get_by_label("Code postal").fill("75001")
    page.get_by_label("Commune :", exact=True).fill("Saint-Ébrard-sur-Loire")
    page.get_by_label("Date de ce justificatif").fill(
        (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    )
    page.get_by_label("Justificatif d'identité :", exact=True).select_option("passport")
    page.get_by_label("Valable jusqu’au").fill("2030-01-01")
    files = {"name": "justificatif.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.get_by_label("Justificatif de votre attache avec la commune").set_input_files(files)
    page.get_by_label("Copie de votre pièce d’identité").set_input_files(
        {**files, "name": "passeport.pdf"}
    )
    page.get_by_role("button", name="Suivant").click()
    assert (
        "n’est pas un code postal de Saint-Ébrard-sur-Loire (44990)"
        in page.locator("#id_attachment-postal_code_error").inner_text()
    )
    check(page, "attachment-refused")
    page.get_by_label("Code postal").fill("44990")
    page.get_by_label("Justificatif de votre attache avec la commune").set_input_files(files)
    page.get_by_label("Copie de votre pièce d’identité").set_input_files(
        {**files, "name": "passeport.pdf"}
    )
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier et envoyer"
    summary = page.locator(".ec-summary").inner_text()
    assert "élections municipales partielles (premier tour le" in summary
    assert "Italie" in summary
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    check(page, "confirm")
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a bien été reçue"
    assert re.fullmatch(r"EC-\d{4}-[0-9A-Z]{5}", page.locator(".ec-reference").inner_text())
    assert "5 jours" in page.locator("main").inner_text()
    check(page, "acknowledgment")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_signed_in_resident_reuses_the_documents_of_their_space(
    live_server, page_at, tmp_path, settings, javascript
):
    """The proofs already in the resident's space are offered as radio buttons under each
    file field (no script needed), pass axe-core at 360 px, and file the request."""
    from django.conf import settings as django_settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from ecommune.demo.seed import RESIDENT_EMAIL
    from ecommune.requests.documents import store_document
    from ecommune.requests.models import Request

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo(tmp_path / "credentials.json")
    commune = Commune.unscoped.get(name="Saint-Ébrard-sur-Loire")
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    for kind, name, extra in (("identity", "cni.pdf", b""), ("proof_of_address", "edf.pdf", b"1")):
        store_document(
            uploaded=SimpleUploadedFile(name, PDF + extra, "application/pdf"),
            kind=kind,
            commune=commune,
            owner=resident,
        )
    session = Client()
    session.force_login(resident)
    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/demarches/elections/")
    page.get_by_role("button", name="Suivant").click()  # the account's name and email
    page.get_by_label("Citoyen français", exact=True).check()
    page.get_by_label("Toutes les élections (liste générale, citoyens français)").check()
    page.get_by_label("Féminin").check()
    page.get_by_label("Nom de naissance").fill("Lefebvre")
    page.get_by_label("Prénoms (tous").fill("Marie")
    page.get_by_label("Date de naissance").fill("1985-02-03")
    page.get_by_label("Lieu de naissance (commune)").fill("Nantes")
    page.get_by_label("Département ou pays de naissance").fill("Loire-Atlantique (44)")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre attache avec la commune"
    page.get_by_label("J’habite dans la commune").check()
    page.get_by_label("Numéro et voie").fill("4 rue des Tilleuls")
    page.get_by_label("Code postal").fill("44990")
    page.get_by_label("Commune :", exact=True).fill("Saint-Ébrard-sur-Loire")
    page.get_by_label("Date de ce justificatif").fill(
        (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    )
    page.get_by_label("Justificatif d'identité :", exact=True).select_option("id_card")
    page.get_by_label("Valable jusqu’au").fill("2030-01-01")
    page.get_by_label(re.compile(r"cni\.pdf, ")).check()
    page.get_by_label(re.compile(r"edf\.pdf, ")).check()
    check(page, "attachment-reuse")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier et envoyer"
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a bien été reçue"
    filed = Request.unscoped.get(service="elections")
    with tenancy.using(commune):  # documents are the commune's rows
        names = sorted(filed.documents.values_list("original_name", flat=True))
    assert names == ["cni.pdf", "edf.pdf"]
