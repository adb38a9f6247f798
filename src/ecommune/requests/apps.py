from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "ecommune.requests"
    label = "ecommune_requests"
    verbose_name = _("Requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts.space import sections
        from ecommune.requests import (
            data_export,  # noqa: F401  (« Mes données »)
            processing,  # noqa: F401  (registers it)
        )
        from ecommune.requests.space import SECTIONS

        for section in SECTIONS:
            sections.register(section)
