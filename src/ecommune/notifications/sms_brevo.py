"""A django-sms backend for Brevo's transactional SMS, a French provider with a public HTTP API.

``SMS_BACKEND=ecommune.notifications.sms_brevo.SmsBackend`` in the site's ``.env``, with
``BREVO_API_KEY`` (the Brevo account's API key). ``BREVO_API_URL`` changes the API's address
(the tests' local server); ``BREVO_TIMEOUT`` the seconds a call may take.

One call per recipient: ``POST {BREVO_API_URL}/transactionalSMS/send`` with the ``api-key``
header and ``{"sender", "recipient", "content", "type": "transactional"}``; Brevo answers
201 with the message's id. Anything else — a refused key (401), no credit left (402),
Brevo down (5xx), a timeout — raises ``BrevoError``: the outbox keeps the SMS and tries
again later (``ecommune.notifications.services``), so an SMS is never lost. A sender that
operators would not show, or none, is the install's to correct in ``.env``: retried
likewise. What no retry can change — Brevo refusing the number or the text (400), a number
that is not a French mobile's — raises ``BrevoRefusal``: the outbox marks the SMS failed at
once, with Brevo's reason, for an agent to correct and send again.

The sender is the message's ``originator``: the commune's own sender name
(``Commune.sms_sender``) or ``DEFAULT_FROM_SMS``.

``check_configuration()`` is what ``ecommune doctor`` runs: the key is set and Brevo
accepts it (``GET {BREVO_API_URL}/account``).
"""

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from sms.backends.base import BaseSmsBackend

from ecommune.core.phones import to_e164
from ecommune.core.validators import validate_sms_sender
from ecommune.notifications.errors import Undeliverable

DEFAULT_API_URL = "https://api.brevo.com/v3"
CONNECT_TIMEOUT = 5.0

# GSM 03.38's basic set and its extension: a text made of these goes as plain SMS (160
# characters); another character (ê, ç, œ, «, ’…) needs Unicode (70 characters a part).
GSM_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "^{}\\[~]|€\f"
)


class BrevoError(Exception):
    """Brevo did not accept an SMS, or could not be reached; the message says why."""


class BrevoRefusal(BrevoError, Undeliverable):
    """Brevo refused this SMS as it is (400): sending it again unchanged cannot work."""


def needs_unicode(text: str) -> bool:
    return any(character not in GSM_CHARACTERS for character in text)


def brevo_recipient(phone: str) -> str:
    """'+33612345678' or '06 12 34 56 78' → '33612345678': the country code and the number,
    as Brevo's API takes them."""
    try:
        return to_e164(phone).removeprefix("+")
    except ValidationError as exc:
        raise BrevoRefusal(f"{phone!r} is not a French mobile number.") from exc


class SmsBackend(BaseSmsBackend):
    def __init__(
        self,
        fail_silently: bool = False,
        api_key: str | None = None,
        api_url: str | None = None,
        timeout: float | None = None,
        **kwargs,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = (
            api_key if api_key is not None else getattr(settings, "BREVO_API_KEY", "")
        ).strip()
        self.api_url = (
            api_url or getattr(settings, "BREVO_API_URL", "") or DEFAULT_API_URL
        ).rstrip("/")
        self.timeout = float(timeout or getattr(settings, "BREVO_TIMEOUT", 15.0))
        self.session: requests.Session | None = None

    # Connection -------------------------------------------------------------------------

    def open(self) -> bool:
        if self.session is not None:
            return False
        self.session = requests.Session()
        self.session.headers.update(
            {
                "api-key": self.api_key,
                "accept": "application/json",
                "content-type": "application/json",
            }
        )
        return True

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        if not self.api_key:
            raise ImproperlyConfigured(
                "BREVO_API_KEY is empty: set the Brevo account's API key in the site's .env."
            )
        opened = self.open()
        try:
            return self.session.request(
                method,
                f"{self.api_url}{path}",
                timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout),
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            raise BrevoError(f"Brevo cannot be reached at {self.api_url}: {exc}") from exc
        finally:
            if opened:
                self.close()

    # Checks ------------------------------------------------------------------------------

    def check_configuration(self) -> None:
        """Raise with one line naming what to fix: a missing or refused key, an unreachable
        API, an invalid ``DEFAULT_FROM_SMS``."""
        try:
            validate_sms_sender(getattr(settings, "DEFAULT_FROM_SMS", ""))
        except ValidationError as exc:
            raise ImproperlyConfigured(
                f"DEFAULT_FROM_SMS: {' '.join(str(m) for m in exc.messages)}"
            ) from exc
        response = self._request("GET", "/account")
        if response.status_code == 401:
            raise ImproperlyConfigured(
                "Brevo refused BREVO_API_KEY (401): copy the API key of the Brevo account "
                "into the site's .env."
            )
        if response.status_code != 200:
            raise BrevoError(_refusal(response, "the account check"))

    # Sending -----------------------------------------------------------------------------

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            for recipient in message.recipients:
                try:
                    self._send(message.originator, recipient, message.body)
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        return sent

    def _send(self, sender: str, recipient: str, body: str) -> None:
        try:
            validate_sms_sender(sender)
        except ValidationError as exc:
            raise BrevoError(f"Sender {sender!r}: {' '.join(exc.messages)}") from exc
        if not sender:
            raise BrevoError("An SMS needs a sender: set DEFAULT_FROM_SMS.")
        payload = {
            "sender": sender,
            "recipient": brevo_recipient(recipient),
            "content": body,
            "type": "transactional",
        }
        if needs_unicode(body):
            payload["unicodeEnabled"] = True
        response = self._request("POST", "/transactionalSMS/send", json=payload)
        if response.status_code == 400:
            raise BrevoRefusal(_refusal(response, f"the SMS to {recipient}"))
        if response.status_code not in (200, 201, 202):
            raise BrevoError(_refusal(response, f"the SMS to {recipient}"))


def _refusal(response: requests.Response, what: str) -> str:
    """One line: Brevo's status, its error code and message."""
    detail = ""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        detail = ": ".join(str(data[key]) for key in ("code", "message") if data.get(key))
    if not detail:
        detail = response.text.strip().replace("\n", " ")[:200] or response.reason or ""
    hint = {
        401: ", check BREVO_API_KEY",
        402: ", the Brevo account has no SMS credit left",
    }.get(response.status_code, "")
    return f"Brevo refused {what} ({response.status_code}{hint}): {detail}"
