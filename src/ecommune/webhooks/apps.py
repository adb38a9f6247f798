from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "ecommune.webhooks"
    label = "ecommune_webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from ecommune.webhooks import events, receivers  # noqa: F401  (registers them)
