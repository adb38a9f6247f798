from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ecommune.core"
    label = "ecommune_core"
    verbose_name = _("Communes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.core import checks  # noqa: F401  (registers the system checks)
