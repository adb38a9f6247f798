"""Invoices and credit notes as PDF, and as Factur-X for e-invoicing.

WeasyPrint draws the PDF as PDF/A-3b; the ``factur-x`` library builds the CII XML
(profile EN 16931: header and lines) from a data dictionary, checks it against the
standard's XSD and embeds it as ``factur-x.xml`` with the XMP metadata that makes the
file a Factur-X invoice. The seller is the commune (its SIRET from
``InvoicingSettings`` when set); the buyer is the payer as printed on the invoice.

A commune's canteen and after-school care are public services outside the scope of
VAT (article 256 B of the Code général des impôts): category ``O``, no VAT amount.
"""

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ecommune.payments.models import InvoiceKind, InvoicingSettings

OUT_OF_SCOPE = "O"
VAT_EXEMPTION = "Non assujetti à la TVA (article 256 B du CGI)"
UNIT = "C62"  # one (a session, a meal)


def _money(value) -> str:
    return f"{value:.2f}"


def _seller(commune, settings) -> dict:
    seller = {
        "name": commune.name,
        "addr_l1": commune.street_address or commune.name,
        "postcode": commune.address_postal_code or commune.postal_codes.split(",")[0].strip(),
        "city": commune.address_city or commune.name,
        "country_code": "FR",
    }
    if settings.siret:
        # SIRET: ISO 6523 scheme 0009.
        seller["legal_identifier"] = settings.siret
        seller["legal_identifier_schemeid"] = "0009"
    if commune.contact_email:
        seller["contacts"] = [{"email": commune.contact_email}]
    return seller


def _buyer(invoice) -> dict:
    buyer = {"name": invoice.payer_name, "country_code": "FR"}
    home = invoice.household.home()
    if invoice.payer_address:
        buyer["addr_l1"] = home.street or invoice.payer_address
        if home.postal_code:
            buyer["postcode"] = home.postal_code
        if home.city:
            buyer["city"] = home.city
    if invoice.payer_email:
        buyer["contacts"] = [{"email": invoice.payer_email}]
    return buyer


def facturx_data(invoice, lines) -> dict:
    """The EN 16931 data of ``invoice`` in the ``factur-x`` library's terms (BT/BG keys)."""
    commune = invoice.commune
    settings = InvoicingSettings.for_commune(commune)
    total = _money(invoice.total)
    data = {
        "BT-1": invoice.number,
        "BT-2": invoice.issued_on,
        "BT-3": "381" if invoice.kind == InvoiceKind.CREDIT_NOTE else "380",
        "BT-5": "EUR",
        "BG-4": _seller(commune, settings),
        "BG-7": _buyer(invoice),
        "BT-9": invoice.due_on,
        # The delivery date (the header's delivery block may not be empty).
        "BT-72": invoice.period_end or invoice.issued_on,
        "BG-23": [
            {
                "BT-116": total,
                "BT-117": "0.00",
                "BT-118": OUT_OF_SCOPE,
                "BT-120": VAT_EXEMPTION,
            }
        ],
        "BT-106": total,
        "BT-109": total,
        "BT-110": "0.00",
        "BT-112": total,
        "BT-115": total,
        "BG-25": [
            {
                "BT-126": str(position),
                "BT-129": f"{line.quantity:g}",
                "BT-130": UNIT,
                "BT-131": _money(line.amount),
                "BT-146": _money(line.unit_price),
                "BT-151": OUT_OF_SCOPE,
                "BT-153": (
                    line.label if not line.child_name else f"{line.child_name} — {line.label}"
                )[:300],
            }
            for position, line in enumerate(lines, start=1)
        ],
    }
    if invoice.period_start and invoice.period_end:
        data["BT-73"] = invoice.period_start
        data["BT-74"] = invoice.period_end
    if invoice.corrects_id:
        data["BG-3"] = [{"BT-25": invoice.corrects.number, "BT-26": invoice.corrects.issued_on}]
    if invoice.reason:
        data["BG-1"] = [{"BT-22": invoice.reason[:500]}]
    return data


def facturx_xml(invoice, lines=None) -> bytes:
    """The CII XML of ``invoice``, checked against the Factur-X EN 16931 XSD."""
    from facturx import generate_cii_xml

    lines = list(invoice.lines.all()) if lines is None else lines
    return generate_cii_xml(facturx_data(invoice, lines), level="en16931", check_schematron=False)


def invoice_html(invoice, lines) -> str:
    return render_to_string(
        "ecommune_payments/invoice_pdf.html",
        {
            "invoice": invoice,
            "lines": lines,
            "commune": invoice.commune,
            "settings": InvoicingSettings.for_commune(invoice.commune),
            "is_credit_note": invoice.kind == InvoiceKind.CREDIT_NOTE,
            "vat_exemption": VAT_EXEMPTION,
            "default_price_note": _("default price, no valid quotient familial"),
        },
    )


def invoice_pdf(invoice) -> bytes:
    """The invoice as a Factur-X PDF/A-3b (the XML embedded, checked against its XSD)."""
    from facturx import generate_from_binary
    from weasyprint import HTML

    lines = list(invoice.lines.all())
    pdf = HTML(string=invoice_html(invoice, lines)).write_pdf(pdf_variant="pdf/a-3b")
    xml = facturx_xml(invoice, lines)
    title = (
        _("Credit note %(number)s")
        if invoice.kind == InvoiceKind.CREDIT_NOTE
        else _("Invoice %(number)s")
    ) % {"number": invoice.number}
    return generate_from_binary(
        io.BytesIO(pdf).getvalue(),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": invoice.commune.name,
            "keywords": "Factur-X",
            "title": title,
            "subject": title,
        },
        lang="fr-FR",
    )


def pdf_filename(invoice) -> str:
    return f"{invoice.number}.pdf"
