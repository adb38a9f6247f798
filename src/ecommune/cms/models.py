"""Wagtail page types of the town portal: home, news, online services, life events and the
legal pages a French public site must have (mentions légales, données personnelles,
accessibilité, plan du site)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.search import index

from ecommune.core.fields import ServiceListField
from ecommune.core.portal_cache import cached
from ecommune.core.registry import registry
from ecommune.procedures.models import LifeEvent

PUBLICATION_IDS_RE = re.compile(r"^\s*([FN]\d+(\s*[, ]\s*[FN]\d+)*)?\s*$", re.IGNORECASE)


def service_choices():
    """The registered services, read when the form is built (a new one needs no migration)."""
    return registry.choices()


def validate_publication_ids(value):
    if not PUBLICATION_IDS_RE.match(value or ""):
        raise ValidationError(
            _("Give service-public.fr identifiers separated by commas, such as F1367, N47."),
            code="invalid_publication_ids",
        )


def publication_ids(value: str) -> list[str]:
    return [part.upper() for part in re.split(r"[\s,]+", value or "") if part]


def fiches_by_ids(ids: list[str]) -> list:
    """The published fiches among ``ids``, in the given order (one query)."""
    from ecommune.servicepublic.models import Fiche

    if not ids:
        return []
    found = {f.publication_id: f for f in Fiche.objects.published().filter(publication_id__in=ids)}
    return [found[i] for i in ids if i in found]


def service_links(request, services) -> list[dict]:
    """Each service with its page on this site (if any) and its wizard: one query."""
    from django.urls import reverse

    site = Site.find_for_request(request) if request is not None else None
    pages = {}
    if site is not None and services:
        pages = {
            p.service_slug: p
            for p in ServicePage.objects.live()
            .public()
            .descendant_of(site.root_page)
            .filter(service_slug__in=[s.slug for s in services])
        }
    return [
        {
            "service": service,
            "page": pages.get(service.slug),
            "start_url": reverse("ecommune_requests:wizard", args=[service.slug]),
        }
        for service in services
    ]


def opening_periods(commune) -> list:
    """The town hall's opening periods, kept in the portal cache."""
    if commune is None:
        return []
    return cached(commune, "opening-periods", lambda: list(commune.opening_hours.all()))


