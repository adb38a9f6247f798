"""The kit's own back-office pages, as the demo's agent sees them, in Chromium at 1280 px:
axe-core finds no violation, nothing is wider than the screen, the Content Security Policy
blocks nothing the page needs (Wagtail's choosers run: ``ecommune.core.admin_scripts``), a
screenshot each."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import AGENT_EMAIL, seed_demo
from ecommune.testing.otp import login_agent
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The HTML pages the kit adds to Wagtail's admin (its exports are CSV or PDF).
PAGES = {
    "dashboard": "/admin/",
    "services": "/admin/ecommune/services/",
    "requests": "/admin/demandes/",
    "appointments-day": "/admin/rendez-vous/",
    "appointments-book": "/admin/rendez-vous/prendre/",
    "appointments-close": "/admin/rendez-vous/fermer/",
    "queue": "/admin/rendez-vous/file/",
    "civil-status": "/admin/etat-civil/",
    "electoral-roll": "/admin/listes-electorales/",
    "school": "/admin/ecoles/",
    "school-map": "/admin/ecoles/carte-scolaire/",
    "invoices": "/admin/ecoles/factures/",
    "billing-run": "/admin/ecoles/factures/facturation/",
    "billing-settings": "/admin/ecoles/factures/reglages/",
    "treasury": "/admin/paiements/",
    "canned-reply": "/admin/ecommune_canned_replies/new/",
}
# What the demo's agent may not open, for an administrator of the install.
ADMINISTRATOR_PAGES = {
    "counters": "/admin/rendez-vous-guichets/",
    "counter-new": "/admin/rendez-vous-guichets/new/",
    "motives": "/admin/rendez-vous-motifs/",
    "motive-new": "/admin/rendez-vous-motifs/new/",
    "notification-templates": "/admin/ecommune_notification_templates/",
    "outbox": "/admin/ecommune_outbox/",
    "audit": "/admin/ecommune_audit/",
    "agents": "/admin/agents/",
    "api-tokens": "/admin/jetons-api/",
    "api-token-new": "/admin/jetons-api/nouveau/",
    "webhooks": "/admin/webhooks/",
    "webhook-new": "/admin/webhooks/nouveau/",
    "widgets": "/admin/widgets/",
    "enrolment-periods": "/admin/ecommune_school_enrolment_periods/",
    "enrolment-period-new": "/admin/ecommune_school_enrolment_periods/new/",
}


def signed_in_page(live_server, page_at, user):
    client = Client()
    login_agent(client, user)
    page = page_at(1280)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def problems_of(page, base, pages) -> list[str]:
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for name, path in pages.items():
        response = page.goto(base + path)
        page.wait_for_load_state("load")
        if blocked:
            problems.append(f"{path}: blocked by the CSP: {blocked[:3]}")
            blocked.clear()
        if response.status != 200 or page.url != base + path:
            problems.append(f"{path}: {response.status}, at {page.url}")
            continue
        page.screenshot(path=str(SCREENSHOTS / f"admin-{name}-1280.png"), full_page=True)
        headings = page.locator("h1").all_inner_texts()
        if len(headings) != 1 or headings[0].strip() in ("", "Accueil"):
            problems.append(f"{path}: its heading is {headings}, not the page's title")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}: {describe(violations)}")
        if page.evaluate("document.documentElement.scrollWidth") > 1280:
            problems.append(f"{path}: wider than the screen")
    return problems


def test_the_kits_back_office_pages_are_accessible(live_server, page_at, tmp_path):
    from django.contrib.auth import get_user_model

    seed_demo(tmp_path / "credentials.json")
    users = get_user_model().objects
    agent = signed_in_page(live_server, page_at, users.get(email=AGENT_EMAIL))
    problems = problems_of(agent, live_server.url, PAGES)
    administrator = users.create_superuser(email="dsi@example.org", password="x" * 16)
    admin = signed_in_page(live_server, page_at, administrator)
    site = Commune.unscoped.get().site_id
    settings_page = f"/admin/settings/ecommune_core/commune/{site}/"
    problems += problems_of(
        admin, live_server.url, {**ADMINISTRATOR_PAGES, "commune-settings": settings_page}
    )
    assert problems == [], "\n".join(problems)
    # The coat of arms' chooser runs: its button opens Wagtail's image chooser.
    admin.goto(live_server.url + settings_page)
    admin.get_by_role("tab", name="Apparence").click()
    admin.get_by_role("button", name="Choisir une image").click()
    expect(admin.get_by_role("dialog")).to_be_visible()
