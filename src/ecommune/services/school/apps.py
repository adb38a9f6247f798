from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolConfig(AppConfig):
    name = "ecommune.services.school"
    label = "ecommune_school"
    verbose_name = _("Schools")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.families.space import sections
        from ecommune.services.school import events, service  # noqa: F401  (registers them)
        from ecommune.services.school.views import FAMILY_SECTION

        sections.register(FAMILY_SECTION)
        from ecommune.accounts.agenda import sources as agenda_sources
        from ecommune.services.school.agenda import ENROLMENT_SOURCE
        from ecommune.services.school.agenda import SOURCE as AGENDA_SOURCE

        agenda_sources.register(AGENDA_SOURCE)
        agenda_sources.register(ENROLMENT_SOURCE)
