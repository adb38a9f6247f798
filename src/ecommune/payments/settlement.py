"""What a bank's answer does to a payment and its invoices: confirm it (once), allocate it to
its invoices, give it a receipt number; or fail it. Also starting a payment, reconciling the
ones whose notification never came, and refunds.

Idempotence: every change takes the payment's row lock (``select_for_update``) and looks at
its status under that lock, so a replayed or duplicated notification — even two arriving at
the same moment — credits the invoices once. The views, the admin, the reconciliation task
and the tests call these functions.
"""

import datetime
import json
import logging
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import PaymentStatus
from payments.signals import status_changed

from ecommune.core import tenancy
from ecommune.payments import amount_checks, reported_amounts
from ecommune.payments.balances import ZERO, with_balances
from ecommune.payments.models import (
    Invoice,
    InvoiceKind,
    InvoiceSequence,
    Payment,
    PaymentAllocation,
    Refund,
)
from ecommune.payments.provider import (
    EopaymentProvider,
    OtherCommune,
    account_of,
    backend_of,
    check_commune,
    eopayment_for,
)

logger = logging.getLogger("ecommune.payments")

CENT = Decimal("0.01")
RECEIPT_SERIES = "receipt"
OPEN_STATUSES = (PaymentStatus.WAITING, PaymentStatus.INPUT)
SETTLED_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
# A backend that cannot be asked (dummy, Paybox...): a payment with no news after this long
# is given up (the payer never came back and the bank never called).
GIVE_UP_AFTER = datetime.timedelta(hours=24)


class RejectedNotification(Exception):
    """A bank answer that is not signed, that speaks of another payment, or that came
    for another commune than the current one."""


class AmountMismatch(RejectedNotification):
    """A signed « paid » for another amount or currency than the payment's (or that does
    not say): nothing credited, recorded and the agents told (``amount_checks``)."""


# Starting a payment ---------------------------------------------------------------------------


def payable_invoices(household, invoice_ids):
    """The household's invoices among ``invoice_ids`` with something left to pay, oldest
    first, annotated with their ``balance``."""
    return (
        with_balances(
            Invoice.objects.for_commune(household.commune_id).filter(
                household=household, kind=InvoiceKind.INVOICE
            )
        )
        .filter(pk__in=invoice_ids, balance__gt=ZERO)
        .order_by("issued_on", "pk")
    )


def new_reference() -> str:
    """The reference sent to the bank: PayFiP's refdet allows [A-Za-z0-9]{1,30}."""
    return f"P{timezone.localdate():%Y%m%d}{secrets.token_hex(5).upper()}"


def create_payment(*, user, household, invoices, amount: Decimal | None = None) -> Payment:
    """Record (and commit) a payment of ``invoices`` before anything is asked of the bank.

    ``amount`` below the balance is a partial payment, allowed for one invoice only.
    """
    invoices = list(invoices)
    if not invoices:
        raise ValidationError(_("Choose at least one invoice with something left to pay."))
    due = sum((invoice.balance for invoice in invoices), ZERO).quantize(CENT)
    if amount is None:
        amount = due
    elif len(invoices) > 1 and amount != due:
        raise ValidationError(_("A partial payment is possible for one invoice at a time."))
    if amount <= ZERO:
        raise ValidationError(_("The amount must be more than 0 €."))
    if amount > due:
        raise ValidationError(
            _("The amount cannot be more than what is left to pay (%(due)s €).")
            % {"due": _euros(due)}
        )
    commune = household.commune
    numbers = ", ".join(invoice.number for invoice in invoices)
    with transaction.atomic():
        payment = Payment(
            variant="eopayment",
            commune=commune,
            household=household,
            user=user,
            reference=new_reference(),
            backend=account_of(commune).backend,
            currency="EUR",
            total=amount,
            description=_("Invoices %(numbers)s") % {"numbers": numbers}
            if len(invoices) > 1
            else _("Invoice %(number)s") % {"number": numbers},
            billing_first_name=getattr(user, "first_name", "") or "",
            billing_last_name=getattr(user, "last_name", "") or "",
            billing_email=getattr(user, "email", "") or "",
        )
        payment.attrs.invoice_ids = [invoice.pk for invoice in invoices]
        payment.save()
    return payment


