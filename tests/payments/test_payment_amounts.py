"""A bank's « paid » is credited only for the payment's own amount and currency.

The probe: a correctly signed notification reporting 1.00 € confirmed a 10.00 € payment as
fully paid. Here a signed answer for another amount, another currency, or no amount at all
credits nothing; the event is in the payment's history, the audit trail and the log, and
the commune's agents who handle payments get one email through the outbox (not the other
services' agents, not another commune's). The right amount still credits, once. Each
backend the kit offers has a reader for the amount its bank reports.
"""

import html
import logging
from decimal import Decimal
from urllib.parse import urlencode

import eopayment
import pytest
from django.test import Client
from django.utils.translation import gettext, override
from payments import FraudStatus, PaymentStatus

from ecommune.accounts.models import AuditEvent
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.payments import reported_amounts, settlement
from ecommune.payments.backends import BACKEND_CHOICES
from ecommune.payments.balances import balances_of
from ecommune.payments.models import InvoiceSequence, Payment, PaymentAllocation
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.payments.conftest import (
    FORM,
    dummy_paid,
    make_invoice,
    notify,
    paid_detail,
    systempay_answer,
)

pytestmark = pytest.mark.django_db

EVENT = "payments.amount_mismatch"


@pytest.fixture
def agents(commune, other_commune):
    """Who may be told: the commune's payments agent, an agent of another service, and the
    other commune's payments agent."""
    return {
        "payments": AgentFactory(commune=commune, services=["school"], user__email="regie@a.fr"),
        "other_service": AgentFactory(
            commune=commune, services=["civil_status"], user__email="etat-civil@a.fr"
        ),
        "other_commune": AgentFactory(
            commune=other_commune, services=["school"], user__email="regie@b.fr"
        ),
    }


def start(parent_client, household, total="10.00"):
    invoice = make_invoice(household, total)
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert response.status_code in (200, 302)
    with tenancy.using(household.commune):
        return Payment.objects.get(), invoice


def balance(invoice) -> Decimal:
    return balances_of(type(invoice)._base_manager.get(pk=invoice.pk))[2]


def alerts():
    return OutboxMessage.unscoped.filter(event=EVENT)


def assert_held(payment, invoice, caplog, agents, reason_part):
    """Nothing credited; logged, in the history and the audit trail; the payments agent
    (only) emailed, once."""
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.ERROR
    assert not payment.receipt_number and not payment.paid_at
    assert not PaymentAllocation.objects.filter(payment=payment).exists()
    assert balance(invoice) == invoice.total
    assert payment.fraud_status == FraudStatus.REVIEW and reason_part in payment.fraud_message
    assert reason_part in payment.message
    assert len(payment.attrs.amount_mismatches) == 1
    assert f"payment {payment.reference}" in caplog.text and "nothing credited" in caplog.text
    event = AuditEvent.objects.get(action=EVENT)
    assert event.commune_id == payment.commune_id and event.object_id == str(payment.pk)
    sent = alerts()
    assert [message.recipient for message in sent] == [agents["payments"].user.email]
    message = sent.get()
    assert message.commune_id == payment.commune_id
    assert payment.reference in message.subject and payment.reference in message.body
    with override("fr"):  # in French, translated
        french = gettext("Payments page:")
    assert french != "Payments page:" and french in message.body
    assert "/admin/paiements/" in message.body


