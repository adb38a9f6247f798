"""What a provider's refusal means for the outbox: try again later, or not at all.

Most failures pass (a provider down, a timeout, no credit left, a key being changed) and the
outbox tries again with a growing delay. Some never will: a number or an address the
provider refuses as such, a message it finds malformed. Trying those eight times over a day
only delays the agent who must correct the number and press « Renvoyer ».
"""

import smtplib


class Undeliverable(Exception):
    """The provider refused this message for good: sending it again unchanged cannot work."""


def is_permanent(exc: Exception) -> bool:
    """Whether ``exc`` refuses the message for good (no retry): a backend's
    ``Undeliverable``, or an SMTP server refusing every recipient with a permanent
    (5xx) code, such as « 550 no such user »."""
    if isinstance(exc, Undeliverable):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return all(500 <= code < 600 for code, _reply in exc.recipients.values())
    return False
