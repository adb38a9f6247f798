"""Every email this app sends goes through ``send_account_email``.

The kit's outbox (``ecommune.notifications``) will take over from here: only this
function changes then. Until it does, the message is rendered now (in the language of
the running request) and handed to Django's mail API once the transaction that caused
it commits, so a rolled-back sign-up sends nothing.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from ecommune.core import tenancy

# kind → what it is for; each has ecommune_accounts/emails/<kind>_subject.txt and <kind>.txt.
KINDS = {
    "verify_email": "the link that verifies the address of a new account",
    "already_registered": "someone signed up with an address that has an account already",
    "password_reset": "the link to choose a new password",
    "account_deleted": "confirmation that the account was deleted",
}


def send_account_email(user, kind: str, context: dict | None = None) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown account email {kind!r}; known: {', '.join(KINDS)}.")
    context = {"user": user, "commune": tenancy.get_current_commune(), **(context or {})}
    subject = render_to_string(f"ecommune_accounts/emails/{kind}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"ecommune_accounts/emails/{kind}.txt", context)
    recipient = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
