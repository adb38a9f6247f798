"""The bank's « paid » is credited only for the payment's own amount and currency.

``mismatch()`` compares what the bank reports (``reported_amounts``) with the payment.
When they differ — or the answer does not say — ``hold()`` credits nothing and keeps the
event everywhere someone will look: the payment's history (``message``, django-payments'
``fraud_status`` « review » and ``fraud_message``, each distinct answer in
``attrs.amount_mismatches``), the audit trail, the ``ecommune.payments`` log, and an email
through the outbox to the commune's agents who handle payments (the town hall's contact
address when none does). A replayed answer is logged again but recorded and emailed once.
"""

import logging

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from payments import FraudStatus, PaymentStatus
from payments.signals import status_changed

from ecommune.accounts.audit import audit
from ecommune.notifications.services import notify
from ecommune.payments.backends import BACKEND_CHOICES
from ecommune.payments.events import AMOUNT_MISMATCH
from ecommune.payments.models import Payment
from ecommune.payments.reported_amounts import CENT, Reported

logger = logging.getLogger("ecommune.payments")

SETTLED_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)


def mismatch(payment: Payment, reported: Reported) -> str:
    """Why ``reported`` cannot be credited to ``payment`` (empty when it can)."""
    if reported.amount is None:
        return "the bank's answer does not state the amount"
    if reported.currency is None:
        return "the bank's answer does not state the currency"
    if reported.currency != (payment.currency or "").upper():
        return f"the bank reported {reported.currency}, the payment is in {payment.currency}"
    if reported.amount.quantize(CENT) != payment.total.quantize(CENT):
        return f"the bank reported {reported.amount}, the payment is {payment.total}"
    return ""


def money(amount, currency) -> str:
    """« 10,00 EUR », as agents read amounts."""
    if amount is None:
        return ""
    return f"{amount:.2f}".replace(".", ",") + (f" {currency}" if currency else "")


def hold(payment: Payment, reported: Reported, reason: str, bank_data=None) -> bool:
    """Record a « paid » answer that is not credited; True the first time this answer
    (amount and currency) is seen for this payment."""
    logger.warning(
        "payment %s of commune %s: nothing credited, %s (reported %s %s, expected %s %s)",
        payment.reference,
        payment.commune_id,
        reason,
        reported.amount,
        reported.currency,
        payment.total,
        payment.currency,
    )
    key = f"{reported.amount}|{reported.currency}"
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        seen = list(getattr(locked.attrs, "amount_mismatches", None) or [])
        if any(entry.get("key") == key for entry in seen):
            return False
        seen.append(
            {
                "key": key,
                "at": timezone.now().isoformat(),
                "amount": None if reported.amount is None else str(reported.amount),
                "currency": reported.currency,
                "reason": reason,
                "bank_data": _plain(bank_data),
            }
        )
        locked.attrs.amount_mismatches = seen
        locked.fraud_status = FraudStatus.REVIEW
        locked.fraud_message = reason[:1000]
        # A payment already settled by a right answer stays settled; an open one is failed
        # (the family may pay again; an agent sorts out what the bank took).
        reopened = locked.status not in SETTLED_STATUSES
        if reopened:
            locked.status = PaymentStatus.ERROR
            locked.message = f"not credited: {reason}"[:1000]
        locked.save()
        audit(
            None,
            "payments.amount_mismatch",
            locked,
            f"{reason}; nothing credited ({locked.backend})",
            commune=locked.commune,
        )
        tell_agents(locked, reported)
    if reopened:
        status_changed.send(sender=Payment, instance=locked)
    return True


def _plain(bank_data) -> dict:
    import json

    try:
        return json.loads(json.dumps(dict(bank_data or {}), default=str))
    except (TypeError, ValueError):
        return {}


def recipients(commune) -> list[tuple[str, str]]:
    """(name, email) of the commune's active agents who handle payments; the town hall's
    contact address when there is none."""
    from ecommune.accounts.models import Agent
    from ecommune.payments.admin_views import can_handle_payments

    agents = Agent.objects.filter(commune=commune, user__is_active=True).select_related("user")
    found = [
        (agent.user.get_full_name(), agent.user.email)
        for agent in agents.order_by("pk")
        if agent.user.email and can_handle_payments(agent.user)
    ]
    if not found and commune.contact_email:
        found = [("", commune.contact_email)]
    if not found:
        logger.error("commune %s: no agent handles payments and no contact email", commune.pk)
    return found


def tell_agents(payment: Payment, reported: Reported) -> int:
    """Queue the email to the commune's agents who handle payments; returns how many."""
    commune = payment.commune
    context = {
        "reference": payment.reference,
        "household": str(payment.household),
        "expected": money(payment.total, payment.currency),
        "reported": money(reported.amount, reported.currency),
        "backend": str(dict(BACKEND_CHOICES).get(payment.backend, payment.backend)),
        "treasury_url": _treasury_url(commune),
    }
    key = f"{AMOUNT_MISMATCH}:{payment.pk}:{reported.amount}|{reported.currency}"
    queued = 0
    for name, email in recipients(commune):
        queued += len(
            notify(
                AMOUNT_MISMATCH,
                commune=commune,
                context={**context, "agent_name": name},
                email=email,
                related_reference=payment.reference,
                idempotency_key=f"{key}:{email}",
            )
        )
    return queued


def _treasury_url(commune) -> str:

    try:
        return commune.public_url(reverse("ecommune_payments_treasury"))
    except NoReverseMatch:  # pragma: no cover  (a site without Wagtail's admin URLs)
        return commune.public_url("/")
