"""The demo portal in a real Chromium: axe-core clean, usable at 360 px and without JavaScript."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ecommune.demo.seed import seed_demo
from ecommune.testing.otp import totp_token
from tests.e2e.conftest import axe_violations, describe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
SCREENSHOTS = Path(
    os.environ.get("ECOMMUNE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots")
)


@pytest.fixture
def demo_site(live_server, tmp_path):
    seed_demo(tmp_path / "credentials.json")
    return live_server.url


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize(
    "path", ["/", "/actualites/", "/actualites/inscriptions-scolaires-rentree/", "/no-such-page/"]
)
def test_portal_pages_have_no_axe_violation(demo_site, page_at, width, path):
    page = page_at(width)
    page.goto(demo_site + path)
    violations = axe_violations(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "_") or "home"
    page.screenshot(path=str(SCREENSHOTS / f"commune-{name}-{width}.png"), full_page=True)
    assert violations == [], describe(violations)
    # Nothing wider than the screen: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_home_page_in_french_with_the_reassurance_bar(demo_site, page_at):
    page = page_at(1280)
    page.goto(demo_site + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue à Saint-Ébrard-sur-Loire"
    summary = page.locator(".ec-reassurance summary")
    assert summary.inner_text() == "Site officiel de la commune de Saint-Ébrard-sur-Loire"
    explanation = page.locator(".ec-reassurance__body")
    assert not explanation.is_visible()
    summary.click()
    expect(explanation).to_be_visible()
    assert "Vérifiez l'adresse" in explanation.inner_text()


def test_the_skip_link_is_the_first_focus_and_leads_to_the_content(demo_site, page_at):
    page = page_at(1280)
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"


def test_the_home_page_works_without_javascript(demo_site, page_at):
    page = page_at(360, java_script_enabled=False)
    page.goto(demo_site + "/")
    page.locator(".ec-reassurance summary").click()
    expect(page.locator(".ec-reassurance__body")).to_be_visible()
    page.get_by_role("link", name="Inscriptions scolaires pour la rentrée : c'est ouvert").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Inscriptions scolaires")


def test_the_agent_logs_into_the_back_office(live_server, page_at, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    page = page_at(1280)
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", credentials["agent"]["email"])
    page.fill("input[name=password]", credentials["agent"]["password"])
    page.click("button[type=submit]")
    # First visit: the back office asks the agent to set up their second factor.
    page.wait_for_url(re.compile(r".*/admin/securite/configurer/.*"))
    page.screenshot(path=str(SCREENSHOTS / "admin-otp-setup.png"), full_page=True)
    assert page.locator("img.ecommune-otp-qr").get_attribute("src").startswith("data:image/svg")
    secret = page.locator(".ecommune-otp-secret").inner_text()
    page.fill("input[name=token]", totp_token(secret))
    page.click("main form.login-form button[type=submit]")
    page.locator(".ecommune-otp-codes li").first.wait_for()
    assert page.locator(".ecommune-otp-codes li").count() == 10
    page.screenshot(path=str(SCREENSHOTS / "admin-otp-backup-codes.png"), full_page=True)
    page.locator("main a.button").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert "Tableau de bord" in page.content() or "Bienvenue" in page.content()
