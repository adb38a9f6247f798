from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ecommune.core"
    label = "ecommune_core"
    verbose_name = _("Communes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.admin.views.mixins import SpreadsheetExportMixin

        from ecommune.core import checks  # noqa: F401  (registers the system checks)
        from ecommune.core.csv_export import wagtail_csv_response

        # Wagtail writes its CSV exports (reports, redirects, listings) without defusing
        # formulas, on purpose (its security policy leaves it to the reader): the kit's
        # back office routes them through its one CSV writer.
        SpreadsheetExportMixin.write_csv_response = wagtail_csv_response
