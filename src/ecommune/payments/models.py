"""Invoices, credit notes and online payments of a commune.

Money is ``Decimal`` to the cent, never float. An issued invoice is never changed:
a correction is a credit note (an ``Invoice`` of kind ``credit_note`` pointing at the
invoice it corrects). Numbers come from ``InvoiceSequence``, one gapless counter per
commune and series, taken under a row lock in the transaction that issues the invoice.

A ``Payment`` (django-payments) may settle several invoices, and an invoice may be
settled by several payments: ``PaymentAllocation`` says how much of which payment went
to which invoice. Refunds are recorded against the payment they give back.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from payments.models import BasePayment
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ecommune.core.tenancy import CommuneOwned
from ecommune.payments.backends import BACKEND_CHOICES, validate_options

ZERO = Decimal("0.00")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceSequence(CommuneOwned):
    """The last number given in one series of one commune (no gaps: the row is locked
    with ``select_for_update`` while the next number is taken and the invoice saved)."""

    series = models.CharField(_("series"), max_length=20)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")
        constraints = [
            models.UniqueConstraint(fields=["commune", "series"], name="invoice_sequence_unique")
        ]

    def __str__(self):
        return f"{self.series}: {self.last_number}"


class Invoice(CommuneOwned):
    """An issued invoice (or credit note) for a household; immutable once saved."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=30)
    household = models.ForeignKey(
        "ecommune_families.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    # What makes a billing run idempotent: one invoice per household, month and source.
    billing_key = models.CharField(max_length=100, blank=True, editable=False)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    total = models.DecimalField(_("total (€)"), max_digits=10, decimal_places=2)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    reason = models.TextField(_("reason"), blank=True)
    # The payer as on the day of issue (an invoice does not change when an address does).
    payer_name = models.CharField(_("payer"), max_length=300)
    payer_address = models.CharField(_("payer's address"), max_length=300, blank=True)
    payer_email = models.EmailField(_("payer's email"), blank=True)
    last_reminder_on = models.DateField(_("last reminder on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "number"], name="invoice_number_unique"),
            models.UniqueConstraint(
                fields=["commune", "billing_key"],
                condition=~models.Q(billing_key=""),
                name="invoice_billing_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["commune", "household", "issued_on"])]

    def __str__(self):
        return self.number

    # What may change on an issued invoice: only the reminder bookkeeping.
    MUTABLE_FIELDS = frozenset({"last_reminder_on"})

    def save(self, *args, **kwargs):
        """Refuse any change to an issued invoice but its reminder date (corrections are
        credit notes: ``ecommune.payments.invoices.issue_credit_note``)."""
        if self.pk is not None and not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise IssuedInvoiceError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedInvoiceError(self)


class IssuedInvoiceError(Exception):
    """An issued invoice was about to be changed or deleted."""

    def __init__(self, invoice):
        super().__init__(f"Invoice {invoice.number} is issued: make a credit note instead.")


class InvoiceLine(models.Model):
    """One line: a child's sessions of one activity (or any other billed item)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("label"), max_length=300)
    child_name = models.CharField(_("child"), max_length=300, blank=True)
    service_date = models.DateField(_("date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (€)"), max_digits=9, decimal_places=2)
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "pk"]

    def __str__(self):
        return self.label


class Payment(CommuneOwned, BasePayment):
    """One online payment through django-payments (our eopayment provider), for one or
    more invoices of one household.

    Commune-owned: its default manager, which django-payments' own views use to find the
    payment a bank's notification names (``get_payment_model()._default_manager``), only
    sees the current commune's payments, so a notification or a return on commune A's
    host never reaches commune B's payment."""

    # Kept from before the payment became ``CommuneOwned``: a commune's payments are
    # accounting records, never deleted with it (``PROTECT``, not ``CASCADE``).
    commune = models.ForeignKey(
        "ecommune_core.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    household = models.ForeignKey(
        "ecommune_families.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The reference sent to the bank (PayFiP's refdet: [A-Za-z0-9]{1,30}).
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=30, blank=True)
    # The eopayment backend that took the payment: the commune may change backends while a
    # payment waits, and its notification must be checked by the backend that issued it.
    backend = models.CharField(_("payment backend"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created"]

    def __str__(self):
        return self.reference

    def get_process_url(self) -> str:
        from django.urls import reverse

        return reverse("ecommune_payments:notify", kwargs={"token": self.token})

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("ecommune_payments:return", kwargs={"token": self.token})

    get_failure_url = get_success_url

    @property
    def invoice_ids(self) -> list[int]:
        """The invoices the payer chose, oldest first (allocated on confirmation)."""
        return list(getattr(self.attrs, "invoice_ids", None) or [])


class PaymentAllocation(models.Model):
    """How much of a payment settles which invoice (partial payments, several at once)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique")
        ]

    def __str__(self):
        return f"{self.payment} → {self.invoice}: {self.amount}"


class Refund(models.Model):
    """Money given back on a payment, in full or in part."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("reason"), blank=True)
    through_backend = models.BooleanField(_("refunded through the bank"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.payment}: −{self.amount}"


class InvoicingSettings(CommuneOwned):
    """A commune's invoicing settings: its SIRET (seller of the Factur-X invoices), the
    time to pay and when unpaid invoices are reminded."""

    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, help_text=_("14 digits, printed on invoices.")
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"), default=30, help_text=_("The due date is this many days after issue.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder delay in days"),
        default=15,
        help_text=_(
            "An unpaid invoice is reminded this many days after its due date, then again "
            "every this many days; 0 sends no reminder."
        ),
    )

    class Meta:
        verbose_name = _("invoicing settings")
        verbose_name_plural = _("invoicing settings")
        constraints = [
            models.UniqueConstraint(fields=["commune"], name="invoicing_settings_one_per_commune")
        ]

    def __str__(self):
        return str(_("Invoicing settings"))

    @classmethod
    def for_commune(cls, commune) -> "InvoicingSettings":
        """The commune's settings (the defaults, unsaved, until an agent sets them)."""
        found = cls.objects.for_commune(commune).first()
        return found or cls(commune=commune)


@register_setting(icon="cog")
class PaymentAccount(BaseSiteSetting):
    """A commune's online payment: its eopayment backend and that backend's options
    (PayFiP's client number and mode...), edited under Settings by the commune's
    administrators. ``dummy`` until the commune signs with a bank or the DGFiP."""

    backend = models.CharField(
        _("payment backend"), max_length=20, choices=BACKEND_CHOICES, default="dummy"
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_(
            'A JSON object, for PayFiP: {"numcli": "123456", "saisie": "T"} (T test, '
            "X activation, W production). The return and notification URLs are added by "
            "ecommune."
        ),
    )

    class Meta:
        verbose_name = _("online payment")

    def __str__(self):
        return self.get_backend_display()

    def clean(self):
        super().clean()
        try:
            validate_options(self.backend, self.options)
        except ValidationError as error:
            raise ValidationError({"options": error.messages}) from error
