"""A parent on a phone-sized screen fills in the family space and enrols a child at school in
Chromium: each page passes axe-core at 360 px, the summary names the school of the sector
from the address, and the acknowledgment follows."""

import pytest
from playwright.sync_api import expect

from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from ecommune.services.school.models import SchoolEnrolment
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.services.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-school-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def next_step(page):
    page.get_by_role("button", name="Suivant").click()


def test_a_parent_fills_in_the_family_space_and_enrols_a_child(live_server, page_at, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    page = page_at(360)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", credentials["resident"]["password"])
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    page.goto(live_server.url + "/famille/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ma famille"
    check(page, "family-empty")
    page.get_by_role("link", name="Ajouter un enfant").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".ec-error-summary")).to_be_visible()
    check(page, "child-errors")
    page.fill("#id_first_name", "Léa")
    page.fill("#id_last_name", "Lefebvre")
    page.fill("#id_birth_date", "2020-03-02")
    page.select_option("#id_level", "CP")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Léa Lefebvre" in page.get_by_role("main").inner_text()
    check(page, "family")

    for path, name in [
        ("adresse/", "address"),
        ("quotient-familial/", "quotient"),
        ("inviter/", "invite"),
    ]:
        page.goto(live_server.url + "/famille/" + path)
        check(page, name)
    page.goto(live_server.url + "/famille/activites/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cantine et périscolaire"
    # The demo's household has a child already: Léa's Monday.
    from ecommune.families.models import Child
    from ecommune.services.school.models import Activity

    lea = Child.unscoped.get(first_name="Léa")
    canteen = Activity.unscoped.get(name="Restauration scolaire")
    page.check(f"#id_child{lea.pk}-a{canteen.pk}_0")
    page.get_by_role("button", name="Enregistrer les jours").click()
    assert "Les jours ont été enregistrés." in page.get_by_role("main").inner_text()
    check(page, "activities")
    page.goto(live_server.url + "/famille/")

    page.get_by_role("link", name="Inscrire un enfant à l’école").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Qui fait la demande"
    next_step(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Votre enfant et votre adresse"
    page.fill("#id_child-child_first_name", "Léa")
    page.fill("#id_child-child_last_name", "Lefebvre")
    page.fill("#id_child-child_birth_date", "2020-03-02")
    page.select_option("#id_child-level", "CP")
    page.fill("#id_child-street_number", "8")
    page.fill("#id_child-street_name", "av. Jules Ferry")
    page.fill("#id_child-postal_code", "44990")
    page.fill("#id_child-city", "Saint-Ébrard-sur-Loire")
    check(page, "wizard-child")
    next_step(page)
    assert page.get_by_role("heading", level=1).inner_text() == "L’école"
    page.get_by_label("Une autre école (dérogation)").check()
    next_step(page)
    assert "Indiquez le motif de votre demande." in page.get_by_role("main").inner_text()
    check(page, "wizard-school-errors")
    page.get_by_label("L’école de mon secteur").check()
    next_step(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Documents"
    assert "D131-3-1" in page.get_by_role("main").inner_text()
    check(page, "wizard-documents")
    pdf = {"name": "livret.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.set_input_files("#id_pieces-child_identity", pdf)
    page.set_input_files("#id_pieces-guardian_identity", {**pdf, "name": "cni.pdf"})
    page.get_by_label("J’atteste sur l’honneur habiter à l’adresse indiquée").check()
    next_step(page)
    main = page.get_by_role("main").inner_text()
    assert "École élémentaire Jules-Ferry" in main and "École de votre secteur" in main
    check(page, "wizard-summary")
    page.get_by_label("Je certifie l'exactitude des informations données.").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a bien été reçue" in page.get_by_role("main").inner_text()
    check(page, "acknowledgment")
    enrolment = SchoolEnrolment.unscoped.get()
    assert enrolment.sector_school.name == "École élémentaire Jules-Ferry"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_anyone_estimates_a_month_of_canteen_without_an_account(
    live_server, page_at, tmp_path, javascript
):
    from ecommune.services.school.models import Activity

    seed_demo(tmp_path / "credentials.json")
    canteen = Activity.unscoped.get(name="Restauration scolaire")
    page = page_at(360, java_script_enabled=javascript)
    page.goto(live_server.url + "/famille/simulateur/")
    assert page.get_by_role("heading", level=1).inner_text() == "Combien va me coûter la cantine ?"
    if javascript:
        check(page, "simulator")
    page.fill("#id_qf", "-3")
    page.get_by_role("button", name="Estimer").click()
    assert page.locator("#id_qf").get_attribute("aria-invalid") == "true"
    page.fill("#id_qf", "420")
    page.check(f"#id_activity_{canteen.pk}_0")
    page.check(f"#id_activity_{canteen.pk}_1")
    page.get_by_role("button", name="Estimer").click()
    main = page.get_by_role("main").inner_text()
    assert "Total du mois" in main and "0,90 €" in main
    if javascript:
        check(page, "simulator-result")
