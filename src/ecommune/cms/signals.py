"""Keeps the portal in step with the commune's settings: enabling a service in the back
office adds its service page at once, without running ``ecommune_setup_commune`` again."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from ecommune.core.models import Commune


@receiver(post_save, sender=Commune, dispatch_uid="ecommune_cms_service_pages")
def add_pages_of_enabled_services(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture: the pages come with it
        return
    from ecommune.cms.provisioning import ensure_service_pages

    ensure_service_pages(instance)
