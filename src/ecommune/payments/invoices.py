"""Issuing invoices and credit notes.

An invoice gets its number, its lines and its total in one transaction, so a failure
leaves neither a number used nor a half-written invoice. Once issued it never changes
(``Invoice.save`` refuses it): a correction is a credit note (avoir) for the whole
invoice, some of its lines, or an amount, with a reason. Credit notes carry positive
totals and point at the invoice they correct (``balances`` subtracts them).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.payments import numbering
from ecommune.payments.models import Invoice, InvoiceKind, InvoiceLine, InvoicingSettings

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass
class LineDraft:
    """A line to issue; ``amount`` defaults to quantity × unit price, to the cent."""

    label: str
    quantity: Decimal
    unit_price: Decimal
    child_name: str = ""
    service_date: datetime.date | None = None
    amount: Decimal | None = None

    def line_amount(self) -> Decimal:
        if self.amount is not None:
            return self.amount.quantize(CENT)
        return (Decimal(self.quantity) * self.unit_price).quantize(CENT)


@dataclass
class Payer:
    name: str
    address: str
    email: str


def payer_of(household, guardians=None) -> Payer:
    """The household's first legal guardian and address, as printed on the invoice."""
    if guardians is None:
        guardians = list(household.guardians.select_related("user"))
    first = guardians[0].user if guardians else None
    name = ""
    email = ""
    if first is not None:
        name = first.get_full_name() or first.email
        email = first.email
    home = household.home(guardians)
    return Payer(name=name or str(household), address=str(home) if home else "", email=email)


def due_date(commune, issued_on: datetime.date, settings=None) -> datetime.date:
    settings = settings or InvoicingSettings.for_commune(commune)
    return issued_on + datetime.timedelta(days=settings.payment_days)


def build_invoice(household, number, lines, *, issued_on, due_on, payer, **fields) -> Invoice:
    """An unsaved invoice with its total (the lines are attached as ``drafts``)."""
    total = sum((line.line_amount() for line in lines), ZERO)
    invoice = Invoice(
        commune_id=household.commune_id,
        household=household,
        number=number,
        issued_on=issued_on,
        due_on=due_on,
        total=total,
        payer_name=payer.name[:300],
        payer_address=payer.address[:300],
        payer_email=payer.email,
        **fields,
    )
    invoice.drafts = lines
    return invoice


def line_rows(invoice) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice=invoice,
            position=position,
            label=line.label[:300],
            child_name=line.child_name[:300],
            service_date=line.service_date,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.line_amount(),
        )
        for position, line in enumerate(invoice.drafts, start=1)
    ]


