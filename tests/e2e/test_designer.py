"""The procedure designer in Chromium: an agent builds a procedure in the back office by
clicking (two steps, a condition, an upload), previews it and publishes it (the time taken
is printed); a resident files it on a phone (360 px); the agent answers it from the inbox;
the agent edits the procedure and the first request still shows the first version. Every
page the resident and the agent see passes axe-core."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from ecommune.notifications.models import OutboxMessage
from ecommune.procedures.models import Procedure
from ecommune.requests.models import Request
from ecommune.testing.factories import AgentFactory
from ecommune.testing.wizard import PDF
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_inbox import agent_page
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESIGNER = tuple(
    f"ecommune_procedures.{action}_procedure" for action in ("add", "change", "delete", "view")
)


def check(page, name, width):
    if page.locator(".messages li").count():
        page.wait_for_timeout(1000)  # Wagtail fades its messages in
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"designer-{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def add_row(page, relation):
    """Click « Ajouter … » under an inline panel; returns the new row's prefix."""
    total = page.locator(f"#id_{relation}-TOTAL_FORMS")
    index = int(total.input_value())
    page.locator(f"#id_{relation}-ADD").click()
    expect(page.locator(f"#id_{relation}-{index}-ORDER")).to_be_attached()
    return f"#id_{relation}-{index}-"


