"""Every email about an account goes through ``send_account_email``, into the kit's outbox.

The message is worded now (``ecommune.notifications``' rendering, in the site's
language) and written to the outbox in the caller's transaction: a rolled-back sign-up
sends nothing; a committed one is sent by the outbox's task after the commit and, while
the mail server is down, retried with backoff by ``ecommune_send_outbox``. The page the
resident sees never waits for, nor fails with, the mail server.

Accounts sit below notifications in the kit's floors (``pyproject.toml``, import-linter):
this module names the kinds and sends the ``account_email`` signal, and
``ecommune.notifications.account_emails`` words and queues them. Without a receiver
(notifications not installed) sending fails loudly, never silently.

An account is per install, but its emails go out in a commune's name: the commune whose
site the resident is on, else the agent's own commune, else the default site's. Their
wording is the kit's (communes cannot rewrite it), and the ones holding a secret link
are confidential: agents reading the outbox see who they went to, never the link.
"""

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from ecommune.core import tenancy

#: The account emails the kit sends; ``ecommune.notifications.account_emails`` words each.
KINDS = (
    "verify_email",
    "already_registered",
    "password_reset",
    "account_deleted",
    "agent_invitation",
)

#: Sent with ``user``, ``kind`` and ``context``; the receiver returns the outbox row.
account_email = Signal()


def sending_commune(user=None):
    """The commune an account email goes out for (see the module's docstring)."""
    from ecommune.core.models import Commune

    commune = tenancy.get_current_commune()
    if commune is None and user is not None and user.pk:
        agent = getattr(user, "agent", None)
        commune = agent.commune if agent is not None else None
    if commune is None:
        commune = (
            Commune.objects.filter(site__is_default_site=True).first()
            or Commune.objects.order_by("pk").first()
        )
    if commune is None:
        raise ValueError("No commune is set up yet: an account email needs one to go out.")
    return commune


def send_account_email(user, kind: str, context: dict | None = None):
    """Queue the account email ``kind`` to ``user``; returns its outbox row."""
    if kind not in KINDS:
        raise ValueError(f"Unknown account email {kind!r}; known: {', '.join(KINDS)}.")
    replies = account_email.send(
        sender=type(user), user=user, kind=kind, context=dict(context or {})
    )
    if not replies:
        raise ImproperlyConfigured(
            "No app sends account emails: ecommune.notifications is missing from INSTALLED_APPS."
        )
    return replies[0][1]