def _max_parameters(connection) -> int:
    """SQLite's real limit (32,766 since 3.32) rather than Django's prudent 999."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            return 999
    return connection.features.max_query_params or 40000


def insert_invoices(invoices, key_prefix: str) -> None:
    """Save many new invoices (with ``billing_key`` starting with ``key_prefix``) in as few
    statements as the database allows, and set their ids.

    PostgreSQL takes them in one ``bulk_create``. On SQLite Django splits a bulk insert every
    999 parameters (one statement per 58 invoices): here one multi-row ``INSERT`` per
    SQLite's real limit, then one query reads the ids back by billing key.
    """
    from django.db import connections, router

    if not invoices:
        return
    alias = router.db_for_write(Invoice)
    connection = connections[alias]
    if connection.vendor != "sqlite":
        Invoice.objects.for_commune(invoices[0].commune_id).bulk_create(invoices)
        return
    fields = [field for field in Invoice._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608  (names from the model)
        quote(Invoice._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = [
        [field.get_db_prep_save(field.pre_save(invoice, True), connection) for field in fields]
        for invoice in invoices
    ]
    per_statement = _max_parameters(connection) // len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row]
            )
    commune_id = invoices[0].commune_id
    ids = dict(
        Invoice.objects.for_commune(commune_id)
        .filter(billing_key__startswith=key_prefix)
        .values_list("billing_key", "pk")
        .iterator()
    )
    for invoice in invoices:
        invoice.pk = ids[invoice.billing_key]
        invoice._state.adding = False
        invoice._state.db = alias


def insert_lines(invoices) -> int:
    """Insert the draft lines of saved ``invoices`` with plain multi-row INSERTs: for a
    billing run of thousands of invoices, building an ``InvoiceLine`` per line and Django's
    bulk insert cost more than the rest of the run. Returns the number of lines."""
    from django.db import connections, router

    alias = router.db_for_write(InvoiceLine)
    connection = connections[alias]
    ops = connection.ops
    fields = [
        InvoiceLine._meta.get_field(name)
        for name in (
            "invoice",
            "position",
            "label",
            "child_name",
            "service_date",
            "quantity",
            "unit_price",
            "amount",
        )
    ]
    quote = ops.quote_name
    rows = [
        (
            invoice.pk,
            position,
            line.label[:300],
            line.child_name[:300],
            ops.adapt_datefield_value(line.service_date),
            ops.adapt_decimalfield_value(line.quantity, 8, 2),
            ops.adapt_decimalfield_value(line.unit_price, 9, 2),
            ops.adapt_decimalfield_value(line.line_amount(), 10, 2),
        )
        for invoice in invoices
        for position, line in enumerate(invoice.drafts, start=1)
    ]
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement, far quicker than INSERTs for many lines.
        columns = ", ".join(quote(field.column) for field in fields)
        with connection.cursor() as cursor:
            copy_sql = f"COPY {quote(InvoiceLine._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    # Multi-row INSERTs, as many rows a statement as the database takes parameters.
    per_statement = _max_parameters(connection) // len(fields)
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608  (names from the model)
        quote(InvoiceLine._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row]
            )
    return len(rows)


def issue_invoice(
    household,
    lines: list[LineDraft],
    *,
    issued_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    billing_key: str = "",
    actor=None,
    send_notice: bool = True,
) -> Invoice:
    """Number and save one invoice with its lines; with a ``billing_key`` already issued,
    return that invoice instead (idempotent)."""
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."))
    commune = household.commune
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        # The lock on the series serialises issuers of this commune: the key check is safe.
        numbering.lock_series(commune, InvoiceKind.INVOICE, issued_on)
        if billing_key:
            existing = Invoice.objects.for_commune(commune).filter(billing_key=billing_key).first()
            if existing is not None:
                return existing
        invoice = build_invoice(
            household,
            numbering.next_number(commune, InvoiceKind.INVOICE, issued_on),
            lines,
            issued_on=issued_on,
            due_on=due_on or due_date(commune, issued_on),
            payer=payer_of(household),
            billing_key=billing_key,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
        )
        invoice.save()
        InvoiceLine.objects.bulk_create(line_rows(invoice))
        if actor is not None:
            from ecommune.accounts.audit import audit

            audit(actor, "payments.invoice_issued", invoice, invoice.number, commune=commune)
        if send_notice:
            from ecommune.payments.notices import send_invoice_notices

            send_invoice_notices([invoice])
    return invoice


def creditable(invoice) -> Decimal:
    """What is left to credit on ``invoice`` (its total less earlier credit notes)."""
    from django.db.models import Sum

    credited = (
        Invoice.objects.for_commune(invoice.commune_id)
        .filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE)
        .aggregate(total=Sum("total"))["total"]
        or ZERO
    )
    return invoice.total - credited


def issue_credit_note(
    invoice: Invoice,
    *,
    reason: str,
    line_ids=None,
    amount: Decimal | None = None,
    issued_on: datetime.date | None = None,
    actor=None,
) -> Invoice:
    """A credit note for the whole invoice (neither ``line_ids`` nor ``amount``), some of
    its lines, or an amount; never more than is left to credit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the credit note.")})
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError(_("Only an invoice can be credited."))
    issued_on = issued_on or timezone.localdate()
    commune = invoice.commune
    with transaction.atomic():
        # Lock the invoice so two agents cannot credit the same amount twice.
        invoice = Invoice.objects.for_commune(commune).select_for_update().get(pk=invoice.pk)
        left = creditable(invoice)
        if line_ids:
            chosen = list(invoice.lines.filter(pk__in=line_ids))
            if len(chosen) != len(set(line_ids)):
                raise ValidationError({"line_ids": _("Some lines are not on this invoice.")})
            drafts = [
                LineDraft(
                    label=line.label,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    child_name=line.child_name,
                    service_date=line.service_date,
                    amount=line.amount,
                )
                for line in chosen
            ]
        else:
            amount = left if amount is None else Decimal(amount).quantize(CENT)
            if amount <= ZERO:
                raise ValidationError({"amount": _("The amount must be more than zero.")})
            drafts = [
                LineDraft(
                    label=_("Correction of invoice %(number)s") % {"number": invoice.number},
                    quantity=Decimal("1"),
                    unit_price=amount,
                    amount=amount,
                )
            ]
        total = sum((draft.line_amount() for draft in drafts), ZERO)
        if total > left:
            raise ValidationError(
                {
                    "amount": _("At most %(amount)s € is left to credit on this invoice.")
                    % {"amount": left}
                }
            )
        note = build_invoice(
            invoice.household,
            numbering.next_number(commune, InvoiceKind.CREDIT_NOTE, issued_on),
            drafts,
            issued_on=issued_on,
            due_on=issued_on,
            payer=Payer(invoice.payer_name, invoice.payer_address, invoice.payer_email),
            kind=InvoiceKind.CREDIT_NOTE,
            corrects=invoice,
            reason=reason,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
        )
        note.save()
        InvoiceLine.objects.bulk_create(line_rows(note))
        if actor is not None:
            from ecommune.accounts.audit import audit

            audit(
                actor,
                "payments.credit_note_issued",
                note,
                f"{note.number} → {invoice.number}: {total} € ({reason})"[:500],
                commune=commune,
            )
    return note
