"""Keeps the portal in step with the commune's settings and pages.

Enabling a service in the back office adds its service page at once, without running
``ecommune_setup_commune`` again; publishing a designed procedure adds its service page
and lists it under the moments of life it names; and any change to what the cached parts
of the portal show (pages, the commune, its opening hours, its site) gives it a new portal
version, so those parts are rendered again (``ecommune.core.portal_cache``).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from ecommune.core import tenancy
from ecommune.core.models import Commune, OpeningPeriod
from ecommune.core.portal_cache import (
    forget_portal,
    forget_portal_of_pages,
    forget_portal_of_site,
)
from ecommune.procedures.models import ProcedureVersion


@receiver(post_save, sender=Commune, dispatch_uid="ecommune_cms_service_pages")
def add_pages_of_enabled_services(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture: the pages come with it
        return
    from ecommune.cms.provisioning import ensure_service_pages

    ensure_service_pages(instance)
    forget_portal(instance.pk)


@receiver(post_save, sender=ProcedureVersion, dispatch_uid="ecommune_cms_designed_pages")
def show_published_procedure(sender, instance, created, raw=False, **kwargs):
    """A designed procedure's new version: its service page when it has none, and its slug
    added to the life event pages of the moments it names for the first time (an editor
    who took it off a page later is not overruled by the next version)."""
    slug = (instance.schema or {}).get("slug")
    if raw or not created or not slug:  # a version is made by publishing: it has its slug
        return
    from ecommune.cms.provisioning import ensure_service_pages, list_under_life_events

    commune = instance.commune
    with tenancy.using(commune):
        ensure_service_pages(commune)
        previous = (
            ProcedureVersion.objects.filter(procedure_id=instance.procedure_id)
            .exclude(pk=instance.pk)
            .order_by("-number")
            .first()
        )
        named_before = set(previous.schema.get("life_events") or ()) if previous else set()
        keys = set(instance.schema.get("life_events") or ()) - named_before
        list_under_life_events(commune, slug, keys)


def _forget_commune_of(sender, instance, raw=False, **kwargs):
    if not raw:
        forget_portal(instance.commune_id)


def _forget_commune_of_page(sender, instance=None, raw=False, **kwargs):
    # The commune whose site holds the page, found from the page's place in the tree in
    # one query: a page saved in one commune leaves the other communes' cached fragments
    # (and their rows) alone, so the cost of a change does not grow with the install.
    if raw or instance is None:
        return
    before = kwargs.get("parent_page_before")  # post_page_move: the site it left too
    forget_portal_of_pages(instance.path, before.path if before is not None else "")


def _forget_commune_of_site(sender, instance, raw=False, **kwargs):
    if not raw:
        forget_portal_of_site(instance.pk)


def connect_portal_signals() -> None:
    """Connects the receivers for every page type (called once the apps are ready)."""
    for model in {Page, *get_page_models()}:
        uid = f"ecommune_portal_{model._meta.label_lower}"
        post_save.connect(_forget_commune_of_page, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(_forget_commune_of_page, sender=model, dispatch_uid=uid + "_delete")
    page_published.connect(_forget_commune_of_page, dispatch_uid="ecommune_portal_published")
    page_unpublished.connect(_forget_commune_of_page, dispatch_uid="ecommune_portal_unpublished")
    post_page_move.connect(_forget_commune_of_page, dispatch_uid="ecommune_portal_moved")
    for signal in (post_save, post_delete):
        signal.connect(_forget_commune_of, sender=OpeningPeriod, dispatch_uid="ecommune_hours")
        signal.connect(_forget_commune_of_site, sender=Site, dispatch_uid="ecommune_portal_site")