class HomePage(Page):
    """The commune's home page: services, news, the town hall's contact and hours."""

    intro = models.TextField(_("introduction"), blank=True)
    alert_active = models.BooleanField(_("show the alert"), default=False)
    alert_text = models.CharField(
        _("alert"),
        max_length=300,
        blank=True,
        help_text=_("Shown at the top of the home page, such as a heatwave or a closure."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("alert_active"), FieldPanel("alert_text")], heading=_("Alert")),
    ]
    subpage_types = [
        "ecommune_cms.NewsIndexPage",
        "ecommune_cms.ServiceIndexPage",
        "ecommune_cms.LifeEventIndexPage",
        "ecommune_cms.LegalNoticePage",
        "ecommune_cms.PersonalDataPage",
        "ecommune_cms.AccessibilityPage",
        "ecommune_cms.SitemapPage",
        "ecommune_cms.StandardPage",
        "ecommune_cms.ContactPage",
    ]
    max_count_per_parent = 1
    template = "ecommune_cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """Lazy values: the template renders the blocks that use them once per portal version
        (``{% portal_fragment %}``), so a cached page does not compute them."""
        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        context["services"] = SimpleLazyObject(
            lambda: service_links(request, commune.services() if commune else [])
        )
        context["life_events"] = SimpleLazyObject(
            lambda: list(LifeEventPage.objects.live().public().descendant_of(self))
        )
        periods = SimpleLazyObject(lambda: opening_periods(commune))
        context["opening_days"] = SimpleLazyObject(
            lambda: commune.opening_days(periods) if commune else []
        )
        context["open_now"] = SimpleLazyObject(
            lambda: bool(commune) and commune.is_open_at(timezone.now(), periods)
        )
        context["news"] = SimpleLazyObject(
            lambda: list(
                NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:3]
            )
        )
        context["events"] = SimpleLazyObject(
            lambda: list(EventPage.upcoming().descendant_of(self)[:3])
        )
        context["news_index"] = SimpleLazyObject(
            lambda: NewsIndexPage.objects.live().public().child_of(self).first()
        )
        if commune is not None:
            from ecommune.appointments.home import home_context

            # The live wait per open counter and the next free appointment.
            context.update(home_context(commune))
        return context


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types = ["ecommune_cms.NewsPage", "ecommune_cms.EventPage"]
    template = "ecommune_cms/news_index_page.html"

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")
        context["events"] = EventPage.upcoming().child_of(self)
        return context


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["ecommune_cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "ecommune_cms/news_page.html"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")


class StandardPage(Page):
    """A free page the commune writes (a place, a project, a practical guide)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    template = "ecommune_cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class ServiceIndexPage(Page):
    """« Démarches en ligne »: every online service the commune offers."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types = ["ecommune_cms.ServicePage"]
    max_count_per_parent = 1
    template = "ecommune_cms/service_index_page.html"

    class Meta:
        verbose_name = _("online services index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        context["services"] = service_links(request, commune.services() if commune else [])
        return context


class ServicePage(Page):
    """What an online service is, who may ask, the documents, the delay, the start button."""

    service_slug = models.CharField(
        _("online service"),
        max_length=60,
        choices=service_choices,
        help_text=_("The online procedure this page presents."),
    )
    intro = models.TextField(_("what it is"), blank=True)
    who_can_ask = RichTextField(_("who can ask"), blank=True)
    documents = RichTextField(_("documents to provide"), blank=True)
    delay = models.CharField(
        _("delay"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to show the service's processing delay."),
    )
    fiches = models.CharField(
        _("service-public.fr fiches"),
        max_length=300,
        blank=True,
        validators=[validate_publication_ids],
        help_text=_("Identifiers separated by commas, such as F1427. Empty: the usual ones."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("service_slug"),
        FieldPanel("intro"),
        FieldPanel("who_can_ask"),
        FieldPanel("documents"),
        FieldPanel("delay"),
        FieldPanel("fiches"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("who_can_ask"),
        index.SearchField("documents"),
    ]
    parent_page_types = ["ecommune_cms.ServiceIndexPage"]
    subpage_types: list[str] = []
    template = "ecommune_cms/service_page.html"

    class Meta:
        verbose_name = _("service page")

    @property
    def service(self):
        return registry.get(self.service_slug) if self.service_slug in registry else None

    def fiche_ids(self) -> list[str]:
        from ecommune.servicepublic.links import fiches_of

        if self.fiches:
            return publication_ids(self.fiches)
        return list(fiches_of(self.service)) if self.service else []

    def get_context(self, request, *args, **kwargs):
        from django.urls import reverse

        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        service = self.service
        context["service"] = service
        context["enabled"] = bool(commune and service and commune.has_service(service.slug))
        if service is not None:
            context["start_url"] = reverse("ecommune_requests:wizard", args=[service.slug])
            # The registry's text for it (for elections, the next deadline in full), unless
            # the page's introduction already says the same. Lazy, like the fiches: the
            # template keeps what uses them in the portal cache.
            context["description"] = SimpleLazyObject(
                lambda: "" if service.describe() == self.intro else service.describe()
            )
        context["related_fiches"] = SimpleLazyObject(lambda: fiches_by_ids(self.fiche_ids()))
        context["related_links"] = related_links([service] if context["enabled"] else [])
        return context


def related_links(services) -> list[tuple[str, str]]:
    """(label, URL) of the public pages the services link to (``Service.related_links``)."""
    from django.urls import NoReverseMatch, reverse

    links = []
    for service in services:
        for label, url_name in getattr(service, "related_links", ()):
            try:
                links.append((str(label), reverse(url_name)))
            except NoReverseMatch:
                continue
    return links


class LifeEventIndexPage(Page):
    """« Vos démarches selon votre situation »: the life events."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types = ["ecommune_cms.LifeEventPage"]
    max_count_per_parent = 1
    template = "ecommune_cms/life_event_index_page.html"

    class Meta:
        verbose_name = _("life events index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = LifeEventPage.objects.live().public().child_of(self)
        return context


class LifeEventPage(Page):
    """A moment of life (« J'ai un enfant », « Je déménage »…) and what to do then."""

    intro = models.TextField(_("introduction"), blank=True)
    event_key = models.CharField(
        _("moment of life"),
        max_length=20,
        blank=True,
        choices=LifeEvent.choices,
        help_text=_(
            "A procedure designed in the back office that names this moment of life is "
            "added to this page's online services when it is published."
        ),
    )
    services = ServiceListField(
        _("online services"), help_text=_("Shown only when the commune offers them.")
    )
    fiches = models.CharField(
        _("service-public.fr fiches"),
        max_length=500,
        blank=True,
        validators=[validate_publication_ids],
        help_text=_("Identifiers separated by commas, such as F1367, N47."),
    )
    body = RichTextField(_("what the town hall says"), blank=True)
    motives = ParentalManyToManyField(
        "ecommune_appointments.Motive",
        blank=True,
        related_name="life_events",
        verbose_name=_("appointment motives"),
        help_text=_("The appointments at the town hall's counters this moment of life calls for."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("event_key"),
        FieldPanel("services"),
        FieldPanel("motives", widget=forms.CheckboxSelectMultiple),
        FieldPanel("fiches"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["ecommune_cms.LifeEventIndexPage"]
    subpage_types: list[str] = []
    template = "ecommune_cms/life_event_page.html"

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        chosen = set(self.services or [])
        services = [s for s in (commune.services() if commune else []) if s.slug in chosen]
        context["service_links"] = service_links(request, services)
        context["related_links"] = related_links(services)
        context["related_fiches"] = fiches_by_ids(publication_ids(self.fiches))
        # The commune's own motives still open for booking (one query).
        context["motives"] = (
            list(self.motives.filter(commune=commune, active=True).order_by("name"))
            if commune is not None and self.pk
            else []
        )
        return context


class LegalPage(Page):
    """Common ground of the legal pages: one of each per site, under the home page."""

    body = RichTextField(_("body"), blank=True)

    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        abstract = True


class LegalNoticePage(LegalPage):
    """Mentions légales (LCEN art. 6): publisher, publication director, host."""

    publisher = models.CharField(_("publisher"), max_length=200)
    publisher_address = models.CharField(_("publisher's address"), max_length=300, blank=True)
    publication_director = models.CharField(_("publication director"), max_length=200)
    host_name = models.CharField(_("host"), max_length=200)
    # Blank allowed so a commune without an address yet can be set up; the page says so.
    host_address = models.CharField(_("host's address"), max_length=300, blank=True)
    host_phone = models.CharField(_("host's phone"), max_length=30, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("publisher"),
                FieldPanel("publisher_address"),
                FieldPanel("publication_director"),
            ],
            heading=_("Publisher"),
        ),
        MultiFieldPanel(
            [FieldPanel("host_name"), FieldPanel("host_address"), FieldPanel("host_phone")],
            heading=_("Host"),
        ),
        FieldPanel("body"),
    ]
    template = "ecommune_cms/legal_notice_page.html"

    class Meta:
        verbose_name = _("legal notice")


class PersonalDataPage(LegalPage):
    """Données personnelles: each enabled service's processing, the DPO, residents' rights."""

    controller = models.CharField(_("data controller"), max_length=200)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), blank=True)
    dpo_address = models.CharField(
        _("data protection officer's postal address"), max_length=300, blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("controller"),
        MultiFieldPanel(
            [FieldPanel("dpo_name"), FieldPanel("dpo_email"), FieldPanel("dpo_address")],
            heading=_("Data protection officer"),
        ),
        FieldPanel("body"),
    ]
    template = "ecommune_cms/personal_data_page.html"

    class Meta:
        verbose_name = _("personal data page")

    def get_context(self, request, *args, **kwargs):
        from ecommune.cms.privacy import processing_of
        from ecommune.core.services import register_entries

        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        context["processings"] = [
            (service, processing_of(service)) for service in (commune.services() if commune else [])
        ]
        context["other_processings"] = list(register_entries) if commune else []
        return context


