from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "ecommune.cms"
    label = "ecommune_cms"
    verbose_name = _("Portal pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.cms import provisioning, signals
        from ecommune.core.provisioning import steps

        signals.connect_portal_signals()
        steps.register(provisioning.PORTAL_STEP)
