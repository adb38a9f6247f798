from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "ecommune.services.contact"
    label = "ecommune_contact"
    verbose_name = _("Write to the town hall")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.services.contact import service  # noqa: F401  (registers the service)
