"""What is left to pay on invoices, computed in the database.

An issued invoice never changes, so its balance is derived, never stored:
``balance = total − credited − paid``, where *paid* sums the allocations of
confirmed payments and *credited* sums the credit notes that correct it.
``with_balances`` adds these as annotations through correlated subqueries, so a
list of any length costs one query (and joins cannot multiply the sums).

Stable API (the payment views and treasury exports use it):
``with_balances(queryset)``, ``status_of(invoice, today=None)``, ``InvoiceStatus``.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from payments import PaymentStatus

from ecommune.payments.models import Invoice, InvoiceKind, PaymentAllocation

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=12, decimal_places=2)


class InvoiceStatus(TextChoices):
    TO_PAY = "to_pay", _("To pay")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")
    # A credit note itself: nothing to pay.
    CREDIT_NOTE = "credit_note", _("Credit note")


def paid_subquery():
    """Sum of confirmed payment allocations of the outer invoice."""
    allocations = (
        PaymentAllocation.objects.filter(
            invoice=OuterRef("pk"), payment__status=PaymentStatus.CONFIRMED
        )
        .order_by()
        .values("invoice")
        .annotate(amount_sum=Sum("amount"))
        .values("amount_sum")
    )
    return Coalesce(Subquery(allocations, output_field=MONEY), Value(ZERO), output_field=MONEY)


def credited_subquery():
    """Sum of the totals of the credit notes correcting the outer invoice."""
    notes = (
        Invoice._base_manager.filter(corrects=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE)
        .order_by()
        .values("corrects")
        .annotate(total_sum=Sum("total"))
        .values("total_sum")
    )
    return Coalesce(Subquery(notes, output_field=MONEY), Value(ZERO), output_field=MONEY)


def with_balances(queryset):
    """Annotate invoices with ``paid_amount``, ``credited_amount`` and ``balance``.

    A credit note's balance is zero: it is not something to pay.
    """
    return queryset.annotate(
        paid_amount=paid_subquery(),
        credited_amount=credited_subquery(),
    ).annotate(
        balance=Case(
            When(kind=InvoiceKind.CREDIT_NOTE, then=Value(ZERO)),
            default=F("total") - F("credited_amount") - F("paid_amount"),
            output_field=MONEY,
        )
    )


def balances_of(invoice):
    """``(paid, credited, balance)`` of one invoice, annotated or not."""
    if not hasattr(invoice, "balance"):
        annotated = with_balances(Invoice._base_manager.filter(pk=invoice.pk)).get()
        invoice.paid_amount = annotated.paid_amount
        invoice.credited_amount = annotated.credited_amount
        invoice.balance = annotated.balance
    return invoice.paid_amount, invoice.credited_amount, invoice.balance


def status_of(invoice, today=None) -> InvoiceStatus:
    """The invoice's status on ``today``; ``.label`` is the French wording.

    Fully credited → cancelled; nothing left → paid; something left after the due
    date → overdue; otherwise to pay (a partly paid invoice is still to pay).
    """
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return InvoiceStatus.CREDIT_NOTE
    today = today or timezone.localdate()
    _paid, credited, balance = balances_of(invoice)
    if credited >= invoice.total:
        return InvoiceStatus.CANCELLED
    if balance <= ZERO:
        return InvoiceStatus.PAID
    if invoice.due_on < today:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.TO_PAY


def unpaid(queryset):
    """Invoices (not credit notes) with something left to pay."""
    return with_balances(queryset).filter(kind=InvoiceKind.INVOICE, balance__gt=ZERO)