def test_an_agent_designs_a_procedure_a_resident_files_it_and_its_version_stays(
    live_server,
    page_at,
    browser,
    commune,
    private_storage,
    tmp_path,
):
    group = Group.objects.create(name="Agents des salles")
    agent = AgentFactory(commune=commune, services=[], permissions=DESIGNER)
    agent.user.groups.add(group)
    page = agent_page(page_at, live_server, agent.user)

    # --- The agent designs the procedure, by clicking in the back office. ---
    started = time.monotonic()
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Démarches conçues").first.click()
    page.locator('a[href$="/demarches-concues/new/"]').first.click()
    page.fill("#id_title", "Prêt de matériel")
    page.fill("#id_summary", "Empruntez des tables et des chaises pour une fête.")
    page.fill("#id_processing_days", "5")
    page.select_option("#id_agents_group", label="Agents des salles")
    step = add_row(page, "steps")
    page.fill(step + "title", "Le matériel")
    step = add_row(page, "steps")
    page.fill(step + "title", "La livraison")
    page.fill(step + "condition_field", "livraison")
    page.fill(step + "condition_value", "Oui")
    field = add_row(page, "fields")
    page.fill(field + "step", "1")
    page.select_option(field + "kind", "checkboxes")
    page.fill(field + "label", "Matériel")
    page.fill(field + "choices", "Tables\nChaises\nBancs")
    field = add_row(page, "fields")
    page.fill(field + "step", "1")
    page.select_option(field + "kind", "yes_no")
    page.fill(field + "label", "Livraison")
    page.fill(field + "name", "livraison")
    field = add_row(page, "fields")
    page.fill(field + "step", "2")
    page.select_option(field + "kind", "address")
    page.fill(field + "label", "Adresse de livraison")
    field = add_row(page, "fields")
    page.fill(field + "step", "2")
    page.select_option(field + "kind", "file")
    page.fill(field + "label", "Plan d’accès")
    page.locator(field + "required").uncheck()
    page.locator(field + "file_types_0").check()  # PDF
    page.fill("#id_purpose", "Gérer les prêts de matériel.")
    page.fill("#id_retention", "1 an après le prêt.")
    page.get_by_role("button", name="Créer").first.click()
    expect(page.get_by_role("link", name="Publier")).to_be_visible()
    procedure = Procedure.objects.get()

    # The preview: the wizard as a resident sees it; the dependent step follows the choice.
    page.get_by_role("link", name="Aperçu").click()
    expect(page.get_by_text("Aperçu : voici ce que verront les habitants.")).to_be_visible()
    page.fill("#id_applicant-email", "essai@example.org")  # the rest is the agent's
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Le matériel")).to_be_visible()
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator(".errorlist").first).to_be_visible()  # « Livraison » is required
    page.get_by_label("Tables").check()
    page.get_by_label("Non").check()
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Vérifier et envoyer")).to_be_visible()
    page.get_by_label(re.compile("Je certifie")).check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("heading", name="Fin de l’aperçu")).to_be_visible()
    assert not Request.objects.exists()

    page.get_by_role("link", name="La publier").click()
    check(page, "publish", 1280)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_text("La version 1 de « Prêt de matériel » est publiée")).to_be_visible()
    published_after = time.monotonic() - started
    print(f"\nThe agent designed, previewed and published the procedure in {published_after:.1f} s")
    check(page, "edit", 1280)
    assert procedure.versions.get().number == 1

    page.goto(live_server.url + "/admin/demarches-concues/")
    page.get_by_role("link", name="À partir d’un modèle").click()
    expect(page.get_by_role("heading", name="Recensement citoyen")).to_be_visible()
    check(page, "library", 1280)

    # --- A resident files it on a phone. ---
    resident_context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    resident_context.set_default_timeout(15_000)
    resident = resident_context.new_page()
    resident.goto(f"{live_server.url}/demarches/{procedure.slug}/")
    resident.fill("#id_applicant-first_name", "Camille")
    resident.fill("#id_applicant-last_name", "Martin")
    resident.fill("#id_applicant-email", "camille@example.org")
    resident.get_by_role("button", name="Suivant").click()
    check(resident, "resident-step-1", 360)
    resident.get_by_label("Chaises").check()
    resident.get_by_label("Oui").check()
    resident.get_by_role("button", name="Suivant").click()
    expect(resident.get_by_role("heading", name="La livraison")).to_be_visible()
    resident.get_by_label(re.compile("numéro et voie")).fill("3 rue des Tilleuls")
    resident.get_by_label(re.compile("code postal")).fill("440")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(PDF)
    resident.get_by_label("Plan d’accès").set_input_files(str(plan))
    resident.get_by_role("button", name="Suivant").click()
    expect(
        resident.get_by_text("Indiquez un code postal français de cinq chiffres.", exact=True)
    ).to_be_visible()
    check(resident, "resident-step-2-error", 360)
    assert resident.get_by_label(re.compile("numéro et voie")).input_value() == "3 rue des Tilleuls"
    resident.get_by_label(re.compile("code postal")).fill("44000")
    resident.get_by_label(re.compile(": commune")).fill("Saint-Ébrard")
    resident.get_by_label("Plan d’accès").set_input_files(str(plan))
    resident.get_by_role("button", name="Suivant").click()
    check(resident, "resident-confirm", 360)
    resident.get_by_label(re.compile("Je certifie")).check()
    resident.get_by_role("button", name="Envoyer ma demande").click()
    expect(resident.get_by_text(re.compile("EC-\\d{4}-"))).to_be_visible()
    check(resident, "resident-acknowledgment", 360)
    filed = Request.objects.get()
    assert filed.documents.count() == 1
    assert OutboxMessage.objects.filter(
        event="request.acknowledged", recipient="camille@example.org"
    ).exists()
    resident_context.close()

    # --- The agent answers it from the inbox. ---
    page.goto(live_server.url + "/admin/demandes/")
    page.get_by_role("link", name=filed.reference).click()
    expect(page.get_by_text("Version 1 de la démarche")).to_be_visible()
    expect(page.get_by_text("3 rue des Tilleuls, 44000 Saint-Ébrard")).to_be_visible()
    check(page, "inbox-request", 1280)
    page.get_by_label("Nouveau statut").select_option("accepted")
    page.get_by_label("Commentaire").fill("Le matériel vous attend samedi à 9 h.")
    page.get_by_role("button", name="Changer le statut").click()
    expect(page.get_by_text("Le matériel vous attend samedi à 9 h.").first).to_be_visible()
    filed.refresh_from_db()
    assert filed.status == "accepted"

    # --- The agent edits the procedure: version 2; the request keeps version 1. ---
    page.goto(f"{live_server.url}/admin/demarches-concues/edit/{procedure.pk}/")
    page.fill("#id_fields-0-label", "Matériel souhaité")
    page.get_by_role("button", name="Enregistrer").first.click()
    page.get_by_role("link", name="Publier").click()
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_text("La version 2 de « Prêt de matériel » est publiée")).to_be_visible()
    page.goto(f"{live_server.url}/admin/demandes/{filed.reference}/")
    expect(page.get_by_text("Version 1 de la démarche")).to_be_visible()
    expect(page.get_by_text("Matériel", exact=True)).to_be_visible()
    assert page.get_by_text("Matériel souhaité").count() == 0


