from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ecommune.payments"
    label = "ecommune_payments"
    verbose_name = _("Invoices and payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.accounts.space import sections as space_sections
        from ecommune.payments import data_export  # noqa: F401  (« Mes données »)
        from ecommune.payments.space import SECTION as SPACE_SECTION

        space_sections.register(SPACE_SECTION)
        from ecommune.accounts.agenda import sources as agenda_sources
        from ecommune.payments.agenda import SOURCE as AGENDA_SOURCE

        agenda_sources.register(AGENDA_SOURCE)
        from ecommune.families.space import sections
        from ecommune.payments import events, processing  # noqa: F401  (registers them)
        from ecommune.payments.invoice_views import FAMILY_SECTION

        sections.register(FAMILY_SECTION)
