"""The imported service-public.fr publications (fiches, themes, dossiers) and resources
(online services, forms, document models, simulators).

National data shared by every commune of the install, so not ``CommuneOwned``:
each commune shows the same fiches with its own look and its own town-hall block.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Publication(models.Model):
    """What a fiche and a resource share: the DILA identifier, the texts, the page on
    service-public.fr, « Où s'adresser », and the import's bookkeeping."""

    publication_id = models.CharField(_("identifier"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    modified = models.DateField(_("checked on"), null=True, blank=True)
    sp_url = models.URLField(_("address on service-public.fr"), max_length=300)
    #: The « Où s'adresser » entries (see ``parser.where_entry``).
    where = models.JSONField(_("where to go"), default=list, blank=True)
    body_html = models.TextField(_("body"), blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["publication_id"]

    def __str__(self):
        return f"{self.publication_id} — {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ecommune_servicepublic:fiche", args=[self.publication_id])


class FicheQuerySet(SearchableQuerySetMixin, PublishedQuerySet):
    pass


class Fiche(index.Indexed, Publication):
    """One DILA publication (``F…`` fiche or ``N…`` theme/dossier), rendered at import."""

    publication_type = models.CharField(_("type"), max_length=120, blank=True)
    audience = models.CharField(_("audience"), max_length=60, blank=True)
    breadcrumb = models.JSONField(_("breadcrumb"), default=list, blank=True)
    #: The resources the fiche cites (``ServiceEnLigne``): id, title, url, type, cerfa as
    #: the fiche gives them; the page completes them with the imported ``Resource``.
    online_services = models.JSONField(_("online services"), default=list, blank=True)
    local_contact = models.BooleanField(_("answered by the town hall"), default=False)
    appendix_html = models.TextField(_("references and definitions"), blank=True)
    text = models.TextField(_("text"), blank=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("description", boost=2),
        index.SearchField("text"),
        index.FilterField("is_published"),
    ]

    objects = FicheQuerySet.as_manager()

    class Meta(Publication.Meta):
        verbose_name = _("service-public.fr fiche")
        verbose_name_plural = _("service-public.fr fiches")

    @property
    def is_fiche(self) -> bool:
        return self.publication_id.startswith("F")


class ResourceQuerySet(SearchableQuerySetMixin, PublishedQuerySet):
    pass


class Resource(index.Indexed, Publication):
    """One DILA ``R…`` resource (root ``ServiceComplementaire``): an online service, a
    form with its Cerfa number, a document model, a simulator or a search tool. Fiches
    cite them by identifier (``Fiche.online_services``); national data, like the fiches."""

    resource_type = models.CharField(_("type"), max_length=120, blank=True)
    cerfa = models.CharField(_("Cerfa number"), max_length=40, blank=True)
    other_number = models.CharField(_("other number"), max_length=120, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    file_format = models.CharField(_("file format"), max_length=120, blank=True)
    file_size = models.CharField(_("file size"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    fiche_ids = models.JSONField(_("related fiches"), default=list, blank=True)

    #: A resident looks a form up by its name or its Cerfa number (« cerfa 12100 »).
    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("cerfa", boost=3),
        index.SearchField("other_number"),
        index.SearchField("description", boost=2),
        index.SearchField("source"),
        index.FilterField("is_published"),
    ]

    objects = ResourceQuerySet.as_manager()

    class Meta(Publication.Meta):
        verbose_name = _("service-public.fr resource")
        verbose_name_plural = _("service-public.fr resources")

    @property
    def is_pdf(self) -> bool:
        return self.file_format == "application/pdf"
