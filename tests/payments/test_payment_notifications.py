"""The bank's notifications: verified by eopayment, idempotent (a replayed or duplicated
notification credits once), and rejected — logged, invoice unchanged — when the signature
is wrong or the answer speaks of another payment. The signature path runs on SystemPay
with a test key and real signed answers (eopayment's dummy does not sign)."""

import logging
import threading
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from payments import PaymentStatus

from ecommune.payments import settlement
from ecommune.payments.balances import balances_of
from ecommune.payments.models import InvoiceSequence, Payment, PaymentAllocation
from tests.payments.conftest import (
    FORM,
    dummy_paid,
    make_invoice,
    notify,
    systempay_answer,
)


def start_payment(parent_client, invoice):
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    return Payment.objects.get()


@pytest.mark.django_db
def test_a_replayed_notification_credits_once(parent_client, household, client):
    invoice = make_invoice(household, "30.00")
    payment = start_payment(parent_client, invoice)
    fields = dummy_paid(payment)
    first = notify(client, payment, fields)
    assert first.status_code == 200
    for _ in range(2):
        assert notify(client, payment, fields).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert PaymentAllocation.objects.count() == 1
    assert balances_of(invoice)[2] == Decimal("0.00")
    # One receipt number taken, not three.
    assert InvoiceSequence.unscoped.get(series__startswith="receipt").last_number == 1


@pytest.mark.django_db
def test_an_unsigned_dummy_notification_is_rejected(parent_client, household, client, caplog):
    invoice = make_invoice(household, "30.00")
    payment = start_payment(parent_client, invoice)
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = notify(client, payment, {"transaction_id": payment.transaction_id, "ok": "1"})
    assert response.status_code == 403
    assert "bad signature" in caplog.text
    assert balances_of(invoice)[2] == Decimal("30.00")


@pytest.mark.django_db
def test_a_notification_about_another_payment_is_rejected(parent_client, household, client):
    invoice = make_invoice(household, "30.00")
    payment = start_payment(parent_client, invoice)
    fields = dummy_paid(payment, transaction_id="0" * 32)
    assert notify(client, payment, fields).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING


@pytest.mark.django_db
def test_systempay_sends_the_payer_through_a_form_and_a_signed_answer_pays(
    systempay, parent_client, household, client
):
    invoice = make_invoice(household, "12.34")
    page = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert page.status_code == 200
    assert page.context["bank_form"].url.startswith("https://")
    payment = Payment.objects.get()
    assert payment.transaction_id == payment.reference
    response = notify(client, payment, systempay_answer(payment))
    assert response.status_code == 200
    assert balances_of(invoice)[2] == Decimal("0.00")


@pytest.mark.django_db
def test_a_wrong_signature_is_rejected_logged_and_changes_nothing(
    systempay, parent_client, household, client, caplog
):
    invoice = make_invoice(household, "12.34")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = notify(client, payment, systempay_answer(payment, tamper=True))
    assert response.status_code == 403
    assert f"payment {payment.reference}: notification rejected, bad signature" in caplog.text
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING
    assert not PaymentAllocation.objects.exists()
    assert balances_of(invoice)[2] == Decimal("12.34")


@pytest.mark.django_db
def test_a_signed_refusal_fails_the_payment(systempay, parent_client, household, client):
    invoice = make_invoice(household, "12.34")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    assert notify(client, payment, systempay_answer(payment, result="05")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED
    # A later (replayed) success answer after a refusal is still a genuine, signed payment.
    assert notify(client, payment, systempay_answer(payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED


@pytest.mark.django_db
def test_the_static_notification_url_finds_the_payment(systempay, parent_client, household, client):
    invoice = make_invoice(household, "12.34")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    response = client.post(
        "/paiements/banque/eopayment/", urlencode(systempay_answer(payment)), content_type=FORM
    )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_two_notifications_at_the_same_moment_credit_once(commune, household, parent):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    invoice = make_invoice(household, "30.00")
    client = Client()
    client.force_login(parent)
    payment = start_payment(client, invoice)
    fields = dummy_paid(payment)
    barrier = threading.Barrier(4)
    codes = []

    def post():
        barrier.wait()
        codes.append(notify(Client(), payment, fields).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 4
    assert PaymentAllocation.objects.count() == 1
    assert Payment.objects.get().receipt_number
    assert settlement.confirm(payment) is False
