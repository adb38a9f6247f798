"""The family's invoices under /famille/factures/: list with status, PDF download (for a
legal guardian of the household only) and the choice of invoices to pay online; and the
link to them on the family space's page (a section of ``ecommune.families.space``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ecommune.core.tenancy import require_commune
from ecommune.families import households
from ecommune.families.space import Section
from ecommune.payments.balances import InvoiceStatus, status_of, with_balances
from ecommune.payments.invoice_documents import invoice_pdf, pdf_filename
from ecommune.payments.models import Invoice


def _household(request):
    return households.household_of(request.user, require_commune(request))


@login_required
def invoices(request):
    household = _household(request)
    today = timezone.localdate()
    rows = []
    if household is not None:
        queryset = with_balances(
            Invoice.objects.filter(household=household).select_related("corrects")
        )
        for invoice in queryset:
            invoice.status = status_of(invoice, today)
            rows.append(invoice)
    payable = [
        invoice
        for invoice in rows
        if invoice.status in (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE)
    ]
    qf_expired = (
        household is not None
        and household.quotient_familial is not None
        and household.qf_on(today) is None
    )
    return render(
        request,
        "ecommune_payments/invoices.html",
        {
            "household": household,
            "invoices": rows,
            "payable": payable,
            "qf_expired": qf_expired,
            "statuses": InvoiceStatus,
        },
    )


@login_required
def invoice_download(request, number):
    """The PDF (Factur-X) of one of the household's invoices; 404 for anyone else."""
    household = _household(request)
    if household is None:
        raise Http404
    invoice = (
        Invoice.objects.filter(household=household, number=number)
        .select_related("commune", "household", "corrects")
        .first()
    )
    if invoice is None:
        raise Http404
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    return response


#: « My invoices » on the family space's page.
FAMILY_SECTION = Section(
    name="invoices", template="ecommune_payments/family_section.html", order=20
)
