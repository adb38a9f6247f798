"""The typed data of a civil-status certificate request, beside the engine's ``Request``."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned
from ecommune.services.civil_status.rules import (
    MAX_COPIES,
    ActType,
    DocumentType,
    Place,
    Relation,
)


class Outcome(models.TextChoices):
    """How the registry office closed the request (the engine's status says open or closed)."""

    PENDING = "", _("Not processed yet")
    SENT = "sent", _("Sent by post")
    NOT_FOUND = "not_found", _("Act not found in our registers")
    NOT_ENTITLED = "not_entitled", _("Applicant not entitled")


class CertificateRequest(CommuneOwned):
    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="certificate"
    )
    act_type = models.CharField(_("act"), max_length=20, choices=ActType.choices)
    document = models.CharField(_("document"), max_length=30, choices=DocumentType.choices)
    place = models.CharField(_("place of the event"), max_length=20, choices=Place.choices)
    relation = models.CharField(
        _("relation to the person"), max_length=30, choices=Relation.choices
    )
    last_name = models.CharField(_("last name"), max_length=150)
    first_names = models.CharField(_("first names"), max_length=200)
    event_date = models.DateField(_("date of the event"))
    death_date = models.DateField(_("date of death of the person"), null=True, blank=True)
    spouse_last_name = models.CharField(_("spouse's last name"), max_length=150, blank=True)
    spouse_first_names = models.CharField(_("spouse's first names"), max_length=200, blank=True)
    parent1_name = models.CharField(_("first parent"), max_length=250, blank=True)
    parent2_name = models.CharField(_("second parent"), max_length=250, blank=True)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_COPIES)]
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=80, default="France")
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason given to the applicant"), blank=True)

    class Meta:
        verbose_name = _("civil-status certificate request")
        verbose_name_plural = _("civil-status certificate requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(copies__gte=1, copies__lte=MAX_COPIES),
                name="ecommune_civil_status_copies_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.get_document_display()} — {self.get_act_type_display()} — {self.last_name}"

    @property
    def register_year(self) -> int:
        """Registers are kept per year: the first thing the agent looks up."""
        return self.event_date.year
