"""Wagtail page types of the town portal: home, news index and news items."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


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
    subpage_types = ["ecommune_cms.NewsIndexPage"]
    max_count_per_parent = 1
    template = "ecommune_cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        commune = getattr(request, "commune", None)
        context["services"] = commune.services() if commune else []
        context["opening_days"] = commune.opening_days() if commune else []
        context["open_now"] = commune.is_open_at(timezone.now()) if commune else False
        context["news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:3]
        )
        return context


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["ecommune_cms.HomePage"]
    subpage_types = ["ecommune_cms.NewsPage"]
    template = "ecommune_cms/news_index_page.html"

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")
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
