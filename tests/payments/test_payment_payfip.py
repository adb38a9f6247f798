"""PayFiP (``payfip_ws``) on recorded responses: a local server answers
``creerPaiementSecurise`` and ``recupererDetailPaiementSecurise`` as the DGFiP does — never
a live call. The bank unreachable (a closed port) gives a clear message and records
nothing as paid; payments whose notification never came are reconciled."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext, override
from payments import PaymentStatus

from ecommune.payments import settlement, tasks
from ecommune.payments.balances import balances_of
from ecommune.payments.models import Payment, PaymentAllocation
from tests.payments.conftest import (
    closed_port,
    fault_response,
    make_invoice,
    paid_detail,
    use_backend,
)

pytestmark = pytest.mark.django_db


def test_the_payer_is_sent_to_payfip_with_the_idop(payfip, parent_client, household):
    invoice = make_invoice(household, "42.50")
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert response.status_code == 302
    assert (
        response["Location"] == f"https://www.payfip.gouv.fr/tpa/paiementws.web?idop={payfip.idop}"
    )
    payment = Payment.objects.get()
    assert payment.transaction_id == payfip.idop
    request = payfip.requests[0]
    assert "<numcli>123456</numcli>" in request and "<saisie>T</saisie>" in request
    assert (
        "<montant>4250</montant>" in request and f"<refdet>{payment.reference}</refdet>" in request
    )
    assert f"/paiements/banque/{payment.token}/" in request  # urlnotif


def test_the_notification_is_checked_with_the_dgfip(payfip, parent_client, household, client):
    invoice = make_invoice(household, "42.50")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    payfip.detail = paid_detail(payment)
    for _ in range(2):  # PayFiP may notify twice
        response = client.post(
            f"/paiements/banque/{payment.token}/",
            f"idOp={payment.transaction_id}",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
    assert "recupererDetailPaiementSecurise" in payfip.requests[-1]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert PaymentAllocation.objects.count() == 1
    assert balances_of(invoice)[2] == Decimal("0.00")


def test_an_unreachable_bank_gives_a_clear_message_and_records_nothing_paid(
    settings, parent_client, household, commune
):
    settings.ECOMMUNE_PAYFIP_SERVICE_URL = f"http://127.0.0.1:{closed_port()}/securite"
    use_backend(commune, "payfip_ws", {"numcli": "123456", "saisie": "T"})
    invoice = make_invoice(household, "42.50")
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert response.status_code == 503
    with override("fr"):
        message = gettext(
            "The payment service cannot be reached at the moment. Nothing has been "
            "paid: please try again later."
        )
    assert message in html.unescape(response.content.decode())
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.ERROR
    assert not PaymentAllocation.objects.exists()
    assert balances_of(invoice)[2] == Decimal("42.50")


def _age(payment, minutes):
    Payment.objects.filter(pk=payment.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_reconciliation_asks_payfip_and_settles(payfip, parent_client, household):
    invoice = make_invoice(household, "42.50")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    # Too recent: not asked.
    assert settlement.reconcile(older_than_minutes=30)["waiting"] == 0
    _age(payment, 40)
    # P5, in progress: still waiting.
    payfip.detail = fault_response("P5", "Transaction en cours")
    assert settlement.reconcile(older_than_minutes=30)["waiting"] == 1
    payfip.detail = paid_detail(payment)
    call_command("ecommune_reconcile_payments", "--minutes", "30")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert balances_of(invoice)[2] == Decimal("0.00")


def test_reconciliation_fails_refused_and_expired_payments(payfip, parent_client, household):
    first = make_invoice(household, "10.00")
    parent_client.post("/paiements/payer/", {"invoices": [first.pk]})
    refused = Payment.objects.get()
    _age(refused, 40)
    payfip.detail = paid_detail(refused, resultrans="R")
    result = tasks.reconcile_payments.enqueue(older_than_minutes=30)
    assert result.return_value["failed"] == 1
    refused.refresh_from_db()
    assert refused.status == PaymentStatus.REJECTED
    # An idop the DGFiP no longer knows (P1): the payment never happened.
    payfip.idop = "0b0b0b0b-d0a0-11ef-9d1e-0242ac120002"
    parent_client.post("/paiements/payer/", {"invoices": [first.pk]})
    expired = Payment.objects.exclude(pk=refused.pk).get()
    _age(expired, 40)
    payfip.detail = fault_response("P1", "IdOp incorrect")
    settlement.reconcile(older_than_minutes=30)
    expired.refresh_from_db()
    assert expired.status == PaymentStatus.REJECTED
    assert balances_of(first)[2] == Decimal("10.00")


def test_payments_never_sent_to_the_bank_are_closed(parent_client, household):
    invoice = make_invoice(household, "10.00")
    payment = settlement.create_payment(
        user=None,
        household=household,
        invoices=settlement.payable_invoices(household, [invoice.pk]),
    )
    _age(payment, 40)
    assert settlement.reconcile(older_than_minutes=30)["failed"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.ERROR
