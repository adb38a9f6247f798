"""The events that send notifications, with the variables their templates may use.

An event is a key such as ``request.acknowledged``; the kit ships a default
wording for each of its events as template files
(``templates/ecommune_notifications/<event>.<channel>.txt``) and a commune may
write its own in the back office. An app or a third-party service registers its
own events with ``events.register(Event(...))``; a duplicate key is refused at
import time. The registry holds no wording and sends nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DuplicateEvent(Exception):
    """Two events claimed the same key; refused at import time."""


@dataclass(frozen=True)
class Event:
    key: str
    label: str | Promise
    # The channels the event may use; a channel without a template is never queued.
    channels: tuple[str, ...] = ("email", "sms")
    # Variable name → what it holds, shown to agents who write a template.
    variables: dict[str, str | Promise] = field(default_factory=dict)


# Every template gets these, from the commune the message is sent for.
COMMON_VARIABLES = {
    "commune_name": _("the commune's name"),
    "commune_email": _("the town hall's contact email"),
    "commune_phone": _("the town hall's phone number"),
}


class EventRegistry:
    def __init__(self):
        self._events: dict[str, Event] = {}

    def register(self, event: Event) -> Event:
        existing = self._events.get(event.key)
        if existing is not None and existing != event:
            raise DuplicateEvent(f"The notification event {event.key!r} is already registered.")
        self._events[event.key] = event
        return event

    def unregister(self, key: str) -> None:
        self._events.pop(key, None)

    def get(self, key: str) -> Event:
        return self._events[key]

    def label(self, key: str) -> str:
        event = self._events.get(key)
        return str(event.label) if event else key

    def __contains__(self, key: str) -> bool:
        return key in self._events

    def __iter__(self) -> Iterator[Event]:
        return iter(sorted(self._events.values(), key=lambda e: e.key))

    def choices(self) -> list[tuple[str, str]]:
        return [(event.key, event.label) for event in self]


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
