from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "ecommune.feedback"
    label = "ecommune_feedback"
    verbose_name = _("Residents' satisfaction")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.feedback import events, survey  # noqa: F401  (event, receiver)

        survey.connect_signals()
