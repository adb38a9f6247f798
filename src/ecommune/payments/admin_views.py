"""The agents' side of payments in the back office: the commune's payments with their
refunds, recording a refund, and the treasury exports (CSV). Superusers and agents of the
commune who handle the school service (which bills the canteen) get in; every list is the
agent's own commune's."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.backoffice import BackOfficeMixin, agents_of, back_office
from ecommune.core import csv_export
from ecommune.core.tenancy import require_commune
from ecommune.payments import settlement, treasury
from ecommune.payments.forms import PeriodForm, RefundForm
from ecommune.payments.models import Payment

SERVICE_SLUG = "school"


#: The agents of the school service, whose invoices these payments settle.
PAYMENT_AGENTS = agents_of(SERVICE_SLUG)
can_handle_payments = PAYMENT_AGENTS.allows


class AgentOnlyMixin(BackOfficeMixin):
    access = PAYMENT_AGENTS


def _default_period():
    today = timezone.localdate()
    return today.replace(day=1), today


class TreasuryView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """Payments received over a period (default: this month), with links to the exports
    and to each payment's refunds."""

    page_title = _("Payments and treasury")
    header_icon = "table"
    template_name = "ecommune_payments/admin/treasury.html"
    # A filter form read from the query string: nothing to post.
    http_method_names = ["get", "head", "options"]
    form_class = PeriodForm

    def get_form_kwargs(self):
        start, end = _default_period()
        data = self.request.GET if self.request.GET else {"start": start, "end": end}
        return {"data": data}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        start, end = _default_period()
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        commune = require_commune(self.request)
        rows, total = treasury.payments_rows(commune, start, end)
        unpaid_rows, unpaid_total = treasury.unpaid_rows(commune)
        context.update(
            payments=treasury.paid_payments(commune, start, end),
            held=treasury.held_payments(commune),
            total=treasury.euros(total),
            unpaid_count=len(unpaid_rows),
            unpaid_total=treasury.euros(unpaid_total),
            start=start,
            end=end,
        )
        return context


def _period(request) -> tuple[datetime.date, datetime.date]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"]
    return _default_period()


@back_office(PAYMENT_AGENTS)
def payments_csv(request):
    start, end = _period(request)
    rows = treasury.payments_table(require_commune(request), start, end)
    return csv_export.response(rows, f"paiements-{start.isoformat()}-{end.isoformat()}.csv")


@back_office(PAYMENT_AGENTS)
def unpaid_csv(request):
    rows = treasury.unpaid_table(require_commune(request))
    return csv_export.response(rows, f"impayes-{timezone.localdate().isoformat()}.csv")


class RefundView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """Record a refund, full or partial, on a paid payment of the commune."""

    header_icon = "table"
    template_name = "ecommune_payments/admin/refund.html"
    form_class = RefundForm

    def dispatch(self, request, *args, **kwargs):
        self.payment = get_object_or_404(
            Payment, reference=kwargs["reference"], commune=require_commune(request)
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Refund on payment %(reference)s") % {"reference": self.payment.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_payments_treasury"), "label": _("Payments and treasury")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        refunded = settlement.refunded_amount(self.payment)
        context.update(
            payment=self.payment,
            refunds=self.payment.refunds.select_related("created_by"),
            refundable=treasury.euros(self.payment.captured_amount - refunded),
        )
        return context

    def form_valid(self, form):
        try:
            refund = settlement.record_refund(
                self.payment,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("amount", message)
            return self.form_invalid(form)
        if refund.through_backend:
            messages.success(self.request, _("The refund has been sent to the bank."))
        else:
            messages.success(
                self.request,
                _("The refund has been recorded: the treasury makes the transfer."),
            )
        return redirect("ecommune_payments_refund", reference=self.payment.reference)
