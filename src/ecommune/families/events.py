"""The families' notification events (their default wording is in templates).

The invitation keeps the key it had when households were the school service's, so that
the wordings communes customised and the outbox's history still match it.
"""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

events.register(
    Event(
        "school.guardian_invited",
        _("A legal guardian is invited to join a household"),
        channels=("email",),
        variables={
            "inviter_name": _(
                "the first name of the guardian who invites (30 characters at most; "
                "a neutral wording when it is not a plain name)"
            ),
            "accept_url": _("the address of the page where the invitation is accepted"),
            "expires_at": _("the date until which the link works"),
        },
    )
)
