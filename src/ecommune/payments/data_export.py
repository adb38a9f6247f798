"""The resident's invoices and payments in « Mes données » (``ecommune.accounts.exports``):
the invoices of their household with their lines, and the payments they made."""

from ecommune.accounts.exports import covers, exporters, own_fields
from ecommune.families.models import Guardian
from ecommune.payments.models import Invoice, Payment


@exporters.register("invoices")
def export_invoices(user) -> list[dict]:
    households = Guardian.objects.filter(user=user).values("household")
    invoices = (
        Invoice.objects.filter(household__in=households)
        .order_by("issued_on", "pk")
        .prefetch_related("lines")
    )
    return [
        {
            **own_fields(invoice, exclude=("billing_key",)),
            "lines": [own_fields(line) for line in invoice.lines.all()],
        }
        for invoice in invoices
    ]


@exporters.register("payments")
@covers("ecommune_payments.Payment.user")
def export_payments(user) -> list[dict]:
    payments = Payment.objects.filter(user=user).order_by("created", "pk")
    # The payment page's token and the provider's raw data are the kit's, not the resident's.
    return [own_fields(payment, exclude=("token", "extra_data")) for payment in payments]
