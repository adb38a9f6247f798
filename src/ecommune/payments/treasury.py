"""Treasury exports for the commune's agents (régie): payments received per day, and
invoices still to pay, as rows for the kit's CSV writer (``ecommune.core.csv_export``: ``;``,
decimal comma, UTF-8 with BOM, formulas defused). Money is summed as ``Decimal``: the
total line is the exact sum of the lines. Amounts are ``Figure`` cells, numbers the kit
computed, so a spreadsheet adds them up, negative ones included.

Always scoped to one commune, given explicitly.
"""

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import FraudStatus, PaymentStatus

from ecommune.core.csv_export import Figure
from ecommune.payments.amount_checks import money
from ecommune.payments.balances import ZERO, with_balances
from ecommune.payments.models import Invoice, InvoiceKind, Payment, PaymentAllocation

PAID_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)


def euros(amount: Decimal) -> Figure:
    """``12,50``: the amount the French way, a ``Figure`` the CSV writer keeps as a number."""
    return Figure(amount, places=2)


def _day_bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    last = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return first, last


def paid_payments(commune, start: datetime.date, end: datetime.date):
    """The commune's payments received from ``start`` to ``end`` (both included)."""
    first, last = _day_bounds(start, end)
    return (
        Payment.objects.filter(
            commune=commune, status__in=PAID_STATUSES, paid_at__gte=first, paid_at__lt=last
        )
        .select_related("household")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("invoice").order_by(
                    "invoice__number"
                ),
            )
        )
        .order_by("paid_at", "pk")
    )


def payments_rows(commune, start, end) -> tuple[list[list[str]], Decimal]:
    rows, total = [], ZERO
    for payment in paid_payments(commune, start, end):
        total += payment.total
        rows.append(
            [
                timezone.localtime(payment.paid_at).date().isoformat(),
                payment.reference,
                payment.receipt_number,
                f"{payment.household_id} {payment.household}".strip(),
                euros(payment.total),
                payment.backend,
                " ".join(allocation.invoice.number for allocation in payment.allocations.all()),
            ]
        )
    return rows, total


def payments_table(commune, start, end) -> list[list[str]]:
    """The payments export: header, a line per payment, the total line."""
    rows, total = payments_rows(commune, start, end)
    header = [
        _("Date"),
        _("Reference"),
        _("Receipt"),
        _("Household"),
        _("Amount (€)"),
        _("Backend"),
        _("Invoices"),
    ]
    footer = [_("Total"), "", "", "", euros(total), "", ""]
    return [header, *rows, footer]


def held_payments(commune) -> list[dict]:
    """The commune's payments the bank answered « paid » for another amount or currency
    (or without saying): nothing credited, for an agent to check (``amount_checks``);
    each with what the bank last reported."""
    rows = []
    held = Payment.objects.filter(commune=commune, fraud_status=FraudStatus.REVIEW)
    for payment in held.select_related("household").order_by("-modified", "-pk"):
        last = (getattr(payment.attrs, "amount_mismatches", None) or [{}])[-1]
        amount = Decimal(last["amount"]) if last.get("amount") else None
        rows.append({"payment": payment, "reported": money(amount, last.get("currency"))})
    return rows


def unpaid_invoices(commune):
    return (
        with_balances(Invoice.objects.for_commune(commune).filter(kind=InvoiceKind.INVOICE))
        .filter(balance__gt=ZERO)
        .select_related("household")
        .order_by("issued_on", "pk")
    )


def unpaid_rows(commune) -> tuple[list[list[str]], Decimal]:
    rows, total = [], ZERO
    for invoice in unpaid_invoices(commune):
        total += invoice.balance
        rows.append(
            [
                invoice.number,
                invoice.payer_name,
                invoice.issued_on.isoformat(),
                invoice.due_on.isoformat(),
                euros(invoice.total),
                euros(invoice.paid_amount),
                euros(invoice.credited_amount),
                euros(invoice.balance),
            ]
        )
    return rows, total


def unpaid_table(commune) -> list[list[str]]:
    """The unpaid invoices export: header, a line per invoice, the total line."""
    rows, total = unpaid_rows(commune)
    header = [
        _("Invoice"),
        _("Payer"),
        _("Issued on"),
        _("Due on"),
        _("Total (€)"),
        _("Paid (€)"),
        _("Credited (€)"),
        _("Left to pay (€)"),
    ]
    footer = [_("Total"), "", "", "", "", "", "", euros(total)]
    return [header, *rows, footer]
