"""One address (issue 17.6) in Chromium at 360 px, in both themes: the demo resident's
delivery step starts with the address of her account; she gives another one, and the
acknowledgment offers to keep it, which « Enregistrer cette adresse » does. axe-core finds
nothing on the steps and pages met."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-secret-bien-long-2026"


def check(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"one-address-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_the_address_is_given_once_and_kept_when_the_resident_moves(
    live_server, page_at, tmp_path, theme
):
    seed_demo(tmp_path / "credentials.json")
    Commune.unscoped.update(theme=theme)
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    resident.set_password(PASSWORD)
    resident.save()
    page = page_at(360)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Mon espace").first).to_be_visible()

    page.goto(live_server.url + "/demarches/civil_status/")
    page.get_by_role("button", name="Suivant").click()  # who asks: her account's details
    expect(page.get_by_role("heading", level=1)).to_have_text("L’acte demandé")
    page.get_by_label("Naissance", exact=True).check()
    page.get_by_label("Copie intégrale", exact=True).check()
    page.get_by_label("Dans cette commune", exact=True).check()
    page.get_by_label("Votre lien avec la personne concernée par l’acte").select_option("self")
    page.get_by_label("Nom de la personne concernée par l’acte").fill("Lefebvre")
    page.get_by_label("Prénoms de la personne concernée par l’acte").fill("Marie")
    page.get_by_label("Date de l’événement").fill("1988-03-12")
    page.get_by_label("Premier parent : nom et prénoms").fill("Lefebvre Jean")
    page.get_by_role("button", name="Suivant").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Envoi par courrier")
    assert page.get_by_label("Numéro et voie").input_value() == "12 rue des Tilleuls"
    assert page.get_by_label("Commune :", exact=True).input_value() == "Saint-Ébrard-sur-Loire"
    check(page, f"{theme}-delivery")
    page.get_by_label("Destinataire (nom sur la boîte aux lettres)").fill("Marie Lefebvre")
    page.get_by_label("Numéro et voie").fill("5 allée des Peupliers")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    page.get_by_role("button", name="Envoyer ma demande").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande a bien été reçue")
    offer = page.get_by_role("region", name="Votre adresse")
    expect(offer).to_contain_text("5 allée des Peupliers")
    check(page, f"{theme}-offer")
    offer.get_by_role("button", name="Enregistrer cette adresse").click()
    expect(page.get_by_text("Votre adresse est mise à jour dans votre compte.")).to_be_visible()
    expect(page.get_by_role("region", name="Votre adresse")).to_have_count(0)
    check(page, f"{theme}-kept")
    resident.refresh_from_db()
    assert resident.street_address == "5 allée des Peupliers"
