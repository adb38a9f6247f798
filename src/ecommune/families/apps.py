from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "ecommune.families"
    label = "ecommune_families"
    verbose_name = _("Families")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts.space import sections as space_sections
        from ecommune.families import data_export  # noqa: F401  (« Mes données »)
        from ecommune.families.space_section import SECTION as SPACE_SECTION

        space_sections.register(SPACE_SECTION)
        from ecommune.families import events, processing  # noqa: F401  (registers them)
