"""A designed procedure: its draft (the rows an agent edits in the back office) and its
published versions (a frozen schema each, which requests keep).

``Procedure`` is the draft: texts, who may ask, delay, agents' group, purpose and
retention, with its steps, fields and statuses as inline rows. Publishing freezes the
draft into a ``ProcedureVersion`` (``schema``, JSON); the registry serves the latest
published version of every procedure not archived. A request filed with a version keeps
it (``ProcedureAnswer``): its answers are read and shown with that version's fields.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from ecommune.core.panels import CspInlinePanel as InlinePanel
from ecommune.core.services import ACCESS_CHOICES, ANYONE
from ecommune.core.tenancy import CommuneOwned


class Kind(models.TextChoices):
    """The kinds of field an agent may put in a step."""

    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone number")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    RADIO = "radio", _("Choice (buttons)")
    SELECT = "select", _("Choice (list)")
    CHECKBOXES = "checkboxes", _("Checkboxes")
    YES_NO = "yes_no", _("Yes or no")
    ADDRESS = "address", _("French postal address")
    FILE = "file", _("File")


#: Kinds whose answers are one or several of the field's choices.
CHOICE_KINDS = frozenset({Kind.RADIO, Kind.SELECT, Kind.CHECKBOXES})


#: The file types a designed field may accept: those the kit accepts everywhere
#: (``ecommune.requests.documents.ACCEPTED_TYPES``), never more.
class FileType(models.TextChoices):
    PDF = "pdf", _("PDF document")
    JPEG = "jpeg", _("JPEG image (photo)")
    PNG = "png", _("PNG image")


MIME_OF = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


class BaseStatus(models.TextChoices):
    """The statuses a designed procedure picks from (the engine's common ones), or an
    extra one of its own."""

    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_RESIDENT = "waiting_resident", _("Waiting for you")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    EXTRA = "extra", _("Another status (give its name)")


#: The portal's life events (``ecommune.cms.provisioning.LIFE_EVENTS``, a floor above):
#: their keys, for a procedure to be listed under them.
class LifeEvent(models.TextChoices):
    BIRTH = "birth", _("A birth")
    MOVING = "moving", _("Moving house")
    MARRIAGE = "marriage", _("A marriage or PACS")
    DEATH = "death", _("A death")
    ELECTIONS = "elections", _("Voting")
    SCHOOL = "school", _("School")
    IDENTITY = "identity", _("Identity papers")


class ChoiceListField(models.JSONField):
    """A list of some of ``choices`` (a ``TextChoices``), edited as checkboxes: a value
    outside them is refused next to the field."""

    choices_class: type = FileType

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        from django import forms

        return forms.MultipleChoiceField(
            choices=self.choices_class.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
            error_messages={"invalid_choice": _("%(value)s is not one of the available choices.")},
        )


class FileTypesField(ChoiceListField):
    choices_class = FileType


class LifeEventsField(ChoiceListField):
    choices_class = None  # set below, once LifeEvent exists


LifeEventsField.choices_class = LifeEvent


class Procedure(CommuneOwned, ClusterableModel):
    """The draft of a designed procedure, as the agent edits it."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("address"),
        max_length=60,
        blank=True,
        help_text=_(
            "The end of the procedure's web address (letters, digits and dashes); made from "
            "the title when left empty. It never changes once published."
        ),
    )
    summary = models.TextField(
        _("description"),
        max_length=500,
        help_text=_("One or two sentences shown in the list of online procedures."),
    )
    who_can_ask = models.TextField(
        _("who may ask, what to have at hand"), max_length=1000, blank=True
    )
    access = models.CharField(
        _("who may file it"), max_length=20, choices=ACCESS_CHOICES, default=ANYONE
    )
    processing_days = models.PositiveSmallIntegerField(
        _("processing delay in working days"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("From 1 to 365 working days: the acknowledgment gives the expected date."),
    )
    agents_group = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agents' group"),
        help_text=_(
            "The agents of this group handle the requests (they are given the procedure "
            "when it is published)."
        ),
    )
    acknowledgment_message = models.TextField(
        _("message of the acknowledgment"),
        max_length=1000,
        blank=True,
        help_text=_("What the applicant reads under « what happens next » and in the email."),
    )
    purpose = models.TextField(
        _("purpose of the personal data"),
        max_length=500,
        help_text=_("Why the town hall collects these answers (personal-data register)."),
    )
    retention = models.CharField(
        _("retention of the data"),
        max_length=300,
        help_text=_("How long the answers are kept, such as « 1 year after the answer »."),
    )
    life_events = LifeEventsField(
        _("life events"),
        help_text=_("The portal lists the procedure under these moments of life."),
    )
    archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("An archived procedure is no longer offered; its requests stay."),
    )
    template = models.CharField(max_length=60, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("summary"),
                FieldPanel("who_can_ask"),
                FieldPanel("access"),
                FieldPanel("processing_days"),
                FieldPanel("agents_group"),
                FieldPanel("life_events"),
            ],
            heading=_("The procedure"),
        ),
        InlinePanel("steps", heading=_("Steps"), label=_("Step")),
        InlinePanel("fields", heading=_("Fields"), label=_("Field")),
        MultiFieldPanel(
            [FieldPanel("acknowledgment_message")],
            heading=_("Messages to the applicant"),
        ),
        InlinePanel(
            "statuses",
            heading=_("Statuses (none: the usual ones)"),
            label=_("Status"),
        ),
        MultiFieldPanel(
            [FieldPanel("purpose"), FieldPanel("retention"), FieldPanel("archived")],
            heading=_("Personal data"),
        ),
    ]

    class Meta:
        verbose_name = _("designed procedure")
        verbose_name_plural = _("designed procedures")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "slug"], name="ecommune_procedure_slug_per_commune"
            )
        ]

    def __str__(self):
        return self.title

    def latest_version(self):
        return self.versions.order_by("-number").first()

    @property
    def is_published(self) -> bool:
        return self.versions.exists()

    def has_requests(self) -> bool:
        return ProcedureAnswer.objects.filter(version__procedure=self).exists()


