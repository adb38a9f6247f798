"""Gapless invoice numbers, per commune and series, as French rules require.

A number is ``{prefix}{year}-{counter:06d}``: ``F2026-000123`` for invoices, ``A2026-000007``
for credit notes (avoirs). The series is prefix and year (``F2026``), so the counter starts
again at 1 each calendar year of issue. The ``InvoiceSequence`` row is locked with
``select_for_update`` and bumped in the caller's transaction: a rolled-back issue gives its
number back, and two issuers wait for each other, so there is no gap and no duplicate.
``take`` reserves a whole block at once (the billing run takes one block for the month).
"""

import datetime

from django.db import IntegrityError, transaction

from ecommune.payments.models import InvoiceKind, InvoiceSequence

PREFIXES = {InvoiceKind.INVOICE: "F", InvoiceKind.CREDIT_NOTE: "A"}
WIDTH = 6


def series_for(kind: str, issued_on: datetime.date) -> str:
    return f"{PREFIXES[InvoiceKind(kind)]}{issued_on.year}"


def format_number(series: str, counter: int) -> str:
    return f"{series}-{counter:0{WIDTH}d}"


def _locked_sequence(commune, series: str) -> InvoiceSequence:
    rows = InvoiceSequence.objects.for_commune(commune).select_for_update().filter(series=series)
    sequence = rows.first()
    if sequence is not None:
        return sequence
    try:
        # A savepoint: a concurrent creator wins the unique constraint, we lock its row.
        with transaction.atomic():
            InvoiceSequence.objects.create(commune=commune, series=series, last_number=0)
    except IntegrityError:
        pass
    return rows.get()


def lock_series(commune, kind: str, issued_on: datetime.date) -> InvoiceSequence:
    """Lock the series until the transaction ends (issuers of the commune wait here)."""
    return _locked_sequence(commune, series_for(kind, issued_on))


def take(commune, kind: str, issued_on: datetime.date, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive numbers; must run inside the issuing transaction."""
    if count <= 0:
        return []
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("Invoice numbers are taken inside the transaction that issues them.")
    series = series_for(kind, issued_on)
    sequence = _locked_sequence(commune, series)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return [format_number(series, counter) for counter in range(first, first + count)]


def next_number(commune, kind: str, issued_on: datetime.date) -> str:
    return take(commune, kind, issued_on, 1)[0]
