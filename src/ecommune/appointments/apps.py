from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "ecommune.appointments"
    label = "ecommune_appointments"
    verbose_name = _("Appointments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ecommune.appointments import events  # noqa: F401  (registers the events)
