"""Treasury exports for the commune's agents (régie): payments received per day, and
invoices still to pay, as CSV that a spreadsheet opens as is (``;``, decimal comma, UTF-8
with BOM). Money is summed as ``Decimal``: the total line is the exact sum of the lines.

Always scoped to one commune, given explicitly.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import PaymentStatus

from ecommune.payments.balances import ZERO, with_balances
from ecommune.payments.models import Invoice, InvoiceKind, Payment, PaymentAllocation

PAID_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)


def euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


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


def payments_csv(commune, start, end) -> str:
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
    return _csv([header, *rows, footer])


def unpaid_invoices(commune):
    return (
        with_balances(Invoice.unscoped.filter(commune=commune, kind=InvoiceKind.INVOICE))
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


def unpaid_csv(commune) -> str:
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
    return _csv([header, *rows, footer])


def _csv(rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()
