"""A guardian reads the household's invoices on a phone-sized screen in Chromium: the page
passes axe-core at 360 px, says each invoice's status, downloads the PDF and takes the
chosen invoices to the payment page."""

import datetime
from decimal import Decimal

import pytest

from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from ecommune.families import households
from ecommune.payments import invoices as issuing
from ecommune.testing.factories import UserFactory
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-invoices-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_guardian_reads_the_invoices_and_goes_to_pay(live_server, page_at, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    commune = Commune.unscoped.get()
    household = households.get_or_create_household(UserFactory(email=RESIDENT_EMAIL), commune)
    line = issuing.LineDraft(
        label="Restauration scolaire — 2, 3, 5, 6, 9, 10 novembre 2026",
        quantity=Decimal(6),
        unit_price=Decimal("2.50"),
        child_name="Léa Lefebvre",
    )
    late = issuing.issue_invoice(
        household, [line], issued_on=datetime.date(2026, 1, 5), send_notice=False
    )
    fresh = issuing.issue_invoice(household, [line], send_notice=False)
    issuing.issue_credit_note(fresh, reason="Absence signalée", amount=Decimal("2.50"))
    page = page_at(360)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", credentials["resident"]["password"])
    page.locator("main button[type=submit]").click()

    page.goto(live_server.url + "/famille/")
    page.locator("main a[href='/famille/factures/']").click()
    main = page.get_by_role("main").inner_text()
    assert late.number in main and fresh.number in main and "A20" in main
    assert "En retard" in main
    check(page, "list")
    with page.expect_download() as download:
        page.locator(f"main a[href='/famille/factures/{late.number}.pdf']").click()
    assert download.value.suggested_filename == f"{late.number}.pdf"
    page.locator("main form[action='/paiements/payer/'] button[type=submit]").click()
    assert "/paiements/payer/" in page.url
    assert f"invoices={late.pk}" in page.url and f"invoices={fresh.pk}" in page.url