class ProcedureStep(Orderable):
    """One screen of the procedure's wizard."""

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title of the step"), max_length=120)
    condition_field = models.CharField(
        _("shown only when the field"),
        max_length=50,
        blank=True,
        help_text=_("The name of a field of an earlier step; empty: always shown."),
    )
    condition_value = models.CharField(_("has the answer"), max_length=200, blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("condition_field"), FieldPanel("condition_value")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.title


class ProcedureField(Orderable):
    """One question of the procedure, on the step of its number."""

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="fields")
    step = models.PositiveSmallIntegerField(
        _("step number"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("1 for the first step above, 2 for the second…"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200)
    name = models.SlugField(
        _("name"),
        max_length=50,
        blank=True,
        help_text=_("Used in conditions and exports; made from the label when left empty."),
    )
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(
        _("choices"),
        max_length=2000,
        blank=True,
        help_text=_("For the choice and checkbox kinds: one choice per line."),
    )
    file_types = FileTypesField(_("accepted file types (for a file)"))
    max_megabytes = models.PositiveSmallIntegerField(
        _("largest file (MB)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    condition_field = models.CharField(
        _("shown only when the field"),
        max_length=50,
        blank=True,
        help_text=_("The name of a field before this one; empty: always shown."),
    )
    condition_value = models.CharField(_("has the answer"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("step"), FieldPanel("kind")]),
        FieldPanel("label"),
        FieldPanel("name"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("choices"),
        FieldRowPanel([FieldPanel("file_types"), FieldPanel("max_megabytes")]),
        FieldRowPanel([FieldPanel("condition_field"), FieldPanel("condition_value")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self):
        return self.label


class ProcedureStatus(Orderable):
    """A status the procedure uses, with the message the applicant receives on it."""

    procedure = ParentalKey(Procedure, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(_("status"), max_length=20, choices=BaseStatus.choices)
    label = models.CharField(
        _("name of another status"),
        max_length=60,
        blank=True,
        help_text=_("Only for « another status », such as « Room reserved »."),
    )
    closes = models.BooleanField(
        _("closes the request"),
        default=False,
        help_text=_("Only for « another status »: the request is finished."),
    )
    message = models.TextField(
        _("message to the applicant"),
        max_length=1000,
        blank=True,
        help_text=_("Sent by email when the request reaches this status."),
    )

    panels = [
        FieldRowPanel([FieldPanel("status"), FieldPanel("label"), FieldPanel("closes")]),
        FieldPanel("message"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self):
        return self.label or self.get_status_display()


class ProcedureVersion(CommuneOwned):
    """A published version: the frozen schema of the procedure, never changed."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    schema = models.JSONField(_("schema"))
    published_at = models.DateTimeField(_("published on"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("version of a procedure")
        verbose_name_plural = _("versions of procedures")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="ecommune_procedure_version_number"
            )
        ]

    def __str__(self):
        return f"{self.procedure} (v{self.number})"


class ProcedureAnswer(CommuneOwned):
    """A request's answers to a designed procedure, with the version it was filed with."""

    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="procedure_answer"
    )
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="answers")
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("answers to a designed procedure")
        verbose_name_plural = _("answers to designed procedures")