def fill(page, answers):
    for name, value in answers.items():
        target = page.locator(f"[name='{name}']")
        if isinstance(value, list):
            for item in value:
                page.locator(f"[name='{name}'][value='{item}']").check()
        elif target.first.get_attribute("type") == "radio":
            if value:
                page.locator(f"[name='{name}'][value='{value}']").check()
        elif target.first.get_attribute("type") == "date" and not re.match(r"\d{4}-", value):
            continue  # a date input holds only a date: the browser sends it empty
        elif target.first.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)


def test_every_field_kind_passes_axe_in_both_themes_at_360_px_and_works_without_javascript(
    live_server, browser, commune, private_storage, tmp_path
):
    from ecommune.core.models import Commune
    from ecommune.core.tenancy import using
    from tests.procedures.kinds import FIELDS, RIGHT, WRONG, every_kind_procedure

    with using(commune):
        every_kind_procedure(commune)
    assert len({kind for _step, kind, *_rest in FIELDS}) == 12
    proof = tmp_path / "assurance.pdf"
    proof.write_bytes(PDF)
    checked = 0
    for theme, javascript in (("commune", True), ("dsfr", True), ("commune", False)):
        Commune.unscoped.update(theme=theme)
        context = browser.new_context(
            viewport={"width": 360, "height": 800}, locale="fr-FR", java_script_enabled=javascript
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/demarches/fete-de-quartier/")
        page.fill("#id_applicant-first_name", "Camille")
        page.fill("#id_applicant-last_name", "Martin")
        page.fill("#id_applicant-email", "camille@example.org")
        page.get_by_role("button", name="Suivant").click()
        for step in ("etape-1", "etape-2"):
            prefixed = {f"{step}-{key}": value for key, value in WRONG[step].items()}
            if javascript:
                check(page, f"{theme}-{step}", 360)
            fill(page, prefixed)
            page.get_by_role("button", name="Suivant").click()
            expect(page.locator(".errorlist").first).to_be_visible()
            if javascript:
                check(page, f"{theme}-{step}-errors", 360)
                checked += 2
            fill(page, {f"{step}-{key}": value for key, value in RIGHT[step].items()})
            if step == "etape-2":
                page.locator("[name='etape-2-assurance']").set_input_files(str(proof))
            page.get_by_role("button", name="Suivant").click()
        expect(page.get_by_text("Licence 3")).to_be_visible()  # on the summary
        if javascript:
            check(page, f"{theme}-confirm", 360)
        page.get_by_label(re.compile("Je certifie")).check()
        page.get_by_role("button", name="Envoyer ma demande").click()
        expect(page.get_by_text(re.compile("EC-\\d{4}-"))).to_be_visible()
        if javascript:
            check(page, f"{theme}-acknowledgment", 360)
            checked += 2
        context.close()
    assert Request.objects.count() == 3
    print(f"\naxe-core: {checked} pages with the 12 kinds of field, 0 violations")
