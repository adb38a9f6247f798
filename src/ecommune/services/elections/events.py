"""The notifications this service adds to the outbox's registry (wording in
``templates/ecommune_notifications/elections.*``)."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

REGISTRATION_OFFER = "elections.registration_offer"

events.register(
    Event(
        REGISTRATION_OFFER,
        _("Offer of electoral registration after a new address"),
        channels=("email",),
        variables={
            "resident_name": _("the resident's first and last name"),
            "address": _("the new address seen in the commune"),
            "registration_url": _("the address of the electoral registration service"),
            "next_deadline": _(
                "the next registration deadline in full, if an election is announced"
            ),
            "next_election": _("the name of the next election, if one is announced"),
        },
    )
)
