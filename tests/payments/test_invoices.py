"""Issuing invoices and credit notes: gapless numbers per commune and series, an issued
invoice never changed, credit notes within what is left, balances and statuses, the
Factur-X PDF, the family's invoice pages and the reminders of unpaid invoices."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from payments import PaymentStatus

from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.payments import invoices as issuing
from ecommune.payments.balances import InvoiceStatus, status_of, with_balances
from ecommune.payments.models import (
    Invoice,
    InvoicingSettings,
    IssuedInvoiceError,
    Payment,
    PaymentAllocation,
)
from ecommune.payments.notices import send_reminders
from ecommune.testing.factories import UserFactory
from tests.school.billing_setup import make_family

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 12, 1)
D = Decimal


def lines(*amounts):
    return [
        issuing.LineDraft(label=f"Cantine {n}", quantity=D(1), unit_price=D(amount))
        for n, amount in enumerate(amounts, start=1)
    ]


@pytest.fixture
def family(commune):
    return make_family(commune, qf=400)


def issue(household, *amounts, **kwargs):
    kwargs.setdefault("issued_on", ISSUED)
    kwargs.setdefault("send_notice", False)
    return issuing.issue_invoice(household, lines(*amounts), **kwargs)


def pay(invoice, amount, status=PaymentStatus.CONFIRMED, reference="R1"):
    payment = Payment.objects.create(
        commune=invoice.commune,
        household=invoice.household,
        variant="eopayment",
        currency="EUR",
        total=D(amount),
        status=status,
        reference=reference,
    )
    PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=D(amount))
    return payment


# Numbers ---------------------------------------------------------------------------------


def test_numbers_follow_each_other_per_series_and_year(commune, other_commune, family):
    _user, household, _kids = family
    first = issue(household, "10.00")
    second = issue(household, "5.50")
    note = issuing.issue_credit_note(second, reason="Absence signalée", issued_on=ISSUED)
    next_year = issue(household, "3.00", issued_on=datetime.date(2027, 1, 4))
    assert [first.number, second.number] == ["F2026-000001", "F2026-000002"]
    assert note.number == "A2026-000001"
    assert next_year.number == "F2027-000001"
    # Another commune has its own series.
    _u, elsewhere, _k = make_family(other_commune, name="Ailleurs")
    with tenancy.using(other_commune):
        assert issue(elsewhere, "1.00").number == "F2026-000001"


def test_a_failed_issue_gives_its_number_back(family):
    _user, household, _kids = family
    with pytest.raises(ValidationError):
        issuing.issue_invoice(household, [], issued_on=ISSUED)
    # A line that cannot be computed fails after the number was taken: it is given back.
    broken = [issuing.LineDraft(label="x", quantity=None, unit_price=D("1.00"))]
    with pytest.raises(TypeError):
        issuing.issue_invoice(household, broken, issued_on=ISSUED, send_notice=False)
    assert issue(household, "2.00").number == "F2026-000001"


def test_the_same_billing_key_returns_the_invoice_already_issued(family):
    _user, household, _kids = family
    first = issue(household, "4.00", billing_key="school:2026-11:household:1")
    again = issue(household, "9.99", billing_key="school:2026-11:household:1")
    assert again.pk == first.pk and Invoice.unscoped.count() == 1


# An issued invoice never changes -----------------------------------------------------------


def test_an_issued_invoice_cannot_be_changed_or_deleted(family):
    _user, household, _kids = family
    invoice = issue(household, "10.00")
    invoice.total = D("1.00")
    with pytest.raises(IssuedInvoiceError):
        invoice.save()
    with pytest.raises(IssuedInvoiceError):
        invoice.save(update_fields=["total"])
    with pytest.raises(IssuedInvoiceError):
        invoice.delete()
    invoice.refresh_from_db()
    assert invoice.total == D("10.00")
    # Only the reminder bookkeeping may move.
    invoice.last_reminder_on = ISSUED
    invoice.save(update_fields=["last_reminder_on"])


# Credit notes --------------------------------------------------------------------------------


def test_credit_notes_for_lines_then_an_amount_then_the_rest(family):
    _user, household, _kids = family
    invoice = issue(household, "4.20", "4.20", "1.10")
    second_line = invoice.lines.all()[1]
    by_line = issuing.issue_credit_note(
        invoice, reason="Absence du 9", line_ids=[second_line.pk], issued_on=ISSUED
    )
    assert by_line.kind == "credit_note" and by_line.corrects == invoice
    assert by_line.total == D("4.20") and by_line.lines.get().label == "Cantine 2"
    by_amount = issuing.issue_credit_note(
        invoice, reason="Geste", amount=D("1.00"), issued_on=ISSUED
    )
    assert by_amount.total == D("1.00")
    annotated = with_balances(Invoice.objects.filter(pk=invoice.pk)).get()
    assert annotated.credited_amount == D("5.20") and annotated.balance == D("4.30")
    assert status_of(annotated, ISSUED) == InvoiceStatus.TO_PAY
    with pytest.raises(ValidationError, match="4.30"):
        issuing.issue_credit_note(invoice, reason="Trop", amount=D("5.00"), issued_on=ISSUED)
    rest = issuing.issue_credit_note(invoice, reason="Annulation", issued_on=ISSUED)
    assert rest.total == D("4.30")
    assert status_of(Invoice.objects.get(pk=invoice.pk), ISSUED) == InvoiceStatus.CANCELLED
    assert status_of(rest, ISSUED) == InvoiceStatus.CREDIT_NOTE
    invoice.refresh_from_db()
    assert invoice.total == D("9.50")  # the invoice itself is untouched


def test_a_credit_note_needs_a_reason_and_lines_of_the_invoice(family):
    _user, household, _kids = family
    invoice = issue(household, "4.20")
    other = issue(household, "3.00")
    with pytest.raises(ValidationError):
        issuing.issue_credit_note(invoice, reason="  ")
    with pytest.raises(ValidationError):
        issuing.issue_credit_note(invoice, reason="x", line_ids=[other.lines.get().pk])
    note = issuing.issue_credit_note(invoice, reason="x")
    with pytest.raises(ValidationError):
        issuing.issue_credit_note(note, reason="a credit note of a credit note")


def test_the_credit_note_is_recorded_in_the_audit_trail(commune, family):
    from ecommune.accounts.models import AuditEvent
    from ecommune.testing.factories import AgentFactory

    _user, household, _kids = family
    agent = AgentFactory(commune=commune).user
    invoice = issue(household, "4.20")
    note = issuing.issue_credit_note(invoice, reason="Erreur de tarif", actor=agent)
    event = AuditEvent.objects.get(action="payments.credit_note_issued")
    assert event.actor == agent and note.number in event.summary


# Balances and statuses ----------------------------------------------------------------------


def test_paid_to_pay_and_overdue(family):
    _user, household, _kids = family
    paid = issue(household, "10.00")
    part = issue(household, "10.00")
    waiting = issue(household, "10.00")
    pay(paid, "10.00", reference="R1")
    pay(part, "4.00", reference="R2")
    pay(waiting, "10.00", status=PaymentStatus.WAITING, reference="R3")
    rows = {i.pk: i for i in with_balances(Invoice.objects.all())}
    assert rows[paid.pk].paid_amount == D("10.00") and rows[paid.pk].balance == D("0.00")
    assert rows[part.pk].balance == D("6.00")
    assert rows[waiting.pk].paid_amount == D("0.00")  # a payment not confirmed does not count
    assert status_of(rows[paid.pk], ISSUED) == InvoiceStatus.PAID
    assert status_of(rows[part.pk], ISSUED) == InvoiceStatus.TO_PAY
    late = ISSUED + datetime.timedelta(days=31)
    assert status_of(rows[part.pk], late) == InvoiceStatus.OVERDUE


def test_balances_of_a_list_cost_one_query(family):
    _user, household, _kids = family
    for n in range(5):
        pay(issue(household, "3.00"), "1.00", reference=f"P{n}")
    with CaptureQueriesContext(connection) as queries:
        rows = list(with_balances(Invoice.objects.all()))
        statuses = [status_of(row, ISSUED) for row in rows]
    assert len(queries) == 1 and statuses == [InvoiceStatus.TO_PAY] * 5


# PDF and Factur-X ----------------------------------------------------------------------------


def test_the_pdf_carries_a_valid_factur_x_xml_with_the_totals(commune, family):
    from facturx import get_xml_from_pdf, xml_check_xsd

    from ecommune.payments.invoice_documents import invoice_pdf

    InvoicingSettings.unscoped.create(commune=commune, siret="21440109300015")
    _user, household, _kids = family
    invoice = issue(household, "4.20", "0.90")
    pdf = invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF")
    filename, xml = get_xml_from_pdf(io.BytesIO(pdf), check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    ns = {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    }
    assert tree.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=ns) == invoice.number
    assert tree.findtext(".//ram:TypeCode", namespaces=ns) == "380"
    assert tree.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "5.10"
    assert tree.findtext(".//ram:DuePayableAmount", namespaces=ns) == "5.10"
    seller = tree.find(".//ram:SellerTradeParty", namespaces=ns)
    assert seller.findtext("ram:Name", namespaces=ns) == commune.name
    assert seller.findtext(".//ram:SpecifiedLegalOrganization/ram:ID", namespaces=ns) == (
        "21440109300015"
    )
    buyer = tree.find(".//ram:BuyerTradeParty", namespaces=ns)
    assert buyer.findtext("ram:Name", namespaces=ns) == invoice.payer_name
    assert len(tree.findall(".//ram:IncludedSupplyChainTradeLineItem", namespaces=ns)) == 2


def test_a_credit_note_pdf_refers_to_its_invoice(family):
    from facturx import get_xml_from_pdf

    from ecommune.payments.invoice_documents import invoice_pdf

    _user, household, _kids = family
    invoice = issue(household, "4.20")
    note = issuing.issue_credit_note(invoice, reason="Absence", issued_on=ISSUED)
    _name, xml = get_xml_from_pdf(io.BytesIO(invoice_pdf(note)), check_xsd=True)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert invoice.number.encode() in xml


# The family's pages ----------------------------------------------------------------------------


def test_a_guardian_lists_the_invoices_with_their_status(client, family):
    user, household, _kids = family
    paid = issue(household, "10.00")
    pay(paid, "10.00")
    issue(household, "7.50", issued_on=datetime.date(2026, 9, 1))  # overdue by now
    client.force_login(user)
    page = client.get("/famille/factures/")
    html = page.content.decode()
    assert page.status_code == 200
    assert paid.number in html and "F2026-000002" in html
    assert str(InvoiceStatus.PAID.label) in html and str(InvoiceStatus.OVERDUE.label) in html
    family_page = client.get("/famille/").content.decode()
    assert "/famille/factures/" in family_page


def test_only_a_guardian_of_the_household_downloads_the_pdf(client, commune, family):
    user, household, _kids = family
    invoice = issue(household, "4.20")
    url = f"/famille/factures/{invoice.number}.pdf"
    assert client.get(url).status_code == 302  # sign in first
    stranger, _other, _k = make_family(commune, name="Autre")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())  # an account without any household
    assert client.get(url).status_code == 404
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_expired_qf_is_said_on_the_invoices_page(client, commune):
    user, household, _kids = make_family(
        commune, qf=400, qf_valid_until=datetime.date(2020, 1, 1), name="Expire"
    )
    client.force_login(user)
    html = client.get("/famille/factures/").content.decode()
    assert "/famille/quotient-familial/" in html and 'role="status"' in html


# Notices and reminders -----------------------------------------------------------------------


def test_an_issued_invoice_is_announced_to_every_guardian(commune, family):
    user, household, _kids = family
    from ecommune.families.models import Guardian

    second = UserFactory(email="second@example.org")
    Guardian.unscoped.create(commune=commune, household=household, user=second)
    invoice = issue(household, "4.20", send_notice=True)
    recipients = set(
        OutboxMessage.unscoped.filter(event="school.invoice_issued").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {user.email, second.email}
    assert invoice.number in OutboxMessage.unscoped.first().subject


def test_unpaid_invoices_are_reminded_once_per_delay(commune, family):
    _user, household, _kids = family
    InvoicingSettings.unscoped.create(commune=commune, payment_days=30, reminder_days=10)
    unpaid = issue(household, "4.20")  # due 31 December
    paid = issue(household, "3.00")
    pay(paid, "3.00")
    due = unpaid.due_on
    assert send_reminders(commune, due + datetime.timedelta(days=9)) == 0
    assert send_reminders(commune, due + datetime.timedelta(days=10)) == 1
    assert send_reminders(commune, due + datetime.timedelta(days=10)) == 0  # same day again
    assert send_reminders(commune, due + datetime.timedelta(days=19)) == 0
    assert send_reminders(commune, due + datetime.timedelta(days=20)) == 1
    reminders = OutboxMessage.unscoped.filter(event="school.invoice_reminder")
    assert reminders.count() == 2 and all(unpaid.number in m.subject for m in reminders)
    unpaid.refresh_from_db()
    assert unpaid.last_reminder_on == due + datetime.timedelta(days=20)


def test_the_reminders_command(commune, family, capsys):
    _user, household, _kids = family
    issue(household, "4.20", issued_on=datetime.date(2020, 1, 1))
    call_command("ecommune_invoice_reminders", "--commune", commune.insee_code)
    assert "1 invoice(s) reminded" in capsys.readouterr().out
    call_command("ecommune_invoice_reminders")
    assert "0 invoice(s) reminded" in capsys.readouterr().out
