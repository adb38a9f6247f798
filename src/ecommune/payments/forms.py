"""The resident's payment form and the agents' refund and export forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.core.dates import DateField


def euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


class PayForm(forms.Form):
    """Which invoices to pay; an amount (a partial payment) when one invoice is paid."""

    invoices = forms.TypedMultipleChoiceField(
        label=_("Invoices to pay"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    amount = forms.DecimalField(
        label=_("Amount to pay (€)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        help_text=_("Leave empty to pay the whole balance. A part is possible for one invoice."),
    )

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.payable = {invoice.pk: invoice for invoice in invoices}
        self.fields["invoices"].choices = [
            (invoice.pk, f"{invoice.number} — {euros(invoice.balance)} €") for invoice in invoices
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("invoices") or []
        amount = cleaned.get("amount")
        if amount is not None and len(chosen) > 1:
            self.add_error("amount", _("A partial payment is possible for one invoice at a time."))
        elif amount is not None and len(chosen) == 1:
            balance = self.payable[chosen[0]].balance
            if amount > balance:
                self.add_error(
                    "amount",
                    _("The amount cannot be more than what is left to pay (%(due)s €).")
                    % {"due": euros(balance)},
                )
        return cleaned

    def chosen_invoices(self):
        return [self.payable[pk] for pk in self.cleaned_data["invoices"]]


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (€)"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodForm(forms.Form):
    start = DateField(
        label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = DateField(
        label=_("To"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end date comes before the start date."))
        return cleaned
