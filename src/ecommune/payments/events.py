"""The payments' notification events (their default wording is in templates)."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

AMOUNT_MISMATCH = "payments.amount_mismatch"

events.register(
    Event(
        AMOUNT_MISMATCH,
        _("The bank reported another amount than the payment's"),
        channels=("email",),
        variables={
            "agent_name": _("the agent's name"),
            "reference": _("the payment's reference, as the bank knows it"),
            "household": _("the household that paid"),
            "expected": _("the payment's amount and currency"),
            "reported": _("the amount and currency the bank reported (empty if none)"),
            "backend": _("the payment backend"),
            "treasury_url": _("the address of the payments page in the back office"),
        },
    )
)
