"""Treasury exports: payments per day and unpaid invoices as CSV, with totals that add up
to the cent (Decimal: 0.10 three times is 0.30), scoped to the agent's commune."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.payments import settlement, treasury
from ecommune.testing.factories import UserFactory, make_commune
from tests.payments.conftest import make_invoice
from tests.services.helpers import agent_client_for

pytestmark = pytest.mark.django_db


def pay(household, invoice, amount=None):
    payment = settlement.create_payment(
        user=None,
        household=household,
        invoices=settlement.payable_invoices(household, [invoice.pk]),
        amount=amount,
    )
    payment.transaction_id = payment.reference
    payment.save()
    settlement.confirm(payment)
    return payment


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def cents(household):
    """Three payments of 0.10 € and an invoice left with 0.10 € to pay, twice."""
    for _ in range(3):
        pay(household, make_invoice(household, "0.10"))
    partly = make_invoice(household, "0.30")
    pay(household, partly, amount=Decimal("0.20"))
    make_invoice(household, "0.10")
    return partly


def test_payments_export_totals_to_the_cent(cents, commune):
    today = datetime.date.today()
    rows, total = treasury.payments_rows(commune, today - datetime.timedelta(days=1), today)
    assert len(rows) == 4
    assert total == Decimal("0.50")
    assert sum(Decimal(row[4].replace(",", ".")) for row in rows) == total


def test_the_agent_downloads_both_exports(client, commune, cents):
    client, _agent = agent_client_for(client, commune, ["school"])
    page = client.get("/admin/paiements/")
    assert page.status_code == 200
    today = datetime.date.today().isoformat()
    payments = rows_of(
        client.get(f"/admin/paiements/paiements.csv?start={today}&end={today}").content
    )
    assert len(payments) == 1 + 4 + 1
    assert payments[-1][4] == "0,50"
    assert {row[5] for row in payments[1:-1]} == {"dummy"}
    assert all(row[6].startswith("F2026-") for row in payments[1:-1])
    unpaid = rows_of(client.get("/admin/paiements/impayes.csv").content)
    # The partly paid invoice (0.10 left) and the unpaid one (0.10).
    assert [row[7] for row in unpaid[1:-1]] == ["0,10", "0,10"]
    assert unpaid[-1][7] == "0,20"
    assert unpaid[1][0] == cents.number


def test_an_agent_of_another_commune_sees_nothing(client, cents):
    other = make_commune("Commune-C", "commune-c.test", insee_code="2B033", postal_codes="20200")
    with tenancy.using(other):
        households.get_or_create_household(UserFactory(), other)
    client, _agent = agent_client_for(client, other, ["school"])
    today = datetime.date.today().isoformat()
    payments = rows_of(
        client.get(f"/admin/paiements/paiements.csv?start={today}&end={today}").content
    )
    assert len(payments) == 2 and payments[-1][4] == "0,00"
    unpaid = rows_of(client.get("/admin/paiements/impayes.csv").content)
    assert len(unpaid) == 2 and unpaid[-1][7] == "0,00"


def test_the_exports_need_a_payments_agent(client, commune, cents):
    client, _agent = agent_client_for(client, commune, ["civil_status"])
    # Wagtail turns the refusal into a redirect to the dashboard.
    refused = client.get("/admin/paiements/impayes.csv")
    assert refused.status_code in (302, 403) and "text/csv" not in refused["Content-Type"]
    assert client.get("/admin/paiements/").status_code in (302, 403)
