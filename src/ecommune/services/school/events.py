"""The school service's notification events (their default wording is in templates)."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

events.register(
    Event(
        "school.guardian_invited",
        _("A legal guardian is invited to join a household"),
        channels=("email",),
        variables={
            "inviter_name": _("the name of the guardian who invites"),
            "accept_url": _("the address of the page where the invitation is accepted"),
            "expires_at": _("the date until which the link works"),
        },
    )
)
