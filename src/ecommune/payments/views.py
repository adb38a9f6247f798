"""The resident's side of online payment, mounted under /paiements/: choosing what to pay,
the way to the bank, the page the bank sends the payer back to, the receipt, and the
commune's fake bank for the ``dummy`` backend. Thin views over ``settlement``."""

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from payments import PaymentStatus, RedirectNeeded
from payments.urls import process_data, static_callback

from ecommune.core.tenancy import require_commune
from ecommune.families.households import get_or_create_household, is_guardian
from ecommune.payments import receipts, settlement
from ecommune.payments.forms import PayForm
from ecommune.payments.models import Payment
from ecommune.payments.provider import BankUnreachable, EopaymentProvider

logger = logging.getLogger("ecommune.payments")


def _household(request):
    # As the family space does: the account's household, created empty on first use.
    return get_or_create_household(request.user, require_commune(request))


def _own_payment(request, token) -> Payment:
    """A payment of the household of the signed-in account; 404 for anyone else."""
    payment = get_object_or_404(Payment, token=str(token), commune=require_commune(request))
    if not is_guardian(request.user, payment.household):
        raise Http404
    return payment


@login_required
@require_http_methods(["GET", "POST"])
def pay(request):
    """Choose invoices (and, for one invoice, an amount), then go to the bank. The payment
    is committed before the bank is asked, so its answer always finds it."""
    household = _household(request)
    payable = list(settlement.payable_invoices(household, _all_ids(household)))
    if request.method == "POST":
        form = PayForm(request.POST, invoices=payable)
    else:
        wanted = [int(pk) for pk in request.GET.getlist("invoices") if pk.isdigit()]
        form = PayForm(invoices=payable, initial={"invoices": wanted})
    if request.method == "POST" and form.is_valid():
        try:
            payment = settlement.create_payment(
                user=request.user,
                household=household,
                invoices=form.chosen_invoices(),
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            try:
                bank_form = EopaymentProvider().get_form(payment)
            except RedirectNeeded as redirect_to:
                return redirect(str(redirect_to))
            except BankUnreachable as error:
                form.add_error(None, str(error))
                return render(
                    request,
                    "ecommune_payments/pay.html",
                    {"form": form, "payable": payable},
                    status=503,
                )
            return render(
                request,
                "ecommune_payments/bank_form.html",
                {"bank_form": bank_form, "payment": payment},
            )
    return render(request, "ecommune_payments/pay.html", {"form": form, "payable": payable})


def _all_ids(household):
    return list(household.invoices.values_list("pk", flat=True))


def _bank_commune(request):
    """The commune a bank's call is for: the host's; none (no commune serves this host)
    is a 404, logged."""
    try:
        return require_commune(request)
    except Http404:
        logger.warning(
            "bank notification on %s refused: no commune serves this host", request.get_host()
        )
        raise


@csrf_exempt
def bank_notification(request, token):
    """The per-payment notification URL: django-payments' ``process_data``, whose lookup
    (``get_payment_model()._default_manager``) only sees the host's commune's payments, so
    another commune's token is a 404 — logged with the host it came on."""
    commune = _bank_commune(request)
    try:
        return process_data(request, token)
    except Http404:
        logger.warning(
            "bank notification for payment token %s on %s refused: no such payment of commune %s",
            token,
            request.get_host(),
            commune.pk,
        )
        raise


@csrf_exempt
def bank_notification_static(request):
    """The fixed notification URL (banks that call one address): django-payments'
    ``static_callback``, the payment found among the host's commune's only (404 else)."""
    _bank_commune(request)
    return static_callback(request, variant="eopayment")


@login_required
def payment_return(request, token):
    """Where the bank sends the payer back: the outcome (paid, refused, waiting)."""
    payment = _own_payment(request, token)
    if request.GET and payment.status in settlement.OPEN_STATUSES:
        # Some banks tell the outcome on the way back too; it is checked like a notification.
        try:
            response = EopaymentProvider().bank_response(payment, request.META["QUERY_STRING"])
            payment = settlement.apply_response(payment, response)
        except Exception as error:
            logger.info("payment %s: return without a usable answer: %r", payment.reference, error)
            payment.refresh_from_db()  # a refused answer may have failed it (amount_checks)
    if payment.status == PaymentStatus.CONFIRMED or payment.status == PaymentStatus.REFUNDED:
        outcome = "paid"
    elif payment.status in settlement.OPEN_STATUSES:
        outcome = "waiting"
    else:
        outcome = "failed"
    return render(
        request,
        "ecommune_payments/return.html",
        {
            "payment": payment,
            "outcome": outcome,
            "allocations": payment.allocations.select_related("invoice"),
        },
    )


@login_required
def receipt(request, token):
    """The receipt (PDF) of a paid payment, for the guardians of its household only."""
    payment = _own_payment(request, token)
    if payment.status not in settlement.SETTLED_STATUSES:
        raise Http404
    response = HttpResponse(receipts.receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recu-{payment.receipt_number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def dummy_bank(request):
    """The ``dummy`` backend's bank, on the commune's own site (eopayment's public dummy
    service is not reachable from a town hall's network): no card, no money, two buttons."""
    commune = require_commune(request)
    transaction_id = request.POST.get("transaction_id") or request.GET.get("transaction_id", "")
    payment = get_object_or_404(
        Payment, commune=commune, backend="dummy", transaction_id=transaction_id
    )
    if request.method == "POST":
        # Like a real bank, the answer states the amount and currency taken.
        answer = {
            "transaction_id": transaction_id,
            "signed": "1",
            "amount": str(payment.total),
            "currency": payment.currency,
        }
        if request.POST.get("outcome") == "paid":
            answer["ok"] = "1"
        else:
            answer["reason"] = "refused"
        return redirect(payment.get_success_url() + "?" + urlencode(answer))
    return render(
        request,
        "ecommune_payments/dummy_bank.html",
        {"payment": payment, "transaction_id": transaction_id},
    )
