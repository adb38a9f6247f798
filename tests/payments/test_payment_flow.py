"""A guardian pays invoices online with the ``dummy`` backend: one, several, or part of one;
the payment is committed before the bank is asked; the return page, the receipt (the
household's only) and the French messages of bad input."""

import html
from decimal import Decimal

import pytest
from django.utils.translation import gettext, override
from payments import PaymentStatus

from ecommune.families import households
from ecommune.payments.balances import balances_of
from ecommune.payments.models import Payment, PaymentAllocation
from ecommune.testing.factories import UserFactory
from tests.payments.conftest import make_invoice

pytestmark = pytest.mark.django_db


def french(msgid: str, **values) -> str:
    """The French message (from the catalogue once the translations are merged)."""
    with override("fr"):
        return gettext(msgid) % values if values else gettext(msgid)


def errors(response) -> str:
    form = response.context["form"]
    return html.unescape(
        " ".join(str(e) for e in [*form.non_field_errors(), *form.errors.values()])
    )


def pay_at_the_dummy_bank(client, response, outcome="paid"):
    """Follow the redirect to the commune's test bank and press a button there."""
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/paiements/banque-fictive/?transaction_id=")
    bank = client.get(location)
    assert bank.status_code == 200
    payment = bank.context["payment"]
    back = client.post(
        "/paiements/banque-fictive/",
        {"transaction_id": payment.transaction_id, "outcome": outcome},
    )
    assert back.status_code == 302
    return client.get(back["Location"]), payment


def test_paying_one_invoice_settles_it_and_gives_a_receipt(parent_client, household):
    invoice = make_invoice(household, "42.50")
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    # The payment exists, committed and waiting, before the payer reaches the bank.
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.WAITING
    assert payment.total == Decimal("42.50") and payment.backend == "dummy"
    assert payment.transaction_id
    page, _ = pay_at_the_dummy_bank(parent_client, response)
    assert french("Your payment has been received") in html.unescape(page.content.decode())
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.receipt_number.startswith("R20")
    assert balances_of(invoice)[2] == Decimal("0.00")
    receipt = parent_client.get(f"/paiements/{payment.token}/recu.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_several_invoices_are_paid_at_once_oldest_first(parent_client, household):
    import datetime

    old = make_invoice(household, "10.10", issued_on=datetime.date(2026, 9, 30))
    new = make_invoice(household, "20.20", issued_on=datetime.date(2026, 10, 31))
    response = parent_client.post("/paiements/payer/", {"invoices": [new.pk, old.pk]})
    pay_at_the_dummy_bank(parent_client, response)
    payment = Payment.objects.get()
    assert payment.total == Decimal("30.30")
    allocations = {a.invoice_id: a.amount for a in PaymentAllocation.objects.all()}
    assert allocations == {old.pk: Decimal("10.10"), new.pk: Decimal("20.20")}


def test_part_of_one_invoice_can_be_paid(parent_client, household):
    invoice = make_invoice(household, "50.00")
    response = parent_client.post(
        "/paiements/payer/", {"invoices": [invoice.pk], "amount": "20,00"}
    )
    pay_at_the_dummy_bank(parent_client, response)
    assert balances_of(invoice)[2] == Decimal("30.00")
    # The rest can be paid later.
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert Payment.objects.order_by("-pk").first().total == Decimal("30.00")


def test_an_amount_above_the_balance_is_refused_in_french(parent_client, household):
    invoice = make_invoice(household, "50.00")
    response = parent_client.post(
        "/paiements/payer/", {"invoices": [invoice.pk], "amount": "50,01"}
    )
    assert response.status_code == 200
    assert french(
        "The amount cannot be more than what is left to pay (%(due)s €).", due="50,00"
    ) in errors(response)
    assert not Payment.objects.exists()


def test_a_partial_amount_on_several_invoices_is_refused(parent_client, household):
    first, second = make_invoice(household, "5.00"), make_invoice(household, "6.00")
    response = parent_client.post(
        "/paiements/payer/", {"invoices": [first.pk, second.pk], "amount": "3"}
    )
    assert french("A partial payment is possible for one invoice at a time.") in errors(response)
    assert not Payment.objects.exists()


def test_another_households_invoice_or_a_paid_one_cannot_be_paid(parent_client, household, commune):
    stranger = households.get_or_create_household(UserFactory(), commune)
    theirs = make_invoice(stranger, "12.00")
    response = parent_client.post("/paiements/payer/", {"invoices": [theirs.pk]})
    assert response.status_code == 200 and not Payment.objects.exists()
    assert errors(response)


def test_a_refusal_at_the_bank_leaves_the_invoice_to_pay(parent_client, household):
    invoice = make_invoice(household, "42.50")
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    page, payment = pay_at_the_dummy_bank(parent_client, response, outcome="refused")
    assert page.context["outcome"] == "failed"
    payment.refresh_from_db()
    # eopayment's dummy answers a refusal as an error.
    assert payment.status == PaymentStatus.ERROR
    assert balances_of(invoice)[2] == Decimal("42.50")
    assert parent_client.get(f"/paiements/{payment.token}/recu.pdf").status_code == 404


def test_only_the_household_sees_the_payment_and_its_receipt(
    parent_client, household, client, commune
):
    invoice = make_invoice(household, "8.00")
    pay_at_the_dummy_bank(
        parent_client, parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    )
    payment = Payment.objects.get()
    other = UserFactory()
    households.get_or_create_household(other, commune)
    parent_client.force_login(other)
    assert parent_client.get(f"/paiements/{payment.token}/recu.pdf").status_code == 404
    assert parent_client.get(f"/paiements/{payment.token}/").status_code == 404


def test_the_payment_pages_need_an_account(client, commune):
    response = client.get("/paiements/payer/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_dummy_backend_is_refused_in_production(settings, parent_client, household):
    """dummy trusts any « paid »: a production install never takes (or credits) one."""
    settings.ECOMMUNE_PAYMENTS_ALLOW_DUMMY = False
    invoice = make_invoice(household, "42.50")
    response = parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    assert response.status_code == 503
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.ERROR
    forged = parent_client.post(
        f"/paiements/banque/{payment.token}/",
        f"transaction_id={payment.transaction_id}&signed=1&ok=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert forged.status_code == 400
    assert balances_of(invoice)[2] == Decimal("42.50")


def test_the_return_page_says_when_the_bank_has_not_answered_yet(parent_client, household):
    invoice = make_invoice(household, "9.00")
    parent_client.post("/paiements/payer/", {"invoices": [invoice.pk]})
    payment = Payment.objects.get()
    page = parent_client.get(f"/paiements/{payment.token}/")
    assert page.context["outcome"] == "waiting"
    assert french("Your payment is being checked") in html.unescape(page.content.decode())
    assert parent_client.get(f"/paiements/{payment.token}/recu.pdf").status_code == 404


def test_an_account_without_invoices_is_told_nothing_is_left_to_pay(parent_client):
    page = parent_client.get("/paiements/payer/")
    assert page.status_code == 200
    assert french("Nothing is left to pay. Thank you.") in html.unescape(page.content.decode())
