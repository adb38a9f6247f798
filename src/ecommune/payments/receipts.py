"""The receipt of a paid payment, as PDF (WeasyPrint): what was paid, when, by whom and for
which invoices, under the commune's gapless receipt number."""

from django.template.loader import render_to_string
from django.utils import timezone


def receipt_pdf(payment) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "ecommune_payments/receipt.html",
        {
            "payment": payment,
            "commune": payment.commune,
            "allocations": payment.allocations.select_related("invoice").order_by(
                "invoice__issued_on", "invoice__pk"
            ),
            "paid_at": timezone.localtime(payment.paid_at) if payment.paid_at else None,
        },
    )
    return HTML(string=html).write_pdf()
