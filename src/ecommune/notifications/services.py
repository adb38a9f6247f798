"""Queueing and sending notifications: the only way the kit emails or texts anyone.

``notify()`` (or ``queue_email()`` / ``queue_sms()`` for a wording already
written) adds rows to the outbox in the caller's transaction and enqueues their
sending once that transaction commits: a change rolled back sends nothing, a
committed one loses nothing. ``deliver()`` sends one message; a provider error
leaves it pending with a later ``next_attempt_at`` (exponential backoff) unless the
provider refused it for good (``errors.is_permanent``: it fails at once, for an agent to
correct and send again), and
``send_due_messages()`` — the ``ecommune_send_outbox`` command, run every minute
by a timer — sends what is due again. Retrying never relies on the task backend
supporting delayed tasks. Rendering lives in ``rendering``.

Delivery is at least once only in one case: a worker that dies after the
provider accepted a message but before recording it; the message is sent
again once its lease (``ECOMMUNE_NOTIFICATION_SENDING_TIMEOUT``) runs out.
"""

import base64
import datetime
import hashlib
import logging
import uuid
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ecommune.core.phones import to_e164
from ecommune.core.tenancy import each_commune, get_current_commune
from ecommune.notifications.errors import is_permanent
from ecommune.notifications.events import events
from ecommune.notifications.models import Channel, OutboxMessage, Status
from ecommune.notifications.rendering import render_notification

logger = logging.getLogger("ecommune.notifications")

DEFAULT_MAX_ATTEMPTS = 8
# Minutes to wait after the 1st, 2nd, … failure; the last delay repeats.
DEFAULT_BACKOFF_MINUTES = (1, 5, 15, 60, 240)
DEFAULT_SENDING_TIMEOUT = 15 * 60
DEFAULT_BATCH_SIZE = 500
KEY_MAX_LENGTH = 255
# What stays of a confidential message's text once sent (see ``events.Event.confidential``).
CONFIDENTIAL_PLACEHOLDER = "—"
ERROR_MAX_LENGTH = 2000


class DeliveryError(Exception):
    """The provider accepted the call but reported no message sent."""


# Settings -------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "ECOMMUNE_NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff_minutes() -> tuple[int, ...]:
    return tuple(
        getattr(settings, "ECOMMUNE_NOTIFICATION_BACKOFF_MINUTES", DEFAULT_BACKOFF_MINUTES)
    )


def sending_timeout() -> datetime.timedelta:
    seconds = getattr(settings, "ECOMMUNE_NOTIFICATION_SENDING_TIMEOUT", DEFAULT_SENDING_TIMEOUT)
    return datetime.timedelta(seconds=int(seconds))


def backoff_delay(failures: int) -> datetime.timedelta:
    """How long to wait before the next attempt after ``failures`` failed ones (1, 2, …)."""
    delays = backoff_minutes()
    return datetime.timedelta(minutes=delays[min(max(failures, 1), len(delays)) - 1])


# Recipients -----------------------------------------------------------------------------


def normalise_email(address: str) -> str:
    address = (address or "").strip()
    validate_email(address)
    return address


# Queueing -------------------------------------------------------------------------------


def default_idempotency_key(commune, event, channel, recipient, related_reference) -> str:
    """The same event about the same thing to the same recipient is one message.

    Events that happen several times about one thing (each status change, each
    message) must pass their own key, such as the history row's id.
    """
    if not related_reference:
        return f"random:{uuid.uuid4().hex}"
    return f"{commune.pk}:{event}:{related_reference}:{channel}:{recipient}"


def _fit_key(key: str) -> str:
    if len(key) <= KEY_MAX_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _queue(
    *,
    commune,
    channel,
    recipient,
    subject,
    body,
    html_body,
    event,
    related_reference,
    idempotency_key,
    attachments=(),
):
    commune = commune or get_current_commune()
    if commune is None:
        raise ValueError("A notification belongs to a commune: pass commune=…")
    key = _fit_key(
        idempotency_key
        or default_idempotency_key(commune, event, channel, recipient, related_reference)
    )
    outbox = OutboxMessage.objects.for_commune(commune)
    existing = outbox.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: a concurrent twin makes this insert fail without breaking the
        # caller's transaction.
        with transaction.atomic():
            message = outbox.create(
                channel=channel,
                recipient=recipient,
                subject=subject[:255],
                body=body,
                html_body=html_body,
                event=event,
                related_reference=related_reference or "",
                idempotency_key=key,
                attachments=[stored_attachment(a) for a in attachments],
            )
    except IntegrityError:
        existing = outbox.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    _enqueue_on_commit(message)
    return message


