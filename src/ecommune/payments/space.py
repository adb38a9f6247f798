"""« Mon espace » (``ecommune.accounts.space``): the household's invoices left to pay."""

from django.utils import timezone

from ecommune.accounts.space import Section
from ecommune.core.tenancy import require_commune
from ecommune.families.households import household_of
from ecommune.payments.balances import InvoiceStatus, status_of, with_balances
from ecommune.payments.models import Invoice


def invoices_context(request):
    household = household_of(request.user, require_commune(request))
    if household is None:
        return {"household": None, "to_pay": []}
    today = timezone.localdate()
    to_pay = []
    for invoice in with_balances(Invoice.objects.filter(household=household)).order_by("due_on"):
        invoice.status = status_of(invoice, today)
        if invoice.status in (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE):
            to_pay.append(invoice)
    return {"household": household, "to_pay": to_pay, "statuses": InvoiceStatus}


SECTION = Section(
    name="invoices",
    template="ecommune_payments/space_section.html",
    context=invoices_context,
    order=30,
)
