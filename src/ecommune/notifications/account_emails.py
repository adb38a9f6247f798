"""The account emails' wording and queueing: ``ecommune.accounts.emails`` names the kinds
and asks for them with its ``account_email`` signal (accounts sit below notifications in
the kit's floors and never import them); this module words each kind into the outbox.

The ones holding a secret link are confidential: agents reading the outbox see who they
went to, never the link.
"""

from django.utils.translation import gettext_lazy as _

from ecommune.accounts import emails
from ecommune.notifications.events import Event, events
from ecommune.notifications.names import display_name
from ecommune.notifications.services import notify

_LINK_VARIABLES = {"first_name": _("the account's first name, if it is a plain short name")}

# kind → its event; each has ecommune_notifications/accounts.<kind>.email.txt and
# accounts.<kind>.email.subject.txt.
EVENTS = {
    "verify_email": events.register(
        Event(
            "accounts.verify_email",
            _("A new account's address is to be verified"),
            channels=("email",),
            variables={
                **_LINK_VARIABLES,
                "verify_url": _("the link that verifies the address"),
                "valid_days": _("how many days the link works"),
            },
            customisable=False,
            confidential=True,
        )
    ),
    "already_registered": events.register(
        Event(
            "accounts.already_registered",
            _("Someone signed up with an address that has an account already"),
            channels=("email",),
            variables={
                "login_url": _("the sign-in page"),
                "reset_url": _("the page to choose a new password"),
            },
            customisable=False,
        )
    ),
    "password_reset": events.register(
        Event(
            "accounts.password_reset",
            _("A link to choose a new password"),
            channels=("email",),
            variables={"reset_url": _("the link to choose a new password")},
            customisable=False,
            confidential=True,
        )
    ),
    "agent_invitation": events.register(
        Event(
            "accounts.agent_invitation",
            _("An agent is invited to the back office"),
            channels=("email",),
            variables={
                **_LINK_VARIABLES,
                "accept_url": _("the link to choose a password"),
                "valid_days": _("how many days the link works"),
            },
            customisable=False,
            confidential=True,
        )
    ),
    "account_deleted": events.register(
        Event(
            "accounts.account_deleted",
            _("An account was deleted"),
            channels=("email",),
            customisable=False,
        )
    ),
}


if set(EVENTS) != set(emails.KINDS):  # pragma: no cover  (a kind without its wording)
    raise ImportError(f"Account emails without an event: {set(emails.KINDS) ^ set(EVENTS)}.")


def queue_account_email(sender, *, user, kind: str, context: dict, **kwargs):
    """The ``account_email`` signal's receiver: the email ``kind`` to ``user``, in the
    outbox in the caller's transaction; returns its outbox row."""
    [message] = notify(
        EVENTS[kind].key,
        commune=emails.sending_commune(user),
        # Whoever signs up chooses the first name and the address it is sent to: only a
        # plain short name goes in (``names``), or the town hall would relay any text.
        context={"first_name": display_name(user.first_name), **context},
        email=user.email,
    )
    return message


def connect_signals() -> None:
    emails.account_email.connect(queue_account_email, dispatch_uid="ecommune_account_emails")
