from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "ecommune.feedback"
    label = "ecommune_feedback"
    verbose_name = _("Residents' satisfaction")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts.space import sections as space_sections
        from ecommune.feedback.space import SECTION as SPACE_SECTION

        space_sections.register(SPACE_SECTION)
        from ecommune.feedback import events, survey  # noqa: F401  (event, receiver)

        survey.connect_signals()
