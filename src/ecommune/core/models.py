"""The commune: a Wagtail Site and its settings, the anchor of every commune-owned row."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ecommune.core import phones, validators
from ecommune.core.fields import ServiceListField
from ecommune.core.panels import CspInlinePanel as InlinePanel
from ecommune.core.portal_cache import new_portal_version
from ecommune.core.registry import registry
from ecommune.core.tenancy import CurrentCommuneManager
from ecommune.core.themes import theme_choices


def sender_domains() -> list[str]:
    """The mail domains a commune may send from (``ECOMMUNE_SENDER_DOMAINS``); empty: any."""
    return [
        domain.strip().lower().lstrip("@")
        for domain in getattr(settings, "ECOMMUNE_SENDER_DOMAINS", None) or []
        if domain.strip()
    ]


@register_setting(icon="home")
class Commune(ClusterableModel, BaseSiteSetting):
    """One commune served by this install; one per Wagtail Site."""

    name = models.CharField(
        _("name"), max_length=120, help_text=_("As written officially, such as « Saint-Herblain ».")
    )
    insee_code = models.CharField(
        _("INSEE code"),
        max_length=5,
        validators=[validators.validate_insee_code],
        help_text=_("The commune's official code (Code officiel géographique), such as 44162."),
    )
    postal_codes = models.CharField(
        _("postal codes"),
        max_length=200,
        validators=[validators.validate_postal_codes],
        help_text=_("Separated by commas when the commune has several."),
    )
    coat_of_arms = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("coat of arms"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    main_colour = models.CharField(
        _("main colour"),
        max_length=7,
        default="#1f4e8c",
        validators=[validators.validate_main_colour],
        help_text=_("#RRGGBB; it must contrast with white text (WCAG AA, 4.5:1)."),
    )
    theme = models.CharField(_("theme"), max_length=40, default="commune", choices=theme_choices)
    portal_version = models.BigIntegerField(
        default=new_portal_version,
        editable=False,
        help_text="Changes whenever the portal's cached fragments must be rendered again.",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    sender_email = models.EmailField(
        _("sender address of emails"),
        blank=True,
        help_text=_(
            "The address the commune's emails to residents and agents come from, such as "
            "ne-pas-repondre@mairie-saint-herblain.fr. Its domain must allow this server to "
            "send (SPF, DKIM): ask the IT team before changing it. Empty: the install's "
            "address."
        ),
    )
    sms_sender = models.CharField(
        _("SMS sender"),
        max_length=11,
        blank=True,
        validators=[validators.validate_sms_sender],
        help_text=_(
            "The name residents see as the sender of the commune's SMS: 3 to 11 letters "
            "without accents or digits, such as StHerblain. Empty: the install's name."
        ),
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[phones.validate_french_phone]
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    address_postal_code = models.CharField(
        _("postal code of the address"),
        max_length=5,
        blank=True,
        validators=[validators.validate_postal_code],
    )
    address_city = models.CharField(_("city of the address"), max_length=120, blank=True)
    other_languages = models.CharField(
        _("other languages"),
        max_length=60,
        blank=True,
        validators=[validators.validate_language_list],
        help_text=_(
            "Language codes, separated by commas, offered to residents besides French "
            "(for instance « en »). A language is offered only when its translation of "
            "the portal is complete; the portal never follows the browser's language."
        ),
    )
    enabled_services = ServiceListField(
        _("enabled services"),
        help_text=_("The online procedures this commune offers."),
    )
    widget_origins = models.TextField(
        _("sites allowed to show the widgets"),
        max_length=2000,
        blank=True,
        validators=[validators.validate_origins],
        help_text=_(
            "One origin a line, such as https://www.example.org: the sites that may show "
            "the portal's widgets (next free appointment, waiting time, news, a fiche). "
            "Any other site's frame stays empty."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("insee_code"), FieldPanel("postal_codes")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("street_address"),
                FieldPanel("address_postal_code"),
                FieldPanel("address_city"),
            ],
            heading=_("Town hall"),
        ),
        MultiFieldPanel(
            [FieldPanel("sender_email"), FieldPanel("sms_sender")],
            heading=_("Emails and SMS"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening period")),
    ]
    look_panels = [
        FieldPanel("theme"),
        FieldPanel("main_colour"),
        FieldPanel("coat_of_arms"),
        FieldPanel("other_languages"),
    ]
    service_panels = [FieldPanel("enabled_services")]
    widget_panels = [FieldPanel("widget_origins")]
    edit_handler = TabbedInterface(
        [
            ObjectList(panels, heading=_("Commune")),
            ObjectList(service_panels, heading=_("Online services")),
            ObjectList(look_panels, heading=_("Look")),
            ObjectList(widget_panels, heading=_("Widgets")),
        ]
    )

    objects = CurrentCommuneManager()
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    @classmethod
    def base_queryset(cls):
        # Finding the commune of a site happens before any commune is current.
        return cls.unscoped.all()

    def __str__(self):
        return self.name or str(self.site)

    def clean(self):
        super().clean()
        allowed = sender_domains()
        if self.sender_email and allowed:
            domain = self.sender_email.rpartition("@")[2].lower()
            if not any(domain == d or domain.endswith("." + d) for d in allowed):
                raise ValidationError(
                    {
                        "sender_email": ValidationError(
                            _(
                                "This server may send only from %(domains)s: ask the IT team "
                                "to add %(domain)s to ECOMMUNE_SENDER_DOMAINS once the domain "
                                "allows the server (SPF, DKIM)."
                            ),
                            code="sender_domain_not_allowed",
                            params={"domains": ", ".join(allowed), "domain": domain},
                        )
                    }
                )

    @property
    def other_language_list(self) -> list[str]:
        return [code.strip() for code in self.other_languages.split(",") if code.strip()]

    @property
    def widget_origin_list(self) -> list[str]:
        """The origins allowed to frame the commune's widgets (``widget_origins``)."""
        return validators.split_origins(self.widget_origins)

    @property
    def postal_code_list(self) -> list[str]:
        return validators.split_postal_codes(self.postal_codes)

    @property
    def sms_originator(self) -> str:
        """The sender name of the commune's SMS: its own, or the install's."""
        return self.sms_sender or getattr(settings, "DEFAULT_FROM_SMS", "")

    @property
    def phone_display(self) -> str:
        return phones.format_french_phone(self.contact_phone)

    @property
    def phone_uri(self) -> str:
        """The ``tel:`` link of the town hall's number."""
        return phones.tel_uri(self.contact_phone)

    def public_url(self, path: str) -> str:
        """An absolute address on the commune's own site, for emails, SMS, feeds and the
        bank: ``commune.public_url(reverse("ecommune_requests:track"))``."""
        site = self.site
        scheme = getattr(settings, "ECOMMUNE_PUBLIC_SCHEME", "https")
        port = "" if site.port in (80, 443) else f":{site.port}"
        return f"{scheme}://{site.hostname}{port}{path}"

    def services(self) -> list[type]:
        """The registered services this commune enabled, in catalogue order."""
        enabled = set(self.enabled_services or [])
        return [
            service
            for service in registry
            if service.slug in enabled or getattr(service, "designed", False)
        ]

    def opening_days(self, periods=None) -> list[tuple[str, list["OpeningPeriod"]]]:
        """Opening periods grouped by day, Monday first: [("Monday", [8:30–12:00, …]), …];
        ``periods`` are its opening periods when the caller already has them."""
        days: dict[int, list[OpeningPeriod]] = {}
        for period in self.opening_hours.all() if periods is None else periods:
            days.setdefault(period.weekday, []).append(period)
        return [(Weekday(day).label, periods) for day, periods in sorted(days.items())]

    def is_open_at(self, moment, periods=None) -> bool:
        """Whether the town hall is open at ``moment`` (an aware datetime); ``periods`` are
        its opening periods when the caller already has them."""
        local = timezone.localtime(moment)
        return any(
            period.weekday == local.weekday() and period.opens_at <= local.time() < period.closes_at
            for period in (self.opening_hours.all() if periods is None else periods)
        )

    def has_service(self, slug: str) -> bool:
        if slug not in registry:
            return False
        # A commune's designed procedure is offered as long as it is published.
        return slug in (self.enabled_services or []) or getattr(
            registry.get(slug), "designed", False
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    """One opening period of the town hall, such as Monday 8:30–12:00."""

    commune = ParentalKey(Commune, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    panels = [FieldPanel("weekday"), FieldPanel("opens_at"), FieldPanel("closes_at")]

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="ecommune_opening_period_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class PeriodicJobRun(models.Model):
    """The last run of one periodic job (``ecommune.core.periodic``), for ``ecommune doctor``.

    One row per job, for the whole install (the jobs walk every commune themselves).
    """

    name = models.CharField(_("job"), max_length=100, unique=True)
    first_seen_at = models.DateTimeField(_("first seen by a scheduler"), default=timezone.now)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_succeeded = models.BooleanField(_("last run succeeded"), null=True)
    last_duration = models.DurationField(_("last duration"), null=True, blank=True)
    last_output = models.TextField(_("last output"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["name"]

    def __str__(self):
        return self.name
