"""A resident asks for a birth certificate in Chromium on a phone-sized screen, with and
without JavaScript: a refusal of the law is explained next to its field, every step passes
axe-core, the acknowledgment gives the reference; then an agent prints the sheet."""

import re

import pytest

from ecommune.demo.seed import seed_demo
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    if not page.context_javascript:
        return  # axe-core runs as a script: the JavaScript run checks the same pages.
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"civil-status-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_asks_for_a_birth_certificate(live_server, page_at, tmp_path, javascript):
    seed_demo(tmp_path / "credentials.json")
    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + "/")
    page.get_by_role(
        "link", name="Acte d’état civil (naissance, mariage, décès)", exact=True
    ).click()
    if "/demarches/civil_status/" not in page.url:
        # The card led to the service's page (when the portal has one): start from there.
        check(page, "service-page")
        page.locator('main a[href$="/demarches/civil_status/"]').first.click()
    page.get_by_label("Prénom").first.fill("Camille")
    page.get_by_label("Nom :", exact=True).fill("Martin")
    page.get_by_label("Courriel :").fill("camille.martin@example.org")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "L’acte demandé"
    assert "gratuits" in page.locator("main").inner_text()
    page.get_by_label("Naissance", exact=True).check()
    page.get_by_label("Copie intégrale", exact=True).check()
    page.get_by_label("À l’étranger").check()
    page.get_by_label("Votre lien avec la personne concernée par l’acte").select_option("self")
    page.get_by_label("Nom de la personne concernée par l’acte").fill("Martin")
    page.get_by_label("Prénoms de la personne concernée par l’acte").fill("Camille")
    page.get_by_label("Date de l’événement").fill("1990-05-04")
    page.get_by_label("Premier parent : nom et prénoms").fill("Martin Paul")
    check(page, "act")
    page.get_by_role("button", name="Suivant").click()

    # Abroad: not this town hall; the central service's link is given next to the field.
    error = page.locator("#id_certificate-place_error")
    assert "Service central d’état civil de Nantes" in error.inner_text()
    assert error.get_by_role("link").get_attribute("href").startswith("https://")
    assert page.get_by_label("Premier parent : nom et prénoms").input_value() == "Martin Paul"
    check(page, "act-abroad")
    page.get_by_label("Dans cette commune", exact=True).check()
    page.get_by_label("Votre lien avec la personne concernée par l’acte").select_option("other")
    page.get_by_role("button", name="Suivant").click()
    assert "2017-890" in page.locator("#id_certificate-relation_error").inner_text()
    check(page, "act-not-entitled")
    page.get_by_label("Votre lien avec la personne concernée par l’acte").select_option("self")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Envoi par courrier"
    page.get_by_label("Nombre d’exemplaires").fill("2")
    page.get_by_label("Destinataire (nom sur la boîte aux lettres)").fill("Camille Martin")
    page.get_by_label("Numéro et voie").fill("4 rue des Tilleuls")
    page.get_by_label("Code postal").fill("44990")
    page.get_by_label("Commune :", exact=True).fill("Saint-Ébrard-sur-Loire")
    check(page, "delivery")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier et envoyer"
    summary = page.locator(".ec-summary").inner_text()
    assert "Copie intégrale" in summary and "Gratuit" in summary
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    check(page, "confirm")
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a bien été reçue"
    assert re.fullmatch(r"EC-\d{4}-[0-9A-Z]{5}", page.locator(".ec-reference").inner_text())
    assert "gratuitement par courrier" in page.locator("main").inner_text()
    check(page, "acknowledgment")
