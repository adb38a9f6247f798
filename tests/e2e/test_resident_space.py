"""« Mon espace » and « Mes documents » in Chromium at 360 px with an English browser, in
both themes and without JavaScript: the pages read only French, axe-core finds nothing,
nothing is wider than the phone; a document in use cannot be deleted, another one can; the
header's « Se déconnecter » signs out; a form left half-way is offered there and resumes at
its step."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from tests.accounts.conftest import fr
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.test_language import english_sources, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-secret-bien-long-2026"
WIDTH = 360


@pytest.fixture
def english_phone(browser):
    """A phone whose browser asks for English first."""
    contexts = []

    def make(javascript):
        context = browser.new_context(
            viewport={"width": WIDTH, "height": 800},
            locale="en-GB",
            extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.context_javascript = javascript
        return page

    yield make
    for context in contexts:
        context.close()


def check(page, name, sources):
    html = page.content()
    assert '<html lang="fr"' in html
    leaks = sorted(source for source in sources if source in visible_text(html))
    assert leaks == [], leaks
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    if not page.context_javascript:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"resident-{name}-{WIDTH}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize(
    ("theme", "javascript"),
    [("commune", True), ("dsfr", True), ("commune", False)],
    ids=["commune", "dsfr", "without-js"],
)
def test_my_space_and_my_documents_on_an_english_phone(
    live_server, english_phone, tmp_path, theme, javascript
):
    seed_demo(tmp_path / "credentials.json")
    Commune.unscoped.update(theme=theme)
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    resident.set_password(PASSWORD)
    resident.save()
    sources = english_sources()
    page = english_phone(javascript)
    url = live_server.url

    page.goto(url + "/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    # The header's « Mon espace », from any page.
    page.get_by_role("navigation", name=fr("Your account")).get_by_role(
        "link", name="Mon espace"
    ).click()
    assert heading(page) == "Mon espace"
    main = page.get_by_role("main")
    text = main.inner_text()
    # What waits for the resident comes first.
    assert text.index("Ce qui vous attend") < text.index("Mes demandes")
    assert "Trottoir abîmé" not in text or "Répondre à la mairie" in text
    assert "33,60 €" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Retrait de passeport ou de carte d'identité" in text
    assert "Lucas Lefebvre" in text
    check(page, f"{theme}-space", sources)

    # A form left half-way waits in « Mon espace » and resumes at the step where it was left.
    page.goto(url + "/demarches/contact/")
    first_step = heading(page)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first_step)
    left_at = heading(page)
    page.goto(url + "/compte/espace/")
    expect(page.get_by_role("heading", name="Formulaires à terminer")).to_be_visible()
    check(page, f"{theme}-space-draft", sources)
    page.get_by_role("button", name=re.compile(r"^Reprendre")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(left_at)
    page.goto(url + "/compte/espace/")

    # « Mon agenda », and an identity card's expiry declared from it.
    page.get_by_role("main").get_by_role("link", name="Mon agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon agenda")
    check(page, f"{theme}-agenda", sources)
    page.get_by_role(
        "link", name="Indiquer la date d’expiration de ma carte d’identité ou de mon passeport"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes pièces d’identité")
    page.get_by_role("button", name="Ajouter à mon agenda").click()
    expect(page.locator(".ec-error-summary")).to_be_visible()
    check(page, f"{theme}-identity-errors", sources)
    expires = datetime.date.today() + datetime.timedelta(days=200)
    page.get_by_label("Carte nationale d’identité").check()
    page.get_by_label("Date d’expiration").fill(expires.isoformat())
    page.get_by_role("button", name="Ajouter à mon agenda").click()
    expect(page.get_by_text("La date est dans votre agenda.")).to_be_visible()
    check(page, f"{theme}-identity", sources)
    page.get_by_role("link", name="Retour à mon agenda").click()
    expect(page.locator(f'time[datetime="{expires.isoformat()}"]')).to_have_count(1)
    page.goto(url + "/compte/espace/")
    main = page.get_by_role("main")

    main.get_by_role("link", name="Tous mes documents").click()
    assert heading(page) == "Mes documents"
    text = page.get_by_role("main").inner_text()
    assert "Ne peut pas être supprimé tant que la demande en cours l'utilise." in text
    assert "Conservé jusqu'au" in text
    check(page, f"{theme}-documents", sources)

    # The closed request's document may go.
    page.get_by_role("link", name="Supprimer carte-identite.pdf").click()
    assert heading(page) == "Supprimer « carte-identite.pdf »"
    check(page, f"{theme}-document-delete", sources)
    page.get_by_role("button", name="Supprimer le document").click()
    assert heading(page) == "Mes documents"
    assert "Le document « carte-identite.pdf » est supprimé." in page.inner_text("main")
    assert page.get_by_role("link", name="Supprimer justificatif-domicile.pdf").count() == 0

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