class Conformity(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class AccessibilityPage(LegalPage):
    """Déclaration d'accessibilité (RGAA 4.1, décret 2019-768)."""

    conformity = models.CharField(
        _("conformity level"), max_length=10, choices=Conformity.choices, default=Conformity.NONE
    )
    compliance_rate = models.PositiveSmallIntegerField(
        _("rate of RGAA criteria met (%)"), null=True, blank=True
    )
    audit_date = models.DateField(_("date of the audit"), null=True, blank=True)
    audit_by = models.CharField(_("audit carried out by"), max_length=200, blank=True)
    statement_date = models.DateField(_("date of the statement"), default=timezone.localdate)
    non_compliant = RichTextField(_("non-accessible content"), blank=True)
    multi_year_plan_url = models.URLField(_("multi-year plan (link)"), blank=True)
    contact_email = models.EmailField(_("email to report a problem"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("conformity"),
                FieldPanel("compliance_rate"),
                FieldPanel("audit_date"),
                FieldPanel("audit_by"),
                FieldPanel("statement_date"),
            ],
            heading=_("Conformity"),
        ),
        FieldPanel("non_compliant"),
        FieldPanel("multi_year_plan_url"),
        FieldPanel("contact_email"),
        FieldPanel("body"),
    ]
    template = "ecommune_cms/accessibility_page.html"

    class Meta:
        verbose_name = _("accessibility statement")

    def clean(self):
        super().clean()
        if self.compliance_rate is not None and self.compliance_rate > 100:
            raise ValidationError({"compliance_rate": _("A rate is between 0 and 100.")})
        if self.conformity != Conformity.NONE and self.audit_date is None:
            raise ValidationError(
                {"audit_date": _("A conformity level needs the date of the audit it comes from.")}
            )


