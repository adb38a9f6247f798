"""The notification the kit sends the commune's agents when an endpoint fails."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

ENDPOINT_FAILING = "webhooks.endpoint_failing"

events.register(
    Event(
        ENDPOINT_FAILING,
        _("A webhook endpoint no longer answers"),
        channels=("email",),
        variables={
            "agent_name": _("the agent's name"),
            "endpoint": _("the endpoint's name"),
            "url": _("the endpoint's address"),
            "attempts": _("how many times the delivery was tried"),
            "error": _("the endpoint's last answer or error"),
            "deliveries_url": _("the address of the endpoint's deliveries in the back office"),
        },
    )
)
