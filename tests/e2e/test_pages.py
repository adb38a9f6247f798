"""Every portal page type in both themes, in a real Chromium: axe-core clean at 360 and
1280 px, no horizontal scrolling, screenshots for a person to look at (screenshots/)."""

import os
from pathlib import Path

import pytest

from ecommune.core.models import Commune
from ecommune.demo.seed import seed_demo
from tests.e2e.conftest import axe_violations, describe
from tests.portal_pages import PORTAL_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(
    os.environ.get("ECOMMUNE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots")
)
PAGES = PORTAL_PAGES


@pytest.fixture
def demo_site(live_server, tmp_path):
    seed_demo(tmp_path / "credentials.json")
    return live_server.url


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_every_page_type_is_accessible_in_both_themes(demo_site, page_at, theme):
    Commune.unscoped.update(theme=theme)
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    for width in (360, 1280):
        page = page_at(width)
        for name, path in PAGES.items():
            response = page.goto(demo_site + path)
            assert response.status == 200, path
            violations = axe_violations(page)
            if violations:
                problems.append(f"{theme} {path} at {width}px: {describe(violations)}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems.append(f"{theme} {path} at {width}px: {scroll_width}px wide")
            page.screenshot(path=str(SCREENSHOTS / f"{theme}-{name}-{width}.png"), full_page=True)
    assert problems == [], "\n".join(problems)


def test_the_commune_theme_never_loads_the_dsfr(demo_site, page_at):
    page = page_at(1280)
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    for path in PAGES.values():
        page.goto(demo_site + path)
    assert not [url for url in loaded if "/dsfr/" in url]
    assert page.locator(".fr-logo").count() == 0


def test_the_dsfr_theme_shows_the_marianne_block_and_the_legal_links(demo_site, page_at):
    Commune.unscoped.update(theme="dsfr")
    page = page_at(1280)
    page.goto(demo_site + "/")
    assert page.locator(".fr-header .fr-logo").inner_text().replace("\n", " ").lower() == (
        "république française"
    )
    footer = page.locator("footer")
    for label in ("Mentions légales", "Données personnelles", "Accessibilité", "Plan du site"):
        assert footer.get_by_role("link", name=label, exact=True).count() == 1


def test_a_resident_reads_about_a_service_then_starts_it_without_javascript(demo_site, page_at):
    page = page_at(360, java_script_enabled=False)
    page.goto(demo_site + "/")
    card = page.locator(".ec-card", has_text="S’inscrire sur les listes électorales")
    card.get_by_role("link", name="Qui peut demander, pièces, délai").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "S’inscrire sur les listes électorales"
    )
    page.get_by_role("link", name="Faire la demande en ligne").click()
    assert "/demarches/elections/" in page.url


def test_search_from_the_header_without_javascript(demo_site, page_at):
    page = page_at(360, java_script_enabled=False)
    page.goto(demo_site + "/")
    page.get_by_label("Rechercher sur le site").fill("électorale")
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("link", name="Listes électorales : en cas de première inscription").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Listes électorales")
    assert "Vérifié le 9 janvier 2026" in page.locator(".ec-fiche__source").inner_text()


def signed_in(page, live_url, email):
    """Give the browser the session of the account ``email`` (no sign-in form to fill)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    session = Client()
    session.force_login(get_user_model().objects.get(email=email))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_url,
            }
        ]
    )
    return page


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_every_step_of_every_service_is_accessible_in_both_themes(demo_site, page_at, theme):
    """Each step of each enabled service's wizard, opened at its own address by a signed-in
    resident: axe-core clean at 360 px, no horizontal scrolling, a screenshot per step."""
    from ecommune.demo.seed import RESIDENT_EMAIL
    from ecommune.requests.views import APPLICANT_STEP, CONFIRM_STEP

    Commune.unscoped.update(theme=theme)
    commune = Commune.unscoped.get()
    page = signed_in(page_at(360), demo_site, RESIDENT_EMAIL)
    SCREENSHOTS.mkdir(exist_ok=True)
    problems, seen = [], []
    for service in commune.services():
        steps = [APPLICANT_STEP, *(name for name, _form in service.form_steps()), CONFIRM_STEP]
        for step in steps:
            path = f"/demarches/{service.slug}/{step}/"
            response = page.goto(demo_site + path)
            assert response.status == 200, path
            assert page.url == demo_site + path, f"{path} sent to {page.url}"
            seen.append(path)
            violations = axe_violations(page)
            if violations:
                problems.append(f"{theme} {path}: {describe(violations)}")
            if page.evaluate("document.documentElement.scrollWidth") > 360:
                problems.append(f"{theme} {path}: wider than 360 px")
            name = f"{theme}-step-{service.slug}-{step}-360.png"
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert problems == [], "\n".join(problems)
    assert len(seen) >= 12  # contact 3, civil status 4, elections 4, school 5
