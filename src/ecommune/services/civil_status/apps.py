from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilStatusConfig(AppConfig):
    name = "ecommune.services.civil_status"
    label = "ecommune_civil_status"
    verbose_name = _("Civil-status certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.services.civil_status import service  # noqa: F401  (registers the service)
