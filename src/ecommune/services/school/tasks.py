"""Background work of the school service: the invoice notices of a billing run, queued
after the run commits so the run itself stays a fixed number of queries."""

from ecommune.core.tasks_api import task
from ecommune.core.tenancy import in_commune


@task()
@in_commune
def send_invoice_notices_task(invoice_ids: list[int]) -> int:
    """Queue the « invoice issued » emails of these invoices of the commune (enqueued as
    ``send_invoice_notices_task.enqueue(commune_id, invoice_ids)``); returns how many."""
    from ecommune.payments.models import Invoice
    from ecommune.payments.notices import send_invoice_notices

    invoices = Invoice.objects.filter(pk__in=invoice_ids).select_related("commune")
    return send_invoice_notices(invoices.order_by("pk"))
