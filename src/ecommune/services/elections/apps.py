from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "ecommune.services.elections"
    label = "ecommune_elections"
    verbose_name = _("Electoral-roll registration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.services.elections import (  # noqa: F401  (registers the service, events)
            events,
            offers,
            service,
        )

        offers.connect_signals()