def _euros(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


# A bank's answer ------------------------------------------------------------------------------


def apply_response(payment: Payment, response) -> Payment:
    """Act on an eopayment ``PaymentResponse`` about ``payment``; raise
    ``RejectedNotification`` (and log) when it cannot be trusted: unsigned, about another
    payment, for a payment of another commune than the current one (a request's host, a
    task's ``tenancy.using``), or — ``AmountMismatch`` — « paid » for another amount or
    currency than the payment's."""
    import eopayment

    try:
        check_commune(payment)
    except OtherCommune as error:
        raise RejectedNotification("another commune") from error
    if not response.signed:
        logger.warning(
            "payment %s: notification rejected, bad signature: %r",
            payment.reference,
            response.bank_data,
        )
        raise RejectedNotification("bad signature")
    if payment.transaction_id and str(response.order_id) != payment.transaction_id:
        logger.warning(
            "payment %s: notification rejected, it is about %r",
            payment.reference,
            response.order_id,
        )
        raise RejectedNotification("another payment")
    if response.result == eopayment.PAID:
        backend, options = backend_of(payment)
        money = reported_amounts.reported(backend, response, options)
        reason = amount_checks.mismatch(payment, money)
        if reason:
            amount_checks.hold(payment, money, reason, response.bank_data)
            raise AmountMismatch(reason)
        confirm(payment, bank_data=response.bank_data)
    elif response.result in (eopayment.DENIED, eopayment.CANCELLED, eopayment.EXPIRED):
        fail(payment, PaymentStatus.REJECTED, str(response.bank_status or ""))
    elif response.result == eopayment.ERROR:
        fail(payment, PaymentStatus.ERROR, str(response.bank_status or ""))
    payment.refresh_from_db()
    return payment


def confirm(payment: Payment, bank_data=None) -> bool:
    """Mark the payment paid and allocate it to its invoices; False when it already was."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status in SETTLED_STATUSES:
            return False
        now = timezone.now()
        locked.status = PaymentStatus.CONFIRMED
        locked.captured_amount = locked.total
        locked.paid_at = now
        locked.receipt_number = next_receipt_number(locked.commune, now)
        if bank_data:
            locked.attrs.bank_data = json.loads(json.dumps(dict(bank_data), default=str))
        left = allocate(locked)
        if left > ZERO:
            logger.warning("payment %s: %s € left unallocated", locked.reference, left)
            locked.message = f"unallocated: {left}"
        locked.save()
    status_changed.send(sender=Payment, instance=locked)
    logger.info("payment %s confirmed (%s €)", locked.reference, locked.total)
    return True


def allocate(payment: Payment) -> Decimal:
    """Share the payment among its invoices, oldest first, never more than a balance;
    returns what is left (an invoice settled meanwhile by another payment)."""
    # Only the payment's household's invoices, whatever its attributes say.
    ids = payment.invoice_ids
    own = {"household_id": payment.household_id}
    # Lock the invoices: two payments confirmed at once must not both fill one balance.
    invoices = Invoice.objects.for_commune(payment.commune_id).filter(pk__in=ids, **own)
    list(invoices.select_for_update().values_list("pk", flat=True))
    left = payment.total
    for invoice in with_balances(invoices).order_by("issued_on", "pk"):
        share = min(left, invoice.balance.quantize(CENT))
        if share <= ZERO:
            continue
        PaymentAllocation.objects.get_or_create(
            payment=payment, invoice=invoice, defaults={"amount": share}
        )
        left -= share
    return left


def fail(payment: Payment, status: str, message: str = "") -> bool:
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status in SETTLED_STATUSES or locked.status == status:
            return False
        locked.change_status(status, message[:1000])
    return True


def next_receipt_number(commune, when) -> str:
    """Receipts are numbered per commune and year, without gaps (the counter row is locked
    in the transaction that confirms the payment)."""
    series = f"{RECEIPT_SERIES}-{when.year}"
    sequence, _created = (
        InvoiceSequence.objects.for_commune(commune)
        .select_for_update()
        .get_or_create(commune=commune, series=series)
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"R{when.year}-{sequence.last_number:06d}"


# Reconciliation -------------------------------------------------------------------------------


def reconcile(older_than_minutes: int = 30, now=None) -> dict[str, int]:
    """Ask the bank about payments waiting for longer than ``older_than_minutes`` and settle
    or fail them. Returns counts per outcome."""
    now = now or timezone.now()
    counts = {"confirmed": 0, "failed": 0, "waiting": 0, "errors": 0}
    for commune in tenancy.each_commune():
        waiting = Payment.objects.filter(
            commune=commune,
            status__in=OPEN_STATUSES,
            created__lt=now - datetime.timedelta(minutes=older_than_minutes),
        ).select_related("commune__site")
        for payment in waiting:
            outcome = _reconcile_one(payment, now)
            counts[outcome] += 1
    return counts


def _reconcile_one(payment: Payment, now) -> str:
    if not payment.transaction_id:
        # The bank was never reached for it: nothing can have been paid.
        fail(payment, PaymentStatus.ERROR, "never sent to the bank")
        return "failed"
    try:
        bank = eopayment_for(payment)
        if not bank.has_payment_status:
            if now - payment.created > GIVE_UP_AFTER:
                fail(payment, PaymentStatus.REJECTED, "no answer from the bank")
                return "failed"
            return "waiting"
        response = bank.payment_status(payment.transaction_id, transaction_date=payment.created)
        payment = apply_response(payment, response)
    except AmountMismatch:
        return "failed"  # held for the agents, who were told
    except Exception as error:  # one bank's failure must not stop the others
        logger.warning("payment %s: reconciliation failed: %r", payment.reference, error)
        return "errors"
    if payment.status == PaymentStatus.CONFIRMED:
        return "confirmed"
    if payment.status in OPEN_STATUSES:
        return "waiting"
    return "failed"


# Refunds --------------------------------------------------------------------------------------


def refunded_amount(payment: Payment) -> Decimal:
    return payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO


def record_refund(payment: Payment, *, amount: Decimal, reason: str = "", by=None) -> Refund:
    """Give back ``amount`` of a paid payment: through the bank when its backend can, else
    recorded as made by the treasury. Never more than paid minus already refunded."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in SETTLED_STATUSES:
            raise ValidationError(_("Only a paid payment can be refunded."))
        available = locked.captured_amount - refunded_amount(locked)
        if amount is None or amount <= ZERO:
            raise ValidationError(_("The amount must be more than 0 €."))
        if amount > available:
            raise ValidationError(
                _("At most %(available)s € can still be refunded on this payment.")
                % {"available": _euros(available)}
            )
        through_backend = False
        try:
            EopaymentProvider().refund(locked, amount)
            through_backend = True
        except NotImplementedError:
            pass
        except Exception as error:
            logger.warning(
                "payment %s: refund through the bank failed: %r", locked.reference, error
            )
            raise ValidationError(
                _("The bank refused the refund; nothing was recorded. Please try again later.")
            ) from error
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            reason=reason,
            through_backend=through_backend,
            created_by=by,
        )
    # The payment stays confirmed: a refund gives money back, it does not reopen the
    # invoices (a service not due is corrected by a credit note).
    return refund
