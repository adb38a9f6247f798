"""Invoices and payments in the register of processing (RGPD art. 30)."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.services import LEGAL_OBLIGATION, Processing, RegisterEntry, register_entries

register_entries.register(
    RegisterEntry(
        key="payments",
        title=_("Invoices and online payment"),
        order=30,
        processing=Processing(
            purpose=_("Invoicing the services used and collecting their payment online."),
            legal_basis=LEGAL_OBLIGATION,
            data=_(
                "The payer's name and address, the invoice lines, the payments and their "
                "references at the bank (never the card number, which only the bank sees)."
            ),
            retention=_("As long as the rules of public accounting require the receipts."),
            recipients=_("The town hall's treasury (régie) and the public accountant"),
        ),
    )
)
