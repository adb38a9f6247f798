"""Issue 7's whole walk in Chromium, on the demo: a parent enrols a child at school and at
the canteen, the agent accepts the enrolment, runs the month's billing, the parent pays the
invoice with the ``dummy`` backend and gets the receipt, and the payment is in the
treasury export. Resident pages at 360 px, agent pages at 1280 px, axe-core on each."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from ecommune.demo.seed import AGENT_EMAIL, RESIDENT_EMAIL, seed_demo
from ecommune.payments.models import Invoice, Payment
from ecommune.services.school.models import ActivityEnrolment, SchoolEnrolment
from ecommune.testing.otp import login_agent
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.services.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name, width):
    if page.locator(".messages li").count():
        page.wait_for_timeout(1000)  # Wagtail fades its messages in
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"walk-{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_enrolment_canteen_billing_payment_and_treasury(live_server, page_at, tmp_path):
    from django.contrib.auth import get_user_model

    credentials = seed_demo(tmp_path / "credentials.json")
    parent = page_at(360)
    parent.goto(live_server.url + "/compte/connexion/")
    parent.fill("#id_username", RESIDENT_EMAIL)
    parent.fill("#id_password", credentials["resident"]["password"])
    parent.get_by_role("main").get_by_role("button", name="Se connecter").click()

    # The parent enrols Léa at school (the wizard adds her to the household)…
    parent.goto(live_server.url + "/demarches/school/")
    parent.get_by_role("button", name="Suivant").click()
    parent.fill("#id_child-child_first_name", "Léa")
    parent.fill("#id_child-child_last_name", "Lefebvre")
    parent.fill("#id_child-child_birth_date", "2020-03-02")
    parent.select_option("#id_child-level", "CP")
    parent.fill("#id_child-street_number", "8")
    parent.fill("#id_child-street_name", "av. Jules Ferry")
    parent.fill("#id_child-postal_code", "44990")
    parent.fill("#id_child-city", "Saint-Ébrard-sur-Loire")
    parent.get_by_role("button", name="Suivant").click()
    parent.get_by_label("L’école de mon secteur").check()
    parent.get_by_role("button", name="Suivant").click()
    pdf = {"name": "livret.pdf", "mimeType": "application/pdf", "buffer": PDF}
    parent.set_input_files("#id_pieces-child_identity", pdf)
    parent.set_input_files("#id_pieces-guardian_identity", {**pdf, "name": "cni.pdf"})
    parent.get_by_label("J’atteste sur l’honneur habiter à l’adresse indiquée").check()
    parent.get_by_role("button", name="Suivant").click()
    parent.get_by_label("Je certifie l'exactitude des informations données.").check()
    parent.get_by_role("button", name="Envoyer ma demande").click()
    assert "Votre demande a bien été reçue" in parent.get_by_role("main").inner_text()
    enrolment = SchoolEnrolment.unscoped.get()

    # … and at the canteen on Mondays and Tuesdays.
    parent.goto(live_server.url + "/famille/activites/")
    # The demo's household has a child already: Léa's boxes (Monday and Tuesday).
    from ecommune.families.models import Child
    from ecommune.services.school.models import Activity

    lea = Child.unscoped.get(first_name="Léa")
    canteen = Activity.unscoped.get(name="Restauration scolaire")
    parent.check(f"#id_child{lea.pk}-a{canteen.pk}_0")
    parent.check(f"#id_child{lea.pk}-a{canteen.pk}_1")
    parent.get_by_role("button", name="Enregistrer les jours").click()
    assert "Les jours ont été enregistrés." in parent.get_by_role("main").inner_text()
    check(parent, "activities", 360)
    school_year = ActivityEnrolment.unscoped.get().school_year

    # The agent accepts the enrolment, then runs October's billing of that school year.
    agent_user = get_user_model().objects.get(email=AGENT_EMAIL)
    client = Client()
    login_agent(client, agent_user)
    agent = page_at(1280)
    agent.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    agent.goto(live_server.url + f"/admin/ecoles/{enrolment.request.reference}/")
    check(agent, "decision", 1280)
    agent.get_by_label("Accepter").check()
    agent.select_option("#id_school", str(enrolment.sector_school.pk))
    agent.locator("main form button[type=submit]").first.click()
    expect(agent.locator("body")).to_contain_text("Certificat d’inscription (PDF)")
    enrolment.refresh_from_db()
    assert enrolment.request.status == "accepted"

    agent.goto(live_server.url + "/admin/ecoles/factures/facturation/")
    check(agent, "billing-run", 1280)
    agent.fill("#id_month", f"{school_year}-10")
    agent.get_by_role("button", name="Lancer la facturation").click()
    agent.wait_for_url(re.compile(r"/admin/ecoles/factures/$"))
    # The demo's resident has an invoice of the demo already: the run's is the school's.
    billed = Invoice.unscoped.filter(billing_key__startswith="school:")
    invoice = billed.get()
    assert invoice.total > Decimal("0.00")
    expect(agent.locator("body")).to_contain_text(invoice.number)
    check(agent, "invoices", 1280)
    # Running it again issues nothing more.
    agent.goto(live_server.url + "/admin/ecoles/factures/facturation/")
    agent.fill("#id_month", f"{school_year}-10")
    agent.get_by_role("button", name="Lancer la facturation").click()
    agent.wait_for_url(re.compile(r"/admin/ecoles/factures/$"))
    assert billed.count() == 1

    # The parent reads the invoice, pays it at the test bank and gets the receipt.
    parent.goto(live_server.url + "/famille/factures/")
    assert invoice.number in parent.get_by_role("main").inner_text()
    check(parent, "invoices", 360)
    parent.locator("main form[action='/paiements/payer/'] button[type=submit]").click()
    check(parent, "pay", 360)
    parent.locator("main form.ec-form button[type=submit]").click()
    parent.wait_for_url(re.compile(r"/paiements/banque-fictive/"))
    parent.locator("button[value=paid]").click()
    expect(parent.get_by_role("main")).to_contain_text("R20")
    payment = Payment.objects.get()
    assert (
        payment.receipt_number and payment.receipt_number in parent.get_by_role("main").inner_text()
    )
    check(parent, "paid", 360)
    receipt = parent.request.get(live_server.url + f"/paiements/{payment.token}/recu.pdf")
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF")
    parent.goto(live_server.url + "/famille/factures/")
    assert re.search(r"[Pp]ayée", parent.get_by_role("main").inner_text())

    # The payment is in the treasury export of the day, to the cent.
    agent.goto(live_server.url + "/admin/paiements/")
    check(agent, "treasury", 1280)
    today = timezone.localdate().isoformat()
    export = agent.request.get(
        live_server.url + f"/admin/paiements/paiements.csv?start={today}&end={today}"
    )
    assert export.status == 200
    text = export.body().decode("utf-8-sig")
    assert payment.reference in text and invoice.number in text
    # The parent paid the demo's invoice with the school's: the payment's total, to the cent.
    payment.refresh_from_db()
    assert f"{payment.total:.2f}".replace(".", ",") in text