def test_a_signed_answer_for_1_euro_does_not_pay_10_euros(
    systempay, parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = notify(client, payment, systempay_answer(payment, cents="100"))
    assert response.status_code == 403
    assert_held(payment, invoice, caplog, agents, "the bank reported 1.00")
    body = alerts().get().body
    assert "10,00 EUR" in body and "1,00 EUR" in body


def test_a_signed_answer_in_another_currency_is_not_credited(
    systempay, parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = notify(client, payment, systempay_answer(payment, currency="840"))
    assert response.status_code == 403
    assert_held(payment, invoice, caplog, agents, "ISO 4217 n°840")


def test_the_dummy_backend_too_credits_only_its_amount(
    parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = notify(client, payment, dummy_paid(payment, amount="1.00"))
    assert response.status_code == 403
    assert_held(payment, invoice, caplog, agents, "the bank reported 1.00")


def test_an_answer_that_does_not_state_the_amount_is_not_credited(
    parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    fields = {"transaction_id": payment.transaction_id, "signed": "1", "ok": "1"}
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        assert notify(client, payment, fields).status_code == 403
    assert_held(payment, invoice, caplog, agents, "does not state the amount")
    assert "1,00" not in alerts().get().body


def test_payfip_reporting_another_montant_is_not_credited(
    payfip, parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    payfip.detail = paid_detail(payment).replace(
        "<montant>1000</montant>", "<montant>100</montant>"
    )
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        response = client.post(
            f"/paiements/banque/{payment.token}/",
            f"idOp={payment.transaction_id}",
            content_type=FORM,
        )
    assert response.status_code == 403
    assert_held(payment, invoice, caplog, agents, "the bank reported 1.00")


def test_reconciliation_does_not_credit_another_montant_either(
    payfip, parent_client, household, agents, caplog
):
    """The notification never came; the DGFiP, asked later, reports 1.00 €."""
    payment, invoice = start(parent_client, household, "10.00")
    payfip.detail = paid_detail(payment).replace(
        "<montant>1000</montant>", "<montant>100</montant>"
    )
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        counts = settlement.reconcile(older_than_minutes=0)
    assert counts["confirmed"] == 0 and counts["failed"] == 1
    assert_held(payment, invoice, caplog, agents, "the bank reported 1.00")


def test_replays_are_told_once_and_the_right_amount_still_credits_once(
    systempay, parent_client, household, client, agents, caplog
):
    payment, invoice = start(parent_client, household, "10.00")
    wrong = systempay_answer(payment, cents="100")
    with caplog.at_level(logging.WARNING, logger="ecommune.payments"):
        for _ in range(3):
            assert notify(client, payment, wrong).status_code == 403
    assert caplog.text.count("nothing credited") == 3  # each replay is logged
    assert alerts().count() == 1 and AuditEvent.objects.filter(action=EVENT).count() == 1
    right = systempay_answer(payment)
    for _ in range(3):
        assert notify(client, payment, right).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert PaymentAllocation.objects.filter(payment=payment).count() == 1
    assert balance(invoice) == Decimal("0.00")
    assert InvoiceSequence.unscoped.get(series__startswith="receipt").last_number == 1
    # A wrong answer after the payment was settled leaves it settled (and is recorded).
    assert notify(client, payment, systempay_answer(payment, cents="1")).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED and balance(invoice) == Decimal("0.00")
    assert alerts().count() == 2


def test_without_a_payments_agent_the_town_hall_is_told(
    systempay, commune, parent_client, household, client
):
    commune.contact_email = "mairie@commune-a.test"
    commune.save()
    payment, invoice = start(parent_client, household, "10.00")
    assert notify(client, payment, systempay_answer(payment, cents="100")).status_code == 403
    assert [message.recipient for message in alerts()] == ["mairie@commune-a.test"]


def test_the_right_amount_on_the_return_url_pays(parent_client, household):
    payment, invoice = start(parent_client, household, "10.00")
    page = parent_client.get(f"/paiements/{payment.token}/?" + urlencode(dummy_paid(payment)))
    assert page.context["outcome"] == "paid"
    assert balance(invoice) == Decimal("0.00")


def test_a_wrong_amount_on_the_return_url_does_not_pay(parent_client, household, agents):
    payment, invoice = start(parent_client, household, "10.00")
    answer = urlencode(dummy_paid(payment, amount="1.00"))
    page = parent_client.get(f"/paiements/{payment.token}/?{answer}")
    assert page.status_code == 200 and page.context["outcome"] == "failed"
    assert balance(invoice) == Decimal("10.00")
    assert alerts().count() == 1


# What each backend's bank reports, in the shape eopayment's response gives it.
PAID_ANSWERS = {
    "dummy": {"amount": ["10.00"], "currency": ["EUR"]},
    "payfip_ws": {"montant": "1000", "resultrans": "P"},
    "tipi": {"montant": "1000", "resultrans": "P"},
    "saga": {"montant": "10.00", "etat": "paye"},
    "systempayv2": {"vads_amount": "1000", "vads_currency": "978"},
    "payzen": {"vads_amount": "1000", "vads_currency": "978"},
    "paybox": {"montant": ["1000"], "erreur": ["00000"]},
    "sips2": {"amount": "1000", "currencyCode": "978", "responseCode": "00"},
    "ogone": {"AMOUNT": "10", "CURRENCY": "EUR", "STATUS": "9"},
    "mollie": {"amount": {"value": "10.00", "currency": "EUR"}, "status": "paid"},
    "worldline": {
        "payment_details": {
            "paymentOutput": {"amountOfMoney": {"amount": 1000, "currencyCode": "EUR"}}
        }
    },
    "keyware": {"amount": 1000, "currency": "EUR", "status": "completed"},
}


@pytest.mark.parametrize("backend", [name for name, _label in BACKEND_CHOICES])
def test_every_backend_offered_has_a_reader_of_the_reported_amount(backend):
    response = eopayment.common.PaymentResponse(
        result=eopayment.PAID, signed=True, bank_data=PAID_ANSWERS[backend]
    )
    got = reported_amounts.reported(backend, response, {})
    assert got == reported_amounts.Reported(Decimal("10.00"), "EUR")
    # The same answer with nothing in it says nothing: never credited.
    empty = eopayment.common.PaymentResponse(result=eopayment.PAID, signed=True, bank_data={})
    assert reported_amounts.reported(backend, empty, {}).amount is None


def test_the_held_payment_is_listed_for_its_communes_agents_only(
    systempay, parent_client, household, client, agents
):
    payment, _invoice = start(parent_client, household, "10.00")
    notify(client, payment, systempay_answer(payment, cents="100"))
    login_agent(client, agents["payments"].user)
    page = client.get("/admin/paiements/")
    assert page.status_code == 200
    assert [row["payment"] for row in page.context["held"]] == [payment]
    with override("fr"):
        title = gettext("Payments not credited: the bank reported another amount")
    content = html.unescape(page.content.decode())
    assert title in content and payment.reference in content and "1,00 EUR" in content
    other = Client()
    login_agent(other, agents["other_commune"].user)
    page = other.get("/admin/paiements/", HTTP_HOST="commune-b.test")
    assert page.status_code == 200 and payment.reference not in page.content.decode()
