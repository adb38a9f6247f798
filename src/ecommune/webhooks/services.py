"""Webhooks: queueing request events for the commune's endpoints, signing and sending them.

``queue_request_event()`` writes one ``WebhookDelivery`` per active endpoint that wants
the event, in the transaction of the event itself (a rolled-back change sends nothing, a
committed one loses nothing), and enqueues its sending once that transaction commits.
``deliver()`` posts one delivery: a 2xx answer delivers it; anything else (another
status, a timeout, a refused connection) leaves it pending with a later
``next_attempt_at`` (exponential backoff, as the outbox does), and
``send_due_deliveries()`` — the ``ecommune_send_webhooks`` command, run every minute by
the scheduler — sends what is due again. After ``ECOMMUNE_WEBHOOK_MAX_ATTEMPTS`` failures
the delivery is failed, its endpoint marked failing and the commune's agents
administrators are emailed (through the outbox). An agent's « resend » starts again.

Each delivery is a JSON POST signed with the endpoint's secret::

    X-Ecommune-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">
    X-Ecommune-Event: request.filed
    X-Ecommune-Delivery: <the delivery's uuid, the same on every attempt>

Addresses: only http and https URLs with a host name are accepted; redirects are never
followed (a 3xx is a failure). The kit does not refuse private addresses: a commune's
case-management often lives on its own network, and only its agents administrators may
register an endpoint.
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from urllib.parse import urlsplit

import requests as http
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.accounts.audit import audit
from ecommune.core.tenancy import each_commune
from ecommune.notifications.services import notify
from ecommune.webhooks.events import ENDPOINT_FAILING
from ecommune.webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("ecommune.webhooks")

DEFAULT_MAX_ATTEMPTS = 6
# Minutes to wait after the 1st, 2nd, … failure; the last delay repeats.
DEFAULT_BACKOFF_MINUTES = (1, 5, 15, 60, 240)
DEFAULT_TIMEOUT = 10
DEFAULT_SENDING_TIMEOUT = 5 * 60
DEFAULT_BATCH_SIZE = 200
#: Days a delivered or failed delivery stays readable on its endpoint's page.
DEFAULT_RETENTION_DAYS = 90
EXCERPT_LENGTH = 300
ANSWERS_KEPT = 5
SECRET_START = "whsec_"  # noqa: S105  (the secrets' visible prefix, not a secret)


# Settings -------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "ECOMMUNE_WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def backoff_delay(failures: int) -> datetime.timedelta:
    """How long to wait before the next attempt after ``failures`` failed ones (1, 2, …)."""
    delays = tuple(getattr(settings, "ECOMMUNE_WEBHOOK_BACKOFF_MINUTES", DEFAULT_BACKOFF_MINUTES))
    return datetime.timedelta(minutes=delays[min(max(failures, 1), len(delays)) - 1])


def request_timeout() -> float:
    return float(getattr(settings, "ECOMMUNE_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT))


def sending_timeout() -> datetime.timedelta:
    return datetime.timedelta(
        seconds=int(getattr(settings, "ECOMMUNE_WEBHOOK_SENDING_TIMEOUT", DEFAULT_SENDING_TIMEOUT))
    )


# Endpoints ------------------------------------------------------------------------------


def validate_url(url: str) -> None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http or https address."), code="scheme")
    if parts.username or parts.password:
        raise ValidationError(_("The address may not hold a user name or password."), code="auth")


@transaction.atomic
def create_endpoint(
    http_request, *, commune, name: str, url: str, events, services=()
) -> WebhookEndpoint:
    """A new endpoint of ``commune``; its secret is on the returned row, to show once.
    ``services``: the procedures whose requests it gets, none for every one."""
    validate_url(url)
    endpoint = WebhookEndpoint.objects.for_commune(commune).create(
        name=name.strip(),
        url=url.strip(),
        events=[event for event in Event.values if event in set(events)],
        services=service_slugs(commune, services),
        secret=SECRET_START + secrets.token_urlsafe(32),
        created_by=http_request.user,
    )
    audit(http_request, "webhooks.endpoint_created", endpoint, endpoint.url, commune=commune)
    return endpoint


@transaction.atomic
def delete_endpoint(http_request, endpoint: WebhookEndpoint) -> None:
    audit(
        http_request,
        "webhooks.endpoint_deleted",
        endpoint,
        f"{endpoint.name} ({endpoint.url})",
        commune=endpoint.commune,
    )
    endpoint.delete()


# Queueing -------------------------------------------------------------------------------


def payload_for(event: str, request_event, delivery_uid) -> dict:
    """What is sent: the event and the request's state, no personal data (the receiver
    reads the rest through the agents' API, with its token)."""
    filed = request_event.request
    status = request_event.to_status or filed.status
    return {
        "event": event,
        "delivery": str(delivery_uid),
        "occurred_at": (request_event.created_at or timezone.now()).isoformat(),
        "commune": {"insee": filed.commune.insee_code, "name": str(filed.commune.name)},
        "request": {
            "reference": filed.reference,
            "service": filed.service,
            "status": status,
            "previous_status": request_event.from_status or None,
            "submitted_at": filed.submitted_at.isoformat() if filed.submitted_at else None,
            "expected_answer_on": filed.expected_answer_on.isoformat()
            if filed.expected_answer_on
            else None,
        },
    }