def stored_attachment(attachment: dict) -> dict:
    """An attachment as the outbox keeps it (JSON): text as it is, bytes (a PDF) in base64
    under ``content_base64``."""
    stored = dict(attachment)
    if isinstance(stored.get("content"), bytes | bytearray):
        stored["content_base64"] = base64.b64encode(stored.pop("content")).decode("ascii")
    return stored


def _attachment_content(attachment: dict):
    if "content_base64" in attachment:
        return base64.b64decode(attachment["content_base64"])
    return attachment["content"]


def _enqueue_on_commit(message) -> None:
    from ecommune.notifications.tasks import send_outbox_message

    commune_id, pk = message.commune_id, message.pk

    def enqueue():
        send_outbox_message.enqueue(commune_id, pk)

    # robust: a task queue that is down must not fail the resident's request once its
    # data is committed; the message waits in the outbox for `ecommune_send_outbox`.
    transaction.on_commit(enqueue, robust=True)


def queue_email(
    to: str,
    subject: str,
    body: str,
    *,
    event: str,
    commune=None,
    html_body: str = "",
    related_reference: str = "",
    idempotency_key: str | None = None,
    attachments: list[dict] | tuple = (),
) -> OutboxMessage:
    """Add an email to the outbox; it is sent after the current transaction commits.

    ``attachments`` are files, each ``{"filename", "mimetype", "content"}``: text (an
    appointment's ``.ics``) or bytes (a PDF, kept in base64 until sent). Returns the outbox
    row, or the row already queued under the same idempotency key.
    """
    return _queue(
        commune=commune,
        channel=Channel.EMAIL,
        recipient=normalise_email(to),
        subject=subject,
        body=body,
        html_body=html_body,
        event=event,
        related_reference=related_reference,
        idempotency_key=idempotency_key,
        attachments=attachments,
    )


def queue_sms(
    to: str,
    body: str,
    *,
    event: str,
    commune=None,
    related_reference: str = "",
    idempotency_key: str | None = None,
) -> OutboxMessage:
    """Add an SMS to a French mobile number (any written form) to the outbox."""
    return _queue(
        commune=commune,
        channel=Channel.SMS,
        recipient=to_e164(to),
        subject="",
        body=body,
        html_body="",
        event=event,
        related_reference=related_reference,
        idempotency_key=idempotency_key,
    )


def notify(
    event: str,
    *,
    commune=None,
    context: dict | None = None,
    email: str = "",
    phone: str = "",
    service: str = "",
    related_reference: str = "",
    idempotency_key: str | None = None,
    attachments: list[dict] | tuple = (),
) -> list[OutboxMessage]:
    """Word ``event`` with the commune's templates and queue it by email and/or SMS.

    Give ``phone`` only when the person agreed to receive SMS. A channel the event
    does not declare is skipped. ``idempotency_key``, when given, is suffixed with
    the channel. ``attachments`` (see ``queue_email``) go with the email.
    """
    commune = commune or get_current_commune()
    if commune is None:
        raise ValueError("A notification belongs to a commune: pass commune=…")
    declared = events.get(event).channels if event in events else (Channel.EMAIL, Channel.SMS)
    messages = []
    if email and Channel.EMAIL in declared:
        rendered = render_notification(event, Channel.EMAIL, commune, context, service=service)
        messages.append(
            queue_email(
                email,
                rendered.subject,
                rendered.body,
                html_body=rendered.html_body,
                event=event,
                commune=commune,
                related_reference=related_reference,
                idempotency_key=f"{idempotency_key}:email" if idempotency_key else None,
                attachments=attachments,
            )
        )
    if phone and Channel.SMS in declared:
        rendered = render_notification(event, Channel.SMS, commune, context, service=service)
        messages.append(
            queue_sms(
                phone,
                rendered.body,
                event=event,
                commune=commune,
                related_reference=related_reference,
                idempotency_key=f"{idempotency_key}:sms" if idempotency_key else None,
            )
        )
    return messages


# Sending --------------------------------------------------------------------------------


