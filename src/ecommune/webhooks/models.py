"""A commune's webhook endpoints and each delivery of an event to one of them.

``WebhookEndpoint`` is an address of the commune's own software (its case-management,
its document management) and the request events it wants; its ``secret`` signs every
delivery. It is kept as it is, since the kit must sign with it, but shown once only, on
the page that makes the endpoint. ``WebhookDelivery`` is one event for one endpoint,
written in the transaction of the event itself (nothing is lost when the endpoint is
down), sent by a task, retried with backoff; it keeps its last answers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned


class Event(models.TextChoices):
    FILED = "request.filed", _("A request is filed")
    STATUS_CHANGED = "request.status_changed", _("A request's status changes")
    ANSWERED = "request.answered", _("The resident answers or writes")
    CLOSED = "request.closed", _("A request is closed")


class WebhookEndpoint(CommuneOwned):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("The program that receives, e.g. « GED ».")
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # The procedures (service slugs) whose requests it wants; empty: every procedure.
    services = models.JSONField(_("services"), default=list, blank=True)
    secret = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("When unticked, nothing is sent to it.")
    )
    # Set when a delivery failed for good; cleared by the next delivery that succeeds.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    # Retries exhausted: only an agent's « resend » sends it again.
    FAILED = "failed", _("Failed")


class WebhookDelivery(CommuneOwned):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    uid = models.UUIDField(unique=True, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    reference = models.CharField(_("request"), max_length=16, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: not before then. Sending: the end of the worker's lease.
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now
    )
    # The last answers, newest last: [{"at", "status_code", "excerpt", "error"}].
    answers = models.JSONField(default=list, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="ec_webhook_due_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"

    @property
    def last_answer(self) -> dict:
        return self.answers[-1] if self.answers else {}
