"""The back office of the canteen's invoices: the commune's invoices with their status,
one invoice with its lines and its credit notes, the credit-note form, and the monthly
billing run. Agents handling the « school » service (and superusers) get in; every
action is recorded in the audit trail."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.backoffice import back_office
from ecommune.core.dates import DateField, validate_year
from ecommune.core.tenancy import require_commune
from ecommune.payments import invoices as issuing
from ecommune.payments.balances import InvoiceStatus, status_of, with_balances
from ecommune.payments.invoice_documents import invoice_pdf, pdf_filename
from ecommune.payments.models import Invoice, InvoiceKind
from ecommune.services.school.admin_views import SCHOOL_AGENTS, AgentOnlyMixin
from ecommune.services.school.billing import run_billing

PER_PAGE = 50


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or payer"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *InvoiceStatus.choices]
    )


class InvoiceListView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    page_title = _("Invoices")
    header_icon = "doc-full"
    template_name = "ecommune_school/admin/invoices.html"
    # A filter form read from the query string: nothing to post.
    http_method_names = ["get", "head", "options"]
    form_class = InvoiceFilterForm

    def get_form_kwargs(self):
        return {"data": self.request.GET or None}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from django.db.models import Q

        context = super().get_context_data(**kwargs)
        commune = require_commune(self.request)
        queryset = Invoice.objects.filter(commune=commune)
        form = context["form"]
        wanted_status = ""
        if form.is_bound and form.is_valid():
            if form.cleaned_data["q"]:
                text = form.cleaned_data["q"].strip()
                queryset = queryset.filter(
                    Q(number__icontains=text) | Q(payer_name__icontains=text)
                )
            wanted_status = form.cleaned_data["status"]
        today = timezone.localdate()
        queryset = with_balances(queryset.select_related("corrects"))
        if wanted_status == InvoiceStatus.CREDIT_NOTE:
            queryset = queryset.filter(kind=InvoiceKind.CREDIT_NOTE)
        elif wanted_status:
            queryset = queryset.filter(kind=InvoiceKind.INVOICE)
            if wanted_status == InvoiceStatus.PAID:
                queryset = queryset.filter(balance__lte=0)
            elif wanted_status in (InvoiceStatus.TO_PAY, InvoiceStatus.OVERDUE):
                queryset = queryset.filter(balance__gt=0)
                queryset = (
                    queryset.filter(due_on__lt=today)
                    if wanted_status == InvoiceStatus.OVERDUE
                    else queryset.filter(due_on__gte=today)
                )
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))
        for invoice in page.object_list:
            invoice.status = status_of(invoice, today)
        context.update(page=page, invoices=page.object_list)
        return context


def get_invoice(request, number) -> Invoice:
    invoice = (
        Invoice.objects.filter(commune=require_commune(request), number=number)
        .select_related("household", "corrects", "commune")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the credit note the family receives."),
    )
    lines = forms.TypedMultipleChoiceField(
        label=_("Lines to credit"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Or an amount below; with neither, the whole invoice is credited."),
    )
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        required=False,
        min_value=0.01,
        max_digits=10,
        decimal_places=2,
        localize=True,
    )

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [
            (line.pk, f"{line.child_name} — {line.label} — {line.amount} €".strip(" —"))
            for line in invoice.lines.all()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lines") and cleaned.get("amount"):
            raise ValidationError(_("Choose lines or give an amount, not both."))
        return cleaned


class InvoiceDetailView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """One invoice: its lines, payments, credit notes, and the credit-note form."""

    header_icon = "doc-full"
    template_name = "ecommune_school/admin/invoice.html"
    form_class = CreditNoteForm

    def dispatch(self, request, *args, **kwargs):
        self.invoice = get_invoice(request, kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.invoice.number)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_school_invoices"), "label": _("Invoices")},
            {"url": "", "label": self.invoice.number},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invoice": self.invoice}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = with_balances(Invoice.objects.filter(pk=self.invoice.pk)).get()
        context.update(
            invoice=invoice,
            status=status_of(invoice),
            lines=invoice.lines.all(),
            credit_notes=invoice.credit_notes.all(),
            allocations=invoice.allocations.select_related("payment"),
            can_credit=invoice.kind == InvoiceKind.INVOICE
            and invoice.credited_amount < invoice.total,
        )
        return context

    def form_valid(self, form):
        try:
            note = issuing.issue_credit_note(
                self.invoice,
                reason=form.cleaned_data["reason"],
                line_ids=form.cleaned_data["lines"] or None,
                amount=form.cleaned_data["amount"],
                actor=self.request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    target = field if field in form.fields else None
                    if field == "line_ids":
                        target = "lines"
                    form.add_error(target, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Credit note %(number)s issued.") % {"number": note.number},
        )
        return redirect("ecommune_school_invoice", number=self.invoice.number)


@back_office(SCHOOL_AGENTS)
def invoice_pdf_view(request, number):
    invoice = get_invoice(request, number)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(invoice)}"'
    return response


def _last_month(today):
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first.year}-{first.month:02}"


class BillingRunForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        help_text=_("As YYYY-MM, such as 2026-11."),
        error_messages={"invalid": _("Give the month as YYYY-MM, such as 2026-11.")},
    )
    issued_on = DateField(
        label=_("Issue date"),
        required=False,
        help_text=_("Today when empty."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        validate_year(int(month[:4]))
        return month


class BillingRunView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """The month's billing run; running it again only bills the households not billed."""

    page_title = _("Monthly billing run")
    header_icon = "doc-full"
    template_name = "ecommune_school/admin/billing_run.html"
    form_class = BillingRunForm

    def get_initial(self):
        return {"month": _last_month(timezone.localdate())}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_school_invoices"), "label": _("Invoices")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        commune = require_commune(self.request)
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        result = run_billing(
            commune,
            year,
            month,
            issued_on=form.cleaned_data["issued_on"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            _(
                "%(month)s: %(count)s invoices issued (%(total)s €); "
                "%(skipped)s households were already billed."
            )
            % {
                "month": form.cleaned_data["month"],
                "count": len(result.issued),
                "total": result.total,
                "skipped": result.skipped,
            },
        )
        return redirect("ecommune_school_invoices")


class InvoicingSettingsForm(forms.ModelForm):
    # Spaces are allowed as typed (« 214 401 093 00015 »), then removed.
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)

    class Meta:
        from ecommune.payments.models import InvoicingSettings

        model = InvoicingSettings
        fields = ["siret", "payment_days", "reminder_days"]

    def clean_siret(self):
        siret = self.cleaned_data["siret"].replace(" ", "")
        if siret and (len(siret) != 14 or not siret.isdigit()):
            raise ValidationError(_("A SIRET has 14 digits."))
        return siret


class InvoicingSettingsView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """The commune's SIRET, days to pay and reminder delay."""

    page_title = _("Invoicing settings")
    header_icon = "cog"
    template_name = "ecommune_school/admin/billing_run.html"
    form_class = InvoicingSettingsForm

    def get_form_kwargs(self):
        from ecommune.payments.models import InvoicingSettings

        instance = InvoicingSettings.for_commune(require_commune(self.request))
        return {**super().get_form_kwargs(), "instance": instance}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_school_invoices"), "label": _("Invoices")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "settings_page": True}

    def form_valid(self, form):
        from ecommune.accounts.audit import audit

        saved = form.save()
        audit(self.request, "payments.invoicing_settings_changed", saved, str(form.changed_data))
        messages.success(self.request, _("Invoicing settings saved."))
        return redirect("ecommune_school_invoices")
