"""The imported service-public.fr publications (fiches, themes, dossiers).

National data shared by every commune of the install, so not ``CommuneOwned``:
each commune shows the same fiches with its own look and its own town-hall block.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class FicheQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Fiche(index.Indexed, models.Model):
    """One DILA publication (``F…`` fiche or ``N…`` theme/dossier), rendered at import."""

    publication_id = models.CharField(_("identifier"), max_length=20, unique=True)
    publication_type = models.CharField(_("type"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=60, blank=True)
    modified = models.DateField(_("checked on"), null=True, blank=True)
    sp_url = models.URLField(_("address on service-public.fr"), max_length=300)
    breadcrumb = models.JSONField(_("breadcrumb"), default=list, blank=True)
    online_services = models.JSONField(_("online services"), default=list, blank=True)
    local_contact = models.BooleanField(_("answered by the town hall"), default=False)
    body_html = models.TextField(_("body"), blank=True)
    text = models.TextField(_("text"), blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("description", boost=2),
        index.SearchField("text"),
        index.FilterField("is_published"),
    ]

    objects = FicheQuerySet.as_manager()

    class Meta:
        verbose_name = _("service-public.fr fiche")
        verbose_name_plural = _("service-public.fr fiches")
        ordering = ["publication_id"]

    def __str__(self):
        return f"{self.publication_id} — {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ecommune_servicepublic:fiche", args=[self.publication_id])

    @property
    def is_fiche(self) -> bool:
        return self.publication_id.startswith("F")
