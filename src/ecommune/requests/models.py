"""The request engine's rows: one ``Request`` per procedure filed, and its timeline.

A service keeps its typed data in its own models, linked to the request; the
engine keeps what every procedure shares: the reference, the commune, who asked
and for whom, the status, the expected date of answer and the history across
channels.
"""

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.phones import validate_french_phone
from ecommune.core.registry import RegisteredServiceValidator
from ecommune.core.tenancy import CommuneOwned
from ecommune.requests.statuses import Status, closed_statuses


class Request(CommuneOwned):
    """A procedure filed by a resident (or by an agent on a resident's behalf)."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    service = models.CharField(
        _("service"), max_length=60, validators=[RegisteredServiceValidator()]
    )
    status = models.CharField(_("status"), max_length=40, default=Status.SUBMITTED)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ecommune_requests",
    )
    applicant_first_name = models.CharField(_("applicant's first name"), max_length=150)
    applicant_last_name = models.CharField(_("applicant's last name"), max_length=150)
    applicant_email = models.EmailField(_("applicant's email"))
    applicant_phone = models.CharField(
        _("applicant's mobile phone"), max_length=20, blank=True, validators=[validate_french_phone]
    )
    sms_consent = models.BooleanField(_("agrees to SMS"), default=False)
    # On someone's behalf: the person concerned, when not the applicant.
    beneficiary_first_name = models.CharField(
        _("first name of the person concerned"), max_length=150, blank=True
    )
    beneficiary_last_name = models.CharField(
        _("last name of the person concerned"), max_length=150, blank=True
    )
    beneficiary_capacity = models.CharField(
        _("capacity"),
        max_length=120,
        blank=True,
        help_text=_(
            "Why the applicant files for this person, such as « parent » or « legal guardian »."
        ),
    )
    beneficiary_email = models.EmailField(_("email of the person concerned"), blank=True)
    channel = models.CharField(_("channel"), max_length=20, default="web")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expected_answer_on = models.DateField(_("expected date of answer"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The delay clock (« le délai est suspendu »): set while the request waits for the
    # resident; on their answer the expected date moves by the working days spent waiting.
    waiting_since = models.DateTimeField(_("waiting for the resident since"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(
        _("working days suspended"),
        default=0,
        help_text=_("Working days the delay was suspended while waiting for the resident."),
    )
    # The form's one-time key: a double click on « submit » files one request.
    submission_key = models.UUIDField(
        _("submission key"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["commune", "service", "status"]),
            models.Index(fields=["commune", "expected_answer_on"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in closed_statuses(self.service_class())

    @property
    def on_behalf(self) -> bool:
        return bool(self.beneficiary_last_name)

    @property
    def applicant_name(self) -> str:
        return f"{self.applicant_first_name} {self.applicant_last_name}".strip()

    def service_class(self):
        from ecommune.core.registry import registry

        return registry.for_request(self)

    def get_status_display(self) -> str:
        from ecommune.requests.services import status_label

        return status_label(self.service_class(), self.status)

    def agent_status_display(self) -> str:
        """The status as agents read it in the back office (``AGENT_LABELS``)."""
        from ecommune.requests.services import agent_status_label

        return agent_status_label(self.service_class(), self.status)


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    POST = "post", _("Post")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Request submitted")
    STATUS = "status", _("Status changed")
    MESSAGE_TO_RESIDENT = "message_out", _("Message to the resident")
    MESSAGE_FROM_RESIDENT = "message_in", _("Message from the resident")
    CONTACT = "contact", _("Contact logged")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")


class RequestEvent(CommuneOwned):
    """One line of a request's history, whatever the channel it came through."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("previous status"), max_length=40, blank=True)
    to_status = models.CharField(_("new status"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    visible_to_resident = models.BooleanField(_("visible to the resident"), default=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.get_kind_display()}"

    @property
    def kind_display(self) -> str:
        """What the line says, with how a request reached the town hall when an agent filed
        it (« Demande déposée au guichet »); the agent's name is the back office's alone."""
        if self.kind == EventKind.SUBMITTED and self.channel in SUBMITTED_BY_CHANNEL:
            return str(SUBMITTED_BY_CHANNEL[self.channel])
        return self.get_kind_display()


#: The « submitted » line of a request an agent filed for a resident, by channel.
SUBMITTED_BY_CHANNEL = {
    Channel.COUNTER: _("Request submitted at the town hall's counter"),
    Channel.PHONE: _("Request taken by phone"),
    Channel.POST: _("Request received by post"),
    Channel.EMAIL: _("Request received by email"),
}


class _PrivateStorage(Storage):
    """The ``private`` storage of ``STORAGES``, looked up at each use (settings may change)."""

    def __getattribute__(self, name):
        from django.core.files.storage import storages

        return getattr(storages["private"], name)


_PRIVATE_STORAGE = _PrivateStorage()


def private_storage():
    return _PRIVATE_STORAGE


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Proof of identity")
    PROOF_OF_ADDRESS = "proof_of_address", _("Proof of address")
    FAMILY_RECORD = "family_record", _("Family record book")
    INCOME = "income", _("Proof of income")
    OTHER = "other", _("Other document")


class Document(CommuneOwned):
    """A file a resident gave, kept in their document space to be reused."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ecommune_documents",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="documents/", max_length=200
    )
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("kept until"), db_index=True)
    requests = models.ManyToManyField(
        Request, related_name="documents", blank=True, verbose_name=_("requests")
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class CannedReply(CommuneOwned):
    """A reply an agent saved to send again, with the request's fields filled in.

    The body is a Django template run in the notifications' sandbox engine: it reads the
    variables it is given (reference, applicant_name, service_title, expected_answer_on,
    agent_name) and can load nothing.
    """

    service = models.CharField(
        _("service"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to offer this reply for every service."),
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Draft(CommuneOwned):
    """A signed-in resident's unfinished wizard, kept so they can resume it from « Mon
    espace » on any device; deleted when the request is filed, by the resident, or after
    ``ECOMMUNE_DRAFT_RETENTION_DAYS`` without a change (``ecommune.requests.drafts``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="ecommune_drafts",
    )
    service = models.CharField(_("service"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    #: The steps and fields of the wizard it was saved from: another value on resuming
    #: means the procedure changed since.
    fingerprint = models.CharField(max_length=64, editable=False)
    #: formtools' storage of the wizard: the step, each step's answers and files.
    data = models.JSONField(default=dict, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "owner", "service"], name="ecommune_one_draft_per_service"
            )
        ]

    def __str__(self):
        return self.title
