"""The django-payments provider that bridges to eopayment, so every French backend eopayment
speaks (PayFiP ``payfip_ws``, TIPI, Paybox, SystemPay, Sips...) works by configuration.

The backend and its options are the commune's (``PaymentAccount``, under Settings), not the
install's: one ``eopayment`` variant serves every commune. The return and notification URLs
are built per payment on the commune's own domain. What a bank's answer *means* for
invoices (confirming, allocating, failing) is ``ecommune.payments.settlement``'s business;
this module only speaks to the bank and checks what it says.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import reverse
from django.utils.translation import gettext as _
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments.core import BasicProvider

from ecommune.core import tenancy
from ecommune.payments.hosts import host_of

logger = logging.getLogger("ecommune.payments")

# Backends whose request() accepts a free ``subject`` (others turn unknown keywords into
# fields they then refuse).
SUBJECT_BACKENDS = {"dummy", "payfip_ws", "tipi"}
PAYFIP_BACKENDS = {"payfip_ws"}


class BankUnreachable(PaymentError):
    """The bank's service could not be asked for a payment (network, configuration)."""


@dataclass
class BankForm:
    """A form the payer's browser posts to the bank (SystemPay, Paybox...)."""

    url: str
    method: str
    fields: list[dict]


def account_of(commune):
    from ecommune.payments.models import PaymentAccount

    return PaymentAccount.for_site(commune.site)


def absolute_url(commune, path: str) -> str:
    """An address on the commune's own site, as django-payments' ``get_base_url`` builds it
    for the current commune (``PAYMENT_USES_SSL``)."""
    scheme = "https" if getattr(settings, "PAYMENT_USES_SSL", True) else "http"
    return urljoin(f"{scheme}://{host_of(commune)}", path)


class DummyRefused(Exception):
    """The ``dummy`` backend trusts anyone who says « paid »: never in production."""


def dummy_allowed() -> bool:
    return getattr(
        settings, "ECOMMUNE_PAYMENTS_ALLOW_DUMMY", not getattr(settings, "PRODUCTION", False)
    )


class OtherCommune(PaymentError):
    """A payment reached on another commune's host (or in another commune's task)."""


def check_commune(payment) -> None:
    """Refuse (log and raise ``OtherCommune``) unless ``payment`` is the current commune's:
    a bank's answer is only ever taken on the payment's own commune's host, and checked
    with that commune's payment account."""
    current = tenancy.get_current_commune()
    if current is None or current.pk != payment.commune_id:
        logger.warning(
            "payment %s of commune %s: answer refused, it came for commune %s",
            payment.reference,
            payment.commune_id,
            getattr(current, "pk", None),
        )
        raise OtherCommune("this payment is not the current commune's", code=404)


def backend_of(payment) -> tuple[str, dict]:
    """The backend that took ``payment`` and the commune's options for it (none when the
    commune has since moved to another backend)."""
    account = account_of(payment.commune)
    backend = payment.backend or account.backend
    options = dict(account.options or {}) if account.backend == backend else {}
    return backend, options


def eopayment_for(payment):
    """An ``eopayment.Payment`` for this payment's backend, with the commune's options and
    this payment's return and notification URLs."""
    import eopayment

    backend, options = backend_of(payment)
    if backend == "dummy" and not dummy_allowed():
        raise DummyRefused("the dummy payment backend is refused in production")
    options["normal_return_url"] = absolute_url(payment.commune, payment.get_success_url())
    options["automatic_return_url"] = absolute_url(payment.commune, payment.get_process_url())
    bank = eopayment.Payment(backend, options, logger=logger)
    if backend in PAYFIP_BACKENDS and getattr(settings, "ECOMMUNE_PAYFIP_SERVICE_URL", ""):
        _point_payfip_at(bank.backend, settings.ECOMMUNE_PAYFIP_SERVICE_URL)
    return bank


def _point_payfip_at(backend, service_url: str) -> None:
    """Send PayFiP's SOAP calls to ``service_url`` (a recorded-responses server in tests, a
    proxy in some installs); eopayment itself always uses the DGFiP's address."""
    client = backend.payfip.client
    client._default_service = client.create_service(
        "{http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
        "contrat_paiement_securise/PaiementSecuriseService}PaiementSecuriseServicePortBinding",
        service_url,
    )


def dummy_bank_url(payment) -> str:
    """Where the dummy backend sends the payer: the commune's own test bank page (a path on
    the same site), unless the commune set eopayment's public dummy service in its options."""
    return reverse("ecommune_payments:dummy_bank")


