"""The commune's public schools, which school enrolment and the canteen stand on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned


class Level(models.TextChoices):
    """French primary-school levels, from the first year of nursery school to CM2."""

    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("CP")
    CE1 = "CE1", _("CE1")
    CE2 = "CE2", _("CE2")
    CM1 = "CM1", _("CM1")
    CM2 = "CM2", _("CM2")


NURSERY_LEVELS = [Level.PS, Level.MS, Level.GS]
ELEMENTARY_LEVELS = [Level.CP, Level.CE1, Level.CE2, Level.CM1, Level.CM2]


class School(CommuneOwned):
    name = models.CharField(_("name"), max_length=150)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=5)
    city = models.CharField(_("city"), max_length=120)
    uai = models.CharField(
        _("UAI code"),
        max_length=8,
        blank=True,
        help_text=_("The school's national identifier (Unité administrative immatriculée)."),
    )
    levels = models.JSONField(_("levels"), default=list)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="ecommune_school_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_levels_display(self) -> str:
        labels = dict(Level.choices)
        return ", ".join(str(labels.get(level, level)) for level in self.levels)
