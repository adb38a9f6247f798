"""A guardian pays an invoice in Chromium with the ``dummy`` backend (the commune's test
bank), sees it paid and downloads the receipt; every page passes axe-core at 360 px."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from ecommune.families import households
from ecommune.payments.balances import balances_of
from ecommune.payments.models import Invoice, Payment
from ecommune.testing.factories import UserFactory
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-payment-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_guardian_pays_an_invoice_and_downloads_the_receipt(live_server, page_at, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    commune = Commune.unscoped.get()
    household = households.get_or_create_household(UserFactory(email=RESIDENT_EMAIL), commune)
    invoice = Invoice.unscoped.create(
        commune=commune,
        household=household,
        number="F2026-09999",
        issued_on=datetime.date(2026, 10, 31),
        due_on=datetime.date(2026, 11, 30),
        total=Decimal("38.70"),
        payer_name="Marie Lefebvre",
    )
    page = page_at(360)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", credentials["resident"]["password"])
    page.locator("main button[type=submit]").click()

    page.goto(live_server.url + f"/paiements/payer/?invoices={invoice.pk}")
    check(page, "choose")
    page.locator("main form.ec-form button[type=submit]").click()
    assert "/paiements/banque-fictive/" in page.url
    check(page, "test-bank")
    page.locator("button[value=paid]").click()
    payment = Payment.objects.get()
    assert payment.token in page.url
    check(page, "paid")
    payment.refresh_from_db()
    assert balances_of(invoice)[2] == Decimal("0.00")
    assert payment.receipt_number in page.get_by_role("main").inner_text()
    receipt = page.request.get(live_server.url + f"/paiements/{payment.token}/recu.pdf")
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF")


def test_a_refused_payment_leaves_the_invoice_to_pay(live_server, page_at, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    commune = Commune.unscoped.get()
    household = households.get_or_create_household(UserFactory(email=RESIDENT_EMAIL), commune)
    invoice = Invoice.unscoped.create(
        commune=commune,
        household=household,
        number="F2026-09998",
        issued_on=datetime.date(2026, 10, 31),
        due_on=datetime.date(2026, 11, 30),
        total=Decimal("12.00"),
        payer_name="Marie Lefebvre",
    )
    page = page_at(360)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", credentials["resident"]["password"])
    page.locator("main button[type=submit]").click()
    page.goto(live_server.url + "/paiements/payer/")
    page.fill("#id_amount", "20")
    page.get_by_label("F2026-09998", exact=False).check()
    page.locator("main form.ec-form button[type=submit]").click()
    expect(page.locator(".ec-error-summary")).to_be_visible()
    check(page, "amount-error")
    page.fill("#id_amount", "")
    page.locator("main form.ec-form button[type=submit]").click()
    page.locator("button[value=refused]").click()
    check(page, "refused")
    expect(page.locator("[role=alert] h1")).to_be_visible()
    assert balances_of(invoice)[2] == Decimal("12.00")