class EopaymentProvider(BasicProvider):
    """``PAYMENT_VARIANTS = {"eopayment": ("ecommune.payments.provider.EopaymentProvider",
    {})}``: one variant, the commune's backend chosen per payment."""

    def get_form(self, payment, data=None):
        """Ask the bank for a payment; raise ``RedirectNeeded`` to its page, or return a
        ``BankForm`` to post there. The payment row is committed before this is called, so
        a bank that answers late always finds it; on failure it is left as ``error``."""
        try:
            bank = eopayment_for(payment)
            kwargs = {
                "email": payment.billing_email or None,
                "orderid": payment.reference,
                "transaction_id": payment.reference,
            }
            if bank.kind in SUBJECT_BACKENDS and payment.description:
                kwargs["subject"] = payment.description
            transaction_id, kind, data = bank.request(payment.total, **kwargs)
        except Exception as error:  # any failure of the bank's service or of its options
            logger.warning("payment %s: the bank could not be asked: %r", payment.reference, error)
            payment.change_status(PaymentStatus.ERROR, f"request failed: {error!r}"[:1000])
            raise BankUnreachable(
                _(
                    "The payment service cannot be reached at the moment. Nothing has been "
                    "paid: please try again later."
                )
            ) from error
        payment.transaction_id = str(transaction_id)
        payment.save(update_fields=["transaction_id", "modified"])
        import eopayment

        if kind == eopayment.URL:
            if bank.kind == "dummy" and not account_of(payment.commune).options.get(
                "dummy_service_url"
            ):
                data = dummy_bank_url(payment) + "?" + data.split("?", 1)[1]
            raise RedirectNeeded(data)
        if kind == eopayment.FORM:
            return BankForm(url=data.url, method=data.method, fields=list(data.fields))
        raise BankUnreachable(_("This payment backend is not supported."))

    def bank_response(self, payment, query_string: str):
        """What the bank says about this payment, checked by eopayment (signature...).

        PayFiP's notification only names the operation: its outcome is asked of the DGFiP
        (``recupererDetailPaiementSecurise``), which is the check."""
        check_commune(payment)
        bank = eopayment_for(payment)
        if bank.kind in PAYFIP_BACKENDS:
            return bank.payment_status(payment.transaction_id, transaction_date=payment.created)
        return bank.response(query_string)

    def process_data(self, payment, request):
        """The bank's notification (server to server, GET or POST as the backend does).

        django-payments found ``payment`` with the default manager, which only sees the
        host's commune's payments; checked again here, so no other route can do better."""
        from ecommune.payments import settlement

        try:
            check_commune(payment)
        except OtherCommune as error:
            raise Http404 from error
        query = request.META.get("QUERY_STRING", "")
        if request.method == "POST" and request.body:
            query = request.body.decode("utf-8", "replace")
        try:
            response = self.bank_response(payment, query)
        except Exception as error:
            logger.warning(
                "payment %s: unreadable bank notification %r: %r", payment.reference, query, error
            )
            return HttpResponseBadRequest("unreadable notification", content_type="text/plain")
        try:
            settlement.apply_response(payment, response)
        except settlement.RejectedNotification as error:
            return HttpResponseForbidden(str(error), content_type="text/plain")
        return HttpResponse(response.return_content or "OK", content_type="text/plain")

    def get_token_from_request(self, payment, request):
        """For the static notification URL: which payment the bank speaks of."""
        import eopayment

        from ecommune.payments.models import Payment

        if payment is not None:
            return payment.token
        try:
            kind, transaction_id = eopayment.Payment.guess(
                method=request.method,
                query_string=request.META.get("QUERY_STRING", ""),
                body=request.body,
                headers=request.headers,
            )
        except Exception:
            return None
        # The default manager: only the host's commune's payments.
        found = Payment.objects.filter(backend=kind, transaction_id=transaction_id).first()
        if found is None:
            logger.warning(
                "%s notification on %s for transaction %r: no such payment in this commune",
                kind,
                request.get_host(),
                transaction_id,
            )
            raise PaymentError("Payment not found", code=404)
        return found.token

    def refund(self, payment, amount=None):
        """Give ``amount`` back through the bank; ``NotImplementedError`` when the backend
        cannot (the refund is then made by the treasury and recorded as manual)."""
        bank = eopayment_for(payment)
        cancel = getattr(bank.backend, "cancel", None)
        if cancel is None:
            raise NotImplementedError
        cancel(amount if amount is not None else payment.total, payment_bank_data(payment))
        return amount

    def capture(self, payment, amount=None):
        raise NotImplementedError

    def release(self, payment):
        raise NotImplementedError


def payment_bank_data(payment) -> dict:
    return dict(getattr(payment.attrs, "bank_data", None) or {})
