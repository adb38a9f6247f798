"""« Mon agenda » (``ecommune.accounts.agenda``): the due dates of the household's invoices
left to pay."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ecommune.accounts.agenda import AgendaItem, AgendaSource
from ecommune.families.households import household_of
from ecommune.payments.balances import InvoiceStatus, status_of, with_balances
from ecommune.payments.models import Invoice


def invoice_items(user, commune, today):
    household = household_of(user, commune)
    if household is None:
        return
    invoices = with_balances(Invoice.objects.filter(household=household, due_on__gte=today))
    url = reverse("ecommune_invoices:list")
    for invoice in invoices.order_by("due_on"):
        if status_of(invoice, today) != InvoiceStatus.TO_PAY:
            continue
        yield AgendaItem(
            uid=f"invoice-{invoice.number}@{commune.pk}.agenda.ecommune",
            title=_("Invoice %(number)s due: %(amount)s € left to pay")
            % {"number": invoice.number, "amount": number_format(invoice.balance, 2)},
            day=invoice.due_on,
            kind=_("Invoice"),
            url=url,
        )


SOURCE = AgendaSource(name="invoices", items=invoice_items, order=30)
