"""Emails about invoices, through the outbox: the notice when one is issued and the
reminders of unpaid ones after the commune's delay.

Every legal guardian of the household gets them. A reminder is claimed by a
conditional update of ``last_reminder_on`` before it is queued, so two runs on the
same day (or two workers) never remind the same invoice twice within the delay.
"""

import datetime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from ecommune.families.models import Guardian
from ecommune.notifications.services import notify
from ecommune.payments.balances import unpaid
from ecommune.payments.models import Invoice, InvoicingSettings


def _invoices_url(commune) -> str:
    try:
        return commune.public_url(reverse("ecommune_invoices:list"))
    except NoReverseMatch:  # pragma: no cover  (a site without the family space)
        return commune.public_url("/")


def _period(invoice) -> str:
    if invoice.period_start is None:
        return date_format(invoice.issued_on, "F Y")
    return date_format(invoice.period_start, "F Y")


def _context(invoice, url, balance=None) -> dict:
    return {
        "number": invoice.number,
        "total": f"{invoice.total:.2f}".replace(".", ","),
        "balance": f"{(invoice.total if balance is None else balance):.2f}".replace(".", ","),
        "due_on": date_format(invoice.due_on, "j F Y"),
        "period": _period(invoice),
        "invoices_url": url,
    }


def _emails_by_household(commune_id, invoices) -> dict[int, list[str]]:
    emails: dict[int, list[str]] = {}
    guardians = (
        Guardian.objects.for_commune(commune_id)
        .filter(household_id__in={invoice.household_id for invoice in invoices})
        .values_list("household_id", "user__email")
    )
    for household_id, email in guardians:
        if email:
            emails.setdefault(household_id, []).append(email)
    return emails


def send_invoice_notices(invoices) -> int:
    """Queue the « your invoice is ready » email to each guardian of these invoices of one
    commune; returns how many."""
    invoices = list(invoices)
    if not invoices:
        return 0
    emails = _emails_by_household(invoices[0].commune_id, invoices)
    urls = {}
    queued = 0
    for invoice in invoices:
        commune = invoice.commune
        url = urls.setdefault(commune.pk, _invoices_url(commune))
        for email in emails.get(invoice.household_id, []):
            queued += len(
                notify(
                    "school.invoice_issued",
                    commune=commune,
                    context=_context(invoice, url),
                    email=email,
                    service="school",
                    related_reference=invoice.number,
                    idempotency_key=f"invoice-issued:{invoice.pk}:{email}",
                )
            )
    return queued


def due_for_reminder(commune, today: datetime.date, settings=None):
    """Unpaid invoices due ``reminder_days`` ago or more, not reminded within the delay."""
    from django.db.models import Q

    settings = settings or InvoicingSettings.for_commune(commune)
    if not settings.reminder_days:
        return Invoice.objects.for_commune(commune).none()
    cutoff = today - datetime.timedelta(days=settings.reminder_days)
    return (
        unpaid(Invoice.objects.for_commune(commune))
        .filter(due_on__lte=cutoff)
        .filter(Q(last_reminder_on__isnull=True) | Q(last_reminder_on__lte=cutoff))
        .select_related("commune")
        .order_by("pk")
    )


def send_reminders(commune, today: datetime.date | None = None) -> int:
    """Remind every unpaid invoice that is due for it; returns how many invoices."""
    today = today or timezone.localdate()
    invoices = list(due_for_reminder(commune, today))
    emails = _emails_by_household(commune.pk, invoices)
    url = _invoices_url(commune)
    reminded = 0
    for invoice in invoices:
        with transaction.atomic():
            claimed = (
                Invoice.objects.for_commune(commune)
                .filter(pk=invoice.pk, last_reminder_on=invoice.last_reminder_on)
                .update(last_reminder_on=today)
            )
            if not claimed:
                continue
            for email in emails.get(invoice.household_id, []):
                notify(
                    "school.invoice_reminder",
                    commune=commune,
                    context=_context(invoice, url, invoice.balance),
                    email=email,
                    service="school",
                    related_reference=invoice.number,
                    idempotency_key=f"invoice-reminder:{invoice.pk}:{today}:{email}",
                )
            reminded += 1
    return reminded
