"""The events that send notifications, with the variables their templates may use.

An event is a key such as ``request.acknowledged``; the kit ships a default
wording for each of its events as template files
(``templates/ecommune_notifications/<event>.<channel>.txt``) and a commune may
write its own in the back office. An app or a third-party service registers its
own events with ``events.register(Event(...))``; a duplicate key is refused at
import time. The registry holds no wording and sends nothing.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecommune.core.plugins import DuplicatePlugin, Registry

#: Two events claimed the same key; refused at import time.
DuplicateEvent = DuplicatePlugin


@dataclass(frozen=True)
class Event:
    key: str
    label: str | Promise
    # The channels the event may use; a channel without a template is never queued.
    channels: tuple[str, ...] = ("email", "sms")
    # Variable name → what it holds, shown to agents who write a template.
    variables: dict[str, str | Promise] = field(default_factory=dict)
    # False: only the kit's wording is sent; communes cannot write their own (account
    # emails, whose links residents must be able to trust).
    customisable: bool = True
    # True: the text holds a secret link (a new password, an address check). The outbox
    # shows agents its recipient and subject, never its text, and forgets the text once
    # the message is sent: reading the outbox must not let anyone into a resident's account.
    confidential: bool = False


# Every template gets these, from the commune the message is sent for.
COMMON_VARIABLES = {
    "commune_name": _("the commune's name"),
    "commune_email": _("the town hall's contact email"),
    "commune_phone": _("the town hall's phone number"),
}


class EventRegistry(Registry[Event]):
    """Notification events by key (``ecommune.core.plugins.Registry``)."""

    def __init__(self):
        super().__init__(
            "notification event", key=lambda event: event.key, order=lambda event: event.key
        )

    def label(self, key: str) -> str:
        return str(self.get(key).label) if key in self else key

    def choices(self, *, customisable_only: bool = False) -> list[tuple[str, str]]:
        return [
            (event.key, event.label)
            for event in self
            if event.customisable or not customisable_only
        ]

    def is_confidential(self, key: str) -> bool:
        return key in self and self.get(key).confidential


events = EventRegistry()

_REQUEST_VARIABLES = {
    "reference": _("the request's reference, such as EC-2026-4F7K9"),
    "service_title": _("the name of the online service"),
    "applicant_name": _("the applicant's first and last name"),
    "tracking_url": _("the address of the page where the request is followed"),
}

events.register(
    Event(
        "request.acknowledged",
        _("Request received"),
        variables={
            **_REQUEST_VARIABLES,
            "expected_answer_on": _("the date by which an answer is expected"),
        },
    )
)
events.register(
    Event(
        "request.status_changed",
        _("Request status changed"),
        variables={
            **_REQUEST_VARIABLES,
            "status": _("the request's new status"),
            "comment": _("the agent's comment, if any"),
        },
    )
)
events.register(
    Event(
        "request.waiting_for_resident",
        _("Something is missing from a request"),
        variables={
            **_REQUEST_VARIABLES,
            "missing": _("what the resident is asked to add or answer"),
            "answer_url": _("the address of the page where the resident answers"),
        },
    )
)
events.register(
    Event(
        "request.message",
        _("Message from the town hall about a request"),
        variables={**_REQUEST_VARIABLES, "message": _("the agent's message")},
    )
)
events.register(
    Event(
        "request.resident_replied",
        _("A resident answered about a request"),
        channels=("email",),
        variables={
            **_REQUEST_VARIABLES,
            "agent_name": _("the agent's name"),
            "message": _("the resident's answer"),
            "inbox_url": _("the address of the request in the back office"),
        },
    )
)
events.register(
    Event(
        "agent.digest",
        _("Daily digest of requests due"),
        channels=("email",),
        variables={
            "agent_name": _("the agent's name"),
            "overdue": _(
                "the overdue requests (each with reference, service_title, expected_answer_on, url)"
            ),
            "due_soon": _("the requests due within two working days (same fields)"),
        },
    )
)
