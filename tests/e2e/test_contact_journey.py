"""A resident writes to the town hall in Chromium, on a phone-sized screen, with and without
JavaScript: every step passes axe-core, errors show next to their field, the acknowledgment
gives the reference and the date, and the request can be followed."""

import re

import pytest

from ecommune.demo.seed import seed_demo
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    if not page.context_javascript:
        # axe-core runs as a script: it checks the same pages in the JavaScript run.
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-contact-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_writes_to_the_town_hall_and_follows_the_request(
    live_server, page_at, tmp_path, javascript
):
    seed_demo(tmp_path / "credentials.json")
    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Écrire à la mairie").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Qui fait la demande"
    check(page, "applicant")

    page.get_by_label("Prénom").first.fill("Camille")
    page.get_by_label("Nom :", exact=True).fill("Martin")
    page.get_by_label("Courriel :").fill("pas-une-adresse")
    page.get_by_role("button", name="Suivant").click()
    email = page.get_by_label("Courriel :")
    assert email.get_attribute("aria-invalid") == "true"
    assert (
        "Saisissez une adresse de courriel valide."
        in page.locator("#id_applicant-email_error").inner_text()
    )
    assert page.get_by_label("Prénom").first.input_value() == "Camille"
    check(page, "applicant-error")

    email.fill("camille.martin@example.org")
    page.get_by_role("button", name="Suivant").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Votre message"
    page.get_by_label("Thème").select_option("roads")
    page.get_by_label("Objet").fill("Lampadaire éteint")
    page.get_by_label("Votre message").fill(
        "Le lampadaire devant le 4 rue des Tilleuls est éteint."
    )
    check(page, "message")
    page.get_by_role("button", name="Suivant").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier et envoyer"
    assert "Lampadaire éteint" in page.locator(".ec-summary").inner_text()
    page.get_by_role("button", name="Précédent").click()
    assert page.get_by_label("Objet").input_value() == "Lampadaire éteint"
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    check(page, "confirm")
    page.get_by_role("button", name="Envoyer ma demande").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a bien été reçue"
    reference = page.locator(".ec-reference").inner_text()
    assert re.fullmatch(r"EC-\d{4}-[0-9A-Z]{5}", reference)
    assert "au plus tard le" in page.content()
    check(page, "acknowledgment")

    other = page_at(360, java_script_enabled=javascript)
    other.context_javascript = javascript
    other.goto(live_server.url + "/demarches/suivi/")
    other.get_by_label("Référence").fill(reference.lower())
    other.get_by_label("Courriel utilisé pour la demande").fill("camille.martin@example.org")
    other.get_by_role("button", name="Suivre").click()
    assert other.get_by_role("heading", level=1).inner_text() == f"Demande {reference}"
    assert "Demande déposée" in other.locator(".ec-timeline").inner_text()
    check(other, "detail")
