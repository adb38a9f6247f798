"""The outbox: every email and SMS, written in the transaction that causes it, sent by a task.

``OutboxMessage`` is one message to one recipient, with its delivery state;
``NotificationTemplate`` is a commune's own wording for one event on one channel
(the kit's default wording is a template file, see ``rendering``). Writing and
sending live in ``services``; this module holds no sending logic.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Retries exhausted: only an agent's "retry" sends it again.
    FAILED = "failed", _("Failed")


class OutboxMessage(CommuneOwned):
    """One email or SMS to one recipient, and how its delivery went."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        _("recipient"),
        max_length=254,
        help_text=_("An email address, or a mobile number in the international form (+33…)."),
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML text"), blank=True)
    # Emails only: [{"filename": …, "mimetype": …, "content": text}], such as an .ics file.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    event = models.CharField(
        _("event"), max_length=80, help_text=_("What caused the message, such as a new request.")
    )
    related_reference = models.CharField(
        _("about"),
        max_length=100,
        blank=True,
        help_text=_("The reference of what the message is about, such as a request number."),
    )
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=255,
        unique=True,
        help_text=_("The same key is never queued twice, so one event never sends two messages."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # For a pending message: not before then. For one being sent: the end of the worker's
    # lease, after which the message is taken as abandoned and sent again.
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now
    )
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        # Messages are written by the kit, never by hand: agents read them and retry them.
        default_permissions = ("view",)
        permissions = [("retry_outboxmessage", _("Can send a message again"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="ec_outbox_due_idx"),
            models.Index(fields=["commune", "-created_at"], name="ec_outbox_commune_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}"

    @property
    def can_retry(self) -> bool:
        return self.status in (Status.FAILED, Status.PENDING)


class NotificationTemplate(CommuneOwned):
    """A commune's own wording of one event's message on one channel.

    Without an active row the kit's default wording is used (a template file);
    a row for a service overrides the commune's row for every service.
    """

    event = models.CharField(_("event"), max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    service = models.CharField(
        _("service"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to use this wording for every service."),
    )
    subject = models.CharField(
        _("subject"),
        max_length=255,
        blank=True,
        help_text=_("Emails only. The event's variables may be used, such as {{ reference }}."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Variables are written between double braces, such as {{ reference }}; "
            "{% if … %} … {% endif %} shows a sentence only when a value is given."
        ),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("When unticked, the kit's default wording is used instead."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "event", "channel", "service"],
                name="ec_notification_template_unique",
            )
        ]

    def __str__(self):
        from ecommune.notifications.events import events

        label = events.label(self.event)
        return f"{label} ({self.get_channel_display()})"
