from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "ecommune.procedures"
    label = "ecommune_procedures"
    verbose_name = _("Designed procedures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.core.registry import registry
        from ecommune.procedures.service import source

        registry.add_source(source)

        from django.db.models.signals import post_save

        from ecommune.procedures.models import Procedure

        post_save.connect(_forget_portal, sender=Procedure, dispatch_uid="procedure-portal")


def _forget_portal(sender, instance, **kwargs):
    """Archiving (or renaming) a published procedure changes the portal's list."""
    from ecommune.core.portal_cache import forget_portal

    forget_portal(instance.commune_id)
