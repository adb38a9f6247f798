"""The resident's pages off the main journeys, in Chromium at 360 px with an English browser,
in both themes, signed in as the demo resident: an appointment's cancel and move pages (from
its own links), the survey after a request and after an appointment, a request's tracking
page, « Mes documents » and its delete confirmations, the canteen days and a wizard step
with errors. Each reads only French, is no wider than the phone, passes axe-core and is
screenshot; after an empty required step is sent, the focus is on the error summary, whose
links lead to the fields."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ecommune.appointments import services as appointments
from ecommune.appointments.models import Booking, BookingStatus
from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from ecommune.feedback.survey import survey_path
from ecommune.requests.models import Document, Request
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.test_language import english_sources, visible_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-secret-bien-long-2026"
WIDTH = 360


@pytest.fixture
def english_phone(browser):
    """A phone whose browser asks for English first."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 800},
        locale="en-GB",
        extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_the_residents_other_pages_on_an_english_phone(live_server, english_phone, tmp_path, theme):
    seed_demo(tmp_path / "credentials.json")
    Commune.unscoped.update(theme=theme)
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    resident.set_password(PASSWORD)
    resident.save()
    sources = english_sources()
    page = english_phone
    url = live_server.url

    def check(name):
        html = page.content()
        assert '<html lang="fr"' in html
        leaks = sorted(source for source in sources if source in visible_text(html))
        assert leaks == [], (name, leaks)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"resident-pages-{theme}-{name}-{WIDTH}.png"
        page.screenshot(path=str(path), full_page=True)
        violations = axe_violations(page)
        assert violations == [], f"{name}:\n{describe(violations)}"

    page.goto(url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # The demo's coming appointment, from its own links.
    booking = Booking.objects.get(user=resident, status=BookingStatus.BOOKED)
    links = appointments.manage_urls(booking, absolute=False)
    page.goto(url + links["cancel_url"])
    expect(page.get_by_role("button", name="Annuler le rendez-vous")).to_be_visible()
    expect(page.get_by_role("link", name="Garder mon rendez-vous")).to_be_visible()
    check("appointment-cancel")
    page.goto(url + links["move_url"])
    assert "Retrait de passeport ou de carte d'identité" in page.get_by_role("main").inner_text()
    check("appointment-move")

    # The three questions after the closed request, and after the appointment once the agent
    # marked it seen.
    closed = Request.objects.get(applicant=resident, status="done")
    page.goto(url + survey_path(closed))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre avis en trois questions")
    check("survey-request")
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.SEEN)
    page.goto(url + survey_path(booking))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre avis en trois questions")
    check("survey-appointment")

    # The request waiting for the resident: its tracking page.
    waiting = Request.objects.get(applicant=resident, status="waiting_resident")
    page.goto(url + f"/demarches/demande/{waiting.reference}/")
    assert waiting.reference in page.get_by_role("main").inner_text()
    check("request-detail")

    # « Mes documents », the delete confirmation of a free document and the refusal of one a
    # request in progress uses.
    page.goto(url + "/demarches/mes-documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes documents")
    check("documents")
    page.get_by_role("link", name="Supprimer carte-identite.pdf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer « carte-identite.pdf »")
    check("document-delete")
    in_use = Document.objects.get(owner=resident, original_name="justificatif-domicile.pdf")
    page.goto(url + f"/demarches/mes-documents/{in_use.pk}/supprimer/")
    expect(page.get_by_role("main")).to_contain_text("ne peut pas être supprimé")
    check("document-delete-in-use")

    page.goto(url + "/famille/activites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cantine et périscolaire")
    check("activities")

    # A wizard step sent empty: the error summary takes the focus and links each field.
    page.goto(url + "/demarches/contact/")
    first_step = heading(page)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first_step)
    page.get_by_role("button", name="Suivant").click()
    summary = page.locator(".ec-error-summary")
    expect(summary).to_be_visible()
    focused = page.evaluate(
        "() => { const s = document.querySelector('.ec-error-summary');"
        " return s !== null && s.contains(document.activeElement); }"
    )
    assert focused, page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets and all(target.startswith("#id_") for target in targets), targets
    for target in targets:
        assert page.locator(target).count() == 1, target
    check("wizard-errors")
    summary.locator("a").first.click()
    # The first link takes the resident to its field.
    assert "#" + page.evaluate("document.activeElement.id") == targets[0]
