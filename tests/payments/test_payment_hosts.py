"""A payment is accepted only on its own commune's host and through its own commune's
payment account: commune B's payment, answered on commune A's host (per-payment
notification URL, fixed notification URL, the payer's return), is a 404 and nothing is
credited; the same answer on B's host credits it (so the 404 is the host, not the answer).
"""

import logging
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from payments import PaymentStatus

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.payments import settlement
from ecommune.payments.balances import balances_of
from ecommune.payments.models import Payment, PaymentAllocation
from ecommune.testing.factories import UserFactory
from tests.payments.conftest import (
    SYSTEMPAY,
    dummy_paid,
    make_invoice,
    systempay_answer,
    use_backend,
)

# Two communes, each entered explicitly with tenancy.using.
pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

FORM = "application/x-www-form-urlencoded"
HOST_A = "commune-a.test"
HOST_B = "commune-b.test"


@pytest.fixture
def parent_b(other_commune):
    return UserFactory(email="parent-b@example.org", first_name="Jean", last_name="Santoni")


@pytest.fixture
def household_b(parent_b, other_commune):
    return households.get_or_create_household(parent_b, other_commune)


def start_payment_on_b(client, parent_b, household_b, total="10.00") -> tuple:
    """B's guardian starts paying a B invoice on B's host; returns (payment, invoice)."""
    invoice = make_invoice(household_b, total)
    client.force_login(parent_b)
    client.post("/paiements/payer/", {"invoices": [invoice.pk]}, HTTP_HOST=HOST_B)
    with tenancy.using(household_b.commune):
        payment = Payment.objects.get()
    assert payment.commune == household_b.commune and payment.transaction_id
    return payment, invoice


def balance(invoice) -> Decimal:
    """What is left to pay, read afresh (``balances_of`` keeps it on the instance)."""
    return balances_of(type(invoice)._base_manager.get(pk=invoice.pk))[2]


def assert_not_credited(payment, invoice):
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING
    assert not payment.receipt_number
    assert not PaymentAllocation.objects.filter(payment=payment).exists()
    assert balance(invoice) == invoice.total


def test_a_notification_on_another_communes_host_is_a_404(
    client, commune, parent_b, household_b, caplog
):
    payment, invoice = start_payment_on_b(client, parent_b, household_b)
    url = f"/paiements/banque/{payment.token}/"
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        on_a = client.post(url, urlencode(dummy_paid(payment)), content_type=FORM, HTTP_HOST=HOST_A)
    assert on_a.status_code == 404
    assert str(payment.token) in caplog.text and HOST_A in caplog.text
    assert_not_credited(payment, invoice)
    # The same answer on the payment's own host is accepted.
    on_b = client.post(url, urlencode(dummy_paid(payment)), content_type=FORM, HTTP_HOST=HOST_B)
    assert on_b.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert balance(invoice) == Decimal("0.00")


def test_the_fixed_notification_url_of_another_communes_host_is_a_404(
    client, commune, other_commune, parent_b, household_b, caplog
):
    use_backend(other_commune, "systempayv2", SYSTEMPAY)
    # A has the same bank and the same key: only the host tells the communes apart.
    use_backend(commune, "systempayv2", SYSTEMPAY)
    payment, invoice = start_payment_on_b(client, parent_b, household_b, "12.34")
    answer = urlencode(systempay_answer(payment))
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        on_a = client.post(
            "/paiements/banque/eopayment/", answer, content_type=FORM, HTTP_HOST=HOST_A
        )
    assert on_a.status_code == 404
    assert payment.transaction_id in caplog.text and HOST_A in caplog.text
    assert_not_credited(payment, invoice)
    on_b = client.post("/paiements/banque/eopayment/", answer, content_type=FORM, HTTP_HOST=HOST_B)
    assert on_b.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED


def test_the_payers_return_on_another_communes_host_is_a_404(
    client, commune, parent_b, household_b
):
    payment, invoice = start_payment_on_b(client, parent_b, household_b)
    url = f"/paiements/{payment.token}/?" + urlencode(dummy_paid(payment))
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404
    assert client.get(f"/paiements/{payment.token}/recu.pdf", HTTP_HOST=HOST_A).status_code == 404
    assert_not_credited(payment, invoice)
    page = client.get(url, HTTP_HOST=HOST_B)
    assert page.status_code == 200 and page.context["outcome"] == "paid"


def test_the_bank_is_asked_through_the_payments_own_commune_only(
    commune, other_commune, parent_b, household_b, client
):
    """Below the views: answering B's payment while A is the current commune is refused by
    the settlement itself, whatever called it."""
    payment, invoice = start_payment_on_b(client, parent_b, household_b)
    with tenancy.using(commune), pytest.raises(settlement.RejectedNotification):
        settlement.apply_response(payment, _paid_response(payment))
    assert_not_credited(payment, invoice)


def _paid_response(payment):
    import eopayment

    return eopayment.Payment("dummy", {}).response(urlencode(dummy_paid(payment)))


def test_a_host_no_commune_serves_is_a_404(commune, parent_client, household, client, caplog):
    from wagtail.models import Site

    invoice = make_invoice(household, "10.00")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    with tenancy.using(commune):
        payment = Payment.objects.get()
    Site.objects.update(is_default_site=False)  # an unknown host now finds no site at all
    answer = urlencode(dummy_paid(payment))
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        for url in (f"/paiements/banque/{payment.token}/", "/paiements/banque/eopayment/"):
            response = client.post(url, answer, content_type=FORM, HTTP_HOST="inconnu.test")
            assert response.status_code == 404
    assert "no commune serves this host" in caplog.text
    assert_not_credited(payment, invoice)
