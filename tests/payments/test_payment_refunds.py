"""Refunds recorded by an agent against a paid payment, in full or in part: through the
bank when eopayment's backend can (dummy here), else as made by the treasury (PayFiP);
never more than paid minus already refunded, with a French message."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, override

from ecommune.payments import settlement
from ecommune.payments.models import Payment, Refund
from ecommune.testing.factories import make_commune
from tests.payments.conftest import make_invoice, use_backend
from tests.services.helpers import agent_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(household):
    invoice = make_invoice(household, "30.00")
    payment = settlement.create_payment(
        user=None,
        household=household,
        invoices=settlement.payable_invoices(household, [invoice.pk]),
    )
    payment.transaction_id = "abc"
    payment.save()
    settlement.confirm(payment)
    payment.refresh_from_db()
    return payment


def french(msgid, **values):
    with override("fr"):
        return gettext(msgid) % values


def test_partial_then_full_refund_never_beyond_what_was_paid(paid):
    settlement.record_refund(paid, amount=Decimal("10.10"), reason="absence")
    settlement.record_refund(paid, amount=Decimal("19.90"), reason="départ")
    with pytest.raises(ValidationError) as error:
        settlement.record_refund(paid, amount=Decimal("0.01"), reason="trop")
    assert error.value.messages == [
        french("At most %(available)s € can still be refunded on this payment.", available="0,00")
    ]
    assert settlement.refunded_amount(paid) == Decimal("30.00")
    assert all(refund.through_backend for refund in Refund.objects.all())  # dummy can cancel


def test_a_waiting_payment_cannot_be_refunded(household):
    invoice = make_invoice(household, "5.00")
    payment = settlement.create_payment(
        user=None,
        household=household,
        invoices=settlement.payable_invoices(household, [invoice.pk]),
    )
    with pytest.raises(ValidationError):
        settlement.record_refund(payment, amount=Decimal("1.00"))


def test_payfip_refunds_are_recorded_as_made_by_the_treasury(paid, commune):
    use_backend(commune, "payfip_ws", {"numcli": "123456", "saisie": "W"})
    Payment.objects.filter(pk=paid.pk).update(backend="payfip_ws")
    paid.refresh_from_db()
    refund = settlement.record_refund(paid, amount=Decimal("30.00"), reason="erreur")
    assert refund.through_backend is False


def test_an_agent_records_a_refund_in_the_back_office(client, commune, paid):
    client, agent = agent_client_for(client, commune, ["school"])
    url = f"/admin/paiements/{paid.reference}/remboursement/"
    too_much = client.post(url, {"amount": "30,01", "reason": "erreur"})
    assert too_much.status_code == 200
    assert french(
        "At most %(available)s € can still be refunded on this payment.", available="30,00"
    ) in str(too_much.context["form"].errors)
    done = client.post(url, {"amount": "12,00", "reason": "absence signalée"})
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert refund.amount == Decimal("12.00") and refund.created_by == agent.user


def test_an_agent_of_another_commune_cannot_refund(client, paid):
    other = make_commune("Commune-C", "commune-c.test", insee_code="2B033", postal_codes="20200")
    client, _agent = agent_client_for(client, other, ["school"])
    response = client.post(
        f"/admin/paiements/{paid.reference}/remboursement/", {"amount": "1", "reason": "x"}
    )
    assert response.status_code == 404
    assert not Refund.objects.exists()