def deliver(pk: int) -> str:
    """Send one outbox message of the current commune if it is due; returns its status.

    Safe to call twice, or from two workers at once: the message is claimed first
    (a row lock on PostgreSQL, a conditional update everywhere), a sent message is
    never sent again, and a pending one waits for its ``next_attempt_at``.
    """
    message = _claim(pk)
    if message is None:
        return OutboxMessage.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001  (any provider or network error is retried)
        return str(_record_failure(message, exc))
    now = timezone.now()
    forget = {}
    if events.is_confidential(message.event):
        # A secret link has no business in the database once it reached the mailbox.
        forget = {"body": CONFIDENTIAL_PLACEHOLDER, "html_body": "", "attachments": []}
    OutboxMessage.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT,
        sent_at=now,
        attempts=message.attempts + 1,
        next_attempt_at=None,
        last_error="",
        updated_at=now,
        **forget,
    )
    return str(Status.SENT)


def _claim(pk: int):
    """Mark a due message as being sent and return it, or None if it is not ours to send."""
    now = timezone.now()
    with transaction.atomic():
        queryset = OutboxMessage.objects.select_related("commune").filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            # Another worker holding the row is sending it: skip, do not wait.
            queryset = queryset.select_for_update(skip_locked=True, of=("self",))
        message = queryset.first()
        if message is None or not _is_due(message, now):
            return None
        # Compare-and-set: on SQLite (no row locks) two processes that read the same row
        # cannot both claim it.
        claimed = OutboxMessage.objects.filter(
            pk=pk, status=message.status, attempts=message.attempts
        ).update(status=Status.SENDING, next_attempt_at=now + sending_timeout(), updated_at=now)
        if not claimed:
            return None
    return message


def _is_due(message: OutboxMessage, now) -> bool:
    if message.status not in (Status.PENDING, Status.SENDING):
        return False
    # A message being sent is taken back only when its worker's lease ran out.
    return message.next_attempt_at is None or message.next_attempt_at <= now


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.EMAIL:
        sent = _email_for(message).send(fail_silently=False)
    elif message.channel == Channel.SMS:
        import sms

        sent = sms.Message(
            body=message.body,
            originator=message.commune.sms_originator,
            recipients=[message.recipient],
        ).send(fail_silently=False)
    else:
        raise DeliveryError(f"Unknown channel {message.channel!r}.")
    if not sent:
        raise DeliveryError("The provider reported no message sent.")


def sender_for(commune) -> str:
    """The From of the commune's emails: its own sender address (``Commune.sender_email``)
    or the install's ``DEFAULT_FROM_EMAIL``, under the commune's name unless the install's
    address carries a name of its own."""
    if commune.sender_email:
        name, address = "", commune.sender_email
    else:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not name and commune.name:
        name = str(commune.name)
    return formataddr((name, address)) if name else address


def _email_for(message: OutboxMessage) -> EmailMultiAlternatives:
    commune = message.commune
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=sender_for(commune),
        to=[message.recipient],
        reply_to=[commune.contact_email] if commune.contact_email else None,
        # RFC 3834: no out-of-office replies to an automatic message.
        headers={"Auto-Submitted": "auto-generated"},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments or []:
        email.attach(
            attachment["filename"], _attachment_content(attachment), attachment["mimetype"]
        )
    return email


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    now = timezone.now()
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
    if attempts >= max_attempts() or is_permanent(exc):
        status, next_attempt_at = Status.FAILED, None
        logger.error("Outbox message %s failed for good: %s", message.pk, error)
    else:
        status, next_attempt_at = Status.PENDING, now + backoff_delay(attempts)
        logger.warning("Outbox message %s not sent (attempt %s): %s", message.pk, attempts, error)
    OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        last_error=error,
        updated_at=now,
    )
    return status


def due_messages(now=None):
    """The current commune's messages whose next attempt is due."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status__in=(Status.PENDING, Status.SENDING), next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")


def send_due_messages(limit: int | None = None) -> dict[str, int]:
    """Send every message whose next attempt is due, commune by commune (at most ``limit``
    each); returns how many ended in each status."""
    limit = limit or int(getattr(settings, "ECOMMUNE_NOTIFICATION_BATCH_SIZE", DEFAULT_BATCH_SIZE))
    counts: dict[str, int] = {}
    for _commune in each_commune():
        for pk in list(due_messages().values_list("pk", flat=True)[:limit]):
            status = deliver(pk)
            counts[status] = counts.get(status, 0) + 1
    return counts


def retry_message(message: OutboxMessage) -> bool:
    """An agent's "send again": a failed (or waiting) message gets a fresh set of attempts.

    Returns False when the message was sent or is being sent meanwhile.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = (
            OutboxMessage.objects.for_commune(message.commune_id)
            .filter(pk=message.pk, status__in=(Status.FAILED, Status.PENDING))
            .update(status=Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now)
        )
        if updated:
            _enqueue_on_commit(message)
    return bool(updated)
