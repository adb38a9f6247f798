from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolConfig(AppConfig):
    name = "ecommune.services.school"
    label = "ecommune_school"
    verbose_name = _("Schools")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.services.school import events, service  # noqa: F401  (registers them)
