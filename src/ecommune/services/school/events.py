"""The school service's notification events (their default wording is in templates)."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

_INVOICE_VARIABLES = {
    "number": _("the invoice's number, such as F2026-000123"),
    "total": _("the invoice's total in euros"),
    "balance": _("what is left to pay in euros"),
    "due_on": _("the date by which to pay"),
    "period": _("the month the invoice is for"),
    "invoices_url": _("the address of the page listing the family's invoices"),
}

events.register(
    Event(
        "school.invoice_issued",
        _("A household's invoice is issued"),
        channels=("email",),
        variables=_INVOICE_VARIABLES,
    )
)
events.register(
    Event(
        "school.invoice_reminder",
        _("A household is reminded of an unpaid invoice"),
        channels=("email",),
        variables=_INVOICE_VARIABLES,
    )
)
