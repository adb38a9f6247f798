"""The commune's public schools, which school enrolment and the canteen stand on; the
children they enrol are the families' (``ecommune.families``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.tenancy import CommuneOwned

# A child's school level is the family's (``ecommune.families.models``).
from ecommune.families.models import Child, Level

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


# School map and enrolment ------------------------------------------------------------------


class Side(models.TextChoices):
    BOTH = "both", _("Both sides")
    ODD = "odd", _("Odd numbers")
    EVEN = "even", _("Even numbers")


class StreetSegment(CommuneOwned):
    """One line of the school map (carte scolaire): a street, or a side or a number range of
    it, and the school its children attend."""

    street = models.CharField(_("street"), max_length=200)
    street_key = models.CharField(max_length=200, editable=False, db_index=True)
    side = models.CharField(_("side"), max_length=4, choices=Side.choices, default=Side.BOTH)
    number_from = models.PositiveIntegerField(_("from number"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("to number"), null=True, blank=True)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="streets"
    )

    class Meta:
        verbose_name = _("street of the school map")
        verbose_name_plural = _("school map")
        ordering = ["street_key", "number_from", "pk"]

    def __str__(self):
        return self.street

    def save(self, *args, **kwargs):
        from ecommune.services.school.sectorisation import street_key

        self.street_key = street_key(self.street)
        super().save(*args, **kwargs)


class SchoolChoice(models.TextChoices):
    SECTOR = "sector", _("The school of my sector")
    OTHER = "other", _("Another school (derogation)")


class SchoolEnrolment(CommuneOwned):
    """The typed data of a school enrolment request (inscription scolaire)."""

    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="school_enrolment"
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    child_first_name = models.CharField(_("child's first name"), max_length=150)
    child_last_name = models.CharField(_("child's last name"), max_length=150)
    child_birth_date = models.DateField(_("child's date of birth"))
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year it starts, such as 2027 for 2027-2028.")
    )
    level = models.CharField(_("level"), max_length=3, choices=Level.choices)
    street_number = models.CharField(_("Number"), max_length=10, blank=True)
    street_name = models.CharField(_("Street"), max_length=200)
    postal_code = models.CharField(_("Postal code"), max_length=5)
    city = models.CharField(_("City"), max_length=120)
    sector_school = models.ForeignKey(
        School,
        verbose_name=_("school of the sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_school = models.ForeignKey(
        School,
        verbose_name=_("school asked for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    derogation_reason = models.TextField(_("reason for the derogation"), blank=True)
    sworn_statement = models.BooleanField(_("sworn statement of domicile"), default=False)
    assigned_school = models.ForeignKey(
        School,
        verbose_name=_("school assigned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("school enrolment")
        verbose_name_plural = _("school enrolments")
        ordering = ["child_last_name", "child_first_name", "pk"]

    def __str__(self):
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def is_derogation(self) -> bool:
        return self.requested_school_id is not None and (
            self.requested_school_id != self.sector_school_id
        )

    @property
    def choice(self) -> str:
        """The wizard's « school asked for » answer, read back for the summary."""
        return SchoolChoice.OTHER if self.is_derogation else SchoolChoice.SECTOR

    @property
    def address(self) -> str:
        return " ".join(
            part
            for part in (self.street_number, self.street_name, self.postal_code, self.city)
            if part
        )

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


# Canteen and after-school activities ---------------------------------------------------------


class ActivityKind(models.TextChoices):
    CANTEEN = "canteen", _("Canteen")
    MORNING = "morning", _("Morning care")
    EVENING = "evening", _("Evening care")
    LEISURE = "leisure", _("Leisure centre")
    OTHER = "other", _("Other activity")


WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class Activity(CommuneOwned):
    """A paid activity the commune runs for schoolchildren, on some days of the week."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    weekdays = models.JSONField(
        _("days"), default=list, help_text=_("Days of the week, 0 for Monday to 4 for Friday.")
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("notice in working days"),
        default=2,
        help_text=_(
            "A day can be changed or cancelled until midnight this many working days before "
            "it (2: 48 working hours)."
        ),
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"], name="ecommune_school_unique_activity"
            )
        ]

    def __str__(self):
        return self.name

    def get_weekdays_display(self) -> str:
        labels = dict(WEEKDAY_CHOICES)
        return ", ".join(str(labels[day]) for day in sorted(self.weekdays) if day in labels)

    def cantine_status(self) -> str:
        """For the back office's list: whether next school year's grid meets the State's
        « cantine à 1 € » conditions, and why not."""
        from ecommune.services.school.enrolment_forms import next_school_year
        from ecommune.services.school.pricing import cantine_a_un_euro

        if self.kind != ActivityKind.CANTEEN:
            return "—"
        year = next_school_year()
        check = cantine_a_un_euro(self, year)
        if check.meets:
            return str(_("%(year)s: meets the conditions")) % {"year": f"{year}-{year + 1}"}
        return str(_("%(year)s: does not meet them (%(reasons)s)")) % {
            "year": f"{year}-{year + 1}",
            "reasons": " ".join(check.reasons),
        }


class EnrolmentPeriod(CommuneOwned):
    """When the town hall takes school enrolments for a school year. Families read its
    opening and its last day in « Mon agenda » (``ecommune.services.school.agenda``); the
    wizard stays open outside it, for families who move in during the year."""

    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year it starts: 2027 for 2027-2028.")
    )
    opens_on = models.DateField(_("first day of enrolments"))
    closes_on = models.DateField(_("last day of enrolments"))

    class Meta:
        verbose_name = _("school enrolment period")
        verbose_name_plural = _("school enrolment periods")
        ordering = ["-school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "school_year"], name="ecommune_one_enrolment_period_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="ecommune_enrolment_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.school_year}-{self.school_year + 1}"

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The last day comes before the first day.")})


class SchoolHoliday(CommuneOwned):
    """A period without school (the academic zone's holidays, a bridge day): the canteen and
    after-school care are not held, so the billing run bills none of its days."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Such as « Vacances de Noël »."))
    starts_on = models.DateField(_("first day without school"))
    ends_on = models.DateField(_("last day without school"))

    class Meta:
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="ecommune_school_holiday_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day comes before the first day.")})


class PriceBand(CommuneOwned):
    """The price of one session of an activity for a band of quotient familial and a school
    year; the band marked « default » is the price without a valid quotient familial."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="prices")
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year it starts, such as 2027 for 2027-2028.")
    )
    qf_min = models.PositiveIntegerField(_("from QF"), default=0)
    qf_max = models.PositiveIntegerField(
        _("to QF"), null=True, blank=True, help_text=_("Empty for no upper limit.")
    )
    is_default = models.BooleanField(
        _("default price"),
        default=False,
        help_text=_("The price without a declared or valid quotient familial."),
    )
    price = models.DecimalField(_("price per session (€)"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("price band")
        verbose_name_plural = _("price bands")
        ordering = ["activity", "school_year", "is_default", "qf_min"]

    def __str__(self):
        if self.is_default:
            return str(_("%(activity)s %(year)s: default price")) % {
                "activity": self.activity,
                "year": self.school_year,
            }
        return f"{self.activity} {self.school_year}: {self.qf_min}–{self.qf_max or '∞'}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.qf_max is not None and self.qf_max < self.qf_min:
            raise ValidationError({"qf_max": _("The upper limit is below the lower one.")})
        if self.price is not None and self.price < 0:
            raise ValidationError({"price": _("A price cannot be negative.")})


class ActivityEnrolment(CommuneOwned):
    """A child enrolled in an activity for a school year, on some of its days of the week."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="enrolments")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    weekdays = models.JSONField(_("days"), default=list)
    # The first day billed: the day the resident chose the days on the family space (or the
    # school year's start, if later); empty for enrolments the town hall set from the start.
    starts_on = models.DateField(_("billed from"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity enrolment")
        verbose_name_plural = _("activity enrolments")
        ordering = ["child", "activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "activity", "school_year"],
                name="ecommune_school_one_enrolment_per_activity",
            )
        ]

    def __str__(self):
        return f"{self.child} — {self.activity}"


class DayChange(CommuneOwned):
    """A change to one day of an activity enrolment, made before the deadline: an absence
    (not billed) or an extra day."""

    enrolment = models.ForeignKey(
        ActivityEnrolment, on_delete=models.CASCADE, related_name="changes"
    )
    day = models.DateField(_("day"))
    attending = models.BooleanField(_("attending"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("change of a day")
        verbose_name_plural = _("changes of days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "day"], name="ecommune_school_one_change_per_day"
            )
        ]

    def __str__(self):
        return f"{self.enrolment} {self.day}"