def service_slugs(commune, chosen) -> list[str]:
    """The commune's procedures among ``chosen``, in the commune's order."""
    chosen = set(chosen or ())
    return [service.slug for service in commune.services() if service.slug in chosen]


def wants(endpoint: WebhookEndpoint, event: str, service: str) -> bool:
    """Whether ``endpoint`` takes ``event`` on a request of the procedure ``service``."""
    return event in (endpoint.events or []) and (
        not endpoint.services or service in endpoint.services
    )


def queue_request_event(event: str, request_event) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the request's commune that wants ``event`` for
    the request's procedure."""
    commune_id = request_event.commune_id
    endpoints = WebhookEndpoint.objects.for_commune(commune_id).filter(active=True)
    deliveries = []
    for endpoint in endpoints:
        if not wants(endpoint, event, request_event.request.service):
            continue
        uid = uuid.uuid4()
        deliveries.append(
            WebhookDelivery.objects.for_commune(commune_id).create(
                endpoint=endpoint,
                uid=uid,
                event=event,
                reference=request_event.request.reference,
                payload=payload_for(event, request_event, uid),
            )
        )
    for delivery in deliveries:
        _enqueue_on_commit(delivery)
    return deliveries


def _enqueue_on_commit(delivery) -> None:
    from ecommune.webhooks.tasks import send_webhook

    commune_id, pk = delivery.commune_id, delivery.pk

    def enqueue():
        send_webhook.enqueue(commune_id, pk)

    # robust: a task queue that is down must not fail the request; the delivery waits
    # for `ecommune_send_webhooks`.
    transaction.on_commit(enqueue, robust=True)


# Signing --------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signed_headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes) -> dict:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "ecommune-webhooks",
        "X-Ecommune-Event": delivery.event,
        "X-Ecommune-Delivery": str(delivery.uid),
        "X-Ecommune-Signature": f"t={timestamp},v1={signature(endpoint.secret, timestamp, body)}",
    }


# Sending --------------------------------------------------------------------------------


class EndpointError(Exception):
    def __init__(self, message, status_code=None, excerpt=""):
        super().__init__(message)
        self.status_code = status_code
        self.excerpt = excerpt


def deliver(pk: int) -> str:
    """Send one delivery of the current commune if it is due; returns its status."""
    delivery = _claim(pk)
    if delivery is None:
        return WebhookDelivery.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
    endpoint = delivery.endpoint
    now = timezone.now()
    try:
        status_code, excerpt = _post(endpoint, delivery)
    except EndpointError as exc:
        return _record_failure(delivery, exc)
    answers = _with_answer(delivery, now, status_code, excerpt, "")
    WebhookDelivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.DELIVERED,
        attempts=delivery.attempts + 1,
        next_attempt_at=None,
        delivered_at=now,
        answers=answers,
        updated_at=now,
    )
    if endpoint.failing_since is not None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
    return str(DeliveryStatus.DELIVERED)


def _post(endpoint, delivery) -> tuple[int, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        response = http.post(
            endpoint.url,
            data=body,
            headers=signed_headers(endpoint, delivery, body),
            timeout=request_timeout(),
            allow_redirects=False,
            stream=True,
        )
    except http.RequestException as exc:
        raise EndpointError(f"{type(exc).__name__}: {exc}"[:EXCERPT_LENGTH]) from exc
    try:
        excerpt = _excerpt(response)
    finally:
        response.close()
    if not 200 <= response.status_code < 300:
        raise EndpointError(f"HTTP {response.status_code}", response.status_code, excerpt)
    return response.status_code, excerpt


def _excerpt(response) -> str:
    try:
        raw = next(response.iter_content(EXCERPT_LENGTH * 4), b"")
    except http.RequestException:
        return ""
    return raw.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT_LENGTH]


def _with_answer(delivery, at, status_code, excerpt, error) -> list:
    answer = {"at": at.isoformat(), "status_code": status_code, "excerpt": excerpt, "error": error}
    return [*(delivery.answers or []), answer][-ANSWERS_KEPT:]


def _claim(pk: int):
    """Mark a due delivery as being sent and return it, or None if it is not ours to send."""
    now = timezone.now()
    with transaction.atomic():
        queryset = WebhookDelivery.objects.select_related("endpoint", "commune").filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True, of=("self",))
        delivery = queryset.first()
        if delivery is None or not _is_due(delivery, now):
            return None
        claimed = WebhookDelivery.objects.filter(
            pk=pk, status=delivery.status, attempts=delivery.attempts
        ).update(
            status=DeliveryStatus.SENDING,
            next_attempt_at=now + sending_timeout(),
            updated_at=now,
        )
        if not claimed:
            return None
    return delivery


def _is_due(delivery, now) -> bool:
    if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.SENDING):
        return False
    if not delivery.endpoint.active:
        return False
    return delivery.next_attempt_at is None or delivery.next_attempt_at <= now