class SitemapPage(LegalPage):
    """Plan du site: every published page of the site, as a tree."""

    template = "ecommune_cms/sitemap_page.html"
    content_panels = [*Page.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("site map")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_parent()
        pages = list(
            Page.objects.live()
            .public()
            .descendant_of(home, inclusive=True)
            .filter(depth__lte=home.depth + 2)
        )
        children: dict[str, list] = {}
        for page in pages:
            children.setdefault(page.path[: -Page.steplen], []).append(page)
        context["tree"] = [
            (page, children.get(page.path, [])) for page in children.get(home.path, [])
        ]
        context["home"] = home
        return context


class EventPage(Page):
    """An event in the commune (a fair, a council meeting, a ceremony), listed with the news
    while it is upcoming or under way."""

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for an event without an end.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("description"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("start"), FieldPanel("end")], heading=_("When")),
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("place"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["ecommune_cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "ecommune_cms/event_page.html"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})

    @classmethod
    def upcoming(cls, now=None):
        """Published events not over yet, soonest first (an event without an end is over
        when its day is)."""
        now = now or timezone.now()
        day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return (
            cls.objects.live()
            .public()
            .filter(models.Q(end__gte=now) | models.Q(end__isnull=True, start__gte=day_start))
            .order_by("start", "pk")
        )

    @property
    def same_day(self) -> bool:
        return self.end is None or (
            timezone.localtime(self.start).date() == timezone.localtime(self.end).date()
        )


class ContactPage(Page):
    """« Contacter la mairie »: the town hall's address, phone and hours from the commune's
    settings, and the way into the contact request (the engine's ``contact`` service)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("more information"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "ecommune_cms/contact_page.html"

    class Meta:
        verbose_name = _("contact page")

    def get_context(self, request, *args, **kwargs):
        from django.urls import reverse

        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        context["opening_days"] = commune.opening_days() if commune else []
        context["open_now"] = commune.is_open_at(timezone.now()) if commune else False
        if commune is not None and commune.has_service("contact"):
            context["contact_url"] = reverse("ecommune_requests:wizard", args=["contact"])
        return context
