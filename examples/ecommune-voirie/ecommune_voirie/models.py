"""The typed data of a request to occupy the street (the engine's ``Request`` holds who
asks, the status and the history)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from ecommune.core.tenancy import CommuneOwned


class Kind(models.TextChoices):
    MOVE = "move", "Déménagement ou emménagement"
    SCAFFOLDING = "scaffolding", "Échafaudage"
    SKIP = "skip", "Benne ou dépôt de matériaux"


#: A plate as printed on the registration certificate: AB-123-CD, or an older or foreign one.
PLATE = RegexValidator(
    r"^[A-Z0-9][A-Z0-9 -]{0,13}[A-Z0-9]$",
    "Écrivez l'immatriculation comme sur la carte grise, par exemple AB-123-CD.",
)


class Occupation(CommuneOwned):
    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="occupation"
    )
    kind = models.CharField("motif", max_length=20, choices=Kind.choices)
    address = models.CharField(
        "adresse de l'occupation",
        max_length=200,
        help_text="Numéro et rue, et l'emplacement précis (devant le n° 12, côté pair…).",
    )
    start_date = models.DateField("premier jour")
    end_date = models.DateField("dernier jour")
    surface = models.DecimalField(
        "surface occupée (m²)",
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1000"))],
    )
    vehicle_plate = models.CharField(
        "immatriculation du véhicule (facultatif)",
        max_length=15,
        blank=True,
        validators=[PLATE],
    )
    # The decree, once granted: kept with the request's documents, served to the applicant.
    decree = models.ForeignKey(
        "ecommune_requests.Document",
        verbose_name="arrêté",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "occupation du domaine public"
        verbose_name_plural = "occupations du domaine public"

    def __str__(self):
        return f"{self.get_kind_display()}, {self.address}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Le dernier jour ne peut pas précéder le premier."})