def _record_failure(delivery, exc: EndpointError) -> str:
    now = timezone.now()
    attempts = delivery.attempts + 1
    answers = _with_answer(delivery, now, exc.status_code, exc.excerpt, str(exc))
    if attempts >= max_attempts():
        status, next_attempt_at = DeliveryStatus.FAILED, None
        logger.error("Webhook delivery %s failed for good: %s", delivery.pk, exc)
    else:
        status, next_attempt_at = DeliveryStatus.PENDING, now + backoff_delay(attempts)
        logger.warning(
            "Webhook delivery %s not accepted (attempt %s): %s", delivery.pk, attempts, exc
        )
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=status,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            answers=answers,
            updated_at=now,
        )
        if status == DeliveryStatus.FAILED:
            _mark_failing(delivery, attempts, str(exc), now)
    return str(status)


def _mark_failing(delivery, attempts: int, error: str, now) -> None:
    """The endpoint is failing; its agents administrators are told once per failing spell."""
    endpoint = delivery.endpoint
    newly = WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    audit(None, "webhooks.delivery_failed", endpoint, error, commune=delivery.commune)
    if newly:
        tell_agents(endpoint, attempts, error, since=now)


def recipients(commune) -> list[tuple[str, str]]:
    """(name, email) of the commune's active agents who manage the endpoints (the agents
    administrators); the town hall's contact address when there is none."""
    from ecommune.accounts.agents_admin import INVITERS
    from ecommune.accounts.models import Agent

    agents = Agent.objects.filter(commune=commune, user__is_active=True).select_related("user")
    found = [
        (agent.user.get_full_name(), agent.user.email)
        for agent in agents.order_by("pk")
        if agent.user.email and INVITERS.allows(agent.user)
    ]
    if not found and commune.contact_email:
        found = [("", commune.contact_email)]
    if not found:
        logger.error("commune %s: no agents administrator and no contact email", commune.pk)
    return found


def tell_agents(endpoint, attempts: int, error: str, *, since) -> int:
    commune = endpoint.commune
    try:
        url = commune.public_url(reverse("ecommune_webhooks:deliveries", args=[endpoint.pk]))
    except NoReverseMatch:  # pragma: no cover  (a site without Wagtail's admin URLs)
        url = commune.public_url("/")
    context = {
        "endpoint": endpoint.name,
        "url": endpoint.url,
        "attempts": attempts,
        "error": error,
        "deliveries_url": url,
    }
    queued = 0
    for name, email in recipients(commune):
        queued += len(
            notify(
                ENDPOINT_FAILING,
                commune=commune,
                context={**context, "agent_name": name},
                email=email,
                related_reference=endpoint.name[:100],
                idempotency_key=f"{ENDPOINT_FAILING}:{endpoint.pk}:{since.isoformat()}:{email}",
            )
        )
    return queued


def due_deliveries(now=None):
    """The current commune's deliveries whose next attempt is due."""
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING),
        next_attempt_at__lte=now,
        endpoint__active=True,
    ).order_by("next_attempt_at", "pk")


def retention() -> datetime.timedelta:
    """How long a delivery that is over (delivered or failed) is kept to be read."""
    days = int(getattr(settings, "ECOMMUNE_WEBHOOK_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    return datetime.timedelta(days=days)


def purge_old_deliveries(now=None) -> int:
    """Delete, in every commune, the deliveries over for longer than ``retention()``; the
    ones still waiting stay whatever their age. Returns how many went."""
    limit = (now or timezone.now()) - retention()
    over = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
    deleted = 0
    for _commune in each_commune():
        count, _by_model = WebhookDelivery.objects.filter(
            status__in=over, created_at__lt=limit
        ).delete()
        deleted += count
    return deleted


def send_due_deliveries(limit: int | None = None) -> dict[str, int]:
    """Send every delivery whose next attempt is due, commune by commune; returns counts."""
    limit = limit or int(getattr(settings, "ECOMMUNE_WEBHOOK_BATCH_SIZE", DEFAULT_BATCH_SIZE))
    counts: dict[str, int] = {}
    for _commune in each_commune():
        for pk in list(due_deliveries().values_list("pk", flat=True)[:limit]):
            status = deliver(pk)
            counts[status] = counts.get(status, 0) + 1
    return counts


def resend(http_request, delivery: WebhookDelivery) -> bool:
    """An agent's « resend »: a failed (or waiting) delivery gets a fresh set of attempts."""
    now = timezone.now()
    with transaction.atomic():
        updated = (
            WebhookDelivery.objects.for_commune(delivery.commune_id)
            .filter(pk=delivery.pk, status__in=(DeliveryStatus.FAILED, DeliveryStatus.PENDING))
            .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, updated_at=now)
        )
        if updated:
            audit(
                http_request,
                "webhooks.delivery_resent",
                delivery.endpoint,
                f"{delivery.event} {delivery.reference}",
                commune=delivery.commune,
            )
            _enqueue_on_commit(delivery)
    return bool(updated)
